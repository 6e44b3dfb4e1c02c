"""Training plans (SPEC §4.8), worked by hand, plus a plain per-person reference implementation.

Default catalogue: TEK-R 10 / TEK-B 40, SOS-R 10 / SOS-B 24, DIG-R 12 / DIG-B 30,
NUM-R 10 / NUM-B 24 JP, BKK 8 JP (boxes 3 and 6), MANDIRI 20 JP (filler); min_jp 20.
"""

from __future__ import annotations

import datetime

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from talentcli.classify import classify
from talentcli.plans import PLAN_COLUMNS, distinct_plans, plan, plan_and_totals
from talentcli.rules import Rules, load_rules

RULES = load_rules().rules
COMPS = ["teknis", "sosiokultural", "literasi_digital", "numerik"]
CATALOGUE = {p.code: p for p in RULES.training.catalogue}


def severity(delta: float) -> str | None:
    """SPEC §4.2 with the default thresholds."""
    return None if delta >= 0 else ("berat" if delta <= -1 else "ringan")


def nip(i: int) -> str:
    return f"198001012005011{i:03d}"


def classified(*people: tuple[int, int, tuple[float, ...]]) -> pd.DataFrame:
    """A classified frame with what plans read: (serial, box, deltas in competency order)."""
    cols = ["nip", "box"] + [f"{p}_{c}" for c in COMPS for p in ("delta", "severity")]
    rows = []
    for i, box, deltas in people:
        row = {"nip": nip(i), "box": box}
        for c, d in zip(COMPS, deltas, strict=True):
            row |= {f"delta_{c}": d, f"severity_{c}": severity(d)}
        rows.append(row)
    return pd.DataFrame(rows, columns=cols)


def steps(deltas: tuple[float, ...], box: int = 5, rules: Rules = RULES) -> list[tuple]:
    """One person's plan as (code, reason) pairs."""
    out = plan(classified((1, box, deltas)), rules)
    assert out["seq"].tolist() == list(range(1, len(out) + 1))
    return list(zip(out["code"], out["reason"], strict=True))


def with_training(**update) -> Rules:
    return RULES.model_copy(update={"training": RULES.training.model_copy(update=update)})


# ------------------------------------------------------------------ hand-worked plans


def test_no_gap_box_5_tops_up_smallest_delta_first():
    # smallest deltas: numerik 0.0 (NUM-R 10), then sosiokultural 0.25 (SOS-R 10) -> 20 JP.
    assert steps((0.5, 0.25, 1.0, 0.0)) == [("NUM-R", "min_jp"), ("SOS-R", "min_jp")]


def test_one_ringan_gap_then_top_up():
    # SPEC §5 example: DIG-R 12 (gap), then numerik 0.0 is the smallest: NUM-R 10 -> 22 JP.
    assert steps((0.25, 0.5, -0.25, 0.0), box=8) == [("DIG-R", "gap"), ("NUM-R", "min_jp")]


def test_one_berat_gap_is_enough():
    assert steps((-1.0, 0.0, 0.0, 0.0)) == [("TEK-B", "gap")]  # 40 JP


def test_largest_gap_first():
    # literasi_digital -1.5 (berat DIG-B 30), teknis -0.25 (ringan TEK-R 10).
    assert steps((-0.25, 0.0, -1.5, 0.0)) == [("DIG-B", "gap"), ("TEK-R", "gap")]


def test_equal_gaps_in_competency_order():
    # sosiokultural -0.75 first; teknis and numerik tie at -0.5: teknis first. 30 JP.
    expected = [("SOS-R", "gap"), ("TEK-R", "gap"), ("NUM-R", "gap")]
    assert steps((-0.5, -0.75, 0.0, -0.5)) == expected


def test_box_3_gets_bkk_then_ties_in_competency_order():
    # BKK 8; all deltas 0: TEK-R (18 JP), then SOS-R (28 JP).
    expected = [("BKK", "box"), ("TEK-R", "min_jp"), ("SOS-R", "min_jp")]
    assert steps((0.0, 0.0, 0.0, 0.0), box=3) == expected


def test_box_6_gets_bkk_after_the_gaps():
    # SOS-R 10 (gap) + BKK 8 = 18; smallest delta of the rest: literasi_digital 0.1 -> DIG-R 12.
    expected = [("SOS-R", "gap"), ("BKK", "box"), ("DIG-R", "min_jp")]
    assert steps((0.3, -0.5, 0.1, 0.2), box=6) == expected


def test_other_boxes_get_no_bkk():
    for box in (1, 2, 4, 5, 7, 8, 9):
        assert "BKK" not in dict(steps((-1.0, 0.0, 0.0, 0.0), box=box))


def test_every_competency_planned_then_mandiri_once():
    rules = with_training(min_jp=100)
    # gaps TEK-R, SOS-R, DIG-R, NUM-R = 42 JP, then MANDIRI 20 = 62: still short, but stop.
    got = steps((-0.5, -0.5, -0.5, -0.5), rules=rules)
    assert got == [(c, "gap") for c in ("TEK-R", "SOS-R", "DIG-R", "NUM-R")] + [
        ("MANDIRI", "min_jp")
    ]
    # no gap: all four top-ups (ties in competency order), then MANDIRI.
    got = steps((0.0, 0.0, 0.0, 0.0), rules=rules)
    assert got == [(c, "min_jp") for c in ("TEK-R", "SOS-R", "DIG-R", "NUM-R")] + [
        ("MANDIRI", "min_jp")
    ]


def test_a_programme_at_most_once():
    box5 = RULES.nine_box.boxes[5].model_copy(update={"programmes": ["TEK-R", "BKK"]})
    boxes = {**RULES.nine_box.boxes, 5: box5}
    rules = RULES.model_copy(
        update={"nine_box": RULES.nine_box.model_copy(update={"boxes": boxes})}
    )
    # TEK-R from the gap (10), BKK (8) = 18; then sosiokultural 0.0 -> SOS-R 10.
    assert steps((-0.5, 0.0, 0.5, 0.5), rules=rules) == [
        ("TEK-R", "gap"),
        ("BKK", "box"),
        ("SOS-R", "min_jp"),
    ]


def test_rows_carry_the_catalogue_columns_and_totals():
    frame = classified((2, 8, (0.25, 0.5, -0.25, 0.0)), (1, 5, (-1.0, 0.0, 0.0, 0.0)))
    out = plan(frame, RULES)
    assert list(out.columns) == PLAN_COLUMNS
    assert out.to_dict("records") == [
        {"nip": nip(2), "seq": 1, "code": "DIG-R", "programme": "E-learning Literasi Digital",
         "competency": "literasi_digital", "form": "nonklasikal", "jp": 12, "cost": 0,
         "reason": "gap"},
        {"nip": nip(2), "seq": 2, "code": "NUM-R", "programme": "E-learning Penalaran Numerik",
         "competency": "numerik", "form": "nonklasikal", "jp": 10, "cost": 0,
         "reason": "min_jp"},
        {"nip": nip(1), "seq": 1, "code": "TEK-B", "programme": "Pelatihan Teknis Bidang Tugas",
         "competency": "teknis", "form": "klasikal", "jp": 40, "cost": 4500000,
         "reason": "gap"},
    ]  # fmt: skip
    rows, jp, cost = plan_and_totals(frame, RULES)  # totals in the frame's order
    assert rows.equals(out)
    assert (jp.tolist(), cost.tolist()) == ([22, 40], [0, 4500000])


def test_signatures_with_the_same_plan_share_one_id():
    """1 and 2 differ only in the order of their two largest deltas (another signature),
    which no step reaches: one plan, stored once; 3's smallest two swap: another plan."""
    frame = classified(
        (1, 5, (0.0, 0.25, 0.5, 0.75)),
        (2, 5, (0.0, 0.25, 0.75, 0.5)),
        (3, 5, (0.25, 0.0, 0.5, 0.5)),
    )
    ids, table = distinct_plans(frame, RULES)
    assert ids.tolist() == [0, 0, 1]
    steps = table.sort_values(["plan_id", "seq"]).groupby("plan_id")["code"].agg(tuple)
    assert steps.tolist() == [("TEK-R", "SOS-R"), ("SOS-R", "TEK-R")]


def test_filler_and_bkk_have_no_competency():
    out = plan(classified((1, 3, (0.0, 0.0, 0.0, 0.0))), with_training(min_jp=100))
    rows = out.set_index("code")["competency"]
    assert rows["BKK"] is None and rows["MANDIRI"] is None


def test_empty():
    cols = ["nip", "box"] + [f"{p}_{c}" for c in COMPS for p in ("delta", "severity")]
    out = plan(pd.DataFrame(columns=cols), RULES)
    assert out.empty and list(out.columns) == PLAN_COLUMNS
    _, jp, cost = plan_and_totals(pd.DataFrame(columns=cols), RULES)
    assert len(jp) == len(cost) == 0


def test_plan_from_classify_output():
    people = pd.DataFrame(
        [{"nip": "197809232003121003", "nama": "A", "jabatan": "Kasi", "job_level": "pengawas",
          "unit": "Bappeda", "golongan": "III/d", "potensi": None, "score_teknis": 3.25,
          "score_sosiokultural": 2.5, "score_literasi_digital": 1.75, "score_numerik": 2.0}]
    )  # fmt: skip
    ratings = pd.DataFrame([{"nip": "197809232003121003", "tahun": 2025, "predikat": "Baik"}])
    result = classify(people, ratings, RULES, 2026, datetime.date(2026, 1, 1))
    out = plan(result.people, RULES)
    assert out["code"].tolist() == ["DIG-R", "NUM-R"]
    assert plan_and_totals(result.people, RULES)[1].tolist() == [22]


# ------------------------------------------------------------------ reference and properties


def reference_plan(row: dict, rules: Rules) -> list[tuple[str, str]]:
    """SPEC §4.8 read literally, one person at a time (what the vectorised plan must equal)."""
    cat = rules.training.catalogue
    comps = [c.code for c in rules.competencies]
    by_delta = [c for _, _, c in sorted((row[f"delta_{c}"], i, c) for i, c in enumerate(comps))]
    chosen: list[tuple[str, str]] = []

    def add(code: str, reason: str) -> None:
        if all(code != c for c, _ in chosen):
            chosen.append((code, reason))

    def jp() -> int:
        return sum(p.jp for code, _ in chosen for p in cat if p.code == code)

    for c in by_delta:
        sev = row[f"severity_{c}"]
        if isinstance(sev, str):  # None, or NaN once in a str column
            add(next(p.code for p in cat if p.competency == c and p.severity == sev), "gap")
    for code in rules.nine_box.boxes[row["box"]].programmes:
        add(code, "box")
    while jp() < rules.training.min_jp:
        planned = {p.competency for code, _ in chosen for p in cat if p.code == code}
        rest = [c for c in by_delta if c not in planned]
        if not rest:
            add(rules.training.filler, "min_jp")
            break
        add(
            next(p.code for p in cat if p.competency == rest[0] and p.severity == "ringan"),
            "min_jp",
        )
    return chosen


delta = st.integers(-300, 300).map(lambda x: x / 100)
people = st.lists(
    st.tuples(st.integers(1, 9), st.tuples(*[delta for _ in COMPS])), min_size=0, max_size=40
)


@settings(max_examples=100, deadline=None)
@given(people=people, min_jp=st.sampled_from([20, 20, 0, 45, 100]))
def test_property_vectorised_equals_reference(people, min_jp):
    rules = with_training(min_jp=min_jp)
    frame = classified(*[(i, box, d) for i, (box, d) in enumerate(people)])
    out = plan(frame, rules)
    expected = [
        (row["nip"], seq, code, reason)
        for row in frame.to_dict("records")
        for seq, (code, reason) in enumerate(reference_plan(row, rules), start=1)
    ]
    got = list(zip(out["nip"], out["seq"], out["code"], out["reason"], strict=True))
    assert got == expected
    assert out["jp"].tolist() == [CATALOGUE[c].jp for c in out["code"]]


@settings(max_examples=100, deadline=None)
@given(people=people)
def test_property_default_plans(people):
    frame = classified(*[(i, box, d) for i, (box, d) in enumerate(people)])
    out, jp, cost = plan_and_totals(frame, RULES)
    assert set(out["nip"]) == set(frame["nip"])  # everybody has a plan
    assert (jp >= RULES.training.min_jp).all()
    summed = out.groupby("nip", sort=False)[["jp", "cost"]].sum()  # the rows add up
    assert summed["jp"].tolist() == jp.tolist() and summed["cost"].tolist() == cost.tolist()
    assert not out.duplicated(["nip", "code"]).any()
    assert out["code"].isin(list(CATALOGUE)).all()
    assert (out["reason"].isin(["gap", "box", "min_jp"])).all()
