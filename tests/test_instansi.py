"""The agency named by the workspace (talent.yaml `instansi`, `penandatangan`), never by code."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

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


def test_init_names_no_head_of_agency(tmp_path: Path):
    """init writes the agency and town it is given and an empty signatory, with an example in
    the comment: no code names the head of an agency (SPEC §2, §5)."""
    from talentcli.workspace import init_workspace, load_config

    init_workspace(tmp_path / "ws", "2026", "Pemerintah Kota Cilegon", "Cilegon")
    text = (tmp_path / "ws" / "talent.yaml").read_text(encoding="utf-8")
    config = load_config(tmp_path / "ws" / "talent.yaml")
    assert (config.instansi.nama, config.instansi.kota) == ("Pemerintah Kota Cilegon", "Cilegon")
    assert config.penandatangan.model_dump() == {"jabatan": "", "nama": "", "nip": ""}
    assert "BKPSDM" not in text
    assert '#   jabatan: "' in text and '#   nip: "' in text  # how to fill it in


def test_make_run_gives_the_demo_workspace_a_signatory(tmp_path: Path):
    """`make run` fills talent.yaml's penandatangan of its demo workspace (the Makefile's
    synthetic DEMO_ names): its lists and plan pages print a complete signature block."""
    from talentcli.workspace import init_workspace, load_config

    if shutil.which("make") is None:
        pytest.skip("no make on this machine")
    dry = subprocess.run(
        ["make", "-n", "-s", "run"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    sed = re.search(r"^cd \.run && sed -i\.bak .*?talent\.yaml\.bak$", dry, re.S | re.M)
    assert sed, dry
    init_workspace(tmp_path / ".run", "2026", "Pemerintah Kabupaten Serang", "Serang")
    subprocess.run(["sh", "-c", sed.group(0)], cwd=tmp_path, check=True)
    signs = load_config(tmp_path / ".run" / "talent.yaml").penandatangan
    assert signs.jabatan and signs.nama and len(signs.nip.replace(" ", "")) == 18
    assert not (tmp_path / ".run" / "talent.yaml.bak").exists()
    assert (tmp_path / ".run" / "talent.yaml").stat().st_mode & 0o077 == 0  # still private
