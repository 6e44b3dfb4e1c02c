"""The `pegawai` kind (SPEC §3): a SIASN-style export nobody here wrote, read with its
underscored headers, Excel and text dates and the usual education spellings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

SIASN_HEADER = [
    "NO", "NIP_BARU", "NAMA", "GOL_AKHIR_NAMA", "TMT_GOLONGAN", "JABATAN_NAMA",
    "TMT_JABATAN", "TINGKAT_PENDIDIKAN_NAMA", "UNOR_NAMA", "HUKUMAN_DISIPLIN", "NIP_LAMA",
]  # fmt: skip

# (row, NIP, golongan, TMT golongan, TMT jabatan, pendidikan, hukuman disiplin)
ROWS = [
    ("198001012005011001", "III/c", dt.datetime(2018, 4, 1), dt.datetime(2020, 1, 2), "S-1", None),
    ("198002022005012002", "III/d", "01-04-2019", "15-06-2021", "D-IV", "Tidak Ada"),
    ("198103032006041003", "III/b", "01/10/2017", "2019-03-01", "Sarjana", "-"),
    ("197904042003121004", "II/c", dt.datetime(2010, 4, 1), "01-01-2015", "SLTA", "Hukdis Sedang"),
    ("197805052002122005", "IV/a", "2016-04-01", dt.datetime(2017, 7, 1), "S2", "nihil"),
    ("198206062008011006", "III/a", "2020-04-01", "31-02-2021", "S-1", None),  # no such date
    ("198307072009012007", "III/a", "2021-04-01", "2022-01-03", "Kursus Komputer", None),
    ("12345", "III/a", "2021-04-01", "2022-01-03", "S-1", None),  # invalid-nip
    ("198408082010011008", "III/b", "2021-04-01", "2022-01-03", "S-1", None),
    ("198408082010011008", "III/c", "2021-04-01", "2022-01-03", "S-1", None),  # duplicate NIP
    ("198509092011012009", "III/a", "2021-04-01", "2022-01-03", "Diploma III", "BEBAS"),
]  # fmt: skip


def siasn_workbook(path: Path) -> Path:
    """A SIASN-style export written by openpyxl: a title row, underscored headers, dates as
    Excel dates and as dd-mm-yyyy / dd/mm/yyyy / yyyy-mm-dd text, the NIP as text."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data PNS"
    ws.append(["DAFTAR PNS - EXPORT SIASN"])
    ws.append([])
    ws.append(SIASN_HEADER)
    for i, (nip, gol, tmt_gol, tmt_jab, pend, hukdis) in enumerate(ROWS, start=1):
        ws.append([i, nip, f"Pegawai {i}", gol, tmt_gol, f"Analis {i}", tmt_jab, pend,
                   "Umum", hukdis, f"1{i:08d}"])  # fmt: skip
    for row in ws.iter_rows(min_row=4, min_col=5, max_col=7):
        for cell in row:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "DD-MM-YYYY"
    wb.save(path)
    return path


def test_siasn_export_imports_with_exact_counts_and_rejects(cli, tmp_path):
    doc = cli.json("import", siasn_workbook(tmp_path / "pegawai-siasn.xlsx"))
    f = doc["files"][0]
    assert f["kind"] == "pegawai" and f["status"] == "imported"  # told by its headers
    assert (f["rows_read"], f["accepted"], f["rejected"], f["skipped"]) == (
        11,
        6,
        5,
        0,
    )  # 5 rejected: rows 9-13
    got = {(e["cell"], e["code"]) for e in f["errors"]}
    assert got == {
        ("Data PNS!G9", "type-error"),  # 31-02-2021
        ("Data PNS!H10", "unknown-education"),  # Kursus Komputer
        ("Data PNS!B11", "invalid-nip"),
        ("Data PNS!B12", "duplicate-nip"),
        ("Data PNS!B13", "duplicate-nip"),
    }
    rows = cli.sql(
        "SELECT nip, pendidikan, golongan, tmt_golongan, tmt_jabatan, hukuman_disiplin, "
        "unit, jabatan FROM personnel ORDER BY nip"
    )
    assert rows == [
        ("197805052002122005", "s2", "IV/a", "2016-04-01", "2017-07-01", 0, "Umum", "Analis 5"),
        ("197904042003121004", "sma", "II/c", "2010-04-01", "2015-01-01", 1, "Umum", "Analis 4"),
        ("198001012005011001", "s1", "III/c", "2018-04-01", "2020-01-02", 0, "Umum", "Analis 1"),
        ("198002022005012002", "d4", "III/d", "2019-04-01", "2021-06-15", 0, "Umum", "Analis 2"),
        ("198103032006041003", "s1", "III/b", "2017-10-01", "2019-03-01", 0, "Umum", "Analis 3"),
        ("198509092011012009", "d3", "III/a", "2021-04-01", "2022-01-03", 0, "Umum", "Analis 11"),
    ]  # fmt: skip


def test_the_same_export_saved_by_libreoffice_as_ods_imports_alike(cli):
    """tests/data/real/pegawai-lo.ods: siasn_workbook's file converted by LibreOffice
    (`soffice --headless --convert-to ods`): its own date cells and text."""
    ods = Path(__file__).parent / "data" / "real" / "pegawai-lo.ods"
    f = cli.json("import", ods)["files"][0]
    assert (f["kind"], f["rows_read"], f["accepted"], f["rejected"]) == ("pegawai", 11, 6, 5)
    assert {(e["cell"], e["code"]) for e in f["errors"]} == {
        ("Data PNS!G9", "type-error"),
        ("Data PNS!H10", "unknown-education"),
        ("Data PNS!B11", "invalid-nip"),
        ("Data PNS!B12", "duplicate-nip"),
        ("Data PNS!B13", "duplicate-nip"),
    }
    assert cli.sql(
        "SELECT pendidikan, tmt_golongan, tmt_jabatan FROM personnel "
        "WHERE nip IN ('198001012005011001', '197805052002122005') ORDER BY nip"
    ) == [("s2", "2016-04-01", "2017-07-01"), ("s1", "2018-04-01", "2020-01-02")]


def test_newest_pegawai_import_wins_per_nip(cli, tmp_path):
    first = siasn_workbook(tmp_path / "pegawai-1.xlsx")
    assert cli("import", first).exit_code == 1  # some rows rejected
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["NIP", "Nama", "Pendidikan Terakhir", "Hukuman Disiplin"])
    ws.append(["198001012005011001", "Pegawai 1", "S-2", "Teguran tertulis"])
    wb.save(tmp_path / "pegawai-2.xlsx")
    doc = cli.json("import", tmp_path / "pegawai-2.xlsx", "--kind", "pegawai")
    assert doc["files"][0]["accepted"] == 1
    assert cli.sql(
        "SELECT pendidikan, hukuman_disiplin, golongan FROM personnel "
        "WHERE nip = '198001012005011001'"
    ) == [("s2", 1, None)]
    assert cli.sql("SELECT count(*) FROM personnel") == [(6,)]


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("01-03-2015", "2015-03-01"),
        ("1/3/2015", "2015-03-01"),
        ("2015-03-01", "2015-03-01"),
        ("2015-03-01T00:00:00", "2015-03-01"),
        ("42064", "2015-03-01"),  # an Excel serial (1899-12-30 + 42064 days)
        ("2015", None),  # a year is not a date
        ("31-02-2015", None),
        ("03-31-2015", None),  # month 31
        ("kemarin", None),
    ],
)
def test_dates_as_written(text, iso):
    from talentcli.ingest.validate import parse_date

    assert parse_date(text) == iso


def test_pegawai_fills_unit_and_jabatan_only_where_the_asesmen_file_has_none(cli, tmp_path):
    from tests.conftest import asesmen_rows, person, write_xlsx

    own, bare = person(1), person(2)
    bare[3], bare[5] = None, None  # no jabatan, no unit in the asesmen file
    asesmen = write_xlsx(tmp_path / "asesmen-2026.xlsx", asesmen_rows([own, bare]))
    kinerja = [["NIP", "Nama", "Tahun", "Predikat"]]
    kinerja += [[row[1], row[2], 2025, "Baik"] for row in (own, bare)]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["NIP_BARU", "NAMA", "JABATAN_NAMA", "UNOR_NAMA", "TINGKAT_PENDIDIKAN_NAMA"])
    for row in (own, bare):
        ws.append([row[1], row[2], "Analis SIASN", "Sub Bagian Umum", "S-1"])
    wb.save(tmp_path / "pegawai.xlsx")
    files = (asesmen, write_xlsx(tmp_path / "kinerja.xlsx", kinerja), tmp_path / "pegawai.xlsx")
    assert cli("import", *files).exit_code == 0
    assert cli("classify", "--cycle", "2026", "--as-of", "2026-01-01").exit_code == 0
    assert set(cli.sql("SELECT nip, jabatan, unit FROM results")) == {
        (own[1], "Kepala Seksi", "Bappeda"),  # the asesmen file's, not SIASN's sub-unit
        (bare[1], "Analis SIASN", "Sub Bagian Umum"),
    }
