"""The reports of vacancy candidates' eligibility (SPEC §4.7, §5), end to end on the sample:
with the SIASN pegawai file every listed criterion equals a computation from the file as
openpyxl reads it; without it nobody is memenuhi and the reports say personnel data is
missing."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import openpyxl
import pytest

from talentcli.report.labels import long_date, long_dates

AS_OF = dt.date(2026, 1, 1)
# SPEC §3's order of education levels, written out here (d4 ranks with s1)
RANK = {"SLTA": 2, "Diploma III/Sarjana Muda": 5, "D-IV": 6, "S-1/Sarjana": 6, "Sarjana": 6,
        "S-2": 7, "S-3/Doktor": 8}  # fmt: skip


def imported(cli, tmp_path: Path, with_pegawai: bool) -> dict:
    assert cli("sample", "--n", "200", "--seed", "11", "--out", tmp_path / "in").exit_code == 0
    files = sorted((tmp_path / "in").glob("*.xlsx"))
    if not with_pegawai:
        files = [f for f in files if not f.name.startswith("pegawai")]
    assert cli("import", *files).exit_code in (0, 1)
    assert cli("classify", "--cycle", "2026", "--as-of", AS_OF.isoformat()).exit_code in (0, 1)
    out = tmp_path / "laporan"
    result = cli("report", "--format", "json,csv,xlsx", "--out", out)
    assert result.exit_code == 0, result.output
    return json.loads((out / "talenta-2026.json").read_text(encoding="utf-8"))


def whole_years(start: dt.date, end: dt.date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def test_every_listed_criterion_follows_from_the_pegawai_file(cli, tmp_path):
    doc = imported(cli, tmp_path, with_pegawai=True)
    wb = openpyxl.load_workbook(tmp_path / "in" / "pegawai-2026.xlsx", read_only=True)
    rows = list(wb["Data PNS"].iter_rows(min_row=4, values_only=True))
    wb.close()
    staff = {r[0]: r for r in rows}  # NIP_BARU, ..., TMT_JABATAN [5], PENDIDIKAN [6], HUKDIS [8]
    listed = [(v, c) for v in doc["vacancies"] for c in v["candidates"]]
    assert len(listed) > 10
    seen = set()
    for v, c in listed:
        crit, row = c["criteria"], staff.get(c["nip"])
        if row is None:  # not in the export: every criterion of personnel data is unknown
            assert crit["education_min"]["result"] == "unknown"
            assert crit["no_discipline"]["result"] == "unknown"
            seen.add("missing")
            continue
        assert crit["education_min"]["result"] == "ok"  # a failed one is never listed
        assert RANK[row[6]] >= 6 if v["job_level"] != "pengawas" else RANK[row[6]] >= 5
        assert crit["no_discipline"] == {"result": "ok", "detail": "tidak ada"}
        assert row[8] in (None, "", "-", "Tidak Ada")
        if "years_in_post_min" in crit:
            tmt = row[5].date() if isinstance(row[5], dt.datetime) else row[5]
            years = whole_years(tmt, AS_OF)
            assert crit["years_in_post_min"]["detail"].startswith(
                f"{years} tahun sejak TMT jabatan {tmt.isoformat()} >= "
            )
            seen.add("years")
    assert "years" in seen
    # the people left out: the counts are the pool's failures, whole numbers
    for v in doc["vacancies"]:
        assert all(isinstance(n, int) and n >= 0 for n in v["excluded"].values())


def test_without_pegawai_nobody_is_memenuhi_and_the_reports_say_why(cli, tmp_path):
    doc = imported(cli, tmp_path, with_pegawai=False)
    verdicts = {c["verdict"] for v in doc["vacancies"] for c in v["candidates"]}
    assert verdicts == {"belum_lengkap"}
    for v in doc["vacancies"]:
        for c in v["candidates"]:
            assert c["criteria"]["education_min"] == {
                "result": "unknown",
                "detail": "pendidikan belum ada data",
            }
    out = tmp_path / "laporan"
    with (out / "talenta-2026-kandidat.csv").open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert {r["education_min"] for r in table if r["nip"]} == {"no_pegawai"}
    wb = openpyxl.load_workbook(out / "talenta-2026.xlsx", read_only=True)
    cells = {v for row in wb["Kandidat Jabatan Lowong"].iter_rows(values_only=True) for v in row}
    wb.close()
    assert "Belum ada data (data pegawai belum diimpor)" in cells
    assert "Belum Lengkap Datanya" in cells and "Memenuhi Syarat" not in cells


@pytest.mark.parametrize("lang", ["id", "en"])
def test_criterion_cells_read_as_words(lang):
    from talentcli.report.labels import Labels
    from talentcli.rules import load_rules

    words = Labels(load_rules().rules, lang)
    got = [
        words.value("ok", "education_min"),
        words.value("fail: D3 < S1", "education_min"),
        words.value("unknown", "years_in_post_min"),
        words.value("memenuhi", "verdict"),
        words.value("belum_lengkap", "verdict"),
        words.value("tidak_memenuhi", "verdict"),
        words.value("education_min 2; golongan_min 1", "excluded"),
    ]
    want = {
        "id": ["Memenuhi", "Tidak: D3 < S1", "Belum ada data", "Memenuhi Syarat",
               "Belum Lengkap Datanya", "Tidak Memenuhi Syarat",
               "Pendidikan Minimal: 2; Golongan Minimal: 1"],
        "en": ["Met", "Not met: D3 < S1", "No data yet", "Eligible", "Data incomplete",
               "Not eligible", "Minimum education: 2; Minimum grade: 1"],
    }  # fmt: skip
    assert got == want[lang]


def test_dates_in_a_criterion_read_in_the_long_form():
    """A criterion's detail keeps ISO dates in the JSON and csv (machine outputs); the xlsx,
    html and explain say them as every human-readable date is said (SPEC §5)."""
    from talentcli.report.labels import Labels
    from talentcli.rules import load_rules

    rules = load_rules().rules
    detail = "fail: 2 tahun sejak TMT jabatan 2024-03-01 < 3"
    assert Labels(rules, "id").value(detail, "years_in_post_min") == (
        "Tidak: 2 tahun sejak TMT jabatan 1 Maret 2024 < 3"
    )
    assert Labels(rules, "en").value(detail, "years_in_post_min") == (
        "Not met: 2 tahun sejak TMT jabatan 1 March 2024 < 3"
    )
    same = "fail: umur 57 > 56"  # no date: as it was
    assert Labels(rules, "id").value(same, "max_age") == "Tidak: umur 57 > 56"


def test_explain_shows_each_next_level_with_every_criterion(cli, tmp_path):
    doc = imported(cli, tmp_path, with_pegawai=True)
    adm = next(v for v in doc["vacancies"] if v["job_level"] == "administrator")
    listed = {c["nip"]: c for c in adm["candidates"]}
    muda = next(p for p in doc["people"] if p["job_level"] == "jf_ahli_muda" and p["nip"] in listed)
    result = cli("explain", muda["nip"])
    assert result.exit_code == 0, result.output
    out = result.output
    madya = out.index("Syarat JF Ahli Madya (default.yaml: job_levels.jf_ahli_madya.eligibility)")
    admin = out.index("Syarat Administrator (Eselon III) (default.yaml: job_levels.administrator")
    assert madya < admin  # in the order of promotes_to
    verdict = {"memenuhi": "Memenuhi Syarat", "belum_lengkap": "Belum Lengkap Datanya"}
    block = out[admin:]
    assert block.splitlines()[0].endswith(verdict[listed[muda["nip"]]["verdict"]])
    for crit, got in listed[muda["nip"]]["criteria"].items():  # the same as the report's list
        if got["result"] == "ok":
            assert f"Memenuhi ({long_dates(got['detail'])})" in block, crit
    tmt = listed[muda["nip"]]["criteria"].get("years_in_post_min", {}).get("detail", "")
    assert tmt[:1].isdigit(), tmt  # '5 tahun sejak TMT jabatan 2021-01-01 >= 3'
    iso = re.search(r"\d{4}-\d{2}-\d{2}", tmt).group(0)
    assert iso not in block and long_date(iso) in block  # the date in words, as reports
    assert "Golongan Minimal" in out[madya:admin] and "Golongan Minimal" not in block
