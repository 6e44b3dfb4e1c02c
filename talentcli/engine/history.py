"""The talent map over time (SPEC §4.10): each person against the previous cycle's latest run.

`previous` is that run's (cycle, final box, JPM, placement) or nothing; `movement` is `naik`
(final box number higher), `turun` (lower), `tetap`, or `baru` (not classified there,
including people who were incomplete). Columnar: one merge, no per-person Python.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def movement(current: pd.DataFrame, previous: pd.DataFrame | None, cycle: str | None) -> Movement:
    """CURRENT (nip, box) against PREVIOUS (nip, box, jpm, placement: the classified people of
    the previous cycle's latest run, or None when there is none) of CYCLE."""
    out = pd.DataFrame({"nip": current["nip"].to_numpy(dtype=object)})
    box = current["box"].to_numpy(dtype=np.int64)
    if previous is None or previous.empty:
        before = pd.DataFrame(columns=["nip", "box", "jpm", "placement"])
    else:
        before = previous[["nip", "box", "jpm", "placement"]]
    joined = out.merge(before, on="nip", how="left", validate="one_to_one")
    known = joined["box"].notna().to_numpy()
    old = joined["box"].fillna(0).to_numpy(dtype=np.int64)
    code = np.select([~known, box > old, box < old], [3, 0, 1], 2)  # MOVEMENTS' positions
    move = np.array(MOVEMENTS, dtype=object)[code]  # four shared strings, not one per person
    out["previous_cycle"] = pd.Series(np.where(known, cycle, None), dtype=object)
    out["previous_box"] = pd.Series(old, dtype="Int64").where(known)
    out["previous_jpm"] = joined["jpm"].where(known).to_numpy()
    out["previous_placement"] = joined["placement"].where(known).to_numpy(dtype=object)
    out["movement"] = move
    grid = pd.crosstab(old[known], box[known]) if known.any() else pd.DataFrame()
    matrix = {
        str(a): {str(b): int(grid.at[a, b]) for b in grid.columns if grid.at[a, b]}
        for a in grid.index
    }
    counts = dict(zip(MOVEMENTS, np.bincount(code, minlength=4).tolist(), strict=True))
    return Movement(out, matrix, counts, cycle if previous is not None else None)
