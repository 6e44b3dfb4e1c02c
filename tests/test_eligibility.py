"""Eligibility criteria of SPEC §4.7, hand-worked: one person failing each criterion alone,
one with each unknown, the verdicts."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from talentcli.engine.eligibility import check, golongan_rank, verdicts
from talentcli.rules import Eligibility, load_rules

RULES = load_rules().rules
AS_OF = dt.date(2026, 12, 4)
ADMIN = RULES.job_levels["administrator"].eligibility  # s1, 3 years in post, 2 ratings


def nip(birth: str, i: int) -> str:
    return f"{birth}200501100{i}"


# name: (birth, pendidikan, tmt_jabatan, hukuman_disiplin, ratings {year: level})
PEOPLE = {
    "all_ok": ("19800101", "s1", "2020-01-01", False, {2025: 1, 2024: 2}),
    "d3": ("19800101", "d3", "2020-01-01", False, {2025: 1, 2024: 1}),
    "two_years": ("19800101", "s2", "2024-12-05", False, {2025: 1, 2024: 1}),
    "rated_low": ("19800101", "d4", "2020-01-01", False, {2025: 0, 2024: 2}),
    "sanction": ("19800101", "s1", "2020-01-01", True, {2025: 2, 2024: 2}),
    "no_personnel": ("19800101", None, None, None, {2025: 1, 2024: 1}),
    "one_rating": ("19800101", "s1", "2020-01-01", False, {2025: 2}),
    "old_low_rating": ("19800101", "s1", "2020-01-01", False, {2025: 1, 2024: 1, 2023: 0}),
}


def run(criteria: Eligibility = ADMIN, cycle: int = 2026) -> dict:
    names = list(PEOPLE)
    cands = pd.DataFrame(
        {"nip": [nip(PEOPLE[n][0], i) for i, n in enumerate(names)], "golongan": "III/c"}
    )
    personnel = pd.DataFrame(
        [
            {"nip": nip(b, i), "pendidikan": e, "golongan": None, "tmt_jabatan": t,
             "hukuman_disiplin": h}
            for i, (b, e, t, h, _) in enumerate(PEOPLE[n] for n in names)
            if e is not None
        ]
    )  # fmt: skip
    ratings = pd.DataFrame(
        [
            {"nip": nip(PEOPLE[n][0], i), "tahun": y, "level": lv}
            for i, n in enumerate(names)
            for y, lv in PEOPLE[n][4].items()
        ]
    )
    res = check(cands, personnel, ratings, criteria, RULES, AS_OF, cycle)
    verdict = verdicts(res, len(names))
    return {
        n: ({k: r.result[i] for k, r in res.items()}, {k: r.detail[i] for k, r in res.items()},
            verdict[i])
        for i, n in enumerate(names)
    }  # fmt: skip


def test_each_criterion_fails_alone_and_the_verdict_follows():
    got = run()
    assert got["all_ok"][0] == {
        "education_min": "ok", "years_in_post_min": "ok", "performance_years": "ok",
        "no_discipline": "ok",
    }  # fmt: skip
    assert got["all_ok"][2] == "memenuhi"
    assert got["d3"][0]["education_min"] == "fail" and got["d3"][1]["education_min"] == "D3 < S1"
    # TMT 2024-12-05 to 2026-12-04: one day short of two whole years
    assert got["two_years"][0]["years_in_post_min"] == "fail"
    assert got["two_years"][1]["years_in_post_min"].startswith(
        "1 tahun sejak TMT jabatan 2024-12-05"
    )
    assert got["rated_low"][0]["performance_years"] == "fail"
    # the detail names the year that failed only, not the good 2024 beside it
    assert got["rated_low"][1]["performance_years"] == "di bawah ekspektasi dalam 2025"
    assert got["rated_low"][0]["education_min"] == "ok"  # D-IV ranks with S1
    assert got["sanction"][0]["no_discipline"] == "fail"
    for name in ("d3", "two_years", "rated_low", "sanction"):
        failed = [k for k, v in got[name][0].items() if v == "fail"]
        assert len(failed) == 1 and got[name][2] == "tidak_memenuhi", name


def test_missing_data_is_unknown_never_a_guess():
    got = run()
    results, details, verdict = got["no_personnel"]
    assert results["education_min"] == results["years_in_post_min"] == "unknown"
    assert results["no_discipline"] == "unknown" and results["performance_years"] == "ok"
    assert verdict == "belum_lengkap" and "belum ada data" in details["education_min"]
    one = got["one_rating"]
    assert one[0]["performance_years"] == "unknown" and one[2] == "belum_lengkap"
    assert one[1]["performance_years"] == "predikat 1 dari 2 tahun"


def test_only_the_most_recent_rated_years_count():
    assert run()["old_low_rating"][0]["performance_years"] == "ok"  # 2023 is the third year
    # cycle 2024: the 2025 rating does not count, one year is left
    assert run(cycle=2024)["rated_low"][0]["performance_years"] == "unknown"


def test_golongan_and_age():
    assert golongan_rank("III/d") == 34 and golongan_rank("Penata Tk. I (III/d)") == 34
    assert golongan_rank("IV.a") == 41 and golongan_rank("IIIb") == 32
    assert golongan_rank(None) is None and golongan_rank("-") is None
    criteria = Eligibility(golongan_min="III/d", max_age=46, no_discipline=False)
    got = run(criteria)
    assert got["all_ok"][0]["golongan_min"] == "fail"  # III/c < III/d (asesmen's golongan)
    assert got["all_ok"][1]["golongan_min"] == "III/c < III/d"
    # born 1980-01-01: 46 on 2026-12-04
    assert got["all_ok"][0]["max_age"] == "ok" and got["all_ok"][1]["max_age"] == "umur 46 <= 46"


@pytest.mark.parametrize("level", ["administrator", "pengawas", "jf_ahli_madya", "jf_ahli_muda"])
def test_the_default_rules_hold_the_criteria_of_pp_11_2017(level):
    e = RULES.job_levels[level].eligibility
    want = {
        "administrator": ("s1", 3, None, 2),
        "pengawas": ("d3", 4, None, 2),
        "jf_ahli_madya": ("s1", None, "III/d", None),
        "jf_ahli_muda": ("s1", None, "III/b", None),
    }[level]
    assert (e.education_min, e.years_in_post_min, e.golongan_min, e.performance_years) == want
    assert e.no_discipline
