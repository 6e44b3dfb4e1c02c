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
    level and every vacancy of that level takes the head of the same ranking; only that head
    is ever turned into rows.
    """
    pool = np.flatnonzero(people["talent_pool"].to_numpy(dtype=bool))
    codes, levels = pd.factorize(people["job_level"].to_numpy()[pool])
    keys = {
        "scores": people[_scores(rules)].to_numpy(float)[pool],
        "box": people["box"].to_numpy()[pool],
        "nip": _nip_rank(people["nip"])[pool],
    }
    parts = []
    for level, vac in vacancies.groupby("job_level", sort=True):
        feeds = [
            lv in rules.job_levels and level in rules.job_levels[lv].promotes_to for lv in levels
        ]
        mine = np.array([*feeds, False], dtype=bool)[codes]
        order, fit = _ranked({k: v[mine] for k, v in keys.items()}, level, rules)
        order = order[: int(rules.candidates_per_seat * vac["jumlah"].max())]
        top = people.iloc[pool[mine][order]][["nip", "nama", "job_level", "box"]]
        top = top.assign(fit=fit[order], rank=np.arange(1, len(order) + 1))
        pairs = vac[["kode", "jumlah"]].merge(top, how="cross")
        parts.append(pairs[pairs["rank"] <= rules.candidates_per_seat * pairs["jumlah"]])
    if not parts:
        return pd.DataFrame(columns=CANDIDATE_COLUMNS)
    out = pd.concat(parts, ignore_index=True).sort_values(["kode", "rank"], ignore_index=True)
    return out[CANDIDATE_COLUMNS].astype({"rank": "int64", "box": "int64"})  # whole numbers


def empty_vacancies(people: pd.DataFrame, vacancies: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Why each vacancy without a candidate has none (SPEC §4.7): columns kode, reason.

    No level of the rules promotes to the vacancy's level; or nobody of the talent pool is
    at a level that does.
    """
    candidates = vacancy_candidates(people, vacancies, rules)
    empty = vacancies[~vacancies["kode"].isin(candidates["kode"])]
    feeders: dict[str, list[str]] = {}
    for code, lv in rules.job_levels.items():
        for target in lv.promotes_to:
            feeders.setdefault(target, []).append(code)
    reasons = []
    for level in empty["job_level"]:
        below = feeders.get(level, [])
        if not below:
            reasons.append(f"no job level promotes to {level} (promotes_to in the rules)")
        else:
            names = " or ".join(below)
            reasons.append(f"nobody in the talent pool is at {names} (the levels promoting to it)")
    return pd.DataFrame({"kode": empty["kode"].to_numpy(), "reason": reasons}, dtype=object)


def _ranked(keys: dict[str, np.ndarray], level: str, rules: Rules) -> tuple[np.ndarray, ...]:
    """The pool's order for LEVEL (SPEC §4.7): fit (the JPM formula) descending, the sum of
    the scores descending (fit is capped at 100, so many strong people tie), box descending,
    NIP ascending; and the fit."""
    standards = np.repeat(_standards(pd.Series([level]), rules), len(keys["box"]), axis=0)
    fit = jpm(keys["scores"], standards, rules)
    total = np.round(np.nansum(keys["scores"], axis=1), 2)  # 2 decimals: no float noise
    return np.lexsort((keys["nip"], -keys["box"], -total, -fit)), fit


def _nip_rank(nip: pd.Series) -> np.ndarray:
    """Each row's place in NIP order; no string sort when the rows already are in it."""
    if nip.is_monotonic_increasing:
        return np.arange(len(nip))
    return np.argsort(np.argsort(nip.to_numpy(dtype=object), kind="stable"), kind="stable")


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
