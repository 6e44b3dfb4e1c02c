"""CSV: one file per list, UTF-8 with BOM (Excel opens it right), stable English codes.

Headers and values are the machine codes (SPEC §1), so the files diff cleanly between
runs: same store + same rules -> byte-identical files. Text that a spreadsheet would run
as a formula gets a leading apostrophe.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from talentcli import __version__
from talentcli.pipeline import RunData
from talentcli.report import lists
from talentcli.safety import private_file

FORMULA_PATTERN = r"^[=+\-@\t\r]"  # the starts spreadsheets run as formulas (SPEC §8)


def frame_text(frame: pd.DataFrame) -> str:
    """A list as CSV text: codes as they are, booleans as true/false, NaN as empty; text that
    starts like a formula gets a leading apostrophe (vectorised: one regex per column)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == bool:
            out[col] = out[col].map({True: "true", False: "false"})
        elif not pd.api.types.is_numeric_dtype(out[col]):
            text = out[col].astype("string")
            risky = text.str.match(FORMULA_PATTERN).fillna(False).to_numpy(dtype=bool)
            if risky.any():
                out[col] = out[col].astype(object)
                out.loc[risky, col] = "'" + text[risky]
    return out.to_csv(index=False, lineterminator="\r\n")


def provenance(data: RunData) -> pd.DataFrame:
    """What the lists were made from, as key/value rows (tool, cycle, as_of, rules, inputs)."""
    run = data.run
    rows = [
        ("tool", f"talentcli {__version__}"),
        ("cycle", run["cycle"]),
        ("as_of", run["as_of"]),
        ("rules", run["rules_name"]),
        ("rules_sha256", run["rules_sha256"]),
    ]
    rows += [(f"input:{r.kind}", f"{r.file} sha256={r.sha256}") for r in data.inputs.itertuples()]
    return pd.DataFrame(rows, columns=["key", "value"])


def write(data: RunData, out: Path, lang: str = "id") -> list[Path]:
    """talenta-<cycle>-<list>.csv for every list, and -sumber.csv saying what they came from."""
    paths = []
    path = out / f"talenta-{data.run['cycle']}-sumber.csv"
    with private_file(path) as tmp:
        tmp.write_text(frame_text(provenance(data)), encoding="utf-8-sig", newline="")
    paths.append(path)
    for code, build in lists.LISTS.items():
        path = out / f"talenta-{data.run['cycle']}-{code}.csv"
        with private_file(path) as tmp:
            tmp.write_text(frame_text(build(data)), encoding="utf-8-sig", newline="")
        paths.append(path)
    return paths
