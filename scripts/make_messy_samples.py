"""Write samples/messy/: one small export per validation code of SPEC §3.1.

Each file is a short asesmen (or kinerja) export of 8-10 people where a few rows trigger
one code and the rest are valid, plus README.md listing which Excel rows the importer
should reject or skip. Run from the repository root:

    python scripts/make_messy_samples.py [OUT_DIR]      # default: samples/messy
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import xlsxwriter

OUT = Path(__file__).resolve().parent.parent / "samples" / "messy"
HEADER = ("NO", "NIP", "NAMA", "JABATAN", "ESELON/JENJANG", "UNIT KERJA", "GOL. RUANG",
          "KEMAMPUAN TEKNIS", "SOSIO KULTURAL", "LITERASI DIGITAL",
          "KEMAMPUAN NUMERIK/BERPIKIR")  # fmt: skip
TITLES = ("PEMERINTAH KABUPATEN SERANG", "REKAPITULASI HASIL ASESMEN KOMPETENSI TAHUN 2026", "")
FIRST_DATA_ROW = len(TITLES) + 2  # Excel row of the first person: titles, header, then data


@dataclass(frozen=True)
class Person:
    nip: object  # text as exported; a float where the export lost the NIP's digits
    nama: str
    jabatan: str
    level: object
    unit: str
    golongan: str
    scores: tuple  # teknis, sosio kultural, literasi digital, numerik

    def cells(self, no: int) -> list:
        return [no, self.nip, self.nama, self.jabatan, self.level, self.unit, self.golongan,
                *self.scores]  # fmt: skip


# Valid people: every NIP passes SPEC §3.1 (real birth date, TMT >= birth year + 15, gender
# digit matching the name).
P = [
    Person("197809232003121003", "Dr. H. Ahmad Suhendi, S.Sos., M.Si.",
           "Sekretaris Dinas Kesehatan", "III.a", "Dinas Kesehatan", "IV/a",
           (3.25, 3.0, 2.75, 3.5)),
    Person("198205142006042002", "Hj. Euis Rohayati, S.E., M.M.", "Kepala Bidang Anggaran",
           "III/b", "BPKAD", "III/d", (3.0, 3.25, 3.0, 2.75)),
    Person("198511302010011004", "Asep Saepudin, S.Kom.", "Kepala Seksi Pemerintahan", "IV.a",
           "Kecamatan Cikande", "III/c", (2.75, 2.25, 3.5, 2.0)),
    Person("197604082002122001", "Neneng Nurhayati, S.Pd., M.Pd.", "Analis Kebijakan Ahli Muda",
           "JF Ahli Muda", "Dinas Pendidikan", "III/d", (3.0, 2.5, 2.25, 2.5)),
    Person("196903171994031005", "Drs. H. Cecep Supriatna, M.Si.", "Camat Ciruas", "Eselon III",
           "Kecamatan Ciruas", "IV/b", (3.5, 3.25, 2.5, 3.0)),
    Person("199001252015032003", "Siti Maesaroh, S.Kep., Ners",
           "Administrator Kesehatan Ahli Pertama", "Ahli Pertama",
           "RSUD dr. Drajat Prawiranegara", "III/b", (2.25, 2.0, 2.5, 2.25)),
    Person("197312102000031002", "Ir. Yayat Hidayat, M.T.", "Perencana Ahli Madya",
           "JF Ahli Madya", "Bappeda", "IV/b", (4.0, 3.25, 3.0, 3.25)),
    Person("198807072014021001", "Tb. Rizal Fauzi, S.H.",
           "Kepala Subbagian Umum dan Kepegawaian", "IV/b", "Kecamatan Anyar", "III/b",
           (2.5, 2.0, 2.25, 1.75)),
    Person("198003052005012001", "Dewi Kurniasih, S.AP.", "Pranata Komputer Ahli Muda",
           "Ahli Muda", "Dinas Komunikasi dan Informatika", "III/c", (3.0, 2.0, 3.75, 2.5)),
    Person("197107212001121001", "H. Dadang Kusnadi, S.IP.", "Inspektur Pembantu Wilayah II",
           "Eselon III.a", "Inspektorat", "IV/a", (3.0, 3.0, 2.5, 3.25)),
]  # fmt: skip
# People only in the semicolon/Windows-1252 CSV: an apostrophe, a curly apostrophe, an accent.
CSV_PEOPLE = [
    Person("197008151996032002", "Dra. Hj. Siti Nur\u2019aini, M.Si.",
           "Kepala Bagian Kesejahteraan Rakyat", "III.a", "Sekretariat Daerah", "IV/b",
           (3.25, 3.5, 2.75, 3.0)),
    Person("198109092009011002", "H. Ma'ruf Hidayat, S.Ag.", "Analis Kebijakan Ahli Muda",
           "Ahli Muda", "DKBP3A", "III/d", (3.0, 2.75, 2.5, 2.25)),
    Person("198604112011012003", "D\u00e9d\u00e9 Rohaeti, S.E.", "Kepala Seksi Pelayanan Umum",
           "IV.a", "Kecamatan Kopo", "III/c", (2.75, 2.5, 2.25, 2.0)),
]  # fmt: skip


def score(person: Person, index: int, value: object) -> Person:
    """PERSON with one score (0 teknis .. 3 numerik) replaced by VALUE."""
    scores = list(person.scores)
    scores[index] = value
    return replace(person, scores=tuple(scores))


def row(index: int) -> int:
    """The Excel row of the INDEX-th person (0-based) under the standard title block."""
    return FIRST_DATA_ROW + index


@dataclass(frozen=True)
class Sample:
    name: str
    code: str
    rows: list[list]  # data rows, each a list of cells
    rejected: tuple[int, ...] = ()  # Excel rows (line numbers for CSV)
    skipped: tuple[int, ...] = ()
    note: str = ""
    header: tuple[str, ...] = HEADER
    titles: tuple[str, ...] = TITLES
    sheet: str = "Rekap"


def people(persons: list[Person]) -> list[list]:
    return [p.cells(no) for no, p in enumerate(persons, start=1)]


def asesmen_samples() -> list[Sample]:
    """The xlsx asesmen exports, one per row-level code (and the file-level missing-column)."""
    base = P[:8]
    no_nip = replace(P[6], nip=None)
    return [
        Sample("missing-column.xlsx", "missing-column",
               [c[:9] + c[10:] for c in people(base)], header=HEADER[:9] + HEADER[10:],
               note="no LITERASI DIGITAL column: the whole file is unusable (exit 3), "
                    "nothing is stored"),
        Sample("missing-value.xlsx", "missing-value",
               people([P[0], replace(P[1], nama=None), P[2], score(P[3], 0, None), P[4],
                       replace(P[5], level=None), no_nip, P[7]]),
               rejected=(row(1), row(3), row(5), row(6)),
               note="empty NAMA, KEMAMPUAN TEKNIS, ESELON/JENJANG; an empty NIP on a row that "
                    "has scores"),
        Sample("invalid-nip.xlsx", "invalid-nip",
               people([P[0], replace(P[1], nip="198202302006042002"),
                       replace(P[2], nip="198511302010131004"),
                       replace(P[3], nip="197604082002123001"),
                       replace(P[4], nip="19690317199403100"),
                       replace(P[5], nip="199001252001032003"), P[6],
                       replace(P[7], nip="19880707 201402 1 001")]),
               rejected=(row(1), row(2), row(3), row(4), row(5)),
               note="30 February; month 13; gender digit 3; 17 digits; TMT 2001 for a birth "
                    "year 1990 (< 2005). The last row's spaced NIP is valid"),
        Sample("nip-precision-lost.xlsx", "nip-precision-lost",
               people([replace(p, nip=float(p.nip)) if i in (1, 4, 6) else p
                       for i, p in enumerate(base)]),
               rejected=(row(1), row(4), row(6)),
               note="NIP cells stored as numbers (1.98205142006042E+17): the last digits are "
                    "gone"),
        Sample("duplicate-nip.xlsx", "duplicate-nip",
               people([*base, score(P[1], 0, 3.5)]),
               rejected=(row(1), row(8)),
               note="the person of row 6 appears again on row 13 with another KEMAMPUAN "
                    "TEKNIS: both rows are rejected"),
        Sample("duplicate-row.xlsx", "duplicate-row",
               people([*base, P[2]]),
               skipped=(row(8),),
               note="row 13 repeats row 7 (only NO differs, not a recognised column): a warning, "
                    "the repeat is skipped"),
        Sample("type-error.xlsx", "type-error",
               people([P[0], P[1], score(P[2], 2, "tujuh"), P[3], score(P[4], 3, "-"), P[5],
                       score(P[6], 1, "3,25"), P[7]]),
               rejected=(row(2), row(4)),
               note='"tujuh" and "-" as scores; "3,25" as text on row 11 is a valid number'),
        Sample("out-of-range.xlsx", "out-of-range",
               people([P[0], score(P[1], 0, 0.5), P[2], score(P[3], 1, 5.5), P[4],
                       score(P[5], 3, 75), score(P[6], 0, 5.0), score(P[7], 3, 1.0)]),
               rejected=(row(1), row(3), row(5)),
               note="0.5, 5.5 and 75 (a 0-100 score); 5.00 and 1.00 on rows 11-12 are in range"),
        Sample("unknown-job-level.xlsx", "unknown-job-level",
               people([P[0], P[1], replace(P[2], level="Eselon I.b"), P[3], P[8],
                       replace(P[5], level="Staf"), P[6], P[9]]),
               rejected=(row(2), row(5)),
               note='"Eselon I.b" (JPT Madya) and "Staf" (pelaksana) are not assessed levels'),
    ]  # fmt: skip


KINERJA_HEADER = ("NIP", "NAMA", "TAHUN", "PREDIKAT KINERJA")
KINERJA_TITLES = ("REKAPITULASI PREDIKAT KINERJA PEGAWAI TAHUN 2025-2026",
                  "BKPSDM KABUPATEN SERANG - SUMBER DATA: E-KINERJA", "")  # fmt: skip


def kinerja_sample() -> Sample:
    ratings = [(P[0], 2025, "Baik"), (P[0], 2026, "Sangat Baik"), (P[1], 2026, "BAIK"),
               (P[2], 2026, "Istimewa"), (P[3], 2026, "butuh perbaikan"),
               (P[4], 2026, "Kurang/Misconduct"), (P[5], 2026, "Cukup Baik"),
               (P[6], 2026, "Sangat Baik "), (P[7], 2026, "Sangat Kurang")]  # fmt: skip
    first = len(KINERJA_TITLES) + 2
    return Sample(
        "unknown-rating.xlsx",
        "unknown-rating",
        [[p.nip, p.nama, year, predikat] for p, year, predikat in ratings],
        rejected=(first + 3, first + 6),
        note='"Istimewa" and "Cukup Baik" are not PermenPANRB 6/2022 predikat; the other '
        "rows vary case and spacing and are valid",
        header=KINERJA_HEADER,
        titles=KINERJA_TITLES,
        sheet="Kinerja",
    )


PEGAWAI_HEADER = ("NIP_BARU", "NAMA", "GOL_AKHIR_NAMA", "TMT_JABATAN",
                  "TINGKAT_PENDIDIKAN_NAMA", "UNOR_NAMA", "HUKUMAN_DISIPLIN")  # fmt: skip
PEGAWAI_TITLES = ("DATA PNS - EKSPOR SIASN", "")


def pegawai_sample() -> Sample:
    education = ["S-1/Sarjana", "S-2", "Paket C", "D-IV", "Diploma III/Sarjana Muda",
                 "SLTA", "Sekolah Tinggi", "Sarjana"]  # fmt: skip
    tmt = ["02-01-2020", "15/06/2021", "2019-03-01", "01-01-2015", "01-07-2017", "03-01-2022",
           "01-04-2018", "01-10-2016"]  # fmt: skip
    hukdis = ["Tidak Ada", "-", None, "Teguran Tertulis", "Nihil", None, "Tidak Pernah", None]
    rows = [[p.nip, p.nama, p.golongan, t, e, p.unit, h]
            for p, t, e, h in zip(P[:8], tmt, education, hukdis, strict=True)]  # fmt: skip
    first = len(PEGAWAI_TITLES) + 2
    return Sample(
        "unknown-education.xlsx",
        "unknown-education",
        rows,
        rejected=(first + 2, first + 6),
        note='a SIASN pegawai export: "Paket C" and "Sekolah Tinggi" are no education level '
        "of the rules; S-1/Sarjana, D-IV, Diploma III/Sarjana Muda, SLTA, Sarjana are",
        header=PEGAWAI_HEADER,
        titles=PEGAWAI_TITLES,
        sheet="Data PNS",
    )


def write_xlsx(path: Path, sample: Sample) -> None:
    """Strings as strings and numbers as numbers, as an export writes them."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    wb.set_properties({"author": "talentcli messy samples", "created": datetime(2026, 1, 15)})
    ws = wb.add_worksheet(sample.sheet)
    bold = wb.add_format({"bold": True, "border": 1, "text_wrap": True})
    for r, title in enumerate(sample.titles):
        if title:
            ws.write_string(r, 0, title)
    ws.write_row(len(sample.titles), 0, sample.header, bold)
    for r, cells in enumerate(sample.rows, start=len(sample.titles) + 1):
        for c, value in enumerate(cells):
            if isinstance(value, str):
                ws.write_string(r, c, value)
            elif value is not None:
                ws.write_number(r, c, value)
    wb.close()


def csv_samples() -> list[Sample]:
    """Excel's two CSV flavours: en-US (comma, UTF-8) and Indonesian (semicolon, cp1252)."""
    precision = [
        replace(p, nip=f"{float(p.nip):.5E}") if i in (1, 4, 6) else p for i, p in enumerate(P[:8])
    ]
    local = [replace(P[0], nip="'" + P[0].nip), P[1], P[2], *CSV_PEOPLE, P[6], P[7]]
    return [
        Sample("nip-precision-lost.csv", "nip-precision-lost", people(precision),
               rejected=(3, 6, 8), titles=(),
               note="NIP as 1.98205E+17, as Excel writes a number column to CSV; lines 3, 6, 8"),
        Sample("decimal-comma-semicolon-cp1252.csv", "(none: all valid)",
               [[_decimal_comma(v) for v in cells] for cells in people(local)],
               titles=("REKAPITULASI HASIL ASESMEN KOMPETENSI TAHUN 2026", ""),
               note="semicolons, Windows-1252 (\u2019 and \u00e9), decimal commas, a NIP with a "
                    "leading apostrophe, CRLF line ends, a title line and an empty line above "
                    "the header (line 3)"),
    ]  # fmt: skip


def _decimal_comma(value: object) -> object:
    return f"{value:.2f}".replace(".", ",") if isinstance(value, float) else value


def write_csv(path: Path, sample: Sample) -> None:
    semicolon = sample.name.startswith("decimal-comma")
    delimiter, encoding = (";", "cp1252") if semicolon else (",", "utf-8")
    width = len(sample.header)
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n")
        for title in sample.titles:  # Excel writes every column of a title row
            writer.writerow([title] + [""] * (width - 1))
        writer.writerow(sample.header)
        writer.writerows([[_general(v) for v in cells] for cells in sample.rows])


def _general(value: object) -> object:
    """A cell as Excel's CSV export writes it in the General format: 3 and 2.5, not 3.0."""
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else value


def samples() -> list[Sample]:
    return [*asesmen_samples(), kinerja_sample(), pegawai_sample(), *csv_samples()]


def readme(all_samples: list[Sample]) -> str:
    lines = [
        "# Messy samples",
        "",
        "Small exports, one per validation code of SPEC §3.1, written by",
        "`scripts/make_messy_samples.py` (run `make samples` or `python "
        "scripts/make_messy_samples.py`).",
        "In each file a few rows trigger the code and the others are valid. Row numbers are",
        "the ones Excel shows (title rows counted); for CSV files they are line numbers.",
        "The asesmen workbooks have two title rows, a blank row, the header on row 4 and",
        "people from row 5; `unknown-rating.xlsx` is a kinerja export with the same layout.",
        "",
        "| file | code | rejected rows | skipped rows | rows read / accepted / rejected / "
        "skipped | what |",
        "|---|---|---|---|---|---|",
    ]
    for s in all_samples:
        counts = (
            "— (exit 3)"
            if s.code == "missing-column"
            else f"{len(s.rows)} / {len(s.rows) - len(s.rejected) - len(s.skipped)} / "
            f"{len(s.rejected)} / {len(s.skipped)}"
        )
        whole = "whole file" if s.code == "missing-column" else "—"
        rejected = ", ".join(map(str, s.rejected)) or whole
        skipped = ", ".join(map(str, s.skipped)) or "—"
        lines.append(f"| `{s.name}` | `{s.code}` | {rejected} | {skipped} | {counts} | {s.note} |")
    return "\n".join(lines) + "\n"


def write_all(out: Path) -> list[Path]:
    """Write every messy sample and the README into OUT; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for sample in samples():
        path = out / sample.name
        (write_csv if path.suffix == ".csv" else write_xlsx)(path, sample)
        written.append(path)
    (out / "README.md").write_text(readme(samples()), encoding="utf-8")
    return [*written, out / "README.md"]


if __name__ == "__main__":
    for path in write_all(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT):
        print(f"wrote {path}")
