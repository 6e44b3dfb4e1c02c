"""The SPEC §5 JSON document: deterministic (sorted, no timestamps), byte-identical per run."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from talentcli import __version__
from talentcli.pipeline import RunData
from talentcli.safety import private_file

PLACEMENTS = ("promosi", "rotasi", "mutasi", "tindak_lanjut", "tetap")


def _num(x: float) -> float | int:
    """3.0 -> 3 for standards; other numbers as they are."""
    return int(x) if float(x).is_integer() else float(x)


def document(data: RunData) -> dict:
    """The whole JSON document of one run."""
    run, rules = data.run, data.rules
    people = data.people
    boxes = people["box"].value_counts()
    placements = people["placement"].value_counts()
    return {
        "tool": {"name": "talentcli", "version": __version__},
        "cycle": run["cycle"],
        "as_of": run["as_of"],
        "rules": {"name": run["rules_name"], "sha256": run["rules_sha256"]},
        "inputs": [dict(r) for r in data.inputs.to_dict("records")],
        "summary": {
            "people": int(run["people"]),
            "classified": len(people),
            "incomplete": len(data.incomplete),
            "boxes": {str(b): int(boxes.get(b, 0)) for b in range(1, 10)},
            "placements": {p: int(placements.get(p, 0)) for p in _placements(rules, placements)},
        },
        "people": people_records(data),
        "incomplete": data.incomplete[["nip", "nama", "reason"]].to_dict("records"),
        "vacancies": vacancy_records(data),
    }


def _placements(rules, counts: pd.Series) -> list[str]:
    return list(dict.fromkeys([*rules.placements, *counts.index]))


def people_records(data: RunData) -> list[dict]:
    """One dict per classified person, sorted by NIP, with the plan."""
    comps = data.rules.competency_codes
    plans = plans_by_nip(data.plans)
    frame = data.people.sort_values("nip")
    col = {c: _values(frame[c]) for c in frame.columns}  # one C-level conversion per column
    n = len(frame)
    per = {k: [col[f"{k}_{c}"] for c in comps] for k in ("score", "standard", "delta", "status")}
    std = [[_num(v) for v in values] for values in per["standard"]]
    out = []
    for i in range(n):
        nip = col["nip"][i]
        out.append(
            {
                "nip": nip,
                "nama": col["nama"][i],
                "jabatan": col["jabatan"][i],
                "job_level": col["job_level"][i],
                "unit": col["unit"][i],
                "golongan": col["golongan"][i],
                "scores": {c: per["score"][j][i] for j, c in enumerate(comps)},
                "standard": {c: std[j][i] for j, c in enumerate(comps)},
                "delta": {c: per["delta"][j][i] for j, c in enumerate(comps)},
                "status": {c: per["status"][j][i] for j, c in enumerate(comps)},
                "jpm": col["jpm"][i],
                "jpm_category": col["jpm_category"][i],
                "potential_score": col["potential_score"][i],
                "potential": col["potential"][i],
                "performance": col["performance"][i],
                "performance_year": col["performance_year"][i],
                "box": col["box"][i],
                "placement": col["placement"][i],
                "talent_pool": bool(col["talent_pool"][i]),
                "readiness": col["readiness"][i],
                "notes": list(col["notes"][i]),
                "retirement_date": col["retirement_date"][i],
                "plan": plans.get(nip, []),
                "plan_jp": col["plan_jp"][i],
                "plan_cost": col["plan_cost"][i],
            }
        )
    return out


def _values(s: pd.Series) -> list:
    """Python values of a column, NaN/NA as None (JSON null, never NaN)."""
    values = s.astype(object).where(s.notna(), None) if s.isna().any() else s
    return values.tolist()


def plans_by_nip(plans: pd.DataFrame) -> dict[str, list[dict]]:
    """Each person's programmes in order: one conversion of all rows, then slices per NIP
    (a groupby per person costs minutes at a million people)."""
    plans = plans.sort_values(["nip", "seq"], kind="stable")
    body = plans.drop(columns=["nip", "seq"])
    keys = list(body.columns)
    records = [
        dict(zip(keys, row, strict=True))
        for row in zip(*(_values(body[k]) for k in keys), strict=True)
    ]
    nips, starts, counts = np.unique(
        plans["nip"].to_numpy(dtype=str), return_index=True, return_counts=True
    )
    return {n: records[s : s + c] for n, s, c in zip(nips.tolist(), starts, counts, strict=True)}


def vacancy_records(data: RunData) -> list[dict]:
    """Each formasi row with its ranked candidates."""
    cands = {k: g for k, g in data.candidates.groupby("kode", sort=False)}
    out = []
    for v in data.vacancies.sort_values("kode").to_dict("records"):
        g = cands.get(v["kode"])
        rows = [] if g is None else g.sort_values("rank").to_dict("records")
        out.append(
            {
                "code": v["kode"],
                "jabatan": v["jabatan"],
                "unit": v["unit"],
                "job_level": v["job_level"],
                "jumlah": int(v["jumlah"]),
                "candidates": [
                    {
                        "rank": int(c["rank"]),
                        "nip": c["nip"],
                        "nama": c["nama"],
                        "fit": float(c["fit"]),
                        "box": int(c["box"]),
                    }
                    for c in rows
                ],
            }
        )
    return out


_ITEM = {"ensure_ascii": False, "allow_nan": False, "separators": (", ", ": ")}
LISTS = ("people", "incomplete", "vacancies")


def dumps(doc: dict) -> str:
    """Stable text: fixed key order, UTF-8, one list item (a person) per line."""
    return "".join(chunks(doc))


def chunks(doc: dict):
    """The document in pieces: small sections indented, list items compact on one line each.

    Every item goes through the C encoder (`indent` would force the slow pure-Python one,
    minutes and gigabytes at a million people); the text stays one valid JSON document.
    """
    keys = list(doc)
    yield "{\n"
    for i, key in enumerate(keys):
        tail = ",\n" if i < len(keys) - 1 else "\n"
        value = doc[key]
        if key in LISTS:
            yield f"  {json.dumps(key)}: ["
            for j, item in enumerate(value):
                yield ("\n    " if j == 0 else ",\n    ") + json.dumps(item, **_ITEM)
            yield ("\n  ]" if value else "]") + tail
        else:
            text = json.dumps(value, ensure_ascii=False, allow_nan=False, indent=2)
            yield f"  {json.dumps(key)}: " + text.replace("\n", "\n  ") + tail
    yield "}\n"


def write(data: RunData, out: Path, lang: str = "id") -> list[Path]:
    """Write talenta-<cycle>.json, owner-only, atomically (codes are language-neutral)."""
    path = out / f"talenta-{data.run['cycle']}.json"
    with private_file(path) as tmp, tmp.open("w", encoding="utf-8") as fh:
        fh.writelines(chunks(document(data)))
    return [path]
