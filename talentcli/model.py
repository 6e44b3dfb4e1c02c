"""The data handed between the layers: what a service returns, what the writers read.

No logic lives here; nothing here imports the store, the engine or the report writers, so
every layer can import it without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from talentcli.rules import Rules


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
