"""The talent map over time (SPEC §4.10): each person against the previous cycle's latest run.

`previous` is that run's (cycle, final box, JPM, placement) or nothing; `movement` is `naik`
(final box number higher), `turun` (lower), `tetap`, or `baru` (not classified there,
including people who were incomplete). Columnar: one index lookup, no per-person Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

MOVEMENTS = ("naik", "turun", "tetap", "baru")


@dataclass
class Movement:
    """Per person: previous box/JPM/placement and movement; the 9 x 9 matrix and the counts."""

    people: (
        pd.DataFrame
    )  # nip, previous_cycle, previous_box, previous_jpm, previous_placement, movement
    matrix: dict[str, dict[str, int]]  # previous box -> box -> people (moved or not)
    counts: dict[str, int]  # naik, turun, tetap, baru
    previous_cycle: str | None = None  # the cycle compared against, if any


def direction_codes(before: Any, after: Any) -> np.ndarray:
    """Per pair of boxes, its MOVEMENTS position: 0 naik (the box number is higher after),
    1 turun (lower), 2 tetap. The one statement of the rule (SPEC §4.9, §4.10)."""
    b, a = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    return np.select([a > b, a < b], [0, 1], 2)


def directions(before: Any, after: Any) -> np.ndarray:
    """Per pair of boxes: 'naik', 'turun' or 'tetap' (direction_codes in words)."""
    return np.array(MOVEMENTS, dtype=object)[direction_codes(before, after)]


def movement(current: pd.DataFrame, previous: pd.DataFrame | None, cycle: str | None) -> Movement:
    """CURRENT (nip, box) against PREVIOUS (nip, box, jpm, placement: the classified people of
    the previous cycle's latest run, or None when there is none) of CYCLE."""
    out = pd.DataFrame({"nip": current["nip"].to_numpy(dtype=object)})
    box = current["box"].to_numpy(dtype=np.int64)
    compared = cycle if previous is not None else None
    if previous is None or previous.empty:
        at = np.full(len(out), -1, dtype=np.int64)  # nobody to look up
        previous = pd.DataFrame({"box": [0], "jpm": [np.nan], "placement": [None]})
    else:  # each person's row there, or -1 (a NIP twice there is refused by the index)
        at = pd.Index(previous["nip"].to_numpy(dtype=object)).get_indexer(out["nip"])
    row = np.maximum(at, 0)
    known = (at >= 0) & previous["box"].notna().to_numpy()[row]  # no box there: not classified

    def before(name: str, dtype: object, missing: object) -> np.ndarray:
        values = previous[name].to_numpy(dtype=dtype, na_value=missing)
        return np.where(known, values[row], missing)

    old = before("box", np.int64, 0)
    code = np.where(known, direction_codes(old, box), 3)  # 3: baru
    move = np.array(MOVEMENTS, dtype=object)[code]  # four shared strings, not one per person
    out["previous_cycle"] = pd.Series(np.where(known, cycle, None), dtype=object)
    out["previous_box"] = pd.Series(old, dtype="Int64").where(known)
    out["previous_jpm"] = before("jpm", float, np.nan)
    out["previous_placement"] = pd.Series(before("placement", object, None), dtype=object)
    out["movement"] = move
    grid = pd.crosstab(old[known], box[known]) if known.any() else pd.DataFrame()
    matrix = {
        str(a): {str(b): int(grid.at[a, b]) for b in grid.columns if grid.at[a, b]}
        for a in grid.index
    }
    counts = dict(zip(MOVEMENTS, np.bincount(code, minlength=4).tolist(), strict=True))
    return Movement(out, matrix, counts, compared)
