"""What a stored run is made of besides its results, from the engine's own functions and the
run's own rules: the per-competency detail, the plans and the vacancy candidates.

Pure (no store, no I/O): classify uses it when it stores a run, and the store's migration of
older runs uses it too, so a migrated run reads back as a new one would.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from talentcli.errors import NotFoundError
from talentcli.rules import Rules, check_rules_text


def derive(
    people: pd.DataFrame, rules: Rules, vacancies: pd.DataFrame, facts: Any = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """PEOPLE with plan_id, plan_jp and plan_cost, the distinct plans (plans.distinct_plans:
    a few hundred, however many people), the vacancy candidates with each criterion's
    result, and per vacancy its pool and the people left out: what a run stores beside its
    results (the engine's own functions, with the run's rules). FACTS (placement.Facts:
    personnel data, ratings, as_of, cycle) feed the eligibility criteria; without them the
    criteria that need them are unknown."""
    from talentcli.placement import candidates_and_pools
    from talentcli.plans import distinct_plans, totals

    detailed = with_competency_detail(people, rules)
    ids, plans = distinct_plans(detailed, rules)
    plan_jp, plan_cost = totals(ids, plans)
    candidates, pools = candidates_and_pools(detailed, vacancies, rules, facts)
    people = people.assign(plan_id=ids, plan_jp=plan_jp, plan_cost=plan_cost)
    return people, plans, candidates, pools


def with_competency_detail(people: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Standard, delta, status and severity per competency, derived from the stored scores
    with the engine's own function and the run's own rules (so nothing derivable is stored).
    """
    from talentcli.classify import competency_columns, job_level_index

    detail, _, _ = competency_columns(people, job_level_index(people["job_level"], rules), rules)
    return people.assign(**{k: _report_column(v, people.index) for k, v in detail.items()})


def _report_column(values: Any, index: pd.Index) -> Any:
    """An engine column as the report writers take it: object arrays stay objects (not
    re-encoded as a string column, 1M rows each); the engine's categoricals become text
    columns (the writers' columnar paths work on text, not categories)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return pd.Series(values, index=index).astype("str")
    if values.dtype == object:
        return pd.Series(np.asarray(values), index=index, dtype=object, copy=False)
    return values


def run_rules(run: dict) -> Rules:
    """The rules a run was made with, from the copy stored with it."""
    rules = check_rules_text(run["rules_text"])
    if isinstance(rules, list):  # stored text was valid when stored; a schema change broke it
        raise NotFoundError(f"the rules stored with run {run['id']} no longer validate: {rules[0]}")
    return rules
