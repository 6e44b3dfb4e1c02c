"""The kind of a file from its head rows only: `run` orders the inbox by kind before importing.

An xlsx/xlsm sheet is streamed from its XML and left after its first rows (the shared
strings are read only as far as those rows need), so a 100k-row export costs milliseconds;
other workbooks go through calamine, which parses the sheet but hands over only the head.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from talentcli.ingest.header import detect_kind, find_header
from talentcli.ingest.hidden import _MAIN, _xlsx_sheet_path, hidden_sheets
from talentcli.ingest.read import HEAD_ROWS, Grid
from talentcli.rules import Rules

_REF = re.compile(r"([A-Z]+)(\d+)")


def peek_kind(path: Path, rules: Rules) -> str | None:
    """The kind told from the first rows of the first visible data sheet with a header, or
    None when it cannot be told (unreadable, no header): such a file is imported last."""
    try:
        for name, rows in head_rows(path, HEAD_ROWS + 1):
            if rules.is_instruction_sheet(name):
                continue
            header = find_header(Grid(name, rows), rules)
            if header is not None:
                return detect_kind(header, rules)
    except Exception:  # any failure is the import's to report, with its own message
        return None
    return None


def head_rows(path: Path, n: int) -> list[tuple[str, list[list]]]:
    """(sheet, its first N rows) of each visible sheet; a CSV as one sheet."""
    ext = path.suffix.lower()
    if ext in (".csv", ".txt"):
        return [(path.name, _csv_head(path, n))]
    hidden = hidden_sheets(path)
    if ext in (".xlsx", ".xlsm"):
        with zipfile.ZipFile(path) as zf:
            book = ET.fromstring(zf.read("xl/workbook.xml"))
            names = [s.get("name", "") for s in book.iter(f"{_MAIN}sheet")]
            return [(s, _xlsx_head(zf, s, n)) for s in names if s not in hidden]
    import python_calamine as pc

    wb = pc.CalamineWorkbook.from_path(str(path))
    shown = pc.SheetVisibleEnum.Visible
    return [
        (m.name, wb.get_sheet_by_name(m.name).to_python(nrows=n))
        for m in wb.sheets_metadata
        if m.visible == shown and m.name not in hidden
    ]


def _csv_head(path: Path, n: int) -> list[list]:
    raw = path.read_bytes()[: 1 << 16]
    text = raw.decode("utf-8-sig", errors="replace")
    lines = text.splitlines()[:n]
    sep = max(";,\t", key=lambda c: sum(line.count(c) for line in lines))
    return list(csv.reader(io.StringIO("\n".join(lines)), delimiter=sep))


def _col(letters: str) -> int:
    out = 0
    for ch in letters:
        out = out * 26 + ord(ch) - 64
    return out - 1


def _xlsx_head(zf: zipfile.ZipFile, sheet: str, n: int) -> list[list]:
    """The first N rows of an xlsx sheet, streamed: cells as text or numbers."""
    name = _xlsx_sheet_path(zf, sheet)
    if name is None:
        return []
    cells: dict[tuple[int, int], tuple[str | None, str]] = {}
    row = -1
    with zf.open(name) as fh:
        for event, el in ET.iterparse(fh, events=("start", "end")):
            tag = el.tag.rsplit("}", 1)[-1]
            if event == "start" and tag == "row":
                row = int(el.get("r", row + 2)) - 1
                if row >= n:
                    break
            elif event == "end" and tag == "c":
                m = _REF.fullmatch(el.get("r", ""))
                if m is not None:
                    value = el.find(f"{_MAIN}v")
                    inline = "".join(t.text or "" for t in el.iter(f"{_MAIN}t"))
                    text = value.text if value is not None and value.text else inline
                    cells[(int(m.group(2)) - 1, _col(m.group(1)))] = (el.get("t"), text or "")
                el.clear()
    shared = _shared_strings(
        zf, max((int(v) for t, v in cells.values() if t == "s" and v.isdigit()), default=-1)
    )
    height = max((r for r, _ in cells), default=-1) + 1
    width = max((c for _, c in cells), default=-1) + 1
    out: list[list] = [[""] * width for _ in range(height)]
    for (r, c), (kind, text) in cells.items():
        if kind == "s":
            out[r][c] = shared[int(text)] if text.isdigit() and int(text) < len(shared) else ""
        elif kind in ("str", "inlineStr", "e", "b"):
            out[r][c] = text
        else:
            try:
                out[r][c] = float(text)
            except ValueError:
                out[r][c] = text
    return out


def _shared_strings(zf: zipfile.ZipFile, last: int) -> list[str]:
    """The shared strings up to index LAST (read no further)."""
    out: list[str] = []
    if last < 0 or "xl/sharedStrings.xml" not in zf.namelist():
        return out
    with zf.open("xl/sharedStrings.xml") as fh:
        for _event, el in ET.iterparse(fh, events=("end",)):
            if el.tag == f"{_MAIN}si":
                out.append("".join(t.text or "" for t in el.iter(f"{_MAIN}t")))
                el.clear()
                if len(out) > last:
                    break
    return out
