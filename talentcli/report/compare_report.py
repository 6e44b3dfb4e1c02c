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


def render(cmp: Comparison, meta: dict, fmt: str, rules: tuple) -> str:
    """The comparison in FMT; META: cycle, as_of, run, rules_a and rules_b ({name, sha256});
    RULES (the run's and the other) word the text and md (csv and json keep the codes)."""
    if fmt in ("text", "md"):
        return {"text": text, "md": markdown}[fmt](cmp, meta, Words(rules))
    return {"csv": csv_text, "json": json_text}[fmt](cmp, meta)


class Words:
    """The words of text and md: the labels of the reports (the run's rules' Labels), an old
    value in the run's rules' words and a new one in the other rules' (their codes may
    differ: optimal -> ms)."""

    def __init__(self, rules: tuple) -> None:
        from talentcli.report.labels import Labels

        self.old, self.new = (Labels(r, "id") for r in rules)
        self.say, self.field = self.old.say, self.old.header

    def value(self, value: object, field: str, new: bool) -> str:
        if value is None:
            return _cell(value)
        return str((self.new if new else self.old).value(value, field))


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


def text(cmp: Comparison, meta: dict, w: Words) -> str:
    """For the terminal: the counts, the matrix, the changed people."""
    a, b = meta["rules_a"]["name"], meta["rules_b"]["name"]
    width = max(len(w.field(f)) for f in FIELDS) + 2
    lines = [
        w.say("compare_head", cycle=meta["cycle"], as_of=long_date(meta["as_of"]),
              run=meta["run"], a=a, b=b),
        w.say("compare_people", n=number(cmp.people)),
        w.say("compare_changed"),
        *(f"  {w.field(f):<{width}} {number(cmp.changed[f]):>7}" for f in FIELDS),
        "",
        w.say("compare_matrix", run=meta["run"], a=a, b=b),
        "        " + "".join(f"{c:>6}" for c in range(1, 10)),
    ]  # fmt: skip
    for old, row in cmp.matrix.items():
        lines.append(f"  {old:>4}  " + "".join(f"{row[str(c)]:>6}" for c in range(1, 10)))
    lines += ["", w.say("compare_who", n=number(cmp.changes["nip"].nunique()))]
    for r in cmp.changes.itertuples(index=False):
        was, now = w.value(r.old, r.field, False), w.value(r.new, r.field, True)
        lines.append(f"  {r.nip}  {r.nama or '-'}  {w.field(r.field)}: {was} -> {now}")
    return "\n".join(lines) + "\n"


def markdown(cmp: Comparison, meta: dict, w: Words) -> str:
    """Markdown tables, for a note to the committee."""
    a, b = meta["rules_a"]["name"], meta["rules_b"]["name"]
    head = w.say("compare_md_table").split("|")
    lines = [
        w.say("compare_md_title", run=meta["run"], a=a, b=b),
        "",
        w.say("compare_md_line", cycle=meta["cycle"], as_of=long_date(meta["as_of"]),
              n=number(cmp.people)),
        "",
        f"| {head[0]} | {head[1]} |",
        "|---|---:|",
        *(f"| {w.field(f)} | {number(cmp.changed[f])} |" for f in FIELDS),
        "",
        w.say("compare_matrix", run=meta["run"], a=a, b=b),
        "",
        f"| {w.field('box')} | " + " | ".join(map(str, range(1, 10))) + " |",
        "|---|" + "---:|" * 9,
    ]  # fmt: skip
    for old, row in cmp.matrix.items():
        lines.append(f"| {old} | " + " | ".join(str(row[str(c)]) for c in range(1, 10)) + " |")
    lines += ["", "| " + w.say("compare_md_people") + " |", "|---|---|---|---|---|"]
    for r in cmp.changes.itertuples(index=False):
        cells = (r.nip, r.nama or "", w.field(r.field), w.value(r.old, r.field, False))
        cells += (w.value(r.new, r.field, True),)
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
