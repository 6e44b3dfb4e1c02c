"""CSV: one file per list, UTF-8 with BOM (Excel opens it right), stable English codes.

Headers and values are the machine codes (SPEC §1), so the files diff cleanly between
runs: same store + same rules -> byte-identical files. Text that a spreadsheet would run
as a formula gets a leading apostrophe (SPEC §8).

Arrow's CSV writer (pyarrow.csv) writes the rows, a batch at a time: text quoted (every text
cell, as Arrow does), numbers and booleans bare, missing values empty, CRLF line ends. The
apostrophes are put in by pyarrow.compute, so no Python runs per cell.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from talentcli import __version__
from talentcli.model import RunData
from talentcli.report import lists
from talentcli.safety import private_file

FORMULA_PATTERN = r"^[=+\-@\t\r]"  # safety.FORMULA_START: the starts spreadsheets run (SPEC §8)
BOM = b"\xef\xbb\xbf"
BATCH = 100_000  # rows converted to Arrow at a time: bounds the memory at a million people
OPTIONS = pacsv.WriteOptions(quoting_style="needed", quoting_header="none", eol="\r\n")


def write(data: RunData, out: Path, lang: str = "id") -> list[Path]:
    """talenta-<cycle>-<list>.csv for every list, and -sumber.csv saying what they came from."""
    builders = {"sumber": provenance, **lists.lists_for(data.rules)}
    paths = []
    for code, build in builders.items():
        paths.append(out / f"talenta-{data.run['cycle']}-{code}.csv")
        write_frame(build(data), paths[-1])
    return paths


def write_frame(frame: pd.DataFrame, path: Path) -> None:
    """FRAME as a CSV file with a BOM, owner-only and atomically (safety.private_file)."""
    with private_file(path) as tmp, pa.OSFile(str(tmp), "wb") as sink:
        sink.write(BOM)
        first = table(frame.iloc[:BATCH])
        with pacsv.CSVWriter(sink, first.schema, write_options=OPTIONS) as writer:
            writer.write_table(first)
            for start in range(BATCH, len(frame), BATCH):
                writer.write_table(table(frame.iloc[start : start + BATCH]))


def table(frame: pd.DataFrame) -> pa.Table:
    """Rows of a list as an Arrow table, each column as column() makes it."""
    arrays = [column(frame.iloc[:, i]) for i in range(frame.shape[1])]
    return pa.Table.from_arrays(arrays, names=[str(c) for c in frame.columns])


def column(values: pd.Series) -> pa.Array:
    """Booleans and numbers as they are (NaN missing), anything else as defused text."""
    kind = column_kind(values)
    if kind in ("bool", "number"):
        return pa.array(values.to_numpy(), from_pandas=True)
    try:
        if kind == "text" and isinstance(values.dtype, pd.CategoricalDtype):
            codes = pa.array(values, from_pandas=True)  # each distinct text defused once
            return defused(codes.dictionary.cast(pa.large_string())).take(codes.indices)
        if kind == "text":
            return defused(pa.array(values, type=pa.large_string(), from_pandas=True))
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # not all text: as pandas words it
        pass
    return defused(pa.array(values.astype("string"), type=pa.large_string(), from_pandas=True))


def column_kind(values: pd.Series) -> str | None:
    """How a column is written: bool, number, text; None for the dtypes the lists never hold
    (datetimes, nullable numbers), which are worded by pandas first. Categories of text (the
    plan rows' programme columns) are text."""
    dtype = values.dtype
    if dtype == np.dtype(bool):
        return "bool"
    if isinstance(dtype, np.dtype) and dtype.kind in "iuf":
        return "number"
    if dtype == np.dtype(object) or isinstance(dtype, pd.StringDtype):
        return "text"
    if (
        isinstance(dtype, pd.CategoricalDtype)
        and column_kind(dtype.categories.to_series()) == "text"
    ):
        return "text"
    return None


def defused(text: pa.Array) -> pa.Array:
    """TEXT with a leading apostrophe where a cell starts like a formula (in C)."""
    risky = pc.match_substring_regex(text, FORMULA_PATTERN)
    if not pc.any(risky).as_py():
        return text
    return pc.if_else(risky, pc.utf8_replace_slice(text, 0, 0, "'"), text)


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
