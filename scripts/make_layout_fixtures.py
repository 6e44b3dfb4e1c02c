"""Make the LibreOffice-saved layout fixtures under tests/data/layouts/ (SPEC §3.2).

    .venv/bin/python scripts/make_layout_fixtures.py [--out tests/data/layouts]

Each workbook is written with openpyxl, then opened and saved by LibreOffice
(`soffice --headless --convert-to ...`), so the committed files are LibreOffice's own.
tests/test_layouts.py says what each holds and what the importer must make of it:

units-lo.xlsx / .ods / .xls: Petunjuk (an example header and row), DINKES, DISDIK, BAPPEDA
    (one sheet per unit), Lookup (hidden, with a person): as one_sheet_per_unit() there.
merged-lo.xlsx / .ods: NO..UNIT merged down over rows 3-4, KOMPETENSI over the four score
    sub-headers, a Rata-rata row between the people, a JUMLAH row at the end.
hidden-lo.xlsx / .ods: a hidden column G 'KEMAMPUAN TEKNIS' (last period's scores) before
    the visible one.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import ASESMEN_HEADER, person  # noqa: E402

OUT = ROOT / "tests" / "data" / "layouts"


def _sheet(wb: Workbook, name: str, rows: list) -> object:
    ws = wb.create_sheet(name)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row or [], start=1):
            if v is not None:
                ws.cell(r, c, v)
    return ws


def units(path: Path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    changed = person(2, scores=(4, 2, 2, 2))
    average = [None, None, "RATA-RATA", None, None, None, 3.2, 2.1, 2.0, 2.0]
    _sheet(wb, "Petunjuk", [["Isi satu baris per pegawai, contoh:"], ASESMEN_HEADER, person(99)])
    _sheet(wb, "DINKES", [["DINAS KESEHATAN"], None, ASESMEN_HEADER, *map(person, (1, 2, 3))])
    _sheet(wb, "DISDIK", [ASESMEN_HEADER, person(4), person(5), person(1)])
    _sheet(wb, "BAPPEDA", [ASESMEN_HEADER, person(6), changed, person(7), average])
    _sheet(wb, "Lookup", [ASESMEN_HEADER, person(8)]).sheet_state = "hidden"
    wb.save(path)


def merged(path: Path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    top = [*ASESMEN_HEADER[:6], "KOMPETENSI", None, None, None]
    sub = [None] * 6 + ASESMEN_HEADER[6:]
    average = [None, None, "Rata-rata", None, None, None, 3, 2, 2, 2]
    total = ["JUMLAH", None, None, None, None, None, 6, 4, 4, 4]
    ws = _sheet(wb, "Rekap", [["REKAP"], None, top, sub, person(1), average, person(2), total])
    for c in "ABCDEF":
        ws.merge_cells(f"{c}3:{c}4")
    ws.merge_cells("G3:J3")
    wb.save(path)


def hidden(path: Path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    header = [*ASESMEN_HEADER[:6], "KEMAMPUAN TEKNIS", *ASESMEN_HEADER[6:]]
    rows = [[*person(i)[:6], 1.5, *person(i)[6:]] for i in (1, 2)]
    ws = _sheet(wb, "Rekap", [header, *rows])
    ws.column_dimensions["G"].hidden = True
    wb.save(path)


def save_as(src: Path, ext: str, out: Path, stem: str) -> None:
    """SRC opened and saved by LibreOffice as OUT/STEM.EXT."""
    filters = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "ods": "ods", "xls": "xls:MS Excel 97"}
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["soffice", "--headless", "--convert-to", filters[ext], "--outdir", tmp, str(src)],
            check=True,
            capture_output=True,
        )
        shutil.move(Path(tmp) / f"{src.stem}.{ext}", out / f"{stem}.{ext}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=OUT)
    out = ap.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for make, stem, exts in (
            (units, "units-lo", ("xlsx", "ods", "xls")),
            (merged, "merged-lo", ("xlsx", "ods")),
            (hidden, "hidden-lo", ("xlsx", "ods")),
        ):
            src = Path(tmp) / f"{stem}-src.xlsx"
            make(src)
            for ext in exts:
                save_as(src, ext, out, stem)


if __name__ == "__main__":
    main()
