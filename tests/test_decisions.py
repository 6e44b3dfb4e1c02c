"""Decision support through the report path (SPEC §4.11-4.13, §5): the training budget, the
equity view, what-if and the per-unit workbooks, on hand-worked cohorts written with
xlsxwriter and read back with python-calamine, and on the samples."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from tests.conftest import Cli, write_xlsx

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-01-01"
HEADER = ["NIP", "Nama", "Eselon", "Unit Kerja", "Teknis", "Sosio Kultural", "Literasi Digital"]
HEADER += ["Numerik"]
# pengawas: standards 3 / 2 / 2 / 2; everyone rated Baik (sesuai)
A, B, C = "198001012005011001", "198001012005012002", "198001012005011003"
COHORT = [
    [A, "Ani", "IV.a", "Bappeda", 1.5, 2, 2, 2],  # teknis -1.5: TEK-B (40 JP, Rp 4.500.000)
    [B, "Budi", "IV.a", "Dinas Kesehatan", 3, 1, 2, 2],  # sosiokultural -1: SOS-B (Rp 3.000.000)
    [C, "Citra", "IV.a", "Bappeda", 1.5, 2, 2, 2],  # as Ani: the tie goes to the lower NIP
]


def sheet(path: Path, name: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def hand_cohort(cli: Cli, tmp_path: Path) -> None:
    kin = [["NIP", "Tahun", "Predikat"], *([n, 2025, "Baik"] for n in (A, B, C))]
    cli("import", write_xlsx(tmp_path / "asesmen-2026.xlsx", [HEADER, *COHORT]))
    cli("import", write_xlsx(tmp_path / "kinerja.xlsx", kin))
    assert cli("classify", "--cycle", "2026", "--as-of", AS_OF).exit_code == 0


def report_doc(cli: Cli, out: Path, *args: str) -> dict:
    result = cli("report", "--format", "json,csv,xlsx", "--out", out, *args)
    assert result.exit_code == 0, result.output
    return json.loads((out / "talenta-2026.json").read_text(encoding="utf-8"))


def plan_of(doc: dict, nip: str) -> list[tuple]:
    person = next(p for p in doc["people"] if p["nip"] == nip)
    return [(r["code"], r["reason"], r["funded"]) for r in person["plan"]]


# ------------------------------------------------------------------ the budget (SPEC §4.12)


def test_budget_walk_hand_worked_through_the_report(cli, tmp_path):
    """Rp 3.500.000: the walk takes the largest gap first. Ani's and Citra's TEK-B
    (-1.5, Rp 4.500.000) do not fit; Budi's SOS-B (-1, Rp 3.000.000) comes later, cheaper,
    and does. Ani and Citra get TEK-R (reason budget, 10 JP) and are then below 20 funded
    JP: the top-up takes the not-yet-planned competency with the smallest delta, a tie
    (0 / 0 / 0) settled in competency order: SOS-R (10 JP) -> 20 JP, Rp 0."""
    hand_cohort(cli, tmp_path)
    doc = report_doc(cli, tmp_path / "o", "--budget", "Rp 3.500.000")
    short = [("TEK-B", "gap", False), ("TEK-R", "budget", True), ("SOS-R", "min_jp", True)]
    assert plan_of(doc, A) == plan_of(doc, C) == short
    assert plan_of(doc, B) == [("SOS-B", "gap", True)]
    totals = {p["nip"]: (p["plan_jp"], p["plan_cost"]) for p in doc["people"]}
    assert totals == {A: (20, 0), B: (24, 3_000_000), C: (20, 0)}
    budget = doc["budget"]
    assert (budget["total"], budget["funded"], budget["unfunded"]) == (3_500_000, 3_000_000, 9e6)
    assert budget["people_unfunded"] == 2
    assert budget["per_unit"] == [
        {"unit": "Bappeda", "people": 2, "funded": 0, "unfunded": 9_000_000},
        {"unit": "Dinas Kesehatan", "people": 1, "funded": 3_000_000, "unfunded": 0},
    ]
    # the store keeps the needs: a report without a budget shows them, every row funded
    plain = report_doc(cli, tmp_path / "p")
    assert plain["budget"] is None
    assert plan_of(plain, A) == [("TEK-B", "gap", True)]
    assert all(r["funded"] for p in plain["people"] for r in p["plan"])


def test_budget_ties_go_to_the_lower_nip_and_the_sheet_shows_it(cli, tmp_path):
    """Rp 7.500.000: Ani's TEK-B first (same gap as Citra's, lower NIP), Rp 3.000.000 left:
    Citra's does not fit, Budi's SOS-B does."""
    hand_cohort(cli, tmp_path)
    out = tmp_path / "o"
    doc = report_doc(cli, out, "--budget", "7500000")
    assert plan_of(doc, A) == [("TEK-B", "gap", True)]
    assert plan_of(doc, C)[0] == ("TEK-B", "gap", False)
    assert doc["budget"]["funded"] == 7_500_000
    rows = sheet(out / "talenta-2026.xlsx", "Anggaran Pelatihan")
    head = rows[0]
    assert head[:3] == ["Bagian", "Unit Kerja", "Kode"]
    total = dict(zip(head, rows[1], strict=True))
    assert total["Bagian"] == "Jumlah" and total["Anggaran (Rp)"] == 7_500_000
    assert (total["Didanai (Rp)"], total["Belum Didanai (Rp)"]) == (7_500_000, 4_500_000)
    unfunded = [dict(zip(head, r, strict=True)) for r in rows if r[0] == "Belum didanai"]
    assert [(r["NIP"], r["Nama"], r["Kode"], r["Belum Didanai (Rp)"]) for r in unfunded] == [
        (C, "Citra", "TEK-B", 4_500_000)
    ]
    plans = sheet(out / "talenta-2026.xlsx", "Rencana Pengembangan")
    col = plans[0].index("Didanai")
    assert sorted(r[col] for r in plans[1:] if r[0] == C) == ["Tidak", "Ya", "Ya"]
    csv = (out / "talenta-2026-anggaran.csv").read_text(encoding="utf-8-sig").splitlines()
    assert csv[1].startswith('"total",,,,,,,,7500000,7500000,4500000,1')


def test_talent_yaml_budget_is_used_and_the_option_wins(cli, tmp_path):
    (tmp_path / "talent.yaml").write_text("budget: 3500000\n", encoding="utf-8")
    hand_cohort(cli, tmp_path)
    assert report_doc(cli, tmp_path / "o")["budget"]["total"] == 3_500_000
    assert report_doc(cli, tmp_path / "p", "--budget", "7.500.000")["budget"]["total"] == 7_500_000
    assert cli("report", "--budget", "banyak").exit_code == 2
    (tmp_path / "talent.yaml").write_text("budget: -5\n", encoding="utf-8")
    assert cli("report").exit_code == 4


def test_run_allocates_talent_yaml_budget(cli, tmp_path):
    ws = tmp_path / "ws"
    assert cli("init", ws, "--cycle", "2026").exit_code == 0
    text = (ws / "talent.yaml").read_text(encoding="utf-8")
    (ws / "talent.yaml").write_text(text + "budget: 3500000\n", encoding="utf-8")
    kin = [["NIP", "Tahun", "Predikat"], *([n, 2025, "Baik"] for n in (A, B, C))]
    write_xlsx(ws / "inbox" / "asesmen-2026.xlsx", [HEADER, *COHORT])
    write_xlsx(ws / "inbox" / "kinerja.xlsx", kin)
    result = Cli(ws)("run", "--config", ws / "talent.yaml", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    doc = json.loads((ws / "laporan" / "talenta-2026.json").read_text(encoding="utf-8"))
    assert doc["budget"]["total"] == 3_500_000 and doc["budget"]["funded"] == 3_000_000


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> tuple[Cli, Path]:
    """The sample cohort imported and classified once for the module."""
    root = tmp_path_factory.mktemp("samples")
    cli = Cli(root)
    for name in ("asesmen-2026.xlsx", "kinerja.xlsx", "formasi-2026.xlsx"):
        shutil.copy(REPO / "samples" / name, root / name)
        assert cli("import", root / name).exit_code == 0
    assert cli("classify", "--cycle", "2026", "--as-of", AS_OF).exit_code in (0, 1)
    return cli, root


def test_samples_with_150_million(samples, monkeypatch):
    """The issue's check: the funded total never exceeds the budget, every classified person
    keeps >= 20 funded JP, and the sums per unit and per programme equal the total."""
    cli, root = samples
    monkeypatch.chdir(root)
    doc = report_doc(cli, root / "anggaran", "--budget", "150.000.000")
    budget = doc["budget"]
    funded = sum(r["cost"] for p in doc["people"] for r in p["plan"] if r["funded"])
    unfunded = sum(r["cost"] for p in doc["people"] for r in p["plan"] if not r["funded"])
    assert budget["total"] == 150_000_000
    assert funded == budget["funded"] <= 150_000_000 and unfunded == budget["unfunded"] > 0
    assert sum(p["plan_cost"] for p in doc["people"]) == funded
    for p in doc["people"]:
        jp = sum(r["jp"] for r in p["plan"] if r["funded"])
        assert jp == p["plan_jp"] >= 20, p["nip"]
    assert sum(u["funded"] for u in budget["per_unit"]) == funded
    assert sum(u["unfunded"] for u in budget["per_unit"]) == unfunded
    assert sum(g["funded"] for g in budget["per_programme"]) == funded
    assert sum(g["unfunded"] for g in budget["per_programme"]) == unfunded
    short = {p["nip"] for p in doc["people"] if any(not r["funded"] for r in p["plan"])}
    assert budget["people_unfunded"] == len(short) > 0
