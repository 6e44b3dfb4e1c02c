"""The SPEC §5 JSON document: deterministic (sorted, no timestamps), byte-identical per run.

At a million people the document is over a gigabyte, so it is never held whole: the small
sections go through `json.dumps` (indented), and the three lists are written a batch of rows
at a time, one item a line. Each row becomes a msgspec Struct made in C (`map` over the
columns' values), which msgspec encodes and spaces as json.dumps does (", " and ": ").
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import msgspec
import numpy as np
import pandas as pd

from talentcli import __version__
from talentcli.model import RunData
from talentcli.plans import first_rows
from talentcli.report.lists import nip_order, positions, with_computed
from talentcli.rules import CRITERIA
from talentcli.safety import private_file

BATCH = 50_000  # rows encoded at a time: bounds the memory at a million people
JOINED = 2_000  # encoded rows written at a time (joined: one write, not one per row)
ITEM_FIRST, ITEM_NEXT = b"\n    ", b",\n    "  # each list item on a line of its own


def _plain(value: object) -> object:
    """What msgspec does not encode itself: pandas' missing values, numpy scalars."""
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON: {type(value).__name__}")


_encode = msgspec.json.Encoder(enc_hook=_plain).encode
_spaced = partial(msgspec.json.format, indent=0)  # one line, ", " and ": " as json.dumps


def write(data: RunData, out: Path, lang: str = "id") -> list[Path]:
    """Write talenta-<cycle>.json, owner-only, atomically (codes are language-neutral)."""
    path = out / f"talenta-{data.run['cycle']}.json"
    with private_file(path) as tmp, tmp.open("wb") as fh:
        fh.writelines(chunks(data))
    return [path]


def chunks(data: RunData) -> Iterator[bytes]:
    """The document in pieces: small sections indented, list items compact on one line each."""
    refuse_infinity(data)
    yield b"{\n"
    for key, value in head(data).items():
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, indent=2)
        yield f"  {json.dumps(key)}: {text.replace(chr(10), chr(10) + '  ')},\n".encode()
    sections = {"people": person_items, "incomplete": incomplete_items, "vacancies": vacancy_items}
    for i, (key, items) in enumerate(sections.items()):
        yield f"  {json.dumps(key)}: [".encode()
        empty = True
        for batch in items(data):
            for start in range(0, len(batch), JOINED):  # a whole batch joined: a second copy
                yield ITEM_FIRST if empty else ITEM_NEXT
                yield ITEM_NEXT.join(batch[start : start + JOINED])
                empty = False
        yield (b"]" if empty else b"\n  ]") + (b",\n" if i < len(sections) - 1 else b"\n")
    yield b"}\n"


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
        "calibrations": calibration_list(data),
        "movement": movement_section(data),
        **decisions(data),
    }


def decisions(data: RunData) -> dict:
    """The decision-support sections (SPEC §5): `equity` and `budget` (null without one)."""
    from talentcli.report.lists import budget_summary

    return {
        "equity": equity_section(data),
        "budget": budget_summary(data) if data.budget is not None else None,
    }


def equity_section(data: RunData) -> dict:
    """{dimension: [{group, people, boxes, talent_pool_rate, promosi_rate, mean_jpm, flag,
    p_value}]}: the rates as fractions with 4 decimals, mean JPM with 2 (SPEC §4.11)."""
    from talentcli.report.lists import EQUITY_SCALE, equity_view

    def item(g) -> dict:
        p = None if g.p_value is None else round(g.p_value, EQUITY_SCALE)
        return {
            "group": g.group,
            "people": g.people,
            "boxes": g.boxes,
            "talent_pool_rate": round(g.talent_pool_rate, EQUITY_SCALE),
            "promosi_rate": round(g.promosi_rate, EQUITY_SCALE),
            "mean_jpm": round(g.mean_jpm, 2),
            "flag": g.flag,
            "p_value": p,
        }

    return {dim: [item(g) for g in groups] for dim, groups in equity_view(data).items()}


CALIBRATION_KEYS = ["nip", "nama", "box_computed", "box", "reason", "by", "date", "ref"]
CALIBRATION_KEYS += ["applied", "reason_not_applied"]


def calibration_list(data: RunData) -> list[dict]:
    """Every decision of the run's cycle, applied or not (SPEC §5 `calibrations`), by NIP."""
    c = data.calibrations
    if c is None or not len(c):
        return []
    c = c.sort_values("nip", kind="stable")
    computed = pd.to_numeric(c["box_computed"]).to_numpy(dtype=float)
    out = []
    for row, before in zip(c.to_dict("records"), computed, strict=True):  # one per decision
        item = {k: _scalar(row[k]) for k in CALIBRATION_KEYS}
        item["box_computed"] = None if np.isnan(before) else int(before)
        item["box"] = int(row["box"])
        item["applied"] = bool(row["applied"])
        out.append(item)
    return out


def movement_section(data: RunData) -> dict:
    """The 9 x 9 matrix previous box -> box and the counts per movement (SPEC §4.10)."""
    from talentcli.engine.history import MOVEMENTS

    m = data.movement
    if m is None:  # a run read without history: everyone is new
        return {"matrix": {}, "counts": {k: len(data.people) * (k == "baru") for k in MOVEMENTS}}
    matrix = {
        a: dict(sorted(row.items(), key=lambda kv: int(kv[0]))) for a, row in m.matrix.items()
    }
    return {
        "matrix": dict(sorted(matrix.items(), key=lambda kv: -int(kv[0]))),
        "counts": {k: int(m.counts.get(k, 0)) for k in MOVEMENTS},
    }


def _scalar(value: object) -> object:
    """A stored value as JSON takes it: NaN and NA as None, numpy scalars as Python's."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value.item() if isinstance(value, np.generic) else value


def _placements(rules, counts: pd.Series) -> list[str]:
    return list(dict.fromkeys([*rules.placements, *counts.index]))


def refuse_infinity(data: RunData) -> None:
    """An infinite number is refused as json.dumps(allow_nan=False) refuses it (msgspec
    would write null); NaN is a missing value and is written null."""
    for frame in (data.people, data.plans, data.candidates, data.vacancies):
        for name in frame.select_dtypes("floating").columns:  # a column at a time: no copy
            if np.isinf(frame[name].to_numpy()).any():
                raise ValueError("Out of range float values are not JSON compliant")


# ------------------------------------------------------------------ the lists


def person_items(data: RunData) -> Iterator[list[bytes]]:
    """Each classified person (with the plan) as one line of JSON, sorted by NIP, in batches."""
    order = nip_order(data.people)
    people = data.people if order is None else data.people.take(order)
    comps = data.rules.competency_codes
    plain = ["nip", "nama", "jabatan", "job_level", "unit", "golongan"]
    nested = {"scores": "score", "standard": "standard", "delta": "delta", "status": "status"}
    axes = ["jpm", "jpm_category", "potential_score", "potential", "performance"]
    axes += ["performance_year", "box_computed", "box", "placement", "talent_pool", "readiness"]
    axes += ["notes"]
    later = ["calibration", "previous", "movement"]  # SPEC §5, added in this version
    person = struct(
        [*plain, *nested, *axes, "retirement_date", "plan", "plan_jp", "plan_cost", *later]
    )
    per_competency = struct(comps)
    plans = plan_lists(data.plans, people["nip"])
    people = with_computed(people)  # a run without calibration: the computed box is final
    decided = person_calibrations(data, people["nip"])
    previous = person_previous(people)
    moved = (
        people["movement"].to_numpy(dtype=object)
        if "movement" in people
        else np.full(len(people), "baru", dtype=object)
    )
    for start in range(0, len(people), BATCH):
        part = people.iloc[start : start + BATCH]

        def objects(prefix: str, part=part) -> list:
            columns = [part[f"{prefix}_{c}"] for c in comps]
            values = [_whole(v) if prefix == "standard" else v.tolist() for v in columns]
            return list(map(per_competency, *values)) if comps else [per_competency()] * len(part)

        columns = [
            *(part[k].tolist() for k in plain),
            *(objects(prefix) for prefix in nested.values()),
            *(part[k].tolist() for k in axes),
            part["retirement_date"].tolist(),
            plans(start, start + len(part)),
            part["plan_jp"].tolist(),
            part["plan_cost"].tolist(),
            decided[start : start + BATCH].tolist(),
            previous[start : start + BATCH].tolist(),
            moved[start : start + BATCH].tolist(),
        ]
        yield encoded(map(person, *columns))


def person_calibrations(data: RunData, nips: pd.Series) -> np.ndarray:
    """Per person (in NIPS order): the applied decision {reason, by, date, ref} or None."""
    out = np.full(len(nips), None, dtype=object)
    c = data.calibrations
    if c is None or not len(c):
        return out
    c = c[c["applied"].to_numpy(dtype=bool)]
    at = pd.Index(nips.astype(object)).get_indexer(c["nip"].astype(object))
    keys = ["reason", "by", "date", "ref"]
    item = struct(keys)
    made = list(map(item, *([_scalar(v) for v in c[k]] for k in keys)))  # one per decision
    for i, obj in zip(at, made, strict=True):
        if i >= 0:
            out[i] = obj
    return out


def person_previous(people: pd.DataFrame) -> np.ndarray:
    """Per person: {cycle, box, jpm, placement} of the previous cycle's run, or None."""
    out = np.full(len(people), None, dtype=object)
    if "previous_cycle" not in people or not len(people):
        return out
    known = people["previous_cycle"].notna().to_numpy()
    if not known.any():
        return out
    item = struct(["cycle", "box", "jpm", "placement"])
    part = people[known]
    jpm = part["previous_jpm"].to_numpy(dtype=float).tolist()
    boxes = pd.to_numeric(part["previous_box"]).to_numpy(dtype=np.int64).tolist()
    made = list(
        map(item, part["previous_cycle"].tolist(), boxes, jpm, part["previous_placement"].tolist())
    )
    out[np.flatnonzero(known)] = np.array([*made, None], dtype=object)[:-1]
    return out


def plan_lists(plans: pd.DataFrame, nips: pd.Series) -> Callable[[int, int], list[list]]:
    """A function giving the plans of the people NIPS[start:end]: for each, the Structs of
    their programmes in seq order (the plan rows without nip and seq)."""
    pos, seq = positions(plans["nip"], nips), plans["seq"].to_numpy()
    rows = np.flatnonzero(pos >= 0)
    rows = rows[np.lexsort((seq[rows], pos[rows]))]  # by person, then seq
    body = plans.drop(columns=["nip", "seq"])  # no copy of its rows: ids are taken below
    ends = np.cumsum(np.bincount(pos[rows], minlength=len(nips)))
    item = struct(list(body.columns))
    # A plan row is one of a few dozen (a programme and a reason): each distinct row is
    # encoded once and spliced in wherever it occurs (millions of rows at 1M people).
    ids, first = _distinct_rows(body)
    distinct, ids = body.iloc[first], ids[rows]
    raw = np.empty(len(first), dtype=object)
    raw[:] = [
        msgspec.Raw(_encode(item(*row)))
        for row in zip(*(distinct[c].tolist() for c in distinct.columns), strict=True)
    ]

    def plans_of(start: int, end: int) -> list[list]:
        if end <= start:
            return []
        lo = int(ends[start - 1]) if start else 0
        items = raw[ids[lo : int(ends[end - 1])]].tolist()
        bounds = (ends[start:end] - lo).tolist()
        return list(map(items.__getitem__, map(slice, [0, *bounds[:-1]], bounds)))

    return plans_of


def incomplete_items(data: RunData) -> Iterator[list[bytes]]:
    """Each incomplete person (nip, nama, reason) as one line, in the run's order (by NIP)."""
    frame, keys = data.incomplete, ["nip", "nama", "reason"]
    item = struct(keys)
    for start in range(0, len(frame), BATCH):
        part = frame.iloc[start : start + BATCH]
        yield encoded(map(item, *(part[k].tolist() for k in keys)))


def vacancy_items(data: RunData) -> Iterator[list[bytes]]:
    """Each formasi row with its ranked candidates, sorted by code (candidates by rank): per
    candidate the verdict and each criterion of the vacancy's level {result, detail}; per
    vacancy the pool people left out per failed criterion (SPEC §5)."""
    vac = data.vacancies.sort_values("kode")
    cands = data.candidates.sort_values(["kode", "rank"], kind="stable")
    pools = data.vacancy_pools
    with_pools = pools is not None and not pools.empty  # a run of old has none
    checked = "verdict" in cands and (with_pools or bool(cands["verdict"].notna().any()))
    keys = ["rank", "nip", "nama", "fit", "box", *(["verdict", "criteria"] if checked else [])]
    candidate = struct(keys)
    columns = [
        cands["rank"].astype(np.int64).tolist(),
        cands["nip"].tolist(),
        cands["nama"].tolist(),
        cands["fit"].astype(float).tolist(),
        cands["box"].astype(np.int64).tolist(),
    ]
    if checked:
        columns += [python_list(cands["verdict"]), _criteria(cands)]
    every = list(map(candidate, *columns))
    kode, wanted = cands["kode"].to_numpy(dtype=object), vac["kode"].to_numpy(dtype=object)
    lo, hi = np.searchsorted(kode, wanted, "left"), np.searchsorted(kode, wanted, "right")
    fields = ["code", "jabatan", "unit", "job_level", "jumlah", "candidates"]
    # per vacancy also the pool checked and why nobody is listed (SPEC §4.7: no_feeder,
    # empty_pool, all_excluded; null when someone is)
    vacancy = struct([*fields, *(["excluded", "pool", "empty_reason"] if with_pools else [])])
    excluded = _excluded(pools, wanted) if with_pools else None
    if with_pools:
        at = pools.set_index("kode").reindex(wanted)
        pool = at["pool"].fillna(0).astype(np.int64).tolist()
        why = python_list(at["reason"].astype(object))
    for start in range(0, len(vac), BATCH):
        part, end = vac.iloc[start : start + BATCH], start + BATCH
        ranked = map(every.__getitem__, map(slice, lo[start:end].tolist(), hi[start:end].tolist()))
        text = [part[k].tolist() for k in ("kode", "jabatan", "unit", "job_level")]
        cols = [*text, part["jumlah"].astype(np.int64).tolist(), ranked]
        if excluded is not None:
            cols += [excluded[start:end], pool[start:end], why[start:end]]
        yield encoded(map(vacancy, *cols))


def python_list(column: pd.Series) -> list:
    """A text column as a list with None for missing."""
    return [None if v is None or v != v else v for v in column.tolist()]


def _criteria(cands: pd.DataFrame) -> list[dict]:
    """Per candidate {criterion: {result, detail}} for the criteria its vacancy asks."""
    results = {c: python_list(cands[c]) for c in CRITERIA}
    details = {c: python_list(cands[f"{c}_detail"]) for c in CRITERIA}
    return [
        {c: {"result": results[c][i], "detail": details[c][i]} for c in CRITERIA if results[c][i]}
        for i in range(len(cands))
    ]


def _excluded(pools: pd.DataFrame, wanted: np.ndarray) -> list[dict]:
    """Per vacancy (in WANTED order) {criterion: people left out} for the criteria asked."""
    at = pools.set_index("kode").reindex(wanted)
    counts = {c: at[f"excluded_{c}"].tolist() for c in CRITERIA}
    return [
        {
            c: int(counts[c][i])
            for c in CRITERIA
            if counts[c][i] == counts[c][i] and counts[c][i] is not None
        }
        for i in range(len(wanted))
    ]


# ------------------------------------------------------------------ values


def _distinct_rows(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """An id per row of FRAME (equal rows, equal ids; missing values equal) and the first row
    of each id: columns factorized one by one, combined into one integer key."""
    key = np.zeros(len(frame), dtype=np.int64)
    for name in frame.columns:
        codes, uniques = pd.factorize(frame[name], use_na_sentinel=False)
        key = key * (len(uniques) + 1) + codes
        key = pd.factorize(key)[0].astype(np.int64)  # kept small: no overflow
    return key, first_rows(key)  # ids numbered by first appearance, as factorize numbers


def struct(keys: list[str]) -> type[msgspec.Struct]:
    """A Struct whose fields are written as KEYS, in order (keys are codes: msgspec refuses
    quotes, backslashes and control characters in them)."""
    fields = [(f"f{i}", object) for i in range(len(keys))]
    rename = {f"f{i}": k for i, k in enumerate(keys)}
    return msgspec.defstruct("Item", fields, rename=rename, gc=False)


def encoded(items) -> list[bytes]:
    """Each item as one line of JSON text, spaced as json.dumps spaces it."""
    return list(map(_spaced, map(_encode, items)))


def _whole(values: pd.Series) -> list:
    """A number column's values, those that are whole as ints (3.0 -> 3)."""
    floats = values.to_numpy(dtype=float)
    out = floats.astype(object)
    whole = np.isfinite(floats) & (floats == np.round(floats))
    out[whole] = floats[whole].astype(np.int64)
    return out.tolist()
