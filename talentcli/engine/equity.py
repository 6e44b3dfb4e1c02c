"""The equity view (SPEC §4.11): does the map treat groups alike?

Per dimension (gender, age band, unit, job level) and group: people, boxes, talent-pool and
promosi rates, mean JPM, and the `perlu_ditelaah` flag: the four-fifths rule of adverse-impact
analysis, confirmed by Fisher's exact test of the group against the rest of the dimension.
A flag is a prompt to look, never a finding. Vectorised per dimension (groupby), so a million
people are a few groupbys; one Fisher test per group.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from talentcli.engine.dates import ages, nip_digits
from talentcli.rules import Rules
from talentcli.units import unit_names

DIMENSIONS = ("gender", "age_band", "unit", "job_level")
FLAG = "perlu_ditelaah"


@dataclass(frozen=True)
class Group:
    """One group of one dimension."""

    group: str
    people: int
    boxes: dict[str, int]
    talent_pool_rate: float
    promosi_rate: float
    mean_jpm: float
    p_value: float | None
    flag: str | None


def groups_of(people: pd.DataFrame, as_of: dt.date, rules: Rules) -> pd.DataFrame:
    """Each person's group in every dimension: gender from NIP digit 15, age band at AS_OF
    from the NIP birth date (digits 1-8), unit (case- and space-insensitive), job level."""
    nip = people["nip"]
    eq = rules.equity
    words = np.full(10, "?", dtype=object)
    words[1], words[2] = eq.gender[1], eq.gender[2]
    gender = words[nip_digits(nip, 14, 15)]  # digit 15: 1 laki-laki, 2 perempuan
    age = ages(nip, as_of)
    edges = np.asarray(eq.age_bands)
    labels = np.asarray(age_band_labels(eq.age_bands), dtype=object)
    band = labels[np.searchsorted(edges, age, side="right")]
    return pd.DataFrame(
        {
            "gender": gender,
            "age_band": band,
            "unit": unit_groups(people["unit"]),
            "job_level": people["job_level"].astype(object).to_numpy(),
        },
        index=people.index,
    )


def age_band_labels(edges: list[int]) -> list[str]:
    """[30, 40, 50] -> ['< 30', '30-39', '40-49', '>= 50']."""
    inner = [f"{a}-{b - 1}" for a, b in itertools.pairwise(edges)]
    return [f"< {edges[0]}", *inner, f">= {edges[-1]}"]


def unit_groups(units: pd.Series) -> np.ndarray:
    """Units grouped case- and space-insensitively; each group named by its most frequent
    spelling (BAPPEDA and Bappeda are one unit)."""
    return unit_names(units).to_numpy(dtype=object)  # '' for no unit


def equity(people: pd.DataFrame, as_of: dt.date, rules: Rules) -> dict[str, list[Group]]:
    """The equity view of the classified PEOPLE (columns nip, unit, job_level, box, jpm,
    talent_pool, placement): {dimension: [Group, ...]} in group order."""
    groups = groups_of(people, as_of, rules)
    pool = people["talent_pool"].astype(bool).to_numpy()
    promosi = (people["placement"] == "promosi").to_numpy()
    box = people["box"].astype(int).to_numpy()
    jpm = people["jpm"].astype(float).to_numpy()
    return {
        dim: _dimension(groups[dim].to_numpy(), pool, promosi, box, jpm, rules)
        for dim in DIMENSIONS
    }


def _dimension(
    group: np.ndarray, pool: np.ndarray, promosi: np.ndarray, box: np.ndarray, jpm: np.ndarray,
    rules: Rules,
) -> list[Group]:  # fmt: skip
    """The groups of one dimension, in group order: counted with integer codes and
    bincount (a million people, a few hundred groups: no groupby over text)."""
    code, names = pd.factorize(group, sort=True)
    k = len(names)
    people = np.bincount(code, minlength=k)
    pooled = np.bincount(code, weights=pool, minlength=k).astype(np.int64)
    promoted = np.bincount(code, weights=promosi, minlength=k).astype(np.int64)
    # JPM has 2 decimals: summed as whole hundredths, exact in any row order (a float sum
    # would round a mean at .xx5 differently once the rows are in pseudonym order)
    cents = np.rint(np.asarray(jpm, dtype=float) * 100).astype(np.int64)
    jpm_sum = np.bincount(code, weights=cents, minlength=k) / 100
    boxes = np.bincount(code * 9 + (box - 1), minlength=9 * k).reshape(k, 9)
    rate = pooled / people
    eq = rules.equity
    big = people >= eq.min_group
    top = rate[big].max() if big.any() else np.nan
    total, total_pool = int(people.sum()), int(pooled.sum())
    out = []
    for i, name in enumerate(names):  # one per group: a handful to a few hundred
        n, p_n = int(people[i]), int(pooled[i])
        p = fisher_p(p_n, n - p_n, total_pool - p_n, total - n - (total_pool - p_n))
        low = bool(big[i]) and rate[i] < eq.ratio * top
        out.append(
            Group(
                group=str(name),
                people=n,
                boxes={str(b): int(boxes[i, b - 1]) for b in range(1, 10)},
                talent_pool_rate=p_n / n,
                promosi_rate=int(promoted[i]) / n,
                mean_jpm=float(jpm_sum[i] / n),
                p_value=p,
                flag=FLAG if low and p is not None and p <= eq.p_max else None,
            )
        )
    return out


def fisher_p(a: int, b: int, c: int, d: int) -> float | None:
    """Two-sided Fisher exact p of [[a, b], [c, d]] (group pool / not, rest pool / not);
    None when the rest of the dimension is empty (nothing to compare with)."""
    if c + d == 0 or a + b == 0:
        return None
    from scipy.stats import fisher_exact

    return float(fisher_exact([[a, b], [c, d]], alternative="two-sided").pvalue)
