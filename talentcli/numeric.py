"""Number helpers shared by the importer and the engine."""

from __future__ import annotations

import re

import numpy as np

_EPS = 1e-9  # half-up rounding: 89.995 held in binary as 89.99499999... must still go up


def round_half_up(values, decimals: int):
    """Round halves up for the non-negative values of this domain (3.125 -> 3.13, 89.995 -> 90).

    Works on numpy arrays and pandas Series alike.
    """
    scale = 10.0**decimals
    return np.floor(values * scale + 0.5 + _EPS) / scale


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def to_float(text: str) -> float:
    """A cell's text as a number: a decimal comma or dot, spaces ignored; NaN if it is none."""
    t = re.sub(r"\s+", "", text).replace(",", ".")
    return float(t) if _NUMBER.fullmatch(t) else np.nan
