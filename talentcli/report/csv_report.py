"""CSV: one file per list, UTF-8 with BOM (Excel opens it right), stable English codes.

Headers and values are the machine codes (SPEC §1), so the files diff cleanly between
runs: same store + same rules -> byte-identical files. Text that a spreadsheet would run
as a formula gets a leading apostrophe (SPEC §8).

The text is what pandas' to_csv writes (QUOTE_MINIMAL, CRLF, NaN as empty), built column by
column in chunks (report/columnar.py): numbers and repeated values are formatted once per
distinct value, free text is defused and quoted in C.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from talentcli import __version__
from talentcli.model import RunData
from talentcli.report import columnar as col
from talentcli.report import lists
from talentcli.report.columnar import CHUNK, Coded, Lines

FORMULA_PATTERN = r"^[=+\-@\t\r]"  # the starts spreadsheets run as formulas (SPEC §8)
FORMULA_START = col.byte_table("=+-@\t\r")
NEEDS_QUOTES = ',"\r\n'  # QUOTE_MINIMAL: the delimiter, the quote, line ends
BOM = "\ufeff"


def frame_text(frame: pd.DataFrame) -> str:
    """A list as CSV text: codes as they are, booleans as true/false, NaN as empty; text that
    starts like a formula gets a leading apostrophe."""
    return "".join(p if isinstance(p, str) else p.text() for p in csv_pieces(frame))


def csv_pieces(frame: pd.DataFrame, shown: PeopleCells | None = None) -> Iterator[str | Lines]:
    """The header line, then the rows in chunks; columns of people's rows from SHOWN."""
    kinds = {name: _kind(frame[name]) for name in frame.columns}
    if len(frame.columns) < 2 or None in kinds.values():
        yield pandas_text(frame)  # a shape the columnar writer does not cover: pandas itself
        return
    shows = frame.attrs.get(lists.PEOPLE_ROWS)
    rows = None if shows is None else shows.rows
    known = {n: shown.cells(n, frame[n], rows) for n in frame.columns} if shown else {}
    yield frame.iloc[:0].to_csv(index=False, lineterminator="\r\n")
    for start in range(0, len(frame), CHUNK):
        part = frame.iloc[start : start + CHUNK]
        parts: list = []
        mine = None if rows is None else _as_slice(rows[start : start + CHUNK])
        for name, kind in kinds.items():
            cells = known.get(name)
            if cells is None:
                parts += [",", field(part[name], kind)]
            else:
                parts += [",", _take(cells, mine)]
        yield col.lines([*parts[1:], "\r\n"])


class PeopleCells:
    """The cells of people's columns, worked out once for every list that shows people.

    A list says which people rows it shows (lists.PEOPLE_ROWS); a column of it is taken from
    here when it holds exactly the people's values at those rows (the same objects, the same
    numbers), which is checked, not assumed.
    """

    def __init__(self, people: pd.DataFrame) -> None:
        self.people = people
        self.done: dict[str, Coded | pa.Array] = {}

    def cells(
        self, name: str, values: pd.Series, rows: np.ndarray | None
    ) -> Coded | pa.Array | None:
        """The people's cells of column NAME if VALUES are theirs at ROWS, else None."""
        if rows is None or name not in self.people or len(rows) != len(values):
            return None
        mine = self.people[name]
        if mine.dtype != values.dtype or not isinstance(mine.dtype, np.dtype):
            return None  # Arrow strings: no objects to compare
        if not _same(values.to_numpy(), mine.to_numpy(), rows):
            return None
        if name not in self.done:
            kind = _kind(mine)
            self.done[name] = None if kind is None else field(mine, kind)
        return self.done[name]


def _same(values: np.ndarray, people: np.ndarray, rows: np.ndarray) -> bool:
    """VALUES are PEOPLE[ROWS]: the very objects, or the same bits of each number."""
    same = values.ctypes.data == people.ctypes.data and values.strides == people.strides
    if same and len(values) == len(people) and _is_range(rows):
        return True  # the people's own column, in their order
    if values.dtype == object:
        return bool((col.identities(values) == col.identities(people)[rows]).all())
    if values.dtype.kind in "biuf":
        width = f"u{values.dtype.itemsize}"
        return bool((values.view(width) == people.view(width)[rows]).all())
    return False


def _is_range(rows: np.ndarray) -> bool:
    return len(rows) > 0 and rows[0] == 0 and bool((np.diff(rows) == 1).all())


def _as_slice(rows: np.ndarray) -> slice | np.ndarray:
    """Consecutive rows as a slice (a view, no copy), any others as they are."""
    if len(rows) and rows[-1] - rows[0] == len(rows) - 1 and _is_range(rows - rows[0]):
        return slice(int(rows[0]), int(rows[-1]) + 1)
    return rows


def _take(cells: Coded | pa.Array, rows: slice | np.ndarray) -> Coded | pa.Array:
    if isinstance(cells, Coded):
        return Coded(cells.codes[rows], cells.texts)
    if isinstance(rows, slice):
        return cells.slice(rows.start, rows.stop - rows.start)
    return cells.take(pa.array(rows))


def _kind(values: pd.Series) -> str | None:
    """How a column is written: bool, number, coded (few distinct values), text; None for
    the dtypes the lists never hold (datetimes, categories, nullable numbers)."""
    dtype = values.dtype
    if dtype == np.dtype(bool):
        return "bool"
    if isinstance(dtype, np.dtype) and dtype.kind in "iuf":
        return "number"
    if dtype == np.dtype(object) or isinstance(dtype, pd.StringDtype):
        return "coded" if col.few_distinct(values) else "text"
    return None


def field(values: pd.Series, kind: str) -> Coded | pa.Array:
    """One column's cells as to_csv writes them, after defusing formulas."""
    if kind == "bool":
        return Coded(values.to_numpy().astype(np.int64), ["false", "true"])
    if kind == "number":  # numpy's text of each distinct number, as to_csv; NaN empty
        codes, uniques = col.factorize(values)
        texts = np.array(uniques, dtype=values.dtype).astype(str).tolist()
        return Coded(codes % (len(texts) + 1), [*texts, ""])
    if kind == "text":  # rows repeating their neighbour (a person's plan rows) once per run
        heads, run = col.runs(values)
        text = col.strings(values.iloc[heads])
        if text is not None:
            return free_text(text) if run is None else free_text(text).take(pa.array(run))
    return col.coded(values, cell)


def cell(value: object) -> str:
    """One value of a text column as to_csv writes it, defused."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return ""
    text = repr(value) if isinstance(value, float) else str(value)  # as the csv module does
    if text[:1] and text[0] in "=+-@\t\r":
        text = "'" + text
    if any(c in text for c in NEEDS_QUOTES):
        text = '"' + text.replace('"', '""') + '"'
    return text


def free_text(text: pa.Array) -> pa.Array:
    """Cells of a text column, in C: apostrophe before formulas, quotes where needed."""
    risky = col.starting_with(text, FORMULA_START)
    if risky.any():
        text = pc.if_else(pa.array(risky), pc.binary_join_element_wise("'", text, ""), text)
    rows = col.rows_with(text, NEEDS_QUOTES)
    if len(rows):
        inner = pc.replace_substring(text, '"', '""') if len(col.rows_with(text, '"')) else text
        quoted = pc.binary_join_element_wise('"', inner, '"', "")
        mask = np.zeros(len(text), dtype=bool)
        mask[rows] = True
        text = pc.if_else(pa.array(mask), quoted, text)
    return pc.fill_null(text, "")


def pandas_text(frame: pd.DataFrame) -> str:
    """The same text through pandas' to_csv (vectorised: one regex per column)."""
    out = frame.copy()
    for name in out.columns:
        if out[name].dtype == bool:
            out[name] = out[name].map({True: "true", False: "false"})
        elif not pd.api.types.is_numeric_dtype(out[name]):
            text = out[name].astype("string")
            risky = text.str.match(FORMULA_PATTERN).fillna(False).to_numpy(dtype=bool)
            if risky.any():
                out[name] = out[name].astype(object)
                out.loc[risky, name] = "'" + text[risky]
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
    builders = {"sumber": provenance, **lists.LISTS}
    shown = PeopleCells(data.people)

    def files():  # each list is built once the previous one is handed to the writer
        for code, build in builders.items():
            path = out / f"talenta-{data.run['cycle']}-{code}.csv"
            yield path, chain([BOM], csv_pieces(build(data), shown))

    return col.write_files(files())
