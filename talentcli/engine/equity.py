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

from talentcli.engine.dates import ages
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
    nip = people["nip"].astype(str)
    eq = rules.equity
    gender = nip.str[14].map({"1": eq.gender[1], "2": eq.gender[2]}).fillna("?")
    age = ages(nip, as_of)
    edges = np.asarray(eq.age_bands)
    labels = np.asarray(age_band_labels(eq.age_bands), dtype=object)
    band = labels[np.searchsorted(edges, age, side="right")]
    return pd.DataFrame(
        {
            "gender": gender.to_numpy(dtype=object),
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
    frame = pd.DataFrame({"g": group, "pool": pool, "promosi": promosi, "jpm": jpm, "box": box})
    stats = frame.groupby("g", sort=True).agg(
        people=("pool", "size"),
        pool=("pool", "sum"),
        promosi=("promosi", "sum"),
        jpm=("jpm", "mean"),
    )
    boxes = pd.crosstab(frame["g"], frame["box"]).reindex(columns=range(1, 10), fill_value=0)
    rate = stats["pool"] / stats["people"]
    eq = rules.equity
    big = stats["people"] >= eq.min_group
    top = rate[big].max() if big.any() else np.nan
    total, total_pool = int(stats["people"].sum()), int(stats["pool"].sum())
    out = []
    for name, row in stats.iterrows():  # one row per group: a handful to a few hundred
        n, k = int(row["people"]), int(row["pool"])
        p = fisher_p(k, n - k, total_pool - k, total - n - (total_pool - k))
        low = bool(big[name]) and rate[name] < eq.ratio * top
        out.append(
            Group(
                group=str(name),
                people=n,
                boxes={str(b): int(boxes.loc[name, b]) for b in range(1, 10)},
                talent_pool_rate=k / n,
                promosi_rate=int(row["promosi"]) / n,
                mean_jpm=float(row["jpm"]),
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
