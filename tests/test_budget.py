"""The training budget walk (SPEC §4.12), hand-worked."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from talentcli.engine.budget import allocate, walk
from talentcli.rules import Rules, load_rules

RULES = load_rules().rules
CAT = {p.code: p for p in RULES.training.catalogue}
COMPS = RULES.competency_codes  # teknis, sosiokultural, literasi_digital, numerik
CODE = {(p.competency, p.severity): p.code for p in RULES.training.catalogue}


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


# ------------------------------------------------------------------ steps 3-4, columnar
# The walk's steps 3 and 4 as they were first written, one person at a time (commit ca5191a):
# the columnar version must give the same rows.


def reference_with_added(plans: pd.DataFrame, who: pd.DataFrame, rules: Rules) -> pd.DataFrame:
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
        steps = _reference_steps(rows, by_delta, light, by_code, rules)
        seq = int(rows["seq"].max())
        added += [(nip, seq + i + 1, code, why) for i, (code, why) in enumerate(steps)]
    return _reference_append(plans, added, by_code)


def _reference_steps(
    rows: pd.DataFrame, by_delta: list[str], light: dict, by_code: dict, rules: Rules
):
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


def _reference_append(plans: pd.DataFrame, added: list[tuple], by_code: dict) -> pd.DataFrame:
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


@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from([-1.5, -1.0, -0.5, 0.0, 0.25, 1.0]), min_size=4, max_size=4),
            st.lists(st.booleans(), min_size=4, max_size=4),
            st.booleans(),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_steps_3_and_4_columnar_equal_the_person_by_person_reference(people):
    from talentcli.engine.budget import _with_added

    who, rows = [], []
    for i, (deltas, funded, box) in enumerate(people):
        nip = f"{i:02d}"
        who.append(person(nip, dict(zip(COMPS, deltas, strict=True))))
        steps = [
            (CODE[(c, "berat" if d <= -1 else "ringan")], "gap")
            for c, d in zip(COMPS, deltas, strict=True)
            if d < 0
        ]
        steps += [("BKK", "box")] if box else []
        mine = plan_rows(nip, steps or [("MANDIRI", "min_jp")])
        for k, r in enumerate(mine):
            r["funded"] = funded[k % 4] or r["cost"] == 0  # a free row is always funded
        rows += mine
    plans = pd.DataFrame(rows)
    frame = pd.DataFrame(who).set_index("nip")
    got = _with_added(plans, frame, RULES)
    want = reference_with_added(plans, frame, RULES)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
