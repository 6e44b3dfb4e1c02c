"""The steps behind the commands: classify a cycle into a stored run; gather a run for reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from talentcli import store as st
from talentcli.engine.runs import derive, run_rules, with_competency_detail
from talentcli.errors import NotFoundError
from talentcli.model import RunData, RunSummary
from talentcli.progress import tick
from talentcli.rules import LoadedRules, Rules

PLAN_TOTALS = ["plan_jp", "plan_cost"]


def compute_cycle(store: st.Store, rules: Rules, cycle: str, as_of: dt.date) -> tuple:
    """The cycle's stored inputs classified with RULES, in memory (nothing is stored):
    (cohort, classify result, people with plan totals, plans, vacancy candidates, vacancy
    pools). `classify`
    stores what this gives; `compare` holds it against the latest run."""
    from talentcli.classify import classify

    cohort = st.load_cohort(store, cycle, rules.competency_codes)
    if cohort.empty:
        raise NotFoundError(
            f"no accepted assessment for cycle {cycle} in {store.path}; "
            "import an asesmen file first (talentcli import FILE --cycle YEAR)"
        )
    n = len(cohort)
    tick("classify", 0, n, "people")
    ratings = st.load_ratings(store, cycle)
    personnel = st.load_personnel(store)
    cohort = filled_from_personnel(cohort, personnel)
    decisions = st.stored_rows(store, "kalibrasi", cycle)  # classify and compare apply them
    rejected = st.rejected_ratings(store)  # kinerja_tahun_ditolak (SPEC §4.4)
    result = classify(  # the per-competency detail is derived when the run is read
        cohort,
        ratings,
        rules,
        int(cycle),
        as_of,
        detail=False,
        rejected_ratings=rejected,
        calibrations=decisions,
    )
    tick("classify", n * 6 // 10, n, "people")  # the stages' usual shares of the time
    facts = eligibility_facts(personnel, ratings, rules, as_of, int(cycle))
    vacancies = st.load_vacancies(store, cycle)
    people, plans, candidates, pools = derive(result.people, rules, vacancies, facts)
    tick("classify", n * 8 // 10, n, "people")
    return cohort, result, people, plans, candidates, pools


def classify_cycle(store: st.Store, loaded: LoadedRules, cycle: str, as_of: dt.date) -> RunSummary:
    """Classify every person of the cycle's cohort and store the run with its plans,
    vacancy candidates and (per vacancy) the pool checked."""
    rules = loaded.rules
    cohort, result, people, plans, candidates, pools = compute_cycle(store, rules, cycle, as_of)
    meta = {
        "cycle": cycle,
        "as_of": as_of.isoformat(),
        "rules_name": loaded.name,
        "rules_sha256": loaded.sha256,
        "rules_text": loaded.text,
        "people": len(cohort),
        "classified": len(people),
        "incomplete": len(result.incomplete),
    }
    codes = rules.competency_codes
    run = st.save_run(
        store,
        meta,
        people,
        result.incomplete,
        codes,
        plans,
        candidates,
        rules=rules,
        calibrations=result.calibrations,
        pools=pools,
    )
    boxes = people["box"].value_counts().to_dict()
    tick("classify", len(cohort), len(cohort), "people")
    return RunSummary(
        run,
        cycle,
        meta["as_of"],
        len(cohort),
        len(people),
        result.incomplete,
        {b: int(boxes.get(b, 0)) for b in range(1, 10)},
        result.calibrations,
    )


def filled_from_personnel(cohort: pd.DataFrame, personnel: pd.DataFrame) -> pd.DataFrame:
    """The asesmen file's jabatan and unit are the ones reported; personnel data fills them
    only where the asesmen file has none (SPEC §3: SIASN's UNOR_NAMA is often a sub-unit)."""
    if personnel.empty:
        return cohort
    at = pd.Index(personnel["nip"]).get_indexer(cohort["nip"])
    out = cohort.copy(deep=False)
    for name in ("jabatan", "unit"):
        own = out[name].astype(object)
        empty = (own.isna() | (own.astype(str).str.strip() == "")).to_numpy() & (at >= 0)
        if empty.any():
            given = personnel[name].to_numpy(dtype=object)[at[empty]]
            column = own.to_numpy(dtype=object, copy=True)
            column[empty] = given
            out[name] = column
    return out


def eligibility_facts(
    personnel: pd.DataFrame, ratings: pd.DataFrame, rules, as_of: dt.date, cycle: int
) -> Any:
    """What the eligibility criteria read (SPEC §4.7): the stored personnel data (sanction
    1/0/NULL as True/False/missing) and every stored rating up to the cycle as its level."""
    from talentcli.classify import rating_levels
    from talentcli.placement import Facts

    staff = personnel.assign(
        hukuman_disiplin=personnel["hukuman_disiplin"].map({1: True, 0: False}).astype(object)
    )
    nilai = pd.to_numeric(ratings["nilai"]).to_numpy(dtype=float)
    level = rating_levels(ratings["predikat"], nilai, rules) if len(ratings) else np.zeros(0)
    rated = pd.DataFrame({"nip": ratings["nip"], "tahun": ratings["tahun"], "level": level})
    return Facts(staff, rated[rated["level"] >= 0], as_of, cycle)


def load_run(store: st.Store, cycle: str | None, assign: bool = False) -> RunData:
    """The latest run (of the cycle), with the rules it was made with, plans and candidates."""
    from talentcli.placement import assign as solve

    run = st.latest_run(store, cycle)
    if run is None:
        where = f" for cycle {cycle}" if cycle else ""
        raise NotFoundError(f"no classification run{where}; run talentcli classify first")
    rules = run_rules(run)
    people, incomplete, inputs = st.run_results(store, run["id"])
    plan_ids = people.pop("plan_id")  # for the plans below, not a column of the reports
    for name in people.select_dtypes(exclude=["number", "bool"]).columns:
        people[name] = python_values(people[name])  # NULL -> None
    people["notes"] = python_values(people["notes"], lambda s: tuple(s.split()) if s else ())
    people = with_competency_detail(people, rules)  # its text columns are objects already
    moved = with_history(store, people, run["cycle"])  # its columns added in place
    for name in PLAN_TOTALS:  # last, as ever: moved, not the frame copied
        people[name] = people.pop(name)
    who = pd.DataFrame({"nip": people["nip"], "plan_id": plan_ids})  # the same NIP objects
    plans = st.run_plans(store, run["id"], who)
    plans["funded"] = np.ones(len(plans), dtype=bool)  # the needs: all funded without a budget
    vacancies = st.load_vacancies(store, run["cycle"])
    candidates = st.run_candidates(store, run["id"])
    assignment = solve(candidates, vacancies) if assign else None
    data = RunData(run, rules, people, incomplete, inputs, plans, vacancies, candidates, assignment)
    data.vacancy_pools = st.run_pools(store, run["id"])
    data.calibrations = st.run_calibrations(store, run["id"])
    data.movement = moved
    return data


HISTORY_FIELDS = ["previous_cycle", "previous_box", "previous_jpm", "previous_placement"]


def with_history(store: st.Store, people: pd.DataFrame, cycle: str) -> Any:
    """Add to PEOPLE, in place (no copy of its other columns: a million rows), previous
    (cycle, box, JPM, placement) and movement against the previous cycle's latest run
    (SPEC §4.10); return the run's Movement (matrix and counts)."""
    from talentcli.engine.history import movement

    before = st.previous_run(store, str(cycle))
    previous = None if before is None else st.run_boxes(store, before["id"])
    moved = movement(people, previous, None if before is None else str(before["cycle"]))
    m = moved.people
    known = m["previous_box"].notna().to_numpy()
    boxes = np.where(known, m["previous_box"].fillna(0).to_numpy(dtype=np.int64), 0)
    extra = {
        "previous_cycle": python_values(m["previous_cycle"]),
        "previous_box": pd.Series(np.where(known, boxes.astype(object), None), dtype=object),
        "previous_jpm": pd.Series(m["previous_jpm"], dtype=float),
        "previous_placement": python_values(m["previous_placement"]),
        "movement": python_values(m["movement"]),
    }
    for name, values in extra.items():
        people[name] = values.set_axis(people.index)
    return moved


def apply_budget(data: RunData, budget: int | None) -> RunData:
    """DATA with BUDGET (rupiah) allocated over its plans (SPEC §4.12): `funded` per plan row,
    plan_jp and plan_cost of the funded rows. The store's plans stay the needs; no budget,
    no change."""
    from dataclasses import replace

    from talentcli.engine.budget import allocate
    from talentcli.plans import PLAN_COLUMNS

    if budget is None:
        return data
    got = allocate(data.plans[PLAN_COLUMNS], data.people, data.rules, budget)
    totals = got.totals.set_index("nip")
    people = data.people.copy(deep=False)
    for name in PLAN_TOTALS:
        values = totals[name].reindex(people["nip"]).fillna(0).to_numpy(dtype=np.int64)
        people[name] = values
    return replace(data, people=people, plans=got.plans, budget=int(budget))


def by_unit(data: RunData) -> Iterator[tuple[str, RunData]]:
    """(unit, DATA for that unit's classified people only) per unit, by name; people without
    a unit are one group named "". The rest of the run (rules, inputs, budget) stays."""
    from dataclasses import replace

    unit = data.people["unit"].astype(object).fillna("").to_numpy()
    plan_unit = pd.Series(unit, index=data.people["nip"]).reindex(data.plans["nip"]).to_numpy()
    empty = data.incomplete.iloc[:0]
    for name in sorted(set(unit.tolist())):
        people = data.people.iloc[np.flatnonzero(unit == name)].reset_index(drop=True)
        plans = data.plans.iloc[np.flatnonzero(plan_unit == name)].reset_index(drop=True)
        yield (
            name,
            replace(
                data,
                people=people,
                plans=plans,
                incomplete=empty,
                candidates=data.candidates.iloc[:0],
                vacancies=data.vacancies.iloc[:0],
                assignment=None,
                title=name or "Tanpa unit",
            ),
        )


def python_values(column: pd.Series, convert: Callable | None = None) -> pd.Series:
    """COLUMN as Python objects with NaN/NULL as None; CONVERT applied to each (None too).

    A column of few distinct values is worked out once per value, shared by every row that
    holds it: a million rows of a few hundred units are a million pointers to a few hundred
    strings. Free text (NIP, names) is converted directly.
    """
    if column.dtype == object and convert is None:  # already objects (the engine's columns)
        return column.where(column.notna(), None) if column.isna().any() else column
    sample = column.iloc[:4096]
    if convert is None and sample.nunique(dropna=False) > len(sample) // 2:
        values = column.to_numpy(dtype=object, na_value=None)
        return pd.Series(values, index=column.index, dtype=object, copy=False)
    if isinstance(column.dtype, pd.CategoricalDtype):  # the store's shared text: coded already
        codes, uniques = column.cat.codes.to_numpy(), column.cat.categories
    else:
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
    table = np.empty(len(uniques) + 1, dtype=object)
    for i, value in enumerate([*np.asarray(uniques, dtype=object).tolist(), None]):
        table[i] = value if convert is None else convert(value)  # tuples stay whole
    return pd.Series(table[codes], index=column.index, dtype=object, copy=False)


def pseudonymize(data: RunData, key: bytes) -> RunData:
    """NIP and name replaced by a keyed HMAC pseudonym in every table of the run (SPEC §8)."""
    from dataclasses import replace

    from talentcli.safety import pseudonym

    nips = pd.Index(pd.concat([data.people["nip"], data.incomplete["nip"]]).unique())
    aliases = np.array([*(pseudonym(key, n) for n in nips), np.nan], dtype=object)  # then NaN

    def swap(frame: pd.DataFrame | None, by: list[str] | None = None) -> pd.DataFrame | None:
        """FRAME with the pseudonyms (sorted BY those columns when given)."""
        if frame is None or "nip" not in frame:
            return frame
        out = frame.assign(nip=aliases[nips.get_indexer(frame["nip"])])  # one lookup table
        if "nama" in out:
            out["nama"] = "Pegawai " + out["nip"].str[-6:]
        if "retirement_date" in out:  # birth date + retirement age: it would give the birth
            out["retirement_date"] = None  # date away (placement and notes still say 'near')
        return out if by is None else out.sort_values(by, kind="stable", ignore_index=True)

    # people stay in NIP order, as load_run gives them (the writers' fast path); the others
    # keep their order (the JSON document shows the incomplete in the run's order)
    return replace(
        data,
        people=swap(data.people, ["nip"]),
        incomplete=swap(data.incomplete),
        plans=swap(data.plans),
        candidates=swap(data.candidates),
        assignment=swap(data.assignment),
        calibrations=swap(data.calibrations),
    )
