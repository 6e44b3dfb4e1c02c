"""Every input file is read here (SPEC §3, §3.2, §8): the checks made before a byte of it
is parsed, workbooks (xlsx, xlsm, xls, ods, xlsb) through python-calamine, and delimited
text (CSV, Excel's "Unicode Text") through Arrow or pandas under one encoding rule.

Whatever goes wrong inside a reader becomes an InputFileError for that file: a damaged or
hostile export is refused with a message, never a traceback.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from talentcli.errors import InputFileError
from talentcli.ingest.extras import ods_extras, xls_formula_errors, xlsx_formula_errors
from talentcli.limits import Limits

__all__ = ["HEAD_ROWS", "Grid", "Limits", "check_file", "open_grids", "read_text"]
HEAD_ROWS = 30  # the header is looked for in the first 30 rows (SPEC §3)

SPREADSHEET = {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"}
ZIPPED = {".xlsx", ".xlsm", ".ods", ".xlsb"}
TEXT = {".csv", ".txt"}  # .txt: Excel's "Unicode Text" (SPEC §3.2)
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the OLE container of .xls (and encrypted xlsx)
ODS_MANIFEST = "META-INF/manifest.xml"
CHUNK = 1 << 16

Sheet = tuple[str, list[list[Any]], list, bool]  # name, rows of cells, merged ranges, hidden
T = TypeVar("T")

# ------------------------------------------------------------------ checks before reading


def check_file(path: Path, limits: Limits) -> None:
    """Refuse a missing, oversized, unsupported, encrypted or zip-bomb file before reading it."""
    try:
        _check_file(path, limits)
    except OSError as exc:  # no permission, or gone while looked at
        raise unreadable(path.name, exc) from exc


def unreadable(name: str, exc: OSError) -> InputFileError:
    """The refusal of a file the system will not let talentcli read."""
    return InputFileError(
        name,
        "unreadable",
        f"cannot read the file ({exc.strerror or type(exc).__name__}); check that it is "
        "readable by the user running talentcli, or copy it again",
    )


def _check_file(path: Path, limits: Limits) -> None:
    name = path.name
    if not path.is_file():
        raise InputFileError(name, "not-found", "file not found; check the path")
    ext = path.suffix.lower()
    if ext not in SPREADSHEET | TEXT:
        raise InputFileError(
            name,
            "not-a-spreadsheet",
            f"{ext or 'no extension'} is not a supported type; "
            "save it as .xlsx, .xls, .ods or .csv",
        )
    size = path.stat().st_size
    if size == 0:
        raise corrupt(name, "the file is empty, 0 bytes")
    size_mb = size / 2**20
    if size_mb > limits.max_file_mb:
        raise InputFileError(
            name,
            "too-large",
            f"the file is {size_mb:.1f} MB, over the limit of "
            f"{limits.max_file_mb:g} MB; raise limits.max_file_mb in talent.yaml if it is genuine",
        )
    if ext in SPREADSHEET:
        _check_workbook(path, ext, limits)


def _check_workbook(path: Path, ext: str, limits: Limits) -> None:
    with path.open("rb") as fh:
        head = fh.read(2048)
    if not head.startswith((b"PK", CFB_MAGIC)):
        _refuse_web_page(path.name, ext, head)
    if ext in ZIPPED and head.startswith(CFB_MAGIC):
        raise (
            encrypted(path.name)
            if _is_encrypted_ole(path)
            else corrupt(path.name, "an old binary file")
        )
    if ext in ZIPPED:
        _check_zip(path, limits)


def _refuse_web_page(name: str, ext: str, head: bytes) -> None:
    """Web exports often save an HTML table (or Excel 2003 XML) under an .xls name."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not text.startswith(b"<"):
        return
    if b"urn:schemas-microsoft-com:office:spreadsheet" in text:
        what = "an Excel 2003 XML spreadsheet"
    elif any(tag in text for tag in (b"<html", b"<!doctype html", b"<table", b"<body")):
        what = "an HTML page (a web export)"
    else:
        return
    named = "a spreadsheet" if ext == ".ods" else "an Excel"
    raise InputFileError(
        name,
        "not-a-spreadsheet",
        f"the file is {what} saved with {named} name ({ext}), not a workbook; open it in "
        "Excel or LibreOffice and save it as an Excel Workbook (.xlsx), then import that",
    )


def encrypted(name: str) -> InputFileError:
    """The refusal of a password-protected workbook."""
    return InputFileError(
        name,
        "encrypted",
        "the workbook is password-protected; open it in Excel or LibreOffice, "
        "remove the password (File > Info > Protect Workbook) and save a copy",
    )


def corrupt(name: str, what: str) -> InputFileError:
    """The refusal of a file that cannot be read as what its name says."""
    return InputFileError(
        name,
        "corrupt",
        f"the file cannot be read as a spreadsheet ({what}); "
        "export it again or open and re-save it in Excel or LibreOffice",
    )


def _is_encrypted_ole(path: Path) -> bool:
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            return ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage")
    except OSError:
        return False


def _check_zip(path: Path, limits: Limits) -> None:
    """The declared unpacked size of every entry is checked before any entry is read; the
    one entry read here (an ods manifest) is read in chunks, never whole."""
    name = path.name
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check_unpacked_size(name, infos, limits)
            manifest = ODS_MANIFEST in {i.filename for i in infos}
            if manifest and _entry_holds(zf, ODS_MANIFEST, b"encryption-data"):
                raise encrypted(name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, RuntimeError):
        raise corrupt(name, "not a complete xlsx/ods file: truncated, or not a workbook") from None


def _check_unpacked_size(name: str, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    total_mb = sum(i.file_size for i in infos) / 2**20
    if total_mb <= limits.max_unzipped_mb:
        return
    big = max(infos, key=lambda i: i.file_size)
    raise InputFileError(
        name,
        "too-large",
        f"the workbook unpacks to {total_mb:,.0f} MB ({big.filename} alone "
        f"{big.file_size / 2**20:,.0f} MB), over the limit of {limits.max_unzipped_mb:g} MB "
        "(a damaged or hostile file?); nothing was read. If it is genuine, raise "
        "limits.max_unzipped_mb in talent.yaml",
    )


def _entry_holds(zf: zipfile.ZipFile, entry: str, needle: bytes) -> bool:
    """Whether ENTRY holds NEEDLE, read a chunk at a time (zipfile stops at the entry's
    declared size, already within the limit, and checks its CRC)."""
    tail = b""
    with zf.open(entry) as fh:
        while chunk := fh.read(CHUNK):
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle) :]
    return False


# ------------------------------------------------------------------ reading


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
    # delimited text only: the delimiter, how many fields each of the first rows has as
    # written (before the rows are padded to one width), and whether a cell may hold a line
    # break (a quote in a file of fewer rows than lines): an unclosed quote is looked for then
    sep: str = ""
    head_fields: list[int] = field(default_factory=list)
    line_breaks: bool = False

    @cached_property
    def formula_errors(self) -> dict[tuple[int, int], str]:
        """(row, col) -> '#DIV/0!' for formula cells whose saved value is an error.

        calamine reads those as empty; read on demand (xlsx, xlsm, ods XML; xls via xlrd).
        """
        ext = self.source.suffix.lower() if self.source else ""
        readers = {
            ".xlsx": xlsx_formula_errors,
            ".xlsm": xlsx_formula_errors,
            ".ods": lambda path, sheet: ods_extras(path, sheet)[0],
            ".xls": xls_formula_errors,
        }
        if self.source is None or ext not in readers:
            return {}
        return _guarded(self.source, lambda path: readers[ext](path, self.sheet))

    def formula_errors_read(self) -> dict[tuple[int, int], str]:
        """formula_errors if they were looked up already (validation does so only when a row
        with data has an empty cell), else nothing: never reads the file for them."""
        return self.__dict__.get("formula_errors") or {}

    def fill_merged_ods(self) -> None:
        """calamine reports no merged ranges for ods: read them from the XML and fill."""
        if self.source is not None and self.source.suffix.lower() == ".ods":
            assert isinstance(self.data, list)
            merged = _guarded(self.source, lambda path: ods_extras(path, self.sheet)[1])
            _fill_merged(self.data, merged)

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


def open_grids(path: Path) -> Iterator[Grid]:
    """Yield each sheet of a workbook (or the one table of a text file) as a Grid, first
    sheet first. The file is read whole here: an unreadable file fails before any Grid."""
    if path.suffix.lower() in TEXT:
        yield _guarded(path, read_text)
        return
    for name, data, merged, hidden in _guarded(path, read_sheets):
        _fill_merged(data, merged)
        yield Grid(name, data, source=path, hidden=hidden)


def _guarded(path: Path, read: Callable[[Path], T]) -> T:
    """READ(PATH), any failure inside it an InputFileError for that file."""
    try:
        return read(path)
    except InputFileError:
        raise
    except OSError as exc:
        raise unreadable(path.name, exc) from exc
    except MemoryError:
        raise InputFileError(
            path.name, "too-large", "the file does not fit in memory; split it into smaller files"
        ) from None
    except Exception as exc:  # a reader's own error types: a damaged or unusual file
        raise corrupt(path.name, type(exc).__name__) from exc


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of a checked workbook: its cells as python-calamine reads them."""
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
        names = wb.sheet_names
    except pc.PasswordError:
        raise encrypted(path.name) from None
    except Exception as exc:  # calamine raises several types for damaged files
        raise corrupt(path.name, type(exc).__name__) from None
    hidden = _hidden_sheets(wb)
    sheets = []
    for name in names:
        try:
            sheet = wb.get_sheet_by_name(name)
            data = sheet.to_python(skip_empty_area=False)
            merged = _merged_ranges(sheet)
        except pc.PasswordError:
            raise encrypted(path.name) from None
        except Exception as exc:
            raise corrupt(path.name, f"sheet {name!r}: {type(exc).__name__}") from None
        sheets.append((name, data, merged, name in hidden))
    return sheets


def _hidden_sheets(wb: object) -> set[str]:
    try:
        return {m.name for m in wb.sheets_metadata if "Visible" not in str(m.visible)}
    except Exception:  # metadata is best effort: treat every sheet as visible
        return set()


def _merged_ranges(sheet: object) -> list:
    try:
        return list(getattr(sheet, "merged_cell_ranges", None) or [])
    except Exception:  # not every format reports merged cells
        return []


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


# ------------------------------------------------------------------ delimited text


def read_text(path: Path) -> Grid:
    """Read a CSV or Excel "Unicode Text" file (comma, semicolon or tab) as strings."""
    text = utf8_text(path.read_bytes(), path.name)
    if b"\x00" in text[:4096]:
        raise corrupt(path.name, "binary content in a text file")
    sample = text[:65536].decode("utf-8", errors="ignore")  # the cut may split a character
    sep = _delimiter(sample)
    width = _width(sample, sep)
    counted = csv.reader(io.StringIO(sample, newline=""), delimiter=sep)
    written = {
        "sep": sep,
        "head_fields": [len(r) for r in itertools.islice(counted, HEAD_ROWS + 1)],
    }
    lines = text.count(b"\n") + (not text.endswith(b"\n"))  # C-level passes over the bytes
    quoted = b'"' in text
    fast = _read_csv_arrow(text, sep, width, sample)
    if fast is not None:
        broken = quoted and len(fast) < lines
        return Grid(path.name, fast, is_csv=True, line_breaks=broken, **written)
    try:
        cells = pd.read_csv(
            io.BytesIO(text),
            sep=sep,
            header=None,
            names=range(width),
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            encoding="utf-8",
            engine="c",
        )
    except (pd.errors.ParserError, ValueError):
        cells = _read_csv_slow(text.decode("utf-8"), sep, path.name)
    broken = quoted and len(cells) < lines
    return Grid(path.name, cells.fillna(""), is_csv=True, line_breaks=broken, **written)


# A UTF-8 sequence of two to four bytes (RFC 3629): a file holding one is UTF-8 text.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)


def utf8_text(raw: bytes, name: str) -> bytes:
    """RAW as UTF-8 without a BOM (SPEC §8): UTF-16 with a BOM (Excel's Unicode Text) and
    UTF-8 as they are; a file with no UTF-8 sequence at all is Windows-1252; one mixing
    UTF-8 with bytes that are not is refused, naming the line, never read as mojibake."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].decode("utf-16", errors="replace").count("\n") + 1
            raise _encoding_error(name, line, "is not valid UTF-16 (Unicode Text)") from None
    body = raw[3:] if raw.startswith(codecs.BOM_UTF8) else raw
    try:
        body.decode("utf-8")
        return body
    except UnicodeDecodeError as exc:
        bad = exc.start
    line = body.count(b"\n", 0, bad) + 1
    if body is not raw:
        raise _encoding_error(name, line, "is not UTF-8, though the file starts with UTF-8's mark")
    if _UTF8_MULTIBYTE.search(body):
        raise _encoding_error(name, line, "is not UTF-8, while the file has UTF-8 text elsewhere")
    try:
        return body.decode("cp1252").encode("utf-8")
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        byte = body[exc.start]
        raise _encoding_error(
            name, line, f"holds byte 0x{byte:02X}, neither UTF-8 nor Windows-1252 text"
        ) from None


def _encoding_error(name: str, line: int, what: str) -> InputFileError:
    return InputFileError(
        name,
        "encoding-error",
        f"line {line} {what} (two files pasted together, or a damaged export?); nothing was "
        "read: open the file in Excel or a text editor, correct that line and save it as "
        "CSV UTF-8",
    )


def _read_csv_arrow(text: bytes, sep: str, width: int, sample: str) -> pd.DataFrame | None:
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
    try:
        table = pacsv.read_csv(
            pa.BufferReader(text),
            read_options=pacsv.ReadOptions(
                skip_rows=lead,
                column_names=names,
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


def _read_csv_slow(text: str, sep: str, name: str) -> pd.DataFrame:
    """Rows of uneven width: the stdlib reader, padded to a rectangle."""
    rows: list[list[str]] = []
    try:
        rows.extend(csv.reader(io.StringIO(text), delimiter=sep))
    except csv.Error as exc:
        if "field limit" not in str(exc):
            raise
        raise InputFileError(  # the rows read so far stay in ROWS: the next one is at fault
            name,
            "unclosed-quote",
            f"a cell of over {csv.field_size_limit():,} characters from row {len(rows) + 1}: "
            'an opening quote " without its closing quote? The rows after it would be read '
            "as one cell; nothing was read: add the closing quote (or remove the opening "
            "one) and import again",
        ) from None
    width = max((len(r) for r in rows), default=1)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)
