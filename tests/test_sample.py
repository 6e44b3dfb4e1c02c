"""`talentcli sample`: the synthetic cohort, read back with python-calamine (not its writer)."""

from __future__ import annotations

import csv
import json
import re
import runpy
import zipfile
from collections import Counter, defaultdict
from pathlib import Path
from statistics import mean

import pytest
import yaml
from python_calamine import CalamineWorkbook

import talentcli.sample as sample
from talentcli.rules import Rules, check_rules_text, default_rules_path, load_rules
from talentcli.sample import write_sample
from tests.conftest import nip_is_valid

N = 240
HEADER = [
    "NO", "NIP", "NAMA", "JABATAN", "ESELON/JENJANG", "UNIT KERJA", "GOL. RUANG",
    "KEMAMPUAN TEKNIS", "SOSIAL KULTURAL", "LITERASI DIGITAL", "KEMAMPUAN NUMERIK/BERPIKIR",
]  # fmt: skip
SCORES = slice(7, 11)
# SPEC §4.1 job-level aliases.
LEVEL_ALIASES = {
    "administrator": "III.a, III.b, III, IIIa, IIIb, III/a, III/b, 3a, 3b, Administrator, "
    "Eselon III",
    "pengawas": "IV.a, IV.b, IV, IVa, IVb, IV/a, IV/b, 4a, 4b, Pengawas, Eselon IV",
    "jf_ahli_madya": "JF Ahli Madya, Ahli Madya, Fungsional Ahli Madya",
    "jf_ahli_muda": "JF Ahli Muda, Ahli Muda, Fungsional Ahli Muda",
    "jf_ahli_pertama": "JF Ahli Pertama, Ahli Pertama, Fungsional Ahli Pertama",
}
PREDIKAT = {"sangat baik", "baik", "butuh perbaikan", "kurang", "kurang/misconduct",
            "sangat kurang", "amat baik", "cukup", "buruk"}  # fmt: skip


def norm(text: str) -> str:
    """SPEC §3 header normalisation, then without the word 'eselon' (SPEC §4.1)."""
    text = re.sub(r"[.,:;/\\\-_()]", "", re.sub(r"\s+", " ", text.lower()))
    return re.sub(r"\beselon\b", "", text).strip()


KNOWN_LEVELS = {norm(a): code for code, text in LEVEL_ALIASES.items() for a in text.split(", ")}


def sheet(path: Path, name: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


@pytest.fixture(scope="module")
def xlsx(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_sample(tmp_path_factory.mktemp("xlsx") / "new", n=N, seed=3)


@pytest.fixture(scope="module")
def rekap(xlsx: list[Path]) -> list[list]:
    return sheet(xlsx[0], "Rekap")


def people(rekap: list[list]) -> list[list]:
    return rekap[5 : 5 + N]


def test_writes_owner_only_workbooks(xlsx: list[Path]):
    assert [p.name for p in xlsx] == [
        "asesmen-2026.xlsx",
        "kinerja.xlsx",
        "formasi-2026.xlsx",
        "pegawai-2026.xlsx",
        "kalibrasi-2026.xlsx",
    ]
    for path in xlsx:
        assert path.is_file() and path.stat().st_mode & 0o777 == 0o600
    assert CalamineWorkbook.from_path(str(xlsx[0])).sheet_names == ["Petunjuk", "Rekap"]
    assert sheet(xlsx[0], "Petunjuk")[0][0].startswith("Petunjuk pengisian")


def test_title_block_sits_above_the_header_and_the_footer_below_the_data(rekap: list[list]):
    assert [row[0] for row in rekap[:3]] == [
        "PEMERINTAH KABUPATEN SERANG",
        "BADAN KEPEGAWAIAN DAN PENGEMBANGAN SUMBER DAYA MANUSIA",
        "REKAPITULASI HASIL ASESMEN KOMPETENSI TAHUN 2026",
    ]
    assert not any(rekap[3]) and rekap[4] == HEADER
    assert rekap[5][0] == 1 and rekap[4 + N][0] == N
    footer = rekap[5 + N :]
    assert not any(footer[0])
    texts = [text for row in footer for text in row if text]
    assert texts[:2] == ["Serang, 15 Januari 2026", "Kepala BKPSDM Kabupaten Serang"]
    signer_nip = re.fullmatch(r"NIP\. (\d{8}) (\d{6}) (\d) (\d{3})", texts[-1])
    assert signer_nip and nip_is_valid("".join(signer_nip.groups()))
    for row in footer:  # a footer row leaves the NIP and score cells empty
        assert row[1] == "" and not any(row[SCORES])


def test_asesmen_has_n_people_with_valid_unique_nips(rekap: list[list]):
    rows = people(rekap)
    nips = [row[1].replace(" ", "") for row in rows]
    assert all(isinstance(row[1], str) for row in rows)
    assert all(map(nip_is_valid, nips)), [n for n in nips if not nip_is_valid(n)]
    assert len(set(nips)) == N
    assert any(" " in row[1] for row in rows) and any(" " not in row[1] for row in rows)


def test_names_and_titles_agree_with_the_nip_gender_digit(rekap: list[list]):
    for row in people(rekap):
        gender, nama = row[1].replace(" ", "")[14], row[2]
        if re.search(r"\bHj\.|\bRatu\b|\bDra\.", nama):
            assert gender == "2", nama
        if re.search(r"(^|\s)H\.|\bTb\.|\bDrs\.", nama):
            assert gender == "1", nama


def test_every_job_level_is_a_spec_alias(rekap: list[list]):
    levels = Counter(KNOWN_LEVELS.get(norm(row[4])) for row in people(rekap))
    assert None not in levels
    assert set(levels) == set(LEVEL_ALIASES)
    assert levels["pengawas"] > levels["administrator"]


def test_scores_are_numbers_on_the_1_to_5_scale(rekap: list[list]):
    for row in people(rekap):
        for score in row[SCORES]:
            assert isinstance(score, float) and 1.0 <= score <= 5.0
            assert round(score, 2) == score


def test_kinerja_rates_the_two_years_before_the_cycle_with_gaps_and_extra_people(
    xlsx: list[Path], rekap: list[list]
):
    """A 2026 mapping has the 2024 and 2025 ratings: the 2026 rating does not exist yet."""
    rows = sheet(xlsx[1], "Kinerja")
    assert rows[0][0] == "REKAPITULASI PREDIKAT KINERJA PEGAWAI TAHUN 2024-2025"
    assert rows[3] == ["NIP", "NAMA", "TAHUN", "PREDIKAT KINERJA"]
    data = rows[4:]
    assert {row[2] for row in data} == {2024.0, 2025.0}
    assert {row[3].strip().lower() for row in data} <= PREDIKAT
    years: dict[str, set] = {}
    for row in data:
        years.setdefault(row[0].replace(" ", ""), set()).add(row[2])
    cohort = {row[1].replace(" ", "") for row in people(rekap)}
    assert len(cohort - set(years)) == round(0.02 * N)  # no performance row at all
    assert sum(years[nip] == {2024.0} for nip in cohort & set(years)) == round(0.03 * N)
    assert len(set(years) - cohort) == round(0.05 * N)  # other civil servants of the agency


def test_formasi_lists_vacancies_with_known_levels(xlsx: list[Path]):
    rows = sheet(xlsx[2], "Formasi")
    header = rows.index(["KODE JABATAN", "NAMA JABATAN", "UNIT KERJA", "JENJANG JABATAN", "JUMLAH"])
    data = rows[header + 1 :]
    assert len(data) == N // 40
    assert [row[0] for row in data] == [f"F-2026-{i:03d}" for i in range(1, len(data) + 1)]
    assert all(norm(row[3]) in KNOWN_LEVELS and row[4] in (1.0, 2.0) for row in data)


def test_pegawai_is_a_siasn_export_with_a_few_missing_and_a_few_sanctioned(
    xlsx: list[Path], rekap: list[list]
):
    """SIASN headers, TMT as Excel dates, education in the spellings SIASN writes; a few
    cohort members are not in it, a few carry an active sanction."""
    import datetime as dt

    from talentcli.rules import load_rules

    rows = sheet(xlsx[3], "Data PNS")
    assert rows[2][:3] == ["NIP_BARU", "NAMA", "GOL_AKHIR_NAMA"]
    data = rows[3:]
    assert all(isinstance(r[3], dt.date) and isinstance(r[5], dt.date) for r in data)
    assert all(r[5] < dt.date(2026, 1, 1) for r in data)
    education = load_rules().rules.education
    assert {education.code_of(r[6]) for r in data} >= {"s1", "s2", "d3", "d4"}
    assert None not in {education.code_of(r[6]) for r in data}
    cohort = {row[1].replace(" ", "") for row in people(rekap)}
    missing = cohort - {r[0] for r in data}
    assert 0 < len(missing) < 0.1 * N
    sanctioned = [r for r in data if r[8] == "Hukuman Disiplin Ringan"]
    assert 0 < len(sanctioned) < 0.1 * len(data)


def test_csv_mode_writes_plain_csv(tmp_path: Path):
    paths = write_sample(tmp_path, n=120, seed=3, csv=True)
    assert [p.name for p in paths] == [
        "asesmen-2026.csv",
        "kinerja.csv",
        "formasi-2026.csv",
        "pegawai-2026.csv",
        "kalibrasi-2026.csv",
    ]
    with paths[0].open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == HEADER and len(rows) == 121
    assert all(re.fullmatch(r"\d{18}", row[1]) and nip_is_valid(row[1]) for row in rows[1:])
    assert all(re.fullmatch(r"[1-5]\.\d\d", score) for row in rows[1:] for score in row[SCORES])


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path):
    first, again, other = (
        write_sample(tmp_path / name, n=150, seed=seed, csv=True)
        for name, seed in (("a", 7), ("b", 7), ("c", 8))
    )
    for a, b, c in zip(first, again, other, strict=True):
        assert a.read_bytes() == b.read_bytes()
        assert a.read_bytes() != c.read_bytes()
    for cycle in (2026, 2028):  # 2028 continues 2027, which continues 2026
        runs = [write_sample(tmp_path / f"{name}{cycle}", n=50, seed=7, cycle=cycle)
                for name in ("d", "e")]  # fmt: skip
        assert [p.name for p in runs[0]] == [p.name for p in runs[1]]
        for a, b in zip(*runs, strict=True):
            assert a.read_bytes() == b.read_bytes(), a.name
        # every workbook carries a date of its cycle, not the time it was written
        with zipfile.ZipFile(runs[0][-1]) as book:  # kalibrasi
            assert f'<dcterms:created xsi:type="dcterms:W3CDTF">{cycle}-03-12T' in (
                book.read("docProps/core.xml").decode()
            )


def test_a_file_past_the_sheet_row_limit_becomes_csv(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(sample, "SHEET_ROW_LIMIT", 150)  # asesmen fits, kinerja (~250) does not
    paths = write_sample(tmp_path, n=120, seed=3)
    assert [p.name for p in paths][:3] == ["asesmen-2026.xlsx", "kinerja.csv", "formasi-2026.xlsx"]


@pytest.mark.parametrize(("n", "cycle"), [(0, 2026), (10, 1990), (10, 2050)])
def test_rejects_a_cohort_it_cannot_make_valid(tmp_path: Path, n: int, cycle: int):
    with pytest.raises(ValueError):
        write_sample(tmp_path, n=n, cycle=cycle)
    assert not list(tmp_path.iterdir())


# ------------------------------------------------------------------ drawn from the rules


def rules_with(change) -> Rules:
    """The packaged default rules, with CHANGE applied to its YAML data."""
    data = yaml.safe_load(default_rules_path().read_text(encoding="utf-8"))
    change(data)
    rules = check_rules_text(yaml.safe_dump(data, allow_unicode=True))
    assert isinstance(rules, Rules), rules
    return rules


def assessed(path: Path, rules: Rules) -> list[tuple[str, int, list[float]]]:
    """(job level code, age in 2026 from the NIP, scores) per person of an asesmen workbook,
    the level read through the rules' aliases as the importer does."""
    rows = sheet(path, "Rekap")
    header = rows.index(HEADER)
    out = []
    for row in rows[header + 1 :]:
        if not row[1]:
            break  # the signature block below the data
        level = rules.job_level_aliases[norm(row[4]).replace(" ", "")]
        out.append((level, 2026 - int(row[1].replace(" ", "")[:4]), row[SCORES]))
    return out


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_sample(tmp_path_factory.mktemp("big"), n=2000, seed=5)


def test_scores_centre_below_the_rules_standard_of_each_level(big: list[Path]):
    """Each level's scores follow its own standard (4 for a madya's teknis, 2 for a
    pertama's), about a fifth below it: the standards are the rules', not a copy."""
    rules = load_rules().rules
    by_level = defaultdict(list)
    for level, _, scores in assessed(big[0], rules):
        by_level[level].append(scores)
    assert set(by_level) == set(rules.job_levels) - {"jpt_pratama"}  # a target, held by nobody
    for level, rows in by_level.items():
        standard = rules.job_levels[level].standard
        for i, code in enumerate(rules.competency_codes):
            ratio = mean(row[i] for row in rows) / standard[code]
            assert 0.7 < ratio < 0.9, (level, code, ratio)


def test_ages_stop_at_the_rules_retirement_age(big: list[Path]):
    rules = load_rules().rules
    oldest: dict[str, int] = {}
    for level, age, _ in assessed(big[0], rules):
        oldest[level] = max(age, oldest.get(level, 0))
    held = {code: lv for code, lv in rules.job_levels.items() if code != "jpt_pratama"}  # target
    assert oldest == {code: lv.retirement_age for code, lv in held.items()}


def test_other_rules_give_other_standards_ages_aliases_and_words(tmp_path: Path):
    """Changing the rules changes the sample: nothing of the domain is a copy in sample.py."""

    def change(data: dict) -> None:
        pertama = data["job_levels"]["jf_ahli_pertama"]
        pertama["standard"] = dict.fromkeys(pertama["standard"], 4)
        pertama["retirement_age"] = 65
        pertama["aliases"] = ["Penata Ahli Pertama"]
        data["performance"]["predikat"]["di_atas"] = ["Istimewa"]

    rules = rules_with(change)
    asesmen, kinerja, *_ = write_sample(tmp_path, n=1500, seed=5, rules=rules)
    levels = Counter(row[4] for row in sheet(asesmen, "Rekap")[5:] if row[1])
    assert "Penata Ahli Pertama" in levels and "JF Ahli Pertama" not in levels
    pertama = [(age, s) for lv, age, s in assessed(asesmen, rules) if lv == "jf_ahli_pertama"]
    assert 0.7 * 4 < mean(mean(s) for _, s in pertama) < 0.9 * 4
    assert max(age for age, _ in pertama) == 65
    words = {row[3].strip().lower() for row in sheet(kinerja, "Kinerja")[4:]}
    assert "istimewa" in words and "sangat baik" not in words


def test_a_rules_file_without_the_sample_job_levels_is_refused(tmp_path: Path):
    def drop_madya(data: dict) -> None:
        del data["job_levels"]["jf_ahli_madya"]
        data["job_levels"]["jf_ahli_muda"]["promotes_to"] = None

    rules = rules_with(drop_madya)
    with pytest.raises(ValueError, match="jf_ahli_madya"):
        write_sample(tmp_path / "out", n=10, rules=rules)
    assert not (tmp_path / "out").exists()


def test_an_assessed_cohort_has_a_realistic_spread(cli, tmp_path: Path):
    """Imported and classified, 2,000 sample people fill every box and JPM band, few reach
    JPM 100 and about a fifth are in the talent pool (boxes 7-9 less those near
    retirement)."""
    assert cli("sample", "--n", "2000", "--seed", "11", "--out", tmp_path / "in").exit_code == 0
    assert cli("import", *sorted((tmp_path / "in").iterdir())).exit_code == 0
    assert cli("classify", "--cycle", "2026", "--as-of", "2026-01-01").exit_code == 1
    assert cli("report", "--format", "json", "--out", tmp_path / "out").exit_code == 0
    doc = json.loads((tmp_path / "out" / "talenta-2026.json").read_text(encoding="utf-8"))
    people, cohort = doc["people"], doc["summary"]["people"]
    assert cohort == 2000 and len(doc["incomplete"]) == round(0.02 * 2000)  # no rating
    boxes = Counter(p["box"] for p in people)
    assert set(boxes) == set(range(1, 10)) and min(boxes.values()) >= 0.01 * len(people)
    bands = Counter(p["jpm_category"] for p in people)
    assert set(bands) == {"optimal", "cukup_optimal", "kurang_optimal"}
    assert min(bands.values()) >= 0.1 * len(people)
    assert 0 < sum(p["jpm"] == 100 for p in people) < 0.2 * len(people)
    performance = Counter(p["performance"] for p in people)
    assert 0.12 < performance["di_atas"] / len(people) < 0.22
    assert 0.6 < performance["sesuai"] / len(people) < 0.8
    pool = [p for p in people if p["talent_pool"]]
    assert 0.15 * cohort <= len(pool) <= 0.25 * cohort
    assert {p["box"] for p in pool} == {7, 8, 9}
    near = [p for p in people if p["box"] >= 7 and not p["talent_pool"]]
    assert near and all(p["placement"] == "tetap" for p in near)


MESSY_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "make_messy_samples.py"


def messy_rows(path: Path, titles: int) -> list[tuple[int, list]]:
    """(row number as the user sees it, cells) of each data row of a messy sample."""
    if path.suffix == ".csv":
        encoding, delimiter = ("cp1252", ";") if "cp1252" in path.name else ("utf-8", ",")
        with path.open(encoding=encoding, newline="") as fh:
            rows = list(csv.reader(fh, delimiter=delimiter))
    else:
        wb = CalamineWorkbook.from_path(str(path))
        rows = wb.get_sheet_by_name(wb.sheet_names[0]).to_python()
    return [(number, row) for number, row in enumerate(rows, start=1)][titles + 1 :]


def test_messy_samples_use_valid_nips_except_where_the_code_is_about_nips(tmp_path: Path):
    script = runpy.run_path(str(MESSY_SCRIPT))  # not run as __main__: writes nothing yet
    written = {path.name for path in script["write_all"](tmp_path)}
    for sample_file in script["samples"]():
        assert sample_file.name in written
        rows = messy_rows(tmp_path / sample_file.name, len(sample_file.titles))
        assert len(rows) == len(sample_file.rows)
        nip_column = [h.startswith("NIP") for h in sample_file.header].index(True)  # NIP_BARU
        for number, cells in rows:
            nip = cells[nip_column]
            ok = isinstance(nip, str) and nip_is_valid(nip.lstrip("'").replace(" ", ""))
            if sample_file.code in ("invalid-nip", "nip-precision-lost"):
                assert ok != (number in sample_file.rejected), (sample_file.name, number, nip)
            elif nip != "":
                assert ok, (sample_file.name, number, nip)
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in written - {"README.md"})


def test_the_kalibrasi_sample_raises_lowers_and_confirms_computed_boxes(xlsx: list[Path]):
    rows = sheet(xlsx[4], "Kalibrasi")
    assert rows[2][:4] == ["NIP", "NAMA", "KOTAK AWAL", "KOTAK AKHIR"]
    moves = sorted(int(r[3]) - int(r[2]) for r in rows[3:])
    assert moves == [-2, 0, 1, 2]  # a lowering, a confirmation and two raises


def people_of(path: Path) -> dict[str, list]:
    """NIP (without spaces) -> [NAMA, JABATAN, ESELON/JENJANG, UNIT KERJA, scores] of a rekap."""
    rows = sheet(path, "Rekap")
    data = rows[rows.index(HEADER) + 1 :]
    return {r[1].replace(" ", ""): [*r[2:6], r[SCORES]] for r in data if r[1]}


def ratings_of(path: Path, year: int) -> dict[str, str]:
    return {r[0].replace(" ", ""): r[3] for r in sheet(path, "Kinerja")[4:] if r[2] == year}


def test_a_later_cycle_continues_the_cohort_of_the_same_seed(cli, tmp_path: Path):
    """2027 with the seed of 2026: the same people a year older, the retired gone, new
    appointments in their places, scores drifted, the 2025 ratings as 2026 wrote them; and
    classified against 2026, people move up, down and stay."""
    folders = {cycle: tmp_path / str(cycle) for cycle in (2026, 2027)}
    for cycle, folder in folders.items():
        args = ("--n", "60", "--seed", "4", "--cycle", str(cycle), "--out", folder)
        assert cli("sample", *args).exit_code == 0
    before, after = (people_of(f / f"asesmen-{c}.xlsx") for c, f in folders.items())
    rules = load_rules().rules
    retire = {code: level.retirement_age for code, level in rules.job_levels.items()}

    def retire_of(level_text: str) -> int:
        return retire[rules.job_level_aliases[norm(level_text).replace(" ", "")]]

    def retired(nip: str, cycle: int, level_text: str) -> bool:
        return cycle - int(nip[:4]) >= retire_of(level_text)  # digits 1-4: the birth year

    gone = {nip for nip, p in before.items() if retired(nip, 2026, p[2])}
    assert gone and len(after) == len(before) == 60
    assert set(before) - set(after) == gone  # only the retired left
    shared = set(before) & set(after)
    assert len(shared) == 60 - len(gone) and len(shared) >= 0.9 * 60
    assert not any(2027 - int(nip[:4]) > retire_of(p[2]) for nip, p in after.items())
    # the same name, job, level and unit; a year older: the same NIP (its birth date)
    assert all(before[nip][:4] == after[nip][:4] for nip in shared)
    change = [mean(a) - mean(b) for nip in shared for b, a in [(before[nip][4], after[nip][4])]]
    assert sum(c == 0 for c in change) < len(change)  # scores move ...
    assert mean(abs(c) for c in change) < 0.4  # ... a little, on a 1-5 scale
    assert max(change) > 0.15 and min(change) < -0.15  # some improve, some drop
    old, new = (ratings_of(f / "kinerja.xlsx", 2025) for f in folders.values())
    assert {nip: old.get(nip) for nip in shared} == {nip: new.get(nip) for nip in shared}
    assert len([nip for nip in shared if nip in old]) >= 0.9 * len(shared)
    assert ratings_of(folders[2027] / "kinerja.xlsx", 2026)  # the year just ended
    for cycle, folder in folders.items():
        files = sorted(folder.iterdir())
        assert cli("import", *files, "--cycle", str(cycle)).exit_code == 0
        assert cli("classify", "--cycle", str(cycle), "--as-of", f"{cycle}-01-01").exit_code <= 1
    assert (
        cli("report", "--cycle", "2027", "--format", "json", "--out", tmp_path / "o").exit_code == 0
    )
    doc = json.loads((tmp_path / "o" / "talenta-2027.json").read_text(encoding="utf-8"))
    counts = doc["movement"]["counts"]
    assert counts["naik"] > 0 and counts["turun"] > 0 and counts["tetap"] > 0, counts
    assert counts["tetap"] > max(counts["naik"], counts["turun"]), counts  # not everybody moves
    assert counts["baru"] >= 60 - len(shared), counts  # the new appointments at least
