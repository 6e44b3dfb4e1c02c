"""The equity view (SPEC §4.11) against hand-worked cohorts: the four-fifths boundary, a group
below min_group, a small group below the ratio that Fisher's test does not confirm."""

from __future__ import annotations

import datetime as dt
from math import comb

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from talentcli.engine.equity import age_band_labels, equity, groups_of, unit_groups
from talentcli.rules import load_rules

RULES = load_rules().rules
AS_OF = dt.date(2026, 12, 4)


def nip(i: int, birth: str = "19800101", gender: int = 1) -> str:
    return f"{birth}200501{gender}{i % 1000:03d}"


def cohort(groups: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """UNIT -> (people, of whom in the talent pool)."""
    rows = []
    for unit, (n, pool) in groups.items():
        for i in range(n):
            rows.append(
                {
                    "nip": nip(len(rows)),
                    "unit": unit,
                    "job_level": "pengawas",
                    "box": 9 if i < pool else 5,
                    "jpm": 95.0 if i < pool else 80.0,
                    "talent_pool": i < pool,
                    "placement": "promosi" if i < pool else "mutasi",
                }
            )
    return pd.DataFrame(rows)


def by_group(people: pd.DataFrame, dim: str = "unit") -> dict:
    return {g.group: g for g in equity(people, AS_OF, RULES)[dim]}


def fisher_two_sided(a: int, b: int, c: int, d: int) -> float:
    """Fisher's exact test by hand: the hypergeometric probabilities of every table with the
    same margins that are no more likely than the one observed."""
    row, col, n = a + b, a + c, a + b + c + d

    def prob(x: int) -> float:
        return comb(col, x) * comb(n - col, row - x) / comb(n, row)

    seen = prob(a)
    lo, hi = max(0, row + col - n), min(row, col)
    return sum(p for x in range(lo, hi + 1) if (p := prob(x)) <= seen * (1 + 1e-7))


def test_exactly_four_fifths_of_the_highest_rate_is_not_flagged():
    g = by_group(cohort({"A": (200, 100), "B": (200, 80)}))  # 0.5 and exactly 0.8 x 0.5
    assert g["B"].talent_pool_rate == 0.4 and g["B"].flag is None


def test_just_below_four_fifths_and_confirmed_by_fisher_is_flagged():
    g = by_group(cohort({"A": (200, 100), "B": (200, 60)}))  # 0.3 < 0.4
    assert g["B"].flag == "perlu_ditelaah" and g["A"].flag is None
    assert g["B"].p_value == pytest.approx(fisher_two_sided(60, 140, 100, 100))
    assert g["B"].p_value < 0.05


def test_a_group_below_min_group_is_never_flagged_nor_the_reference():
    g = by_group(cohort({"A": (200, 100), "B": (200, 90), "tiny": (5, 5)}))
    assert g["tiny"].people == 5 and g["tiny"].talent_pool_rate == 1.0 and g["tiny"].flag is None
    assert g["B"].flag is None  # 0.45 against A's 0.5, not the tiny group's 1.0
    g = by_group(cohort({"A": (200, 100), "zero": (9, 0)}))
    assert g["zero"].flag is None  # 9 < min_group 10


def test_a_small_group_below_the_ratio_that_fisher_does_not_confirm_is_not_flagged():
    g = by_group(cohort({"A": (40, 20), "small": (12, 3)}))  # 0.25 < 0.4, but 12 people
    p = fisher_two_sided(3, 9, 20, 20)
    assert g["small"].p_value == pytest.approx(p) and p > 0.05
    assert g["small"].flag is None


def test_counts_rates_and_mean_jpm():
    g = by_group(cohort({"A": (10, 4)}))["A"]
    assert g.people == 10 and g.boxes["9"] == 4 and g.boxes["5"] == 6
    assert sum(g.boxes.values()) == 10
    assert g.talent_pool_rate == 0.4 and g.promosi_rate == 0.4
    assert g.mean_jpm == pytest.approx((4 * 95 + 6 * 80) / 10)
    assert g.p_value is None  # no rest of the dimension to compare with


def test_gender_from_nip_digit_15_and_age_bands_at_as_of():
    people = pd.DataFrame(
        {
            "nip": [nip(1, "19961205", 2), nip(2, "19961204", 1), nip(3, "19761204", 1)],
            "unit": ["X"] * 3,
            "job_level": ["pengawas"] * 3,
        }
    )
    g = groups_of(people, AS_OF, RULES)
    assert list(g["gender"]) == ["Perempuan", "Laki-laki", "Laki-laki"]
    # 1996-12-05 is 29 on 2026-12-04, 1996-12-04 turns 30 that day; 1976-12-04 turns 50
    assert list(g["age_band"]) == ["< 30", "30-39", ">= 50"]
    assert age_band_labels([30, 40, 50]) == ["< 30", "30-39", "40-49", ">= 50"]


def test_units_are_grouped_case_and_space_insensitively_by_their_commonest_spelling():
    units = pd.Series(["BAPPEDA", "Bappeda", " bappeda ", "Bappeda", "Dinkes", None])
    assert list(unit_groups(units)) == ["Bappeda"] * 4 + ["Dinkes", ""]


@given(st.lists(st.tuples(st.integers(0, 3), st.booleans()), min_size=1, max_size=60))
def test_every_person_is_counted_once_per_dimension(rows):
    people = pd.DataFrame(
        {
            "nip": [nip(i) for i in range(len(rows))],
            "unit": [f"U{u}" for u, _ in rows],
            "job_level": "pengawas",
            "box": [9 if p else 5 for _, p in rows],
            "jpm": 90.0,
            "talent_pool": [p for _, p in rows],
            "placement": "mutasi",
        }
    )
    for groups in equity(people, AS_OF, RULES).values():
        assert sum(g.people for g in groups) == len(rows)
        assert sum(round(g.talent_pool_rate * g.people) for g in groups) == sum(p for _, p in rows)
