"""The agency named by the workspace (talent.yaml `instansi`, `penandatangan`), never by code."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.test_run import REPO, talentcli

CODE = REPO / "talentcli"


def test_init_writes_the_agency_and_the_reports_show_it(tmp_path: Path):
    ws = tmp_path / "ws"
    made = talentcli(
        "init", ws, "--cycle", "2026", "--instansi", "Pemerintah Kota Cilegon", "--kota", "Cilegon",
        cwd=tmp_path,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    text = (ws / "talent.yaml").read_text()
    assert 'nama: "Pemerintah Kota Cilegon"' in text and 'kota: "Cilegon"' in text
    for name in ("asesmen-2026.xlsx", "kinerja.xlsx"):
        shutil.copy(REPO / "samples" / name, ws / "inbox" / name)
    assert talentcli("run", "--as-of", "2026-01-01", cwd=ws).returncode in (0, 1)
    index = (ws / "laporan" / "index.html").read_text()
    plan = next((ws / "laporan" / "rencana").iterdir()).read_text()
    assert "Pemerintah Kota Cilegon" in index and "Pemerintah Kota Cilegon" in plan
    assert "Cilegon, ....." in plan


def test_no_region_is_named_in_the_report_code_or_templates():
    """Titles come from talent.yaml: the writers and templates name no kabupaten or kota."""
    files = [*(CODE / "report").glob("*.py"), *(CODE / "data" / "templates").iterdir()]
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert "Serang" not in text and "Kabupaten" not in text, path
