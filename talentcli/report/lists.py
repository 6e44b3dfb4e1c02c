"""Pure: the lists every report format shows, as DataFrames with stable English column codes.

Writers translate headers with `labels.header()` and values with `labels.value()`; the
rows and their order are decided here once, so xlsx, csv and html always agree.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from talentcli.pipeline import RunData
from talentcli.store import RESULT_COLUMNS

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


def hasil(data: RunData) -> pd.DataFrame:
    """One row per classified person: every field of the JSON person, flattened."""
    comps = data.rules.competency_codes
    per = [f"{k}_{c}" for k in ("score", "standard", "delta", "status") for c in comps]
    head, axes = RESULT_COLUMNS[: len(PERSON)], RESULT_COLUMNS[len(PERSON) :]
    cols = [*head, *per, *axes, "plan_jp", "plan_cost"]
    out = data.people.sort_values("nip")[cols].copy()
    out["notes"] = out["notes"].map("; ".join)
    return out.reset_index(drop=True)


def placement_list(data: RunData, placement: str) -> pd.DataFrame:
    """People with one placement, best first (box, JPM), with the box recommendation."""
    p = data.people[data.people["placement"] == placement]
    p = p.sort_values(["box", "jpm", "nip"], ascending=[False, False, True])
    out = p[[*PERSON[:5], *AXES, "placement", "readiness", "notes"]].copy()
    out["notes"] = out["notes"].map("; ".join)
    rec = data.rules.recommendation
    out["recommendation"] = [rec(b, pl) for b, pl in zip(out["box"], out["placement"], strict=True)]
    return out.reset_index(drop=True)


def suksesi(data: RunData) -> pd.DataFrame:
    """The talent pool (succession group): who, how ready, for which level next."""
    promotes = {c: lv.promotes_to for c, lv in data.rules.job_levels.items()}
    p = data.people[data.people["talent_pool"]]
    p = p.sort_values(["box", "jpm", "nip"], ascending=[False, False, True])
    out = p[[*PERSON[:5], *AXES, "readiness"]].copy()
    out["promotes_to"] = out["job_level"].map(promotes)
    return out.reset_index(drop=True)


def kandidat(data: RunData) -> pd.DataFrame:
    """Each vacancy with its ranked candidates (a vacancy without candidates keeps one row)."""
    vac = data.vacancies.rename(
        columns={"jabatan": "vacancy_jabatan", "unit": "vacancy_unit", "job_level": "vacancy_level"}
    )
    cand = data.candidates.merge(
        data.people[["nip", "jabatan", "unit"]], on="nip", how="left"
    ).rename(columns={"job_level": "candidate_level"})
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
        "box",
    ]
    if data.assignment is not None:  # report --assign: the optimal one-to-one proposal
        seats = data.assignment.assign(assigned=True)[["kode", "nip", "assigned"]]
        out = out.merge(seats, on=["kode", "nip"], how="left")
        out["assigned"] = out["assigned"].eq(True)
        cols.append("assigned")
    return out[cols].reset_index(drop=True)


def rencana(data: RunData) -> pd.DataFrame:
    """One row per person x programme, in plan order."""
    who = data.people[["nip", "nama", "unit", "box"]]
    out = data.plans.merge(who, on="nip", how="left").sort_values(["nip", "seq"])
    cols = [
        "nip",
        "nama",
        "unit",
        "box",
        "seq",
        "code",
        "programme",
        "competency",
        "form",
        "jp",
        "cost",
        "reason",
    ]
    return out[cols].reset_index(drop=True)


def tidak_lengkap(data: RunData) -> pd.DataFrame:
    """Cohort members who could not be classified, with the reason."""
    return data.incomplete.sort_values("nip")[["nip", "nama", "reason"]].reset_index(drop=True)


def counts(data: RunData, column: str, order: list) -> pd.DataFrame:
    """How many classified people per value of COLUMN, in ORDER then any others."""
    got = data.people[column].value_counts()
    keys = list(dict.fromkeys([*order, *sorted(got.index, key=str)]))
    return pd.DataFrame({column: keys, "count": [int(got.get(k, 0)) for k in keys]})


def unit_counts(data: RunData) -> pd.DataFrame:
    """Per unit: people, talent pool, each placement, plan JP and cost."""
    p = data.people
    g = p.groupby("unit", dropna=False)
    places = pd.crosstab(p["unit"], p["placement"]).reindex(columns=list(PLACEMENT_LISTS))
    out = pd.DataFrame(
        {
            "people": g.size(),
            "talent_pool": g["talent_pool"].sum(),
            "plan_jp": g["plan_jp"].sum(),
            "plan_cost": g["plan_cost"].sum(),
        }
    ).join(places.fillna(0).astype(int))
    cols = ["people", "talent_pool", *PLACEMENT_LISTS, "plan_jp", "plan_cost"]
    return out[cols].reset_index().sort_values("unit").reset_index(drop=True)


# list code -> builder; the order of sheets/files after the summary views
LISTS: dict[str, Callable[[RunData], pd.DataFrame]] = {
    "hasil": hasil,
    **{k: (lambda d, p=p: placement_list(d, p)) for k, p in PLACEMENT_LISTS.items()},
    "suksesi": suksesi,
    "kandidat": kandidat,
    "rencana": rencana,
    "tidak_lengkap": tidak_lengkap,
}


def by_nip(frame: pd.DataFrame) -> pd.DataFrame:
    """FRAME sorted by NIP; FRAME itself when it already is (a run comes sorted from the store)."""
    return frame if increasing(frame["nip"]) else frame.sort_values("nip", kind="stable")


def increasing(values: pd.Series) -> bool:
    """Strictly increasing (sorted, no repeats): one comparison of neighbours per row."""
    v = values.to_numpy(dtype=object)
    return bool((v[1:] > v[:-1]).all())
