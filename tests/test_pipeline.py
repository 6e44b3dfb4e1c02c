"""End to end: sample -> import -> classify -> report json/csv/md, explain, and both rules files."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from pathlib import Path

import pytest

from talentcli.report.labels import Labels
from talentcli.rules import default_rules_path, load_rules
from tests.conftest import write_xlsx

AS_OF = "2026-01-01"


@pytest.fixture
def cohort(cli, tmp_path):
    """A 60-person synthetic cohort, imported and classified."""
    result = cli("sample", "--n", "60", "--seed", "3", "--out", tmp_path / "in")
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "in").glob("*.xlsx"))
    assert cli("import", *files).exit_code in (0, 1)
    result = cli("classify", "--cycle", "2026", "--as-of", AS_OF)
    assert result.exit_code in (0, 1), result.output
    return cli


def report_json(cli, tmp_path, *extra) -> dict:
    out = tmp_path / "laporan"
    result = cli("report", "--format", "json", "--out", out, *extra)
    assert result.exit_code == 0, result.output
    return json.loads((out / "talenta-2026.json").read_text(encoding="utf-8"))


def test_classify_prints_the_grid_and_exits_1_when_someone_is_incomplete(cohort):
    result = cohort("classify", "--cycle", "2026", "--as-of", AS_OF)
    doc_incomplete = cohort.sql("SELECT incomplete FROM runs ORDER BY id DESC LIMIT 1")[0][0]
    assert result.exit_code == (1 if doc_incomplete else 0)
    assert "Tinggi" in result.output and "[9]" in result.output
    assert "\x1b[" not in result.output  # no ANSI escapes without a terminal
    if doc_incomplete:  # the reasons in the reports' words; codes stay in --json
        assert "data tidak lengkap: " in result.output and "Data Tidak Lengkap)" in result.output
        assert not re.search(
            r"\((no-performance|retired|missing-score|no-potensi)\)", result.output
        )


def test_json_report_agrees_with_the_engine(cohort, tmp_path):
    from talentcli.classify import classify
    from talentcli.store import Store, load_cohort, load_ratings, stored_rows

    doc = report_json(cohort, tmp_path)
    rules = load_rules().rules
    store = Store(tmp_path / "talent.db")
    people = load_cohort(store, "2026", rules.competency_codes)
    decided = stored_rows(store, "kalibrasi", "2026")  # the sample's committee decisions
    assert len(decided) == 4
    result = classify(
        people, load_ratings(store), rules, 2026, dt.date(2026, 1, 1), calibrations=decided
    )
    store.close()
    want = result.people.set_index("nip")
    assert [p["nip"] for p in doc["people"]] == sorted(want.index)
    for p in doc["people"]:
        w = want.loc[p["nip"]]
        assert (p["jpm"], p["box"], p["placement"], p["potential"], p["performance"]) == (
            w["jpm"],
            w["box"],
            w["placement"],
            w["potential"],
            w["performance"],
        )
        assert p["status"] == {c: w[f"status_{c}"] for c in rules.competency_codes}
        assert p["notes"] == list(w["notes"]) and p["talent_pool"] == bool(w["talent_pool"])
        assert p["plan_jp"] >= rules.training.min_jp
        assert sum(x["jp"] for x in p["plan"]) == p["plan_jp"]
    assert [i["nip"] for i in doc["incomplete"]] == sorted(result.incomplete["nip"])
    s = doc["summary"]
    assert s["people"] == s["classified"] + s["incomplete"] == 60
    assert sum(s["boxes"].values()) == s["classified"] == sum(s["placements"].values())


def test_json_and_csv_are_byte_identical_across_report_runs(cohort, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        assert cohort("report", "--format", "json,csv,md", "--out", out).exit_code == 0
    names = sorted(p.name for p in a.iterdir())
    from talentcli.report.lists import LISTS

    assert len([n for n in names if n.endswith(".csv")]) == len(LISTS) + 1 == 15
    assert "talenta-2026-sumber.csv" in names  # provenance beside the lists
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (a / "talenta-2026-hasil.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_json_has_traceability(cohort, tmp_path):
    doc = report_json(cohort, tmp_path)
    assert doc["tool"]["name"] == "talentcli" and doc["cycle"] == "2026"
    assert doc["as_of"] == AS_OF and doc["rules"]["name"] == "default.yaml"
    assert len(doc["rules"]["sha256"]) == 64
    assert {i["kind"] for i in doc["inputs"]} == {
        "asesmen", "kinerja", "formasi", "kalibrasi", "pegawai"
    }  # fmt: skip
    text = json.dumps(doc)
    assert "imported_at" not in text and "created_at" not in text


def test_vacancy_candidates_follow_the_promotion_path(cohort, tmp_path):
    doc = report_json(cohort, tmp_path)
    by_nip = {p["nip"]: p for p in doc["people"]}
    rules = load_rules().rules
    first = {"memenuhi": 0, "belum_lengkap": 1}  # tidak_memenuhi is never listed
    for v in doc["vacancies"]:
        assert len(v["candidates"]) <= 3 * v["jumlah"]
        keys = [(first[c["verdict"]], -c["fit"], c["nip"]) for c in v["candidates"]]
        assert [k[:2] for k in keys] == sorted(k[:2] for k in keys)
        criteria = rules.job_levels[v["job_level"]].eligibility.model_dump()
        asked = {k for k, want in criteria.items() if want not in (None, False)}
        for c in v["candidates"]:
            assert set(c["criteria"]) == asked
            results = {x["result"] for x in c["criteria"].values()}
            assert "fail" not in results
            assert c["verdict"] == ("memenuhi" if results == {"ok"} else "belum_lengkap")
        for c in v["candidates"]:
            p = by_nip[c["nip"]]
            assert p["talent_pool"]
            assert v["job_level"] in rules.job_levels[p["job_level"]].promotes_to


def test_explain_shows_every_number_and_rule(cohort, tmp_path):
    doc = report_json(cohort, tmp_path)
    p = doc["people"][0]
    spaced = f"{p['nip'][:8]} {p['nip'][8:14]} {p['nip'][14]} {p['nip'][15:]}"
    result = cohort("explain", spaced)
    assert result.exit_code == 0, result.output
    out = result.output
    assert p["nip"] in out and f"Kotak Talenta {p['box']}" in out and "JPM = 100 x" in out
    assert f"nine_box.grid.{p['potential']}.{p['performance']}" in out
    labels = Labels(load_rules().rules, "id")  # the reports' words, not the codes
    assert f"Kategori JPM: {labels.value(p['jpm_category'], 'jpm_category')}" in out
    assert f"Penempatan: {labels.value(p['placement'], 'placement')};" in out
    assert "talent pool" not in out and "per tanggal 1 Januari 2026" in out
    for step in p["plan"]:
        assert f"{step['code']:8} {step['programme']} " in out  # whole names, never cut
    missing = cohort("explain", "199901012020011999")
    assert missing.exit_code == 1 and "not in run" in missing.output
    assert cohort("explain", "12345").exit_code == 2
    assert "Traceback" not in missing.output


def test_incomplete_person_is_listed_not_dropped(cli, tmp_path):
    rows = [
        ["NIP", "Nama", "Eselon", "Teknis", "Sosio Kultural", "Literasi Digital", "Numerik"],
        ["198001012005011001", "Ada Kinerja", "IV.a", 3, 2, 2, 2],
        ["198001012005012002", "Tanpa Kinerja", "IV.a", 3, 2, 2, 2],
    ]
    kin = [
        ["NIP", "Tahun", "Predikat"],
        ["198001012005011001", 2025, "Baik"],
        ["198001012005012002", 2027, "Baik"],
    ]
    cli("import", write_xlsx(tmp_path / "asesmen-2026.xlsx", rows))
    cli("import", write_xlsx(tmp_path / "kinerja.xlsx", kin))
    result = cli("classify", "--cycle", "2026", "--as-of", AS_OF)
    assert result.exit_code == 1 and "(Tidak ada nilai kinerja)" in result.output
    doc = report_json(cli, tmp_path)
    assert [p["nip"] for p in doc["people"]] == ["198001012005011001"]
    assert doc["incomplete"] == [
        {"nip": "198001012005012002", "nama": "Tanpa Kinerja", "reason": "no-performance"}
    ]


def test_classify_without_data_or_with_bad_rules(cli, tmp_path):
    result = cli("classify", "--cycle", "2026")
    assert result.exit_code == 1 and "import files first" in result.output
    assert not (tmp_path / "talent.db").exists()  # a read command never creates a store
    bad = tmp_path / "bad.yaml"
    bad.write_text(default_rules_path().read_text().replace("min_jp:", "min_jpp:"))
    result = cli("classify", "--rules", bad)
    assert result.exit_code == 4 and "min_jpp" in result.output
    assert cli("classify", "--as-of", "kemarin").exit_code == 2
    assert cli("classify", "--cycle", "abc").exit_code == 2
    assert cli("report").exit_code == 1


def test_csv_injection_is_defused(cli, tmp_path):
    rows = [
        [
            "NIP",
            "Nama",
            "Eselon",
            "Unit Kerja",
            "Teknis",
            "Sosio Kultural",
            "Literasi Digital",
            "Numerik",
        ],
        ["198001012005011001", '=HYPERLINK("http://x","klik")', "IV.a", "@cmd", 3, 2, 2, 2],
    ]
    kin = [["NIP", "Tahun", "Predikat"], ["198001012005011001", 2025, "Baik"]]
    cli("import", write_xlsx(tmp_path / "asesmen-2026.xlsx", rows))
    cli("import", write_xlsx(tmp_path / "kinerja.xlsx", kin))
    cli("classify", "--cycle", "2026", "--as-of", AS_OF)
    assert cli("report", "--format", "csv", "--out", tmp_path / "o").exit_code == 0
    text = (tmp_path / "o" / "talenta-2026-hasil.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'@cmd" in text


def permenpan_rows(n: int) -> list[list]:
    rules = load_rules(default_rules_path().with_name("permenpan38.yaml")).rules
    header = ["NIP", "Nama", "Eselon", *(c.name for c in rules.competencies)]
    rng = random.Random(5)
    rows = [header]
    for i in range(n):
        scores = [rng.choice([1.5, 2, 2.5, 3, 3.5, 4]) for _ in rules.competencies]
        rows.append([f"19800101200501{1 + i % 2}{i:03d}", f"P {i}", "IV.a", *scores])
    return rows


def test_whole_pipeline_on_the_permenpan38_rules(cli, tmp_path):
    rules_path = default_rules_path().with_name("permenpan38.yaml")
    (tmp_path / "talent.yaml").write_text(f"rules: {rules_path}\n")
    cli("import", write_xlsx(tmp_path / "asesmen-2026.xlsx", permenpan_rows(30)))
    kin = [["NIP", "Tahun", "Predikat"]] + [
        [f"19800101200501{1 + i % 2}{i:03d}", 2025, "Sangat Baik" if i % 3 else "Baik"]
        for i in range(30)
    ]
    cli("import", write_xlsx(tmp_path / "kinerja.xlsx", kin))
    assert cli("classify", "--cycle", "2026", "--as-of", AS_OF).exit_code == 0
    doc = report_json(cli, tmp_path)
    assert doc["rules"]["name"] == "permenpan38.yaml"
    p = doc["people"][0]
    assert set(p["scores"]) == {c.code for c in load_rules(rules_path).rules.competencies}
    codes = {step["code"] for q in doc["people"] for step in q["plan"]}
    gaps = [q for q in doc["people"] if q["status"]["komunikasi"] == "gap"]
    assert gaps and codes & {"KOM-R", "KOM-B"}
    assert all(q["plan_jp"] >= 20 for q in doc["people"])


def test_no_code_names_the_default_competencies():
    package = Path(__file__).resolve().parent.parent / "talentcli"
    for path in package.rglob("*.py"):
        if path.name == "sample.py":  # the synthetic exports write these headers on purpose
            continue
        text = path.read_text(encoding="utf-8")
        for name in ("teknis", "sosiokultural", "literasi_digital", "numerik"):
            assert f'"{name}"' not in text and f"'{name}'" not in text, (path, name)


def test_a_loaded_run_has_only_columns_the_columnar_csv_writer_takes(cohort, tmp_path):
    """No category (or other) column sends a people list to pandas' slow to_csv fallback:
    at 1M people that fallback cost 23 s."""
    from talentcli.pipeline import load_run
    from talentcli.report.csv_report import column_kind
    from talentcli.store import Store

    store = Store(tmp_path / "talent.db")
    people = load_run(store, "2026").people
    store.close()
    kinds = {c: column_kind(people[c]) for c in people.columns}
    assert {c: k for c, k in kinds.items() if k is None} == {}


def test_explain_says_why_a_person_is_not_in_the_run(cli, tmp_path):
    """Not in the run: assessed in another cycle, rejected at import (a NIP written twice with
    different data), or never imported: each is said, with what to do (issue #17)."""
    from tests.conftest import asesmen_rows, person, write_xlsx

    a, b, c = (f"19800101200501{1 + i % 2}{i:03d}" for i in (1, 2, 3))
    write_xlsx(tmp_path / "a-2025.xlsx", asesmen_rows([person(1)]))
    twice = [person(3), [*person(3)[:-1], 4]]  # the same NIP, another score: both rejected
    write_xlsx(tmp_path / "a-2026.xlsx", asesmen_rows([person(2), *twice]))
    ratings = [["NIP", "Tahun", "Predikat"], *([n, 2025, "Baik"] for n in (a, b, c))]
    write_xlsx(tmp_path / "kinerja.xlsx", ratings)
    assert cli("import", tmp_path / "a-2025.xlsx", "--cycle", "2025").exit_code == 0
    assert cli("import", tmp_path / "a-2026.xlsx", "--cycle", "2026").exit_code == 1
    assert cli("import", tmp_path / "kinerja.xlsx").exit_code == 0
    assert cli("classify", "--cycle", "2026", "--as-of", "2026-01-01").exit_code == 0
    other = cli("explain", a, "--cycle", "2026")
    assert other.exit_code == 1 and f"assessment in cycle 2025; try talentcli explain {a}" in (
        other.output
    )
    rejected = cli("explain", c, "--cycle", "2026")
    assert rejected.exit_code == 1 and "rejected at import: a-2026.xlsx" in rejected.output
    assert "(duplicate-nip)" in rejected.output
    never = cli("explain", "199001012015011004", "--cycle", "2026")
    assert never.exit_code == 1 and "no assessment of it was imported" in never.output
    assert cli("explain", b, "--cycle", "2026").exit_code == 0


def test_a_rejected_later_kinerja_year_falls_back_with_a_note(cli, tmp_path):
    """SPEC §4.4: person 1's 2025 rating was rejected at import (unknown predikat), so their
    2024 rating is used with the note kinerja_tahun_ditolak, in the report and by explain;
    person 2's 2025 rating was accepted: 2025, no note."""
    from tests.conftest import asesmen_rows, person, write_xlsx

    one, two = person(1)[1], person(2)[1]
    write_xlsx(tmp_path / "a.xlsx", asesmen_rows([person(1), person(2)]))
    ratings = [
        ["NIP", "Tahun", "Predikat"],
        [one, 2024, "Baik"],
        [one, 2025, "Istimewa"],  # row 3: unknown-rating
        [two, 2024, "Kurang"],
        [two, 2025, "Sangat Baik"],
    ]
    write_xlsx(tmp_path / "kinerja.xlsx", ratings, sheet="Penilaian")
    assert cli("import", tmp_path / "a.xlsx", "--cycle", "2026").exit_code == 0
    assert cli("import", tmp_path / "kinerja.xlsx").exit_code == 1  # a row rejected
    assert cli("classify", "--cycle", "2026", "--as-of", "2026-01-01").exit_code == 0
    people = {p["nip"]: p for p in report_json(cli, tmp_path)["people"]}
    assert (people[one]["performance_year"], people[one]["performance"]) == (2024, "sesuai")
    assert "kinerja_tahun_ditolak" in people[one]["notes"]
    assert people[two]["performance_year"] == 2025
    assert "kinerja_tahun_ditolak" not in people[two]["notes"]
    said = cli("explain", one, "--cycle", "2026").output
    label = Labels(load_rules().rules).value("kinerja_tahun_ditolak", "notes")
    assert label != "kinerja_tahun_ditolak" and label in said
    assert "Kinerja 2025 ditolak saat impor: kinerja.xlsx, lembar Penilaian, baris 3" in said
    assert "(unknown-rating)" in said
    assert "ditolak" not in cli("explain", two, "--cycle", "2026").output


def test_explain_names_the_rejected_row_whatever_the_field_at_fault(cli, tmp_path):
    """#17: a person not in the run is found by the NIP stored with each rejected row, not
    only when the NIP cell itself was at fault: an out-of-range score on sheet Dinkes row 6,
    a score in words on line 2 of a CSV; a person assessed after the run is told to classify
    again; one whose only rejected row is a kinerja row has no assessment for the cycle."""
    from tests.conftest import ASESMEN_HEADER, asesmen_rows, person, write_xlsx

    nips = [person(i)[1] for i in range(1, 7)]
    write_xlsx(
        tmp_path / "a.xlsx", asesmen_rows([person(1), person(2, scores=(7, 2, 2, 2))]), "Dinkes"
    )
    late = [ASESMEN_HEADER, person(4, scores=("tujuh", 2, 2, 2)), person(3)]
    (tmp_path / "susulan.csv").write_text("\n".join(";".join(map(str, r)) for r in late) + "\n")
    ratings = [["NIP", "Tahun", "Predikat"], *([n, 2025, "Baik"] for n in nips[:5])]
    ratings.append([nips[5], 2025, "Istimewa"])
    write_xlsx(tmp_path / "kinerja.xlsx", ratings)
    for f in ("a.xlsx", "susulan.csv", "kinerja.xlsx"):
        assert cli("import", tmp_path / f, "--cycle", "2026").exit_code == 1
    assert cli("classify", "--cycle", "2026", "--as-of", "2026-01-01").exit_code == 0
    said = cli("explain", nips[1], "--cycle", "2026")
    assert said.exit_code == 1
    assert "rejected at import: a.xlsx, sheet Dinkes, row 6 (out-of-range)" in said.output
    said = cli("explain", nips[3], "--cycle", "2026").output
    assert "rejected at import: susulan.csv, line 2 (type-error)" in said
    write_xlsx(tmp_path / "b.xlsx", asesmen_rows([person(5)]))
    assert cli("import", tmp_path / "b.xlsx", "--cycle", "2026").exit_code == 0
    said = cli("explain", nips[4], "--cycle", "2026").output
    assert "imported after the run; run talentcli classify again" in said
    said = cli("explain", nips[5], "--cycle", "2026").output
    assert "no assessment of it was imported for cycle 2026; rejected: kinerja" in said
    assert "kinerja.xlsx, sheet Rekap, row 7 (unknown-rating)" in said
    assert cli("explain", nips[0], "--cycle", "2026").exit_code == 0
