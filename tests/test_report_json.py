"""The JSON document stays the same bytes as the plain writer it replaced (a dict per person,
json.dumps per list item), kept here as the reference, on runs made awkward on purpose.

One difference is msgspec's, named in the CHANGELOG ("CSV and JSON writers"): a float that
json.dumps writes with an exponent below 1e-4 or from 1e16 on (1e-05, 1e+16) msgspec writes
in its own shortest form (0.00001, 1e16), the same number. No score, standard, delta, JPM
or fit takes such a value; the awkward run holds one on purpose."""

from __future__ import annotations

import json
import re
import stat
from dataclasses import replace
from pathlib import Path

import msgspec
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talentcli import __version__
from talentcli.model import RunData
from talentcli.pipeline import load_run, pseudonymize
from talentcli.report import json_report
from talentcli.store import Store

AS_OF = "2026-01-01"
ODD_NAMES = [
    'Siti "Ani" Rahma',  # quotes
    "C:\\Users\\budi",  # backslashes
    "Baris\nbaru\tdan\ttab",  # control characters
    "Dr. Ñuñez, S.T. — ü",  # non-ASCII stays as it is (ensure_ascii=False)
    None,  # no name
    "=HYPERLINK(1)",  # formula-like text is only a CSV matter
    "\u2028line separator\x7f",  # not escaped by json.dumps either
]


# ------------------------------------------------------------------ the reference writer
# The writer of commit ececb59, verbatim but for the names: what the bytes must stay.


def reference_text(data: RunData) -> str:
    """The document exactly as the dict-per-person writer made it."""
    return _reference_dumps(_reference_document(data))


def _num(x: float) -> float | int:
    """3.0 -> 3 for standards; other numbers as they are."""
    return int(x) if float(x).is_integer() else float(x)


def _reference_document(data: RunData) -> dict:
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
        "calibrations": _reference_calibrations(data),
        "movement": _reference_movement(data),
        **json_report.decisions(data),  # their content is tested in test_decisions.py
        "people": _reference_people(data),
        "incomplete": data.incomplete[["nip", "nama", "reason"]].to_dict("records"),
        "vacancies": _reference_vacancies(data),
    }


def _placements(rules, counts: pd.Series) -> list[str]:
    return list(dict.fromkeys([*rules.placements, *counts.index]))


def _reference_calibrations(data: RunData) -> list[dict]:
    """SPEC §5 `calibrations`: every decision, by NIP, written out plainly."""
    c = data.calibrations
    out = []
    for r in [] if c is None else c.sort_values("nip").to_dict("records"):
        before = r["box_computed"]
        out.append(
            {
                "nip": r["nip"],
                "nama": r["nama"],
                "box_computed": None if pd.isna(before) else int(before),
                "box": int(r["box"]),
                "reason": r["reason"],
                "by": r["by"],
                "date": r["date"],
                "ref": r["ref"],
                "applied": bool(r["applied"]),
                "reason_not_applied": r["reason_not_applied"],
            }
        )
    return out


def _reference_movement(data: RunData) -> dict:
    """SPEC §5 `movement`: the matrix counted person by person from the people's columns."""
    matrix: dict[str, dict[str, int]] = {}
    counts = {"naik": 0, "turun": 0, "tetap": 0, "baru": 0}
    for prev, box, move in zip(
        data.people["previous_box"], data.people["box"], data.people["movement"], strict=True
    ):
        counts[move] += 1
        if prev is not None:
            row = matrix.setdefault(str(int(prev)), {})
            row[str(int(box))] = row.get(str(int(box)), 0) + 1
    ordered = {a: dict(sorted(r.items(), key=lambda kv: int(kv[0]))) for a, r in matrix.items()}
    return {"matrix": dict(sorted(ordered.items(), key=lambda kv: -int(kv[0]))), "counts": counts}


def _reference_calibration(data: RunData) -> dict[str, dict]:
    """Per NIP: the applied decision as the person's `calibration`."""
    c = data.calibrations
    rows = [] if c is None else c[c["applied"]].to_dict("records")
    return {
        r["nip"]: {"reason": r["reason"], "by": r["by"], "date": r["date"], "ref": r["ref"]}
        for r in rows
    }


def _reference_people(data: RunData) -> list[dict]:
    """One dict per classified person, sorted by NIP, with the plan."""
    comps = data.rules.competency_codes
    plans = _reference_plans(data.plans)
    decided = _reference_calibration(data)
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
                "box_computed": col["box_computed"][i],
                "box": col["box"][i],
                "placement": col["placement"][i],
                "talent_pool": bool(col["talent_pool"][i]),
                "readiness": col["readiness"][i],
                "notes": list(col["notes"][i]),
                "retirement_date": col["retirement_date"][i],
                "plan": plans.get(nip, []),
                "plan_jp": col["plan_jp"][i],
                "plan_cost": col["plan_cost"][i],
                "calibration": decided.get(nip),
                "previous": None
                if col["previous_cycle"][i] is None
                else {
                    "cycle": col["previous_cycle"][i],
                    "box": col["previous_box"][i],
                    "jpm": col["previous_jpm"][i],
                    "placement": col["previous_placement"][i],
                },
                "movement": col["movement"][i],
            }
        )
    return out


def _values(s: pd.Series) -> list:
    """Python values of a column, NaN/NA as None (JSON null, never NaN)."""
    values = s.astype(object).where(s.notna(), None) if s.isna().any() else s
    return values.tolist()


def _reference_plans(plans: pd.DataFrame) -> dict[str, list[dict]]:
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


CRITERIA = ("education_min", "years_in_post_min", "golongan_min", "performance_years",
            "no_discipline", "max_age")  # fmt: skip


def _given(v: object) -> bool:
    return v is not None and v == v


def _reference_candidate(c: dict) -> dict:
    """One candidate; with eligibility (SPEC §5): its verdict and every criterion asked."""
    out = {
        "rank": int(c["rank"]),
        "nip": c["nip"],
        "nama": c["nama"],
        "fit": float(c["fit"]),
        "box": int(c["box"]),
    }
    if c.get("verdict") is not None and c["verdict"] == c["verdict"]:
        out["verdict"] = c["verdict"] if _given(c["verdict"]) else None
        out["criteria"] = {
            k: {"result": c[k], "detail": c[f"{k}_detail"] if _given(c[f"{k}_detail"]) else None}
            for k in CRITERIA
            if _given(c[k])
        }
    return out


def _reference_vacancies(data: RunData) -> list[dict]:
    """Each formasi row with its ranked candidates, and the people left out per criterion."""
    cands = {k: g for k, g in data.candidates.groupby("kode", sort=False)}
    pools = data.vacancy_pools
    pool = {} if pools is None else {r["kode"]: r for r in pools.to_dict("records")}
    out = []
    for v in data.vacancies.sort_values("kode").to_dict("records"):
        g = cands.get(v["kode"])
        rows = [] if g is None else g.sort_values("rank").to_dict("records")
        item = {
            "code": v["kode"],
            "jabatan": v["jabatan"],
            "unit": v["unit"],
            "job_level": v["job_level"],
            "jumlah": int(v["jumlah"]),
            "candidates": [_reference_candidate(c) for c in rows],
        }
        if pools is not None and not pools.empty:
            p = pool.get(v["kode"], {})
            item["excluded"] = {
                k: int(p[f"excluded_{k}"]) for k in CRITERIA if _given(p.get(f"excluded_{k}"))
            }
            item["pool"] = int(p["pool"]) if _given(p.get("pool")) else 0
            item["empty_reason"] = p.get("reason") if _given(p.get("reason")) else None
        out.append(item)
    return out


_ITEM = {"ensure_ascii": False, "allow_nan": False, "separators": (", ", ": ")}
LISTS = ("people", "incomplete", "vacancies")


def _reference_dumps(doc: dict) -> str:
    """Stable text: fixed key order, UTF-8, one list item (a person) per line."""
    return "".join(_reference_chunks(doc))


def _reference_chunks(doc: dict):
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


# ------------------------------------------------------------------ runs to compare on


def cohort_run(root: Path) -> RunData:
    """A 120-person synthetic cohort with formasi, imported, classified and loaded (--assign)."""
    from tests.conftest import Cli

    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        mp.delenv("TALENTCLI_DB", raising=False)
        cli = Cli(root)
        assert cli("sample", "--n", "120", "--seed", "7", "--out", root / "in").exit_code == 0
        assert cli("import", *sorted((root / "in").glob("*.xlsx"))).exit_code in (0, 1)
        assert cli("classify", "--cycle", "2026", "--as-of", AS_OF).exit_code in (0, 1)
        store = Store(root / "talent.db")
        try:
            return load_run(store, "2026", assign=True)
        finally:
            store.close()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> RunData:
    return cohort_run(tmp_path_factory.mktemp("json"))


def awkward(data: RunData) -> RunData:
    """Names that need escaping, missing values, shuffled rows, a vacancy without candidates."""
    people = data.people.copy()
    names = people["nama"].to_numpy(dtype=object).copy()
    names[: len(ODD_NAMES)] = ODD_NAMES
    people["nama"] = pd.Series(names, index=people.index, dtype=object)
    people.loc[people.index[:3], "golongan"] = None
    first = f"delta_{data.rules.competency_codes[0]}"
    people.loc[people.index[:4], first] = [-0.0, 0.0, 1e-05, -0.0]  # -0.0 stays -0.0
    people = people.sample(frac=1.0, random_state=3)  # any row order: the writer sorts by NIP
    plans = data.plans.sample(frac=1.0, random_state=4)  # and orders each plan by seq
    extra = pd.DataFrame(
        [("ZZ-1", 'Kepala "Baru"', "Setda", "administrator", 2)], columns=data.vacancies.columns
    )
    vacancies = pd.concat([data.vacancies, extra], ignore_index=True)
    return replace(data, people=people, plans=plans, vacancies=vacancies)


def dumps(data: RunData) -> str:
    """The whole document as one string."""
    return b"".join(json_report.chunks(data)).decode("utf-8")


def msgspec_floats(text: str) -> str:
    """The reference text with the floats json.dumps writes with an exponent as msgspec
    writes them (the one byte difference, see the module's docstring)."""
    return re.sub(r"(?<=[ \[])-?\d(?:\.\d+)?e[-+]\d+(?=[,}\]])", _msgspec_float, text)


def _msgspec_float(match: re.Match) -> str:
    return msgspec.json.encode(float(match.group(0))).decode()


def test_the_cohort_is_written_as_before(run):
    assert len(run.people) > 100 and len(run.candidates) and len(run.incomplete)
    assert dumps(run) == reference_text(run)


def test_awkward_values_and_row_orders_are_written_as_before(run):
    data = awkward(run)
    text = dumps(data)
    assert text != reference_text(data)  # a delta of 1e-05: msgspec writes 0.00001
    assert text == msgspec_floats(reference_text(data))
    assert '"delta": {' in text and ": 0.00001," in text
    doc = json.loads(text)
    assert doc == json.loads(reference_text(data))
    assert {p["nama"] for p in doc["people"]} >= {n for n in ODD_NAMES if n is not None}
    assert doc["vacancies"][-1]["candidates"] == []


def reference_pseudonymize(data: RunData, key: bytes) -> RunData:
    """pipeline.pseudonymize of commit ececb59, verbatim, and the retirement date left out
    (the birth date plus an age: fifth session)."""
    from talentcli.safety import pseudonym

    nips = pd.concat([data.people["nip"], data.incomplete["nip"]]).unique()
    alias = {n: pseudonym(key, n) for n in nips}

    def swap(frame: pd.DataFrame | None) -> pd.DataFrame | None:
        if frame is None or "nip" not in frame:
            return frame
        out = frame.assign(nip=frame["nip"].map(alias))
        if "nama" in out:
            out["nama"] = "Pegawai " + out["nip"].str[-6:]
        if "retirement_date" in out:
            out["retirement_date"] = None
        return out

    return replace(
        data,
        people=swap(data.people),
        incomplete=swap(data.incomplete),
        plans=swap(data.plans),
        candidates=swap(data.candidates),
        assignment=swap(data.assignment),
        calibrations=swap(data.calibrations),
    )


def test_pseudonymised_run_is_written_as_before(run):
    data = pseudonymize(run, b"k" * 32)
    assert dumps(data) == reference_text(reference_pseudonymize(run, b"k" * 32))
    assert list(data.people["nip"]) == sorted(data.people["nip"])  # kept in NIP order
    from talentcli.safety import pseudonym

    same_order = [pseudonym(b"k" * 32, n) for n in run.incomplete["nip"]]
    assert list(data.incomplete["nip"]) == same_order  # the run's order, as JSON shows it


def test_small_batches_give_the_same_text(run, monkeypatch):
    whole = dumps(run)
    monkeypatch.setattr(json_report, "BATCH", 7)  # many batches, the first item's comma once
    assert dumps(run) == whole


def test_empty_lists(run):
    data = replace(
        run,
        people=run.people.iloc[:0],
        plans=run.plans.iloc[:0],
        incomplete=run.incomplete.iloc[:0],
        vacancies=run.vacancies.iloc[:0],
        candidates=run.candidates.iloc[:0],
        calibrations=run.calibrations.iloc[:0],
        movement=None,  # nobody to compare: everyone (no one) is new
    )
    assert dumps(data) == reference_text(data)
    assert '"calibrations": [],' in dumps(data)


def test_file_is_the_text_written_owner_only(run, tmp_path):
    (path,) = json_report.write(run, tmp_path)
    assert path.read_bytes() == dumps(run).encode("utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary left behind


def test_a_failure_leaves_the_previous_file_whole(run, tmp_path, monkeypatch):
    path = tmp_path / "talenta-2026.json"
    path.write_text("the previous report\n")

    def failing(data):
        yield [b"{}"]
        raise RuntimeError("boom")

    monkeypatch.setattr(json_report, "incomplete_items", failing)
    with pytest.raises(RuntimeError, match="boom"):
        json_report.write(run, tmp_path)
    assert path.read_text() == "the previous report\n"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_not_a_number_is_refused_like_json_dumps(run):
    people = run.people.copy()
    people.loc[people.index[0], "jpm"] = np.inf
    with pytest.raises(ValueError, match="JSON"):
        dumps(replace(run, people=people))


VALUES = st.one_of(
    st.none(),
    st.text(alphabet=st.sampled_from(list('a"\\\n\t\x00\x1fé\u2028\x7f ')), max_size=5),
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-(2**60), 2**60),
    st.booleans(),
    st.sampled_from([0.0, -0.0, 1, 1.0, True, ("a", "b"), (), 3.25, 100.0]),
)


@settings(max_examples=300, deadline=None)
@given(values=st.lists(VALUES, min_size=1, max_size=8))
def test_items_are_encoded_as_json_dumps_does(values):
    keys = [f"k{i}" for i in range(len(values))] + ["nested"]
    item = json_report.struct(keys)
    inner = json_report.struct(["a b", "é"])
    (got,) = json_report.encoded([item(*values, [inner(values[0], values[-1])])])
    plain = dict(zip(keys, [*values, [{"a b": values[0], "é": values[-1]}]], strict=True))
    want = json.dumps(plain, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))
    assert got.decode("utf-8") == msgspec_floats(want)
    assert json.loads(got) == json.loads(want)
