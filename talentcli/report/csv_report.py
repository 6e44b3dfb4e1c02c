"""CSV: one file per list, UTF-8 with BOM (Excel opens it right), stable English codes.

Headers and values are the machine codes (SPEC §1), so the files diff cleanly between
runs: same store + same rules -> byte-identical files. Text that a spreadsheet would run
as a formula gets a leading apostrophe.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from talentcli.pipeline import RunData
from talentcli.report import lists
from talentcli.safety import private_file, safe_text


def frame_text(frame: pd.DataFrame) -> str:
    """A list as CSV text: codes as they are, booleans as true/false, NaN as empty."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == bool:
            out[col] = out[col].map({True: "true", False: "false"})
        elif not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(safe_text)
    return out.to_csv(index=False, lineterminator="\r\n")


def write(data: RunData, out: Path, lang: str = "id") -> list[Path]:
    """talenta-<cycle>-<list>.csv for every list (codes are language-neutral)."""
    paths = []
    for code, build in lists.LISTS.items():
        path = out / f"talenta-{data.run['cycle']}-{code}.csv"
        with private_file(path) as tmp:
            tmp.write_text(frame_text(build(data)), encoding="utf-8-sig", newline="")
        paths.append(path)
    return paths
