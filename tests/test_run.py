"""`talentcli run` as cron runs it (no TTY), the lock, faults, hostile files, privacy."""

from __future__ import annotations

import fcntl
import json
import os
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.conftest import store_sql

REPO = Path(__file__).resolve().parent.parent
REAL = REPO / "tests" / "data" / "real"


def talentcli(*args, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run talentcli the way cron does: a child process with no terminal and no input."""
    env = {k: v for k, v in os.environ.items() if k != "TALENTCLI_DB"}
    return subprocess.run(
        [sys.executable, "-m", "talentcli", *map(str, args)],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def spawn(*args, cwd: Path) -> subprocess.Popen:
    """Start talentcli as cron would (no terminal, no input), to be signalled while it works."""
    env = {k: v for k, v in os.environ.items() if k != "TALENTCLI_DB"}
    return subprocess.Popen(
        [sys.executable, "-m", "talentcli", *map(str, args)],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "bkpsdm"
    assert talentcli("init", ws, "--cycle", "2026", cwd=tmp_path).returncode == 0
    cfg = ws / "talent.yaml"
    text = cfg.read_text()
    assert "formats: [xlsx, html, csv, json]" in text
    cfg.write_text(text.replace("formats: [xlsx, html, csv, json]", "formats: [json, csv, md]"))
    return ws


def fill_inbox(ws: Path) -> None:
    for name in ("asesmen-2026.xlsx", "kinerja.xlsx", "formasi-2026.xlsx"):
        shutil.copy(REPO / "samples" / name, ws / "inbox" / name)
    shutil.copy(REAL / "encrypted.xlsx", ws / "inbox" / "zz-encrypted.xlsx")


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(folder.iterdir())}


def test_run_twice_like_cron(workspace):
    fill_inbox(workspace)
    first = talentcli("run", "--as-of", "2026-01-01", cwd=workspace)
    assert first.returncode == 1, first.stderr  # the encrypted file failed; people incomplete
    for out in (first.stdout, first.stderr):
        assert "\x1b[" not in out and "Traceback" not in out
    assert list((workspace / "inbox").iterdir()) == []
    archived = sorted(p.name for p in (workspace / "archive").rglob("*.xlsx"))
    assert archived == ["asesmen-2026.xlsx", "formasi-2026.xlsx", "kinerja.xlsx"]
    reason = workspace / "failed" / "zz-encrypted.xlsx.reason.txt"
    assert (workspace / "failed" / "zz-encrypted.xlsx").exists()
    assert "encrypted" in reason.read_text() and "password" in reason.read_text()
    report = workspace / "laporan" / "talenta-2026.json"
    assert json.loads(report.read_text())["summary"]["people"] == 800
    log = (workspace / "logs" / "talentcli.log").read_text()
    assert "run: files=4 imported=3 failed=1" in log
    assert "Pegawai" not in log and "Dr." not in log  # codes and NIPs only, never names
    before = snapshot(workspace / "laporan")
    second = talentcli("run", "--as-of", "2026-01-01", cwd=workspace)
    assert second.returncode == 0, second.stderr
    assert snapshot(workspace / "laporan") == before
    assert "no new data" in second.stdout


def test_a_held_lock_exits_75_at_once(workspace):
    lock = workspace / ".talentcli.lock"
    with lock.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        start = time.monotonic()
        result = talentcli("run", cwd=workspace)
        elapsed = time.monotonic() - start
    assert result.returncode == 75 and "lock" in result.stderr
    assert elapsed < 10  # no waiting: start-up only (the 1 s budget is for warm machines)


def test_import_and_classify_by_hand_are_refused_while_a_run_holds_the_lock(workspace):
    """A cron run holds the lock: an import or classify by hand in that workspace exits 75
    at once and changes nothing, so the run never classifies data that changed under it."""
    asesmen = REPO / "samples" / "asesmen-2026.xlsx"
    lock = workspace / ".talentcli.lock"
    with lock.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held = [talentcli(*cmd, cwd=workspace) for cmd in (("import", asesmen), ("classify",))]
    for result in held:
        assert result.returncode == 75 and "lock" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (workspace / "talent.db").exists()
    assert talentcli("import", asesmen, cwd=workspace).returncode == 0  # free again


def test_a_store_outside_a_workspace_is_locked_beside_it(tmp_path):
    """`--db PATH` from a folder that is no workspace: the lock is beside the store (two
    folders using one store block each other), and where no lock file can be made the
    command still runs, with a warning."""
    store = tmp_path / "shared"
    store.mkdir()
    db = store / "talent.db"
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir()
    there.mkdir()
    formasi = REPO / "samples" / "formasi-2026.xlsx"
    with (store / ".talentcli.lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held = talentcli("--db", db, "import", formasi, cwd=there)
    assert held.returncode == 75 and "lock" in held.stderr
    assert not (here / ".talentcli.lock").exists() and not (there / ".talentcli.lock").exists()
    (store / ".talentcli.lock").unlink()
    (store / ".talentcli.lock").mkdir()  # cannot be opened as a lock file (as read-only)
    result = talentcli("--db", db, "import", formasi, cwd=here)
    assert result.returncode == 0 and "warning: no lock" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_workspace_named_by_config_is_locked_in_its_folder(workspace, tmp_path):
    """--config with another file name and the store elsewhere: the lock is still the
    workspace's (SPEC §7), not the store's folder."""
    elsewhere = tmp_path / "data"
    elsewhere.mkdir()
    cfg = workspace / "bkpsdm.yaml"
    (workspace / "talent.yaml").rename(cfg)
    text = cfg.read_text()
    assert "\ndb: talent.db" in text
    cfg.write_text(text.replace("\ndb: talent.db", f"\ndb: {elsewhere / 'talent.db'}"))
    with (workspace / ".talentcli.lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = talentcli("run", "--config", cfg, cwd=tmp_path)
    assert result.returncode == 75 and "lock" in result.stderr
    assert not (elsewhere / ".talentcli.lock").exists()


def test_bad_rules_stop_the_run_before_the_inbox(workspace):
    fill_inbox(workspace)
    rules = workspace / "rules" / "default.yaml"
    rules.write_text(rules.read_text().replace("min_jp:", "min_jpp:"))
    result = talentcli("run", cwd=workspace)
    assert result.returncode == 4
    assert len(list((workspace / "inbox").iterdir())) == 4


def store_dump(db: Path) -> list:
    return [store_sql(db, f"SELECT * FROM {t}") for t in ("batches", "violations", "assessments")]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_killed_import_leaves_the_store_whole(tmp_path, sig):
    """Killed while importing: the store is as it was, or holds the whole batch if the commit
    came first (the transaction is short: a signal often lands before or after it; the
    rollback itself is pinned by test_interrupted_import_rolls_back)."""
    talentcli("sample", "--n", "20000", "--seed", "9", "--out", tmp_path / "big", cwd=tmp_path)
    small = talentcli("import", REPO / "samples" / "formasi-2026.xlsx", cwd=tmp_path)
    assert small.returncode == 0
    before = store_dump(tmp_path / "talent.db")
    proc = spawn("import", tmp_path / "big" / "asesmen-2026.xlsx", cwd=tmp_path)
    journal = tmp_path / "talent.db-journal"
    deadline = time.monotonic() + 0.6  # mid-import: reading, validating or writing
    while not journal.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    if proc.poll() is not None:
        pytest.skip("the import finished before it could be interrupted")
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    if sig == signal.SIGTERM:
        assert proc.returncode == 143 and "terminated" in err and "Traceback" not in err
    else:
        assert proc.returncode == -signal.SIGKILL
    after = store_dump(tmp_path / "talent.db")
    if after != before:  # committed before the signal: one more batch, complete
        batches, violations, people = after
        assert batches[:-1] == before[0] and violations[: len(before[1])] == before[1]
        new = batches[-1]
        assert new[3] == "asesmen" and new[8] == 20000 == len(people)
        assert {row[-1] for row in people} == {new[0]}  # batch_id: every row of the batch


def test_interrupted_import_rolls_back(tmp_path, monkeypatch):
    """An interrupt inside the import transaction (after the batch row is written) leaves the
    store exactly as it was; the user sees one line and exit 130."""
    from typer.testing import CliRunner

    from talentcli.cli import app
    from talentcli.store import io

    monkeypatch.chdir(tmp_path)  # the workspace (its log and rejects) is the current folder
    db = tmp_path / "talent.db"
    runner = CliRunner()
    formasi = str(REPO / "samples" / "formasi-2026.xlsx")
    assert runner.invoke(app, ["--db", str(db), "import", formasi]).exit_code == 0
    before = store_dump(db)

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(io, "store_rows", interrupted)  # after the batch row, before commit
    result = runner.invoke(
        app, ["--db", str(db), "import", str(REPO / "samples" / "asesmen-2026.xlsx")]
    )
    assert result.exit_code == 130, result.output
    assert "Traceback" not in result.output
    assert store_dump(db) == before


def test_zip_bomb_is_refused_with_low_memory(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            block = b"<row>" + b" " * (1 << 20) + b"</row>"
            for _ in range(1100):  # 1.1 GB of XML, a few MB on disk
                fh.write(block)
    assert bomb.stat().st_size < 10 << 20
    result = talentcli("import", bomb, cwd=tmp_path)
    assert result.returncode == 3 and "too-large" in result.stderr
    assert "Traceback" not in result.stderr


def test_unwritable_output_folder_is_a_clear_error(tmp_path):
    if os.geteuid() == 0:
        out = tmp_path / "laporan-is-a-file"  # root ignores permissions: use a file instead
        out.write_text("not a folder")
    else:
        out = tmp_path / "ro"
        out.mkdir(mode=0o500)
    talentcli(
        "import",
        *(REPO / "samples" / n for n in ("asesmen-2026.xlsx", "kinerja.xlsx")),
        cwd=tmp_path,
    )
    talentcli("classify", "--as-of", "2026-01-01", cwd=tmp_path)
    result = talentcli("report", "--format", "json", "--out", out, cwd=tmp_path)
    assert result.returncode == 3 and "Traceback" not in result.stderr
    assert "cannot write" in result.stderr


def test_store_reports_and_log_are_owner_only(workspace):
    """Under umask 000 every folder the run makes is 0700 and every file it writes 0600; the
    inbox files it moves keep the mode their owner gave them (SPEC §7-§8)."""
    fill_inbox(workspace)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (workspace / "inbox").iterdir()}
    old = os.umask(0)
    try:
        talentcli("run", "--as-of", "2026-01-01", cwd=workspace)
    finally:
        os.umask(old)
    folders = [workspace / name for name in ("laporan", "failed", "archive", "logs")]
    for folder in [*folders, *(workspace / "archive").iterdir()]:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    moved = [*(workspace / "failed").iterdir(), *(workspace / "archive").rglob("*.xlsx")]
    written = [
        workspace / "talent.db",
        workspace / "logs" / "talentcli.log",
        *(workspace / "laporan").rglob("*"),
        *(p for p in moved if p.name.endswith(".reason.txt")),
    ]
    for path in written:
        want = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == want, path
    for path in moved:
        if path.name in modes:
            assert stat.S_IMODE(path.stat().st_mode) == modes[path.name], path


def test_pseudonymised_report_is_keyed_and_stable(workspace, tmp_path):
    fill_inbox(workspace)
    talentcli("run", "--as-of", "2026-01-01", cwd=workspace)
    key1, key2 = tmp_path / "k1", tmp_path / "k2"
    key1.write_text("a-long-secret-key-number-one\n")
    key2.write_text("another-secret-key-number-two\n")
    key1.chmod(0o600)  # a key others can read is refused (SPEC §8)
    key2.chmod(0o600)

    def people(key: Path, out: str) -> list[dict]:
        r = talentcli(
            "report",
            "--format",
            "json",
            "--out",
            tmp_path / out,
            "--pseudonymize",
            key,
            cwd=workspace,
        )
        assert r.returncode == 0, r.stderr
        return json.loads((tmp_path / out / "talenta-2026.json").read_text())["people"]

    real = json.loads((workspace / "laporan" / "talenta-2026.json").read_text())["people"]
    a, again, other = people(key1, "a"), people(key1, "b"), people(key2, "c")
    assert [p["nip"] for p in a] == [p["nip"] for p in again]  # stable across runs
    assert {p["nip"] for p in a}.isdisjoint({p["nip"] for p in other})  # keyed
    assert {p["nip"] for p in a}.isdisjoint({p["nip"] for p in real})
    names = {p["nama"] for p in real}
    assert not names & {p["nama"] for p in a}
    # the retirement date is the birth date plus an age: it would identify people again
    assert all(p["retirement_date"] for p in real)
    assert {p["retirement_date"] for p in a} == {None}
    short = tmp_path / "short"
    short.write_text("tiny")
    short.chmod(0o600)
    bad = talentcli("report", "--pseudonymize", short, cwd=workspace)
    assert bad.returncode == 3 and "16 bytes" in bad.stderr


def test_the_process_ends_with_its_output_flushed_and_its_exit_code(tmp_path):
    """main() ends with os._exit (no interpreter teardown): the whole JSON still reaches a
    pipe, the log its lines, and the exit code is the command's."""
    files = sorted((REPO / "samples" / "messy").glob("*.xlsx"))
    files = [f for f in files if f.name != "missing-column.xlsx"]  # that one fails: exit 3
    proc = talentcli("import", "--json", *files, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr  # rows rejected
    doc = json.loads(proc.stdout)
    assert [Path(f["file"]).name for f in doc["files"]] == [f.name for f in files]
    rejected = sum(f["rejected"] for f in doc["files"])
    assert rejected > 0 and sum(len(f["errors"]) for f in doc["files"]) >= rejected
    log = (tmp_path / "logs" / "talentcli.log").read_text()
    assert all(f"import {f.name} imported" in log for f in files)
    missing = talentcli("import", tmp_path / "nope.xlsx", cwd=tmp_path)
    assert missing.returncode == 3 and "not found" in missing.stderr


def test_a_closed_stdout_is_no_crash(tmp_path):
    """cron may start a job with stdout closed (`>&-`): sys.stdout is None then."""
    shell = f"{shlex.quote(sys.executable)} -m talentcli --version >&-"
    proc = subprocess.run(["sh", "-c", shell], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr


def test_a_cohort_without_a_unit_column_is_reported(workspace):
    """The unit column is optional (SPEC §3): a file without it goes through import,
    classify and every report; everyone is counted once, under 'no unit'."""
    import openpyxl

    from tests.conftest import write_xlsx

    header = ["NIP", "NAMA", "ESELON", "TEKNIS", "SOSIO KULTURAL", "LITERASI DIGITAL", "NUMERIK"]
    people = [
        ["198001012005011001", "Ani", "IV.a", 3, 3, 3, 3],
        ["198505152010012002", "Budi", "III.a", 2, 2.5, 1.75, 2],
        ["199001012015011004", "Citra", "JF Ahli Muda", 4, 3, 3.25, 3],
    ]
    write_xlsx(workspace / "inbox" / "asesmen-2026.xlsx", [header, *people])
    ratings = [[nip, 2026, "Baik"] for nip, *_ in people]
    write_xlsx(workspace / "inbox" / "kinerja.xlsx", [["NIP", "TAHUN", "PREDIKAT"], *ratings])
    cfg = workspace / "talent.yaml"
    cfg.write_text(cfg.read_text().replace("formats: [json, csv, md]", "formats: [xlsx, html]"))
    result = talentcli("run", "--as-of", "2026-01-01", cwd=workspace)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    out = workspace / "laporan"
    names = sorted(p.name for p in out.iterdir())
    assert names == [".talentcli-run", "index.html", "rencana", "talenta-2026.xlsx"]
    book = openpyxl.load_workbook(out / "talenta-2026.xlsx", read_only=True)
    rows = [
        r
        for r in book["Ringkasan"].iter_rows(values_only=True)
        if r and r[0] in ("(tanpa unit)", "Jumlah")
    ]
    book.close()  # read-only keeps the file open: left to the GC it warns in a later test
    first = [r[0] for r in rows].index("(tanpa unit)")  # the Per Unit Kerja table, its total
    assert [r[:2] for r in rows][first : first + 2] == [("(tanpa unit)", 3), ("Jumlah", 3)]
    explained = talentcli("explain", people[0][0], cwd=workspace).stdout.splitlines()
    assert explained[1].startswith("  Pengawas (Eselon IV) (") and "None" not in explained[1]


def test_a_failing_report_leaves_the_log_and_no_temporary_files(workspace, monkeypatch):
    """A bug while the xlsx report is written: exit 70 with one line, the imports that were
    stored are in the log with a 'run stopped' line, and the output folder holds no
    half-written workbook or xlsxwriter spool file."""
    from typer.testing import CliRunner

    from talentcli.cli import app
    from talentcli.report import xlsx_report

    for name in ("asesmen-2026.xlsx", "kinerja.xlsx"):
        shutil.copy(REPO / "samples" / name, workspace / "inbox" / name)
    cfg = workspace / "talent.yaml"
    cfg.write_text(cfg.read_text().replace("formats: [json, csv, md]", "formats: [xlsx]"))

    def broken(ws, *args):
        ws.write_string(0, 0, "half")
        raise ValueError("a bug")

    monkeypatch.setattr(xlsx_report, "list_sheet", broken)
    monkeypatch.chdir(workspace)
    result = CliRunner().invoke(app, ["run", "--as-of", "2026-01-01"])
    assert result.exit_code == 70 and "internal error: ValueError" in result.output
    log = (workspace / "logs" / "talentcli.log").read_text()
    assert "import asesmen-2026.xlsx imported" in log and "import kinerja.xlsx imported" in log
    assert "run stopped (ValueError) after files=2 moved=2" in log
    out = workspace / "laporan"
    assert not out.exists() or list(out.iterdir()) == []


def test_a_reader_that_stops_reading_ends_the_command_quietly(workspace):
    """`talentcli classify | head -1`: the run is stored before anything is printed; when the
    reader is gone the command ends as SIGPIPE would end it (141), with no error line (it
    was `error: cannot access: Broken pipe`, exit 3: "input unusable, nothing stored")."""
    for name in ("asesmen-2026.xlsx", "kinerja.xlsx", "formasi-2026.xlsx"):
        assert talentcli("import", REPO / "samples" / name, cwd=workspace).returncode in (0, 1)
    proc = spawn("classify", "--as-of", "2026-01-01", cwd=workspace)
    proc.stdout.close()  # the reader is gone before the first line
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 141 and err == ""
    runs = store_sql(workspace / "talent.db", "SELECT count(*) FROM runs")
    assert runs == [(1,)]
