"""Pure: vacancy candidates (SPEC §4.7) and an optimal one-to-one assignment."""

from __future__ import annotations

import numpy as np
import pandas as pd

from talentcli.classify import jpm
from talentcli.rules import Rules

CANDIDATE_COLUMNS = ["kode", "rank", "nip", "nama", "job_level", "fit", "box"]


def vacancy_candidates(people: pd.DataFrame, vacancies: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Per vacancy: talent-pool people whose level promotes to it, by fit, box, NIP; top 3 x n.

    Fit depends only on the person and the vacancy's level, so the pool is ranked once per
    level and every vacancy of that level takes the head of the same ranking.
    """
    promotes = {code: lv.promotes_to for code, lv in rules.job_levels.items() if lv.promotes_to}
    pool = people.loc[people["talent_pool"], ["nip", "nama", "job_level", "box", *_scores(rules)]]
    pool = pool.assign(target=pool["job_level"].map(promotes)).dropna(subset=["target"])
    parts = []
    for level, vac in vacancies.groupby("job_level", sort=True):
        ranked = _ranked(pool[pool["target"] == level], level, rules)
        top = ranked.head(int(3 * vac["jumlah"].max()))
        pairs = vac[["kode", "jumlah"]].merge(top, how="cross")
        parts.append(pairs[pairs["rank"] <= 3 * pairs["jumlah"]])
    if not parts:
        return pd.DataFrame(columns=CANDIDATE_COLUMNS)
    out = pd.concat(parts, ignore_index=True).sort_values(["kode", "rank"], ignore_index=True)
    return out[CANDIDATE_COLUMNS]


def _ranked(group: pd.DataFrame, level: str, rules: Rules) -> pd.DataFrame:
    """One level's candidates with their fit (SPEC §4.7: the JPM formula) and rank."""
    standards = _standards(pd.Series([level] * len(group)), rules)
    fit = jpm(group[_scores(rules)].to_numpy(float), standards, rules)
    out = group.assign(fit=fit).sort_values(["fit", "box", "nip"], ascending=[False, False, True])
    return out.assign(rank=np.arange(1, len(out) + 1))


def _scores(rules: Rules) -> list[str]:
    return [f"score_{c}" for c in rules.competency_codes]


def _standards(levels: pd.Series, rules: Rules) -> np.ndarray:
    table = pd.DataFrame({code: lv.standard for code, lv in rules.job_levels.items()}).T
    return table.loc[levels, rules.competency_codes].to_numpy(float)


def assign(candidates: pd.DataFrame, vacancies: pd.DataFrame) -> pd.DataFrame:
    """One person per seat, maximising the total fit over all vacancies (Hungarian method)."""
    from scipy.optimize import linear_sum_assignment

    seats = vacancies.loc[vacancies.index.repeat(vacancies["jumlah"]), "kode"].reset_index(
        drop=True
    )
    people = sorted(candidates["nip"].unique())
    if seats.empty or not people:
        return pd.DataFrame(columns=["kode", "seat", "nip", "fit"])
    fit = candidates.pivot_table(index="kode", columns="nip", values="fit", aggfunc="max")
    gain = fit.reindex(index=seats, columns=people).to_numpy(float)
    allowed = ~np.isnan(gain)
    cost = np.where(allowed, -gain, 1e6)  # a seat left empty beats a person not on its list
    rows, cols = linear_sum_assignment(cost)
    keep = allowed[rows, cols]
    out = pd.DataFrame(
        {
            "kode": seats.to_numpy()[rows[keep]],
            "nip": np.array(people)[cols[keep]],
            "fit": gain[rows[keep], cols[keep]],
        }
    )
    out["seat"] = out.groupby("kode").cumcount() + 1
    return out[["kode", "seat", "nip", "fit"]].sort_values(["kode", "seat"]).reset_index(drop=True)
