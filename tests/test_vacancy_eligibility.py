"""Vacancy candidates with eligibility (SPEC §4.7) on a small hand-worked cohort: one person
failing each criterion alone, one with each criterion unknown, a JF ahli muda competing for
an administrator post; every criterion of every listed candidate checked by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from talentcli.placement import Facts, assign, candidates_and_pools, empty_vacancies
from talentcli.rules import load_rules

RULES = load_rules().rules
COMPS = RULES.competency_codes
AS_OF = dt.date(2026, 12, 4)
NONE = object()  # no personnel row at all

# name: (birth, job level, talent pool, scores, pendidikan, golongan, TMT jabatan,
#        sanction (True/False/None unknown), ratings {year: 0 di_bawah, 1 sesuai, 2 di_atas})
COHORT = {
    "A_ok": ("19800101", "pengawas", True, (3, 3, 3, 3), "s1", "III/d", "2020-01-01", False,
             {2025: 1, 2024: 2}),
    "B_d3": ("19800102", "pengawas", True, (4, 4, 4, 4), "d3", "III/d", "2020-01-01", False,
             {2025: 1, 2024: 1}),
    "C_new": ("19800103", "pengawas", True, (4, 4, 4, 4), "s2", "III/d", "2024-12-05", False,
              {2025: 1, 2024: 1}),
    "D_low": ("19800104", "pengawas", True, (4, 4, 4, 4), "s1", "III/d", "2018-03-01", False,
              {2025: 0, 2024: 2}),
    "E_hukdis": ("19800105", "pengawas", True, (4, 4, 4, 4), "s1", "III/d", "2018-03-01", True,
                 {2025: 2, 2024: 2}),
    "F_edu_unknown": ("19800106", "pengawas", True, (3, 3, 3, 2.5), None, "III/d", "2019-06-01",
                      False, {2025: 1, 2024: 1}),
    "G_tmt_unknown": ("19800107", "pengawas", True, (3, 3, 2.5, 2.5), "s1", "III/d", None, False,
                      {2025: 1, 2024: 1}),
    "H_one_rating": ("19800108", "pengawas", True, (3, 2.5, 2.5, 2.5), "d4", "III/d",
                     "2019-06-01", False, {2025: 2}),
    "I_hukdis_unknown": ("19800109", "pengawas", True, (2.5, 2.5, 2.5, 2.5), "s1", "III/d",
                         "2019-06-01", None, {2025: 1, 2024: 1}),
    "J_no_pegawai": ("19800110", "pengawas", True, (4, 4, 4, 4), NONE, None, None, None,
                     {2025: 1, 2024: 1}),
    "K_jf_muda": ("19800111", "jf_ahli_muda", True, (3.5, 3, 3, 3), "s1", "III/c", "2021-01-01",
                  False, {2025: 1, 2024: 1}),
    "L_not_pool": ("19800112", "pengawas", False, (5, 5, 5, 5), "s1", "III/d", "2010-01-01",
                   False, {2025: 2, 2024: 2}),
    "M_admin": ("19750615", "administrator", True, (4, 3, 4, 4), "s2", "IV/a", "2022-01-03",
                False, {2025: 1, 2024: 2}),
    "N_madya_57": ("19690301", "jf_ahli_madya", True, (4, 4, 4, 4), "s2", "IV/b", "2015-01-01",
                   False, {2025: 2, 2024: 2}),
}  # fmt: skip
NIP = {name: f"{v[0]}200501{1}{i:03d}" for i, (name, v) in enumerate(COHORT.items(), start=1)}
VACANCIES = pd.DataFrame(
    [
        ("ADM-1", "Kepala Bagian Umum", "Setda", "administrator", 4),
        ("JPT-1", "Kepala Dinas", "Dinkes", "jpt_pratama", 1),
        ("MADYA-1", "Analis Ahli Madya", "Bappeda", "jf_ahli_madya", 1),
        ("PENG-1", "Kepala Seksi", "Kec. Ciruas", "pengawas", 1),
        ("PERT-1", "Analis Ahli Pertama", "BKPSDM", "jf_ahli_pertama", 1),
    ],
    columns=["kode", "jabatan", "unit", "job_level", "jumlah"],
)


def facts() -> Facts:
    staff = pd.DataFrame(
        [
            {"nip": NIP[n], "pendidikan": v[4], "golongan": v[5], "tmt_jabatan": v[6],
             "hukuman_disiplin": v[7]}
            for n, v in COHORT.items()
            if v[4] is not NONE
        ]
    )  # fmt: skip
    ratings = pd.DataFrame(
        [
            {"nip": NIP[n], "tahun": y, "level": lv}
            for n, v in COHORT.items()
            for y, lv in v[8].items()
        ]
    )
    return Facts(staff, ratings, AS_OF, 2026)


def people() -> pd.DataFrame:
    rows = [
        {"nip": NIP[n], "nama": n, "job_level": v[1], "box": 9 if v[2] else 5,
         "talent_pool": v[2], "golongan": None,
         **{f"score_{c}": s for c, s in zip(COMPS, v[3], strict=True)}}
        for n, v in COHORT.items()
    ]  # fmt: skip
    return pd.DataFrame(rows).sort_values("nip", ignore_index=True)


def run():
    cands, pools = candidates_and_pools(people(), VACANCIES, RULES, facts())
    return cands.assign(who=cands["nama"]), pools.set_index("kode")


def test_administrator_post_lists_memenuhi_first_then_belum_lengkap_by_fit():
    cands, _ = run()
    adm = cands[cands["kode"] == "ADM-1"]
    # K 12.5 (fit 100) and A 12 (fit 100) meet all; J 16 (fit 100), F 11.5 (95.83),
    # G 11 (91.67), H 10.5 (87.5), I 10 (83.33) lack data; B, C, D, E fail one each
    assert adm["who"].tolist() == [
        "K_jf_muda", "A_ok", "J_no_pegawai", "F_edu_unknown", "G_tmt_unknown",
        "H_one_rating", "I_hukdis_unknown",
    ]  # fmt: skip
    assert adm["rank"].tolist() == list(range(1, 8))
    assert adm["fit"].tolist() == [100.0, 100.0, 100.0, 95.83, 91.67, 87.5, 83.33]
    assert adm["verdict"].tolist() == ["memenuhi"] * 2 + ["belum_lengkap"] * 5


def test_every_criterion_of_every_listed_administrator_candidate():
    cands, _ = run()
    adm = cands[cands["kode"] == "ADM-1"].set_index("who")
    crit = ["education_min", "years_in_post_min", "performance_years", "no_discipline"]
    want = {
        "K_jf_muda": [("ok", "S1 >= S1"), ("ok", "5 tahun sejak TMT jabatan 2021-01-01 >= 3"),
                      ("ok", "sesuai atau di atas: 2024, 2025"), ("ok", "tidak ada")],
        "A_ok": [("ok", "S1 >= S1"), ("ok", "6 tahun sejak TMT jabatan 2020-01-01 >= 3"),
                 ("ok", "sesuai atau di atas: 2024, 2025"), ("ok", "tidak ada")],
        "J_no_pegawai": [("unknown", "pendidikan belum ada data"),
                         ("unknown", "TMT jabatan belum ada data"),
                         ("ok", "sesuai atau di atas: 2024, 2025"),
                         ("unknown", "hukuman disiplin belum ada data")],
        "F_edu_unknown": [("unknown", "pendidikan belum ada data"),
                          ("ok", "7 tahun sejak TMT jabatan 2019-06-01 >= 3"),
                          ("ok", "sesuai atau di atas: 2024, 2025"), ("ok", "tidak ada")],
        "G_tmt_unknown": [("ok", "S1 >= S1"), ("unknown", "TMT jabatan belum ada data"),
                          ("ok", "sesuai atau di atas: 2024, 2025"), ("ok", "tidak ada")],
        "H_one_rating": [("ok", "D4 >= S1"), ("ok", "7 tahun sejak TMT jabatan 2019-06-01 >= 3"),
                         ("unknown", "predikat 1 dari 2 tahun"), ("ok", "tidak ada")],
        "I_hukdis_unknown": [("ok", "S1 >= S1"),
                             ("ok", "7 tahun sejak TMT jabatan 2019-06-01 >= 3"),
                             ("ok", "sesuai atau di atas: 2024, 2025"),
                             ("unknown", "hukuman disiplin belum ada data")],
    }  # fmt: skip
    for who, results in want.items():
        got = [(adm.loc[who, c], adm.loc[who, f"{c}_detail"]) for c in crit]
        assert got == results, who
        # an administrator post asks neither golongan nor age (rules data)
        assert adm.loc[who, "golongan_min"] is None and adm.loc[who, "max_age"] is None


def test_each_failed_criterion_is_counted_once_per_person_left_out():
    _, pools = run()
    adm = pools.loc["ADM-1"]
    assert (adm["pool"], adm["candidates"], adm["reason"]) == (11, 7, None)  # A-K
    assert (
        adm["excluded_education_min"], adm["excluded_years_in_post_min"],
        adm["excluded_performance_years"], adm["excluded_no_discipline"],
    ) == (1, 1, 1, 1)  # B, C, D, E  # fmt: skip
    assert adm["excluded_golongan_min"] is None and adm["excluded_max_age"] is None


def test_jpt_pratama_post_checks_age_and_two_years():
    cands, pools = run()
    jpt = cands[cands["kode"] == "JPT-1"].set_index("who")
    assert jpt.index.tolist() == ["M_admin"]  # N (57 on 4 Dec 2026) is over 56
    m = jpt.loc["M_admin"]
    assert (m["verdict"], m["max_age"], m["max_age_detail"]) == ("memenuhi", "ok", "umur 51 <= 56")
    assert m["years_in_post_min_detail"] == "4 tahun sejak TMT jabatan 2022-01-03 >= 2"
    assert (pools.loc["JPT-1", "pool"], pools.loc["JPT-1", "excluded_max_age"]) == (2, 1)


def test_empty_vacancies_say_why_with_the_counts():
    _, pools = run()
    assert pools.loc["MADYA-1", "reason"] == "all_excluded"  # K's III/c is below III/d
    assert pools.loc["MADYA-1", "excluded_golongan_min"] == 1
    assert pools.loc["PENG-1", "reason"] == "empty_pool"  # nobody at jf_ahli_pertama
    assert pools.loc["PERT-1", "reason"] == "no_feeder"
    why = dict(
        empty_vacancies(people(), VACANCIES, RULES, facts())[["kode", "reason"]].values.tolist()
    )
    assert why == {
        "MADYA-1": "everyone of the pool (1) is left out: golongan_min 1",
        "PENG-1": "nobody in the talent pool is at jf_ahli_pertama (the levels promoting to it)",
        "PERT-1": "no job level promotes to jf_ahli_pertama (promotes_to in the rules)",
    }


def test_without_personnel_data_nobody_is_memenuhi_but_performance_still_fails():
    from dataclasses import replace

    from talentcli.placement import no_personnel

    only_ratings = replace(facts(), personnel=no_personnel())
    cands, pools = candidates_and_pools(people(), VACANCIES, RULES, only_ratings)
    adm = cands[cands["kode"] == "ADM-1"]
    assert set(adm["verdict"]) == {"belum_lengkap"}
    assert "D_low" not in set(adm["nama"])  # rated di_bawah in 2025: still fails
    assert pools.loc[pools["kode"] == "ADM-1", "excluded_performance_years"].tolist() == [1]
    assert pools.loc[pools["kode"] == "ADM-1", "excluded_education_min"].tolist() == [0]


def test_assignment_places_a_memenuhi_person_before_a_higher_fit():
    # one seat: P meets every criterion (fit 60), R lacks data (fit 100)
    cands = pd.DataFrame(
        [("X", 1, "R", 100.0, "belum_lengkap"), ("X", 2, "P", 60.0, "memenuhi")],
        columns=["kode", "rank", "nip", "fit", "verdict"],
    )
    vac = pd.DataFrame({"kode": ["X"], "jumlah": [1]})
    assert assign(cands, vac)["nip"].tolist() == ["P"]
    by_fit = cands.drop(columns="verdict")  # fit alone would place R
    assert assign(by_fit, vac)["nip"].tolist() == ["R"]


def test_assignment_places_the_most_memenuhi_people_then_the_most_fit():
    # seats X, Z; P (memenuhi) fits X 80 and Z 95; Q (memenuhi) fits X only, 70;
    # R (belum_lengkap) fits Z 100. Most memenuhi: X-Q + Z-P (2, fit 165) beats
    # X-P + Z-R (1 memenuhi, fit 180)
    cands = pd.DataFrame(
        [("X", 1, "P", 80.0, "memenuhi"), ("X", 2, "Q", 70.0, "memenuhi"),
         ("Z", 1, "R", 100.0, "belum_lengkap"), ("Z", 2, "P", 95.0, "memenuhi")],
        columns=["kode", "rank", "nip", "fit", "verdict"],
    )  # fmt: skip
    vac = pd.DataFrame({"kode": ["X", "Z"], "jumlah": [1, 1]})
    got = assign(cands, vac)
    assert dict(zip(got["kode"], got["nip"], strict=True)) == {"X": "Q", "Z": "P"}
    assert got["fit"].sum() == 165.0
