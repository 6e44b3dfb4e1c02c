"""`talentcli compare` (SPEC §4.13) as text, Markdown, CSV or JSON: how many people change
each field, the box -> box matrix and each changed person. Pure: a string out."""

from __future__ import annotations

import csv
import io
import json

from talentcli.engine.whatif import FIELDS, Comparison
from talentcli.report.labels import long_date, number
from talentcli.safety import safe_text

COMPARE_FORMATS = ("text", "md", "csv", "json")


def render(cmp: Comparison, meta: dict, fmt: str) -> str:
    """The comparison in FMT; META: cycle, as_of, run, rules_a and rules_b ({name, sha256})."""
    return {"text": text, "md": markdown, "csv": csv_text, "json": json_text}[fmt](cmp, meta)


def json_text(cmp: Comparison, meta: dict) -> str:
    """One JSON document (codes; keys as SPEC §4.13 names them)."""
    doc = {
        "cycle": meta["cycle"],
        "as_of": meta["as_of"],
        "run": meta["run"],
        "rules": meta["rules_a"],
        "compare_rules": meta["rules_b"],
        "people": cmp.people,
        "changed": cmp.changed,
        "box_matrix": cmp.matrix,
        "changes": [
            {"nip": r.nip, "nama": r.nama, "field": r.field, "old": r.old, "new": r.new}
            for r in cmp.changes.itertuples(index=False)
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def csv_text(cmp: Comparison, meta: dict) -> str:
    """One row per changed person and field: nip, nama, field, old, new (formula-safe)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["nip", "nama", "field", "old", "new"])
    for r in cmp.changes.itertuples(index=False):
        writer.writerow(
            [safe_text(v) for v in (r.nip, r.nama, r.field, _cell(r.old, ""), _cell(r.new, ""))]
        )
    return out.getvalue()


def text(cmp: Comparison, meta: dict) -> str:
    """For the terminal: the counts, the matrix, the changed people."""
    a, b = meta["rules_a"]["name"], meta["rules_b"]["name"]
    lines = [
        f"compare: cycle {meta['cycle']} (as of {long_date(meta['as_of'])}), "
        f"run {meta['run']} ({a}) against {b}",
        f"people: {number(cmp.people)}",
        "changed:",
        *(f"  {f:<13} {number(cmp.changed[f]):>7}" for f in FIELDS),
        "",
        f"box -> box (rows: run {meta['run']}, {a}; columns: {b})",
        "        " + "".join(f"{c:>6}" for c in range(1, 10)),
    ]
    for old, row in cmp.matrix.items():
        lines.append(f"  {old:>4}  " + "".join(f"{row[str(c)]:>6}" for c in range(1, 10)))
    lines += ["", f"changed people ({number(cmp.changes['nip'].nunique())}):"]
    for r in cmp.changes.itertuples(index=False):
        lines.append(f"  {r.nip}  {r.nama or '-'}  {r.field}: {_cell(r.old)} -> {_cell(r.new)}")
    return "\n".join(lines) + "\n"


def markdown(cmp: Comparison, meta: dict) -> str:
    """Markdown tables, for a note to the committee."""
    a, b = meta["rules_a"]["name"], meta["rules_b"]["name"]
    lines = [
        f"# What-if: {b} against run {meta['run']} ({a})",
        "",
        f"Cycle {meta['cycle']}, as of {long_date(meta['as_of'])}; {number(cmp.people)} people.",
        "",
        "| field | people changed |",
        "|---|---:|",
        *(f"| {f} | {number(cmp.changed[f])} |" for f in FIELDS),
        "",
        f"Box -> box (rows: {a}; columns: {b})",
        "",
        "| box | " + " | ".join(map(str, range(1, 10))) + " |",
        "|---|" + "---:|" * 9,
    ]
    for old, row in cmp.matrix.items():
        lines.append(f"| {old} | " + " | ".join(str(row[str(c)]) for c in range(1, 10)) + " |")
    lines += ["", "| NIP | nama | field | old | new |", "|---|---|---|---|---|"]
    for r in cmp.changes.itertuples(index=False):
        cells = (r.nip, r.nama or "", r.field, _cell(r.old), _cell(r.new))
        lines.append("| " + " | ".join(_md(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _cell(value: object, none: str = "-") -> str:
    if value is None:
        return none
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _md(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")
