"""What-if (SPEC §4.13): the latest run held against the same cycle classified with other
rules. Pure: two frames of people in, the changes out; nothing is read or stored here."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

FIELDS = ("box", "placement", "talent_pool", "jpm_category", "plan_jp")


@dataclass
class Comparison:
    """Per field how many people change; the box -> box matrix; each change."""

    people: int  # classified in either run
    changed: dict[str, int]  # field -> people whose value differs
    matrix: dict[str, dict[str, int]]  # old box -> new box -> people (classified in both)
    changes: pd.DataFrame  # nip, nama, field, old, new: by NIP, then field order


def compare(old: pd.DataFrame, new: pd.DataFrame) -> Comparison:
    """OLD (the stored run) against NEW (the same cycle with other rules): both with nip,
    nama and FIELDS. A person classified in one only has None for the other's values."""
    cols = ["nip", "nama", *FIELDS]
    both = old[cols].merge(new[cols], on="nip", how="outer", suffixes=("_old", "_new"))
    both = both.sort_values("nip", kind="stable").reset_index(drop=True)
    nama = both["nama_old"].where(both["nama_old"].notna(), both["nama_new"])
    parts, changed = [], {}
    for f in FIELDS:
        a, b = both[f"{f}_old"].astype(object), both[f"{f}_new"].astype(object)
        same = (a == b).to_numpy(dtype=bool) | (a.isna() & b.isna()).to_numpy(dtype=bool)
        rows = np.flatnonzero(~same)
        changed[f] = len(rows)
        parts.append(
            pd.DataFrame(
                {
                    "nip": both["nip"].to_numpy(dtype=object)[rows],
                    "nama": nama.to_numpy(dtype=object)[rows],
                    "field": f,
                    "old": _values(a.iloc[rows]),
                    "new": _values(b.iloc[rows]),
                    "order": FIELDS.index(f),
                }
            )
        )
    changes = pd.concat(parts, ignore_index=True).sort_values(["nip", "order"], kind="stable")
    return Comparison(len(both), changed, _matrix(both), changes.drop(columns="order"))


def _values(column: pd.Series) -> list:
    """Python values with None for missing; whole numbers as int (a merge makes floats).
    Only the changed people's values come here."""
    out = []
    for v in column.tolist():
        if v is None or (isinstance(v, float) and np.isnan(v)):
            out.append(None)
        elif isinstance(v, (bool, np.bool_)):
            out.append(bool(v))
        elif isinstance(v, (int, float, np.integer, np.floating)):
            out.append(int(v) if float(v).is_integer() else float(v))
        else:
            out.append(v)
    return np.array([*out, None], dtype=object)[:-1]  # [None]: never a 2-d array


def _matrix(both: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Old box -> new box -> people, over the people classified in both runs."""
    known = both["box_old"].notna() & both["box_new"].notna()
    pairs = both.loc[known, ["box_old", "box_new"]].astype(int)
    table = pd.crosstab(pairs["box_old"], pairs["box_new"])
    table = table.reindex(index=range(1, 10), columns=range(1, 10), fill_value=0)
    return {str(a): {str(b): int(table.at[a, b]) for b in range(1, 10)} for a in range(9, 0, -1)}
