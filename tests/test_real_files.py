"""`talentcli import` on real, LibreOffice-written files (SPEC §2, §3, §3.1).

The fixtures are in tests/data/real/, made by scripts/make_real_fixtures.py:

asesmen-lo.xlsx / .xls / .ods (one source, saved by LibreOffice in three formats)
    sheet 1 "Petunjuk": instructions only (no header: must be passed over)
    sheet 2 "Rekap": rows 1-3 title (A1:M1 merged), row 4 blank, row 5 the header
    (NO, N.I.P., NAMA LENGKAP, JABATAN, Eselon/Jenjang, Unit Kerja, KEMAMPUAN\\nTEKNIS,
    Sosio Kultural, LITERASI  DIGITAL, Kemampuan Numerik/Berpikir, NUMERIK\\nSESI 1,
    NUMERIK\\nSESI 2, KETERANGAN); data rows 6-22; J = =ROUND(AVERAGE(K:L),2) (cached);
    decimal commas as text ("3,25"), "3.5" as text, NIPs with spaces and one with dots.
      row  9  I9   type-error          LITERASI DIGITAL = "tujuh"
      row 13  B13  nip-precision-lost  the NIP typed as a number (198703152010011008)
      row 15  G15  out-of-range        KEMAMPUAN TEKNIS = 5.5
      row 18  E18  "Eselon II.b": JPT Pratama since it is a target level (SPEC §4.1), accepted
      row 20  B20  invalid-nip         "19781332 200312 1 004" (birth date 1978-13-32)
      rows 11, 16, 23, 24 blank; rows 25-30 a signature block (text in D and F only)
    -> 25 rows read = 11 accepted + 4 rejected + 10 skipped, exit 1
    sheet 3 "Susulan" (read with Rekap as one file, SPEC §3.2; alone with --sheet Susulan;
    the tests of Rekap's cells give --sheet Rekap): row 1 title, row 2 header, rows 3-5;
    Unit Kerja D3:D4 merged (one unit for two people); H = =ROUND(AVERAGE(I:J),2), and H5
    averages two empty cells, so LibreOffice caches #DIV/0! there; row 5's NIP has a 29 Feb
    birth date (1984, a leap year: valid).
      row  5  H5   type-error          Kemampuan Numerik = #DIV/0!
    -> 3 rows read = 2 accepted + 1 rejected + 0 skipped, exit 1

kinerja-semicolon-cp1252.csv: ';' separated, Windows-1252 (é = 0xE9), CRLF; lines 1-3 title,
    line 4 header (NIP;Nama Pegawai;Tahun;Predikat Kinerja;Keterangan), lines 5-19 data
    ('-prefixed NIPs, one spaced NIP, predikat in any case), line 11 and 20 blank, line 21 a
    footer in the name column.
      line  9  D9   "Cukup" (André Ma'ruf, 2024): the older word (SPEC §4.4), accepted
      line 14  A14  nip-precision-lost  "1.97512E+17"
    -> 17 rows read = 13 accepted + 1 rejected + 3 skipped, exit 1

formasi-lo.ods: row 1 title (merged), row 2 blank, row 3 header, rows 4-8 five vacancies
    (one Jumlah as text "1", one empty -> 1), row 9 blank, row 10 a footer
    -> 7 rows read = 5 accepted + 0 rejected + 2 skipped, exit 0

encrypted.xlsx (password "secret"), truncated.xlsx (the first half of asesmen-lo.xlsx),
not-a-workbook.xlsx (a text file): exit 3, one line on stderr, nothing stored.
"""

from __future__ import annotations

import csv
import json
import logging
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from talentcli.cli import app
from tests.conftest import store_sql

DATA = Path(__file__).parent / "data" / "real"
runner = CliRunner()

ASESMEN_FILES = ["asesmen-lo.xlsx", "asesmen-lo.xls", "asesmen-lo.ods"]

# cell -> (row, column, header as shown, field, code, value)
ASESMEN_ERRORS = {
    "Rekap!I9": (9, "I", "LITERASI DIGITAL", "literasi_digital", "type-error", "tujuh"),
    "Rekap!B13": (13, "B", "N.I.P.", "nip", "nip-precision-lost", None),
    "Rekap!G15": (15, "G", "KEMAMPUAN TEKNIS", "teknis", "out-of-range", "5.5"),
    "Rekap!B20": (20, "B", "N.I.P.", "nip", "invalid-nip", "19781332 200312 1 004"),
}

# NIP -> (nama, job level, teknis, sosiokultural, literasi_digital, numerik)
ASESMEN_ACCEPTED = {
    "197809232003121003": ("Drs. Ahmad Fauzi, M.Si.", "administrator", 3.5, 3.25, 3.0, 3.25),
    "198502142010012005": ("Siti Nurhaliza, S.E.", "pengawas", 3.25, 2.5, 1.75, 2.0),
    "196907111994031002": ("Ir. H. Bambang Sutrisno", "administrator", 4.0, 3.5, 2.13, 3.38),
    "199005052015032001": ("dr. Rina Marlina", "jf_ahli_muda", 3.5, 2.5, 3.0, 2.75),
    "198211302009021004": ("Muhammad Ma'ruf", "pengawas", 2.75, 2.0, 2.5, 2.25),
    "197512252000032002": ("Dewi Kartika Sari", "jf_ahli_madya", 4.25, 3.5, 3.25, 3.5),
    "198808082011011006": ("Andi Setiawan", "jf_ahli_pertama", 2.5, 2.25, 4.5, 2.5),
    "197001011992032007": ("Hj. Euis Komariah", "administrator", 3.0, 2.75, 2.0, 2.75),
    "199303172019031001": ("Rizky Pratama", "pengawas", 2.5, 2.0, 2.0, 1.75),
    "198106202006042003": ("Nurul Hidayah", "pengawas", 3.75, 3.0, 2.5, 3.0),
    "197203031998031005": ("H. Agus Salim", "jpt_pratama", 4.0, 4.0, 3.0, 4.0),  # Eselon II.b
}
ASESMEN_REJECTED_NIPS = {
    "198604122011011002",  # row 9
    "197901012005012004",  # row 15
}
COMPETENCIES = ["teknis", "sosiokultural", "literasi_digital", "numerik"]

KINERJA = "kinerja-semicolon-cp1252.csv"
KINERJA_ERRORS = {
    f"{KINERJA}!A14": (14, "A", "NIP", "nip", "nip-precision-lost", "1.97512E+17"),
}
# (nip, tahun) -> predikat as written (compared case- and space-insensitively)
KINERJA_RATINGS = {
    ("197809232003121003", 2024): "baik",
    ("197809232003121003", 2025): "sangat baik",
    ("198502142010012005", 2024): "baik",
    ("198502142010012005", 2025): "baik",
    ("198211302009021004", 2024): "cukup",  # the older word (PP 46/2011): di_bawah
    ("198211302009021004", 2025): "butuh perbaikan",
    ("199005052015032001", 2024): "sangat baik",
    ("199005052015032001", 2025): "sangat baik",
    ("197512252000032002", 2025): "baik",
    ("198808082011011006", 2024): "kurang/misconduct",
    ("198808082011011006", 2025): "kurang",
    ("196907111994031002", 2024): "baik",
    ("196907111994031002", 2025): "baik",
}

# kode -> (jabatan, unit, job level, jumlah)
FORMASI = {
    "ADM-DLH-01": (
        "Sekretaris Dinas Lingkungan Hidup",
        "Dinas Lingkungan Hidup",
        "administrator",
        1,
    ),
    "ADM-KEC-CKD": ("Camat Cikande", "Kecamatan Cikande", "administrator", 1),
    "ADM-DINKES-02": (
        "Kepala Bidang Pelayanan Kesehatan",
        "Dinas Kesehatan",
        "administrator",
        1,
    ),
    "JF-BAPPEDA-01": ("Perencana Ahli Madya", "Bappeda", "jf_ahli_madya", 2),
    "JF-KOMINFO-01": (
        "Pranata Komputer Ahli Muda",
        "Dinas Komunikasi dan Informatika",
        "jf_ahli_muda",
        1,
    ),
}

UNUSABLE = [
    ("encrypted.xlsx", "encrypted", "password"),
    ("truncated.xlsx", "corrupt", "corrupt"),
    ("not-a-workbook.xlsx", "corrupt", "corrupt"),
]


# ------------------------------------------------------------------ helpers


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A fresh workspace (talent.yaml, cycle 2026) as the current folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TALENTCLI_DB", raising=False)
    result = runner.invoke(app, ["init", ".", "--cycle", "2026"])
    assert result.exit_code == 0, result.output
    yield tmp_path
    logger = logging.getLogger("talentcli")
    for handler in list(logger.handlers):
        if str(getattr(handler, "baseFilename", "")).startswith(str(tmp_path)):
            logger.removeHandler(handler)
            handler.close()


def run_import(*args: str):
    """`talentcli import --json ARGS` -> (result, the one file report)."""
    result = runner.invoke(app, ["import", "--json", *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    doc = json.loads(result.stdout)
    assert len(doc["files"]) == 1
    return result, doc["files"][0]


def query(ws: Path, sql: str, params: tuple = ()) -> list[tuple]:
    return store_sql(ws / "talent.db", sql, params)


def count(ws: Path, table: str) -> int:
    return query(ws, f"SELECT COUNT(*) FROM {table}")[0][0]


def tables(ws: Path) -> list[str]:
    """Every table and view of the store (the schema is still growing)."""
    rows = query(
        ws,
        "SELECT name FROM (SELECT name, type FROM sqlite_master UNION ALL "
        "SELECT name, type FROM sqlite_temp_master) WHERE type IN ('table', 'view') ORDER BY 1",
    )
    return [name for (name,) in rows if not name.startswith("sqlite_")]


def stored_scores(ws: Path) -> dict[tuple[str, str], tuple[float, int]]:
    """(nip, competency) -> (score, batch id), from a long `scores` table or from
    `score_<competency>` columns of `assessments`, whichever the store has."""
    if "scores" in tables(ws):
        rows = query(ws, "SELECT nip, competency, score, batch_id FROM scores")
        return {(n, c): (s, b) for n, c, s, b in rows}
    cols = [f"score_{c}" for c in COMPETENCIES]
    rows = query(ws, f"SELECT nip, batch_id, {', '.join(cols)} FROM assessments")
    return {
        (nip, comp): (score, batch)
        for nip, batch, *values in rows
        for comp, score in zip(COMPETENCIES, values, strict=True)
    }


def error_map(report: dict) -> dict[str, tuple]:
    return {
        e["cell"]: (e["row"], e["column"], e["header"], e["field"], e["code"], e["value"])
        for e in report["errors"]
    }


def read_rejects_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


# ------------------------------------------------------------------ fixtures themselves


def test_fixtures_are_small_and_what_they_claim() -> None:
    for path in DATA.iterdir():
        assert path.stat().st_size < 30_000, path.name
    raw = (DATA / KINERJA).read_bytes()
    assert b"Andr\xe9 Ma'ruf" in raw  # Windows-1252, not UTF-8
    assert b"\r\n" in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert (DATA / "encrypted.xlsx").read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    for name in ("asesmen-lo.xlsx", "asesmen-lo.ods", "formasi-lo.ods"):
        assert (DATA / name).read_bytes()[:2] == b"PK"


# ------------------------------------------------------------------ asesmen (LibreOffice)


@pytest.mark.parametrize("name", ASESMEN_FILES)
def test_asesmen_libreoffice(ws: Path, name: str) -> None:
    result, rep = run_import("--sheet", "Rekap", str(DATA / name))

    assert result.exit_code == 1, result.output
    assert rep["status"] == "imported"
    assert rep["kind"] == "asesmen"
    assert rep["cycle"] == "2026"
    assert rep["sheet"] == "Rekap"  # "Petunjuk" comes first and is passed over
    assert rep["header_row"] == 5
    assert (rep["rows_read"], rep["accepted"], rep["rejected"], rep["skipped"]) == (25, 11, 4, 10)
    assert rep["rows_read"] == rep["accepted"] + rep["rejected"] + rep["skipped"]

    errors = error_map(rep)
    assert {(v[0], c, v[4]) for c, v in errors.items()} == {
        (v[0], c, v[4]) for c, v in ASESMEN_ERRORS.items()
    }
    for cell, (row, column, header, field, code, value) in ASESMEN_ERRORS.items():
        assert errors[cell][:5] == (row, column, header, field, code), cell
        if value is not None:
            assert errors[cell][5] == value, cell
    assert errors["Rekap!B13"][5].startswith("1.987031520")  # what the cell really holds
    assert all(e["severity"] == "error" and e["message"] for e in rep["errors"])
    assert "Text" in next(e["message"] for e in rep["errors"] if e["cell"] == "Rekap!B13")
    assert any("not used: NO, " in n for n in rep["notes"])
    assert any("KETERANGAN" in n for n in rep["notes"] if "not used" in n)

    # the batch records the same counts
    assert query(
        ws, "SELECT file, kind, cycle, sheet, header_row, rows_read, accepted, rejected, skipped "
        "FROM batches"
    ) == [(name, "asesmen", "2026", "Rekap", 5, 25, 11, 4, 10)]  # fmt: skip
    assert count(ws, "violations") == 4

    # accepted rows: 18-digit NIPs, decimal commas, text numbers, cached formula values
    people = query(ws, "SELECT nip, nama, job_level, cycle FROM assessments")
    assert {p[0] for p in people} == set(ASESMEN_ACCEPTED)
    assert all(re.fullmatch(r"\d{18}", p[0]) for p in people)
    for nip, nama, level, cycle in people:
        assert (nama, level, cycle) == (*ASESMEN_ACCEPTED[nip][:2], "2026"), nip
    scores = stored_scores(ws)
    assert len(scores) == 44  # 11 people x 4 competencies
    for nip, (_, _, *values) in ASESMEN_ACCEPTED.items():
        for comp, value in zip(COMPETENCIES, values, strict=True):
            assert scores[nip, comp][0] == pytest.approx(value), (nip, comp)
    assert {n for (n,) in query(ws, "SELECT nip FROM people")} == set(ASESMEN_ACCEPTED)
    assert not ASESMEN_REJECTED_NIPS & {p[0] for p in people}
    assert query(
        ws, "SELECT jabatan, unit FROM assessments WHERE nip = ?", ("198211302009021004",)
    ) == [("Kepala Seksi Pengendalian", "Dinas Lingkungan Hidup")]
    # nothing of the signature block was taken for data
    assert not query(ws, "SELECT * FROM assessments WHERE unit LIKE '%Serang%' OR nip LIKE '1968%'")

    # the rejects file: the four rows as they were, with their reasons
    rejects = read_rejects_csv(ws / "rejects" / f"{Path(name).stem}.rejects.csv")
    assert [(r["row"], r["codes"]) for r in rejects] == [
        (str(v[0]), v[4]) for v in sorted(ASESMEN_ERRORS.values())
    ]
    assert {r["NAMA LENGKAP"] for r in rejects} == {
        "Yusuf Maulana",
        "Fitri Handayani",
        "Yanti Susanti",
        "Budi Hartono",
    }


@pytest.mark.parametrize("name", ASESMEN_FILES)
def test_asesmen_terminal_summary(ws: Path, name: str) -> None:
    result = runner.invoke(app, ["import", "--sheet", "Rekap", str(DATA / name)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "sheet 'Rekap', header row 5" in result.stdout
    assert "25 rows read = 11 accepted + 4 rejected + 10 skipped" in result.stdout
    for cell in ASESMEN_ERRORS:
        assert cell in result.stdout


@pytest.mark.parametrize("name", ASESMEN_FILES)
def test_asesmen_whole_file_reads_every_data_sheet(ws: Path, name: str) -> None:
    """Petunjuk passed over; Rekap and Susulan read as one file, a line each (SPEC §3.2)."""
    result, rep = run_import(str(DATA / name))
    assert result.exit_code == 1
    assert rep["sheets"] == [
        {"sheet": "Rekap", "header_row": 5, "rows_read": 25, "accepted": 11, "rejected": 4,
         "skipped": 10},
        {"sheet": "Susulan", "header_row": 2, "rows_read": 3, "accepted": 2, "rejected": 1,
         "skipped": 0},
    ]  # fmt: skip
    assert (rep["rows_read"], rep["accepted"], rep["rejected"], rep["skipped"]) == (28, 13, 5, 10)
    assert "Susulan!H5" in {e["cell"] for e in rep["errors"]}
    assert {n for (n,) in query(ws, "SELECT nip FROM assessments")} >= set(ASESMEN_ACCEPTED)
    assert count(ws, "assessments") == 13


def test_asesmen_sheet_option(ws: Path) -> None:
    result, rep = run_import("--sheet", "Rekap", str(DATA / "asesmen-lo.xlsx"))
    assert result.exit_code == 1
    assert (rep["sheet"], rep["header_row"], rep["accepted"]) == ("Rekap", 5, 11)


@pytest.mark.parametrize("name", ASESMEN_FILES)
def test_formula_error_cell_is_not_empty(ws: Path, name: str) -> None:
    """A formula whose cached value is #DIV/0! is a score that is not a number (type-error),
    not an empty cell: the analyst sees #DIV/0! in H5, "is empty; fill it in" misleads."""
    result, rep = run_import("--sheet", "Susulan", str(DATA / name))
    assert result.exit_code == 1, result.output
    assert (rep["sheet"], rep["header_row"]) == ("Susulan", 2)
    assert (rep["rows_read"], rep["accepted"], rep["rejected"], rep["skipped"]) == (3, 2, 1, 0)
    assert [(e["row"], e["cell"], e["code"]) for e in rep["errors"]] == [
        (5, "Susulan!H5", "type-error")
    ]
    assert rep["errors"][0]["value"] == "#DIV/0!"
    # the rejects files show the cell as the analyst sees it, not as an empty cell
    rejects = ws / "rejects" / f"{Path(name).stem}.rejects.csv"
    with rejects.open(encoding="utf-8-sig", newline="") as fh:
        (rejected,) = list(csv.DictReader(fh))
    cells = {k: v for k, v in rejected.items() if k not in ("row", "codes", "cells", "messages")}
    assert [k for k, v in cells.items() if v == "#DIV/0!"] == ["Kemampuan Numerik"]


@pytest.mark.parametrize("name", ASESMEN_FILES)
def test_merged_cells_in_data(ws: Path, name: str) -> None:
    """D3:D4 (Unit Kerja) is merged: both people belong to that unit, whatever the format."""
    run_import("--sheet", "Susulan", str(DATA / name))
    units = dict(query(ws, "SELECT nip, unit FROM assessments"))
    assert units == {
        "198706152010011003": "Dinas Perpustakaan dan Kearsipan Daerah",
        "198911112014032002": "Dinas Perpustakaan dan Kearsipan Daerah",
    }


def test_asesmen_sheet_without_header(ws: Path) -> None:
    result, rep = run_import("--sheet", "Petunjuk", str(DATA / "asesmen-lo.xlsx"))
    assert result.exit_code == 3
    assert rep["status"] == "failed"
    assert rep["error"]["code"] == "no-header"
    assert count(ws, "batches") == 0


def test_asesmen_kind_forced(ws: Path) -> None:
    result, rep = run_import("--kind", "asesmen", "--sheet", "Rekap", str(DATA / "asesmen-lo.ods"))
    assert result.exit_code == 1
    assert (rep["kind"], rep["accepted"], rep["rejected"]) == ("asesmen", 11, 4)


def test_newer_file_replaces_values_and_keeps_batch(ws: Path) -> None:
    run_import("--sheet", "Rekap", str(DATA / "asesmen-lo.xlsx"))
    result, rep = run_import("--sheet", "Rekap", str(DATA / "asesmen-lo.ods"))  # other bytes
    assert result.exit_code == 1
    assert rep["status"] == "imported"
    assert count(ws, "batches") == 2
    assert count(ws, "assessments") == 11
    (second,) = query(ws, "SELECT id FROM batches WHERE file = 'asesmen-lo.ods'")[0]
    assert set(query(ws, "SELECT DISTINCT batch_id FROM assessments")) == {(second,)}
    scores = stored_scores(ws)
    assert len(scores) == 44
    assert {batch for _, batch in scores.values()} == {second}


# ------------------------------------------------------------------ kinerja (CSV)


def test_kinerja_semicolon_cp1252(ws: Path) -> None:
    result, rep = run_import(str(DATA / KINERJA))

    assert result.exit_code == 1, result.output
    assert rep["status"] == "imported"
    assert rep["kind"] == "kinerja"
    assert rep["header_row"] == 4  # a line number
    assert (rep["rows_read"], rep["accepted"], rep["rejected"], rep["skipped"]) == (17, 13, 1, 3)
    assert rep["rows_read"] == rep["accepted"] + rep["rejected"] + rep["skipped"]
    assert error_map(rep) == KINERJA_ERRORS
    assert any("not used: " in n and "Keterangan" in n for n in rep["notes"])

    ratings = query(ws, "SELECT nip, tahun, predikat FROM ratings")
    assert {(n, t) for n, t, _ in ratings} == set(KINERJA_RATINGS)
    for nip, tahun, predikat in ratings:
        assert re.fullmatch(r"\d{18}", nip)  # the apostrophe and the spaces are gone
        assert " ".join(predikat.split()).lower() == KINERJA_RATINGS[nip, tahun]
    assert query(ws, "SELECT rows_read, accepted, rejected, skipped FROM batches") == [
        (17, 13, 1, 3)
    ]

    # the rejected row keeps its original cells (Cukup, the older word, is known since
    # SPEC §4.4 names it: André's 2024 row is accepted)
    rejects = read_rejects_csv(ws / "rejects" / "kinerja-semicolon-cp1252.rejects.csv")
    assert [(r["row"], r["codes"], r["Nama Pegawai"]) for r in rejects] == [
        ("14", "nip-precision-lost", "Dewi Kartika Sari"),
    ]
    wb = load_workbook(ws / "rejects" / "kinerja-semicolon-cp1252.rejects.xlsx", read_only=True)
    try:
        cells = {v for row in wb["Ditolak"].iter_rows(values_only=True) for v in row}
    finally:
        wb.close()
    assert "Dewi Kartika Sari" in cells


def test_kinerja_terminal_cells_are_lines(ws: Path) -> None:
    result = runner.invoke(app, ["import", str(DATA / KINERJA)])
    assert result.exit_code == 1
    assert f"{KINERJA}!D9" not in result.stdout  # Cukup: the older word, known
    assert f"{KINERJA}!A14" in result.stdout
    assert "17 rows read = 13 accepted + 1 rejected + 3 skipped" in result.stdout


def test_log_holds_no_names(ws: Path) -> None:
    run_import(str(DATA / KINERJA))
    run_import(str(DATA / "asesmen-lo.xlsx"))
    log = (ws / "logs" / "talentcli.log").read_text(encoding="utf-8")
    assert "A14" in log and "nip-precision-lost" in log
    for name in ("André", "Ma'ruf", "Dewi Kartika", "Yusuf Maulana", "Budi Hartono", "tujuh"):
        assert name not in log


# ------------------------------------------------------------------ formasi (LibreOffice)


def test_formasi_libreoffice(ws: Path) -> None:
    result, rep = run_import("--cycle", "2026", str(DATA / "formasi-lo.ods"))

    assert result.exit_code == 0, result.output
    assert rep["status"] == "imported"
    assert (rep["kind"], rep["cycle"], rep["sheet"], rep["header_row"]) == (
        "formasi",
        "2026",
        "Formasi",
        3,
    )
    assert (rep["rows_read"], rep["accepted"], rep["rejected"], rep["skipped"]) == (7, 5, 0, 2)
    assert rep["errors"] == []
    rows = query(ws, "SELECT kode, jabatan, unit, job_level, jumlah, cycle FROM vacancies")
    assert {r[0]: r[1:5] for r in rows} == FORMASI
    assert {r[5] for r in rows} == {"2026"}
    assert not (ws / "rejects").exists() or not list((ws / "rejects").iterdir())


# ------------------------------------------------------------------ unusable files


@pytest.mark.parametrize(("name", "code", "word"), UNUSABLE)
def test_unusable_file_one_line(ws: Path, name: str, code: str, word: str) -> None:
    result = runner.invoke(app, ["import", str(DATA / name)])

    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert name in lines[0]
    assert word in lines[0].lower()
    for table in tables(ws):
        assert count(ws, table) == 0, table
    assert not (ws / "rejects").exists() or not list((ws / "rejects").iterdir())


@pytest.mark.parametrize(("name", "code", "word"), UNUSABLE)
def test_unusable_file_json(ws: Path, name: str, code: str, word: str) -> None:
    result, rep = run_import(str(DATA / name))
    assert result.exit_code == 3
    assert rep["status"] == "failed"
    assert rep["error"]["code"] == code
    assert word in rep["error"]["message"].lower() or word == code
    assert count(ws, "batches") == 0


def test_unusable_file_does_not_block_the_others(ws: Path) -> None:
    result = runner.invoke(
        app,
        ["import", "--json", str(DATA / "encrypted.xlsx"), str(DATA / "formasi-lo.ods")],
    )
    assert result.exit_code == 3
    files = json.loads(result.stdout)["files"]
    assert [f["status"] for f in files] == ["failed", "imported"]
    assert query(ws, "SELECT file FROM batches") == [("formasi-lo.ods",)]


# ------------------------------------------------------------------ the same file twice


@pytest.mark.parametrize("name", ["asesmen-lo.xlsx", KINERJA, "formasi-lo.ods"])
def test_same_file_twice(ws: Path, name: str) -> None:
    run_import(str(DATA / name))
    before = {t: query(ws, f"SELECT * FROM {t}") for t in tables(ws)}
    assert {"batches", "assessments", "ratings", "vacancies"} <= set(before)

    copy = ws / f"copy-of-{name}"  # another name, the same bytes
    shutil.copyfile(DATA / name, copy)
    for path in (DATA / name, copy):
        result, rep = run_import(str(path))
        assert result.exit_code == 0, result.output
        assert rep["status"] == "already-imported"
        assert rep["accepted"] == rep["rejected"] == 0
        assert {t: query(ws, f"SELECT * FROM {t}") for t in tables(ws)} == before

    result = runner.invoke(app, ["import", str(DATA / name)])
    assert result.exit_code == 0
    assert "already imported" in result.stdout
