"""Open a spreadsheet or CSV file as grids of raw cells, refusing unusable files early."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from talentcli.ingest.extras import ods_extras, xls_formula_errors, xlsx_formula_errors
from talentcli.workbook import check_file, corrupt, read_sheets, take

__all__ = ["HEAD_ROWS", "Grid", "check_file", "open_grids", "read_csv"]
HEAD_ROWS = 30  # the header is looked for in the first 30 rows (SPEC §3)


@dataclass
class Grid:
    """One sheet's raw cells; row position p is Excel row (CSV line) p + 1.

    Workbook sheets keep calamine's list of row lists (no DataFrame of every cell is
    built); a CSV keeps pandas' frame of strings. Columns are taken out one at a time.
    """

    sheet: str
    data: list[list] | pd.DataFrame
    is_csv: bool = False
    source: Path | None = None
    hidden: bool = False  # a hidden sheet (lookup lists) is read only when --sheet names it

    @cached_property
    def formula_errors(self) -> dict[tuple[int, int], str]:
        """(row, col) -> '#DIV/0!' for formula cells whose saved value is an error.

        calamine reads those as empty; read on demand (xlsx, xlsm, ods XML; xls via xlrd).
        """
        ext = self.source.suffix.lower() if self.source else ""
        if ext in (".xlsx", ".xlsm"):
            return xlsx_formula_errors(self.source, self.sheet)
        if ext == ".ods":
            return ods_extras(self.source, self.sheet)[0]
        if ext == ".xls":
            return xls_formula_errors(self.source, self.sheet)
        return {}

    def formula_errors_read(self) -> dict[tuple[int, int], str]:
        """formula_errors if they were looked up already (validation does so only when a row
        with data has an empty cell), else nothing: never reads the file for them."""
        return self.__dict__.get("formula_errors") or {}

    def fill_merged_ods(self) -> None:
        """calamine reports no merged ranges for ods: read them from the XML and fill."""
        if self.source is not None and self.source.suffix.lower() == ".ods":
            assert isinstance(self.data, list)
            _fill_merged(self.data, ods_extras(self.source, self.sheet)[1])

    def __len__(self) -> int:
        return len(self.data)

    @property
    def width(self) -> int:
        """Number of columns."""
        if isinstance(self.data, pd.DataFrame):
            return self.data.shape[1]
        return max((len(r) for r in self.data[:HEAD_ROWS]), default=0)

    def head(self, n: int) -> list[list]:
        """The first n rows as lists."""
        if isinstance(self.data, pd.DataFrame):
            return self.data.head(n).to_numpy().tolist()
        return [list(r) for r in self.data[:n]]

    def column(self, col: int, start: int) -> pd.Series:
        """Column COL from row position START down: Arrow text for a CSV read by Arrow,
        else an object Series of the cells as read."""
        if isinstance(self.data, pd.DataFrame):
            cells = self.data.iloc[start:, col].reset_index(drop=True)
            return cells if isinstance(cells.dtype, pd.StringDtype) else cells.astype(object)
        matrix = self._matrix
        if col >= matrix.shape[1]:
            return pd.Series([""] * (len(self) - start), dtype=object)
        return pd.Series(matrix[start:, col], dtype=object, copy=False)  # a read-only view

    @cached_property
    def _matrix(self) -> np.ndarray:
        """calamine's row lists as one 2-D object array, filled by one C-level pass over
        the cells (no per-cell Python); a column is a strided view of it, not a copy."""
        rows = self.data
        widths = set(map(len, rows))  # C-level: calamine's rows are all one width
        width = max(widths, default=0)
        if len(widths) > 1:  # ragged (never seen from calamine): pad to the widest
            rows = [list(r) + [""] * (width - len(r)) for r in rows]
        cells = itertools.chain.from_iterable(rows)
        matrix = np.fromiter(cells, dtype=object, count=len(rows) * width)
        matrix = matrix.reshape(len(rows), width)
        matrix.flags.writeable = False  # columns are handed out as views
        return matrix

    def rows_at(self, positions: np.ndarray) -> list[list]:
        """Whole rows, as they were, by position."""
        if isinstance(self.data, pd.DataFrame):
            return self.data.iloc[positions].to_numpy().tolist()
        return [list(self.data[p]) for p in positions]


# The cells of the workbook read last stay referenced until the next file is opened: a
# command that imports one file ends (os._exit) without freeing a million Python objects one
# by one (0.1 s at 100k rows). Two workbooks are held at most, as while the next one is read.
_LAST_READ: list = []


def release_cells() -> None:
    """Let the cells of the workbook read last go: for a command that goes on after its
    imports (`run` classifies and reports in the same process)."""
    _LAST_READ.clear()


def open_grids(path: Path) -> Iterator[Grid]:
    """Yield each sheet of a workbook (or the one table of a CSV) as a Grid, first sheet first."""
    release_cells()  # the cells of the file read before this one may go now
    if path.suffix.lower() == ".csv":
        yield read_csv(path)
        return
    yield from _read_workbook(path)


def _read_workbook(path: Path) -> Iterator[Grid]:
    sheets = take(path)
    if sheets is None:
        sheets = read_sheets(path)
    _LAST_READ.append(sheets)
    for name, data, merged, hidden in sheets:
        _fill_merged(data, merged)
        yield Grid(name, data, source=path, hidden=hidden)


def _fill_merged(data: list[list], merged: list) -> None:
    """Give every cell of a merged range the value of its top-left cell, as a reader sees it."""
    for (r0, c0), (r1, c1) in merged:
        if r0 >= len(data) or c0 >= len(data[r0]):
            continue
        value = data[r0][c0]
        for r in range(r0, min(r1 + 1, len(data))):
            row = data[r]
            for c in range(c0, min(c1 + 1, len(row))):
                row[c] = value


def read_csv(path: Path) -> Grid:
    """Read a CSV (comma or semicolon; UTF-8 with or without BOM, else Windows-1252) as strings."""
    raw = path.read_bytes()
    encoding = _encoding(raw)
    if b"\x00" in raw[:4096]:
        raise corrupt(path.name, "binary content in a .csv file")
    sample = raw[:65536].decode(encoding, errors="replace")
    sep = _delimiter(sample)
    width = _width(sample, sep)
    fast = _read_csv_arrow(raw, encoding, sep, width, sample)
    if fast is not None:
        return Grid(path.name, fast, is_csv=True)
    try:
        cells = pd.read_csv(
            io.BytesIO(raw),
            sep=sep,
            header=None,
            names=range(width),
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            encoding=encoding,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError):
        cells = _read_csv_slow(raw.decode(encoding), sep)
    return Grid(path.name, cells.fillna(""), is_csv=True)


def _read_csv_arrow(
    raw: bytes, encoding: str, sep: str, width: int, sample: str
) -> pd.DataFrame | None:
    """The common case fast: every row below a title block as wide as the header, read by
    Arrow's multi-threaded parser into Arrow-backed text columns. None when the file is
    ragged (blank lines, footers, ...): the caller reads it with pandas, which pads rows."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    rows = list(csv.reader(sample.splitlines()[:-1], delimiter=sep))  # last line may be cut
    lead = next((i for i, r in enumerate(rows) if len(r) == width), None)
    if lead is None or any(len(r) != width for r in rows[lead:]):
        return None
    names = [str(c) for c in range(width)]
    body = raw[3:] if encoding == "utf-8-sig" else raw
    try:
        table = pacsv.read_csv(
            pa.BufferReader(body),
            read_options=pacsv.ReadOptions(
                skip_rows=lead,
                column_names=names,
                encoding="utf8" if encoding.startswith("utf-8") else encoding,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=sep, newlines_in_values=True, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    text = pd.StringDtype("pyarrow", na_value=np.nan)
    frame = pd.DataFrame({c: pd.Series(table.column(str(c)), dtype=text) for c in range(width)})
    if lead:
        top = pd.DataFrame([r + [""] * (width - len(r)) for r in rows[:lead]], dtype=text)
        frame = pd.concat([top, frame], ignore_index=True)
    return frame


def _encoding(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _delimiter(sample: str) -> str:
    lines = [ln for ln in sample.splitlines()[:50] if ln.strip()]
    best, best_width = ",", 0
    for sep in (",", ";", "\t"):
        widths = sorted(len(r) for r in csv.reader(lines, delimiter=sep))
        width = widths[len(widths) // 2] if widths else 0
        if width > best_width:
            best, best_width = sep, width
    return best


def _width(sample: str, sep: str) -> int:
    lines = sample.splitlines()
    return max((len(r) for r in csv.reader(lines, delimiter=sep)), default=1) or 1


def _read_csv_slow(text: str, sep: str) -> pd.DataFrame:
    """Rows of uneven width: the stdlib reader, padded to a rectangle."""
    rows = list(csv.reader(io.StringIO(text), delimiter=sep))
    width = max((len(r) for r in rows), default=1)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)
