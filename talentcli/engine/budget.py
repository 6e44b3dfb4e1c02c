"""The training budget (SPEC §4.12): which plan rows this year's money funds, and who is left
out. A pure function of the plans, the people and an amount in rupiah.

1. every plan row with a cost, ordered: people near retirement last; then the row's competency
   delta ascending (the largest gap first, PP 11/2017 arts. 205-206; no competency counts as
   0); then talent-pool people first; then NIP, then competency order;
2. walked in that order: a row is funded if its cost fits what is left; one that does not is
   skipped and the walk goes on to cheaper rows;
3. an unfunded row stays in the plan, `funded` false, and the same competency's light (-R)
   programme is added (reason `budget`) when the person has not got it;
4. a person whose funded JP is then below min_jp is topped up as SPEC §4.8 step 3, counting
   funded rows only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from talentcli.rules import Rules
from talentcli.units import unit_names

NEAR_RETIREMENT = "pensiun_dekat"


@dataclass
class Allocation:
    """The plans with `funded` per row, each person's funded totals, and the sums."""

    plans: pd.DataFrame
    totals: pd.DataFrame  # nip, plan_jp, plan_cost: funded rows only
    total: int
    funded: int
    unfunded: int
    people_unfunded: int
    per_unit: list[dict] = field(default_factory=list)
    per_programme: list[dict] = field(default_factory=list)


def walk(costs: np.ndarray, budget: int) -> np.ndarray:
    """Funded flags of COSTS taken in order, skip-and-continue: each row is funded if it fits
    what is left. Vectorised by runs: from the next row that fits, the longest run whose sum
    fits is funded at once."""
    funded = np.zeros(len(costs), dtype=bool)
    left, pos = int(budget), 0
    while pos < len(costs):
        fits = np.flatnonzero(costs[pos:] <= left)
        if len(fits) == 0:
            break
        start = pos + int(fits[0])
        run = np.cumsum(costs[start:])
        n = int(np.searchsorted(run, left, side="right"))  # >= 1: costs[start] fits
        funded[start : start + n] = True
        left -= int(run[n - 1])
        pos = start + n
    return funded


def allocate(plans: pd.DataFrame, people: pd.DataFrame, rules: Rules, budget: int) -> Allocation:
    """Fund PLANS (PLAN_COLUMNS, grouped by person) from BUDGET; PEOPLE has nip, unit,
    talent_pool, notes and delta_<competency> per competency."""
    comps = rules.competency_codes
    plans = plans.reset_index(drop=True)
    who = people.set_index("nip")
    order = _walk_order(plans, who, comps)
    funded = np.ones(len(plans), dtype=bool)
    funded[order] = walk(plans["cost"].to_numpy(dtype=np.int64)[order], budget)
    plans = plans.assign(funded=funded)
    plans = _with_added(plans, who, rules)
    totals = _funded_totals(plans)
    return _summary(plans, totals, who, budget)


def _walk_order(plans: pd.DataFrame, who: pd.DataFrame, comps: list[str]) -> np.ndarray:
    """Positions of the rows with a cost, in the order of step 1."""
    paid = np.flatnonzero(plans["cost"].to_numpy(dtype=np.int64) > 0)
    rows = plans.iloc[paid]
    person = who.loc[rows["nip"]]
    near = np.array([NEAR_RETIREMENT in (n or ()) for n in person["notes"]], dtype=bool)
    comp = rows["competency"].to_numpy(dtype=object)
    delta = np.zeros(len(rows))
    rank = np.full(len(rows), len(comps))
    for j, c in enumerate(comps):
        mine = comp == c
        delta[mine] = person[f"delta_{c}"].to_numpy(dtype=float)[mine]
        rank[mine] = j
    pool = person["talent_pool"].to_numpy(dtype=bool)
    nip = np.unique(rows["nip"].to_numpy(dtype=object), return_inverse=True)[1]  # NIP order
    keys = (rank, nip, ~pool, delta, near)  # np.lexsort: the last key is the primary one
    return paid[np.lexsort(keys)]


def _with_added(plans: pd.DataFrame, who: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Steps 3 and 4: the light programme of each unfunded row, then the top-up to min_jp of
    every person whose funded JP fell below it. Only people with an unfunded row change."""
    short = plans.loc[~plans["funded"], "nip"].unique()
    if len(short) == 0:
        return plans
    by_code = {p.code: p for p in rules.training.catalogue}
    light = {p.competency: p.code for p in rules.training.catalogue if p.severity == "ringan"}
    comps = rules.competency_codes
    mine = plans[plans["nip"].isin(short)]
    added = []
    for nip, rows in mine.groupby("nip", sort=False):  # the people left short only
        deltas = [float(who.at[nip, f"delta_{c}"]) for c in comps]
        by_delta = [comps[j] for j in np.argsort(deltas, kind="stable")]
        steps = _steps_for(rows, by_delta, light, by_code, rules)
        seq = int(rows["seq"].max())
        added += [(nip, seq + i + 1, code, why) for i, (code, why) in enumerate(steps)]
    return _append(plans, added, by_code)


def _steps_for(rows: pd.DataFrame, by_delta: list[str], light: dict, by_code: dict, rules: Rules):
    """One person's added (code, reason) steps: light programmes for unfunded rows, then the
    top-up (§4.8 step 3 over funded rows)."""
    codes = set(rows["code"])
    steps: list[tuple[str, str]] = []
    for comp in rows.loc[~rows["funded"], "competency"]:
        code = light.get(comp)
        if code is not None and code not in codes:
            steps.append((code, "budget"))
            codes.add(code)
    jp = int(rows.loc[rows["funded"], "jp"].sum()) + sum(by_code[c].jp for c, _ in steps)
    planned = {by_code[c].competency for c in codes}
    while jp < rules.training.min_jp:
        rest = [c for c in by_delta if c not in planned]
        if not rest:
            filler = rules.training.filler
            if filler not in codes:
                steps.append((filler, "min_jp"))
            break
        steps.append((light[rest[0]], "min_jp"))
        planned.add(rest[0])
        codes.add(light[rest[0]])
        jp += by_code[light[rest[0]]].jp
    return steps


def _append(plans: pd.DataFrame, added: list[tuple], by_code: dict) -> pd.DataFrame:
    """PLANS with the ADDED (nip, seq, code, reason) rows, each person's rows together in seq
    order; added rows cost nothing, so they are funded."""
    if not added:
        return plans
    extra = pd.DataFrame(
        {
            "nip": [a[0] for a in added],
            "seq": np.array([a[1] for a in added], dtype=np.int64),
            "code": [a[2] for a in added],
            "programme": [by_code[a[2]].name for a in added],
            "competency": [by_code[a[2]].competency for a in added],
            "form": [by_code[a[2]].form for a in added],
            "jp": np.array([by_code[a[2]].jp for a in added], dtype=np.int64),
            "cost": np.array([by_code[a[2]].cost for a in added], dtype=np.int64),
            "reason": [a[3] for a in added],
            "funded": np.ones(len(added), dtype=bool),
        }
    )
    out = pd.concat([plans, extra], ignore_index=True)
    first = pd.Series(np.arange(len(plans)), index=plans.index).groupby(plans["nip"]).min()
    where = out["nip"].map(first).to_numpy()  # keep the people in their plan order
    return out.iloc[np.lexsort((out["seq"].to_numpy(), where))].reset_index(drop=True)


def _funded_totals(plans: pd.DataFrame) -> pd.DataFrame:
    """Per person: JP and cost of the funded rows."""
    f = plans["funded"].to_numpy()
    frame = pd.DataFrame(
        {"nip": plans["nip"], "jp": plans["jp"].where(f, 0), "cost": plans["cost"].where(f, 0)}
    )
    totals = frame.groupby("nip", sort=False)[["jp", "cost"]].sum().reset_index()
    return totals.rename(columns={"jp": "plan_jp", "cost": "plan_cost"})


def _summary(plans: pd.DataFrame, totals: pd.DataFrame, who: pd.DataFrame, budget: int):
    cost = plans["cost"].to_numpy(dtype=np.int64)
    f = plans["funded"].to_numpy()
    unit = unit_names(who["unit"]).reindex(plans["nip"]).fillna("").to_numpy(dtype=object)
    frame = pd.DataFrame(
        {
            "nip": plans["nip"],
            "unit": unit,
            "code": plans["code"],
            "jp": plans["jp"],
            "funded": np.where(f, cost, 0),
            "unfunded": np.where(f, 0, cost),
            "paid": cost > 0,
        }
    )
    paid = frame[frame["paid"]]
    per_unit = paid.groupby("unit", sort=True).agg(
        people=("nip", "nunique"), funded=("funded", "sum"), unfunded=("unfunded", "sum")
    )
    per_programme = frame.groupby("code", sort=True).agg(
        people=("nip", "nunique"), jp=("jp", "sum"), funded=("funded", "sum"),
        unfunded=("unfunded", "sum"),
    )  # fmt: skip
    return Allocation(
        plans=plans,
        totals=totals,
        total=int(budget),
        funded=int(frame["funded"].sum()),
        unfunded=int(frame["unfunded"].sum()),
        people_unfunded=int(frame.loc[frame["unfunded"] > 0, "nip"].nunique()),
        per_unit=_records(per_unit, "unit"),
        per_programme=_records(per_programme, "code"),
    )


def _records(frame: pd.DataFrame, key: str) -> list[dict]:
    out = frame.reset_index()
    return [
        {k: (v if k == key else int(v)) for k, v in row.items()} for row in out.to_dict("records")
    ]
