"""The SPEC §5 JSON document: deterministic (sorted, no timestamps), byte-identical per run.

At a million people the document is over a gigabyte, so it is never held whole, neither as
dicts nor as text: the small sections go through `json.dumps`, and the lists are written in
chunks of rows built column by column (report/columnar.py). Each distinct value is encoded
by json.dumps itself, once; free text (NIP, names) is quoted in C, and only the rows that
need escaping go back through json.dumps.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from talentcli import __version__
from talentcli.model import RunData
from talentcli.report import columnar as col
from talentcli.report.columnar import CHUNK, Coded, Lines
from talentcli.report.lists import nip_order

PLACEMENTS = ("promosi", "rotasi", "mutasi", "tindak_lanjut", "tetap")
_ENC = {"ensure_ascii": False, "allow_nan": False, "separators": (", ", ": ")}
ITEM_START = ",\n    "  # before every list item; the first item of a list drops the comma


def _num(x: float) -> float | int:
    """3.0 -> 3 for standards; other numbers as they are."""
    return int(x) if float(x).is_integer() else float(x)


def write(data: RunData, out: Path, lang: str = "id") -> list[Path]:
    """Write talenta-<cycle>.json, owner-only, atomically (codes are language-neutral)."""
    return col.write_files([(out / f"talenta-{data.run['cycle']}.json", chunks(data))])


def dumps(data: RunData) -> str:
    """The whole document as one string (small runs and tests)."""
    return "".join(p if isinstance(p, str) else p.text() for p in chunks(data))


def chunks(data: RunData) -> Iterator[str | Lines]:
    """The document in pieces: small sections indented, list items compact on one line each."""
    sections = {**head(data), "people": None, "incomplete": None, "vacancies": None}
    lists = {"people": person_lines, "incomplete": incomplete_lines, "vacancies": vacancy_lines}
    yield "{\n"
    for i, (key, value) in enumerate(sections.items()):
        tail = ",\n" if i < len(sections) - 1 else "\n"
        if key in lists:
            yield f"  {json.dumps(key)}: ["
            empty = True
            for lines in lists[key](data):
                lines.skip, empty = (1 if empty else 0), False  # the first item: no comma
                yield lines
            yield ("]" if empty else "\n  ]") + tail
        else:
            text = json.dumps(value, ensure_ascii=False, allow_nan=False, indent=2)
            yield f"  {json.dumps(key)}: " + text.replace("\n", "\n  ") + tail
    yield "}\n"


def head(data: RunData) -> dict:
    """The small sections before the lists: tool, run, rules, inputs, summary."""
    run, rules = data.run, data.rules
    boxes = data.people["box"].value_counts()
    placements = data.people["placement"].value_counts()
    return {
        "tool": {"name": "talentcli", "version": __version__},
        "cycle": run["cycle"],
        "as_of": run["as_of"],
        "rules": {"name": run["rules_name"], "sha256": run["rules_sha256"]},
        "inputs": [dict(r) for r in data.inputs.to_dict("records")],
        "summary": {
            "people": int(run["people"]),
            "classified": len(data.people),
            "incomplete": len(data.incomplete),
            "boxes": {str(b): int(boxes.get(b, 0)) for b in range(1, 10)},
            "placements": {p: int(placements.get(p, 0)) for p in _placements(rules, placements)},
        },
    }


def _placements(rules, counts: pd.Series) -> list[str]:
    return list(dict.fromkeys([*rules.placements, *counts.index]))


# ------------------------------------------------------------------ the lists


def person_lines(data: RunData) -> Iterator[Lines]:
    """Each classified person as one line of JSON (with the plan), sorted by NIP, in chunks."""
    frame, order = data.people, nip_order(data.people)  # rows taken chunk by chunk
    plans = plan_texts(data.plans, frame["nip"] if order is None else frame["nip"].take(order))
    comps = data.rules.competency_codes
    for start in range(0, len(frame), CHUNK):
        rows = slice(start, start + CHUNK) if order is None else order[start : start + CHUNK]
        part = frame.iloc[rows]
        plan = Coded(plans.codes[start : start + CHUNK], plans.texts)
        yield col.lines(json_object(_person_fields(part, comps, plan), ITEM_START))


def _person_fields(part: pd.DataFrame, comps: list[str], plan: Coded) -> list:
    """(key, values) in the document's order; a list of fields is a nested object."""

    def value(name: str, convert: Callable | None = None) -> Coded:
        return json_coded(part[name], convert)

    nested = {"scores": "score", "standard": "standard", "delta": "delta", "status": "status"}
    return [
        ("nip", json_text(part["nip"])),
        ("nama", json_text(part["nama"])),
        *((k, value(k)) for k in ("jabatan", "job_level", "unit", "golongan")),
        *(
            (key, [(c, value(f"{pre}_{c}", _num if key == "standard" else None)) for c in comps])
            for key, pre in nested.items()
        ),
        *((k, value(k)) for k in ("jpm", "jpm_category", "potential_score", "potential")),
        *((k, value(k)) for k in ("performance", "performance_year", "box", "placement")),
        ("talent_pool", value("talent_pool", bool)),
        ("readiness", value("readiness")),
        ("notes", value("notes", list)),
        ("retirement_date", value("retirement_date")),
        ("plan", plan),
        ("plan_jp", value("plan_jp")),
        ("plan_cost", value("plan_cost")),
    ]


def plan_texts(plans: pd.DataFrame, nips: pd.Series) -> Coded:
    """Per person (in the order of NIPS): the JSON array of their programmes, in seq order.

    Each distinct programme row is encoded once, and each distinct list of them once.
    """
    pos = col.positions(plans["nip"], nips)
    seq = plans["seq"].to_numpy()
    body = plans.drop(columns=["nip", "seq"])
    rows = np.arange(len(pos))
    if not _ordered(pos, seq):  # not as plan() gives them: group by person, then seq
        rows = np.flatnonzero(pos >= 0)
        rows = rows[np.lexsort((seq[rows], pos[rows]))]
        body = body.take(rows)
    step = _combined([col.factorize(body[k])[0] for k in body.columns])
    items = [json.dumps(r, **_ENC) for r in _records(body, col.first_rows(step))]
    return _lists(items, step, np.bincount(pos[rows], minlength=len(nips)))


def _ordered(pos: np.ndarray, seq: np.ndarray) -> bool:
    """Rows already grouped by person in order, by seq within a person (as plan() gives them)."""
    step = np.diff(pos)
    later = np.diff(seq)[step == 0]
    return bool((pos >= 0).all() and (step >= 0).all() and (later >= 0).all())


def _lists(items: list[str], step: np.ndarray, counts: np.ndarray) -> Coded:
    """JSON arrays: group i holds items[step[j]] for its COUNTS[i] consecutive rows j.

    Groups are keyed by their sequence of item numbers, one position at a time, so each
    distinct list is written once in Python however many people share it.
    """
    starts = np.cumsum(counts) - counts
    key = np.zeros(len(counts), dtype=np.int64)
    none = len(items)  # the code of "no item at this position"
    for j in range(int(counts.max(initial=0))):
        at = np.full(len(counts), none, dtype=np.int64)
        has = counts > j
        at[has] = step[starts[has] + j]
        key = pd.factorize(key * (none + 1) + at)[0].astype(np.int64)
    texts = [
        "[" + ", ".join(items[c] for c in step[starts[i] : starts[i] + counts[i]]) + "]"
        for i in col.first_rows(key)
    ]
    return Coded(key, texts)


def incomplete_lines(data: RunData) -> Iterator[Lines]:
    """Each incomplete person (nip, nama, reason) as one line, in the run's order (by NIP)."""
    frame = data.incomplete
    for start in range(0, len(frame), CHUNK):
        part = frame.iloc[start : start + CHUNK]
        fields = [("nip", json_text(part["nip"])), ("nama", json_text(part["nama"]))]
        fields.append(("reason", json_coded(part["reason"])))
        yield col.lines(json_object(fields, ITEM_START))


def vacancy_lines(data: RunData) -> Iterator[Lines]:
    """Each formasi row with its ranked candidates, sorted by code."""
    vac = data.vacancies.sort_values("kode")
    cands = data.candidates.sort_values(["kode", "rank"], kind="stable")
    fields = [
        ("rank", json_coded(cands["rank"], int)),
        ("nip", json_text(cands["nip"])),
        ("nama", json_text(cands["nama"])),
        ("fit", json_coded(cands["fit"], float)),
        ("box", json_coded(cands["box"], int)),
    ]
    items = col.lines(json_object(fields)).array()
    kode = cands["kode"].to_numpy(dtype=object)
    wanted = vac["kode"].to_numpy(dtype=object)
    lo, hi = np.searchsorted(kode, wanted, "left"), np.searchsorted(kode, wanted, "right")
    candidates = _joined(items, lo, hi - lo)
    for start in range(0, len(vac), CHUNK):
        part = vac.iloc[start : start + CHUNK]
        fields = [
            ("code", json_coded(part["kode"])),
            *((k, json_coded(part[k])) for k in ("jabatan", "unit", "job_level")),
            ("jumlah", json_coded(part["jumlah"], int)),
            ("candidates", candidates.slice(start, len(part))),
        ]
        yield col.lines(json_object(fields, ITEM_START))


def _joined(items: pa.Array, starts: np.ndarray, counts: np.ndarray) -> pa.Array:
    """JSON arrays of ITEMS[starts[i] : starts[i] + counts[i]] (ranges may overlap)."""
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    rows = np.repeat(starts - offsets[:-1], counts) + np.arange(offsets[-1])
    lists = pa.ListArray.from_arrays(pa.array(offsets), items.take(pa.array(rows, pa.int64())))
    return pc.binary_join_element_wise("[", pc.binary_join(lists, ", "), "]", "")


# ------------------------------------------------------------------ values as JSON text


def json_object(fields: list, prefix: str = "") -> list:
    """The parts of one JSON object per row from (key, values | nested fields), in order."""
    parts: list = [prefix + "{"]
    for i, (key, value) in enumerate(fields):
        parts.append(("" if i == 0 else ", ") + json.dumps(key, ensure_ascii=False) + ": ")
        parts += json_object(value) if isinstance(value, list) else [value]
    return [*parts, "}"]


def json_coded(values: pd.Series, convert: Callable | None = None) -> Coded:
    """Each value as json.dumps writes it (after CONVERT), NaN and None as null: encoded once
    per distinct value."""

    def encode(v: object) -> str:
        return "null" if v is None else json.dumps(convert(v) if convert else v, **_ENC)

    return col.coded(values, encode)


def json_text(values: pd.Series) -> pa.Array | Coded:
    """Free text (NIP, names) as JSON strings, null for None: quoted in C, json.dumps only for
    the rare rows that need escaping."""
    text = col.strings(values)
    if text is None:  # not all text: value by value
        return json_coded(values)
    quoted = pc.binary_join_element_wise('"', text, '"', "")
    rows = col.rows_with(text, '"\\', below=0x20)  # what json.dumps escapes
    odd = [json.dumps(v, ensure_ascii=False) for v in text.take(pa.array(rows)).to_pylist()]
    return pc.fill_null(col.replace_rows(quoted, rows, odd), "null")


# ------------------------------------------------------------------ grouping helpers


def _combined(keys: list[np.ndarray]) -> np.ndarray:
    """One code per row (by first appearance) for the combination of KEYS (codes, -1 allowed)."""
    code = np.zeros(len(keys[0]) if keys else 0, dtype=np.int64)
    for k in keys:
        code = pd.factorize(code * (int(k.max(initial=0)) + 2) + (k + 1))[0].astype(np.int64)
    return code


def _records(frame: pd.DataFrame, rows: np.ndarray) -> list[dict]:
    """A few rows as dicts of Python values (NaN as None), for json.dumps."""
    few = frame.iloc[rows]
    cols = [few[c].astype(object).where(few[c].notna(), None).tolist() for c in few.columns]
    return [dict(zip(few.columns, r, strict=True)) for r in zip(*cols, strict=True)]
