"""Units of work as files write them (SPEC §3.2): one unit however its name is cased or
spaced (BAPPEDA = Bappeda = 'Bappeda '), shown in the spelling seen most often. Every count
per unit (the import, the per-unit list, equity, the budget, the per-unit pages) groups
through one_spelling."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

_SPACE = re.compile(r"\s+")


def unit_key(name: object) -> str:
    """The key a unit is grouped by: its text without white space, case-folded."""
    return _SPACE.sub("", str(name)).casefold()


def one_spelling(values: pd.Series) -> pd.Series:
    """Each unit as the spelling seen most often among VALUES of the units with its key (a
    tie goes to the spelling seen first; a spelling is compared without its outer spaces).
    Empty cells stay as they are. Worked on the distinct values only."""
    codes, uniques = pd.factorize(values.astype(object))
    words = [str(u).strip() for u in uniques]
    keys = [unit_key(w) for w in words]
    if len(set(keys)) == len(uniques):
        return values  # one spelling per unit already: nothing to change
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    per_word: dict[str, int] = {}
    for w, n in zip(words, counts, strict=True):  # 'Bappeda' and 'Bappeda ' are one spelling
        per_word[w] = per_word.get(w, 0) + int(n)
    best: dict[str, str] = {}
    for w, k in dict.fromkeys(zip(words, keys, strict=True)):  # first seen wins a tie
        if k not in best or per_word[w] > per_word[best[k]]:
            best[k] = w
    table = np.array(
        [best[k] if w else u for w, k, u in zip(words, keys, uniques, strict=True)] + [None],
        dtype=object,
    )
    out = pd.Series(table[codes], index=values.index, dtype=object)
    return out.where(codes >= 0, values.astype(object))


def unit_names(values: pd.Series) -> pd.Series:
    """VALUES grouped by one_spelling, as text: '' for a person without a unit (a group of
    its own in every count)."""
    grouped = one_spelling(values).astype(object)
    return grouped.where(grouped.notna(), "")
