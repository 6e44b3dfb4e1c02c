"""The classifier (SPEC §4.2-4.6) on tiny hand-built cohorts; every expected number worked by hand.

Default rules, as used below: standards pengawas 3/2/2/2 (sum 9), administrator 3/3/3/3 (12),
jf_ahli_pertama 2/2/2/2 (8), jf_ahli_madya 4/3/3/3; JPM bands optimal >= 90, cukup_optimal
>= 78; potential = JPM (tinggi >= 90, menengah >= 78); retirement age 58 (madya 60), notice one
year, boxes 7-9 near retirement -> tetap.
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talentcli.classify import classify, nip_keys
from talentcli.numeric import round_half_up
from talentcli.rules import load_rules

RULES = load_rules().rules
AS_OF = datetime.date(2026, 1, 1)
CYCLE = 2026
COMPS = ["teknis", "sosiokultural", "literasi_digital", "numerik"]

# pengawas (standards 3/2/2/2, sum 9):
HIGH = (3.0, 2.0, 2.0, 2.0)  # sum 9: 100 * 9 / 9 = 100.00 -> optimal, tinggi
MID = (2.5, 1.5, 1.75, 1.75)  # sum 7.5: 100 * 7.5 / 9 = 83.333.. -> 83.33 cukup_optimal, menengah
LOW = (2.0, 1.5, 1.25, 1.25)  # sum 6: 100 * 6 / 9 = 66.666.. -> 66.67 kurang_optimal, rendah


def nip(i: int = 1, born: str = "19800101") -> str:
    """A valid NIP: birth date, TMT CPNS 2005-01, gender 1, serial I."""
    return f"{born}2005011{i:03d}"


def person(i=1, scores=HIGH, level="pengawas", born="19800101", potensi=np.nan, **extra):
    row = {
        "nip": nip(i, born),
        "nama": f"Pegawai {i}",
        "jabatan": "Kepala Seksi",
        "job_level": level,
        "unit": "Bappeda",
        "golongan": "III/c",
        "potensi": potensi,
    }
    return row | {f"score_{c}": s for c, s in zip(COMPS, scores, strict=True)} | extra


def rating(i=1, predikat="Baik", tahun=2025, nilai=None, born="19800101"):
    return {"nip": nip(i, born), "tahun": tahun, "predikat": predikat, "nilai": nilai}


def run(people: list[dict], ratings: list[dict], rules=RULES, as_of=AS_OF):
    ratings_df = pd.DataFrame(ratings, columns=["nip", "tahun", "predikat", "nilai"])
    people_df = pd.DataFrame(people) if people else pd.DataFrame(columns=list(person()))
    return classify(people_df, ratings_df, rules, CYCLE, as_of)


def one(scores=HIGH, predikat="Baik", rules=RULES, **kw) -> dict:
    """Classify one person with one rating of 2025; their result row as a dict."""
    born = kw.get("born", "19800101")
    result = run([person(scores=scores, **kw)], [rating(predikat=predikat, born=born)], rules)
    assert len(result.people) == 1, result.incomplete
    return result.people.iloc[0].to_dict()


# ------------------------------------------------------------------ 9-box and placement


@pytest.mark.parametrize(
    ("scores", "predikat", "jpm", "category", "potential", "performance", "box"),
    [
        (HIGH, "Kurang", 100.0, "optimal", "tinggi", "di_bawah", 6),
        (HIGH, "Baik", 100.0, "optimal", "tinggi", "sesuai", 8),
        (HIGH, "Sangat Baik", 100.0, "optimal", "tinggi", "di_atas", 9),
        (MID, "Butuh Perbaikan", 83.33, "cukup_optimal", "menengah", "di_bawah", 3),
        (MID, "Baik", 83.33, "cukup_optimal", "menengah", "sesuai", 5),
        (MID, "Sangat Baik", 83.33, "cukup_optimal", "menengah", "di_atas", 7),
        (LOW, "Sangat Kurang", 66.67, "kurang_optimal", "rendah", "di_bawah", 1),
        (LOW, "Baik", 66.67, "kurang_optimal", "rendah", "sesuai", 2),
        (LOW, "Sangat Baik", 66.67, "kurang_optimal", "rendah", "di_atas", 4),
    ],
)
def test_every_cell_of_the_nine_box(scores, predikat, jpm, category, potential, performance, box):
    got = one(scores, predikat)
    assert (got["jpm"], got["jpm_category"]) == (jpm, category)
    assert (got["potential_score"], got["potential"]) == (jpm, potential)  # default: JPM alone
    assert (got["performance"], got["performance_year"], got["box"]) == (performance, 2025, box)


@pytest.mark.parametrize(
    ("scores", "predikat", "box", "placement", "pool", "readiness", "notes"),
    [
        (HIGH, "Sangat Baik", 9, "promosi", True, "siap_sekarang", ()),
        (HIGH, "Baik", 8, "rotasi", True, "siap_1_2_tahun", ()),
        (MID, "Sangat Baik", 7, "rotasi", True, "siap_1_2_tahun", ("tugas_belajar",)),
        (LOW, "Sangat Baik", 4, "rotasi", False, None, ()),
        (HIGH, "Kurang", 6, "mutasi", False, None, ()),
        (MID, "Baik", 5, "mutasi", False, None, ()),
        (MID, "Kurang", 3, "mutasi", False, None, ()),
        (LOW, "Baik", 2, "mutasi", False, None, ()),
        (LOW, "Kurang", 1, "tindak_lanjut", False, None, ()),
    ],
)
def test_every_row_of_the_placement_table(scores, predikat, box, placement, pool, readiness, notes):
    got = one(scores, predikat)
    assert got["box"] == box
    assert (got["placement"], got["talent_pool"], got["readiness"]) == (placement, pool, readiness)
    assert got["notes"] == notes


def test_recommendation_is_the_box_text():
    assert one(LOW, "Kurang")["recommendation"] == (
        "Diproses sesuai ketentuan peraturan perundang-undangan"
    )
    assert one(LOW, "Sangat Baik")["recommendation"] == "Rotasi; pengembangan kompetensi"


def test_the_spec_example_person_in_full():
    # SPEC §5: pengawas 3.25 / 2.5 / 1.75 / 2.0 against 3 / 2 / 2 / 2.
    row = person(scores=(3.25, 2.5, 1.75, 2.0), born="19780923") | {"nip": "197809232003121003"}
    rat = {"nip": "197809232003121003", "tahun": 2025, "predikat": "BAIK", "nilai": None}
    got = run([row], [rat]).people.iloc[0].to_dict()
    assert [got[f"delta_{c}"] for c in COMPS] == [0.25, 0.5, -0.25, 0.0]
    assert [got[f"status_{c}"] for c in COMPS] == ["meets", "meets", "gap", "meets"]
    assert [got[f"severity_{c}"] for c in COMPS] == [None, None, "ringan", None]
    assert [got[f"standard_{c}"] for c in COMPS] == [3, 2, 2, 2]
    # sum 9.5 / 9 = 105.56 % -> capped at 100.
    assert (got["jpm"], got["jpm_category"], got["potential"]) == (100.0, "optimal", "tinggi")
    assert (got["performance"], got["box"], got["placement"]) == ("sesuai", 8, "rotasi")
    assert (got["talent_pool"], got["readiness"], got["notes"]) == (True, "siap_1_2_tahun", ())
    assert got["retirement_date"] == "2036-10-01"  # 58 in September 2036: TMT 1 October
    assert got["golongan"] == "III/c"


def test_output_columns_in_the_documented_order():
    parts = ("score", "standard", "delta", "status", "severity")
    per_comp = [f"{p}_{c}" for c in COMPS for p in parts]
    expected = ["nip", "nama", "jabatan", "job_level", "unit", "golongan", *per_comp]
    expected += ["jpm", "jpm_category", "potential_score", "potential", "performance"]
    expected += ["performance_year", "box_computed", "box", "placement", "talent_pool"]
    expected += ["readiness", "notes", "retirement_date", "recommendation"]
    assert list(run([person()], [rating()]).people.columns) == expected


# ------------------------------------------------------------------ per-competency status


@pytest.mark.parametrize(
    ("teknis", "delta", "status", "severity"),
    [
        (3.0, 0.0, "meets", None),  # delta exactly 0
        (3.99, 0.99, "meets", None),  # just under strength
        (4.0, 1.0, "strength", None),  # delta exactly 1
        (2.75, -0.25, "gap", "ringan"),  # 2.75 - 3 is exactly -0.25, no float noise
        (2.01, -0.99, "gap", "ringan"),  # 2.01 - 3 = -0.9900000000000002 in binary
        (2.0, -1.0, "gap", "berat"),  # delta exactly -1
        (1.0, -2.0, "gap", "berat"),
    ],
)
def test_status_boundaries(teknis, delta, status, severity):
    got = one((teknis, 2.0, 2.0, 2.0))  # pengawas: teknis standard 3
    assert got["delta_teknis"] == delta
    assert (got["status_teknis"], got["severity_teknis"]) == (status, severity)


# ------------------------------------------------------------------ JPM


def test_round_half_up_where_binary_round_goes_down():
    # round(2.675, 2) == 2.67 and round(1.005, 2) == 1.0 in Python: binary is just below.
    values = np.array([2.675, 1.005, 89.995, 0.125, 77.994999, 100.0])
    assert round_half_up(values, 2).tolist() == [2.68, 1.01, 90.0, 0.13, 77.99, 100.0]


@pytest.mark.parametrize(
    ("scores", "jpm", "category"),
    [
        # jf_ahli_pertama, standards sum 8:
        ((1.7996, 1.8, 1.8, 1.8), 90.0, "optimal"),  # 100 * 7.1996 / 8 = 89.995 -> 90.00
        ((1.5592, 1.56, 1.56, 1.56), 77.99, "kurang_optimal"),  # 100 * 6.2392 / 8 = 77.99
        ((1.56, 1.56, 1.56, 1.56), 78.0, "cukup_optimal"),  # 100 * 6.24 / 8 = 78.00
        ((5.0, 5.0, 5.0, 5.0), 100.0, "optimal"),  # 100 * 20 / 8 = 250 -> capped at 100
        ((1.0, 1.0, 1.0, 1.0), 50.0, "kurang_optimal"),  # 100 * 4 / 8
    ],
)
def test_jpm_rounding_bands_and_cap(scores, jpm, category):
    got = one(scores, level="jf_ahli_pertama")
    assert (got["jpm"], got["jpm_category"]) == (jpm, category)


def test_jpm_cap_each_caps_every_competency_at_its_standard():
    each = RULES.model_copy(update={"jpm": RULES.jpm.model_copy(update={"cap_each": True})})
    scores = (5.0, 1.0, 2.0, 2.0)  # pengawas 3/2/2/2
    # total cap: 100 * 10 / 9 = 111.1 -> 100; each: (3 + 1 + 2 + 2) / 9 = 88.888.. -> 88.89
    assert one(scores)["jpm"] == 100.0
    got = one(scores, rules=each)
    assert (got["jpm"], got["jpm_category"], got["potential"]) == (
        88.89,
        "cukup_optimal",
        "menengah",
    )


def test_jpm_without_any_cap():
    free = RULES.model_copy(update={"jpm": RULES.jpm.model_copy(update={"cap": False})})
    assert one((5.0, 5.0, 5.0, 5.0), rules=free)["jpm"] == 222.22  # 100 * 20 / 9


def test_selection_bands():
    sel = RULES.model_copy(update={"jpm": RULES.jpm.model_copy(update={"bands": "selection"})})
    assert one(MID, rules=sel)["jpm_category"] == "ms"  # 83.33 >= 80
    assert one(LOW, rules=sel)["jpm_category"] == "kms"  # 66.67 < 68


# ------------------------------------------------------------------ potential with potensi


def _blend(scale=(0.0, 100.0)):
    comps = [{"source": "jpm", "weight": 1.0}, {"source": "potensi", "weight": 1.0}]
    pot = RULES.potential.model_validate(
        RULES.potential.model_dump() | {"components": comps, "potensi_scale": scale}
    )
    return RULES.model_copy(update={"potential": pot})


def test_potensi_blended_into_the_potential_axis():
    got = one(HIGH, potensi=70.0, rules=_blend())  # (100 + 70) / 2 = 85.00
    assert (got["jpm"], got["potential_score"], got["potential"]) == (100.0, 85.0, "menengah")
    assert got["box"] == 5  # menengah x sesuai


def test_potensi_on_another_scale_is_put_on_0_100_first():
    got = one(HIGH, potensi=4.0, rules=_blend((1.0, 5.0)))  # (4-1)/4 -> 75; (100 + 75) / 2
    assert got["potential_score"] == 87.5


# ------------------------------------------------------------------ retirement


@pytest.mark.parametrize(
    ("born", "retires", "near"),
    [
        # pengawas retires at 58: TMT pensiun is the first of the month after the 58th
        # birthday's month; as_of 2026-01-01 + 1 year = 2027-01-01
        ("19681130", datetime.date(2026, 12, 1), True),  # before as_of + 1 year
        ("19681201", datetime.date(2027, 1, 1), False),  # on as_of + 1 year: not before
        ("19681231", datetime.date(2027, 1, 1), False),  # the month's last day: the same
        ("19690101", datetime.date(2027, 2, 1), False),  # the day after
    ],
)
def test_near_retirement_only_strictly_before_as_of_plus_notice(born, retires, near):
    got = one(HIGH, "Sangat Baik", born=born)  # box 9, pengawas retires at 58
    assert got["retirement_date"] == retires.isoformat()
    assert got["notes"] == (("pensiun_dekat",) if near else ())
    assert got["placement"] == ("tetap" if near else "promosi")


def test_box_9_near_retirement_leaves_promotion_and_the_pool():
    got = one(HIGH, "Sangat Baik", born="19680601")  # retires 2026-07-01
    assert got["retirement_date"] == "2026-07-01"
    assert (got["box"], got["placement"], got["talent_pool"]) == (9, "tetap", False)
    assert got["readiness"] is None
    assert got["notes"] == ("pensiun_dekat",)


def test_box_7_near_retirement_keeps_its_note_first():
    got = one(MID, "Sangat Baik", born="19680601")
    assert (got["box"], got["placement"], got["talent_pool"]) == (7, "tetap", False)
    assert got["notes"] == ("tugas_belajar", "pensiun_dekat")


def test_box_5_near_retirement_keeps_mutasi():
    got = one(MID, "Baik", born="19680601")
    assert (got["box"], got["placement"], got["notes"]) == (5, "mutasi", ("pensiun_dekat",))


def test_retirement_age_follows_the_job_level_and_29_february():
    pengawas = one(HIGH, born="19680229")  # 58 on 2026-02-28 (no 29 Feb): TMT 2026-03-01
    assert pengawas["retirement_date"] == "2026-03-01"
    assert pengawas["notes"] == ("pensiun_dekat",)
    madya = one((4.0, 3.0, 3.0, 3.0), level="jf_ahli_madya", born="19660229")  # 60 in 2026
    assert madya["retirement_date"] == "2026-03-01"


@pytest.mark.parametrize(
    ("born", "retired"),
    [
        ("19671130", True),  # TMT 2025-12-01: before as_of 2026-01-01
        ("19671201", True),  # TMT 2026-01-01: on as_of -> retired
        ("19671231", True),  # the same month: the same TMT
        ("19680101", False),  # TMT 2026-02-01: after as_of, near retirement
    ],
)
def test_retired_is_incomplete_and_checked_first(born, retired):
    result = run([person(born=born)], [], as_of=AS_OF)  # no kinerja either
    reason = "retired" if retired else "no-performance"
    assert result.incomplete["reason"].tolist() == [reason]
    assert result.people.empty


def test_retired_madya_at_60():
    people = [person(1, level="jf_ahli_madya", born="19640229", scores=(4.0, 3.0, 3.0, 3.0))]
    result = run(people, [rating(1, born="19640229")])  # TMT 2024-03-01: long retired
    assert result.incomplete["reason"].tolist() == ["retired"] and result.people.empty


def test_as_of_on_29_february():
    leap_day = datetime.date(2028, 2, 29)  # + 1 year -> 2029-02-28
    born = "19710115"  # pengawas: 58 in January 2029, TMT 2029-02-01, before 2029-02-28
    got = run([person(born=born)], [rating(born=born)], as_of=leap_day).people.iloc[0]
    assert got["retirement_date"] == "2029-02-01"
    assert got["notes"] == ("pensiun_dekat",)


def test_kinerja_year_rejected_at_import_gets_a_note():
    """Person 1's 2026 row was rejected: 2025 is used, with kinerja_tahun_ditolak; person 2's
    rejected row is for 2027 (after the cycle) and person 3's for 2024 (older than the one
    used): no note."""
    people = [person(1), person(2), person(3)]
    ratings = [rating(1, "Baik", 2025), rating(2, "Baik", 2025), rating(3, "Baik", 2025)]
    rejected = pd.DataFrame({"nip": [nip(1), nip(2), nip(3)], "tahun": [2026, 2027, 2024]})
    df_people = pd.DataFrame(people)
    df_ratings = pd.DataFrame(ratings, columns=["nip", "tahun", "predikat", "nilai"])
    got = classify(df_people, df_ratings, RULES, CYCLE, AS_OF, rejected_ratings=rejected).people
    assert got["performance_year"].tolist() == [2025, 2025, 2025]
    assert got["notes"].tolist() == [("kinerja_tahun_ditolak",), (), ()]


# ------------------------------------------------------------------ performance


def test_kinerja_after_the_cycle_is_ignored_and_latest_year_wins():
    ratings = [rating(predikat="Kurang", tahun=2024), rating(predikat="Baik", tahun=2025)]
    ratings.append(rating(predikat="Sangat Baik", tahun=2027))  # after cycle 2026
    got = run([person()], ratings).people.iloc[0]
    assert (got["performance"], got["performance_year"], got["box"]) == ("sesuai", 2025, 8)


def test_kinerja_of_the_cycle_year_counts():
    ratings = [rating(predikat="Baik", tahun=2025), rating(predikat="Sangat Baik", tahun=2026)]
    got = run([person()], ratings).people.iloc[0]
    assert (got["performance"], got["performance_year"]) == ("di_atas", 2026)


@pytest.mark.parametrize(
    ("nilai", "level"),
    [
        (0.0, "di_bawah"),
        (70.0, "di_bawah"),  # Cukup 70-<90 (PP 30/2019 art. 41) is below expectations
        (89.99, "di_bawah"),
        (90.0, "sesuai"),  # Baik 90-<110
        (109.99, "sesuai"),
        (110.0, "di_atas"),  # Sangat Baik 110-120
        (120.0, "di_atas"),
    ],
)
def test_numeric_nilai_kinerja(nilai, level):
    got = run([person()], [rating(predikat=None, nilai=nilai)]).people.iloc[0]
    assert got["performance"] == level


@pytest.mark.parametrize(
    ("predikat", "level"),
    [
        ("  sangat  BAIK ", "di_atas"),
        ("BAIK", "sesuai"),
        ("Kurang / Misconduct", "di_bawah"),
        ("kurang/misconduct", "di_bawah"),
        ("BUTUH PERBAIKAN", "di_bawah"),
        ("Sangat Kurang", "di_bawah"),
        ("AMAT BAIK", "di_atas"),  # the older words (before PermenPANRB 6/2022)
        ("cukup", "di_bawah"),
        ("Buruk", "di_bawah"),
    ],
)
def test_predikat_in_any_case_and_spacing(predikat, level):
    assert one(HIGH, predikat)["performance"] == level


def test_predikat_wins_over_nilai_and_unknown_predikat_falls_back_to_nilai():
    got = run([person()], [rating(predikat="Baik", nilai=115.0)]).people.iloc[0]
    assert got["performance"] == "sesuai"
    got = run([person()], [rating(predikat="Istimewa", nilai=115.0)]).people.iloc[0]
    assert got["performance"] == "di_atas"
    result = run([person()], [rating(predikat="Istimewa")])
    assert result.incomplete["reason"].tolist() == ["no-performance"]


# ------------------------------------------------------------------ incomplete


def test_incomplete_reasons_in_order_and_nobody_dropped():
    blend = _blend()
    people = [
        person(1, level="eselon_ii", scores=(3.0, np.nan, 2.0, 2.0)),  # also a missing score
        person(2, scores=(3.0, 2.0, np.nan, 2.0)),  # also no kinerja
        person(3),  # no potensi (blend needs it), also no kinerja
        person(4, potensi=80.0),  # no kinerja
        person(5, potensi=80.0),  # complete
        person(6, level=None, potensi=80.0),
    ]
    ratings = [rating(1), rating(5), rating(6), rating(99)]  # 99: outside the cohort
    result = run(people, ratings, rules=blend)
    assert result.incomplete.to_dict("records") == [
        {"nip": nip(1), "nama": "Pegawai 1", "reason": "unknown-job-level"},
        {"nip": nip(2), "nama": "Pegawai 2", "reason": "missing-score"},
        {"nip": nip(3), "nama": "Pegawai 3", "reason": "no-potensi"},
        {"nip": nip(4), "nama": "Pegawai 4", "reason": "no-performance"},
        {"nip": nip(6), "nama": "Pegawai 6", "reason": "unknown-job-level"},
    ]
    assert result.people["nip"].tolist() == [nip(5)]


def test_potensi_not_needed_by_default():
    result = run([person(potensi=np.nan)], [rating()])
    assert len(result.people) == 1 and result.incomplete.empty


def test_missing_score_column_means_missing_score():
    row = person()
    del row["score_numerik"]
    assert run([row], [rating()]).incomplete["reason"].tolist() == ["missing-score"]


def test_sorted_by_nip_whatever_the_input_order():
    people = [person(i) for i in (5, 3, 9, 1)]
    ratings = [rating(i) for i in (1, 3, 5)]
    result = run(people, ratings)
    assert result.people["nip"].tolist() == [nip(1), nip(3), nip(5)]
    assert result.incomplete["nip"].tolist() == [nip(9)]


def test_empty_cohort():
    result = run([], [])
    assert result.people.empty and result.incomplete.empty
    assert "box" in result.people.columns


def test_input_is_not_modified():
    people = pd.DataFrame([person(2), person(1)])
    before = people.copy()
    classify(people, pd.DataFrame([rating(1)]), RULES, CYCLE, AS_OF)
    pd.testing.assert_frame_equal(people, before)


def test_nip_keys():
    keys = nip_keys(
        pd.Series(["197809232003121003", "1978092320031210", "19780923200312100x", None])
    )
    assert keys.tolist() == [197809232003121003, -1, -1, -1]


@pytest.mark.parametrize("dtype", [object, "str", "string[pyarrow]", "string[python]"])
def test_nip_keys_read_arrow_and_python_strings_alike(dtype):
    values = ["197809232003121003", "1978092320031210", "19780923200312100x", None]
    values += ["1978092320031210031", "\u0661" * 18, "\u00e9" * 9, "196601011991011010"]
    want = [197809232003121003, -1, -1, -1, -1, -1, -1, 196601011991011010]
    nips = pd.Series(values, dtype=dtype)  # 18 non-ASCII digits; 9 two-byte letters: 18 bytes
    assert nip_keys(nips).tolist() == want
    assert nip_keys(nips.iloc[3:]).tolist() == want[3:]  # a slice: Arrow data at an offset
    assert nip_keys(nips.iloc[7:]).tolist() == want[7:]  # ... and all 18 digits there
    chunked = pd.concat([nips.iloc[:5], nips.iloc[5:]], ignore_index=True)
    assert nip_keys(chunked).tolist() == want


def test_text_held_as_python_objects_gives_the_same_result():
    people = pd.DataFrame([person(i, born=f"19{60 + i}0101") for i in range(1, 6)])
    ratings = pd.DataFrame([rating(i, born=f"19{60 + i}0101") for i in range(1, 5)])
    arrow = run(people.to_dict("records"), ratings.to_dict("records"))
    objects = classify(people.astype(object), ratings.astype(object), RULES, CYCLE, AS_OF)
    pd.testing.assert_frame_equal(objects.people, arrow.people, check_dtype=False, check_exact=True)
    pd.testing.assert_frame_equal(objects.incomplete, arrow.incomplete, check_exact=True)


def test_duplicate_nip_is_refused():
    with pytest.raises(ValueError, match="one row per NIP"):
        run([person(1), person(1)], [])


# ------------------------------------------------------------------ properties

LEVELS = [*RULES.job_levels, "unknown_level"]
PREDIKAT = ["Sangat Baik", "Baik", "Butuh Perbaikan", "Kurang/Misconduct", "sangat kurang"]
# 1.00-5.00, now and then missing
score = st.integers(95, 500).map(lambda x: x / 100 if x >= 100 else float("nan"))


@st.composite
def cohorts(draw):
    n = draw(st.integers(0, 25))
    serials = draw(st.lists(st.integers(0, 999), min_size=n, max_size=n, unique=True))
    people, ratings = [], []
    for i in serials:
        born = f"19{draw(st.integers(55, 99))}{draw(st.integers(1, 12)):02d}15"
        scores = tuple(draw(score) for _ in COMPS)
        level = draw(st.sampled_from(LEVELS))
        people.append(person(i, scores=scores, level=level, born=born))
        for year in draw(st.lists(st.integers(2023, 2028), max_size=3, unique=True)):
            pred = draw(st.one_of(st.none(), st.sampled_from(PREDIKAT)))
            nilai = draw(st.floats(0, 120)) if pred is None else None
            ratings.append(rating(i, pred, year, nilai, born))
    return people, ratings


@settings(max_examples=150, deadline=None)
@given(cohorts())
def test_property_everyone_classified_once_or_incomplete(cohort):
    people, ratings = cohort
    result = run(people, ratings)
    assert len(result.people) + len(result.incomplete) == len(people)
    got = sorted([*result.people["nip"], *result.incomplete["nip"]])
    assert got == sorted(p["nip"] for p in people)
    out = result.people
    assert out["box"].between(1, 9).all()
    assert out["jpm"].between(0, 100).all()
    grid = RULES.nine_box.grid
    expected = [grid[p][f] for p, f in zip(out["potential"], out["performance"], strict=True)]
    assert out["box"].tolist() == expected
    assert out["nip"].is_monotonic_increasing
    assert (out["performance_year"] <= CYCLE).all()


@settings(max_examples=150, deadline=None)
@given(
    scores=st.tuples(*[st.integers(100, 500) for _ in COMPS]),
    which=st.integers(0, len(COMPS) - 1),
    raise_by=st.integers(1, 400),
    level=st.sampled_from(list(RULES.job_levels)),
    predikat=st.sampled_from(PREDIKAT),
    cap_each=st.booleans(),
)
def test_property_raising_a_score_never_lowers_the_box(
    scores, which, raise_by, level, predikat, cap_each
):
    rules = RULES.model_copy(update={"jpm": RULES.jpm.model_copy(update={"cap_each": cap_each})})
    before = [s / 100 for s in scores]
    after = list(before)
    after[which] = min(5.0, (scores[which] + raise_by) / 100)
    low = one(tuple(before), predikat, rules=rules, level=level)
    high = one(tuple(after), predikat, rules=rules, level=level)
    assert high["jpm"] >= low["jpm"]
    assert high["box"] >= low["box"]


@settings(max_examples=60, deadline=None)
@given(cohorts())
def test_property_a_run_without_detail_is_the_same_run_less_the_derived_columns(cohort):
    people, ratings = cohort
    people = pd.DataFrame(people or None, columns=list(person()))
    ratings = pd.DataFrame(ratings or None, columns=list(rating()))
    full = classify(people, ratings, RULES, CYCLE, AS_OF)
    lean = classify(people, ratings, RULES, CYCLE, AS_OF, detail=False)
    derived = [f"{k}_{c}" for c in COMPS for k in ("standard", "delta", "status", "severity")]
    assert set(derived) <= set(full.people.columns)
    assert list(lean.people.columns) == [c for c in full.people.columns if c not in derived]
    pd.testing.assert_frame_equal(lean.people, full.people.drop(columns=derived))
    pd.testing.assert_frame_equal(lean.incomplete, full.incomplete)
