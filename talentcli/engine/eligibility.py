"""Eligibility of vacancy candidates (SPEC §4.7): each criterion of the target level gives
`ok`, `fail` (with the values that failed) or `unknown` (the data is not in the store), never a
guess; the verdict is `memenuhi` (all ok), `belum_lengkap` (no fail, an unknown) or
`tidak_memenuhi` (any fail). Columnar per criterion: one pass of numpy per criterion over all
candidates of a target level.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from talentcli.engine.dates import ages, whole_years
from talentcli.rules import Eligibility, Rules

OK, FAIL, UNKNOWN = "ok", "fail", "unknown"
VERDICTS = ("memenuhi", "belum_lengkap", "tidak_memenuhi")
_GOLONGAN = re.compile(r"\b(IV|III|II|I)\s*[/.\-]?\s*([a-e])\b", re.IGNORECASE)
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


@dataclass(frozen=True)
class Result:
    """One criterion's outcome for every candidate: result codes and details, aligned."""

    result: np.ndarray  # ok / fail / unknown
    detail: np.ndarray  # the values behind it (text)


def golongan_rank(text: object) -> int | None:
    """'III/d', 'III.d', 'IIId', 'Penata Tk. I (III/d)' -> 34; None when no rank is written."""
    if text is None or (isinstance(text, float) and text != text):
        return None
    m = _GOLONGAN.search(str(text))
    if m is None:
        return None
    return _ROMAN[m.group(1).upper()] * 10 + "abcde".index(m.group(2).lower()) + 1


def golongan_text(rank: int) -> str:
    """34 -> 'III/d'."""
    roman = {v: k for k, v in _ROMAN.items()}[rank // 10]
    return f"{roman}/{'abcde'[rank % 10 - 1]}"


def education_rank(code: object, rules: Rules) -> int | None:
    """The rank of an education code in the rules' order (d4 and s1 share one); None if none."""
    if code is None or (isinstance(code, float) and code != code):
        return None
    for rank, same in enumerate(rules.education.order):
        if code in same:
            return rank
    return None


def check(
    candidates: pd.DataFrame,
    personnel: pd.DataFrame,
    ratings: pd.DataFrame,
    criteria: Eligibility,
    rules: Rules,
    as_of: dt.date,
    cycle: int,
) -> dict[str, Result]:
    """Every criterion of CRITERIA for each of CANDIDATES (nip, golongan from the asesmen
    file), with PERSONNEL (nip, pendidikan code, golongan, tmt_jabatan ISO date,
    hukuman_disiplin: True active, False none, missing unknown) and RATINGS (nip, tahun,
    level: 0 di_bawah, 1 sesuai, 2 di_atas)."""
    p = personnel.drop_duplicates("nip", keep="last").set_index("nip")
    nip = candidates["nip"].to_numpy(dtype=object)
    got = p.reindex(nip)
    out: dict[str, Result] = {}
    if criteria.education_min is not None:
        out["education_min"] = _education(got["pendidikan"], criteria.education_min, rules)
    if criteria.years_in_post_min is not None:
        out["years_in_post_min"] = _years_in_post(
            got["tmt_jabatan"], criteria.years_in_post_min, as_of
        )
    if criteria.golongan_min is not None:
        own = (
            candidates["golongan"]
            if "golongan" in candidates
            else pd.Series(None, index=candidates.index)
        )
        gol = got["golongan"].where(got["golongan"].notna(), own.to_numpy())
        out["golongan_min"] = _golongan(gol, criteria.golongan_min)
    if criteria.performance_years:
        out["performance_years"] = _performance(nip, ratings, criteria.performance_years, cycle)
    if criteria.no_discipline:
        out["no_discipline"] = _discipline(got["hukuman_disiplin"])
    if criteria.max_age is not None:
        out["max_age"] = _age(nip, criteria.max_age, as_of)
    return out


def verdicts(results: dict[str, Result], n: int) -> np.ndarray:
    """memenuhi (every criterion ok), belum_lengkap (none failed, one unknown), tidak_memenuhi."""
    fail = np.zeros(n, dtype=bool)
    unknown = np.zeros(n, dtype=bool)
    for r in results.values():
        fail |= r.result == FAIL
        unknown |= r.result == UNKNOWN
    return np.where(fail, VERDICTS[2], np.where(unknown, VERDICTS[1], VERDICTS[0])).astype(object)


def _result(ok: np.ndarray, known: np.ndarray, detail: np.ndarray) -> Result:
    result = np.where(~known, UNKNOWN, np.where(ok, OK, FAIL)).astype(object)
    return Result(result, detail.astype(object))


def _education(code: pd.Series, minimum: str, rules: Rules) -> Result:
    ranks = {c: r for r, same in enumerate(rules.education.order) for c in same}
    want = ranks[minimum]
    rank = code.map(ranks).to_numpy(dtype=float)
    known = ~np.isnan(rank)
    text = code.fillna("").astype(str).str.upper().to_numpy(dtype=object)
    detail = np.where(known, text + np.where(rank >= want, " >= ", " < ") + minimum.upper(), "")
    return _result(rank >= want, known, np.where(known, detail, "pendidikan belum ada data"))


def _years_in_post(tmt: pd.Series, minimum: int, as_of: dt.date) -> Result:
    day = pd.to_datetime(tmt, errors="coerce", format="ISO8601")
    known = day.notna().to_numpy()
    years = np.zeros(len(day), dtype=np.int64)
    if known.any():
        d = day[known].dt
        years[known] = whole_years(d.year.to_numpy(), d.month.to_numpy(), d.day.to_numpy(), as_of)
    iso = day.dt.strftime("%Y-%m-%d").fillna("").to_numpy(dtype=object)
    detail = np.where(
        known,
        years.astype(str)
        + " tahun sejak TMT jabatan "
        + iso
        + np.where(years >= minimum, " >= ", " < ")
        + str(minimum),
        "TMT jabatan belum ada data",
    )
    return _result(years >= minimum, known, detail)


def _golongan(gol: pd.Series, minimum: str) -> Result:
    want = golongan_rank(minimum)
    codes, spellings = pd.factorize(gol)  # a few dozen spellings among the candidates
    ranks = np.array([golongan_rank(g) or 0 for g in spellings] + [0], dtype=np.int64)
    rank = ranks[codes]
    known = rank > 0
    shown = np.array([golongan_text(r) if r else "" for r in rank], dtype=object)
    detail = np.where(
        known, shown + np.where(rank >= want, " >= ", " < ") + minimum, "golongan belum ada data"
    )
    return _result(rank >= want, known, detail)


def _performance(nip: np.ndarray, ratings: pd.DataFrame, years: int, cycle: int) -> Result:
    """The N most recent years (<= cycle) that have a rating must all be sesuai or better;
    fewer than N such years -> unknown, unless one of them already fails."""
    tahun = pd.to_numeric(ratings["tahun"]).to_numpy()
    r = ratings[(tahun <= cycle) & _among(ratings["nip"], nip)]  # these people only
    r = r.sort_values(["nip", "tahun"], ascending=[True, False], kind="stable")
    r = r.drop_duplicates(["nip", "tahun"], keep="first")
    top = r.groupby("nip", sort=False).head(years)
    top = top.assign(pos=top.groupby("nip", sort=False).cumcount())  # 0: the latest year
    stats = top.groupby("nip").agg(n=("tahun", "size"), worst=("level", "min"))
    stats["years"] = _years_text(top, stats.index, years)
    stats["below"] = _years_text(top[top["level"].to_numpy() == 0], stats.index, years)
    got = stats.reindex(nip)
    n = got["n"].fillna(0).to_numpy(dtype=np.int64)
    worst = got["worst"].fillna(-1).to_numpy(dtype=np.int64)
    failed = (n > 0) & (worst == 0)
    known = failed | (n >= years)
    years_text = got["years"].astype(object)  # float when no rating at all
    text = years_text.where(years_text.notna(), "").to_numpy(dtype=object)
    below = got["below"].astype(object)  # the years that failed, only those (SPEC §4.7)
    below = below.where(below.notna(), "").to_numpy(dtype=object)
    detail = np.where(
        failed,
        "di bawah ekspektasi dalam " + below,
        np.where(
            n >= years,
            "sesuai atau di atas: " + text,
            "predikat " + n.astype(str) + " dari " + str(years) + " tahun",
        ),
    )
    return _result(~failed, known, detail)


def _among(values: pd.Series, nip: np.ndarray) -> np.ndarray:
    """Per row of VALUES: it is one of NIP (Arrow's hashed lookup: pandas' isin on text
    converts each NIP in Python)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    have = pa.chunked_array([pa.array(values, type=pa.large_string(), from_pandas=True)])
    wanted = pa.array(nip, type=pa.large_string(), from_pandas=True)
    return pc.is_in(have, value_set=wanted).to_numpy()


def _years_text(top: pd.DataFrame, index: pd.Index, years: int) -> np.ndarray:
    """'2024, 2025' per NIP of INDEX: its rated years (at most YEARS, from TOP's pos), oldest
    first, joined column by column (no Python call per person)."""
    wide = top.pivot(index="nip", columns="pos", values="tahun").reindex(index)
    acc = np.full(len(index), "", dtype=object)
    for k in reversed(range(years)):  # the oldest of the N years first
        if k not in wide:
            continue
        year = wide[k]
        part = np.full(len(index), "", dtype=object)
        has = year.notna().to_numpy()
        part[has] = year[has].astype(np.int64).astype(str).to_numpy(dtype=object)
        acc = np.where(part == "", acc, np.where(acc == "", part, acc + ", " + part))
    return acc


def _discipline(active: pd.Series) -> Result:
    known = active.notna().to_numpy()
    flag = active.fillna(False).astype(bool).to_numpy()
    detail = np.where(
        known,
        np.where(flag, "ada hukuman disiplin aktif", "tidak ada"),
        "hukuman disiplin belum ada data",
    )
    return _result(~flag, known, detail)


def _age(nip: np.ndarray, maximum: int, as_of: dt.date) -> Result:
    age = ages(nip, as_of)
    detail = "umur " + age.astype(str) + np.where(age <= maximum, " <= ", " > ") + str(maximum)
    return _result(age <= maximum, np.ones(len(nip), dtype=bool), detail.astype(object))
