"""The data handed between the layers: what a service returns, what the writers read.

No logic lives here; nothing here imports the store, the engine or the report writers, so
every layer can import it without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from talentcli.rules import Rules


@dataclass(frozen=True)
class Signatory:
    """Who signs the lists (talent.yaml `penandatangan`)."""

    jabatan: str = ""
    nama: str = ""
    nip: str = ""


@dataclass(frozen=True)
class Instansi:
    """The agency the reports are for (talent.yaml `instansi`): titles and signature blocks
    come from here, never from code (SPEC §5)."""

    nama: str = ""
    kota: str = ""
    penandatangan: Signatory = field(default_factory=Signatory)


@dataclass
class RunSummary:
    """What `classify` tells the user."""

    run_id: int
    cycle: str
    as_of: str
    people: int
    classified: int
    incomplete: pd.DataFrame
    boxes: dict[int, int]
    calibrations: pd.DataFrame | None = None  # the committee's decisions, applied or not


@dataclass
class RunData:
    """Everything a report needs from one stored run."""

    run: dict
    rules: Rules
    people: pd.DataFrame
    incomplete: pd.DataFrame
    inputs: pd.DataFrame
    plans: pd.DataFrame
    vacancies: pd.DataFrame
    candidates: pd.DataFrame
    assignment: pd.DataFrame | None = None  # report --assign: kode, seat, nip, fit
    instansi: Instansi = field(default_factory=Instansi)  # from the workspace's talent.yaml
    budget: int | None = None  # report --budget (rupiah): plans carry `funded` (SPEC §4.12)
    title: str = ""  # report --per-unit: the unit a workbook is for (its name in the title)
    equity: dict | None = None  # the equity view, made once from the real NIPs (SPEC §4.11)
    # per vacancy: pool, candidates, reason when none, excluded_<criterion> (SPEC §4.7)
    vacancy_pools: pd.DataFrame | None = None
    # the committee's decisions of the run (SPEC §5 `calibrations`), applied or not
    calibrations: pd.DataFrame | None = None
    # against the previous cycle's latest run (SPEC §4.10): engine.history.Movement
    movement: Any = None
