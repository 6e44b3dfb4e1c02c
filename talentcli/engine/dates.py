"""Whole years between dates, columnar: ages from the NIP birth date, years in post."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from talentcli.nip import birth_parts


def whole_years(year: np.ndarray, month: np.ndarray, day: np.ndarray, as_of: dt.date) -> np.ndarray:
    """Whole years from each (YEAR, MONTH, DAY) to AS_OF: one less before the anniversary."""
    before = (month > as_of.month) | ((month == as_of.month) & (day > as_of.day))
    return as_of.year - np.asarray(year) - np.asarray(before).astype(int)


def ages(nips: pd.Series | np.ndarray, as_of: dt.date) -> np.ndarray:
    """Each person's age at AS_OF from the birth date in NIP digits 1-8 (YYYYMMDD)."""
    return whole_years(*birth_parts(nip_digits(nips, 0, 8)), as_of)


def nip_digits(nips: pd.Series | np.ndarray, start: int, stop: int) -> np.ndarray:
    """NIP characters START:STOP read as a number, per NIP: in Arrow, without a Python string
    per person (a million NIPs)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.array(np.asarray(nips, dtype=object), type=pa.string())
    part = pc.utf8_slice_codeunits(text, start, stop)
    return pc.cast(part, pa.int64()).to_numpy(zero_copy_only=False)
