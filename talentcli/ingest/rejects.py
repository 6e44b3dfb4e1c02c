"""The rejects workbook and CSV: the rejected rows as they were, plus the reasons."""

from __future__ import annotations

import gc
from pathlib import Path

import pandas as pd

from talentcli.ingest.validate import Checked, shown
from talentcli.safety import private_dir, private_file, safe_text


def reasons_frame(checked: Checked) -> pd.DataFrame:
    """One row per rejected row: Excel row, original cells, codes, cells and messages."""
    v = checked.violations[checked.violations["severity"] == "error"]
    cells = checked.rejected_cells
    by = ["row"]
    if "_sheet" in cells.columns:  # several sheets read as one file: a row is sheet + row
        v = v.assign(_sheet=v["cell"].str.rsplit("!", n=1).str[0])
        by = ["_sheet", "row"]
    grouped = v.groupby(by, sort=True).agg(
        codes=("code", lambda s: ", ".join(dict.fromkeys(s))),
        cells=("cell", lambda s: ", ".join(dict.fromkeys(s))),
        messages=("message", lambda s: " | ".join(s)),
    )
    left = ["_row"] if by == ["row"] else ["_sheet", "_row"]
    out = cells.merge(grouped, left_on=left, right_index=True, how="left")
    return out.rename(columns={"_row": "row", "_sheet": "sheet"})


def write_rejects(source: Path, checked: Checked, folder: Path) -> list[Path]:
    """Write rejects/<stem>.rejects.xlsx and .csv, owner-only; return their paths."""
    import xlsxwriter

    frame = reasons_frame(checked)
    private_dir(folder)
    xlsx = folder / f"{source.stem}.rejects.xlsx"
    csv = folder / f"{source.stem}.rejects.csv"
    with private_file(xlsx) as tmp:
        wb = xlsxwriter.Workbook(
            str(tmp),
            {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False},
        )
        _sheet(wb, "Ditolak", frame)
        errors = shown(checked.violations)
        _sheet(wb, "Kesalahan", errors)
        wb.close()
    with private_file(csv) as tmp:
        safe_csv(frame).to_csv(tmp, index=False, encoding="utf-8-sig")
    del wb
    gc.collect()  # xlsxwriter's workbook objects hold reference cycles; the command runs
    return [xlsx, csv]  # without the automatic collector (talentcli.launch)


def _sheet(wb, name: str, frame: pd.DataFrame) -> None:
    ws = wb.add_worksheet(name)
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    for c, col in enumerate(frame.columns):
        ws.write_string(0, c, str(col), bold)
        values = frame[col].tolist()
        width = max([len(str(col))] + [len(str(v)) for v in values[:200]])
        ws.set_column(c, c, min(max(width + 2, 8), 60))
        for r, v in enumerate(values, start=1):
            _write(ws, r, c, v)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(frame), max(len(frame.columns) - 1, 0))


def _write(ws, r: int, c: int, v) -> None:
    if v is None or (isinstance(v, float) and v != v):
        return
    if isinstance(v, bool):
        ws.write_boolean(r, c, v)
    elif isinstance(v, int | float):
        ws.write_number(r, c, v)
    else:
        ws.write_string(r, c, str(v))


def safe_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as the user typed them (4, not 4.0), text safe against formula injection."""
    return frame.apply(lambda s: s.map(_as_typed)).astype(object)


def _as_typed(v: object) -> object:
    if isinstance(v, float) and abs(v) >= 1e15:
        # 16+ digits (a NIP stored as a number): the cell holds only ~15 of them; its exact
        # integer would look like a real NIP whose last digits are invented
        return f"{v:.15G}"
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return safe_text(v)
