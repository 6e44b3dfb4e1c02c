"""Which columns of a sheet are hidden: calamine does not say, the file's XML does.

Only the column definitions at the top of a sheet are read, never its cells, so this costs
the same for 10 rows as for 100k. xlsx/xlsm: the sheet's `<cols>` (written before
`<sheetData>`); ods: the table's `table:table-column` elements (before its first row).
An .xls (BIFF) file keeps column widths in records that only a full parse reaches; its
columns are all taken as visible, as is any file whose XML cannot be read here.
"""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_MAX_COLS = 16_384  # Excel's last column (XFD): a `<col>` range may say so for "all the rest"


def hidden_columns(path: Path | None, sheet: str) -> frozenset[int]:
    """Positions (0 = column A) of the hidden columns of SHEET; empty when none or unknown."""
    ext = path.suffix.lower() if path is not None else ""
    try:
        if ext in (".xlsx", ".xlsm"):
            return _xlsx(path, sheet)
        if ext == ".ods":
            return _ods(path, sheet)
    except (OSError, KeyError, ET.ParseError, zipfile.BadZipFile, ValueError):
        pass  # best effort: the reader has its own clear errors for a damaged file
    return frozenset()


def hidden_sheets(path: Path | None) -> frozenset[str]:
    """Names of the hidden (and very hidden) sheets of a workbook; empty when unknown.

    xlsx/xlsm: the `state` of each sheet in xl/workbook.xml; other workbooks: calamine's
    sheet metadata, compared to its Visible value (its text, 'SheetVisibleEnum.Hidden',
    holds the word Visible too)."""
    ext = path.suffix.lower() if path is not None else ""
    try:
        if ext in (".xlsx", ".xlsm"):
            with zipfile.ZipFile(path) as zf:
                book = ET.fromstring(zf.read("xl/workbook.xml"))
            return frozenset(
                s.get("name", "")
                for s in book.iter(f"{_MAIN}sheet")
                if s.get("state") in ("hidden", "veryHidden")
            )
        if ext in (".ods", ".xls"):
            import python_calamine as pc

            wb = pc.CalamineWorkbook.from_path(str(path))
            shown = pc.SheetVisibleEnum.Visible
            return frozenset(m.name for m in wb.sheets_metadata if m.visible != shown)
    except Exception:  # best effort, as calamine's reader: the read reports a damaged file
        pass
    return frozenset()


def _xlsx_sheet_path(zf: zipfile.ZipFile, sheet: str) -> str | None:
    book = ET.fromstring(zf.read("xl/workbook.xml"))
    rid = next((s.get(_REL) for s in book.iter(f"{_MAIN}sheet") if s.get("name") == sheet), None)
    if rid is None:
        return None
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    links = rels.iter(f"{_PKG}Relationship")
    target = next((r.get("Target") for r in links if r.get("Id") == rid), None)
    if target is None:
        return None
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")


def _xlsx(path: Path, sheet: str) -> frozenset[int]:
    out: set[int] = set()
    with zipfile.ZipFile(path) as zf:
        name = _xlsx_sheet_path(zf, sheet)
        if name is None:
            return frozenset()
        with zf.open(name) as fh:
            for _event, el in ET.iterparse(fh, events=("start",)):
                tag = el.tag.rsplit("}", 1)[-1]
                if tag == "sheetData":
                    break  # the cells start: the column definitions are all read
                if tag == "col" and el.get("hidden") in ("1", "true"):
                    lo, hi = int(el.get("min", "1")), int(el.get("max", "1"))
                    out.update(range(lo - 1, min(hi, _MAX_COLS)))
    return frozenset(out)


def _ods(path: Path, sheet: str) -> frozenset[int]:
    out: set[int] = set()
    col = 0
    inside = False
    with zipfile.ZipFile(path) as zf, zf.open("content.xml") as fh:
        for _event, el in ET.iterparse(fh, events=("start",)):
            if el.tag == f"{{{_TABLE}}}table":
                if inside:
                    break
                inside = el.get(f"{{{_TABLE}}}name") == sheet
            elif inside and el.tag == f"{{{_TABLE}}}table-row":
                break  # the rows start: the column definitions are all read
            elif inside and el.tag == f"{{{_TABLE}}}table-column":
                n = int(el.get(f"{{{_TABLE}}}number-columns-repeated", "1"))
                if el.get(f"{{{_TABLE}}}visibility") in ("collapse", "filter"):
                    out.update(range(col, min(col + n, _MAX_COLS)))
                col += n
    return frozenset(out)
