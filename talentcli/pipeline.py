"""The steps behind the commands: classify a cycle into a stored run; gather a run for reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from talentcli import store as st
from talentcli.errors import NotFoundError
from talentcli.rules import LoadedRules, Rules, check_rules_text


@dataclass
class RunSummary:
    """What `classify` tells the user."""

    run_id: int
    cycle: str
    as_of: str
    people: int
    classified: int
    incomplete: pd.DataFrame
    boxes: dict[int, int]


def classify_cycle(store: st.Store, loaded: LoadedRules, cycle: str, as_of: dt.date) -> RunSummary:
    """Classify every person of the cycle's cohort and store the run."""
    from talentcli.classify import classify

    rules = loaded.rules
    cohort = st.load_cohort(store, cycle, rules.competency_codes)
    if cohort.empty:
        raise NotFoundError(
            f"no accepted assessment for cycle {cycle} in {store.path}; "
            "import an asesmen file first (talentcli import FILE --cycle YEAR)"
        )
    result = classify(cohort, st.load_ratings(store), rules, int(cycle), as_of)
    meta = {
        "cycle": cycle,
        "as_of": as_of.isoformat(),
        "rules_name": loaded.name,
        "rules_sha256": loaded.sha256,
        "rules_text": loaded.path.read_text(encoding="utf-8"),
        "people": len(cohort),
        "classified": len(result.people),
        "incomplete": len(result.incomplete),
    }
    run = st.save_run(store, meta, result.people, result.incomplete, rules.competency_codes)
    boxes = result.people["box"].value_counts().to_dict()
    return RunSummary(
        run,
        cycle,
        meta["as_of"],
        len(cohort),
        len(result.people),
        result.incomplete,
        {b: int(boxes.get(b, 0)) for b in range(1, 10)},
    )


@dataclass
class RunData:
    """Everything a report needs from one stored run."""

    run: dict
    rules: Rules
    people: pd.DataFrame
    incomplete: pd.DataFrame
    inputs: pd.DataFrame
    plans: pd.DataFrame
    vacancies: pd.DataFrame
    candidates: pd.DataFrame


def load_run(store: st.Store, cycle: str | None) -> RunData:
    """The latest run (of the cycle), with the rules it was made with, plans and candidates."""
    from talentcli.placement import vacancy_candidates
    from talentcli.plans import plan, plan_totals

    run = st.latest_run(store, cycle)
    if run is None:
        where = f" for cycle {cycle}" if cycle else ""
        raise NotFoundError(f"no classification run{where}; run talentcli classify first")
    rules = run_rules(run)
    people, incomplete, inputs = st.run_results(store, run["id"])
    people["notes"] = people["notes"].map(lambda s: tuple(s.split()) if s else ())
    people["talent_pool"] = people["talent_pool"].astype(bool)
    plans = plan(people, rules)
    people = people.merge(plan_totals(plans), on="nip", how="left")
    vacancies = st.load_vacancies(store, run["cycle"])
    candidates = vacancy_candidates(people, vacancies, rules)
    return RunData(run, rules, people, incomplete, inputs, plans, vacancies, candidates)


def run_rules(run: dict) -> Rules:
    """The rules a run was made with, from the copy stored with it."""
    rules = check_rules_text(run["rules_text"])
    if isinstance(rules, list):  # stored text was valid when stored; a schema change broke it
        raise NotFoundError(f"the rules stored with run {run['id']} no longer validate: {rules[0]}")
    return rules
