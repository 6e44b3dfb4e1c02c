"""Make the real-world fixture files under tests/data/real/ (run from the repository root).

    .venv/bin/python scripts/make_real_fixtures.py [--out tests/data/real]

The workbooks are written with openpyxl, then opened and saved again by LibreOffice
(`soffice --headless --convert-to ...`), so the committed files are genuinely
LibreOffice-written (cached formula values, LibreOffice's own styles and XML).
The CSV is written byte by byte (Windows-1252, CRLF). tests/test_real_files.py
documents, cell by cell, what each file holds and what the importer must make of it.

LibreOffice stamps the save time into the files, so a rerun changes their SHA-256 but
not their content.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "real"
PASSWORD = "secret"

# ----------------------------------------------------------------- asesmen

ASESMEN_HEADER = [
    "NO",
    "N.I.P.",
    "NAMA LENGKAP",
    "JABATAN",
    "Eselon/Jenjang",
    "Unit Kerja",
    "KEMAMPUAN\nTEKNIS",
    "Sosio Kultural",
    "LITERASI  DIGITAL",
    "Kemampuan Numerik/Berpikir",
    "NUMERIK\nSESI 1",
    "NUMERIK\nSESI 2",
    "KETERANGAN",
]
ASESMEN_HEADER_ROW = 5
# Excel row -> (NO, NIP, nama, jabatan, eselon, unit, teknis, sosio, literasi, sesi 1, sesi 2,
# keterangan). Column J (Kemampuan Numerik/Berpikir) is =ROUND(AVERAGE(K:L),2) on every data row.
ASESMEN_ROWS: dict[int, tuple] = {
    6: (1, "19780923 200312 1 003", "Drs. Ahmad Fauzi, M.Si.", "Kepala Bidang Mutasi",
        "III.b", "BKPSDM", 3.5, "3,25", 3, 3, 3.5, None),
    7: (2, "19850214 201001 2 005", "Siti Nurhaliza, S.E.", "Kepala Subbagian Umum",
        "IV.a", "Dinas Kesehatan", "3,25", 2.5, "1,75", 2, 2, None),
    8: (3, "19690711 199403 1 002", "Ir. H. Bambang Sutrisno", "Sekretaris Dinas",
        "Eselon III.a", "Dinas Lingkungan Hidup", 4, 3.5, 2.125, 3.25, 3.5, None),
    # type-error: LITERASI DIGITAL written as a word (I9)
    9: (4, "19860412 201101 1 002", "Yusuf Maulana", "Kepala Seksi Pelayanan",
        "IV.b", "Dinas Kependudukan dan Pencatatan Sipil", 3, 3, "tujuh", 3, 3, None),
    10: (5, "19900505 201503 2 001", "dr. Rina Marlina", "Dokter Ahli Muda",
         "JF Ahli Muda", "RSUD dr. Drajat Prawiranegara", "3.5", "2,5", 3, 2.5, 3, None),
    # 11: blank row inside the data
    12: (6, "19821130.200902.1.004", "Muhammad Ma'ruf", "Kepala Seksi Pengendalian",
         "IV/b", "Dinas Lingkungan Hidup", 2.75, 2, 2.5, 2, 2.5, None),
    # nip-precision-lost: the NIP typed into a number cell (B13)
    13: (7, 198703152010011008, "Fitri Handayani", "Kepala Subbagian Keuangan",
         "IV.a", "BPKAD", 3, 3, 3, 3, 3, None),
    14: (8, "19751225 200003 2 002", "Dewi Kartika Sari", "Analis Kebijakan Ahli Madya",
         "Ahli Madya", "Bappeda", 4.25, 3.5, 3.25, 3.5, 3.5, None),
    # out-of-range: KEMAMPUAN TEKNIS 5.5 (G15)
    15: (9, "19790101 200501 2 004", "Yanti Susanti", "Camat Cikande",
         "III.a", "Kecamatan Cikande", 5.5, 3, 3, 3, 3, "nilai perlu dicek"),
    # 16: blank row inside the data
    17: (10, "19880808 201101 1 006", "Andi Setiawan", "Pranata Komputer Ahli Pertama",
         "Fungsional Ahli Pertama", "Dinas Komunikasi dan Informatika", 2.5, 2.25, 4.5,
         2.5, 2.5, None),
    # unknown-job-level: an eselon II post (E18)
    18: (11, "19720303 199803 1 005", "H. Agus Salim", "Asisten Pemerintahan",
         "Eselon II.b", "Sekretariat Daerah", 4, 4, 3, 4, 4, None),
    19: (12, "19700101 199203 2 007", "Hj. Euis Komariah", "Kepala Bagian Umum",
         "III/a", "Sekretariat DPRD", 3, "2,75", 2, 2.5, 3, "sakit saat sesi 2, susulan"),
    # invalid-nip: birth date 1978-13-32 (B20)
    20: (13, "19781332 200312 1 004", "Budi Hartono", "Kepala Seksi Data",
         "IV.a", "Dinas Pendidikan", 3, 3, 3, 3, 3, None),
    21: (14, "19930317 201903 1 001", "Rizky Pratama", "Kepala Subbagian Program",
         "4a", "Inspektorat", 2.5, 2, 2, 1.5, 2, None),
    22: (15, "19810620 200604 2 003", "Nurul Hidayah", "Kepala Seksi Kurikulum",
         "Pengawas", "Dinas Pendidikan", 3.75, 3, 2.5, 3, 3, None),
}  # fmt: skip
# The signature block: text in JABATAN (D) and Unit Kerja (F) only.
ASESMEN_FOOTER = {
    25: {"D": "Mengetahui,", "F": "Serang, 20 Januari 2026"},
    26: {"F": "KEPALA BKPSDM KABUPATEN SERANG"},
    29: {"F": "Drs. H. Contoh Pejabat, M.Si."},
    30: {"D": "Pembina Utama Muda", "F": "NIP. 19680101 199003 1 010"},
}

# A third sheet, read only with --sheet Susulan: make-up sessions. D3:D4 is merged (one unit
# for two people); H5 is =ROUND(AVERAGE(I5:J5),2) over two empty cells, cached as #DIV/0!.
SUSULAN_HEADER = [
    "N.I.P.",
    "Nama",
    "Eselon",
    "Unit Kerja",
    "Kemampuan Teknis",
    "Sosio Kultural",
    "Literasi Digital",
    "Kemampuan Numerik",
    "Sesi 1",
    "Sesi 2",
]
SUSULAN_ROWS = {
    3: ("19870615 201001 1 003", "Hendra Gunawan", "IV.a",
        "Dinas Perpustakaan dan Kearsipan Daerah", 3, 2.5, 2.75, 2.5, 3),
    4: ("19891111 201403 2 002", "Lina Marlina", "IV.b", None, 2.75, 2.5, 3, 3, 2.5),
    5: ("19840229 200903 1 001", "Taufik Hidayat", "IV.a",
        "Dinas Tenaga Kerja dan Transmigrasi", 3, 3, 3, None, None),
}  # fmt: skip

PETUNJUK = [
    "PETUNJUK PENGISIAN REKAPITULASI HASIL ASESMEN",
    "",
    "1. Data hasil asesmen ada pada sheet Rekap.",
    "2. Kolom N.I.P. diisi 18 digit sebagai teks, boleh dengan spasi.",
    "3. Nilai tiap materi (Kemampuan Teknis, Sosio Kultural, Literasi Digital,",
    "   Kemampuan Numerik/Berpikir) dalam skala 1,00 - 5,00.",
    "4. Kolom Kemampuan Numerik/Berpikir dihitung otomatis (rata-rata dua sesi).",
    "5. Jangan mengubah judul kolom.",
]


def asesmen_source(path: Path) -> None:
    """The asesmen workbook as an agency would type it, before LibreOffice re-saves it."""
    wb = Workbook()
    info = wb.active
    info.title = "Petunjuk"
    for i, line in enumerate(PETUNJUK, start=1):
        info.cell(i, 1, line or None)
    info["A1"].font = Font(bold=True)
    info.column_dimensions["A"].width = 80

    ws = wb.create_sheet("Rekap")
    ws["A1"] = "PEMERINTAH KABUPATEN SERANG"
    ws.merge_cells("A1:M1")
    ws["A2"] = "BADAN KEPEGAWAIAN DAN PENGEMBANGAN SUMBER DAYA MANUSIA"
    ws["A3"] = "REKAPITULASI HASIL ASESMEN KOMPETENSI PEJABAT ADMINISTRATOR, PENGAWAS DAN JF"
    for cell in ("A1", "A2", "A3"):
        ws[cell].font = Font(bold=True, size=12)
        ws[cell].alignment = Alignment(horizontal="center")
    for c, title in enumerate(ASESMEN_HEADER, start=1):
        cell = ws.cell(ASESMEN_HEADER_ROW, c, title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for r, values in ASESMEN_ROWS.items():
        for letter, v in zip("ABCDEFGHIKLM", values, strict=True):
            if v is not None:
                ws[f"{letter}{r}"] = v
        ws[f"J{r}"] = f"=ROUND(AVERAGE(K{r}:L{r}),2)"
        if isinstance(values[1], int):
            ws[f"B{r}"].number_format = "0"
    for r, cells in ASESMEN_FOOTER.items():
        for letter, v in cells.items():
            ws[f"{letter}{r}"] = v
    widths = (5, 24, 28, 30, 14, 34, 11, 10, 10, 13, 9, 9, 24)
    for letter, width in zip("ABCDEFGHIJKLM", widths, strict=True):
        ws.column_dimensions[letter].width = width

    extra = wb.create_sheet("Susulan")
    extra["A1"] = "PESERTA ASESMEN SUSULAN"
    extra.merge_cells("A1:J1")
    for c, title in enumerate(SUSULAN_HEADER, start=1):
        extra.cell(2, c, title).font = Font(bold=True)
    for r, values in SUSULAN_ROWS.items():
        for letter, v in zip("ABCDEFGIJ", values, strict=True):
            if v is not None:
                extra[f"{letter}{r}"] = v
        extra[f"H{r}"] = f"=ROUND(AVERAGE(I{r}:J{r}),2)"
    extra.merge_cells("D3:D4")
    extra["D3"].alignment = Alignment(vertical="center", wrap_text=True)
    wb.save(path)


# ----------------------------------------------------------------- kinerja (CSV)

KINERJA_LINES = [
    "REKAP PREDIKAT KINERJA PNS KABUPATEN SERANG;;;;",
    "Sumber: e-Kinerja BKN, diunduh 06/01/2026;;;;",
    ";;;;",
    "NIP;Nama Pegawai;Tahun;Predikat Kinerja;Keterangan",
    "'197809232003121003;Drs. Ahmad Fauzi, M.Si.;2024;BAIK;",  # line 5
    "'197809232003121003;Drs. Ahmad Fauzi, M.Si.;2025;Sangat Baik;",
    "'198502142010012005;Siti Nurhaliza, S.E.;2024;baik;",
    "'198502142010012005;Siti Nurhaliza, S.E.;2025;baik;",
    "'198211302009021004;André Ma'ruf;2024;Cukup;predikat lama (PP 46/2011)",  # unknown-rating
    "'198211302009021004;André Ma'ruf;2025;Butuh Perbaikan;",  # line 10
    ";;;;",  # blank line inside the data
    "'199005052015032001;dr. Rina Marlina;2024;SANGAT BAIK;",
    "'199005052015032001;dr. Rina Marlina;2025;sangat  baik;",
    "1.97512E+17;Dewi Kartika Sari;2024;Baik;",  # nip-precision-lost (Excel number -> CSV)
    "'197512252000032002;Dewi Kartika Sari;2025;Baik;",  # line 15
    "19880808 201101 1 006;Andi Setiawan;2024;Kurang/Misconduct;",
    "19880808 201101 1 006;Andi Setiawan;2025;kurang;",
    "'196907111994031002;Ir. H. Bambang Sutrisno;2024;Baik;",
    "'196907111994031002;Ir. H. Bambang Sutrisno;2025;baik ;",
    ";;;;",  # line 20
    ";Dicetak oleh René Sitompul, 06/01/2026;;;Halaman 1 dari 1",  # footer
]


def kinerja_csv(path: Path) -> None:
    """Semicolon-separated, Windows-1252, CRLF line ends: an Excel 'CSV (MS-DOS)' export."""
    path.write_bytes(("\r\n".join(KINERJA_LINES) + "\r\n").encode("cp1252"))


# ----------------------------------------------------------------- formasi

FORMASI_ROWS = [
    (1, "ADM-DLH-01", "Sekretaris Dinas Lingkungan Hidup", "Dinas Lingkungan Hidup", "III.a", 1),
    (2, "ADM-KEC-CKD", "Camat Cikande", "Kecamatan Cikande", "III.a", 1),
    (3, "ADM-DINKES-02", "Kepala Bidang Pelayanan Kesehatan", "Dinas Kesehatan", "III.b", "1"),
    (4, "JF-BAPPEDA-01", "Perencana Ahli Madya", "Bappeda", "JF Ahli Madya", 2),
    (5, "JF-KOMINFO-01", "Pranata Komputer Ahli Muda", "Dinas Komunikasi dan Informatika",
     "Ahli Muda", None),
]  # fmt: skip


def formasi_source(path: Path) -> None:
    """Title row (merged), a blank row, the header on row 3, five vacancies, a footer line."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Formasi"
    ws["A1"] = "DAFTAR FORMASI JABATAN LOWONG KABUPATEN SERANG"
    ws.merge_cells("A1:F1")
    ws["A1"].font = Font(bold=True)
    for c, title in enumerate(
        ["No", "Kode Formasi", "Nama Jabatan", "Unit Kerja", "Eselon", "Jumlah"], start=1
    ):
        ws.cell(3, c, title).font = Font(bold=True)
    for r, values in enumerate(FORMASI_ROWS, start=4):
        for c, v in enumerate(values, start=1):
            if v is not None:
                ws.cell(r, c, v)
    ws["D10"] = "Serang, 10 Januari 2026"
    wb.save(path)


# ----------------------------------------------------------------- LibreOffice

FILTERS = {
    "xlsx": "xlsx:Calc MS Excel 2007 XML",
    "xls": "xls:MS Excel 97",
    "ods": "ods:calc8",
}


def soffice_convert(src: Path, fmt: str, outdir: Path, profile: Path) -> Path:
    """Open SRC in LibreOffice (headless, private profile) and save it as FMT into OUTDIR."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        sys.exit("LibreOffice (soffice) is needed to make these fixtures")
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            FILTERS[fmt],
            "--outdir",
            str(outdir),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    made = outdir / f"{src.stem}.{fmt}"
    if not made.is_file():
        sys.exit(f"LibreOffice did not write {made}")
    return made


def encrypt(src: Path, dst: Path) -> None:
    """A password-protected (agile encryption) copy of an xlsx."""
    from msoffcrypto.format.ooxml import OOXMLFile

    with src.open("rb") as fin, dst.open("wb") as fout:
        OOXMLFile(fin).encrypt(PASSWORD, fout)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    out: Path = parser.parse_args(argv).out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        src, lo = work / "src", work / "lo"
        src.mkdir()
        profile = work / "profile"
        asesmen_source(src / "asesmen-lo.xlsx")
        formasi_source(src / "formasi-lo.xlsx")
        for fmt in ("xlsx", "xls", "ods"):
            made = soffice_convert(src / "asesmen-lo.xlsx", fmt, lo, profile)
            shutil.copyfile(made, out / made.name)
        made = soffice_convert(src / "formasi-lo.xlsx", "ods", lo, profile)
        shutil.copyfile(made, out / made.name)
    kinerja_csv(out / "kinerja-semicolon-cp1252.csv")
    encrypt(out / "asesmen-lo.xlsx", out / "encrypted.xlsx")
    whole = (out / "asesmen-lo.xlsx").read_bytes()
    (out / "truncated.xlsx").write_bytes(whole[: len(whole) // 2])
    (out / "not-a-workbook.xlsx").write_text(
        "Ini bukan workbook: hasil asesmen dikirim lewat surel, lihat lampiran.\n",
        encoding="utf-8",
    )
    for path in sorted(out.iterdir()):
        print(f"{path.stat().st_size:>7,} {path.name}")


if __name__ == "__main__":
    main()
