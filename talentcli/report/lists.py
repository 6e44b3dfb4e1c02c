"""Pure: the lists every report format shows, as DataFrames with stable English column codes.

Writers translate headers with `labels.header()` and values with `labels.value()`; the
rows and their order are decided here once, so xlsx, csv and html always agree.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from talentcli.engine.history import MOVEMENTS, directions
from talentcli.model import RunData
from talentcli.plans import first_rows
from talentcli.rules import CRITERIA
from talentcli.store import RESULT_COLUMNS
from talentcli.units import unit_names

# list code -> (placement filter or None) ; order = sheet order after Ringkasan/Peta Talenta/Hasil
PLACEMENT_LISTS = {
    "promosi": "promosi",
    "rotasi": "rotasi",
    "mutasi": "mutasi",
    "tindak_lanjut": "tindak_lanjut",
    "tetap": "tetap",  # near retirement, taken out of promotion (SPEC §4.6)
}
PERSON = ["nip", "nama", "jabatan", "job_level", "unit", "golongan"]
AXES = ["jpm", "jpm_category", "potential", "performance", "box"]
# a person list's axes: the computed box (SPEC §4.5) right beside the final one (§4.9)
BOXES = [*AXES[:-1], "box_computed", "box"]


def hasil(data: RunData) -> pd.DataFrame:
    """One row per classified person: every field of the JSON person, flattened."""
    comps = data.rules.competency_codes
    per = [f"{k}_{c}" for k in ("score", "standard", "delta", "status") for c in comps]
    head, axes = RESULT_COLUMNS[: len(PERSON)], RESULT_COLUMNS[len(PERSON) :]
    cols = [*head, *per, *axes, "plan_jp", "plan_cost"]
    cols += [c for c in HISTORY if c in data.people]  # SPEC §4.10, when the run has them
    order = nip_order(data.people)
    if order is None:
        out = data.people[cols].copy(deep=False)  # columns are replaced, never written into
    else:
        out = data.people.iloc[order, data.people.columns.get_indexer(cols)].copy(deep=False)
    out["notes"] = joined(out["notes"])
    return out.reset_index(drop=True)


def placement_list(data: RunData, placement: str) -> pd.DataFrame:
    """People with one placement, best first (box, JPM), with the box recommendation."""
    cols = [*PERSON[:5], *BOXES, "placement", "readiness", "notes"]
    people = with_computed(data.people)
    rows = best_first(people, people["placement"].to_numpy() == placement)
    out = people.iloc[rows, people.columns.get_indexer(cols)].copy(deep=False)
    out["notes"] = joined(out["notes"])
    rec = data.rules.recommendation
    pairs, first = _pair_codes(out["box"], out["placement"])
    heads = zip(out["box"].iloc[first], out["placement"].iloc[first], strict=True)
    texts = [rec(b, pl) for b, pl in heads]
    texts = np.array(texts, dtype=object)[pairs]
    out["recommendation"] = pd.Series(texts, index=out.index, dtype=object)  # shared strings
    return out.reset_index(drop=True)


def suksesi(data: RunData) -> pd.DataFrame:
    """The talent pool (succession group): who, how ready, for which level(s) next (codes
    joined by '; ', as notes are: JF ahli muda -> JF ahli madya; administrator)."""
    promotes = {c: "; ".join(lv.promotes_to) or None for c, lv in data.rules.job_levels.items()}
    people = with_computed(data.people)
    rows = best_first(people, people["talent_pool"].to_numpy(dtype=bool))
    cols = [*PERSON[:5], *BOXES, "readiness"]
    out = people.iloc[rows, people.columns.get_indexer(cols)].copy(deep=False)
    out["promotes_to"] = out["job_level"].map(promotes)
    return out.reset_index(drop=True)


def with_computed(people: pd.DataFrame) -> pd.DataFrame:
    """PEOPLE with `box_computed` (a run made before calibration: the final box is it)."""
    if "box_computed" in people:
        return people
    return people.assign(box_computed=people["box"])


def computed_boxes(box_computed: pd.Series) -> np.ndarray:
    """The computed boxes as floats (NaN: none), as a merged list's box is."""
    return pd.to_numeric(box_computed).astype("Float64").to_numpy(dtype=float, na_value=np.nan)


def best_first(people: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """The ROWS (a mask) of PEOPLE by box and JPM, highest first, then by NIP.

    The same order as sort_values(["box", "jpm", "nip"], ascending=[False, False, True]),
    from numbers only: the NIP's place in the (usually already) NIP-sorted people.
    """
    take = np.flatnonzero(rows)
    box = people["box"].to_numpy()[take]
    jpm = people["jpm"].to_numpy(dtype=float)[take]
    return take[np.lexsort((nip_rank(people["nip"])[take], -jpm, -box))]


def nip_rank(nip: pd.Series) -> np.ndarray:
    """Each row's place in NIP order (ties in row order); no sort when already in it."""
    order = _sorted_by(nip)
    if order is None:
        return np.arange(len(nip))
    rank = np.empty(len(nip), dtype=np.int64)
    rank[order] = np.arange(len(nip))
    return rank


def joined(notes: pd.Series) -> pd.Series:
    """Each row's notes as one "a; b" text, worked out once per distinct tuple."""
    codes, uniques = factorize(notes)
    table = np.array(["; ".join(n) for n in uniques] + [""], dtype=object)
    return pd.Series(table[codes], index=notes.index, dtype=object)  # shared strings


def _pair_codes(a: pd.Series, b: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A code per row for the pair (A, B) and the first row of each code."""
    return first_codes((factorize(a)[0] + 1) * (len(a) + 2) + factorize(b)[0] + 1)


def kandidat(data: RunData) -> pd.DataFrame:
    """Each vacancy with its ranked candidates (a vacancy without candidates keeps one row)."""
    vac = data.vacancies.rename(
        columns={"jabatan": "vacancy_jabatan", "unit": "vacancy_unit", "job_level": "vacancy_level"}
    )
    people = with_computed(data.people)
    mine = _among(people, data.candidates["nip"])
    who = people.loc[mine, ["nip", "jabatan", "unit"]]
    who = who.assign(box_computed=computed_boxes(people["box_computed"])[mine])
    cand = data.candidates.merge(who, on="nip", how="left")
    cand = cand.rename(columns={"job_level": "candidate_level"})
    out = vac.merge(cand, on="kode", how="left").sort_values(["kode", "rank"])
    cols = [
        "kode",
        "vacancy_jabatan",
        "vacancy_unit",
        "vacancy_level",
        "jumlah",
        "rank",
        "nip",
        "nama",
        "jabatan",
        "unit",
        "candidate_level",
        "fit",
        "box_computed",
        "box",
    ]
    out, extra = eligibility_columns(out, data)
    cols += extra
    if data.assignment is not None:  # report --assign: the optimal one-to-one proposal
        seats = data.assignment.assign(assigned=True)[["kode", "nip", "assigned"]]
        out = out.merge(seats, on=["kode", "nip"], how="left")
        out["assigned"] = out["assigned"].eq(True)
        cols.append("assigned")
    return out[cols].reset_index(drop=True)


PERSONNEL_CRITERIA = ("education_min", "years_in_post_min", "golongan_min", "no_discipline")


def eligibility_columns(out: pd.DataFrame, data: RunData) -> tuple[pd.DataFrame, list[str]]:
    """The Kandidat list's SPEC §4.7 columns: the verdict; per criterion `ok`, `unknown`
    (`no_pegawai` when the run had no personnel data to read) or `fail: <detail>`; per
    vacancy the pool checked, the people left out per failed criterion ('education_min 2;
    ...') and why no candidate is listed (no_feeder, empty_pool, all_excluded)."""
    cols = ["verdict", *CRITERIA, "pool", "excluded", "empty_reason"]
    pools = data.vacancy_pools
    checked = pools is not None and not pools.empty
    if "verdict" not in out or not (checked or out["verdict"].notna().any()):
        return out, []  # a run stored before eligibility was checked
    no_pegawai = "pegawai" not in set(data.inputs.get("kind", pd.Series(dtype=object)))
    for c in CRITERIA:
        result = out[c].astype(object).to_numpy()
        detail = out[f"{c}_detail"].astype(object)  # float when every value is missing
        detail = detail.where(detail.notna(), "").astype(str).to_numpy(dtype=object)
        text = np.where(result == "fail", "fail: " + detail, result)
        if no_pegawai and c in PERSONNEL_CRITERIA:
            text = np.where(result == "unknown", "no_pegawai", text)
        out[c] = pd.Series(text, index=out.index, dtype=object).where(
            out[c].notna().to_numpy(), None
        )
    pools = data.vacancy_pools
    if pools is None or pools.empty:
        return out.assign(pool=None, excluded=None, empty_reason=None), cols
    counts = pools[[f"excluded_{c}" for c in CRITERIA]].to_numpy(dtype=float)
    excluded = [  # a few rows: one per vacancy
        "; ".join(f"{c} {int(n)}" for c, n in zip(CRITERIA, row, strict=True) if n > 0) or None
        for row in counts
    ]
    per = pd.DataFrame(
        {
            "kode": pools["kode"],
            "pool": pools["pool"].astype("int64"),
            "excluded": excluded,
            "empty_reason": pools["reason"].where(pools["reason"].notna(), None),
        }
    )
    return out.merge(per, on="kode", how="left"), cols


def _among(people: pd.DataFrame, nips: pd.Series) -> np.ndarray:
    """A mask of the people a few NIPs can match: those holding the very same NIP objects
    (candidates are made from people), or everybody when some NIP is not found that way."""
    if people["nip"].dtype == object and nips.dtype == object:
        mine = np.isin(identities(people["nip"]), identities(nips))
        if np.isin(identities(nips), identities(people["nip"])[mine]).all():
            return mine
    return np.ones(len(people), dtype=bool)


def rencana(data: RunData) -> pd.DataFrame:
    """One row per person x programme, in plan order."""
    cols = ["nip", "nama", "unit", "box", "seq", "code", "programme", "competency", "form"]
    cols += ["jp", "cost", "reason", *(["funded"] if "funded" in data.plans else [])]
    people, plans = data.people, data.plans
    pos = positions(plans["nip"], people["nip"])
    if (pos >= 0).all() and _unique(people["nip"]):  # each row finds its one person
        key, seq = nip_rank(people["nip"])[pos], plans["seq"].to_numpy()
        rows = None if _grouped(key, seq) else np.lexsort((seq, key))  # by NIP, then seq
        out = plans.copy(deep=False) if rows is None else plans.take(rows)
        at = pos if rows is None else pos[rows]
        for name in ("nama", "unit", "box"):
            values = people[name].to_numpy()[at]
            out[name] = pd.Series(values, index=out.index, dtype=values.dtype)  # objects stay
        return out[cols].reset_index(drop=True)
    who = people[["nip", "nama", "unit", "box"]]
    out = plans.merge(who, on="nip", how="left").sort_values(["nip", "seq"])
    return out[cols].reset_index(drop=True)


def _unique(nip: pd.Series) -> bool:
    """No NIP twice (a merge on NIP would repeat rows)."""
    order = _sorted_by(nip)
    return increasing(nip if order is None else nip.take(order))


def _grouped(key: np.ndarray, seq: np.ndarray) -> bool:
    """Rows already in KEY order, by seq within a KEY (as load_run gives the plans)."""
    step = np.diff(key)
    return bool((step >= 0).all() and (np.diff(seq)[step == 0] >= 0).all())


def tidak_lengkap(data: RunData) -> pd.DataFrame:
    """Cohort members who could not be classified, with the reason."""
    return data.incomplete.sort_values("nip")[["nip", "nama", "reason"]].reset_index(drop=True)


def counts(data: RunData, column: str, order: list) -> pd.DataFrame:
    """How many classified people per value of COLUMN, in ORDER then any others."""
    got = data.people[column].value_counts()
    keys = list(dict.fromkeys([*order, *sorted(got.index, key=str)]))
    return pd.DataFrame({column: keys, "count": [int(got.get(k, 0)) for k in keys]})


def placement_codes(rules) -> list[str]:
    """Every placement with a list: PLACEMENT_LISTS, then any other placement of RULES
    (a rules file may add one: it gets its own list, sheet, csv file and html section)."""
    return [*PLACEMENT_LISTS, *(c for c in rules.placements if c not in PLACEMENT_LISTS)]


def lists_for(rules) -> dict[str, Callable[[RunData], pd.DataFrame]]:
    """LISTS for RULES: a list for each placement of the rules LISTS has none for, placed
    after the placement lists."""
    extra = [c for c in placement_codes(rules) if c not in LISTS]
    if not extra:
        return LISTS
    out: dict[str, Callable[[RunData], pd.DataFrame]] = {}
    last = list(PLACEMENT_LISTS)[-1]
    for code, build in LISTS.items():
        out[code] = build
        if code == last:
            out.update({c: (lambda d, p=c: placement_list(d, p)) for c in extra})
    return out


def unit_counts(data: RunData) -> pd.DataFrame:
    """Per unit: people, talent pool, each placement, plan JP and cost."""
    p = data.people
    # people without a unit (a blank cell, or a file without the column) are one group,
    # counted like any unit: crosstab would drop them, so they are grouped under ""
    unit = unit_names(p["unit"]).rename("unit")  # BAPPEDA = Bappeda (SPEC §3.2)
    g = p.groupby(unit)
    codes = placement_codes(data.rules)
    places = pd.crosstab(unit, p["placement"]).reindex(columns=codes)
    out = pd.DataFrame(
        {
            "people": g.size(),
            "talent_pool": g["talent_pool"].sum(),
            "plan_jp": g["plan_jp"].sum(),
            "plan_cost": g["plan_cost"].sum(),
        }
    ).join(places.fillna(0).astype(int))
    cols = ["people", "talent_pool", *codes, "plan_jp", "plan_cost"]
    out = out[cols].reset_index()
    out["unit"] = out["unit"].replace("", np.nan)  # no unit: last, as NaN sorts
    return out.sort_values("unit").reset_index(drop=True)


ANGGARAN = ["section", "unit", "code", "programme", "nip", "nama", "people", "jp", "budget"]
ANGGARAN += ["funded_cost", "unfunded_cost", "people_unfunded"]


def budget_summary(data: RunData) -> dict:
    """The JSON `budget` (SPEC §5) of the plans as funded; total None without a budget."""
    from talentcli.engine.budget import summary

    return summary(data.plans, data.people, data.budget)  # no `funded`: every row is


def anggaran(data: RunData) -> pd.DataFrame:
    """The training budget (SPEC §4.12): a total row (budget, funded, unfunded, people with
    unfunded needs), then per unit, per programme, and each unfunded plan row with its person.
    Without a budget the same sums, all funded (what the plans cost)."""
    got = budget_summary(data)
    total = {"section": "total", "budget": got["total"], "funded_cost": got["funded"]}
    total |= {"unfunded_cost": got["unfunded"], "people_unfunded": got["people_unfunded"]}
    rename = {"funded": "funded_cost", "unfunded": "unfunded_cost"}
    units = pd.DataFrame(got["per_unit"], columns=["unit", "people", "funded", "unfunded"])
    progs = pd.DataFrame(
        got["per_programme"], columns=["code", "people", "jp", "funded", "unfunded"]
    )
    names = {p.code: p.name for p in data.rules.training.catalogue}
    progs.insert(1, "programme", progs["code"].map(names))
    parts = [
        pd.DataFrame([total]),
        units.rename(columns=rename).assign(section="per_unit"),
        progs.rename(columns=rename).assign(section="per_programme"),
        _unfunded_rows(data),
    ]
    out = pd.concat([p for p in parts if len(p)], ignore_index=True)
    out["unit"] = out["unit"].replace("", None) if "unit" in out else None
    return out.reindex(columns=ANGGARAN).reset_index(drop=True)


def _unfunded_rows(data: RunData) -> pd.DataFrame:
    """Each plan row the budget does not fund, with its person, by NIP then seq."""
    plans = data.plans
    if "funded" not in plans or plans["funded"].all():
        return pd.DataFrame(columns=ANGGARAN)
    rows = plans.loc[~plans["funded"].to_numpy(dtype=bool), ["nip", "seq", "code", "programme"]]
    rows = rows.assign(jp=plans["jp"], unfunded_cost=plans["cost"])
    who = data.people[["nip", "nama", "unit"]]
    out = rows.merge(who, on="nip", how="left").sort_values(["nip", "seq"], kind="stable")
    return out.drop(columns="seq").assign(section="unfunded")


EQUITY_SCALE = 4  # rates: fractions with 4 decimals (SPEC §5)


def equity_view(data: RunData) -> dict:
    """The equity view of the run's classified people (engine.equity), {dimension: groups};
    DATA's own when made already (gender and age come from the NIP: made before any
    pseudonymisation, and once for every format)."""
    import datetime as dt

    if data.equity is not None:
        return data.equity
    from talentcli.engine.equity import age_band_labels, equity

    as_of = dt.date.fromisoformat(str(data.run["as_of"]))
    view = equity(data.people, as_of, data.rules)
    bands = {b: i for i, b in enumerate(age_band_labels(data.rules.equity.age_bands))}
    view["age_band"] = sorted(view["age_band"], key=lambda g: bands.get(g.group, len(bands)))
    return view  # age bands youngest first, as people read them


def kesetaraan(data: RunData) -> pd.DataFrame:
    """One row per dimension x group (SPEC §4.11): people, boxes, talent-pool and promosi
    rates, mean JPM, Fisher's p-value and the `perlu_ditelaah` flag; the oldest age band
    carries the note that the retirement rule lowers its pool rate by design."""
    from talentcli.engine.equity import age_band_labels

    oldest = age_band_labels(data.rules.equity.age_bands)[-1]
    rows = []
    for dim, groups in equity_view(data).items():
        for g in groups:
            row = {"dimension": dim, "group": g.group, "people": g.people}
            row |= {f"box_{b}": n for b, n in g.boxes.items()}
            row |= {
                "talent_pool_rate": round(g.talent_pool_rate, EQUITY_SCALE),
                "promosi_rate": round(g.promosi_rate, EQUITY_SCALE),
                "mean_jpm": round(g.mean_jpm, 2),
                "p_value": None if g.p_value is None else round(g.p_value, EQUITY_SCALE),
                "flag": g.flag,
                "note": "retirement_band" if (dim, g.group) == ("age_band", oldest) else None,
            }
            rows.append(row)
    cols = ["dimension", "group", "people", *(f"box_{b}" for b in range(1, 10))]
    cols += ["talent_pool_rate", "promosi_rate", "mean_jpm", "p_value", "flag", "note"]
    return pd.DataFrame(rows, columns=cols)


HISTORY = ["previous_cycle", "previous_box", "previous_jpm", "previous_placement", "movement"]


def kalibrasi(data: RunData) -> pd.DataFrame:
    """The committee's decisions of the run (SPEC §4.9), by NIP: computed and final box, up,
    down or same, reason, who, when, minutes number, applied and why not."""
    cols = ["nip", "nama", "box_computed", "box", "direction", "reason", "by", "date", "ref"]
    cols += ["applied", "reason_not_applied"]
    c = data.calibrations
    if c is None or not len(c):
        return pd.DataFrame({k: pd.Series(dtype=object) for k in cols})
    before = pd.to_numeric(c["box_computed"]).to_numpy(dtype=float)
    after = c["box"].to_numpy(dtype=float)
    way = directions(before, after)
    known = c["applied"].to_numpy(dtype=bool) & ~np.isnan(before)
    out = c.assign(  # a few rows, one per decision: Python objects are fine here
        box_computed=np.where(known, before, np.nan),  # a number (NaN: not classified)
        direction=pd.Series(np.where(known, way, None), dtype=object),
        box=c["box"].astype(np.int64),
    )
    return out.sort_values("nip", kind="stable")[cols].reset_index(drop=True)


def calibration_counts(data: RunData) -> tuple[int, int, int]:
    """Applied decisions that raised, lowered and confirmed a box (SPEC §4.9)."""
    return decision_counts(data.calibrations)


def decision_counts(decisions: pd.DataFrame | None) -> tuple[int, int, int]:
    """Of the committee's DECISIONS, the applied ones that raised, lowered and confirmed a
    box (an applied decision has a computed box)."""
    if decisions is None or not len(decisions):
        return 0, 0, 0
    before = pd.to_numeric(decisions["box_computed"]).to_numpy(dtype=float)
    applied = decisions["applied"].to_numpy(dtype=bool) & ~np.isnan(before)
    way = directions(before, decisions["box"].to_numpy(dtype=float))
    up, down, same = (int((applied & (way == w)).sum()) for w in ("naik", "turun", "tetap"))
    return up, down, same


def pergerakan(data: RunData) -> pd.DataFrame:
    """Every classified person against the previous cycle (SPEC §4.10), sorted by movement
    (naik, turun, tetap, baru), then by how far the box moved, then NIP."""
    cols = ["nip", "nama", "unit", "previous_cycle", "previous_box", "box", "movement"]
    cols += ["previous_placement", "placement", "previous_jpm", "jpm"]
    p = data.people
    if "movement" not in p:
        return pd.DataFrame({k: pd.Series(dtype=object) for k in cols})
    rank = pd.Index(MOVEMENTS).get_indexer(p["movement"].to_numpy(dtype=object))
    before = pd.to_numeric(p["previous_box"]).to_numpy(dtype=float)
    step = np.nan_to_num(np.abs(p["box"].to_numpy(dtype=float) - before), nan=0.0)
    order = np.lexsort((nip_rank(p["nip"]), -step, rank))
    out = p.iloc[order][cols].reset_index(drop=True)
    out["previous_box"] = before[order]  # a number, NaN for the new
    return out


def compared(data: RunData) -> str | None:
    """The cycle the run is compared against (SPEC §4.10), or None when it has none: then
    everybody is `baru`, and the human outputs say so once instead of listing them (the csv
    and the JSON keep every row)."""
    return getattr(data.movement, "previous_cycle", None)


def movement_matrix(data: RunData) -> pd.DataFrame:
    """The 9 x 9 counts, previous box (rows, 9 to 1) -> box (columns 1 to 9): each person
    known in both cycles counted once."""
    grid = pd.DataFrame(0, index=range(9, 0, -1), columns=range(1, 10), dtype=np.int64)
    m = getattr(data.movement, "matrix", None) or {}
    for a, row in m.items():
        for b, n in row.items():
            grid.at[int(a), int(b)] = int(n)
    return grid


# list code -> builder; the order of sheets/files after the summary views
LISTS: dict[str, Callable[[RunData], pd.DataFrame]] = {
    "hasil": hasil,
    **{k: (lambda d, p=p: placement_list(d, p)) for k, p in PLACEMENT_LISTS.items()},
    "suksesi": suksesi,
    "kandidat": kandidat,
    "rencana": rencana,
    "anggaran": anggaran,
    "kesetaraan": kesetaraan,
    "tidak_lengkap": tidak_lengkap,
    "kalibrasi": kalibrasi,
    "pergerakan": pergerakan,
}


def nip_order(frame: pd.DataFrame) -> np.ndarray | None:
    """The rows of FRAME in NIP order (stable), or None when they already are."""
    return _sorted_by(frame["nip"])


def _sorted_by(values: pd.Series) -> np.ndarray | None:
    """The stable order of a text column (Arrow sorts UTF-8 bytes: Python's string order),
    or None when it is in order already."""
    if increasing(values):
        return None
    text = strings(values)
    if text is None:
        return np.argsort(values.to_numpy(dtype=object), kind="stable")
    return pc.array_sort_indices(text).to_numpy().astype(np.int64)


def increasing(values: pd.Series) -> bool:
    """Strictly increasing (sorted, no repeats): one comparison of neighbours per row."""
    if values.dtype == object:
        v = values.to_numpy()
        return bool((v[1:] > v[:-1]).all())
    text = strings(values)  # an Arrow string column: compared in C
    if text is None or text.null_count:
        v = values.to_numpy(dtype=object)
        return bool((v[1:] > v[:-1]).all())
    return len(text) < 2 or bool(
        pc.all(pc.greater(text.slice(1), text.slice(0, len(text) - 1))).as_py()
    )


# ------------------------------------------------------------------ grouping without hashing text


def factorize(values: pd.Series) -> tuple[np.ndarray, list]:
    """Codes by first appearance (-1 for NaN/None/NA) and the distinct values as Python
    objects, distinct as far as their text goes: unlike pd.factorize, 0.0 and -0.0 differ,
    and so do 1, 1.0 and True in a column of objects.

    A column of Python objects is grouped by object identity first, one integer per row: the
    engine's columns repeat a few shared strings, and hashing their text row by row is ten
    times slower. Equal objects of one type are then merged among the few distinct ones.
    """
    if values.dtype == object:
        ids, first = first_codes(identities(values))
        return _by_value(ids, values.to_numpy()[first].tolist())
    if isinstance(values.dtype, np.dtype) and values.dtype.kind == "f":  # by bits: -0.0 too
        floats = values.to_numpy()
        known = ~np.isnan(floats)
        codes = np.full(len(floats), -1, dtype=np.int64)
        codes[known], bits = pd.factorize(floats[known].view(f"i{floats.itemsize}"))
        return codes, bits.view(floats.dtype).tolist()
    plain = isinstance(values.dtype, np.dtype)  # integers, booleans; else Arrow strings
    codes, uniques = pd.factorize(values.to_numpy() if plain else values)
    return codes.astype(np.int64), list(uniques.tolist())


def _by_value(ids: np.ndarray, objects: list) -> tuple[np.ndarray, list]:
    """Codes of rows grouped by object (IDS into OBJECTS) merged by type and value."""
    codes = np.full(len(objects) + 1, -1, dtype=np.int64)  # the last one: ids of -1 (none)
    seen: dict = {}
    uniques: list = []
    for i, v in enumerate(objects):
        if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
            continue
        key = (type(v), v, math.copysign(1.0, v) if isinstance(v, float) else 0.0)
        try:
            code = seen.setdefault(key, len(uniques))
        except TypeError:  # unhashable: its own value
            code = len(uniques)
        if code == len(uniques):
            uniques.append(v)
        codes[i] = code
    return codes[ids], uniques


def first_codes(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Factorize codes of integer KEYS and the first row of each code."""
    codes = pd.factorize(keys)[0].astype(np.int64)
    return codes, first_rows(codes)


def identities(values: pd.Series | np.ndarray) -> np.ndarray:
    """The address of each object of an object column (valid while the column lives)."""
    objects = values.to_numpy() if isinstance(values, pd.Series) else values
    return np.frombuffer(objects.tobytes(), dtype=np.intp)


def positions(keys: pd.Series, among: pd.Series) -> np.ndarray:
    """For each of KEYS its row in AMONG (unique values), or -1.

    Plans hold the very NIP objects of the people they were made for, in the same order, so
    the usual case is recognised by object identity alone; otherwise rows are looked up.
    """
    if keys.dtype == object and among.dtype == object and len(keys):
        ids, people = identities(keys), identities(among)
        starts = np.flatnonzero(np.diff(ids, prepend=ids[0] - 1))
        if len(starts) == len(people) and (ids[starts] == people).all():
            return np.repeat(np.arange(len(people)), np.diff(starts, append=len(ids)))
    text, known = strings(keys), strings(among)
    if text is None or known is None:  # not text: pandas looks the values up
        return pd.Index(among).get_indexer(keys).astype(np.int64)
    found = pc.index_in(text, value_set=known)
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def strings(values: pd.Series) -> pa.Array | None:
    """A text column as an Arrow string array (None and NaN as null); None if not all text."""
    try:
        out = pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return None
    return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out


# ------------------------------------------------------------------ chart data (SPEC §5)

JPM_BIN = 10  # the JPM distribution in bins of 10 points (a picture, not a rule)


def jpm_bins(data: RunData) -> pd.DataFrame:
    """How many classified people per JPM bin: 0-10, 10-20, ..., 90-100 (100 in the last)."""
    edges = np.arange(0, 100 + JPM_BIN, JPM_BIN)
    jpm = data.people["jpm"].to_numpy(dtype=float)
    count, _ = np.histogram(np.clip(jpm[~np.isnan(jpm)], 0, 100), bins=edges)
    labels = [f"{lo}–{lo + JPM_BIN}" for lo in edges[:-1]]
    return pd.DataFrame({"bin": labels, "count": count.astype(int)})


def boxes_by_unit(data: RunData) -> pd.DataFrame:
    """Per unit (no unit last, as unit_counts), the people in each box 1-9."""
    p = data.people
    unit = p["unit"].astype(object).fillna("").rename("unit")
    out = pd.crosstab(unit, p["box"]).reindex(columns=range(1, 10), fill_value=0)
    out.columns = [str(b) for b in out.columns]
    out = out.reset_index()
    out["unit"] = out["unit"].replace("", np.nan)
    return out.sort_values("unit").reset_index(drop=True)


def gaps_by_competency(data: RunData) -> pd.DataFrame:
    """Per competency (rules order): people with a light gap and with a severe one
    (delta <= the rules' berat_max), as the plans read them."""
    p, severe = data.people, data.rules.status.berat_max
    rows = []
    for code in data.rules.competency_codes:
        gap = p[f"status_{code}"].to_numpy() == "gap"
        berat = gap & (p[f"delta_{code}"].to_numpy(dtype=float) <= severe)
        rows.append((code, int(gap.sum() - berat.sum()), int(berat.sum())))
    return pd.DataFrame(rows, columns=["competency", "ringan", "berat"])


def programme_summary(data: RunData) -> pd.DataFrame:
    """Per programme of the plans (catalogue order): people, total JP and total cost."""
    plans = data.plans
    g = plans.groupby("code", sort=False)
    out = pd.DataFrame({"people": g["nip"].nunique(), "jp": g["jp"].sum(), "cost": g["cost"].sum()})
    names = {p.code: p.name for p in data.rules.training.catalogue}
    order = [c for c in names if c in out.index] + sorted(set(out.index) - set(names))
    out = out.reindex(order).reset_index(names="code")
    out.insert(1, "programme", out["code"].map(names).fillna(out["code"]))
    return out.astype({"people": int, "jp": int, "cost": int})
