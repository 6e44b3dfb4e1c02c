"""A realistic synthetic cohort for Kabupaten Serang: asesmen, kinerja and formasi exports.

Everything is drawn from one seeded numpy generator and built column-wise, so a
million people take seconds and the same seed always gives the same files.
The data is synthetic: no real civil servant is described.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from functools import cache, partial
from itertools import repeat
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from talentcli.progress import tick
from talentcli.rules import Rules, load_rules, norm_header, norm_value
from talentcli.safety import private_file

SHEET_ROW_LIMIT = 1_048_576
_SLACK_ROWS = 20  # title block and footer around the data

# The score columns follow, one per competency of the rules, headed by its name.
_ASESMEN_FIXED = ("NO", "NIP", "NAMA", "JABATAN", "ESELON/JENJANG", "UNIT KERJA", "GOL. RUANG")
KINERJA_HEADERS = ("NIP", "NAMA", "TAHUN", "PREDIKAT KINERJA")
FORMASI_HEADERS = ("KODE JABATAN", "NAMA JABATAN", "UNIT KERJA", "JENJANG JABATAN", "JUMLAH")
# a SIASN export (SPEC §3 pegawai): underscored headers, as the national system writes them
PEGAWAI_HEADERS = (
    "NIP_BARU", "NAMA", "GOL_AKHIR_NAMA", "TMT_GOLONGAN", "JABATAN_NAMA", "TMT_JABATAN",
    "TINGKAT_PENDIDIKAN_NAMA", "UNOR_NAMA", "HUKUMAN_DISIPLIN",
)  # fmt: skip
# education as SIASN and agency sheets write it, with each spelling's share per level
# (administrator, pengawas, madya, muda, pertama); a few below S1 fail education_min
_EDUCATION = (
    ("S-1/Sarjana", (0.45, 0.45, 0.45, 0.50, 0.55)),
    ("S-2", (0.40, 0.25, 0.40, 0.30, 0.20)),
    ("D-IV", (0.05, 0.08, 0.05, 0.08, 0.10)),
    ("Diploma III/Sarjana Muda", (0.02, 0.12, 0.02, 0.05, 0.05)),
    ("SLTA", (0.00, 0.03, 0.00, 0.02, 0.05)),
    ("S-3/Doktor", (0.05, 0.02, 0.05, 0.02, 0.00)),
    ("Sarjana", (0.03, 0.05, 0.03, 0.03, 0.05)),
)
_PEGAWAI_MISSING = 0.03  # people not in the export (moved in lately): criteria unknown
_SANCTION = 0.02  # people with an active disciplinary sanction
_NO_SANCTION = ("Tidak Ada", "-", "")

# --- job levels ---------------------------------------------------------------------------------
# Standards, retirement ages and the texts an export writes for a level come from the rules
# (_Domain); the numbers here only shape the synthetic cohort.

ADMIN, PENGAWAS, MADYA, MUDA, PERTAMA = range(5)
_LEVEL_CODES = ("administrator", "pengawas", "jf_ahli_madya", "jf_ahli_muda", "jf_ahli_pertama")
_LEVEL_SHARE = (0.10, 0.35, 0.10, 0.30, 0.15)
_SUB_GRADES = "ab"  # eselon sub-grades, as aliases write them (III.a, III/b)
_YOUNGEST = np.array([41, 33, 42, 31, 28])  # age reached in the cycle year
_AGE_SHAPE = ((2.5, 2.0), (2.2, 2.0), (2.5, 1.8), (2.0, 2.0), (1.5, 3.0))  # beta(a, b)
_MIN_SERVICE = np.array([12, 6, 12, 6, 2])  # years since TMT CPNS
_FEMALE = np.array([0.30, 0.40, 0.45, 0.50, 0.55])
_MASTER = np.array([0.80, 0.50, 0.70, 0.45, 0.20])
_DOCTOR = np.array([0.08, 0.01, 0.06, 0.01, 0.0])  # share of master holders with "Dr."
_DOKTER, _PERAWAT = 1, 2  # functional jobs that imply the title dr. / S.Kep., Ners
_JF_WORD = {MADYA: "Ahli Madya", MUDA: "Ahli Muda", PERTAMA: "Ahli Pertama"}

# --- scores and ratings ----------------------------------------------------------------------
# A score is the standard times (1 + the person's ability + the competency's noise), in
# quarter steps. Centred about a fifth below the standard, so that in an assessed cohort JPM
# (capped at 100) reaches every band: about a fifth at the top, a few at 100.
_ABILITY = (-0.20, 0.09)  # mean and spread, as shares of the standard
_NOISE = 0.12
_YOUNG_DIGITAL = ("literasi_digital", 0.015)  # levels gained per year younger than 42
# Ratings: the share of each performance level, spread over the level's predikat words, each
# further word written half as often as the one before; a rating repeats the year before's
# this often.
_PERFORMANCE_SHARE = {"di_atas": 0.17, "sesuai": 0.70, "di_bawah": 0.13}
_WORD_DECAY = 0.5
_RATING_KEPT = 0.55

# --- later cycles -------------------------------------------------------------------------------
# A cycle after _FIRST_CYCLE continues the cohort of the cycle before it, a year older: those who
# had reached their retirement age are gone, new appointments fill their places, and each score
# drifts by the person's shift plus the competency's noise (shares of the standard). Most
# people move a little; _GROWTH improve and _DECLINE drop (share of people, shift).
_FIRST_CYCLE = 2026
_DRIFT = (0.03, 0.04)  # spread of the person's shift, of each competency's noise
_GROWTH = (0.12, 0.08)
_DECLINE = (0.10, -0.08)
_UNRATED = 0.02  # people without a rating for the year just ended

# Pangkat per eselon (PP 13/2002 range, plus the grade below it, as happens in practice) and
# per JF jenjang; index [level][sub-grade].
_GOLONGAN = (
    (("III/d", "IV/a", "IV/b"), ("III/c", "III/d", "IV/a")),
    (("III/b", "III/c", "III/d"), ("III/a", "III/b", "III/c")),
    (("IV/a", "IV/b", "IV/c"),),
    (("III/c", "III/d"),),
    (("III/a", "III/b"),),
)

# --- units of Kabupaten Serang (DOMAIN.md) -----------------------------------------------------

KECAMATAN = (
    "Anyar", "Bandung", "Baros", "Binuang", "Bojonegara", "Carenang", "Cikande", "Cikeusal",
    "Cinangka", "Ciomas", "Ciruas", "Gunungsari", "Jawilan", "Kibin", "Kopo", "Kragilan",
    "Kramatwatu", "Lebak Wangi", "Mancak", "Pabuaran", "Padarincang", "Pamarayan", "Petir",
    "Pontang", "Pulo Ampel", "Tanara", "Tirtayasa", "Tunjung Teja", "Waringinkurung",
)  # fmt: skip

_COMMON_JF = (
    "Analis Kebijakan",
    "Perencana",
    "Pranata Komputer",
    "Arsiparis",
    "Analis Sumber Daya Manusia Aparatur",
    "Analis Keuangan Pusat dan Daerah",
    "Pengelola Pengadaan Barang/Jasa",
)


@dataclass(frozen=True)
class _Unit:
    name: str
    field: str  # study field, for degrees
    weight: float  # share of structural (eselon III/IV) posts
    jf_weight: float  # share of functional posts
    admin: tuple[tuple[str, int], ...]  # (jabatan, sub-grade 0=a 1=b)
    pengawas: tuple[tuple[str, int], ...]
    jf: tuple[str, ...]  # unit-specific functional jobs, on top of _COMMON_JF


def _split(text: str) -> tuple[str, ...]:
    """'a; b; c' -> ('a', 'b', 'c'): keeps the long unit tables below readable."""
    return tuple(part.strip() for part in text.split(";"))


def _agency(
    name: str, field: str, weight: float, bidang: str, seksi: str, jf: str, sub_unit: str = "Seksi"
) -> _Unit:
    """A dinas or badan: sekretaris (III.a), kepala bidang (III.b), kasubbag and kasi (IV.a)."""
    admin = (
        (f"Sekretaris {name}", 0),
        *((f"Kepala Bidang {b}", 1) for b in _split(bidang)),
    )
    pengawas = (
        ("Kepala Subbagian Umum dan Kepegawaian", 0),
        ("Kepala Subbagian Perencanaan dan Keuangan", 0),
        *((f"Kepala {sub_unit} {s}", 0) for s in _split(seksi)),
    )
    return _Unit(name, field, weight, weight, admin, pengawas, _split(jf))


def _kecamatan(kec: str) -> _Unit:
    """A kecamatan office: camat III.a, sekcam III.b, kasi IV.a, kasubbag IV.b (PP 18/2016)."""
    seksi = _split(
        "Pemerintahan; Ketenteraman dan Ketertiban Umum; Pemberdayaan Masyarakat dan Desa; "
        "Kesejahteraan Sosial; Pelayanan Umum"
    )
    pengawas = (
        *((f"Kepala Seksi {s}", 0) for s in seksi),
        ("Kepala Subbagian Umum dan Kepegawaian", 1),
        ("Kepala Subbagian Perencanaan dan Keuangan", 1),
    )
    admin = ((f"Camat {kec}", 0), (f"Sekretaris Kecamatan {kec}", 1))
    return _Unit(f"Kecamatan {kec}", "umum", 1.0, 0.15, admin, pengawas, ("Analis Kebijakan",))


def _posts(text: str, sub: int) -> tuple[tuple[str, int], ...]:
    return tuple((title, sub) for title in _split(text))


# fmt: off
_SPECIAL_UNITS = (
    _Unit("Sekretariat Daerah", "hukum", 8, 6,
          _posts("Kepala Bagian Pemerintahan; Kepala Bagian Hukum; Kepala Bagian Organisasi; "
                 "Kepala Bagian Umum; Kepala Bagian Kesejahteraan Rakyat; "
                 "Kepala Bagian Perekonomian dan Sumber Daya Alam; "
                 "Kepala Bagian Pengadaan Barang dan Jasa; "
                 "Kepala Bagian Protokol dan Komunikasi Pimpinan; "
                 "Kepala Bagian Administrasi Pembangunan", 0),
          _posts("Kepala Subbagian Tata Usaha Pimpinan; Kepala Subbagian Rumah Tangga; "
                 "Kepala Subbagian Protokol", 0),
          _split("Analis Hukum; Perancang Peraturan Perundang-undangan; "
                 "Pranata Hubungan Masyarakat")),
    _Unit("Sekretariat DPRD", "hukum", 3, 2,
          _posts("Kepala Bagian Umum dan Keuangan; "
                 "Kepala Bagian Persidangan dan Perundang-undangan; "
                 "Kepala Bagian Fasilitasi Penganggaran dan Pengawasan", 0),
          _posts("Kepala Subbagian Tata Usaha dan Kepegawaian; Kepala Subbagian Rumah Tangga", 0),
          _split("Perancang Peraturan Perundang-undangan; Analis Hukum")),
    _Unit("Inspektorat", "keuangan", 4, 6,
          _posts("Sekretaris Inspektorat; Inspektur Pembantu Wilayah I; "
                 "Inspektur Pembantu Wilayah II; Inspektur Pembantu Wilayah III; "
                 "Inspektur Pembantu Wilayah IV", 0),
          _posts("Kepala Subbagian Umum dan Kepegawaian; "
                 "Kepala Subbagian Perencanaan dan Keuangan", 0),
          _split("Auditor; Auditor; Auditor; "
                 "Pengawas Penyelenggaraan Urusan Pemerintahan di Daerah")),
    _Unit("RSUD dr. Drajat Prawiranegara", "kesehatan", 6, 8,
          _posts("Wakil Direktur Pelayanan; Wakil Direktur Umum dan Keuangan", 0)
          + _posts("Kepala Bagian Umum dan Kepegawaian; Kepala Bagian Keuangan; "
                   "Kepala Bidang Pelayanan Medik; Kepala Bidang Keperawatan; "
                   "Kepala Bidang Penunjang Medik", 1),
          _posts("Kepala Seksi Pelayanan Medik; Kepala Seksi Keperawatan; "
                 "Kepala Subbagian Kepegawaian; Kepala Subbagian Rumah Tangga", 0),
          _split("Dokter; Dokter; Perawat; Perawat; Apoteker; Administrator Kesehatan; "
                 "Nutrisionis; Perekam Medis")),
)

_AGENCIES = (
    _agency("BKPSDM", "umum", 4,
            bidang="Pengadaan, Pemberhentian dan Informasi; Mutasi dan Promosi; "
                   "Pengembangan Sumber Daya Manusia; "
                   "Penilaian Kinerja Aparatur dan Penghargaan",
            seksi="Pengembangan Kompetensi; Mutasi; Informasi Kepegawaian",
            jf="Analis Sumber Daya Manusia Aparatur; Asesor Sumber Daya Manusia Aparatur",
            sub_unit="Subbidang"),
    _agency("BPKAD", "keuangan", 4,
            bidang="Anggaran; Perbendaharaan; Akuntansi; Aset",
            seksi="Anggaran; Perbendaharaan; Akuntansi; Pemanfaatan Aset",
            jf="Analis Keuangan Pusat dan Daerah; Analis Keuangan Pusat dan Daerah",
            sub_unit="Subbidang"),
    _agency("Badan Pendapatan Daerah", "keuangan", 4,
            bidang="Pendataan dan Penetapan; Penagihan dan Keberatan; Pajak Bumi dan Bangunan",
            seksi="Pendataan; Penagihan; Pajak Bumi dan Bangunan",
            jf="Analis Keuangan Pusat dan Daerah", sub_unit="Subbidang"),
    _agency("Bappeda", "teknik", 4,
            bidang="Perencanaan Pemerintahan dan Pembangunan Manusia; "
                   "Perencanaan Perekonomian dan Sumber Daya Alam; "
                   "Perencanaan Infrastruktur dan Kewilayahan; Penelitian dan Pengembangan",
            seksi="Pengendalian dan Evaluasi; Data dan Informasi",
            jf="Perencana; Perencana; Perencana; Statistisi", sub_unit="Subbidang"),
    _agency("Dinas Kesehatan", "kesehatan", 8,
            bidang="Kesehatan Masyarakat; Pencegahan dan Pengendalian Penyakit; "
                   "Pelayanan Kesehatan; Sumber Daya Kesehatan",
            seksi="Kesehatan Keluarga dan Gizi; Surveilans dan Imunisasi; "
                  "Pelayanan Kesehatan Primer; Kefarmasian dan Alat Kesehatan",
            jf="Administrator Kesehatan; Epidemiolog Kesehatan; "
               "Penyuluh Kesehatan Masyarakat; Dokter; Apoteker"),
    _agency("Dinas Pendidikan", "pendidikan", 8,
            bidang="Pembinaan Sekolah Dasar; Pembinaan Sekolah Menengah Pertama; "
                   "Pendidikan Anak Usia Dini dan Pendidikan Nonformal; "
                   "Guru dan Tenaga Kependidikan",
            seksi="Kurikulum Sekolah Dasar; Kurikulum Sekolah Menengah Pertama; "
                  "Sarana dan Prasarana; Pendidik dan Tenaga Kependidikan",
            jf="Pengawas Sekolah; Pengawas Sekolah; Penilik"),
    _agency("Dinas Tenaga Kerja dan Transmigrasi", "umum", 3,
            bidang="Penempatan Tenaga Kerja dan Transmigrasi; "
                   "Hubungan Industrial dan Jaminan Sosial; Pelatihan dan Produktivitas",
            seksi="Penempatan Tenaga Kerja; Hubungan Industrial; Pelatihan Kerja",
            jf="Mediator Hubungan Industrial; Pengantar Kerja; Instruktur"),
    _agency("Dinas Kependudukan dan Pencatatan Sipil", "informatika", 3,
            bidang="Pelayanan Pendaftaran Penduduk; Pelayanan Pencatatan Sipil; "
                   "Pengelolaan Informasi Administrasi Kependudukan; "
                   "Pemanfaatan Data dan Inovasi Pelayanan",
            seksi="Identitas Penduduk; Pindah Datang Penduduk; Kelahiran dan Kematian",
            jf="Administrator Database Kependudukan"),
    _agency("Dinas Perpustakaan dan Kearsipan Daerah", "umum", 2,
            bidang="Perpustakaan; Kearsipan",
            seksi="Layanan Perpustakaan; Pengelolaan Arsip",
            jf="Pustakawan; Arsiparis"),
    _agency("Dinas Lingkungan Hidup", "teknik", 3,
            bidang="Tata Lingkungan; Pengelolaan Sampah dan Limbah B3; "
                   "Pengendalian Pencemaran dan Kerusakan Lingkungan; "
                   "Penaatan dan Peningkatan Kapasitas Lingkungan Hidup",
            seksi="Kajian Dampak Lingkungan; Pengelolaan Sampah; Pengendalian Pencemaran",
            jf="Pengendali Dampak Lingkungan; Pengawas Lingkungan Hidup"),
    _agency("Dinas Komunikasi dan Informatika", "informatika", 3,
            bidang="Informasi dan Komunikasi Publik; Aplikasi Informatika; "
                   "Persandian dan Statistik",
            seksi="Pengelolaan Informasi Publik; Infrastruktur Teknologi Informasi; Persandian",
            jf="Pranata Komputer; Pranata Komputer; Pranata Hubungan Masyarakat; Statistisi; "
               "Sandiman; Manggala Informatika"),
    _agency("DKBP3A", "umum", 3,
            bidang="Pengendalian Penduduk dan Keluarga Berencana; Pemberdayaan Perempuan; "
                   "Perlindungan Anak",
            seksi="Advokasi dan Penggerakan; Pemberdayaan Perempuan; Perlindungan Anak",
            jf="Penyuluh Keluarga Berencana; Penyuluh Keluarga Berencana"),
)
# fmt: on


@cache
def _units() -> tuple[_Unit, ...]:
    """Every unit of the kabupaten that the sample places people in, in report order."""
    return (*_SPECIAL_UNITS[:3], *_AGENCIES, _SPECIAL_UNITS[3], *map(_kecamatan, KECAMATAN))


@dataclass(frozen=True)
class _JobTable:
    titles: np.ndarray  # every (level, unit) option, flattened
    subs: np.ndarray  # eselon sub-grade of each option
    kinds: np.ndarray  # _DOKTER, _PERAWAT or 0: jobs that imply a degree
    start: np.ndarray  # [level, unit] -> first option
    count: np.ndarray  # [level, unit] -> number of options
    weight: np.ndarray  # [level, unit] -> share of that level's people in the unit


def _options(unit: _Unit, level: int) -> tuple[tuple[str, int], ...]:
    """The jabatan (with sub-grade) a person of LEVEL can hold in UNIT."""
    if level == ADMIN:
        return unit.admin
    if level == PENGAWAS:
        return unit.pengawas
    jobs = unit.jf * 3 + (_COMMON_JF if unit.jf_weight >= 1 else ())
    return tuple((f"{job} {_JF_WORD[level]}", 0) for job in jobs)


@cache
def _job_table() -> _JobTable:
    """Flatten the jabatan options of every (level, unit) pair for vectorised picking."""
    units = _units()
    titles, subs = [], []
    shape = (len(_LEVEL_SHARE), len(units))
    start, count, weight = np.zeros(shape, int), np.zeros(shape, int), np.zeros(shape)
    for level in range(shape[0]):
        for u, unit in enumerate(units):
            options = _options(unit, level)
            start[level, u], count[level, u] = len(titles), len(options)
            share = unit.weight if level <= PENGAWAS else unit.jf_weight
            weight[level, u] = share if options else 0.0
            titles += [title for title, _ in options]
            subs += [sub for _, sub in options]
    weight /= weight.sum(axis=1, keepdims=True)
    kinds = [_DOKTER * t.startswith("Dokter") + _PERAWAT * t.startswith("Perawat") for t in titles]
    return _JobTable(_strings(titles), np.array(subs), np.array(kinds), start, count, weight)


# --- names (Sundanese, Javanese, Bantenese, Muslim) ---------------------------------------------

_MALE_FIRST = (
    "Ahmad", "Muhammad", "Moch.", "Asep", "Dede", "Cecep", "Ujang", "Yayat", "Dadang", "Agus",
    "Budi", "Joko", "Bambang", "Eko", "Dwi", "Slamet", "Hendra", "Iwan", "Rudi", "Dedi", "Wawan",
    "Andi", "Rahmat", "Abdul", "Syamsul", "Nana", "Engkos", "Encep", "Ade", "Deden", "Didin",
    "Heri", "Irfan", "Fajar", "Rizal", "Yusuf", "Hasan", "Imam", "Arif", "Teguh", "Sugeng",
    "Wahyu", "Taufik", "Ridwan", "Jaja", "Tatang", "Entis", "Oman", "Aang", "Ma'mun", "Lukman",
    "Fauzan", "Rizki", "Dian", "Ikhsan", "Aceng", "Komarudin", "Sukma", "Ii", "Usep",
)  # fmt: skip
_MALE_LAST = (
    "Suhendi", "Saepudin", "Supriatna", "Hidayat", "Setiawan", "Kurniawan", "Santoso", "Susilo",
    "Wibowo", "Prasetyo", "Nugraha", "Permana", "Gunawan", "Firmansyah", "Hermawan", "Suryadi",
    "Rohman", "Fauzi", "Hakim", "Syarifudin", "Maulana", "Ramdani", "Sobari", "Sukmana",
    "Mulyana", "Sumarna", "Ruhiyat", "Jamaludin", "Kusnadi", "Hasanudin", "Baihaki", "Rifa'i",
    "Mubarok", "Syafe'i", "Sutrisno", "Mulyadi", "Supriyadi", "Rosyadi", "Sanusi", "Jayadi",
    "Haerudin", "Nurdin", "Wijaya", "Hamdani", "Fathurrohman", "Subagja", "Gumilar",
)  # fmt: skip
_FEMALE_FIRST = (
    "Siti", "Nur", "Dewi", "Sri", "Euis", "Neneng", "Iis", "Yuyun", "Eti", "Lilis", "Ratna",
    "Rina", "Yanti", "Ani", "Tuti", "Endang", "Nining", "Cucu", "Dian", "Fitri", "Lia", "Rika",
    "Nia", "Ida", "Imas", "Enok", "Ela", "Aisyah", "Fatimah", "Nurul", "Ika", "Retno", "Wulan",
    "Ayu", "Rini", "Yeni", "Desi", "Evi", "Mega", "Heni", "Yayah", "Entin", "Titin", "Oom",
    "Rahmi", "Anisa", "Novi", "Erna", "Tati", "Dini",
)  # fmt: skip
_FEMALE_LAST = (
    "Rohayati", "Nurhayati", "Wahyuni", "Rahmawati", "Kurniasih", "Maryati", "Sumiati",
    "Handayani", "Lestari", "Sulistyowati", "Mulyani", "Hasanah", "Aminah", "Rosita", "Nurjanah",
    "Komariah", "Kartika", "Fitriani", "Susanti", "Yulianti", "Suryani", "Anggraeni",
    "Permatasari", "Rostiana", "Juwita", "Nur'aini", "Khodijah", "Badriah", "Halimah",
    "Maesaroh", "Rohaeti", "Sopiah", "Mardiah", "Hayati", "Wulandari", "Pratiwi", "Marlina",
)  # fmt: skip

_FIELDS = ("umum", "kesehatan", "pendidikan", "teknik", "keuangan", "hukum", "informatika")
_BACHELOR = (
    ("S.Sos.", "S.IP.", "S.AP.", "S.E.", "S.H.", "S.Sos.", "S.AP."),
    ("S.KM.", "S.Kep., Ners", "S.Farm.", "S.KM.", "S.Kep., Ners", "S.Gz."),
    ("S.Pd.", "S.Pd.", "S.Pd.I.", "S.Sos."),
    ("S.T.", "S.T.", "S.Si.", "S.Sos."),
    ("S.E.", "S.E.", "S.Ak.", "S.Sos."),
    ("S.H.", "S.H.", "S.Sos.", "S.IP."),
    ("S.Kom.", "S.Kom.", "S.T.", "S.Si."),
)
_MASTERS = (
    ("M.Si.", "M.M.", "M.A.P.", "M.Si.", "M.H."),
    ("M.Kes.", "M.K.M.", "M.Kes.", "M.M."),
    ("M.Pd.", "M.Pd.", "M.Si."),
    ("M.T.", "M.Si.", "M.T."),
    ("M.Ak.", "M.M.", "M.Si."),
    ("M.H.", "M.H.", "M.Si."),
    ("M.Kom.", "M.T.", "M.Si."),
)

_Table = dict[str, np.ndarray]  # named columns of equal length


def _rows(table: _Table, index: np.ndarray | slice) -> _Table:
    return {name: column[index] for name, column in table.items()}


def _strings(values) -> np.ndarray:
    """Strings as an object array, which behaves alike on numpy 1.26 and 2."""
    return np.array(values, dtype=object)


def _join(*parts) -> np.ndarray:
    """Element-wise concatenation of string arrays (and scalars), one pass over the rows."""
    columns = [part.tolist() if isinstance(part, np.ndarray) else repeat(part) for part in parts]
    return _strings(list(map("".join, zip(*columns, strict=False))))  # repeat() is endless


def _padded(rows: tuple[tuple[str, ...], ...]) -> tuple[np.ndarray, np.ndarray]:
    """A ragged table as a padded string matrix plus the length of each row."""
    width = max(map(len, rows))
    table = _strings([row + ("",) * (width - len(row)) for row in rows])
    return table, np.array([len(row) for row in rows])


def _pick_in(rng: np.random.Generator, lengths: np.ndarray) -> np.ndarray:
    """A uniform index below each of LENGTHS."""
    return (rng.random(len(lengths)) * lengths).astype(np.int64)


def _choose(rng: np.random.Generator, weights: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Per row, an index drawn from the distribution weights[group] (one row of weights each)."""
    cdf = np.cumsum(weights, axis=1)
    cdf /= cdf[:, -1:]
    u = rng.random(len(group))
    out = np.zeros(len(group), np.int64)
    for g in range(len(weights)):
        rows = np.flatnonzero(group == g)
        out[rows] = np.minimum(np.searchsorted(cdf[g], u[rows], side="right"), weights.shape[1] - 1)
    return out


# --- what the rules say ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Domain:
    """The rules' values the sample draws on, as arrays indexed by the synthetic level."""

    competencies: tuple[str, ...]  # codes, in the rules' order
    headers: tuple[str, ...]  # the score column header of each competency
    standard: np.ndarray  # [level, competency]
    retirement: np.ndarray  # [level] retirement age
    scale: tuple[float, float]  # the lowest and highest quarter step on the rules' scale
    decimals: int
    level_texts: np.ndarray  # [level, sub-grade, k] the level's aliases
    level_weights: np.ndarray  # [level * 2 + sub-grade, k] how often each is written
    predikat: np.ndarray  # every predikat word of the rules
    predikat_share: np.ndarray  # how often each word is written


def _domain(rules: Rules) -> _Domain:
    """Read the standards, retirement ages, scale, level aliases and predikat from RULES."""
    missing = [code for code in _LEVEL_CODES if code not in rules.job_levels]
    if missing:
        raise ValueError(f"the rules have no job level {', '.join(missing)}; sample needs them")
    levels = [rules.job_levels[code] for code in _LEVEL_CODES]
    codes = tuple(rules.competency_codes)
    texts, weights = _level_aliases([level.aliases for level in levels])
    words, share = _predikat(rules)
    return _Domain(
        competencies=codes,
        headers=tuple(_score_header(rules, c.code, c.name) for c in rules.competencies),
        standard=np.array([[level.standard[c] for c in codes] for level in levels], float),
        retirement=np.array([level.retirement_age for level in levels]),
        scale=(math.ceil(rules.scale.min * 4) / 4, math.floor(rules.scale.max * 4) / 4),
        decimals=rules.scale.decimals,
        level_texts=texts,
        level_weights=weights,
        predikat=words,
        predikat_share=share,
    )


def _score_header(rules: Rules, code: str, name: str) -> str:
    """The competency's name, upper-cased as exports write it, if it is one of its column
    aliases; else its first alias."""
    aliases = rules.columns.get(code, [])
    known = {norm_header(alias) for alias in aliases}
    return (name if norm_header(name) in known or not aliases else aliases[0]).upper()


def _sub_grade(alias: str, aliases: list[str]) -> str | None:
    """The sub-grade an alias names (III.a names a: III.b is an alias too), else None."""
    key, others = norm_value(alias), {norm_value(a) for a in aliases}
    if not key or key[-1] not in _SUB_GRADES:
        return None
    twins = {key[:-1] + s for s in _SUB_GRADES if s != key[-1]}
    return key[-1] if twins & others else None


def _level_aliases(per_level: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Per level and sub-grade, the aliases that fit it, weighted 1, 1/2, 1/3 ... in the
    rules' order (the first alias is the usual one)."""
    width = max(map(len, per_level))
    texts = np.full((len(per_level), len(_SUB_GRADES), width), "", dtype=object)
    weights = np.zeros((len(per_level) * len(_SUB_GRADES), width))
    for lv, aliases in enumerate(per_level):
        for s, grade in enumerate(_SUB_GRADES):
            fit = [a for a in aliases if _sub_grade(a, aliases) in (None, grade)] or aliases
            texts[lv, s, : len(fit)] = fit
            weights[lv * len(_SUB_GRADES) + s, : len(fit)] = 1 / np.arange(1, len(fit) + 1)
    return texts, weights


def _predikat(rules: Rules) -> tuple[np.ndarray, np.ndarray]:
    """Every predikat word of the rules and how often a rating is written with it."""
    words, share = [], []
    for level, names in rules.performance.predikat.items():
        decay = _WORD_DECAY ** np.arange(len(names))
        words += names
        share += list(_PERFORMANCE_SHARE[level] * decay / decay.sum())
    return _strings(words), np.array(share) / sum(share)


# --- people --------------------------------------------------------------------------------------


def _birth_dates(rng, level: np.ndarray, retirement: np.ndarray, cycle: int) -> np.ndarray:
    """Birth dates (datetime64[D]) fitting each level; about 2% reach RETIREMENT age this cycle."""
    youngest, oldest = _YOUNGEST[level], retirement[level] - 1
    shape = np.array(_AGE_SHAPE)[level]
    age = youngest + (rng.beta(shape[:, 0], shape[:, 1]) * (oldest - youngest + 1)).astype(int)
    age = np.where(rng.random(len(level)) < 0.02, retirement[level], age)
    year = (cycle - age - 1970).astype("datetime64[Y]")
    first = year.astype("datetime64[D]")
    days = ((year + 1).astype("datetime64[D]") - first).astype(int)
    return first + (rng.random(len(level)) * days).astype(int)


def _tmt_cpns(rng, level: np.ndarray, birth_year: np.ndarray, cycle: int) -> np.ndarray:
    """TMT CPNS as YYYYMM: appointed at 22-34, early enough for the level, at 18 at the youngest."""
    entry = 22 + rng.binomial(12, 0.4, len(level))
    year = np.minimum(
        birth_year + entry, cycle - _MIN_SERVICE[level] - rng.integers(0, 3, len(level))
    )
    year = np.maximum(year, birth_year + 18)
    month_share = np.array([25, 3, 25, 5, 3, 3, 5, 3, 3, 5, 5, 15], float)
    month = 1 + rng.choice(12, len(level), p=month_share / month_share.sum())
    return year * 100 + month


def _unique_nips(rng, birth: np.ndarray, tmt: np.ndarray, gender: np.ndarray) -> np.ndarray:
    """18-digit NIPs as int64; mostly small serials, redrawn where two people collide."""
    month_start = birth.astype("datetime64[M]")
    day = (birth - month_start.astype("datetime64[D]")).astype(np.int64) + 1
    months = month_start.astype(np.int64)  # since 1970-01
    birth8 = (months // 12 + 1970) * 10**4 + (months % 12 + 1) * 100 + day
    base = birth8 * 10**10 + tmt.astype(np.int64) * 10**4 + gender * 10**3
    nip = base + np.minimum(rng.geometric(0.45, len(birth)), 999)
    for _ in range(100):
        dup = pd.Series(nip).duplicated().to_numpy()
        if not dup.any():
            return nip
        nip[dup] = base[dup] + rng.integers(1, 1000, int(dup.sum()))
    raise RuntimeError("could not draw unique NIPs")  # needs ~1000 people sharing birth+TMT


def _spaced_nips(text: np.ndarray, spaced: np.ndarray) -> np.ndarray:
    """NIPs printed `19780923 200312 1 003` where SPACED, as many exports do."""
    out = text.copy()
    out[spaced] = [f"{s[:8]} {s[8:14]} {s[14]} {s[15:]}" for s in text[spaced]]
    return out


def _name_parts(rng, female: np.ndarray) -> list[np.ndarray]:
    """Given-name pieces: [Tb./Ratu] first [last [third]], to be joined."""
    n = len(female)
    first = np.where(female, _pick_from(rng, _FEMALE_FIRST, n), _pick_from(rng, _MALE_FIRST, n))
    last = np.where(female, _pick_from(rng, _FEMALE_LAST, n), _pick_from(rng, _MALE_LAST, n))
    third = np.where(female, _pick_from(rng, _FEMALE_LAST, n), _pick_from(rng, _MALE_LAST, n))
    u = rng.random((3, n))
    has_last = u[0] < 0.94
    has_third = has_last & (u[1] < 0.15) & (third != last)
    noble = np.where(u[2] < np.where(female, 0.02, 0.04), np.where(female, "Ratu ", "Tb. "), "")
    return [noble, first, np.where(has_last, " ", ""), np.where(has_last, last, ""),
            np.where(has_third, " ", ""), np.where(has_third, third, "")]  # fmt: skip


def _pick_from(rng, options: tuple[str, ...], n: int) -> np.ndarray:
    return _strings(options)[rng.integers(0, len(options), n)]


def _titles(rng, level, field, female, birth_year, age, job_kind) -> tuple[list, list]:
    """Pieces of the name prefix (Dr., dr./Ir./Drs., H./Hj.) and suffix (, S.Sos., M.Si.)."""
    n = len(level)
    u = rng.random((4, n))
    health, tech = field == _FIELDS.index("kesehatan"), field == _FIELDS.index("teknik")
    physician = (job_kind == _DOKTER) | (health & (u[0] < 0.15))
    dentist = health & ~physician & (u[0] > 0.97)
    ir = tech & (birth_year <= 1975) & (u[0] < 0.3)
    drs = ~health & ~tech & (birth_year <= 1970) & (u[0] < 0.3)  # pre-1993 social-science title
    master = u[1] < _MASTER[level]
    doctor = master & (u[2] < _DOCTOR[level])
    hajj = u[3] < np.select([age >= 50, age >= 40], [0.35, 0.2], 0.05)
    bachelor = np.where(job_kind == _PERAWAT, "S.Kep., Ners", _degree(rng, _BACHELOR, field))
    has_bachelor = ~(physician | dentist | ir | drs)
    prefix = [
        np.where(doctor, "Dr. ", ""),
        np.where(physician, "dr. ", np.where(dentist, "drg. ", "")),
        np.where(ir, "Ir. ", np.where(drs, np.where(female, "Dra. ", "Drs. "), "")),
        np.where(hajj, np.where(female, "Hj. ", "H. "), ""),
    ]
    suffix = [
        np.where(has_bachelor, ", ", ""),
        np.where(has_bachelor, bachelor, ""),
        np.where(master, ", ", ""),
        np.where(master, _degree(rng, _MASTERS, field), ""),
    ]
    return prefix, suffix


def _degree(rng, table: tuple[tuple[str, ...], ...], field: np.ndarray) -> np.ndarray:
    options, lengths = _padded(table)
    return options[field, _pick_in(rng, lengths[field])]


def _golongan(rng, level, sub, service) -> np.ndarray:
    """Pangkat within the level's range, higher with longer service."""
    table, lengths = _padded(tuple(row for rows in _GOLONGAN for row in rows))
    row = np.array([sum(len(r) for r in _GOLONGAN[:lv]) for lv in range(5)])[level] + sub
    frac = np.clip((service - _MIN_SERVICE[level]) / 24 + rng.normal(0, 0.2, len(level)), 0, 0.999)
    return table[row, (frac * lengths[row]).astype(int)]


def _level_text(rng, dom: _Domain, level: np.ndarray, sub: np.ndarray) -> np.ndarray:
    """The level as an export writes it: one of the rules' aliases that fit its sub-grade."""
    style = _choose(rng, dom.level_weights, level * len(_SUB_GRADES) + sub)
    return dom.level_texts[level, sub, style]


def _scores(rng, dom: _Domain, level: np.ndarray, age: np.ndarray) -> np.ndarray:
    """Scores around the rules' standard of each level, in quarter steps on the rules' scale."""
    n, k = len(level), len(dom.competencies)
    ability = rng.normal(*_ABILITY, (n, 1))
    raw = dom.standard[level] * (1 + ability + rng.normal(0, _NOISE, (n, k)))
    code, per_year = _YOUNG_DIGITAL
    if code in dom.competencies:
        raw[:, dom.competencies.index(code)] += per_year * (42 - age)
    return np.clip(np.round(raw * 4) / 4, *dom.scale)


def _people(rng: np.random.Generator, dom: _Domain, cohort: int, extra: int, cycle: int) -> _Table:
    """Synthetic civil servants with unique NIPs, jobs, names with titles, and scores.

    The first COHORT are ordered as a recap lists them (by unit, level, NIP); EXTRA follow.
    """
    jobs, n = _job_table(), cohort + extra
    level = rng.choice(len(_LEVEL_SHARE), n, p=_LEVEL_SHARE)
    female = rng.random(n) < _FEMALE[level]
    gender = np.where(female, 2, 1)
    birth = _birth_dates(rng, level, dom.retirement, cycle)
    birth_year = birth.astype("datetime64[Y]").astype(int) + 1970
    tmt = _tmt_cpns(rng, level, birth_year, cycle)
    nip = _unique_nips(rng, birth, tmt, gender)
    unit = _choose(rng, jobs.weight, level)
    # Sorting a few integer columns now is far cheaper than sorting the strings later.
    order = np.lexsort((nip[:cohort], level[:cohort], unit[:cohort]))
    order = np.concatenate([order, np.arange(cohort, n)])
    level, female, birth_year, tmt, nip, unit = (
        column[order] for column in (level, female, birth_year, tmt, nip, unit)
    )
    option = jobs.start[level, unit] + _pick_in(rng, jobs.count[level, unit])
    jabatan, sub = jobs.titles[option], jobs.subs[option]
    field = np.array([_FIELDS.index(u.field) for u in _units()])[unit]
    age = cycle - birth_year
    prefix, suffix = _titles(rng, level, field, female, birth_year, age, jobs.kinds[option])
    nama = _join(*prefix, *_name_parts(rng, female), *suffix)
    scores = _scores(rng, dom, level, age)
    return {
        "nip": nip,
        "nip_text": _strings(nip.astype(str)),
        "spaced": rng.random(n) < 0.15,
        "nama": nama,
        "jabatan": jabatan,
        "level": level,
        "level_text": _level_text(rng, dom, level, sub),
        "unit_index": unit,
        "unit": _strings([u.name for u in _units()])[unit],
        "golongan": _golongan(rng, level, sub, cycle - tmt // 100),
        "age": age,
        "scores": scores,  # [person, competency]
    }


def _predikat_text(rng, words: np.ndarray, code: np.ndarray) -> np.ndarray:
    """Predikat as typed into exports: mostly as the rules write it, sometimes upper or lower
    case or with a trailing space."""
    cased = [(word, word.upper(), word.lower()) for word in words]
    table = _strings([[[text, text + " "] for text in forms] for forms in cased])
    u = rng.random((2, len(code)))
    case = np.select([u[0] < 0.12, u[0] > 0.93], [1, 2], 0)
    return table[code, case, (u[1] < 0.02).astype(int)]


def _kinerja(rng, dom: _Domain, people: _Table, n: int, cycle: int) -> _Table:
    """Ratings for the two years before the cycle (the cycle's own year is not rated yet);
    about 2% of the cohort have none, 3% only the older year."""
    total, words = len(people["nip"]), len(dom.predikat)
    shuffled = rng.permutation(n)
    no_rows, old_only = shuffled[: round(0.02 * n)], shuffled[round(0.02 * n) : round(0.05 * n)]
    older = rng.choice(words, total, p=dom.predikat_share)
    fresh = rng.choice(words, total, p=dom.predikat_share)
    newer = np.where(rng.random(total) < _RATING_KEPT, older, fresh)
    has_older = np.ones(total, bool)
    has_older[no_rows] = False
    has_newer = has_older.copy()
    has_newer[old_only] = False
    words = partial(_predikat_text, rng, dom.predikat)  # drawn after the NIP spacing, as ever
    return _rating_rows(rng, people, (older, newer), (has_older, has_newer), cycle, words)


def _rating_rows(rng, people: _Table, ratings: tuple, rated: tuple, cycle: int, words=None):
    """The kinerja rows of two years, by NIP then year: per person the older and newer
    RATINGS where RATED (masks), about 10% of the NIPs written spaced; WORDS, if given,
    turns the ratings (codes) into predikat text."""
    (older, newer), (has_older, has_newer) = ratings, rated
    who = np.concatenate([np.flatnonzero(has_older), np.flatnonzero(has_newer)])
    year = np.repeat([cycle - 2, cycle - 1], [has_older.sum(), has_newer.sum()])
    values = np.concatenate([older[has_older], newer[has_newer]])
    order = np.lexsort((year, people["nip"][who]))
    who, spaced = who[order], rng.random(len(people["nip"])) < 0.10
    return {
        "nip": people["nip"][who],
        "nip_text": people["nip_text"][who],
        "spaced": spaced[who],
        "nama": people["nama"][who],
        "tahun": year[order],
        "predikat": values[order] if words is None else words(values[order]),
    }


def _drawn(
    seed: int, dom: _Domain, n: int, cycle: int
) -> tuple[np.random.Generator, _Table, _Table]:
    """The people of CYCLE (the first N assessed), their ratings, and the generator the rest
    of the cycle's files draw from. Up to _FIRST_CYCLE a cycle is drawn afresh from SEED;
    each later one continues the cycle before it with its own stream."""
    if cycle <= _FIRST_CYCLE:
        rng = np.random.default_rng(seed)
        people = _people(rng, dom, n, max(1, round(0.05 * n)), cycle)
        return rng, people, _kinerja(rng, dom, people, n, cycle)
    _, before, rated = _drawn(seed, dom, n, cycle - 1)
    rng = np.random.default_rng([seed, cycle])  # pegawai draws from [seed, 14]
    people = _next_cycle(rng, dom, before, n, cycle)
    return rng, people, _next_kinerja(rng, dom, people, rated, before["nip"], n, cycle)


def _next_cycle(rng, dom: _Domain, before: _Table, n: int, cycle: int) -> _Table:
    """BEFORE's people a year later: those who had reached their retirement age are gone, new
    appointments (drawn as in a first cycle) keep N assessed and the extras as many; the rest
    keep NIP, name, job, level and unit, with scores drifted from BEFORE's."""
    total = len(before["nip"])
    stay = before["age"] < dom.retirement[before["level"]]
    assessed = np.arange(total) < n
    kept = [_rows(before, stay & assessed), _rows(before, stay & ~assessed)]
    for part in kept:
        part["age"] = part["age"] + 1
        part["scores"] = _drift(rng, dom, part["level"], part["scores"])
    new_assessed = n - len(kept[0]["nip"])
    fresh = _people(rng, dom, new_assessed, total - n - len(kept[1]["nip"]), cycle)
    fresh["nip"] = _apart(rng, fresh["nip"], before["nip"])
    fresh["nip_text"] = _strings(fresh["nip"].astype(str))
    cohort = {k: np.concatenate([kept[0][k], fresh[k][:new_assessed]]) for k in before}
    extras = {k: np.concatenate([kept[1][k], fresh[k][new_assessed:]]) for k in before}
    order = np.lexsort((cohort["nip"], cohort["level"], cohort["unit_index"]))
    return {k: np.concatenate([cohort[k][order], extras[k]]) for k in before}


def _drift(rng, dom: _Domain, level: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """A year's change of SCORES: the person's shift (a few grow, a few drop) plus each
    competency's noise, in quarter steps on the rules' scale."""
    n, k = scores.shape
    u = rng.random(n)
    trend = np.select([u < _GROWTH[0], u > 1 - _DECLINE[0]], [_GROWTH[1], _DECLINE[1]], 0.0)
    shift = trend + rng.normal(0, _DRIFT[0], n)
    raw = scores + dom.standard[level] * (shift[:, None] + rng.normal(0, _DRIFT[1], (n, k)))
    return np.clip(np.round(raw * 4) / 4, *dom.scale)


def _apart(rng, nip: np.ndarray, taken: np.ndarray) -> np.ndarray:
    """NIP with the serial (last 3 digits) redrawn where it collides with TAKEN or itself."""
    nip = nip.copy()
    for _ in range(100):
        clash = np.isin(nip, taken) | pd.Series(nip).duplicated().to_numpy()
        if not clash.any():
            return nip
        nip[clash] = nip[clash] - nip[clash] % 1000 + rng.integers(1, 1000, int(clash.sum()))
    raise RuntimeError("could not draw unique NIPs")


def _next_kinerja(
    rng, dom: _Domain, people: _Table, rated: _Table, before: np.ndarray, n: int, cycle: int
) -> _Table:
    """Ratings for the two years before CYCLE: the older year exactly as the cycle before
    wrote it (new appointments, not in BEFORE, get one drawn afresh), the newer one repeating it
    _RATING_KEPT of the time; _UNRATED of the assessed have no newer rating yet."""
    total, words = len(people["nip"]), len(dom.predikat)
    was = rated["tahun"] == cycle - 2
    known = pd.Series(rated["predikat"][was], index=rated["nip"][was])
    carried = known.reindex(people["nip"]).to_numpy(dtype=object)
    new = ~np.isin(people["nip"], before)
    drawn = _predikat_text(rng, dom.predikat, rng.choice(words, total, p=dom.predikat_share))
    older = np.where(new, drawn, carried)
    fresh = _predikat_text(rng, dom.predikat, rng.choice(words, total, p=dom.predikat_share))
    has_older = pd.notna(older)
    newer = np.where(has_older & (rng.random(total) < _RATING_KEPT), older, fresh)
    has_newer = np.ones(total, bool)
    has_newer[rng.permutation(n)[: round(_UNRATED * n)]] = False
    return _rating_rows(rng, people, (older, newer), (has_older, has_newer), cycle)


def _formasi(rng, dom: _Domain, n: int, cycle: int) -> _Table:
    """About n/40 vacancies (at least 3), distinct jabatan+unit where the pool allows."""
    jobs, k = _job_table(), max(3, round(n / 40))
    level = rng.choice([ADMIN, MADYA, MUDA], 3 * k, p=[0.5, 0.3, 0.2])
    unit = _choose(rng, jobs.weight, level)
    option = jobs.start[level, unit] + _pick_in(rng, jobs.count[level, unit])
    _, first = np.unique(option, return_index=True)  # an option is a (jabatan, unit) pair
    repeated = np.ones(len(option), bool)
    repeated[first] = False
    chosen = np.sort(np.concatenate([np.flatnonzero(~repeated), np.flatnonzero(repeated)])[:k])
    chosen = chosen[np.lexsort((level[chosen], unit[chosen]))]
    width = max(3, len(str(k)))
    option, level = option[chosen], level[chosen]
    return {
        "kode": _strings([f"F-{cycle}-{i:0{width}d}" for i in range(1, k + 1)]),
        "jabatan": jobs.titles[option],
        "unit": _strings([u.name for u in _units()])[unit[chosen]],
        "jenjang": _level_text(rng, dom, level, jobs.subs[option]),
        "jumlah": np.where(level == ADMIN, 1, 1 + (rng.random(k) < 0.4)),
    }


# --- writing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    """One output file: its sheet, title block and columns (kinds: text, int, score)."""

    stem: str
    sheet: str
    titles: tuple[str, ...]  # merged rows above the header; "" leaves a blank row
    headers: tuple[str, ...]
    kinds: tuple[str, ...]
    widths: tuple[int, ...]
    instructions: tuple[str, ...] = ()  # lines of a "Petunjuk" sheet placed first
    decimals: int = 2  # of the score cells


def _petunjuk(dom: _Domain) -> tuple[str, ...]:
    low, high = (f"{v:.{dom.decimals}f}".replace(".", ",") for v in dom.scale)
    return (
        "Petunjuk pengisian:",
        "1. Sheet 'Rekap' memuat rekapitulasi hasil asesmen kompetensi, satu baris per pegawai.",
        "2. NIP ditulis sebagai teks 18 digit (format sel: Teks), boleh dengan spasi.",
        f"3. Nilai kompetensi berskala {low} - {high} (level kompetensi), "
        f"{dom.decimals} angka desimal.",
        "4. ESELON/JENJANG: eselon III/IV atau jenjang jabatan fungsional hasil penyetaraan.",
        "5. Jangan mengubah judul kolom pada baris 5.",
        "",
        "Data sintetis untuk uji coba; bukan data pegawai sebenarnya.",
    )


def _layouts(cycle: int, dom: _Domain) -> tuple[_Layout, _Layout, _Layout]:
    asesmen_title = f"REKAPITULASI HASIL ASESMEN KOMPETENSI TAHUN {cycle}"
    kinerja_title = f"REKAPITULASI PREDIKAT KINERJA PEGAWAI TAHUN {cycle - 2}-{cycle - 1}"
    agency = "BADAN KEPEGAWAIAN DAN PENGEMBANGAN SUMBER DAYA MANUSIA"
    scores = len(dom.headers)
    widths = (5, 22, 40, 46, 15, 36, 9, *(12 if len(h) <= 16 else 14 for h in dom.headers))
    return (
        _Layout(f"asesmen-{cycle}", "Rekap",
                ("PEMERINTAH KABUPATEN SERANG", agency, asesmen_title, ""),
                _ASESMEN_FIXED + dom.headers, ("int",) + ("text",) * 6 + ("score",) * scores,
                widths, _petunjuk(dom), dom.decimals),
        _Layout("kinerja", "Kinerja",
                (kinerja_title, "BKPSDM KABUPATEN SERANG - SUMBER DATA: E-KINERJA", ""),
                KINERJA_HEADERS, ("text", "text", "int", "text"), (22, 40, 8, 20)),
        _Layout(f"formasi-{cycle}", "Formasi",
                (f"DAFTAR FORMASI JABATAN LOWONG TAHUN {cycle}", ""), FORMASI_HEADERS,
                ("text",) * 4 + ("int",), (16, 50, 36, 18, 9)),
    )  # fmt: skip


def _pegawai(rng, people: _Table, cycle: int) -> _Table:
    """A SIASN export of the agency: everyone but a few, TMT dates as Excel date serials
    (TMT jabatan 0-9 years before the cycle), education spellings per level, a few active
    sanctions."""
    n = len(people["nip"])
    keep = np.flatnonzero(rng.random(n) >= _PEGAWAI_MISSING)
    level = people["level"][keep]
    shares = np.array([w for _, w in _EDUCATION]).T  # [level, spelling]
    cum = np.cumsum(shares / shares.sum(axis=1, keepdims=True), axis=1)[level]
    pick = np.minimum((rng.random((len(keep), 1)) > cum).sum(axis=1), len(_EDUCATION) - 1)
    start = (datetime(cycle, 1, 1) - datetime(1899, 12, 30)).days  # Excel serial of 1 Jan
    tmt_jabatan = start - rng.integers(30, 9 * 365, len(keep))
    tmt_golongan = start - rng.integers(30, 4 * 365, len(keep))
    sanction = rng.random(len(keep)) < _SANCTION
    none = _strings(_NO_SANCTION)[rng.integers(0, len(_NO_SANCTION), len(keep))]
    hukdis = np.where(sanction, "Hukuman Disiplin Ringan", none)
    return {
        "nip_text": people["nip_text"][keep],
        "spaced": np.zeros(len(keep), dtype=bool),
        "nama": people["nama"][keep],
        "golongan": people["golongan"][keep],
        "tmt_golongan": tmt_golongan,
        "jabatan": people["jabatan"][keep],
        "tmt_jabatan": tmt_jabatan,
        "pendidikan": _strings([e for e, _ in _EDUCATION])[pick],
        "unit": people["unit"][keep],
        "hukuman_disiplin": hukdis,
    }


def _pegawai_columns(pegawai: _Table, spaced: bool) -> list[list]:
    cols = ("nama", "golongan", "tmt_golongan", "jabatan", "tmt_jabatan", "pendidikan", "unit")
    return [
        _nip_column(pegawai, spaced).tolist(),
        *(pegawai[c].tolist() for c in cols),
        pegawai["hukuman_disiplin"].tolist(),
    ]


def _nip_column(table: _Table, spaced: bool) -> np.ndarray:
    return _spaced_nips(table["nip_text"], table["spaced"]) if spaced else table["nip_text"]


def _asesmen_columns(cohort: _Table, spaced: bool) -> list[list]:
    nip = _nip_column(cohort, spaced)
    texts = ("nama", "jabatan", "level_text", "unit", "golongan")
    return [
        list(range(1, len(cohort["nip"]) + 1)),
        nip.tolist(),
        *(cohort[c].tolist() for c in texts),
        *cohort["scores"].T.tolist(),
    ]


def _kinerja_columns(kinerja: _Table, spaced: bool) -> list[list]:
    nip = _nip_column(kinerja, spaced)
    return [nip.tolist(), *(kinerja[c].tolist() for c in ("nama", "tahun", "predikat"))]


def _score_strings(values: list[float], decimals: int) -> list[str]:
    """Scores (quarter steps) as `3.25`, through a lookup table: far faster than formatting a
    million floats."""
    quarters = np.rint(np.asarray(values) * 4).astype(np.int64)
    low = int(quarters.min(initial=0))
    steps = range(low, int(quarters.max(initial=0)) + 1)
    table = np.array([f"{q / 4:.{decimals}f}" for q in steps], dtype=object)
    return table[quarters - low].tolist()


def _csv_field(values: list, kind: str, decimals: int = 2) -> list[str]:
    """One column as CSV fields: scores with DECIMALS, text quoted only where needed."""
    if kind == "score":
        return _score_strings(values, decimals)
    if kind == "int":
        return list(map(str, values))
    if kind == "date":  # an Excel serial, as dd-mm-yyyy text (SIASN's CSV form)
        days = np.asarray(values, dtype="int64") - 25569  # serial of 1970-01-01
        iso = days.astype("datetime64[D]").astype(str)
        return [f"{d[8:10]}-{d[5:7]}-{d[:4]}" for d in iso]
    joined = "\0".join(values)  # one scan in C tells whether any field needs quotes
    if not any(char in joined for char in '",\r\n'):
        return values
    return [
        '"' + v.replace('"', '""') + '"' if "," in v or '"' in v or "\n" in v or "\r" in v else v
        for v in values
    ]


def _write_csv(path: Path, layout: _Layout, columns: list[list]) -> Path:
    """Plain UTF-8 CSV: header on line 1, no title block or footer.

    Lines are joined in chunks rather than passed through csv.writer, which is slower at a
    million rows; the quoting is the same (minimal).
    """
    fields = [_csv_field(c, k, layout.decimals) for c, k in zip(columns, layout.kinds, strict=True)]
    with private_file(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(_csv_field(list(layout.headers), "text")) + "\n")
        for start in range(0, len(fields[0]), 100_000):
            chunk = [field[start : start + 100_000] for field in fields]
            fh.write("\n".join(map(",".join, zip(*chunk, strict=True))) + "\n")
    return path


def _formats(wb, decimals: int) -> dict:
    border = {"border": 1, "valign": "top"}
    return {
        "title": wb.add_format({"bold": True, "font_size": 12, "align": "center"}),
        "header": wb.add_format(
            {**border, "bold": True, "text_wrap": True, "align": "center", "bg_color": "#D9E1F2"}
        ),
        "text": wb.add_format({**border, "num_format": "@"}),
        "int": wb.add_format({**border, "num_format": "0", "align": "center"}),
        "score": wb.add_format({**border, "num_format": f"0.{'0' * decimals}".rstrip(".")}),
        "date": wb.add_format({**border, "num_format": "dd-mm-yyyy"}),
        "footer": wb.add_format({"align": "center"}),
        "signer": wb.add_format({"align": "center", "bold": True, "underline": 1}),
    }


def _write_xlsx(path: Path, layout: _Layout, columns: list[list], cycle: int, footer=()) -> Path:
    """A streaming (constant_memory) workbook: title block, header, data, optional footer lines.

    Rows must be written in order in constant_memory mode, so the title rows come first.
    Fixed metadata makes the same seed give the same bytes.
    """
    with private_file(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
        wb.set_properties(
            {
                "title": layout.titles[0] if layout.titles else layout.sheet,
                "author": "BKPSDM Kabupaten Serang (data sintetis)",
                "comments": "Synthetic sample data generated by talentcli; not real people.",
                "created": datetime(cycle, 1, 15),
            }
        )
        fmt = _formats(wb, layout.decimals)
        if layout.instructions:
            _write_lines(wb.add_worksheet("Petunjuk"), layout.instructions)
        ws = _sheet(wb, layout, fmt)
        last = _write_rows(ws, len(layout.titles), columns, layout.kinds, fmt)
        for offset, text, style in footer:
            ws.merge_range(last + 2 + offset, 5, last + 2 + offset, 6, text, fmt[style])
        wb.close()
    return path


def _write_lines(ws, lines: tuple[str, ...]) -> None:
    ws.set_column(0, 0, 100)
    for row, line in enumerate(lines):
        ws.write_string(row, 0, line)


def _sheet(wb, layout: _Layout, fmt: dict):
    """A sheet with column widths, the merged title rows and the header row, set for printing."""
    ws = wb.add_worksheet(layout.sheet)
    last_col = len(layout.headers) - 1
    for col, width in enumerate(layout.widths):
        ws.set_column(col, col, width)
    for row, text in enumerate(layout.titles):
        if text:
            ws.merge_range(row, 0, row, last_col, text, fmt["title"])
    header_row = len(layout.titles)
    ws.write_row(header_row, 0, layout.headers, fmt["header"])
    ws.freeze_panes(header_row + 1, 0)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    return ws


def _write_rows(ws, header_row: int, columns: list[list], kinds: tuple[str, ...], fmt) -> int:
    """Write the data rows under HEADER_ROW; return the last row index written."""
    ws.autofilter(header_row, 0, header_row + len(columns[0]), len(kinds) - 1)
    calls = [
        (col, ws.write_string if kind == "text" else ws.write_number, fmt[kind])
        for col, kind in enumerate(kinds)
    ]
    for row, values in enumerate(zip(*columns, strict=True), start=header_row + 1):
        for (col, write, cell_format), value in zip(calls, values, strict=True):
            write(row, col, value, cell_format)
    return header_row + len(columns[0])


def _footer(others: _Table, cycle: int) -> tuple[tuple[int, str, str], ...]:
    """The signature block of the recap, signed by the most senior non-assessed civil servant.

    Lines go under UNIT KERJA..GOL. RUANG, so no NIP or score cell of those rows is filled.
    """
    first = np.lexsort((others["nip"], -others["age"]))[0]
    nip = _spaced_nips(others["nip_text"][[first]], np.array([True]))[0]
    return (
        (0, f"Serang, 15 Januari {cycle}", "footer"),
        (1, "Kepala BKPSDM Kabupaten Serang", "footer"),
        (5, str(others["nama"][first]), "signer"),
        (6, f"NIP. {nip}", "footer"),
    )


def _fits_sheet(rows: int) -> bool:
    return rows + _SLACK_ROWS <= SHEET_ROW_LIMIT


def _check(n: int, cycle: int) -> None:
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if not 2000 <= cycle <= 2038:
        # Birth years must stay within 1940-2010, the NIP rule of the importer.
        raise ValueError(f"cycle must be between 2000 and 2038, got {cycle}")


def write_sample(
    out: Path,
    n: int = 800,
    seed: int = 1,
    cycle: int = 2026,
    csv: bool = False,
    rules: Rules | None = None,
) -> list[Path]:
    """Write a realistic synthetic Kabupaten Serang cohort into OUT; return the paths written.

    Standards, retirement ages, the scale, level aliases and predikat words are those of
    RULES (default: the packaged default rules). Each file is `.csv` instead of `.xlsx` with
    CSV=True or when its rows would not fit on a sheet. About 5% more people than N appear
    in kinerja only (other civil servants). A CYCLE after 2026 continues the 2026 cohort of
    the same SEED (see _next_cycle), so two cycles show how people moved.
    """
    _check(n, cycle)
    dom = _domain(rules or load_rules().rules)
    rng, people, kinerja = _drawn(seed, dom, n, cycle)
    cohort, extras = _rows(people, slice(0, n)), _rows(people, slice(n, None))
    formasi = _formasi(rng, dom, n, cycle)
    out = Path(out)
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    asesmen_layout, kinerja_layout, formasi_layout = _layouts(cycle, dom)
    outputs = (
        (asesmen_layout, n, lambda spaced: _asesmen_columns(cohort, spaced)),
        (kinerja_layout, len(kinerja["nip"]), lambda spaced: _kinerja_columns(kinerja, spaced)),
        (formasi_layout, len(formasi["kode"]), lambda _: [c.tolist() for c in formasi.values()]),
    )
    # personnel data: its own random stream, so the other files stay as they were
    pegawai = _pegawai(np.random.default_rng([seed, 14]), people, cycle)
    pegawai_layout = _Layout(
        f"pegawai-{cycle}", "Data PNS", ("DATA PNS - EKSPOR SIASN", ""), PEGAWAI_HEADERS,
        ("text", "text", "text", "date", "text", "date", "text", "text", "text"),
        (22, 40, 10, 12, 46, 12, 24, 36, 24),
    )  # fmt: skip
    outputs += ((pegawai_layout, len(pegawai["nip_text"]), lambda s: _pegawai_columns(pegawai, s)),)
    paths = []
    decisions = _kalibrasi(rng, rules or load_rules().rules, cohort, kinerja, cycle)
    total, done = sum(rows for _, rows, _ in outputs) + len(decisions), 0
    tick("sample", 0, total, "rows")
    for layout, rows, columns in outputs:
        if csv or not _fits_sheet(rows):
            paths.append(_write_csv(out / f"{layout.stem}.csv", layout, columns(False)))
        else:
            footer = _footer(extras, cycle) if layout is asesmen_layout else ()
            path = _write_xlsx(out / f"{layout.stem}.xlsx", layout, columns(True), cycle, footer)
            paths.append(path)
        done += rows
        tick("sample", done, total, "rows")
    if len(decisions) and csv:
        paths.append(_kalibrasi_csv(out / f"kalibrasi-{cycle}.csv", decisions, cycle))
    elif len(decisions):
        paths.append(_write_kalibrasi(out / f"kalibrasi-{cycle}.xlsx", decisions, cycle))
    tick("sample", total, total, "rows")
    return paths


# --- the committee's decisions (kalibrasi) ------------------------------------------------------
KALIBRASI_HEADERS = (
    *("NIP", "NAMA", "KOTAK AWAL", "KOTAK AKHIR", "ALASAN", "DIPUTUSKAN OLEH"),
    *("TANGGAL RAPAT", "NOMOR BERITA ACARA"),
)
# (what the committee does, how the box moves, the reason as minutes write it)
_DECISIONS = (
    ("naik", 2, "Kinerja semester berjalan melampaui target; penugasan khusus berhasil"),
    ("turun", -2, "Catatan kinerja dari atasan langsung belum tercermin pada penilaian"),
    ("tetap", 0, "Hasil pemetaan dikonfirmasi oleh tim"),
    ("naik", 1, "Prestasi pada proyek prioritas daerah"),
)


def _kalibrasi(rng, rules: Rules, cohort: _Table, kinerja: _Table, cycle: int) -> pd.DataFrame:
    """A few decisions of the Tim Penilai Kinerja on the cohort's computed boxes (the engine
    classifies the sample in memory): a raise, a lowering, a confirmation and another raise."""
    import datetime as dt

    from talentcli.classify import classify

    codes = np.array(_LEVEL_CODES, dtype=object)
    people = pd.DataFrame(
        {"nip": cohort["nip_text"], "nama": cohort["nama"], "job_level": codes[cohort["level"]]}
        | {f"score_{c}": cohort["scores"][:, j] for j, c in enumerate(rules.competency_codes)}
    )
    ratings = pd.DataFrame(
        {"nip": kinerja["nip_text"], "tahun": kinerja["tahun"], "predikat": kinerja["predikat"]}
    ).assign(nilai=np.nan)
    done = classify(people, ratings, rules, cycle, dt.date(cycle, 1, 1), detail=False).people
    box = done["box"].to_numpy(dtype=np.int64)
    taken = np.zeros(len(done), dtype=bool)
    rows = []
    for _, step, reason in _DECISIONS:
        final = box + step
        fits = ~taken & (final >= 1) & (final <= 9)
        if not fits.any():
            continue
        i = int(rng.choice(np.flatnonzero(fits)))
        taken[i] = True
        rows.append((done["nip"].iat[i], done["nama"].iat[i], int(box[i]), int(final[i]), reason))
    out = pd.DataFrame(rows, columns=["nip", "nama", "box", "final", "reason"])
    return out.sort_values("nip", ignore_index=True)


def _kalibrasi_csv(path: Path, decisions: pd.DataFrame, cycle: int) -> Path:
    """kalibrasi-<cycle>.csv: the same table, dates as dd-mm-yyyy."""
    import csv

    with private_file(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(KALIBRASI_HEADERS)
        for d in decisions.itertuples(index=False):  # a few rows
            out.writerow(
                [d.nip, d.nama, d.box, d.final, d.reason, "Tim Penilai Kinerja PNS",
                 f"12-03-{cycle}", f"BA/TPK/03/{cycle}"]
            )  # fmt: skip
    return path


def _write_kalibrasi(path: Path, decisions: pd.DataFrame, cycle: int) -> Path:
    """kalibrasi-<cycle>.xlsx: the minutes' table of decisions, under a title block."""
    with private_file(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp))
        wb.set_properties({"created": datetime(cycle, 3, 12)})  # the same bytes every time
        ws = wb.add_worksheet("Kalibrasi")
        bold = wb.add_format({"bold": True})
        day = wb.add_format({"num_format": "dd-mm-yyyy"})
        ws.write_string(0, 0, f"BERITA ACARA KALIBRASI PETA TALENTA TAHUN {cycle}", bold)
        ws.write_row(2, 0, KALIBRASI_HEADERS, bold)
        for r, d in enumerate(decisions.itertuples(index=False), start=3):  # a few rows
            ws.write_string(r, 0, d.nip)
            ws.write_string(r, 1, d.nama)
            ws.write_number(r, 2, d.box)
            ws.write_number(r, 3, d.final)
            ws.write_string(r, 4, d.reason)
            ws.write_string(r, 5, "Tim Penilai Kinerja PNS")
            ws.write_datetime(r, 6, datetime(cycle, 3, 12), day)
            ws.write_string(r, 7, f"BA/TPK/03/{cycle}")
        ws.set_column(0, 0, 22)
        ws.set_column(1, 1, 40)
        ws.set_column(4, 5, 50)
        ws.set_column(6, 7, 18)
        wb.close()
    return path
