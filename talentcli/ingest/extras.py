"""What python-calamine does not report: formula error cells (#DIV/0!, #N/A) in xlsx/ods,
and merged ranges in ods. Read on demand only, straight from the workbook XML.

Expat (the stdlib parser) never fetches external entities and refuses entity expansion
attacks in the Python versions talentcli supports.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

Cell = tuple[int, int]  # (row position, column position), 0-based
_XLSX_ERROR = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*?\bt="e"[^>]*>(.*?)</c>', re.S)
_XLSX_VALUE = re.compile(rb"<v>([^<]*)</v>")
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_T = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_CALC = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def xlsx_formula_errors(path: Path, sheet: str) -> dict[Cell, str]:
    """Cells of SHEET whose saved value is a formula error, with the error text."""
    with zipfile.ZipFile(path) as zf:
        target = _xlsx_sheet_part(zf, sheet)
        if target is None:
            return {}
        data = zf.read(target)
    if b't="e"' not in data:
        return {}
    out = {}
    for m in _XLSX_ERROR.finditer(data):
        v = _XLSX_VALUE.search(m.group(3))
        out[(int(m.group(2)) - 1, _col_index(m.group(1).decode()))] = (
            v.group(1).decode() if v else "#ERROR"
        )
    return out


def _xlsx_sheet_part(zf: zipfile.ZipFile, sheet: str) -> str | None:
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    wb = ET.fromstring(zf.read("xl/workbook.xml"))
    rid = next(
        (s.get(_REL) for s in wb.iterfind("m:sheets/m:sheet", ns) if s.get("name") == sheet), None
    )
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    for rel in rels:
        if rel.get("Id") == rid:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    return None


def xls_formula_errors(path: Path, sheet: str) -> dict[Cell, str]:
    """The same for the old binary .xls format, through xlrd (which keeps error cells)."""
    import xlrd

    book = xlrd.open_workbook(str(path), on_demand=True)
    try:
        sh = book.sheet_by_name(sheet)
        return {
            (r, c): xlrd.error_text_from_code.get(sh.cell_value(r, c), "#ERROR")
            for r in range(sh.nrows)
            for c, kind in enumerate(sh.row_types(r))
            if kind == xlrd.XL_CELL_ERROR
        }
    finally:
        book.release_resources()


def ods_extras(path: Path, sheet: str) -> tuple[dict[Cell, str], list[tuple[Cell, Cell]]]:
    """Formula errors and merged ranges of one ods sheet."""
    with zipfile.ZipFile(path) as zf, zf.open("content.xml") as fh:
        for _, el in ET.iterparse(fh, events=("end",)):
            if el.tag != f"{{{_T}}}table":
                continue
            if el.get(f"{{{_T}}}name") == sheet:
                return _walk_table(el)
            el.clear()
    return {}, []


def _walk_table(table: ET.Element) -> tuple[dict[Cell, str], list[tuple[Cell, Cell]]]:
    errors: dict[Cell, str] = {}
    merged: list[tuple[Cell, Cell]] = []
    r = 0
    for row in table.iter(f"{{{_T}}}table-row"):
        c = 0
        for cell in row:
            crep = int(cell.get(f"{{{_T}}}number-columns-repeated", "1"))
            if cell.get(f"{{{_CALC}}}value-type") == "error":
                text = "".join(cell.itertext()).strip() or "#ERROR"
                errors.update({(r, c + k): text for k in range(min(crep, 1024))})
            rows = int(cell.get(f"{{{_T}}}number-rows-spanned", "1"))
            cols = int(cell.get(f"{{{_T}}}number-columns-spanned", "1"))
            if rows > 1 or cols > 1:
                merged.append(((r, c), (r + rows - 1, c + cols - 1)))
            c += crep
        r += int(row.get(f"{{{_T}}}number-rows-repeated", "1"))
    return errors, merged
