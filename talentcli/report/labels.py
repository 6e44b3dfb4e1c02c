"""Report text in Bahasa Indonesia (default) and English: sheet names, headers, value labels.

Codes (JSON, CSV values) stay the stable English/ASCII ones; only what people read changes.
Domain names (placements, categories, levels, competencies) come from the rules file.
"""

from __future__ import annotations

import re

from talentcli.rules import CRITERIA, PERFORMANCE_LEVELS, Band, Rules

SHEETS = {
    "ringkasan": ("Ringkasan", "Summary"),
    "peta": ("Peta Talenta", "Talent Map"),
    "hasil": ("Hasil", "Results"),
    "promosi": ("Promosi", "Promotion"),
    "rotasi": ("Rotasi", "Rotation"),
    "mutasi": ("Mutasi", "Transfer"),
    "tindak_lanjut": ("Tindak Lanjut", "Follow-up"),
    "tetap": ("Tetap (Menjelang BUP)", "Stays (Near Retirement)"),
    "suksesi": ("Kelompok Rencana Suksesi", "Succession Pool"),
    "kandidat": ("Kandidat Jabatan Lowong", "Vacancy Candidates"),
    "rencana": ("Rencana Pengembangan", "Development Plans"),
    "tidak_lengkap": ("Data Tidak Lengkap", "Incomplete Data"),
    "anggaran": ("Anggaran Pelatihan", "Training Budget"),
    "kesetaraan": ("Kesetaraan", "Equity"),
    "kalibrasi": ("Kalibrasi", "Calibration"),
    "pergerakan": ("Pergerakan Talenta", "Talent Movement"),
}

HEADERS = {
    "nip": ("NIP", "NIP"),
    "nama": ("Nama", "Name"),
    "jabatan": ("Jabatan", "Position"),
    "job_level": ("Jenjang", "Job level"),
    "unit": ("Unit Kerja", "Unit"),
    "golongan": ("Golongan", "Grade"),
    "score": ("Nilai", "Score"),
    "standard": ("Standar", "Standard"),
    "delta": ("Selisih", "Gap"),
    "status": ("Status", "Status"),
    "jpm": ("JPM (%)", "JPM (%)"),
    "jpm_category": ("Kategori JPM", "JPM category"),
    "potential_score": ("Nilai Potensi", "Potential score"),
    "potential": ("Potensial", "Potential"),
    "performance": ("Kinerja", "Performance"),
    "performance_year": ("Tahun Kinerja", "Performance year"),
    "box": ("Kotak Talenta", "Talent box"),
    "placement": ("Penempatan", "Placement"),
    "talent_pool": ("Kelompok Rencana Suksesi", "Talent pool"),
    "readiness": ("Kesiapan", "Readiness"),
    "notes": ("Catatan", "Notes"),
    "retirement_date": ("TMT Pensiun (perkiraan)", "Retirement date (estimated)"),
    "plan_jp": ("Total JP", "Total JP"),
    "plan_cost": ("Biaya (Rp)", "Cost (Rp)"),
    "recommendation": ("Rekomendasi", "Recommendation"),
    "promotes_to": ("Jenjang Berikutnya", "Next level"),
    "kode": ("Kode Jabatan Lowong", "Vacancy code"),
    "vacancy_jabatan": ("Jabatan Lowong", "Vacant position"),
    "vacancy_unit": ("Unit Jabatan Lowong", "Vacancy unit"),
    "vacancy_level": ("Jenjang Jabatan Lowong", "Vacancy level"),
    "jumlah": ("Jumlah", "Seats"),
    "rank": ("Peringkat", "Rank"),
    "candidate_level": ("Jenjang Kandidat", "Candidate level"),
    "fit": ("Kecocokan (%)", "Fit (%)"),
    "seq": ("No", "No"),
    "code": ("Kode", "Code"),
    "programme": ("Program", "Programme"),
    "competency": ("Kompetensi", "Competency"),
    "form": ("Bentuk", "Form"),
    "jp": ("JP", "Hours (JP)"),
    "cost": ("Biaya (Rp)", "Cost (Rp)"),
    "reason": ("Alasan", "Reason"),
    "count": ("Jumlah", "Count"),
    "people": ("Pegawai", "People"),
    "assigned": ("Usulan Penetapan", "Proposed assignment"),
    "funded": ("Didanai", "Funded"),
    "section": ("Bagian", "Section"),
    "budget": ("Anggaran (Rp)", "Budget (Rp)"),
    "funded_cost": ("Didanai (Rp)", "Funded (Rp)"),
    "unfunded_cost": ("Belum Didanai (Rp)", "Unfunded (Rp)"),
    "people_unfunded": ("Pegawai dengan Kebutuhan Belum Didanai", "People with unfunded needs"),
    "dimension": ("Dimensi", "Dimension"),
    "group": ("Kelompok", "Group"),
    "talent_pool_rate": ("Tingkat Kelompok Rencana Suksesi", "Talent-pool rate"),
    "promosi_rate": ("Tingkat Promosi", "Promotion rate"),
    "mean_jpm": ("Rata-rata JPM (%)", "Mean JPM (%)"),
    "p_value": ("Nilai p (uji Fisher)", "p-value (Fisher)"),
    "flag": ("Tanda", "Flag"),
    "note": ("Keterangan", "Note"),
    **{f"box_{b}": (f"Kotak {b}", f"Box {b}") for b in range(1, 10)},
    # vacancy candidates' eligibility (SPEC §4.7, §5)
    "verdict": ("Pemenuhan Syarat", "Eligibility"),
    "education_min": ("Pendidikan Minimal", "Minimum education"),
    "years_in_post_min": ("Masa Jabatan", "Years in post"),
    "golongan_min": ("Golongan Minimal", "Minimum grade"),
    "performance_years": ("Predikat Kinerja", "Performance ratings"),
    "no_discipline": ("Tidak Sedang Menjalani Hukuman Disiplin", "No disciplinary sanction"),
    "max_age": ("Batas Usia", "Age limit"),
    "pool": ("Pegawai Diperiksa", "People checked"),
    "excluded": ("Tidak Memenuhi per Syarat", "Left out per criterion"),
    "empty_reason": ("Keterangan Tanpa Kandidat", "Why no candidate"),
    "box_computed": ("Kotak Talenta Hasil Perhitungan", "Talent box (computed)"),
    "box_final": ("Kotak Talenta Akhir", "Talent box (final)"),
    "direction": ("Naik/Turun/Tetap", "Up/down/same"),
    "by": ("Diputuskan Oleh", "Decided by"),
    "date": ("Tanggal", "Date"),
    "ref": ("Nomor Berita Acara", "Minutes number"),
    "applied": ("Diterapkan", "Applied"),
    "reason_not_applied": ("Alasan Tidak Diterapkan", "Why not applied"),
    "previous_cycle": ("Siklus Sebelumnya", "Previous cycle"),
    "previous_box": ("Kotak Talenta Sebelumnya", "Previous talent box"),
    "previous_jpm": ("JPM Sebelumnya (%)", "Previous JPM (%)"),
    "previous_placement": ("Penempatan Sebelumnya", "Previous placement"),
    "movement": ("Pergerakan", "Movement"),
    "bin": ("Rentang JPM", "JPM range"),
    "ringan": ("Kesenjangan ringan", "Light gap"),
    "berat": ("Kesenjangan berat", "Severe gap"),
}

# the charts of the workbook and the html (SPEC §5 "They would rather look than read")
CHARTS = {
    "boxes": ("Sebaran Kotak Talenta", "People per talent box"),
    "jpm_bins": ("Sebaran JPM", "JPM distribution"),
    "boxes_by_unit": ("Kotak Talenta per Unit Kerja", "Talent boxes per unit"),
    "gaps": ("Kesenjangan per Kompetensi", "Gaps per competency"),
    "programmes": ("Program Pengembangan: Peserta, JP dan Biaya", "Programmes: people, JP, cost"),
}

VALUES = {
    "meets": ("Memenuhi", "Meets"),
    "gap": ("Kesenjangan", "Gap"),
    "strength": ("Keunggulan", "Strength"),
    "ringan": ("ringan", "minor"),
    "berat": ("berat", "severe"),
    "siap_sekarang": ("Siap sekarang", "Ready now"),
    "siap_1_2_tahun": ("Siap 1-2 tahun", "Ready in 1-2 years"),
    "pensiun_dekat": ("Menjelang BUP", "Near retirement"),
    "tugas_belajar": ("Pertimbangkan tugas belajar", "Consider a study assignment"),
    "kinerja_tahun_ditolak": (
        "Nilai kinerja tahun terakhir ditolak saat impor; dipakai tahun sebelumnya",
        "The latest year's rating was rejected at import; the year before is used",
    ),
    "no-performance": ("Tidak ada nilai kinerja", "No performance rating"),
    "unknown-job-level": ("Jenjang tidak dikenal aturan", "Job level unknown to the rules"),
    "missing-score": ("Nilai kompetensi tidak lengkap", "Competency score missing"),
    "no-potensi": ("Tidak ada nilai potensi", "No potential score"),
    "gap_reason": ("Kesenjangan kompetensi", "Competency gap"),
    "box": ("Rekomendasi 9-box", "9-box recommendation"),
    "min_jp": ("Pemenuhan {n} JP", "Top-up to {n} JP"),  # n: the rules' training.min_jp
    "klasikal": ("Klasikal", "Classroom"),
    "nonklasikal": ("Nonklasikal", "Non-classroom"),
    "budget": ("Pengganti karena anggaran", "Substitute for lack of budget"),
    "total": ("Jumlah", "Total"),
    "per_unit": ("Per unit kerja", "Per unit"),
    "per_programme": ("Per program", "Per programme"),
    "unit": ("Unit kerja", "Unit"),
    "job_level": ("Jenjang", "Job level"),
    "unfunded": ("Belum didanai", "Unfunded"),
    "gender": ("Jenis kelamin", "Gender"),
    "age_band": ("Kelompok usia", "Age band"),
    "perlu_ditelaah": (
        "Perlu ditelaah: tingkat di bawah 4/5 kelompok tertinggi (uji Fisher); bukan temuan",
        "To be reviewed: rate below 4/5 of the highest group (Fisher's test); not a finding",
    ),
    "retirement_band": (
        "Aturan Menjelang BUP mengeluarkan pegawai dari Kelompok Rencana Suksesi: tingkat "
        "kelompok usia tertua memang lebih rendah",
        "The near-retirement rule takes people out of the talent pool: the oldest band's "
        "rate is lower by design",
    ),
    "retired": ("Sudah pensiun", "Retired"),
    "not-in-cohort": ("Tidak ada asesmen pada siklus ini", "No assessment in this cycle"),
    True: ("Ya", "Yes"),
    False: ("Tidak", "No"),
    "memenuhi": ("Memenuhi Syarat", "Eligible"),
    "belum_lengkap": ("Belum Lengkap Datanya", "Data incomplete"),
    "tidak_memenuhi": ("Tidak Memenuhi Syarat", "Not eligible"),
    "criterion_ok": ("Memenuhi", "Met"),
    "criterion_unknown": ("Belum ada data", "No data yet"),
    "criterion_no_pegawai": (
        "Belum ada data (data pegawai belum diimpor)",
        "No data yet (no personnel file imported)",
    ),
    "criterion_fail": ("Tidak", "Not met"),
    "no_feeder": ("Tidak ada jenjang yang naik ke jabatan ini", "No level promotes to this post"),
    "empty_pool": (
        "Tidak ada pegawai Kelompok Rencana Suksesi pada jenjang di bawahnya",
        "Nobody in the succession pool at the levels below",
    ),
    "all_excluded": (
        "Semua pegawai yang diperiksa tidak memenuhi syarat",
        "Everyone checked fails a criterion",
    ),
}

# movement against the previous cycle (SPEC §4.10) and a decision's direction (§4.9): apart
# from VALUES, as `tetap` is also a placement code
MOVEMENTS = {
    "naik": ("Naik", "Up"),
    "turun": ("Turun", "Down"),
    "tetap": ("Tetap", "Same"),
    "baru": ("Baru", "New"),
}
# the plan page's movement against the previous cycle, worded apart from the placement
# "Tetap (Menjelang BUP)": "Promosi (pergerakan: tetap)"
MOVED = ("pergerakan: {movement}", "movement: {movement}")
# Peta Talenta: the legend of a calibrated person's mark after the name, "7→9" (computed
# box -> final box, SPEC §4.9)
CALIBRATED_LEGEND = (
    "Tanda 7→9 di belakang nama: dikalibrasi, kotak hasil perhitungan 7 → kotak akhir 9.",
    "A 7→9 mark after a name: calibrated, computed box 7 → final box 9.",
)

# the terminal's words (SPEC §5: explain, history and classify speak in labels; codes stay in
# --json); {fields} are filled in by talentcli/render.py
TERMINAL = {
    "run": (
        "proses klasifikasi {run}, siklus {cycle}, per tanggal {as_of}, aturan {rules} "
        "sha256 {sha}",
        "run {run}, cycle {cycle}, as of {as_of}, rules {rules} sha256 {sha}",
    ),
    "not_classified": (
        "{nip}: tidak terpetakan pada proses klasifikasi {run}: {why}",
        "{nip}: not classified in run {run}: {why}",
    ),
    "status_rule": (
        "Kesenjangan bila selisih < 0, Keunggulan bila >= {strength}, berat bila <= {berat}",
        "gap below 0, strength from {strength}, severe at or below {berat}",
    ),
    "capped": (", dibatasi paling tinggi 100", ", capped at 100"),
    "latest_year": ("tahun terakhir <= {cycle}", "latest year <= {cycle}"),
    "calibrated": (
        ", hasil kalibrasi (hasil perhitungan: Kotak Talenta {box})",
        ", set by the committee (computed: box {box})",
    ),
    "not_applied": ("tidak diterapkan", "not applied"),
    "uncalibrated": (
        "tanpa kalibrasi (Kotak Talenta {box}): Penempatan {placement}; Kelompok Rencana "
        "Suksesi: {pool}; Kesiapan: {ready}",
        "without calibration (box {box}): placement {placement}; talent pool: {pool}; "
        "readiness: {ready}",
    ),
    "box_programmes": (
        "Program Kotak Talenta: bertambah {added}; berkurang {dropped}",
        "box programmes: added {added}; dropped {dropped}",
    ),
    "plan_total": ("jumlah {jp} JP, {cost}", "total {jp} JP, {cost}"),
    "rejected_year": (
        "Kinerja {year} ditolak saat impor: {where}",
        "Kinerja {year} rejected at import: {where}",
    ),
    "summary": (
        "proses klasifikasi {run}: siklus {cycle}, per tanggal {as_of}: {people} pegawai = "
        "{classified} terpetakan + {incomplete} data tidak lengkap",
        "run {run}: cycle {cycle}, as of {as_of}: {people} people = {classified} classified + "
        "{incomplete} incomplete",
    ),
    "incomplete": (
        "data tidak lengkap: {n} pegawai ({why}); tercantum dalam laporan ({sheet})",
        "incomplete: {n} people ({why}); listed in the report ({sheet})",
    ),
    "grid": ("Peta Talenta (9-box)", "Talent map (9-box)"),
    "cycles": ("{nip}: {n} siklus", "{nip}: cycles: {n}"),
    "incomplete_in_cycle": ("data tidak lengkap: {reason}", "incomplete: {reason}"),
    "compare_head": (
        "perbandingan: siklus {cycle} (per tanggal {as_of}), proses klasifikasi {run} ({a}) "
        "dengan aturan {b}",
        "compare: cycle {cycle} (as of {as_of}), run {run} ({a}) against {b}",
    ),
    "compare_people": ("pegawai: {n}", "people: {n}"),
    "compare_changed": ("pegawai yang berubah, per data:", "people changed, per field:"),
    "compare_matrix": (
        "Kotak Talenta -> Kotak Talenta (baris: proses {run}, {a}; kolom: {b})",
        "box -> box (rows: run {run}, {a}; columns: {b})",
    ),
    "compare_who": ("pegawai yang berubah ({n}):", "changed people ({n}):"),
    "compare_md_title": (
        "# Bagaimana jika: aturan {b} dibandingkan dengan proses klasifikasi {run} ({a})",
        "# What-if: {b} against run {run} ({a})",
    ),
    "compare_md_line": (
        "Siklus {cycle}, per tanggal {as_of}; {n} pegawai.",
        "Cycle {cycle}, as of {as_of}; {n} people.",
    ),
    "compare_md_table": ("Data|Pegawai berubah", "Field|People changed"),
    "compare_md_people": ("NIP | Nama | Data | Semula | Menjadi", "NIP | Name | Field | Old | New"),
    "history": ("Riwayat talenta", "Talent history"),
    "sheet": ("lembar", "sheet"),  # where a rejected row was (rejected_where)
    "row": ("baris", "row"),
    "line": ("baris", "line"),
}

MONTHS = (
    ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
     "Oktober", "November", "Desember"),
    ("January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"),
)  # fmt: skip


# a run with no previous cycle (SPEC §4.10): the human outputs say so once, instead of a
# matrix of zeros and everybody listed as Baru
NO_PREVIOUS = (
    "Belum ada siklus sebelumnya untuk dibandingkan: pergerakan dihitung mulai siklus berikutnya.",
    "No previous cycle to compare with: movement is counted from the next cycle on.",
)
NO_VACANCIES = (
    "Belum ada data formasi (jabatan lowong) untuk siklus ini: impor berkas formasi, lalu "
    "klasifikasi lagi.",
    "No vacancies (formasi) imported for this cycle: import a formasi file, then classify again.",
)
ISO_DAY = re.compile(r"\b\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b")


def box_grid(rules: Rules) -> list[tuple[Band, list[int]]]:
    """The 9-box as every output draws it (PermenPANRB 3/2020): a row per potential level,
    the highest first, with its boxes from the lowest performance to the highest."""
    grid = rules.nine_box.grid
    return [(lv, [grid[lv.code][p] for p in PERFORMANCE_LEVELS]) for lv in rules.potential.levels]


def rejected_where(r: dict, lang: str = "en") -> str:
    """A row rejected at import (store.rejected_rows) in one phrase: the file, the sheet and
    row (a CSV's line), the codes. English in error messages; explain passes 'id'."""
    w = {
        k: v[0 if lang == "id" else 1] for k, v in TERMINAL.items() if k in ("sheet", "row", "line")
    }
    place = (
        f"{w['line']} {r['row']}"
        if r["sheet"] == r["file"]
        else f"{w['sheet']} {r['sheet']}, {w['row']} {r['row']}"
    )
    return f"{r['file']}, {place} ({', '.join(r['codes'])})"


def long_date(iso: object, lang: str = "id") -> str:
    """'2026-12-04' -> '4 Desember 2026' (en: '4 December 2026'): the one form of a date in
    every human-readable output (SPEC §5); anything else is returned as text."""
    text = str(iso)
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return text
    y, m, d = text.split("-")
    return f"{int(d)} {MONTHS[0 if lang == 'id' else 1][int(m) - 1]} {y}"


def long_dates(text: str, lang: str = "id") -> str:
    """TEXT with each ISO date in it in the long form ('TMT jabatan 2021-01-01' -> 'TMT
    jabatan 1 Januari 2021'): a criterion's detail as people read it (SPEC §5)."""
    return ISO_DAY.sub(lambda m: long_date(m.group(0), lang), text)


def number(n: int) -> str:
    """12345 -> '12.345': the Indonesian thousands separator of every human-readable count."""
    return f"{int(n):,}".replace(",", ".")


def rupiah(amount: float) -> str:
    """4500000 -> 'Rp4.500.000' (Indonesian thousands separator)."""
    return "Rp" + number(amount)


# columns whose values are codes (translated); every other column is free text
CODED = {
    "job_level",
    "status",
    "jpm_category",
    "potential",
    "performance",
    "placement",
    "talent_pool",
    "readiness",
    "reason",
    "competency",
    "form",
    "assigned",
    "funded",
    "section",
    "dimension",
    "group",  # Kesetaraan: job-level codes read as their names; units, bands pass as they are
    "flag",
    "note",
    "promotes_to",
    "vacancy_level",
    "candidate_level",
    "notes",
    "verdict",
    "excluded",
    "empty_reason",
    *CRITERIA,
    "direction",
    "applied",
    "reason_not_applied",
    "previous_placement",
    "movement",
}


class Labels:
    """Text for one language, with the domain names of one rules file."""

    def __init__(self, rules: Rules, lang: str = "id") -> None:
        self.rules = rules
        self.i = 0 if lang == "id" else 1
        self.lang = lang
        self.domain: dict[str, str] = {}
        en = self.i == 1
        for code, lab in rules.placements.items():
            self.domain[code] = lab.name_en if en and lab.name_en else lab.name
        bands = [*rules.jpm.band_sets[rules.jpm.bands], *rules.potential.levels]
        for b in bands:
            self.domain[b.code] = b.name_en if en and b.name_en else b.name
        for lv in rules.performance.levels:
            self.domain[lv.code] = lv.name_en if en and lv.name_en else lv.name
        for code, lv in rules.job_levels.items():
            self.domain[code] = lv.name
        self.competencies = {
            c.code: (c.name_en if en and c.name_en else c.name) for c in rules.competencies
        }
        self.min_jp = rules.training.min_jp

    def sheet(self, code: str) -> str:
        """A sheet (or list) name; a placement the rules add is named by the rules."""
        if code in SHEETS:
            return SHEETS[code][self.i]
        name = str(self.domain.get(code, code))
        return "".join(" " if ch in "[]:*?/\\" else ch for ch in name)[:31].strip()  # Excel

    def chart(self, code: str) -> str:
        """A chart's title (CHARTS)."""
        return CHARTS[code][self.i]

    def header(self, column: str) -> str:
        """A column header; per-competency columns read 'Nilai Kemampuan Teknis'."""
        if column in HEADERS:
            return HEADERS[column][self.i]
        if column in self.domain:  # e.g. a placement code heading a count column
            return str(self.domain[column])
        kind, _, comp = column.partition("_")
        if kind in ("score", "standard", "delta", "status") and comp in self.competencies:
            return f"{HEADERS[kind][self.i]} {self.competencies[comp]}"
        return column

    def value(self, code: object, column: str = "") -> object:
        """The readable form of a coded value (unknown codes pass through).

        Only coded columns are translated: free text (names, units, positions) never is,
        even when it happens to equal a code.
        """
        if column and column not in CODED and not column.startswith("status_"):
            return code
        if column in CRITERIA and isinstance(code, str):
            return self.criterion(code)
        if column == "excluded" and isinstance(code, str):
            return "; ".join(
                f"{self.header(c)}: {n}"
                for c, _, n in (p.rpartition(" ") for p in code.split("; "))
            )
        if column in ("movement", "direction") and code in MOVEMENTS:
            return MOVEMENTS[code][self.i]
        if column == "reason" and code == "gap":
            return VALUES["gap_reason"][self.i]
        if column in ("notes", "promotes_to") and isinstance(code, str) and "; " in code:
            return "; ".join(str(self.value(c, column)) for c in code.split("; "))
        if column == "competency" and code in self.competencies:
            return self.competencies[code]
        if isinstance(code, bool):
            return VALUES[code][self.i]
        if not isinstance(code, str):
            return code
        if code in VALUES:
            return VALUES[code][self.i].format(n=self.min_jp)
        return self.domain.get(code, code)

    def criterion(self, code: str) -> str:
        """'ok' -> Memenuhi, 'unknown' -> Belum ada data, 'fail: D3 < S1' -> 'Tidak: D3 < S1'."""
        result, _, detail = code.partition(": ")
        text = VALUES.get(f"criterion_{result}", (result, result))[self.i]
        return f"{text}: {long_dates(detail, self.lang)}" if detail else text

    @property
    def no_vacancies(self) -> str:
        """The line said instead of an empty candidate list when no formasi was imported."""
        return NO_VACANCIES[self.i]

    @property
    def no_previous(self) -> str:
        """The line said instead of the movement (SPEC §4.10) when there is no previous cycle."""
        return NO_PREVIOUS[self.i]

    def say(self, key: str, **fields: object) -> str:
        """A sentence of the terminal (TERMINAL) with its FIELDS filled in."""
        return TERMINAL[key][self.i].format(**fields)

    def moved(self, code: str) -> str:
        """A movement against the previous cycle as the plan page writes it: 'pergerakan:
        naik' (lower case, so it does not read as the placement Tetap)."""
        word = MOVEMENTS[code][self.i].lower() if code in MOVEMENTS else str(code)
        return MOVED[self.i].format(movement=word)

    def text(self, id_text: str, en_text: str) -> str:
        """Free text in the report language."""
        return en_text if self.i else id_text
