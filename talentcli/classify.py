"""Pure classification (SPEC §4.2-4.6): scores vs standards, JPM, the two axes, the 9-box.

Columnar throughout: every step works on whole numpy or Arrow arrays. The only Python loops
run over the rules (competencies, bands, boxes) or over distinct values, never over people: text
columns are taken from the few codes (no Python string per person) and NIPs are read straight
from the Arrow buffers.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from talentcli.nip import NIP_LENGTH, birth_parts, byte_grid
from talentcli.numeric import round_half_up
from talentcli.rules import PERFORMANCE_LEVELS, Box, Rules, norm_value

NEAR_RETIREMENT = "pensiun_dekat"
REJECTED_YEAR = "kinerja_tahun_ditolak"  # a later year's kinerja row was rejected at import
# Incomplete reasons, in the order they are checked: the first that applies is given.
REASONS = ("retired", "unknown-job-level", "missing-score", "no-potensi", "no-performance")
STATUSES = ("gap", "meets", "strength")
SEVERITIES = ("ringan", "berat")


@dataclass
class Classification:
    """The classified people and the cohort members who could not be classified."""

    people: pd.DataFrame  # classified people, sorted by nip
    incomplete: pd.DataFrame  # columns nip, nama, reason; sorted by nip
    # the committee's decisions (SPEC §4.9): CALIBRATION_COLUMNS, applied or not, by nip
    calibrations: pd.DataFrame | None = None


# A decision as a run lists it (SPEC §5 `calibrations`): the stored kalibrasi row (reason,
# by, date, ref) with the computed box beside the decided one, and whether it was applied.
CALIBRATION_COLUMNS = [
    *("nip", "nama", "box_computed", "box", "reason", "by", "date", "ref", "applied"),
    "reason_not_applied",
]
NOT_IN_COHORT = "not-in-cohort"  # the NIP has no assessment in force in the cycle


def classify(
    people: pd.DataFrame,
    ratings: pd.DataFrame,
    rules: Rules,
    cycle: int,
    as_of: datetime.date,
    detail: bool = True,
    rejected_ratings: pd.DataFrame | None = None,
    calibrations: pd.DataFrame | None = None,
) -> Classification:
    """Classify the cycle's cohort (SPEC §4); anyone who cannot be is listed with a reason.

    Without DETAIL the per-competency standard, delta, status and severity are left out: a
    stored run keeps only the scores and derives those when it is read. REJECTED_RATINGS
    (nip, tahun) are the kinerja rows rejected at import: a person whose later year is
    among them is classified on the older year, with the note kinerja_tahun_ditolak.
    CALIBRATIONS (the stored kalibrasi rows of the cycle: nip, kotak_akhir, alasan,
    diputuskan_oleh, tanggal, nomor_berita_acara) set the final box of the people they name
    (SPEC §4.9); a decision for someone incomplete is listed, not applied.
    """
    df = _prepare(people, rules)
    df["_perf"], df["_year"] = latest_performance(df["_key"], ratings, rules, int(cycle))
    reason = incomplete_reasons(df, rules, as_of)
    ok = reason < 0
    incomplete = pd.DataFrame(  # the few incomplete rows first, then Python objects
        {"nip": df["nip"][~ok].to_numpy(), "nama": df["nama"][~ok].to_numpy()}
    ).assign(reason=np.asarray(REASONS)[reason[~ok]])
    done = df if ok.all() else _rows(df, ok)
    final = decided_boxes(done["_key"].to_numpy(dtype=np.int64), calibrations)
    out = _classify_complete(done, rules, as_of, detail, final)
    if rejected_ratings is not None and len(rejected_ratings) and len(out):
        later = rejected_year_after(done, rejected_ratings, int(cycle))
        if later.any():
            out["notes"] = with_note(out["notes"], later, REJECTED_YEAR)
    listed = None if calibrations is None else calibration_list(calibrations, out, incomplete)
    return Classification(out, incomplete, listed)


def decided_boxes(key: np.ndarray, calibrations: pd.DataFrame | None) -> np.ndarray:
    """Per person (by sorted NIP KEY): the committee's final box, or 0 where none."""
    final = np.zeros(len(key), dtype=np.int64)
    if calibrations is None or not len(calibrations) or not len(key):
        return final
    pos = _positions(key, nip_keys(calibrations["nip"].astype(str)))
    hit = pos >= 0
    final[pos[hit]] = calibrations["kotak_akhir"].to_numpy(dtype=np.int64)[hit]
    return final


def calibration_list(
    calibrations: pd.DataFrame, people: pd.DataFrame, incomplete: pd.DataFrame
) -> pd.DataFrame:
    """Every decision of the cycle, by NIP: computed and final box, reason, by, date, ref,
    applied, and why not (the person's incomplete reason, or not-in-cohort)."""
    c = calibrations.sort_values("nip", kind="stable", ignore_index=True)
    nip = c["nip"].astype(object)
    at = pd.Index(people["nip"].astype(object)).get_indexer(nip)
    done = at >= 0
    missing = pd.Index(incomplete["nip"].astype(object)).get_indexer(nip)
    why = np.where(done, None, _pick(incomplete["reason"], missing))
    why = np.where(done | (missing >= 0), why, NOT_IN_COHORT)
    nama = np.asarray(c["nama"] if "nama" in c else [None] * len(c), dtype=object)
    nama = np.where(done, _pick(people["nama"], at), nama)
    nama = np.where(missing >= 0, _pick(incomplete["nama"], missing), nama)
    computed = pd.Series(_pick(people["box_computed"], at), dtype="Int64")
    return pd.DataFrame(
        {
            "nip": nip.to_numpy(),
            "nama": nama,
            "box_computed": computed.to_numpy(),
            "box": c["kotak_akhir"].to_numpy(dtype=np.int64),
            "reason": c["alasan"].to_numpy(dtype=object),
            "by": c["diputuskan_oleh"].to_numpy(dtype=object),
            "date": c["tanggal"].to_numpy(dtype=object),
            "ref": c["nomor_berita_acara"].to_numpy(dtype=object),
            "applied": done,
            "reason_not_applied": why,
            "batch_id": c["batch_id"].to_numpy() if "batch_id" in c else None,
        },
        columns=[*CALIBRATION_COLUMNS, "batch_id"],
    )


def _pick(values: pd.Series, at: np.ndarray) -> np.ndarray:
    """values[at] as objects; position -1 gives None."""
    return np.append(values.to_numpy(dtype=object), None)[np.where(at < 0, len(values), at)]


def with_note(notes: pd.Series, where: np.ndarray, note: str) -> pd.Series:
    """NOTES (a tuple per person) with NOTE added WHERE it holds: each distinct tuple is
    extended once and shared by every row that holds it (no loop over people)."""
    codes, uniques = pd.factorize(notes)
    table = np.empty(2 * len(uniques), dtype=object)
    for i, n in enumerate(uniques):
        table[i], table[len(uniques) + i] = n, (*n, note)
    return pd.Series(table[codes + len(uniques) * where], index=notes.index, dtype=object)


def rejected_year_after(df: pd.DataFrame, rejected: pd.DataFrame, cycle: int) -> np.ndarray:
    """Per person of DF: a kinerja row of theirs for a later year than the one used (and not
    after CYCLE) was rejected at import (SPEC §4.4, kinerja_tahun_ditolak)."""
    tahun = pd.to_numeric(rejected["tahun"], errors="coerce").to_numpy(dtype=float)
    keys = nip_keys(rejected["nip"].astype(str))
    ok = (keys >= 0) & (tahun <= cycle)
    pos = _positions(df["_key"].to_numpy(dtype=np.int64), keys[ok])
    latest = np.full(len(df), -1.0)
    hit = pos >= 0
    np.maximum.at(latest, pos[hit], tahun[ok][hit])
    return latest > df["_year"].to_numpy(dtype=float)


def _classify_complete(
    df: pd.DataFrame,
    rules: Rules,
    as_of: datetime.date,
    detail: bool = True,
    final: np.ndarray | None = None,
) -> pd.DataFrame:
    """All result columns, in the documented order, for people who have everything needed.
    FINAL (per person: the committee's box, 0 for none) overrides the computed box: the
    placement, pool, readiness, notes and recommendation follow the final box."""
    level = df["_level"].to_numpy()
    if detail:
        comp_cols, scores, standards = competency_columns(df, level, rules)
    else:
        scores, standards = score_matrices(df, level, rules)
        comp_cols = {f"score_{c}": scores[:, j] for j, c in enumerate(rules.competency_codes)}
    axes = axis_columns(jpm(scores, standards, rules), _column(df, "potensi"), rules)
    perf = df["_perf"].to_numpy()
    computed = nine_box(axes.pop("_potential"), perf, rules)
    box = computed if final is None else np.where(final > 0, final, computed)
    retire = retirement_dates(df["_key"].to_numpy(), level, rules)
    near = retire < np.datetime64(add_years(as_of, rules.retirement.notice_years))
    head = {c: _column(df, c, None) for c in ("nip", "nama", "jabatan", "job_level", "unit")}
    return pd.DataFrame(
        {
            **head,
            "golongan": _nullable(_column(df, "golongan", None)),
            **comp_cols,
            **axes,
            "performance": _text(PERFORMANCE_LEVELS, perf),
            "performance_year": df["_year"].to_numpy(dtype=np.int64),
            "box_computed": computed,
            "box": box,
            **box_columns(box, near, rules),
            "retirement_date": _iso_dates(retire),  # YYYY-MM-DD text, as runs store it
            "recommendation": _shared(_box_table(rules, lambda b: b.recommendation), box),
        },
        copy=False,  # fresh arrays (and copy-on-write inputs): skip consolidating, 1M rows
    )


# ------------------------------------------------------------------ inputs


def _prepare(people: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """The cohort sorted by NIP, with its integer NIP key and job-level index as columns."""
    key = nip_keys(people["nip"])
    if (key < 0).any():
        raise ValueError("classify needs validated 18-digit NIPs (the importer checks them)")
    df = people.reset_index(drop=True)
    if len(key) > 1 and (np.diff(key) < 0).any():  # the store gives them sorted: no copy then
        order = np.argsort(key, kind="stable")
        df, key = _rows(df, order), key[order]
    if len(key) > 1 and (np.diff(key) == 0).any():
        raise ValueError("classify needs one row per NIP; the cohort has duplicates")
    return df.assign(_key=key, _level=job_level_index(df["job_level"], rules))


def _rows(df: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """DF's ROWS (a mask or positions), each column keeping its dtype; 3x faster than df[rows]."""
    cols = {c: pd.Series(df[c].array[rows], dtype=df[c].dtype, copy=False) for c in df.columns}
    return pd.DataFrame(cols, copy=False)


def nip_keys(nip: pd.Series) -> np.ndarray:
    """Each NIP as an int64 (its digits read as a number, so sorts agree); -1 if not 18 digits."""
    grid, bad = _nip_bytes(nip)
    digits = grid - np.uint8(ord("0"))  # wraps past 9 for any other byte
    if (digits > 9).any():  # row by row only when needed: a short axis is slow to reduce
        bad |= (digits > 9).any(axis=1)
    pairs = digits[:, 0::2] * np.uint8(10) + digits[:, 1::2]  # two digits at a time: faster
    key = np.zeros(len(nip), dtype=np.int64)
    for i in range(pairs.shape[1]):
        key *= 100
        key += pairs[:, i]
    return np.where(bad, -1, key)


def _nip_bytes(nip: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each NIP's first 18 bytes as a row of a uint8 grid, and where the text is longer.

    Shorter or missing values show a non-digit byte in the grid.
    """
    strings = _arrow_strings(nip)
    if strings is not None:
        return byte_grid(strings), np.zeros(len(nip), dtype=bool)
    try:
        raw = np.asarray(nip.to_numpy(dtype=object), dtype=f"S{NIP_LENGTH + 1}")
    except (UnicodeEncodeError, TypeError, ValueError):
        raw = np.asarray([_ascii(v) for v in nip], dtype=f"S{NIP_LENGTH + 1}")
    grid = raw.view(np.uint8).reshape(len(nip), NIP_LENGTH + 1)
    return grid[:, :NIP_LENGTH], grid[:, NIP_LENGTH] != 0


def _arrow_strings(values: pd.Series) -> pa.Array | None:
    """The column as one Arrow (large_)string array when pandas keeps it in Arrow, else None."""
    if not hasattr(values.array, "__arrow_array__"):
        return None
    strings = pa.array(values.array)
    if isinstance(strings, pa.ChunkedArray):
        strings = strings.combine_chunks()
    kind = strings.type
    return strings if pa.types.is_string(kind) or pa.types.is_large_string(kind) else None


def _ascii(value: object) -> bytes:
    """A cell as ASCII bytes for nip_keys; anything else cannot be a valid NIP."""
    text = value if isinstance(value, str) else ""
    return text.encode("ascii") if text.isascii() else b"x"


def _column(df: pd.DataFrame, name: str, fill: object = np.nan) -> pd.Series:
    """A column of the input, or FILL everywhere when the input lacks it."""
    return df[name] if name in df else pd.Series(fill, index=df.index, dtype=object)


def _nullable(values: pd.Series) -> pd.Series:
    """An object column whose missing values are None (a str column would hold NaN).

    One Python object per distinct value, shared by everyone who has it.
    """
    codes, uniques = pd.factorize(values)
    table = np.append(uniques.to_numpy(dtype=object, na_value=None), None)
    return pd.Series(table[codes], dtype=object, copy=False)


def _lookup(codes: tuple | list, idx: np.ndarray) -> np.ndarray:
    """codes[idx] as an object array; index -1 (or len) gives None."""
    return np.array([*codes, None], dtype=object)[np.where(idx < 0, len(codes), idx)]


def _text(codes: tuple | list | np.ndarray, idx: np.ndarray):
    """codes[idx] as a text column; index -1 (or len) or a None code gives a missing value.

    A categorical of the few codes (each text once, small integer codes per person: no string
    per person, and a dictionary column in the stored run); an object column of None when it
    holds no text at all.
    """
    cat, uniques = pd.factorize(pd.Series([*codes], dtype=object), sort=True)  # None -> -1
    pick = np.append(cat, -1)[np.where(idx < 0, len(codes), idx)]
    if (pick < 0).all():
        return pd.Series(np.full(len(pick), None, dtype=object), dtype=object, copy=False)
    return pd.Categorical.from_codes(pick, categories=uniques)


def _shared(values: np.ndarray, idx: np.ndarray) -> pd.Categorical:
    """values[idx] as a categorical: each long text once, not a copy per person (80 MB at 1M)."""
    codes, uniques = pd.factorize(values, sort=True)  # sorted: it sorts as the text would
    return pd.Categorical.from_codes(codes[idx], categories=uniques)


def _iso_dates(days: np.ndarray):
    """datetime64[D] values as YYYY-MM-DD text (str(date)), formatted once per distinct day."""
    codes, uniques = pd.factorize(days.view(np.int64))
    return _text(np.datetime_as_string(uniques.astype("datetime64[D]")), codes)


def job_level_index(job_level: pd.Series, rules: Rules) -> np.ndarray:
    """Position of each job level code in rules.job_levels; -1 when the rules do not know it."""
    codes, uniques = pd.factorize(job_level)  # in Arrow when the column is: no Python strings
    known = pd.Index(list(rules.job_levels)).get_indexer(list(uniques))
    return np.append(known, -1)[codes]  # code -1 (missing) picks the appended -1


def incomplete_reasons(
    df: pd.DataFrame, rules: Rules, as_of: datetime.date | None = None
) -> np.ndarray:
    """Per person: the index in REASONS of the first that stops classification, or -1.
    Retired (TMT pensiun on or before AS_OF) is checked first: no placement, no plan."""
    missing = np.zeros(len(df), dtype=bool)
    for c in rules.competency_codes:
        missing |= np.isnan(_column(df, f"score_{c}").to_numpy(dtype=float))
    needs_potensi = any(c.source == "potensi" for c in rules.potential.components)
    level = df["_level"].to_numpy()
    retired = np.zeros(len(df), dtype=bool)
    if as_of is not None and len(df):
        known = level >= 0
        retire = retirement_dates(df["_key"].to_numpy(), np.where(known, level, 0), rules)
        retired = known & (retire <= np.datetime64(as_of))
    checks = {
        "retired": retired,
        "unknown-job-level": level < 0,
        "missing-score": missing,
        "no-potensi": needs_potensi & _column(df, "potensi").isna().to_numpy(),
        "no-performance": df["_perf"].to_numpy() < 0,
    }
    reason = np.full(len(df), -1, dtype=np.int64)
    for i in reversed(range(len(REASONS))):  # the earliest reason is written last, so it wins
        reason[checks[REASONS[i]]] = i
    return reason


# ------------------------------------------------------------------ performance


def latest_performance(
    key: pd.Series, ratings: pd.DataFrame, rules: Rules, cycle: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per person: index in PERFORMANCE_LEVELS and year of the latest kinerja up to CYCLE.

    -1 and -1 when there is none (or when that row's rating means nothing to these rules).
    """
    tahun = pd.to_numeric(ratings["tahun"]).to_numpy(dtype=np.int64)
    pos = _positions(np.asarray(key, dtype=np.int64), nip_keys(ratings["nip"]))
    rows = np.flatnonzero((pos >= 0) & (tahun <= cycle))  # later years and non-cohort ignored
    pos = pos[rows]
    year = np.full(len(key), -1, dtype=np.int64)
    np.maximum.at(year, pos, tahun[rows])
    pick = np.full(len(key), -1, dtype=np.int64)
    latest = tahun[rows] == year[pos]
    np.maximum.at(pick, pos[latest], rows[latest])  # two rows of one year: the last one
    has = pick >= 0
    level = np.full(len(key), -1, dtype=np.int64)
    nilai = _numbers(_column(ratings, "nilai"))
    level[has] = rating_levels(_column(ratings, "predikat"), nilai, rules)[pick[has]]
    return level, np.where(level >= 0, year, -1)


def _numbers(values: pd.Series) -> np.ndarray:
    """A column as floats, NaN when missing; an all-empty object column without parsing it."""
    if values.dtype == object and values.isna().all():
        return np.full(len(values), np.nan)
    return pd.to_numeric(values).to_numpy(dtype=float)


def _positions(key: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Where each of WANTED is in the distinct KEY, or -1 (a binary search when KEY is sorted)."""
    if len(key) < 2 or (np.diff(key) > 0).all():
        at = np.minimum(np.searchsorted(key, wanted), max(len(key) - 1, 0))
        found = key[at] == wanted if len(key) else np.zeros(len(wanted), dtype=bool)
        return np.where(found, at, -1)
    return pd.Index(key).get_indexer(wanted)


def rating_levels(predikat, nilai: np.ndarray, rules: Rules) -> np.ndarray:
    """Index in PERFORMANCE_LEVELS: predikat via the aliases (any case/spacing), else nilai.

    PREDIKAT is a Series or array of text (missing when empty), NILAI a float array (NaN when
    empty); the aliases are looked up once per distinct predikat.
    """
    codes, uniques = pd.factorize(predikat)  # in Arrow when the column is: no Python strings
    aliases = rules.predikat_aliases
    known = [aliases.get(norm_value(u)) for u in uniques]
    by_name = pd.Index(PERFORMANCE_LEVELS).get_indexer([*known, None])[codes]
    cuts = rules.performance.score
    band = _first_band(nilai, [c.min for c in cuts])
    by_score = pd.Index(PERFORMANCE_LEVELS).get_indexer([c.level for c in cuts] + [None])[band]
    return np.where(by_name >= 0, by_name, by_score)


# ------------------------------------------------------------------ scores, JPM, axes


def competency_columns(
    df: pd.DataFrame, level: np.ndarray, rules: Rules
) -> tuple[dict[str, object], np.ndarray, np.ndarray]:
    """score/standard/delta/status/severity per competency, and the score and standard matrices."""
    codes = rules.competency_codes
    scores, standards = score_matrices(df, level, rules)
    deltas = np.round(scores - standards, rules.scale.decimals)  # 2.75 - 3 is exactly -0.25
    out: dict[str, object] = {}
    for j, c in enumerate(codes):
        status, severity = competency_status(deltas[:, j], rules)
        out |= {f"score_{c}": scores[:, j], f"standard_{c}": standards[:, j]}
        out |= {f"delta_{c}": deltas[:, j], f"status_{c}": status, f"severity_{c}": severity}
    return out, scores, standards


def score_matrices(
    df: pd.DataFrame, level: np.ndarray, rules: Rules
) -> tuple[np.ndarray, np.ndarray]:
    """Each person's scores and standards, one column per competency of the rules."""
    codes = rules.competency_codes
    table = np.array([[jl.standard[c] for c in codes] for jl in rules.job_levels.values()])
    standards = np.empty((len(df), len(codes)), dtype=table.dtype, order="F")  # column-major:
    scores = np.empty((len(df), len(codes)), dtype=float, order="F")  # each column contiguous
    for j, c in enumerate(codes):
        standards[:, j] = table[:, j][level]
        scores[:, j] = _column(df, f"score_{c}").to_numpy(dtype=float)
    return scores, standards


def competency_status(delta: np.ndarray, rules: Rules) -> tuple[object, pd.Series]:
    """SPEC §4.2: gap / meets / strength, and ringan / berat (None unless a gap)."""
    s = rules.status
    gap = delta < 0  # small int codes, then text taken from the code tables
    status = np.where(gap, np.int8(0), np.where(delta >= s.strength_min, np.int8(2), np.int8(1)))
    severity = np.where(gap, (delta <= s.berat_max).astype(np.int8), np.int8(-1))
    ringan_berat = pd.Series(_lookup(SEVERITIES, severity), dtype=object, copy=False)
    return _text(STATUSES, status), ringan_berat


def jpm(scores: np.ndarray, standards: np.ndarray, rules: Rules) -> np.ndarray:
    """SPEC §4.3: 100 x sum(scores) / sum(standards), capped as the rules say, rounded half-up."""
    cfg = rules.jpm
    counted = np.minimum(scores, standards) if cfg.cap_each else scores
    value = 100.0 * counted.sum(axis=1) / standards.sum(axis=1)
    if cfg.cap:
        value = np.minimum(value, 100.0)
    return round_half_up(value, cfg.decimals)


def potential_score(jpm_value: np.ndarray, potensi: pd.Series, rules: Rules) -> np.ndarray:
    """SPEC §4.4: weighted mean of the components, rounded half-up like JPM."""
    comps = rules.potential.components
    total = sum(c.weight * _component(c.source, jpm_value, potensi, rules) for c in comps)
    return round_half_up(total / sum(c.weight for c in comps), rules.jpm.decimals)


def _component(source: str, jpm_value: np.ndarray, potensi: pd.Series, rules: Rules) -> np.ndarray:
    """One potential component on JPM's 0-100 scale (potensi is rescaled from potensi_scale)."""
    if source == "jpm":
        return jpm_value
    lo, hi = rules.potential.potensi_scale
    return (pd.to_numeric(potensi).to_numpy(dtype=float) - lo) * (100.0 / (hi - lo))


def _first_band(values: np.ndarray, mins: list[float]) -> np.ndarray:
    """Index of the first min <= value (mins from high to low); len(mins) when none or NaN."""
    return np.searchsorted(-np.asarray(mins, dtype=float), -values, side="left")


def axis_columns(jpm_value: np.ndarray, potensi: pd.Series, rules: Rules) -> dict[str, object]:
    """jpm, jpm_category, potential_score and potential (SPEC §4.3-4.4); _potential as index."""
    bands = rules.jpm.band_sets[rules.jpm.bands]
    pot_score = potential_score(jpm_value, potensi, rules)
    pot = _first_band(pot_score, [lv.min for lv in rules.potential.levels])
    return {
        "jpm": jpm_value,
        "jpm_category": _text(
            [b.code for b in bands], _first_band(jpm_value, [b.min for b in bands])
        ),
        "potential_score": pot_score,
        "potential": _text([lv.code for lv in rules.potential.levels], pot),
        "_potential": pot,
    }


# ------------------------------------------------------------------ 9-box, placement, retirement


def nine_box(potential: np.ndarray, performance: np.ndarray, rules: Rules) -> np.ndarray:
    """SPEC §4.5: grid[potential][performance], from level indexes, as int64."""
    rows = [lv.code for lv in rules.potential.levels]
    grid = np.array([[rules.nine_box.grid[r][p] for p in PERFORMANCE_LEVELS] for r in rows])
    return grid[potential, performance].astype(np.int64)


def _box_table(rules: Rules, get: Callable[[Box], object]) -> np.ndarray:
    """An object array indexed by box number holding GET(the box's rules)."""
    table = np.full(max(rules.nine_box.boxes) + 1, None, dtype=object)
    for n, box in rules.nine_box.boxes.items():
        table[n] = get(box)
    return table


def box_columns(box: np.ndarray, near: np.ndarray, rules: Rules) -> dict[str, object]:
    """SPEC §4.6: placement, talent pool, readiness and notes, with near retirement applied."""
    ret = rules.retirement
    out_of_pool = near & np.isin(box, ret.exclude_boxes)
    notes = np.stack(
        [_box_table(rules, lambda b: tuple(b.notes)), _box_table(rules, _notes_near)], axis=1
    )
    readiness = np.where(out_of_pool, None, _box_table(rules, lambda b: b.readiness)[box])
    placement = [*_box_table(rules, lambda b: b.placement), ret.placement]  # last: out of pool
    return {
        "placement": _text(placement, np.where(out_of_pool, len(placement) - 1, box)),
        "talent_pool": _box_table(rules, lambda b: b.talent_pool).astype(bool)[box] & ~out_of_pool,
        "readiness": pd.Series(readiness, dtype=object, copy=False),
        "notes": pd.Series(notes[box, near.astype(np.int64)], dtype=object, copy=False),
    }


def _notes_near(box: Box) -> tuple[str, ...]:
    """A box's notes for someone near retirement: the box's own first, then pensiun_dekat."""
    return (*box.notes, NEAR_RETIREMENT)


def add_years(day: datetime.date, years: int) -> datetime.date:
    """DAY plus YEARS calendar years; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def retirement_dates(key: np.ndarray, level: np.ndarray, rules: Rules) -> np.ndarray:
    """TMT pensiun (SPEC §4.6): the first day of the month after the month in which the
    person reaches the job level's retirement age (birth date: NIP digits 1-8), as
    datetime64[D]."""
    born, month, _ = birth_parts(key // 10 ** (NIP_LENGTH - 8))
    ages = np.array([jl.retirement_age for jl in rules.job_levels.values()], dtype=np.int64)
    year = born + ages[level]
    months = ((year - 1970) * 12 + month).astype("datetime64[M]")  # month - 1, plus one
    return months.astype("datetime64[D]")
