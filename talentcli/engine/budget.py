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
    total: int | None  # the budget given (None: no budget, every row funded)
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
    every person whose funded JP fell below it. Only people with an unfunded row change.
    Columnar: a (people x competencies) grid, no loop over people."""
    unfunded = ~plans["funded"].to_numpy(dtype=bool)
    short = pd.unique(plans["nip"].to_numpy(dtype=object)[unfunded])
    if len(short) == 0:
        return plans
    by_code = {p.code: p for p in rules.training.catalogue}
    light = {p.competency: p.code for p in rules.training.catalogue if p.severity == "ringan"}
    mine = plans[plans["nip"].isin(short)]
    pid = pd.Index(short).get_indexer(mine["nip"])
    step3 = _light_for_unfunded(mine, pid, light)
    topup = _top_up_rows(mine, pid, step3, who.loc[short], by_code, light, rules)
    added = pd.concat([step3, topup], ignore_index=True)
    added = added.sort_values(["pid", "rank"], kind="stable")
    last = mine.groupby(pid)["seq"].max().to_numpy()  # pid order: 0 .. len(short) - 1
    nth = added.groupby("pid").cumcount().to_numpy()
    seq = last[added["pid"].to_numpy()] + 1 + nth
    return _append(plans, short[added["pid"].to_numpy()], seq, added, by_code)


def _light_for_unfunded(mine: pd.DataFrame, pid: np.ndarray, light: dict) -> pd.DataFrame:
    """Step 3: per unfunded row (in plan order) the light programme of its competency, when
    the person has not got it: pid, code, reason, rank (order within the person)."""
    rows = ~mine["funded"].to_numpy(dtype=bool)
    codes = mine["competency"].map(light).to_numpy(dtype=object)[rows]
    out = pd.DataFrame({"pid": pid[rows], "code": codes, "reason": "budget"})
    out = out[out["code"].notna()].drop_duplicates(["pid", "code"])
    have = pd.MultiIndex.from_arrays([pid, mine["code"].to_numpy(dtype=object)])
    out = out[~pd.MultiIndex.from_frame(out[["pid", "code"]]).isin(have)]
    return out.assign(rank=np.arange(len(out)))


def _top_up_rows(
    mine: pd.DataFrame, pid: np.ndarray, step3: pd.DataFrame, deltas: pd.DataFrame,
    by_code: dict, light: dict, rules: Rules,
) -> pd.DataFrame:  # fmt: skip
    """Step 4 (SPEC §4.8 step 3 over funded rows): while funded JP < min_jp, the light
    programme of the not-yet-planned competency with the smallest delta (ties in competency
    order); when every competency is planned, the filler (once)."""
    comps, n = rules.competency_codes, len(deltas)
    at = {c: k for k, c in enumerate(comps)}
    planned = np.zeros((n, len(comps)), dtype=bool)
    column = {c: at.get(p.competency, -1) for c, p in by_code.items()}
    for frame, p in ((mine, pid), (step3, step3["pid"].to_numpy())):
        comp = frame["code"].map(column).to_numpy(dtype=np.int64)
        planned[p[comp >= 0], comp[comp >= 0]] = True
    jp = np.bincount(pid, weights=mine["jp"].where(mine["funded"], 0), minlength=n)
    light_of = step3["code"].map({c: p.jp for c, p in by_code.items()}).to_numpy(dtype=float)
    jp += np.bincount(step3["pid"].to_numpy(dtype=np.int64), weights=light_of, minlength=n)
    order = np.argsort(deltas[[f"delta_{c}" for c in comps]].to_numpy(dtype=float), axis=1,
                       kind="stable")  # fmt: skip
    light_jp = np.array([by_code[light[c]].jp for c in comps], dtype=np.int64)[order]
    open_ = ~np.take_along_axis(planned, order, axis=1)
    gain = light_jp * open_
    before = np.cumsum(gain, axis=1) - gain
    take = open_ & (jp[:, None] + before < rules.training.min_jp)
    total = jp + (gain * take).sum(axis=1)
    p, j = np.nonzero(take)  # row-major: each person's in delta order
    codes = np.array([light[c] for c in comps], dtype=object)[order[p, j]]
    rows = pd.DataFrame({"pid": p, "code": codes, "reason": "min_jp", "rank": len(step3) + j})
    filler = rules.training.filler
    has = np.zeros(n, dtype=bool)
    has[pid[mine["code"].to_numpy(dtype=object) == filler]] = True
    need = np.flatnonzero((total < rules.training.min_jp) & ~has)
    fill = pd.DataFrame({"pid": need, "code": filler, "reason": "min_jp", "rank": 10**9})
    return pd.concat([rows, fill], ignore_index=True)


def _append(
    plans: pd.DataFrame, nips: np.ndarray, seq: np.ndarray, added: pd.DataFrame, by_code: dict
) -> pd.DataFrame:
    """PLANS with the ADDED rows (codes, reasons) for NIPS at SEQ, each person's rows together
    in seq order; added rows cost nothing, so they are funded."""
    if len(added) == 0:
        return plans
    codes = added["code"].to_numpy(dtype=object)
    ids, uniques = pd.factorize(codes)  # a few programmes: looked up once each

    def of(attr: str) -> np.ndarray:
        return np.array([getattr(by_code[c], attr) for c in uniques], dtype=object)[ids]

    extra = pd.DataFrame(
        {
            "nip": nips,
            "seq": seq.astype(np.int64),
            "code": codes,
            "programme": of("name"),
            "competency": of("competency"),
            "form": of("form"),
            "jp": np.array(of("jp"), dtype=np.int64),
            "cost": np.array(of("cost"), dtype=np.int64),
            "reason": added["reason"].to_numpy(dtype=object),
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


def summary(plans: pd.DataFrame, people: pd.DataFrame, budget: int | None) -> dict:
    """The SPEC §5 JSON `budget` of PLANS (with `funded`) for PEOPLE (nip, unit): total (the
    budget given, None without one), funded, unfunded, people_unfunded, per_unit,
    per_programme."""
    who = people[["nip", "unit"]].drop_duplicates("nip").set_index("nip")
    got = _summary(plans, pd.DataFrame(), who, budget)
    keys = ("total", "funded", "unfunded", "people_unfunded", "per_unit", "per_programme")
    return {k: getattr(got, k) for k in keys}


def _summary(plans: pd.DataFrame, totals: pd.DataFrame, who: pd.DataFrame, budget: int | None):
    """The sums of PLANS (every row funded when it has no `funded` column), counted with
    integer codes: a million people have some 3.4 million plan rows, so no groupby over
    their text and no copy of the plan table."""
    cost = plans["cost"].to_numpy(dtype=np.int64)
    f = plans["funded"].to_numpy(dtype=bool) if "funded" in plans else np.ones(len(cost), bool)
    funded, unfunded = np.where(f, cost, 0), np.where(f, 0, cost)
    person, nips = pd.factorize(plans["nip"])  # plan row -> person
    units = unit_names(who["unit"]).reindex(pd.Index(nips)).fillna("").to_numpy(dtype=object)
    unit_of, unit_names_ = pd.factorize(units, sort=True)
    code, codes = pd.factorize(plans["code"], sort=True)
    unit = unit_of[person] if len(person) else person
    paid = cost > 0
    n = max(len(nips), 1)

    def people_per(group: np.ndarray, rows: np.ndarray, k: int) -> np.ndarray:
        """Distinct people per group among ROWS."""
        pairs = pd.unique(group[rows].astype(np.int64) * n + person[rows])  # hashed: no sort
        return np.bincount(pairs // n, minlength=k)

    def sums(group: np.ndarray, rows: np.ndarray, values: np.ndarray, k: int) -> np.ndarray:
        return np.bincount(group[rows], weights=values[rows], minlength=k).astype(np.int64)

    every = np.ones(len(cost), dtype=bool)
    k_unit, k_code = len(unit_names_), len(codes)
    u_rows = np.bincount(unit[paid], minlength=k_unit) > 0  # units with a paid row
    per_unit = pd.DataFrame(
        {
            "people": people_per(unit, paid, k_unit),
            "funded": sums(unit, paid, funded, k_unit),
            "unfunded": sums(unit, paid, unfunded, k_unit),
        },
        index=pd.Index(unit_names_, name="unit"),
    )[u_rows]
    per_programme = pd.DataFrame(
        {
            "people": people_per(code, every, k_code),
            "jp": sums(code, every, plans["jp"].to_numpy(dtype=np.int64), k_code),
            "funded": sums(code, every, funded, k_code),
            "unfunded": sums(code, every, unfunded, k_code),
        },
        index=pd.Index(codes, name="code"),
    )
    return Allocation(
        plans=plans,
        totals=totals,
        total=None if budget is None else int(budget),
        funded=int(funded.sum()),
        unfunded=int(unfunded.sum()),
        people_unfunded=len(pd.unique(person[unfunded > 0])),
        per_unit=_records(per_unit, "unit"),
        per_programme=_records(per_programme, "code"),
    )


def _records(frame: pd.DataFrame, key: str) -> list[dict]:
    out = frame.reset_index()
    return [
        {k: (v if k == key else int(v)) for k, v in row.items()} for row in out.to_dict("records")
    ]
