"""Movement against the previous cycle (SPEC §4.10), hand-worked."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from talentcli.engine.history import directions, movement


def test_up_down_same_and_new_against_the_previous_run():
    current = pd.DataFrame({"nip": ["a", "b", "c", "d"], "box": [9, 3, 5, 7]})
    previous = pd.DataFrame(
        {"nip": ["a", "b", "c", "x"], "box": [8, 5, 5, 1], "jpm": [91.5, 80.0, 82.25, 50.0],
         "placement": ["rotasi", "mutasi", "mutasi", "tindak_lanjut"]}
    )  # fmt: skip
    m = movement(current, previous, "2025")
    got = m.people.set_index("nip")
    assert got["movement"].tolist() == ["naik", "turun", "tetap", "baru"]
    assert got.at["a", "previous_box"] == 8 and got.at["a", "previous_jpm"] == 91.5
    assert got.at["a", "previous_placement"] == "rotasi" and got.at["a", "previous_cycle"] == "2025"
    assert pd.isna(got.at["d", "previous_box"]) and got.at["d", "previous_cycle"] is None
    assert m.counts == {"naik": 1, "turun": 1, "tetap": 1, "baru": 1}
    assert m.matrix == {"8": {"9": 1}, "5": {"3": 1, "5": 1}}


def test_no_previous_run_makes_everyone_new():
    m = movement(pd.DataFrame({"nip": ["a"], "box": [5]}), None, None)
    assert m.people["movement"].tolist() == ["baru"] and m.matrix == {}
    assert m.counts == {"naik": 0, "turun": 0, "tetap": 0, "baru": 1}


@given(st.lists(st.tuples(st.integers(1, 9), st.integers(0, 9)), min_size=1, max_size=40))
def test_every_person_moves_once_and_the_matrix_counts_each_known_person_once(rows):
    nips = [f"{i:03d}" for i in range(len(rows))]
    current = pd.DataFrame({"nip": nips, "box": [b for b, _ in rows]})
    known = [(n, p) for n, (_, p) in zip(nips, rows, strict=True) if p]  # 0: not there before
    previous = pd.DataFrame(
        {"nip": [n for n, _ in known], "box": [p for _, p in known], "jpm": 80.0,
         "placement": "mutasi"}
    )  # fmt: skip
    m = movement(current, previous, "2025")
    assert sum(m.counts.values()) == len(rows)
    assert m.counts["baru"] == len(rows) - len(known)
    assert sum(n for row in m.matrix.values() for n in row.values()) == len(known)


def test_a_previous_row_without_a_box_is_not_a_previous_box():
    """A damaged or hand-edited store: the row is there, its box NULL (read back as NaN)."""
    current = pd.DataFrame({"nip": ["a", "b"], "box": [6, 4]})
    previous = pd.DataFrame(
        {"nip": ["a", "b"], "box": [float("nan"), 5.0], "jpm": [70.0, 60.0],
         "placement": ["mutasi", "mutasi"]}
    )  # fmt: skip
    m = movement(current, previous, "2025")
    got = m.people.set_index("nip")
    assert got["movement"].tolist() == ["baru", "turun"]
    assert pd.isna(got.at["a", "previous_box"]) and got.at["a", "previous_cycle"] is None
    assert m.matrix == {"5": {"4": 1}}


def test_one_rule_of_direction_for_calibration_and_movement():
    before, after = [8, 5, 5, 1], [9, 3, 5, 1]
    assert directions(before, after).tolist() == ["naik", "turun", "tetap", "tetap"]
    assert directions([7], [9])[0] == "naik" and directions([9], [7])[0] == "turun"
