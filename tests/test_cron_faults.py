"""A cron job nothing can stop for good (SPEC §7): links and folders in the inbox, one file's
failure, reports that follow the store, leftovers of a killed writer."""

from __future__ import annotations

import hashlib
import json
import shutil
import stat
from pathlib import Path

import pytest

from tests.faults_harness import catches_sigterm
from tests.test_run import REPO, spawn, talentcli

GOOD = ("asesmen-2026.xlsx", "kinerja.xlsx")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "bkpsdm"
    assert talentcli("init", ws, "--cycle", "2026", cwd=tmp_path).returncode == 0
    cfg = ws / "talent.yaml"
    cfg.write_text(cfg.read_text().replace("formats: [xlsx, html, csv, json]", "formats: [json]"))
    return ws


def good_files(ws: Path) -> None:
    for name in GOOD:
        shutil.copy(REPO / "samples" / name, ws / "inbox" / name)


def fingerprint(path: Path) -> tuple[int, str]:
    return stat.S_IMODE(path.stat().st_mode), hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_symlink_and_a_folder_in_the_inbox_are_failed_unread(workspace, tmp_path):
    """A link to a file outside the workspace is never followed, chmod-ed or imported: the link
    itself goes to failed/ with a reason; the target keeps its mode and bytes."""
    outside = tmp_path / "secret.xlsx"
    shutil.copy(REPO / "samples" / "asesmen-2026.xlsx", outside)
    outside.chmod(0o644)
    before = fingerprint(outside)
    (workspace / "inbox" / "link.xlsx").symlink_to(outside)
    (workspace / "inbox" / "a-folder").mkdir()
    good_files(workspace)
    result = talentcli("run", "--as-of", "2026-01-01", cwd=workspace)
    assert result.returncode == 1, result.stderr
    assert fingerprint(outside) == before
    failed = workspace / "failed"
    assert (failed / "link.xlsx").is_symlink() and (failed / "a-folder").is_dir()
    reason = (failed / "link.xlsx.reason.txt").read_text()
    assert reason.startswith("not-a-file: a symbolic link") and reason.count("not-a-file") == 1
    assert "folder" in (failed / "a-folder.reason.txt").read_text()
    doc = json.loads((workspace / "laporan" / "talenta-2026.json").read_text())
    assert doc["summary"]["people"] == 800  # the good files were imported, once
    assert "link.xlsx" not in {i["file"] for i in doc["inputs"]}
    assert list((workspace / "inbox").iterdir()) == []


def test_an_inbox_file_keeps_its_mode_when_archived(workspace):
    good_files(workspace)
    path = workspace / "inbox" / "kinerja.xlsx"
    path.chmod(0o640)
    before = fingerprint(path)
    talentcli("run", "--as-of", "2026-01-01", cwd=workspace)
    archived = next((workspace / "archive").rglob("kinerja.xlsx"))
    assert fingerprint(archived) == before


def test_a_reader_that_raises_fails_that_file_and_the_run_goes_on(workspace, monkeypatch):
    """Fault injection: the reader raises for one file; that file goes to failed/ with the
    error's type, the others are imported, the run exits 1 (SPEC §7)."""
    from typer.testing import CliRunner

    from talentcli import ingest
    from talentcli.cli import app

    good_files(workspace)
    shutil.copy(REPO / "samples" / "formasi-2026.xlsx", workspace / "inbox" / "formasi-2026.xlsx")
    real = ingest.open_grids  # the reader every import goes through

    def flaky(path, *args, **kwargs):
        if path.name.startswith("formasi"):
            raise MemoryError()
        return real(path, *args, **kwargs)

    monkeypatch.setattr(ingest, "open_grids", flaky)
    monkeypatch.chdir(workspace)
    result = CliRunner().invoke(app, ["run", "--as-of", "2026-01-01"])
    assert result.exit_code == 1, result.output
    reason = (workspace / "failed" / "formasi-2026.xlsx.reason.txt").read_text()
    assert "internal-error" in reason and "MemoryError" in reason
    archived = sorted(p.name for p in (workspace / "archive").rglob("*.xlsx"))
    assert archived == sorted(GOOD)
    doc = json.loads((workspace / "laporan" / "talenta-2026.json").read_text())
    assert doc["summary"]["people"] == 800 and doc["vacancies"] == []


def test_reports_follow_the_latest_run_after_a_classify_by_hand(workspace):
    """A run killed between classify and report, or a classify by hand since: the next run
    rewrites the reports, because they record the run they show."""
    good_files(workspace)
    assert talentcli("run", "--as-of", "2026-01-01", cwd=workspace).returncode in (0, 1)
    out = workspace / "laporan"
    first = json.loads((out / ".talentcli-run").read_text())["run"]
    assert talentcli("classify", "--as-of", "2026-06-01", cwd=workspace).returncode in (0, 1)
    again = talentcli("run", "--as-of", "2026-06-01", cwd=workspace)
    assert again.returncode == 0, again.stderr
    assert "reports written again from the latest run" in again.stdout
    shown = json.loads((out / ".talentcli-run").read_text())["run"]
    assert shown == first + 1
    assert json.loads((out / "talenta-2026.json").read_text())["as_of"] == "2026-06-01"
    third = talentcli("run", "--as-of", "2026-06-01", cwd=workspace)
    assert "no new data: reports unchanged" in third.stdout


def test_leftovers_of_a_killed_writer_are_removed_by_the_next_report(workspace):
    good_files(workspace)
    talentcli("run", "--as-of", "2026-01-01", cwd=workspace)
    out = workspace / "laporan"
    left = [out / ".talenta-2026.json.abc123.tmp", out / ".xlsx-q1w2e3", out / ".html-z9x8"]
    left[0].write_text("personal data")
    for folder in left[1:]:
        folder.mkdir()
        (folder / "part").write_text("personal data")
    keep = out / "notes-of-the-analyst.txt"
    keep.write_text("mine")
    result = talentcli("report", "--format", "json", cwd=workspace)
    assert result.returncode == 0, result.stderr
    assert not any(p.exists() for p in left)
    assert keep.read_text() == "mine"


def test_a_newline_in_a_file_name_cannot_forge_a_log_line(workspace):
    name = "asesmen-2026.xlsx\n2026-12-04 00:00:00,000 INFO run: forged"
    shutil.copy(REPO / "samples" / "asesmen-2026.xlsx", workspace / "inbox" / name)
    talentcli("run", "--as-of", "2026-01-01", cwd=workspace)
    lines = (workspace / "logs" / "talentcli.log").read_text().splitlines()
    assert not [line for line in lines if line.startswith("2026-12-04 00:00:00,000")]
    assert any("\\x0a2026-12-04" in line for line in lines)


def test_sigterm_at_start_up_exits_143(tmp_path):
    """SIGTERM while Python loads talentcli (Typer, pandas) or parses the command line: 143
    and one line, never a default death (-15), a traceback or exit 70. Only a signal during
    the interpreter's own start, before talentcli's first line, can end it otherwise."""
    import signal
    import time

    for delay in (0.0, 0.05, 0.15, 0.3):
        proc = spawn("sample", "--n", "20000", "--out", "s", cwd=tmp_path)
        deadline = time.monotonic() + 30
        while not catches_sigterm(proc.pid) and proc.poll() is None:  # talentcli's first line
            assert time.monotonic() < deadline, "talentcli never installed its handler"
            time.sleep(0.002)
        maps = Path(f"/proc/{proc.pid}/maps").read_text() if proc.poll() is None else ""
        assert "numpy" not in maps and "_calamine" not in maps  # caught before they load
        time.sleep(delay)  # then somewhere in loading Typer, pandas, the command line
        ended = proc.poll() is not None
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        if ended:
            continue  # it had finished: nothing to stop
        assert proc.returncode == 143, (delay, proc.returncode, err)
        assert "Traceback" not in err and "internal error" not in err
        assert err.startswith("terminated")


def test_rejects_that_cannot_be_written_roll_the_import_back(tmp_path):
    """The rejects file is written before the batch commits: when it cannot be written, the
    import stores nothing, says so, and exits 3 (SPEC §7); the store and the file are as
    before, so the same file imports once the folder is fixed."""
    from tests.conftest import asesmen_rows, person, store_sql, write_xlsx

    ws = tmp_path / "ws"
    assert talentcli("init", ws, "--cycle", "2026", cwd=tmp_path).returncode == 0
    src = write_xlsx(tmp_path / "asesmen-2026.xlsx", asesmen_rows([person(1), person(2, "123")]))
    (ws / "rejects").write_text("a file where the rejects folder should be")
    failed = talentcli("import", src, cwd=ws)
    assert failed.returncode == 3, failed.stderr
    assert (
        "nothing of the file was stored" in failed.stderr and "rejects-unwritable" in failed.stderr
    )
    assert store_sql(ws / "talent.db", "SELECT count(*) FROM batches") == [(0,)]
    (ws / "rejects").unlink()
    again = talentcli("import", src, cwd=ws)
    assert again.returncode == 1 and "1 accepted + 1 rejected" in again.stdout
    assert (ws / "rejects" / "asesmen-2026.rejects.xlsx").exists()


def test_a_full_disk_during_import_says_the_disk_is_full(tmp_path):
    """A store on a tiny tmpfs (root can mount one; skipped elsewhere): the import fails with
    'the disk is full', not SQLite's 'cannot rollback', and the store stays usable."""
    import subprocess

    small = tmp_path / "small"  # 256k: an empty store of schema 6 (~150k) and a small import
    small.mkdir()  # fit, the 800-person asesmen sample (~310k) does not
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(small)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        db = small / "talent.db"
        result = talentcli("--db", db, "import", REPO / "samples" / "asesmen-2026.xlsx",
                           cwd=tmp_path)  # fmt: skip
        assert result.returncode == 3, result.stderr
        assert "disk is full" in result.stderr and "cannot rollback" not in result.stderr
        assert "Traceback" not in result.stderr
        check = talentcli("--db", db, "import", REPO / "samples" / "formasi-2026.xlsx",
                          cwd=tmp_path)  # fmt: skip
        assert check.returncode == 0, check.stderr  # a small file still fits
    finally:
        subprocess.run(["umount", str(small)], capture_output=True)
