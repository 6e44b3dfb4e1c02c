"""The xlsx report (SPEC §5), written by xlsxwriter and read back with openpyxl.

A hand-made cohort goes through the CLI: import -> classify -> report xlsx (and json).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import os
import re
from pathlib import Path

import openpyxl
import pytest

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


def table(ws) -> list[dict]:
    """A list sheet as dicts keyed by the header row."""
    rows = list(ws.iter_rows(values_only=True))
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
    wb = book(small)
    below_matrix = {"Pergerakan Talenta": 16}  # its list's header under the 9 x 9 matrix
    for ws in wb.worksheets[2:]:
        name = ws.title
        top = below_matrix.get(name, 1)
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
        cells = [ws.cell(r, nip) for r in range(2, ws.max_row + 1)]
        assert cells and all(c.data_type == "s" and len(c.value) == 18 for c in cells), name
    ws = wb["Hasil"]
    head = [c.value for c in ws[1]]
    for col in ("JPM (%)", "Kotak Talenta", "Nilai Kemampuan Teknis", "Total JP", "Biaya (Rp)"):
        cells = [ws.cell(r, head.index(col) + 1) for r in range(2, ws.max_row + 1)]
        assert all(c.data_type == "n" and c.value is not None for c in cells), col
    cost = ws.cell(2, head.index("Biaya (Rp)") + 1)
    assert "#,##0" in cost.number_format
    bup = ws.cell(2, head.index("TMT Pensiun (perkiraan)") + 1)
    assert bup.is_date


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
        assert ws.max_row == 2 and ws["A2"].value == "No data", name
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
    units = {r[0]: r[1:] for r in rows if r[0] in ("Bappeda", "@cmd", "+SUM(1,2)", "Jumlah")}
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
    return [[plain(v) for v in row] for row in ws.iter_rows(values_only=True)]


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
