"""SPEC §4.7 (#17 item 9): ranks, boxes, counts, seats and hours are whole numbers in every
output. Every csv list of the samples' report is read back (Python's csv module, not the
writer) and each whole-number column must hold integers only, never '1.0'; a vacancy nobody
can fill (no level promotes to jf_ahli_pertama) keeps its row with an empty rank."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from tests.conftest import write_xlsx

REPO = Path(__file__).resolve().parent.parent
SAMPLES = ["asesmen-2026.xlsx", "kinerja.xlsx", "formasi-2026.xlsx"]
WHOLE = {
    "rank", "box", "jumlah", "jp", "cost", "seq", "plan_jp", "plan_cost", "performance_year",
    "count", "people", "talent_pool_count",
}  # fmt: skip
INTEGER = re.compile(r"^-?\d+$")


@pytest.fixture(scope="module")
def csv_files(tmp_path_factory) -> list[Path]:
    from tests.conftest import Cli

    root = tmp_path_factory.mktemp("whole")
    cli = Cli(root)
    extra = [["Kode", "Jabatan", "Unit Kerja", "Jenjang", "Jumlah"]]
    extra.append(["F-9", "Analis Ahli Pertama", "Bappeda", "JF Ahli Pertama", 2])
    write_xlsx(root / "formasi-tambahan-2026.xlsx", extra)
    files = [REPO / "samples" / n for n in SAMPLES] + [root / "formasi-tambahan-2026.xlsx"]
    assert cli("import", *files, "--cycle", "2026").exit_code in (0, 1)
    assert cli("classify", "--cycle", "2026", "--as-of", "2026-01-01").exit_code in (0, 1)
    out = root / "laporan"
    assert cli("report", "--format", "csv", "--out", out).exit_code == 0
    return sorted(out.glob("*.csv"))


def test_every_whole_number_column_of_every_csv_holds_integers(csv_files):
    checked = set()
    for path in csv_files:
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        for name in WHOLE & set(rows[0] if rows else ()):
            bad = [r[name] for r in rows if r[name] and not INTEGER.match(r[name])]
            assert not bad, (path.name, name, bad[:3])
            checked.add((path.stem.split("-")[-1], name))
    assert {("kandidat", "rank"), ("kandidat", "box"), ("kandidat", "jumlah")} <= checked
    assert {("rencana", "jp"), ("rencana", "seq"), ("hasil", "plan_jp")} <= checked


def test_a_vacancy_without_candidates_keeps_a_row_with_whole_seats(csv_files):
    path = next(p for p in csv_files if p.name.endswith("-kandidat.csv"))
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["kode"] == "F-9"]
    assert [(r["jumlah"], r["rank"], r["nip"]) for r in rows] == [("2", "", "")]
