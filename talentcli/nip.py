"""The NIP (PP 11/2017, BKN): 18 digits, YYYYMMDD of birth, YYYYMM of appointment (TMT
CPNS), gender (1, 2) and a serial. Its layout and the calendar it needs, in one place for
the importer's checks (ingest/validate.py) and the engine's dates (classify.py,
engine/dates.py). Columnar: numpy over whole columns."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

NIP_LENGTH = 18
BIRTH_YEARS = (1940, 2010)  # SPEC §3.1: a birth year outside is an invalid NIP
_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def byte_grid(strings: pa.Array) -> np.ndarray:
    """The (n, 18) grid of the strings' UTF-8 bytes, read from the Arrow buffers in place.

    A value that is missing or not 18 bytes long is first replaced by 18 non-digits.
    """
    fits = pc.fill_null(pc.equal(pc.binary_length(strings), NIP_LENGTH), False)
    if not pc.all(fits).as_py():
        strings = pc.if_else(fits, strings, pa.scalar("x" * NIP_LENGTH, strings.type))
    n = len(strings)
    if n == 0:
        return np.zeros((0, NIP_LENGTH), dtype=np.uint8)
    _, offsets, data = strings.buffers()
    width = np.int64 if pa.types.is_large_string(strings.type) else np.int32
    first = int(np.frombuffer(offsets, dtype=width)[strings.offset])
    raw = np.frombuffer(data, dtype=np.uint8)[first : first + n * NIP_LENGTH]
    return raw.reshape(n, NIP_LENGTH)  # every value is 18 bytes: they lie back to back


def birth_parts(yyyymmdd: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day of birth from the NIP's first 8 digits read as a number."""
    birth = np.asarray(yyyymmdd, dtype=np.int64)
    return birth // 10_000, birth // 100 % 100, birth % 100


def days_in_month(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    """Days of each (YEAR, MONTH), February 29 in leap years (a month outside 1-12 counts
    as its nearest)."""
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    return _DAYS[np.clip(month, 1, 12) - 1] + ((month == 2) & leap)
