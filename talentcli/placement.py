"""Pure: vacancy candidates (SPEC §4.7) and an optimal one-to-one assignment."""

from __future__ import annotations

import numpy as np
import pandas as pd

from talentcli.classify import jpm
from talentcli.rules import Rules

CANDIDATE_COLUMNS = ["kode", "rank", "nip", "nama", "job_level", "fit", "box"]


def vacancy_candidates(people: pd.DataFrame, vacancies: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Per vacancy: talent-pool people whose level promotes to it, by fit, box, NIP; top 3 x n."""
    promotes = {code: lv.promotes_to for code, lv in rules.job_levels.items() if lv.promotes_to}
    pool = people.loc[people["talent_pool"], ["nip", "nama", "job_level", "box", *_scores(rules)]]
    pool = pool.assign(target=pool["job_level"].map(promotes)).dropna(subset=["target"])
    vac = vacancies[["kode", "job_level", "jumlah"]].rename(columns={"job_level": "target"})
    pairs = vac.merge(pool, on="target", how="inner")
    if pairs.empty:
        return pd.DataFrame(columns=CANDIDATE_COLUMNS)
    std = _standards(pairs["target"], rules)
    pairs["fit"] = jpm(pairs[_scores(rules)].to_numpy(float), std, rules)  # SPEC §4.7: fit = JPM
    pairs = pairs.sort_values(["kode", "fit", "box", "nip"], ascending=[True, False, False, True])
    pairs["rank"] = pairs.groupby("kode").cumcount() + 1
    top = pairs[pairs["rank"] <= 3 * pairs["jumlah"]]
    return top[CANDIDATE_COLUMNS].reset_index(drop=True)


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
