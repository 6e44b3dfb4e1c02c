"""Vacancy candidates (SPEC §4.7) and the optimal assignment, on hand-worked examples."""

from __future__ import annotations

import pandas as pd

from talentcli.classify import jpm
from talentcli.placement import assign, vacancy_candidates
from talentcli.rules import load_rules

RULES = load_rules().rules
COMPS = RULES.competency_codes


def pool(rows: list[tuple]) -> pd.DataFrame:
    """(nip, job_level, box, talent_pool, scores...) -> a classified-people frame."""
    out = pd.DataFrame(
        [(n, f"P{n}", lv, box, tp, *sc) for n, lv, box, tp, *sc in rows],
        columns=["nip", "nama", "job_level", "box", "talent_pool", *(f"score_{c}" for c in COMPS)],
    )
    return out


def test_fit_is_the_jpm_formula_against_the_vacancy_level():
    import numpy as np

    # administrator standards 3/3/3/3 = 12; scores 3+2.5+3+2.5 = 11 -> 91.666.. -> 91.67
    got = jpm(np.array([[3, 2.5, 3, 2.5]]), np.array([[3.0, 3, 3, 3]]), RULES)
    assert got.tolist() == [91.67]
    # 4+4+4+4 = 16 > 12 -> capped at 100
    assert jpm(np.array([[4.0, 4, 4, 4]]), np.array([[3.0, 3, 3, 3]]), RULES).tolist() == [100.0]


def test_candidates_rank_by_fit_then_box_then_nip():
    people = pool(
        [
            ("03", "pengawas", 9, True, 3, 3, 3, 3),  # fit 100
            ("02", "pengawas", 8, True, 3, 3, 3, 3),  # fit 100, lower box
            ("01", "pengawas", 8, True, 3, 3, 3, 3),  # fit 100, same box, lower NIP
            ("04", "pengawas", 9, True, 3, 3, 2, 2),  # fit 10/12 = 83.33
            ("05", "pengawas", 9, False, 5, 5, 5, 5),  # not in the talent pool
            ("06", "administrator", 9, True, 5, 5, 5, 5),  # promotes to jpt_pratama only
            ("07", "jf_ahli_pertama", 9, True, 5, 5, 5, 5),  # to jf_ahli_muda, pengawas
        ]
    )
    vac = pd.DataFrame(
        [("F1", "Kabag", "Setda", "administrator", 1)],
        columns=["kode", "jabatan", "unit", "job_level", "jumlah"],
    )
    got = vacancy_candidates(people, vac, RULES)
    assert got["nip"].tolist() == ["03", "01", "02"]  # top 3 x 1
    assert got["rank"].tolist() == [1, 2, 3]
    vac2 = vac.assign(jumlah=2)
    assert vacancy_candidates(people, vac2, RULES)["nip"].tolist() == ["03", "01", "02", "04"]
    two_per_seat = RULES.model_copy(update={"candidates_per_seat": 2})  # the rules' number
    assert vacancy_candidates(people, vac, two_per_seat)["nip"].tolist() == ["03", "01"]


def test_assignment_beats_greedy_ranking():
    # A is best for both seats; greedy gives X to A, then Y gets C (total 95 + 60 = 155).
    # The optimum gives Y to A and X to B: 94 + 90 = 184.
    cands = pd.DataFrame(
        [("X", 1, "A", 95.0), ("X", 2, "B", 94.0), ("Y", 1, "A", 90.0), ("Y", 2, "C", 60.0)],
        columns=["kode", "rank", "nip", "fit"],
    )
    vac = pd.DataFrame({"kode": ["X", "Y"], "jumlah": [1, 1]})
    greedy = {"X": "A", "Y": "C"}
    got = assign(cands, vac)
    pairs = dict(zip(got["kode"], got["nip"], strict=True))
    assert pairs == {"X": "B", "Y": "A"} != greedy
    assert got["fit"].sum() == 184.0


def test_assignment_leaves_a_seat_empty_rather_than_break_the_lists():
    cands = pd.DataFrame([("X", 1, "A", 80.0)], columns=["kode", "rank", "nip", "fit"])
    vac = pd.DataFrame({"kode": ["X", "Y"], "jumlah": [1, 2]})
    got = assign(cands, vac)
    assert got[["kode", "nip"]].values.tolist() == [["X", "A"]]


def test_vacancies_of_one_level_share_the_ranking():
    people = pool(
        [(f"{i:02d}", "pengawas", 9 - i % 3, True, 3, 3, 3 - i / 10, 3) for i in range(9)]
    )
    vac = pd.DataFrame(
        [("F1", "a", "u", "administrator", 1), ("F2", "b", "u", "administrator", 2)],
        columns=["kode", "jabatan", "unit", "job_level", "jumlah"],
    )
    got = vacancy_candidates(people, vac, RULES)
    f1 = got[got["kode"] == "F1"]["nip"].tolist()
    f2 = got[got["kode"] == "F2"]["nip"].tolist()
    assert len(f1) == 3 and len(f2) == 6 and f2[:3] == f1
    # scores 3, 3, 3 - i/10, 3: fit falls as i grows, so the ranking is by NIP order here
    assert f2 == ["00", "01", "02", "03", "04", "05"]


def test_a_tie_on_fit_is_broken_by_the_sum_of_scores_before_the_box():
    # administrator standards 3/3/3/3 = 12: each of these sums >= 12, so fit is 100 for all
    people = pool(
        [
            ("01", "pengawas", 9, True, 3, 3, 3, 3),  # sum 12, box 9
            ("02", "pengawas", 8, True, 4, 4, 4, 4),  # sum 16, box 8: first despite the box
            ("03", "pengawas", 7, True, 4, 3, 3, 3),  # sum 13
            ("04", "pengawas", 8, True, 3.5, 3.5, 3, 3),  # sum 13, box 8 > 7
        ]
    )
    vac = pd.DataFrame(
        [("F1", "Kabag", "Setda", "administrator", 2)],
        columns=["kode", "jabatan", "unit", "job_level", "jumlah"],
    )
    got = vacancy_candidates(people, vac, RULES)
    assert got["fit"].tolist() == [100.0] * 4
    assert got["nip"].tolist() == ["02", "04", "03", "01"]
    assert got["rank"].tolist() == [1, 2, 3, 4] and got["rank"].dtype == "int64"
    assert got["box"].dtype == "int64"


def test_every_empty_vacancy_says_why():
    from talentcli.placement import empty_vacancies

    people = pool(
        [
            ("01", "pengawas", 9, True, 3, 3, 3, 3),  # promotes to administrator
            ("02", "jf_ahli_pertama", 5, False, 3, 3, 3, 3),  # not in the pool
        ]
    )
    vac = pd.DataFrame(
        [
            ("F1", "Kabag", "Setda", "administrator", 1),  # has a candidate
            ("F2", "Ahli Muda", "Dinkes", "jf_ahli_muda", 1),  # 02 is at its feeder, not in pool
            ("F3", "Ahli Madya", "Bappeda", "jf_ahli_madya", 1),  # jf_ahli_muda: nobody
            ("F4", "Ahli Pertama", "Bappeda", "jf_ahli_pertama", 1),  # nothing promotes to it
        ],
        columns=["kode", "jabatan", "unit", "job_level", "jumlah"],
    )
    got = empty_vacancies(people, vac, RULES)
    assert got["kode"].tolist() == ["F2", "F3", "F4"]
    assert got["reason"].tolist() == [
        "nobody in the talent pool is at jf_ahli_pertama (the levels promoting to it)",
        "nobody in the talent pool is at jf_ahli_muda (the levels promoting to it)",
        "no job level promotes to jf_ahli_pertama (promotes_to in the rules)",
    ]
