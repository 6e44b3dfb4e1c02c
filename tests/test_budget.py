"""The training budget walk (SPEC §4.12), hand-worked."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from talentcli.engine.budget import allocate, walk
from talentcli.rules import load_rules

RULES = load_rules().rules
CAT = {p.code: p for p in RULES.training.catalogue}
COMPS = RULES.competency_codes  # teknis, sosiokultural, literasi_digital, numerik


def person(nip: str, deltas: dict, pool: bool = False, near: bool = False, unit: str = "U"):
    row = {"nip": nip, "unit": unit, "talent_pool": pool}
    row["notes"] = ("pensiun_dekat",) if near else ()
    row.update({f"delta_{c}": float(deltas.get(c, 0.0)) for c in COMPS})
    return row


def plan_rows(nip: str, steps: list[tuple[str, str]]) -> list[dict]:
    return [
        {"nip": nip, "seq": i + 1, "code": code, "programme": CAT[code].name,
         "competency": CAT[code].competency, "form": CAT[code].form, "jp": CAT[code].jp,
         "cost": CAT[code].cost, "reason": why}
        for i, (code, why) in enumerate(steps)
    ]  # fmt: skip


def test_the_walk_skips_a_row_that_does_not_fit_and_funds_a_cheaper_later_one():
    assert walk(np.array([5, 4, 3]), 8).tolist() == [True, False, True]
    assert walk(np.array([5, 3, 4, 1]), 8).tolist() == [True, True, False, False]
    assert walk(np.array([9, 2, 2]), 4).tolist() == [False, True, True]
    assert walk(np.array([], dtype=np.int64), 10).tolist() == []


def test_a_person_pushed_below_min_jp_gets_the_light_programme_then_a_top_up():
    """Budget 0: TEK-B (40 JP, Rp 4.5 m) is unfunded; TEK-R is added (budget, 10 JP); 10 JP
    funded < 20, so the not-yet-planned competency with the smallest delta gets its light
    programme (literasi_digital 0.0 < numerik 0.25 < sosiokultural 0.5 -> DIG-R, 12 JP):
    22 funded JP, Rp 0."""
    people = pd.DataFrame([person("A", {"teknis": -1.5, "numerik": 0.25, "sosiokultural": 0.5})])
    plans = pd.DataFrame(plan_rows("A", [("TEK-B", "gap")]))
    out = allocate(plans, people, RULES, budget=0)
    rows = out.plans[["code", "reason", "funded", "seq"]].values.tolist()
    assert rows == [
        ["TEK-B", "gap", False, 1],
        ["TEK-R", "budget", True, 2],
        ["DIG-R", "min_jp", True, 3],
    ]
    assert out.totals.to_dict("records") == [{"nip": "A", "plan_jp": 22, "plan_cost": 0}]
    assert (out.funded, out.unfunded, out.people_unfunded) == (0, 4_500_000, 1)


def test_order_near_retirement_last_then_largest_gap_then_pool_then_nip():
    """Budget for one Pelatihan Teknis (Rp 4.5 m): who gets it?"""
    people = pd.DataFrame(
        [
            person("1", {"teknis": -2.0}, near=True),  # largest gap but near retirement: last
            person("2", {"teknis": -1.0}),
            person("3", {"teknis": -1.0}, pool=True),  # same gap, in the pool: before 2
            person("4", {"teknis": -1.5}),  # larger gap than 2 and 3: first
        ]
    )
    plans = pd.DataFrame([r for n in "1234" for r in plan_rows(n, [("TEK-B", "gap")])])
    for budget, funded in (
        (4_500_000, {"4"}),
        (9_000_000, {"4", "3"}),
        (13_500_000, {"4", "3", "2"}),
    ):
        out = allocate(plans, people, RULES, budget)
        got = set(out.plans.loc[out.plans["funded"] & (out.plans["code"] == "TEK-B"), "nip"])
        assert got == funded, budget
    ties = pd.DataFrame([person("9", {"teknis": -1.0}), person("8", {"teknis": -1.0})])
    plans = pd.DataFrame(plan_rows("9", [("TEK-B", "gap")]) + plan_rows("8", [("TEK-B", "gap")]))
    out = allocate(plans, ties, RULES, 4_500_000)
    assert set(out.plans.loc[out.plans["funded"] & (out.plans["code"] == "TEK-B"), "nip"]) == {"8"}


def test_without_money_needs_nothing_changes_and_sums_add_up():
    people = pd.DataFrame([person("A", {"teknis": -0.5}, unit="X"), person("B", {}, unit="Y")])
    plans = pd.DataFrame(
        plan_rows("A", [("TEK-R", "gap"), ("SOS-R", "min_jp")])
        + plan_rows("B", [("TEK-R", "min_jp"), ("SOS-R", "min_jp")])
    )
    out = allocate(plans, people, RULES, 0)
    assert out.plans["funded"].all() and len(out.plans) == 4
    assert out.funded == out.unfunded == out.people_unfunded == 0


@given(st.integers(0, 30_000_000), st.lists(st.floats(-2, 0.5), min_size=1, max_size=12))
def test_the_funded_total_never_exceeds_the_budget_and_everyone_keeps_min_jp(budget, gaps):
    people = pd.DataFrame([person(f"{i:02d}", {"teknis": g}) for i, g in enumerate(gaps)])
    rows = []
    for i, g in enumerate(gaps):
        code = "TEK-B" if g <= -1 else "TEK-R"
        rows += plan_rows(f"{i:02d}", [(code, "gap"), ("SOS-R", "min_jp")])
    out = allocate(pd.DataFrame(rows), people, RULES, budget)
    assert out.funded <= budget
    assert out.funded + out.unfunded == int(pd.DataFrame(rows)["cost"].sum())
    assert (out.totals["plan_jp"] >= RULES.training.min_jp).all()
    assert sum(u["funded"] for u in out.per_unit) == out.funded
    assert sum(p["funded"] for p in out.per_programme) == out.funded
    assert sum(p["unfunded"] for p in out.per_programme) == out.unfunded
