"""Pure: vacancy candidates (SPEC §4.7) and an optimal one-to-one assignment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from talentcli.classify import jpm
from talentcli.engine.eligibility import FAIL, VERDICTS, check, verdicts
from talentcli.rules import CRITERIA, Eligibility, Rules

CANDIDATE_COLUMNS = ["kode", "rank", "nip", "nama", "job_level", "fit", "box"]
# per candidate: the verdict and, per criterion of SPEC §4.7, its result (ok / fail / unknown;
# None when the vacancy's level does not ask it) and detail
CRITERION_COLUMNS = [x for c in CRITERIA for x in (c, f"{c}_detail")]
ELIGIBILITY_COLUMNS = ["verdict", *CRITERION_COLUMNS]
# per vacancy: the pool checked, the candidates listed, why none (no_feeder, empty_pool,
# all_excluded) and the pool people left out per failed criterion
POOL_COLUMNS = ["kode", "pool", "candidates", "reason", *(f"excluded_{c}" for c in CRITERIA)]
_VERDICT_ORDER = {v: i for i, v in enumerate(VERDICTS)}


@dataclass(frozen=True)
class Facts:
    """What the criteria read besides the classified people: personnel data (nip,
    pendidikan, golongan, tmt_jabatan, hukuman_disiplin True/False/missing), ratings (nip,
    tahun, level 0-2), as_of and the cycle. Empty personnel: those criteria are unknown."""

    personnel: pd.DataFrame
    ratings: pd.DataFrame
    as_of: dt.date
    cycle: int

    @classmethod
    def none(cls, as_of: dt.date | None = None, cycle: int | None = None) -> Facts:
        """No personnel data and no ratings: every criterion that needs them is unknown."""
        day = as_of or dt.date.today()
        return cls(no_personnel(), no_ratings(), day, cycle or day.year)


def no_personnel() -> pd.DataFrame:
    cols = ["nip", "pendidikan", "golongan", "tmt_jabatan", "hukuman_disiplin"]
    return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})


def no_ratings() -> pd.DataFrame:
    return pd.DataFrame({"nip": pd.Series(dtype=object), "tahun": [], "level": []})


def vacancy_candidates(
    people: pd.DataFrame, vacancies: pd.DataFrame, rules: Rules, facts: Facts | None = None
) -> pd.DataFrame:
    """Per vacancy its listed candidates (SPEC §4.7): see candidates_and_pools."""
    return candidates_and_pools(people, vacancies, rules, facts)[0]


def candidates_and_pools(
    people: pd.DataFrame, vacancies: pd.DataFrame, rules: Rules, facts: Facts | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per vacancy of level L: the pool is the talent-pool people whose level lists L in
    promotes_to; each is checked against L's eligibility (ok / fail / unknown per criterion,
    the verdict); the memenuhi and belum_lengkap people are ranked by verdict, fit (the JPM
    formula against L's standards), the sum of scores, box (descending) and NIP; the top
    candidates_per_seat x jumlah are listed. Also per vacancy the pool, the candidates, the
    reason when there is none and the pool people left out per failed criterion.

    The pool is checked and ranked once per level: every vacancy of that level takes the head
    of the same ranking, and only that head is turned into rows.
    """
    facts = facts or Facts.none()
    pool = np.flatnonzero(people["talent_pool"].to_numpy(dtype=bool))
    codes, levels = pd.factorize(people["job_level"].to_numpy()[pool])
    keys = {
        "scores": people[_scores(rules)].to_numpy(float)[pool],
        "box": people["box"].to_numpy()[pool],
        "nip": _nip_rank(people["nip"])[pool],
    }
    parts, pools = [], []
    for level, vac in vacancies.groupby("job_level", sort=True):
        feeders = [lv for lv, jl in rules.job_levels.items() if level in jl.promotes_to]
        mine = np.array([*(lv in feeders for lv in levels), False], dtype=bool)[codes]
        rows = pool[mine]
        target = rules.job_levels.get(level)
        crit = target.eligibility if target is not None else Eligibility()
        sub = people.iloc[rows]
        results = check(sub, facts.personnel, facts.ratings, crit, rules, facts.as_of, facts.cycle)
        verdict = verdicts(results, len(rows))
        rank_v = pd.Series(verdict, dtype=object).map(_VERDICT_ORDER).to_numpy(dtype=np.int64)
        order, fit = _ranked({k: v[mine] for k, v in keys.items()}, level, rules, rank_v)
        order = order[verdict[order] != VERDICTS[2]]  # tidak_memenuhi: left out
        order = order[: int(rules.candidates_per_seat * vac["jumlah"].max())]
        top = sub.iloc[order][["nip", "nama", "job_level", "box"]]
        top = top.assign(fit=fit[order], rank=np.arange(1, len(order) + 1), verdict=verdict[order])
        for c in CRITERIA:
            r = results.get(c)
            top[c] = r.result[order] if r is not None else None
            top[f"{c}_detail"] = r.detail[order] if r is not None else None
        pairs = vac[["kode", "jumlah"]].merge(top, how="cross")
        parts.append(pairs[pairs["rank"] <= rules.candidates_per_seat * pairs["jumlah"]])
        listed = np.minimum(len(order), rules.candidates_per_seat * vac["jumlah"].to_numpy())
        reason = np.where(
            listed > 0, None, "no_feeder" if not feeders else "empty_pool" if not len(rows)
            else "all_excluded"
        )  # fmt: skip
        pools.append(
            pd.DataFrame(
                {
                    "kode": vac["kode"].to_numpy(),
                    "pool": len(rows),
                    "candidates": listed,
                    "reason": reason,
                    **{
                        f"excluded_{c}": int((results[c].result == FAIL).sum())
                        if c in results
                        else None
                        for c in CRITERIA
                    },
                }
            )
        )
    cols = [*CANDIDATE_COLUMNS, *ELIGIBILITY_COLUMNS]
    if parts:
        out = pd.concat(parts, ignore_index=True).sort_values(["kode", "rank"], ignore_index=True)
        out = out[cols].astype({"rank": "int64", "box": "int64"})  # whole numbers
    else:
        out = pd.DataFrame(columns=cols)
    if pools:
        summary = pd.concat(pools, ignore_index=True).sort_values("kode", ignore_index=True)
    else:
        summary = pd.DataFrame(columns=POOL_COLUMNS)
    return out, summary[POOL_COLUMNS]


REASONS = {
    "no_feeder": "no job level promotes to {level} (promotes_to in the rules)",
    "empty_pool": "nobody in the talent pool is at {feeders} (the levels promoting to it)",
    "all_excluded": "everyone of the pool ({pool}) is left out: {counts}",
}


def empty_vacancies(
    people: pd.DataFrame, vacancies: pd.DataFrame, rules: Rules, facts: Facts | None = None
) -> pd.DataFrame:
    """Why each vacancy without a candidate has none (SPEC §4.7): columns kode, reason.

    No level of the rules promotes to the vacancy's level; or nobody of the talent pool is
    at a level that does; or everyone of the pool is left out (with the counts per failed
    criterion).
    """
    _, pools = candidates_and_pools(people, vacancies, rules, facts)
    empty = pools[pools["candidates"] == 0].merge(vacancies[["kode", "job_level"]], on="kode")
    return pd.DataFrame(
        {
            "kode": empty["kode"].to_numpy(),
            "reason": [reason_text(row, rules) for row in empty.to_dict("records")],
        },
        dtype=object,
    )


def reason_text(row: dict, rules: Rules) -> str:
    """An empty vacancy's reason in words (English; the reports word it in their language)."""
    level = row["job_level"]
    feeders = " or ".join(c for c, lv in rules.job_levels.items() if level in lv.promotes_to)
    counts = ", ".join(
        f"{c} {int(row[f'excluded_{c}'])}"
        for c in CRITERIA
        if row.get(f"excluded_{c}") is not None and row[f"excluded_{c}"] == row[f"excluded_{c}"]
        and row[f"excluded_{c}"] > 0
    )  # fmt: skip
    return REASONS[row["reason"]].format(
        level=level, feeders=feeders, pool=row["pool"], counts=counts
    )


def _ranked(
    keys: dict[str, np.ndarray], level: str, rules: Rules, verdict: np.ndarray
) -> tuple[np.ndarray, ...]:
    """The pool's order for LEVEL (SPEC §4.7): verdict (memenuhi first), fit (the JPM
    formula) descending, the sum of the scores descending (fit is capped at 100, so many
    strong people tie), box descending, NIP ascending; and the fit."""
    standards = np.repeat(_standards(pd.Series([level]), rules), len(keys["box"]), axis=0)
    fit = jpm(keys["scores"], standards, rules)
    total = np.round(np.nansum(keys["scores"], axis=1), 2)  # 2 decimals: no float noise
    return np.lexsort((keys["nip"], -keys["box"], -total, -fit, verdict)), fit


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
    """One person per seat over all vacancies (an assignment solver, the Hungarian method):
    the most `memenuhi` people placed first, then the highest total fit (SPEC §4.7). A seat
    is left empty rather than given to someone not on its list."""
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
    weight = np.nan_to_num(gain)
    if "verdict" in candidates:
        ok = candidates.assign(ok=candidates["verdict"].eq(VERDICTS[0]).astype(float))
        met = ok.pivot_table(index="kode", columns="nip", values="ok", aggfunc="max")
        met = np.nan_to_num(met.reindex(index=seats, columns=people).to_numpy(float))
        # one more memenuhi person placed outweighs any total of fit (at most 100 a seat)
        weight = weight + met * (100.0 * len(seats) + 1.0)
    cost = np.where(allowed, -weight - 1.0, 0.0)  # an empty seat costs 0, a listed one less
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
