"""The committee's decisions (SPEC §3 kind kalibrasi, §4.9): import, validation, and how the
final box drives placement, pool and plan. Kalibrasi workbooks are written with openpyxl,
the others with xlsxwriter; calamine reads them all."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from tests.conftest import asesmen_rows, person, write_xlsx

KALIBRASI_HEADER = [
    "No",
    "NIP",
    "Nama",
    "Kotak Hasil Kalibrasi",
    "Alasan Kalibrasi",
    "Diputuskan Oleh",
    "Tanggal Rapat",
    "No BA",
]


def write_kalibrasi(path: Path, rows: list[list]) -> Path:
    """A kalibrasi workbook as a committee's secretary would type it, written by openpyxl:
    a title, then the header on row 3."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Kalibrasi"
    ws.append(["BERITA ACARA KALIBRASI TALENTA"])
    ws.append([])
    ws.append(KALIBRASI_HEADER)
    for i, row in enumerate(rows, start=1):
        ws.append([i, *row])
    wb.save(path)
    return path


def nip(i: int) -> str:
    return person(i)[1]


def decision(i: int, box, reason="hasil rapat TPK", by="Tim Penilai Kinerja", date=None):
    return [nip(i), f"Pegawai {i}", box, reason, by, date or dt.datetime(2026, 3, 12), "BA/01/2026"]


def test_kalibrasi_rows_are_validated_and_stored_and_a_newer_file_wins(cli, tmp_path):
    asesmen = write_xlsx(
        tmp_path / "asesmen-2026.xlsx", asesmen_rows([person(i) for i in (1, 2, 3, 4, 5)])
    )
    assert cli("import", asesmen, "--cycle", "2026").exit_code == 0
    unknown = "19800101200501" + "1099"  # a valid NIP the cycle never assessed
    rows = [
        decision(1, 9),  # row 4: a raise, accepted
        decision(2, 10),  # row 5: out-of-range
        decision(3, 7, reason=None),  # row 6: missing-value (reason)
        [unknown, "Orang Lain", 5, "alasan", "TPK", "12-03-2026", "BA/01/2026"],  # row 7
        decision(4, 8),  # row 8: duplicate-nip, with row 9
        decision(4, 6),  # row 9
        decision(1, 9),  # row 10: the same decision again, duplicate-row (skipped)
        decision(5, 5, by=" ", date="12/03/2026"),  # row 11: missing-value (decider)
    ]
    first = write_kalibrasi(tmp_path / "kalibrasi-2026.xlsx", rows)
    doc = cli.json("import", first, "--cycle", "2026")
    f = doc["files"][0]
    assert f["kind"] == "kalibrasi" and f["cycle"] == "2026"
    assert (f["rows_read"], f["accepted"], f["rejected"], f["skipped"]) == (8, 1, 6, 1)
    codes = {(e["row"], e["code"]) for e in f["errors"]}
    assert codes == {
        (5, "out-of-range"),
        (6, "missing-value"),
        (7, "unknown-nip"),
        (8, "duplicate-nip"),
        (9, "duplicate-nip"),
        (10, "duplicate-row"),
        (11, "missing-value"),
    }
    where = {e["code"]: e["cell"] for e in f["errors"]}
    assert where["unknown-nip"] == "Kalibrasi!B7" and where["out-of-range"] == "Kalibrasi!D5"
    stored = cli.sql(
        "SELECT cycle, nip, kotak_akhir, alasan, diputuskan_oleh, tanggal, nomor_berita_acara "
        "FROM calibrations"
    )
    assert stored == [
        ("2026", nip(1), 9, "hasil rapat TPK", "Tim Penilai Kinerja", "2026-03-12", "BA/01/2026")
    ]
    rejects = openpyxl.load_workbook(tmp_path / "rejects" / "kalibrasi-2026.rejects.xlsx")
    got = {r[0]: r[-3] for r in rejects["Ditolak"].iter_rows(min_row=2, values_only=True)}
    assert got == {
        5: "out-of-range",
        6: "missing-value",
        7: "unknown-nip",
        8: "duplicate-nip",
        9: "duplicate-nip",
        11: "missing-value",
    }
    # a newer file names person 1 (lowered now) and person 2: both replaced or added
    second = write_kalibrasi(
        tmp_path / "kalibrasi-2026-revisi.xlsx",
        [decision(1, 6, reason="revisi"), decision(2, 4, date="2026-04-01")],
    )
    assert cli("import", second, "--cycle", "2026").exit_code == 0
    stored = cli.sql(
        "SELECT nip, kotak_akhir, alasan, tanggal, batch_id FROM calibrations ORDER BY nip"
    )
    batch = cli.sql("SELECT id FROM batches WHERE file = 'kalibrasi-2026-revisi.xlsx'")[0][0]
    assert sorted(stored) == sorted(
        [
            (nip(1), 6, "revisi", "2026-03-12", batch),
            (nip(2), 4, "hasil rapat TPK", "2026-04-01", batch),
        ]
    )


def test_kind_auto_tells_kalibrasi_by_its_final_box_column(tmp_path):
    from talentcli.ingest.header import detect_kind, find_header
    from talentcli.ingest.read import open_grids
    from talentcli.rules import load_rules

    path = write_kalibrasi(tmp_path / "k.xlsx", [decision(1, 9)])
    rules = load_rules().rules
    grid = next(open_grids(path))
    assert detect_kind(find_header(grid, rules), rules) == "kalibrasi"
