"""The xlsx report (SPEC §5), written by xlsxwriter and read back with openpyxl.

A hand-made cohort goes through the CLI: import -> classify -> report xlsx (and json).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import json
import os
import re
from pathlib import Path

import openpyxl
import pytest

from talentcli.model import Instansi, Signatory
from talentcli.report import RECORD
from talentcli.report.labels import Labels
from talentcli.rules import load_rules
from tests.conftest import ASESMEN_HEADER, Cli, write_xlsx

AS_OF = "2026-01-01"
GOLDEN = Path(__file__).parent / "data" / "golden" / "xlsx-small-cohort.json"
INJECT_NAME = '=HYPERLINK("http://x","klik")'
INJECT_UNITS = ("+SUM(1,2)", "@cmd")

# SPEC §5, in order (Indonesian names by default)
SPEC_SHEETS = [
    "Ringkasan",
    "Peta Talenta",
    "Hasil",
    "Promosi",
    "Rotasi",
    "Mutasi",
    "Tindak Lanjut",
    "Tetap",
    "Kelompok Rencana Suksesi",
    "Kandidat Jabatan Lowong",
    "Rencana Pengembangan",
    "Data Tidak Lengkap",
]
EN_SHEETS = [
    "Summary",
    "Talent Map",
    "Results",
    "Promotion",
    "Rotation",
    "Transfer",
    "Follow-up",
    "Succession Pool",
    "Vacancy Candidates",
    "Development Plans",
    "Incomplete Data",
]

# NIP, name, eselon, unit, teknis, sosiokultural, literasi_digital, numerik; expected box
PEOPLE = [
    ("198001012005011001", INJECT_NAME, "IV.a", "+SUM(1,2)", 4, 3, 3, 3),  # 9
    ("198505152010012002", "Siti Aminah", "IV.a", "@cmd", 3, 2, 1.75, 2),  # 8
    ("196803091990031003", "Budi Santoso", "III.a", "Bappeda", 3.5, 3, 3, 3),  # 9, pensiun
    ("199001012015011004", "Dewi Lestari", "JF Ahli Muda", "Bappeda", 2, 2, 2, 1.5),  # 5
    ("199203032018012005", "Eko Prasetyo", "JF Ahli Pertama", "+SUM(1,2)", 1.5, 1.75, 2, 2),  # 6
    ("198707072012011006", "Fajar Nugroho", "IV.a", "@cmd", 2, 1, 1.5, 2),  # 1
    ("198808082014031008", "Hadi Wijaya", "JF Ahli Muda", "Bappeda", 3, 2, 1.5, 1.5),  # 7
    ("199505052020121007", "Gita Permata", "IV.a", "Bappeda", 3, 2, 2, 2),  # no kinerja
]
KINERJA = [
    ("198001012005011001", 2025, "Baik"),
    ("198001012005011001", 2026, "Sangat Baik"),
    ("198505152010012002", 2026, "Baik"),
    ("196803091990031003", 2026, "Sangat Baik"),
    ("199001012015011004", 2025, "Baik"),
    ("199203032018012005", 2026, "Butuh Perbaikan"),
    ("198707072012011006", 2026, "Kurang"),
    ("198808082014031008", 2026, "Sangat Baik"),
    ("198808082014031008", 2027, "Kurang"),  # after the cycle: ignored
]
FORMASI = [
    ("F-01", "Kepala Bagian Umum", "Sekretariat Daerah", "III.a", 1),
    ("F-02", "Perencana Ahli Madya", "Bappeda", "JF Ahli Madya", 1),
    ("F-03", "Perencana Ahli Muda", "Bappeda", "JF Ahli Muda", 1),  # nobody in the pool
]


def _inputs(folder: Path) -> list[Path]:
    """The three input workbooks, written with xlsxwriter as an agency would export them."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [["REKAPITULASI HASIL ASESMEN"], None, ASESMEN_HEADER]
    rows += [
        [i, nip, nama, "Kepala Seksi", lv, unit, *sc]
        for i, (nip, nama, lv, unit, *sc) in enumerate(PEOPLE, 1)
    ]
    files = [write_xlsx(folder / "asesmen-2026.xlsx", rows)]
    kin = [["NIP", "Nama", "Tahun", "Predikat Kinerja"], *([n, "x", y, p] for n, y, p in KINERJA)]
    files.append(write_xlsx(folder / "kinerja.xlsx", kin, sheet="Kinerja"))
    head = ["Kode Jabatan", "Nama Jabatan", "Unit Kerja", "Jenjang Jabatan", "Jumlah"]
    vac = [head, *map(list, FORMASI)]
    files.append(write_xlsx(folder / "formasi-2026.xlsx", vac, sheet="Formasi"))
    return files


def _workspace(root: Path) -> Cli:
    cli = Cli(root)
    result = cli("import", *_inputs(root / "in"))
    assert result.exit_code == 0, result.output
    result = cli("classify", "--cycle", "2026", "--as-of", AS_OF)
    assert result.exit_code in (0, 1), result.output
    return cli


def _report(cli: Cli, out: Path, *extra: str) -> Path:
    result = cli("report", "--out", out, *extra)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The cohort above, classified; reports: id/ xlsx + json, en/ xlsx with --assign."""
    root = tmp_path_factory.mktemp("xlsx")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        mp.delenv("TALENTCLI_DB", raising=False)
        cli = _workspace(root)
        _report(cli, root / "id", "--format", "xlsx,json")
        _report(cli, root / "en", "--format", "xlsx", "--lang", "en", "--assign")
    return root


@functools.cache
def book(root: Path, sub: str = "id") -> openpyxl.Workbook:
    """A report read back with openpyxl (read once per test module; tests only look)."""
    return openpyxl.load_workbook(root / sub / "talenta-2026.xlsx")


def listed(ws) -> list[tuple]:
    """A list sheet's rows: the header and the records, up to the blank row before the
    signature block."""
    rows = list(ws.iter_rows(values_only=True))
    end = next((i for i, r in enumerate(rows) if all(v is None for v in r)), len(rows))
    return rows[:end]


def table(ws) -> list[dict]:
    """A list sheet as dicts keyed by the header row."""
    rows = listed(ws)
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def plain(v):
    return v.date().isoformat() if isinstance(v, dt.datetime) else v


# ------------------------------------------------------------------ structure


def test_spec_lists_these_sheets():
    """Meta-test: the names above are the ones SPEC §5 lists for the xlsx report."""
    repo = Path(__file__).resolve().parents[1]
    # CI lays shared/ beside the clone; a session has it at ../shared too
    candidates = [repo.parent / "shared" / "SPEC.md", repo / "SPEC.md"]
    spec = next((p for p in candidates if p.is_file()), None)
    if spec is None:
        pytest.skip("SPEC.md not available")
    text = spec.read_text(encoding="utf-8")
    para = re.search(
        r"\* `xlsx`:.*?sheets \(Indonesian names by default\):(.*?)\n\s*Frozen", text, re.S
    )
    assert para, "SPEC §5 no longer describes the xlsx sheets"
    names = re.sub(r"\([^)]*\)", "", " ".join(para.group(1).split()))
    assert [n.strip(" .") for n in names.split(",")] == SPEC_SHEETS


def _in_order(want: list[str], got: list[str]) -> bool:
    """WANT is a subsequence of GOT."""
    it = iter(got)
    return all(name in it for name in want)


def test_sheets_in_order_in_both_languages(small):
    from talentcli.report.xlsx_report import SHEET_ORDER

    for sub, spec, lang in (("id", SPEC_SHEETS, "id"), ("en", EN_SHEETS, "en")):
        names = book(small, sub).sheetnames
        bare = [re.sub(r"\s*\([^)]*\)", "", n) for n in names]  # as SPEC_SHEETS: no (...)
        assert _in_order(spec, bare), names
        labels = Labels(load_rules().rules, lang)
        assert names == [labels.sheet(code) for code in SHEET_ORDER]  # extra lists: lists.LISTS


def test_file_is_owner_only(small):
    path = small / "id" / "talenta-2026.xlsx"
    assert path.stat().st_mode & 0o777 == 0o600
    temp = [p for p in path.parent.iterdir() if p.name.startswith(".") and p.name != RECORD]
    assert not temp  # no temp left (the record of the run shown is kept)


def test_list_sheets_have_frozen_header_autofilter_and_widths(small):
    """(Pergerakan Talenta has no list in a run with no previous cycle, as this one: its
    layout with two cycles is test_kalibrasi's.)"""
    wb = book(small)
    for ws in wb.worksheets[2:]:
        name = ws.title
        if name == "Pergerakan Talenta":
            continue
        top = 1
        assert ws.freeze_panes in (f"A{top + 1}", "C2"), name
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith(f"A{top}:"), name
        assert all(c.font.b for c in ws[top]), name
        widths = {k: d.width for k, d in ws.column_dimensions.items()}
        assert widths and max(widths.values()) <= 61, name
    # the NIP column fits 18 digits; the name column fits the longest name
    assert wb["Hasil"].column_dimensions["A"].width >= 18
    assert wb["Hasil"].column_dimensions["B"].width >= len(INJECT_NAME)


# ------------------------------------------------------------------ cell types


def test_injection_strings_stay_text(small):
    for sub in ("id", "en"):
        wb = book(small, sub)
        seen = set()
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value[:1] in "=+@":
                        assert cell.data_type == "s", (ws.title, cell.coordinate)
                        seen.add(cell.value)
        assert INJECT_NAME in seen and set(INJECT_UNITS) <= seen
        assert any(INJECT_NAME in str(v) for r in wb.worksheets[1].values for v in r)


def test_injection_strings_equal_the_input(small):
    hasil = {r["NIP"]: r for r in table(book(small)["Hasil"])}
    assert hasil["198001012005011001"]["Nama"] == INJECT_NAME
    assert hasil["198001012005011001"]["Unit Kerja"] == "+SUM(1,2)"
    assert hasil["198505152010012002"]["Unit Kerja"] == "@cmd"


def test_nip_is_text_and_numbers_are_numbers(small):
    wb = book(small)
    for name in ("Hasil", "Promosi", "Rencana Pengembangan", "Data Tidak Lengkap"):
        ws = wb[name]
        head = [c.value for c in ws[1]]
        nip = head.index("NIP") + 1
        cells = [ws.cell(r, nip) for r in range(2, len(listed(ws)) + 1)]
        assert cells and all(c.data_type == "s" and len(c.value) == 18 for c in cells), name
    ws = wb["Hasil"]
    head = [c.value for c in ws[1]]
    for col in ("JPM (%)", "Kotak Talenta", "Nilai Kemampuan Teknis", "Total JP", "Biaya (Rp)"):
        cells = [ws.cell(r, head.index(col) + 1) for r in range(2, len(listed(ws)) + 1)]
        assert all(c.data_type == "n" and c.value is not None for c in cells), col
    cost = ws.cell(2, head.index("Biaya (Rp)") + 1)
    assert "#,##0" in cost.number_format
    bup = ws.cell(2, head.index("TMT Pensiun (perkiraan)") + 1)
    assert bup.is_date


def test_retirement_dates_are_date_cells_in_the_long_form(small):
    """SPEC §5 'one date': TMT Pensiun is a date cell (sorts, filters) that shows as
    '1 April 2026', with the months of the report's language whatever the reader's locale.
    Budi (NIP 19680309..., administrator, retirement age 58) is 58 in March 2026: TMT
    1 April 2026; the others are 1 of the month after their 58th birthday."""
    for sub, sheet, head, fmt in (
        ("id", "Hasil", "TMT Pensiun (perkiraan)", "[$-421]d mmmm yyyy"),
        ("en", "Results", "Retirement date (estimated)", "[$-409]d mmmm yyyy"),
    ):
        ws = book(small, sub)[sheet]
        names = [c.value for c in ws[1]]
        col = names.index(head) + 1
        cells = {ws.cell(r, 1).value: ws.cell(r, col) for r in range(2, len(listed(ws)) + 1)}
        assert len(cells) == 7
        assert all(c.is_date and c.number_format == fmt for c in cells.values()), sub
        assert {c.alignment.horizontal for c in cells.values()} == {"center"}  # off the next
        assert cells["196803091990031003"].value == dt.datetime(2026, 4, 1)
        assert cells["198505152010012002"].value == dt.datetime(2043, 6, 1)  # born 15 May 1985
        letter = openpyxl.utils.get_column_letter(col)
        shown = [f"{c.value.day} {BULAN[c.value.month - 1]} {c.value.year}" for c in cells.values()]
        assert ws.column_dimensions[letter].width >= max(map(len, shown)), sub


BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
         "September", "Oktober", "November", "Desember")  # fmt: skip


def test_a_date_column_is_as_wide_as_its_longest_date_in_words():
    from talentcli.report.xlsx_report import date_chars

    def serial(y, m, d):
        return (dt.date(y, m, d) - dt.date(1899, 12, 30)).days

    assert date_chars([serial(2040, 5, 1)]) == len("1 Mei 2040")
    assert date_chars([serial(2040, 5, 1), serial(2040, 9, 30)]) == len("30 September 2040")
    assert date_chars([serial(2037, 8, 1)] * 3) == len("1 Agustus 2037")  # English: August
    assert date_chars([]) == 0


def test_pergerakan_without_a_previous_cycle_says_so_in_one_line(small):
    """One cycle only (SPEC §4.10): the sheet stays (SPEC §5's sheet list) but holds the
    line that says there is nothing to compare with, then the signature block: no matrix
    of zeros, nobody listed as Baru."""
    for sub, name, note in (
        ("id", "Pergerakan Talenta", "Belum ada siklus sebelumnya untuk dibandingkan: "
         "pergerakan dihitung mulai siklus berikutnya."),
        ("en", "Talent Movement", "No previous cycle to compare with: movement is counted "
         "from the next cycle on."),
    ):  # fmt: skip
        ws = book(small, sub)[name]
        values = [v for row in ws.iter_rows(values_only=True) for v in row if v is not None]
        assert values[0] == note and ws["A1"].value == note
        assert not any(isinstance(v, str) and re.search(r"\d{18}", v) for v in values)
        assert not {"Baru", "New", "Kotak 9", "Box 9"} & set(values)
        assert values[1].endswith(", 1 Januari 2026" if sub == "id" else ", 1 January 2026")
        assert ws.max_row <= 10 and ws.auto_filter.ref is None


def test_coded_values_are_readable(small):
    rows = table(book(small)["Hasil"])
    a = next(r for r in rows if r["NIP"] == "198001012005011001")
    assert a["Kelompok Rencana Suksesi"] == "Ya" and a["Kesiapan"] == "Siap sekarang"
    assert a["Penempatan"] == "Promosi" and a["Potensial"] == "Tinggi"
    assert a["Status Kemampuan Teknis"] == "Keunggulan"
    budi = next(r for r in rows if r["NIP"] == "196803091990031003")
    assert budi["Catatan"] == "Menjelang BUP" and budi["Kelompok Rencana Suksesi"] == "Tidak"
    en = table(book(small, "en")["Results"])
    a = next(r for r in en if r["NIP"] == "198001012005011001")
    assert a["Talent pool"] == "Yes" and a["Readiness"] == "Ready now"
    promo = table(book(small, "en")["Promotion"])
    assert promo[0]["Recommendation"].startswith("Promote and retain")


def run_data(root: Path):
    """The small cohort's latest run, as the report command loads it."""
    from talentcli.pipeline import load_run
    from talentcli.store import Store

    store = Store(root / "talent.db")
    try:
        return load_run(store, "2026")
    finally:
        store.close()


def test_empty_lists_keep_their_sheet(small, tmp_path):
    from talentcli.report.xlsx_report import write

    data = run_data(small)
    one = data.people[data.people["nip"] == "199001012015011004"]  # box 5: mutasi only
    data = dataclasses.replace(
        data,
        people=one,
        plans=data.plans[data.plans["nip"].isin(one["nip"])],
        incomplete=data.incomplete.iloc[:0],
        vacancies=data.vacancies.iloc[:0],
        candidates=data.candidates.iloc[:0],
    )
    wb = openpyxl.load_workbook(write(data, tmp_path, "en")[0])
    empty = ("Promotion", "Vacancy Candidates", "Incomplete Data", "Succession Pool")
    for name in [n for n in wb.sheetnames if n in empty or n.startswith("Stays")]:
        ws = wb[name]
        said = "No data" if name != "Vacancy Candidates" else "No vacancies (formasi) imported"
        assert len(listed(ws)) == 2 and ws["A2"].value.startswith(said), name
        assert ws["A1"].value == ("NIP" if name != "Vacancy Candidates" else "Vacancy code")
        assert ws.auto_filter.ref and ws.freeze_panes == "A2"
    assert wb["Transfer"]["A2"].value == "199001012015011004"
    assert book(small)["Promosi"]["A2"].value != "Tidak ada data"


# ------------------------------------------------------------------ Ringkasan, Peta


def _labelled(ws) -> dict[str, object]:
    """Column A label -> column B value over the whole summary sheet."""
    return {r[0]: r[1] for r in ws.iter_rows(max_col=2, values_only=True) if r[0]}


def _grid(ws) -> dict[int, int]:
    """'Kotak N' cells of the 9-box -> the count in the cell below."""
    out = {}
    for row in ws.iter_rows(max_row=40, min_col=2, max_col=4):
        for cell in row:
            m = re.fullmatch(r"Kotak (\d)", str(cell.value))
            if m and isinstance(ws.cell(cell.row + 1, cell.column).value, int | float):
                out[int(m.group(1))] = ws.cell(cell.row + 1, cell.column).value
    return out


def test_ringkasan_counts_equal_the_json_summary(small):
    doc = json.loads((small / "id" / "talenta-2026.json").read_text(encoding="utf-8"))
    summary = doc["summary"]
    ws = book(small)["Ringkasan"]
    got = _labelled(ws)
    assert got["Pegawai dalam siklus (diasesmen)"] == summary["people"] == 8
    assert got["Terklasifikasi (masuk 9-box)"] == summary["classified"] == 7
    assert got["Data tidak lengkap"] == summary["incomplete"] == 1
    assert _grid(ws) == {int(b): n for b, n in summary["boxes"].items()}
    names = {
        "promosi": "Promosi",
        "rotasi": "Rotasi",
        "mutasi": "Penempatan yang Sesuai (Mutasi)",
        "tindak_lanjut": "Tindak Lanjut (diproses sesuai ketentuan)",
        "tetap": "Tetap (Menjelang BUP)",
    }
    for code, n in summary["placements"].items():
        assert got[names[code]] == n, code
    people = doc["people"]
    assert got["Total JP"] == sum(p["plan_jp"] for p in people)
    assert got["Total biaya"] == sum(p["plan_cost"] for p in people)


def test_ringkasan_grid_layout_and_traceability(small):
    doc = json.loads((small / "id" / "talenta-2026.json").read_text(encoding="utf-8"))
    ws = book(small)["Ringkasan"]
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[1] == "Di Bawah Ekspektasi")
    assert rows[head][1:4] == ("Di Bawah Ekspektasi", "Sesuai Ekspektasi", "Di Atas Ekspektasi")
    assert [rows[head + k][0] for k in (1, 3, 5)] == ["Tinggi", "Menengah", "Rendah"]
    assert rows[head + 1][1:4] == ("Kotak 6", "Kotak 8", "Kotak 9")
    assert rows[head + 5][1:4] == ("Kotak 1", "Kotak 2", "Kotak 4")
    assert ws.cell(head + 3, 4).fill.fgColor.rgb.endswith("1B5E20")  # box 9 dark green
    got = _labelled(ws)
    assert got["Aplikasi"] == f"talentcli {doc['tool']['version']}"
    assert (got["Siklus"], got["Kondisi per tanggal"]) == ("2026", "1 Januari 2026")  # AS_OF
    assert got["SHA-256 aturan"] == doc["rules"]["sha256"]
    for inp in doc["inputs"]:
        assert got[inp["file"]] == inp["sha256"]
    units: dict = {}  # the Per Unit Kerja table: the first rows naming the units
    for r in rows:
        if r[0] in ("Bappeda", "@cmd", "+SUM(1,2)", "Jumlah"):
            units.setdefault(r[0], r[1:])
    assert units["Bappeda"][0] == 3 and units["@cmd"][0] == 2 and units["+SUM(1,2)"][0] == 2
    assert units["Jumlah"][0] == 7  # the last 'Jumlah' row: the per-unit table's cohort total


def test_peta_talenta_lists_names_under_their_box(small):
    ws = book(small)["Peta Talenta"]
    rows = list(ws.iter_rows(values_only=True))
    where = {}
    for i, row in enumerate(rows):
        for c, v in enumerate(row):
            if isinstance(v, str) and v.endswith(")") and "(19" in v:
                head = next(
                    rows[k][c] for k in range(i, -1, -1) if str(rows[k][c]).startswith("Kotak")
                )
                where[v] = head
    assert where == {
        f"{INJECT_NAME} (198001012005011001)": "Kotak 9: 2 pegawai",
        "Budi Santoso (196803091990031003)": "Kotak 9: 2 pegawai",
        "Siti Aminah (198505152010012002)": "Kotak 8: 1 pegawai",
        "Hadi Wijaya (198808082014031008)": "Kotak 7: 1 pegawai",
        "Eko Prasetyo (199203032018012005)": "Kotak 6: 1 pegawai",
        "Dewi Lestari (199001012015011004)": "Kotak 5: 1 pegawai",
        "Fajar Nugroho (198707072012011006)": "Kotak 1: 1 pegawai",
    }


# ------------------------------------------------------------------ kandidat, golden


def test_assigned_candidates_are_marked(small):
    ws = book(small, "en")["Vacancy Candidates"]
    rows = table(ws)
    marked = [(r["Vacancy code"], r["NIP"]) for r in rows if r["Proposed assignment"] == "Yes"]
    assert marked == [("F-01", "198001012005011001"), ("F-02", "198808082014031008")]
    fills = [ws.cell(i + 2, 1).fill.fgColor.rgb for i, r in enumerate(rows)]
    assert [f.endswith("C6EFCE") for f in fills] == [
        r["Proposed assignment"] == "Yes" for r in rows
    ]
    assert "Usulan Penetapan" not in [c.value for c in book(small)["Kandidat Jabatan Lowong"][1]]
    f03 = [r for r in rows if r["Vacancy code"] == "F-03"]
    assert len(f03) == 1 and f03[0]["NIP"] is None  # a vacancy without candidates keeps a row


def _sheet_values(ws) -> list[list]:
    return [[plain(v) for v in row] for row in listed(ws)]


def test_golden_hasil_and_rencana(small):
    """Hasil and Rencana Pengembangan equal the reviewed golden values.

    The golden file was written once (TALENTCLI_UPDATE_GOLDEN=1) and checked by hand:
    - JPM (§4.3): Fajar 2+1+1.5+2 = 6.5 / 9 = 72.22 -> kurang optimal, rendah; Eko 7.25 / 8 =
      90.625 -> 90.63 (half-up, not 90.62) -> optimal, tinggi; Dewi 7.5 / 9 = 83.33; Hadi 8 / 9 =
      88.89; the injection-named person 13 / 9 capped at 100; Budi 12.5 / 12 capped at 100.
    - 9-box (§4.5): Sangat Baik/Baik/Kurang/Butuh Perbaikan -> di_atas/sesuai/di_bawah, latest
      year <= 2026 (Hadi's 2027 'Kurang' ignored; Dewi's 2025 used) -> boxes 9, 8, 9, 5, 6, 1, 7.
    - §4.6: Budi (born 1968-03-09, administrator 58) retires 2026-04-01 < 2027-01-01: box 9 but
      placement Tetap, not in the pool, no readiness, note Menjelang BUP; Hadi box 7 gets
      'Pertimbangkan tugas belajar'; Gita has no kinerja -> Data Tidak Lengkap only.
    - §4.8 plans: Dewi TEK-B (berat, -1) then NUM-R (-0.5) = 50 JP, Rp4.500.000; Fajar TEK-B,
      SOS-B (tie at -1: competency order), DIG-R = 76 JP, Rp7.500.000; Eko TEK-R, SOS-R, BKK (box
      6) = 28 JP; Siti DIG-R (gap) + TEK-R (min_jp, smallest delta 0, first in order) = 22 JP;
      the injection-named person, all deltas +1: TEK-R, SOS-R (min_jp) = 20 JP; Budi SOS-R, DIG-R
      = 22 JP; Hadi DIG-R, NUM-R (gaps -0.5, order) = 22 JP. Every plan >= 20 JP.
    """
    wb = book(small)
    got = {
        "hasil": _sheet_values(wb["Hasil"]),
        "rencana": _sheet_values(wb["Rencana Pengembangan"]),
    }
    if os.environ.get("TALENTCLI_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert got == want


def test_same_run_gives_the_same_bytes(small, tmp_path):
    """No timestamp inside: the document's 'created' is the run's as_of."""
    from talentcli.report.xlsx_report import write

    data = run_data(small)
    first = write(data, tmp_path / "a")[0].read_bytes()
    assert write(data, tmp_path / "b")[0].read_bytes() == first
    assert first == (small / "id" / "talenta-2026.xlsx").read_bytes()


# ------------------------------------------------------------------ print (SPEC §5)

SIGNED = Instansi(
    nama="Pemerintah Kota Contoh & Sekitarnya",
    kota="Kota Contoh",
    penandatangan=Signatory(jabatan="Kepala BKPSDM", nama="Drs. Penanda Tangan", nip="1"),
)


@pytest.fixture(scope="module")
def signed(small, tmp_path_factory):
    """The small cohort's workbook for an agency with a signatory (talent.yaml)."""
    from talentcli.report.xlsx_report import write

    data = dataclasses.replace(run_data(small), instansi=SIGNED)
    return openpyxl.load_workbook(write(data, tmp_path_factory.mktemp("signed"), "id")[0])


def test_every_sheet_prints_landscape_one_page_wide_with_header_and_footer(signed):
    for ws in signed.worksheets:
        setup, name = ws.page_setup, ws.title
        assert setup.orientation == "landscape", name
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
        assert (setup.fitToWidth or 1, setup.fitToHeight) == (1, 0), name  # absent: 1
        head, foot = ws.oddHeader, ws.oddFooter
        assert head.left.text.strip() == "Pemerintah Kota Contoh && Sekitarnya", name  # & escaped
        assert head.center.text.strip() == f"&B {name}", name  # bold
        assert head.right.text.strip() == "Siklus 2026 · kondisi per 1 Januari 2026", name
        assert foot.center.text.strip() == "Halaman &P dari &N", name
    lists = signed.worksheets[3:]  # after Ringkasan, Peta Talenta, Hasil
    for ws in [signed["Hasil"], *lists]:  # the header row on every page
        if ws.title == "Pergerakan Talenta":  # one line, no list: no previous cycle here
            continue
        assert ws.print_title_rows == "$1:$1", ws.title
    wide = "Kandidat Jabatan Lowong"  # a column per eligibility criterion: A3 (PRINT_WIDTHS)
    assert {ws.page_setup.paperSize for ws in lists if ws.title != wide} == {9}  # A4, legibly
    assert signed[wide].page_setup.paperSize == 8
    assert signed["Hasil"].page_setup.paperSize == 8  # the full data: A3, not for paper


def test_list_sheets_end_with_the_signature_block(signed):
    for ws in signed.worksheets[3:]:
        rows = list(ws.iter_rows(values_only=True))
        filled = [r for r in rows if any(v is not None for v in r)]
        tail = [next(v for v in r if v is not None) for r in filled[-4:]]
        assert tail == [
            "Kota Contoh, 1 Januari 2026",
            "Kepala BKPSDM",
            "Drs. Penanda Tangan",
            "NIP 1",
        ], ws.title
    assert not any(v == "Kepala BKPSDM" for r in signed["Hasil"].values for v in r)
    for ws in [w for w in signed.worksheets[3:] if w.title != "Pergerakan Talenta"]:
        # the print area: the list and its signature, no more
        width = sum(1 for c in ws[1] if c.value is not None)  # the header row's columns
        last = openpyxl.utils.get_column_letter(width)
        assert ws.print_area == f"'{ws.title}'!$A$1:${last}${ws.max_row}", ws.title


def test_long_text_wraps_in_rows_tall_enough(signed):
    """Recommendations wrap within their column; the row is sized for its lines (a PDF
    converter does not size rows itself)."""
    from talentcli.report.xlsx_report import _chars_per_line, wrapped_lines

    ws = signed["Promosi"]
    head = [c.value for c in ws[1]]
    col = head.index("Rekomendasi") + 1
    letter = openpyxl.utils.get_column_letter(col)
    width = ws.column_dimensions[letter].width
    for r in range(2, len(listed(ws)) + 1):
        cell = ws.cell(r, col)
        assert cell.alignment.wrap_text and cell.alignment.vertical == "top"
        lines = wrapped_lines(cell.value, _chars_per_line(int(width)))
        assert lines > 1 and ws.row_dimensions[r].height == 15.0 * lines
    total = sum(d.width for d in ws.column_dimensions.values())
    assert total <= 235  # about 60% on A4 landscape: 6.8 pt of Calibri 11


def test_wrapped_lines_counts_word_wrapped_lines():
    from talentcli.report.xlsx_report import wrapped_lines

    assert wrapped_lines("Dinas Kependudukan dan Pencatatan Sipil", 19) == 3
    assert wrapped_lines("Dinas Kependudukan dan Pencatatan Sipil", 22) == 2
    assert wrapped_lines("Bappeda", 10) == 1
    assert wrapped_lines("x" * 25, 10) == 3  # a word longer than the line is cut


def test_hasil_colours_box_and_gap_cells(signed):
    ws = signed["Hasil"]
    head = [c.value for c in ws[1]]
    box = openpyxl.utils.get_column_letter(head.index("Kotak Talenta") + 1)
    rules = {
        str(rng.sqref): [(r.operator, r.formula, r.dxf.fill.bgColor.rgb) for r in cf.rules]
        for cf in ws.conditional_formatting
        for rng in [cf]
    }
    on_box = next(v for k, v in rules.items() if k.startswith(box))
    assert ("equal", ["9"], "FF1B5E20") in on_box and ("equal", ["1"], "FFD32F2F") in on_box
    delta = openpyxl.utils.get_column_letter(head.index("Selisih Kemampuan Teknis") + 1)
    on_delta = next(v for k, v in rules.items() if k.startswith(delta))
    assert [(op, f) for op, f, _ in on_delta] == [
        ("lessThanOrEqual", ["-1.0"]),
        ("lessThan", ["0"]),
    ]
    status = openpyxl.utils.get_column_letter(head.index("Status Kemampuan Teknis") + 1)
    assert next(v for k, v in rules.items() if k.startswith(status))[0][1] == ['"Kesenjangan"']


# ------------------------------------------------------------------ charts (SPEC §5)


def test_ringkasan_carries_the_native_charts(small):
    """xl/charts/ holds the 9-box, JPM, gaps, programmes and boxes-per-unit charts, each
    drawing cells of Ringkasan; the numbers beside them are the cohort's."""
    import zipfile

    with zipfile.ZipFile(small / "id" / "talenta-2026.xlsx") as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    titles = [re.search(r"<a:t>([^<]*)</a:t>", c).group(1) for c in charts]
    mine = [
        "Sebaran 9-Box",
        "Sebaran JPM",
        "Kesenjangan per Kompetensi",
        "Program Pengembangan: Peserta, JP dan Biaya",
        "Kotak Talenta per Unit Kerja",
    ]
    assert all(titles.count(t) == 1 for t in mine), titles  # (Kesetaraan draws its own)
    unit_chart = next(c for c in charts if "Kotak Talenta per Unit" in c)
    assert unit_chart.count("<c:ser>") == 9 and '<c:grouping val="stacked"/>' in unit_chart
    assert "Ringkasan!$" in unit_chart
    data = json.loads((small / "id" / "talenta-2026.json").read_text(encoding="utf-8"))
    rows = list(book(small)["Ringkasan"].iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if r[0] == "Sebaran JPM")
    bins = {r[0]: r[1] for r in rows[at + 2 : at + 12]}
    assert sum(bins.values()) == len(data["people"])
    for p in data["people"]:  # each person in the bin of their JPM
        lo = min(int(p["jpm"] // 10) * 10, 90)
        assert bins[f"{lo}–{lo + 10}"] >= 1
    at = next(i for i, r in enumerate(rows) if r[0] == "Kesenjangan per Kompetensi")
    teknis = rows[at + 2]
    deltas = [p["delta"]["teknis"] for p in data["people"]]
    assert teknis[:3] == (
        "Kemampuan Teknis",
        sum(-1 < d < 0 for d in deltas),
        sum(d <= -1 for d in deltas),
    )


def test_report_ticks_per_format_and_per_sheet(small, tmp_path):
    """The report's progress: a tick per format, the workbook's rows per sheet (not per row)."""
    from talentcli.progress import listening
    from talentcli.report import write_reports

    got: list = []
    with listening(lambda what, done, total, unit="": got.append((what, done, total))):
        write_reports(run_data(small), tmp_path, ["json", "xlsx"])
    assert [t for t in got if t[0] == "report"] == [
        ("report", 0, 2),
        ("report", 1, 2),
        ("report", 2, 2),
    ]
    from talentcli.report import lists

    data = run_data(small)
    rows = [t for t in got if t[0] == "xlsx"]
    assert len(rows) == len(book(small).worksheets) - 2  # one per list sheet
    each = [len(build(data)) for build in lists.lists_for(data.rules).values()]
    assert [t[1] for t in rows] == list(itertools.accumulate(each))  # rows of the lists so far
    assert rows[-1][2] == sum(each)


def test_a_placement_the_rules_add_gets_its_own_list_everywhere(small, tmp_path):
    """Issue #13 item 5: the placement lists follow the rules' placements, not a fixed set."""
    from talentcli.report import write_reports
    from talentcli.rules import Label

    data = run_data(small)
    places = {**data.rules.placements, "pembinaan": Label(name="Pembinaan: Khusus")}
    rules = data.rules.model_copy(update={"placements": places})
    low = data.people["box"] == 1
    people = data.people.assign(placement=data.people["placement"].where(~low, "pembinaan"))
    data = dataclasses.replace(data, rules=rules, people=people)
    write_reports(data, tmp_path, ["xlsx", "csv", "html"])
    wb = openpyxl.load_workbook(tmp_path / "talenta-2026.xlsx")
    names = wb.sheetnames
    assert names.index("Pembinaan  Khusus") == names.index("Tetap (Menjelang BUP)") + 1  # ':' out
    want = sorted(people.loc[low, "nip"])
    assert want and sorted(r["NIP"] for r in table(wb["Pembinaan  Khusus"])) == want
    csv = (tmp_path / "talenta-2026-pembinaan.csv").read_text(encoding="utf-8-sig")
    assert all(n in csv for n in want)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'id="pembinaan"' in index and "Pembinaan: Khusus" in index
    heads = [r for r in wb["Ringkasan"].iter_rows(values_only=True) if r[0] == "Unit Kerja"]
    assert "Pembinaan  Khusus" in heads[0]  # the per-unit counts have its column


def test_widened_gives_room_to_the_column_that_lacks_least_and_never_narrows():
    from talentcli.report.xlsx_report import Column, widened

    def col(width, fitted, usual, wrap=True):
        return Column("h", "text", [], width, fitted, usual, wrap)

    cols = [col(20, 20, 20, False), col(10, 40, 30), col(10, 14, 14), col(12, 50, 8)]
    out = widened(cols, total=70)  # 52 used: 18 to give
    assert [c.width for c in out] == [20, 24, 14, 12]  # 4 to the third, then 14 to the second
    assert [c.wrap for c in out] == [False, True, False, True]


def test_printed_pdf_every_list_page_legible_with_header_and_page_numbers(signed, tmp_path):
    """Looked at, by a machine: LibreOffice prints the workbook to PDF; every page carries
    'Halaman x dari y', and a NIP (18 digits) on any page but Hasil's prints at 6 pt or more."""
    import shutil
    import subprocess

    soffice, pdftotext = shutil.which("soffice"), shutil.which("pdftotext")
    if not (soffice and pdftotext):
        pytest.skip("LibreOffice / poppler not installed")
    src = tmp_path / "book.xlsx"
    signed.save(src)  # the signed workbook, as openpyxl read it: page setup kept
    paper = openpyxl.load_workbook(src)
    del paper["Hasil"]  # the full data, A3 and small: not meant for paper
    paper.save(src)
    env = {**os.environ, "HOME": str(tmp_path)}  # a profile of its own
    subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
        check=True, capture_output=True, timeout=180, env=env,
    )  # fmt: skip
    words = subprocess.run(
        [pdftotext, "-bbox", str(tmp_path / "book.pdf"), "-"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    pages = words.split("<page ")[1:]
    assert pages
    for i, page in enumerate(pages, 1):
        text = " ".join(re.findall(r">([^<]*)</word>", page))
        assert f"Halaman {i} dari {len(pages)}" in text, i
        for x0, x1 in re.findall(
            r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>\d{18}<', page
        ):
            assert (float(x1) - float(x0)) / 18 / 0.507 >= 6.0, i  # Carlito digits: 0.507 em


def test_a_placement_named_like_a_list_gets_a_sheet_of_its_own(small, tmp_path):
    """Found by review: a rules placement whose name is an existing sheet's (Tetap (Menjelang
    BUP)) stopped the workbook with DuplicateWorksheetName (exit 70): it is numbered now."""
    from talentcli.report import write_reports
    from talentcli.report.xlsx_report import unique_sheet_name
    from talentcli.rules import Label

    data = run_data(small)
    places = {**data.rules.placements, "pembinaan": Label(name="TETAP (Menjelang BUP)")}
    data = dataclasses.replace(data, rules=data.rules.model_copy(update={"placements": places}))
    write_reports(data, tmp_path, ["xlsx"])
    names = openpyxl.load_workbook(tmp_path / "talenta-2026.xlsx").sheetnames
    assert "Tetap (Menjelang BUP)" in names and "TETAP (Menjelang BUP) (2)" in names
    used = {"x" * 31}
    assert unique_sheet_name("X" * 31, used) == "X" * 27 + " (2)"
