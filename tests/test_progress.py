"""Progress bars (SPEC §2, §5): rich bars with counts and time left on a terminal, never
colour with NO_COLOR, nothing but the usual lines without a terminal; ticks per chunk."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from talentcli.progress import listening, tick
from talentcli.sample import write_sample

REPO = Path(__file__).resolve().parents[1]
SGR_COLOUR = re.compile(r"\x1b\[[0-9;]*(3[0-9]|9[0-7]|38;)[0-9;]*m")  # a foreground colour


def _ticks() -> tuple[list, object]:
    got: list = []
    return got, lambda what, done, total, unit="": got.append((what, done, total, unit))


def test_ticks_go_to_the_listener_and_nowhere_without_one(tmp_path: Path):
    tick("x", 1, 2)  # nobody listens: nothing happens
    got, listener = _ticks()
    with listening(listener):
        files = write_sample(tmp_path, n=120, seed=3)
    tick("x", 1, 2)
    rows = [t for t in got if t[0] == "sample"]
    assert rows[0][1] == 0 and rows[-1][1] == rows[-1][2] and all(t[3] == "rows" for t in rows)
    assert [t[1] for t in rows] == sorted(t[1] for t in rows)
    assert 4 <= len(rows) <= len(files) + 1  # per file, not per row: the start, then a file each
    assert rows[-1][2] >= 120 + 2 * 120  # the cohort, two years of kinerja, formasi
    assert all(t[0] != "x" for t in got)


def _run(args: list[str], cwd: Path, tty: bool, env: dict) -> str:
    """talentcli ARGS, its stderr (and stdout) as text, under a terminal or a pipe."""
    cmd = [sys.executable, "-m", "talentcli", *args]
    full = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    full.update({"PYTHONPATH": str(REPO), "COLUMNS": "120", **env})
    if not tty:
        done = subprocess.run(cmd, cwd=cwd, env=full, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout + done.stderr
    main, sub = pty.openpty()
    proc = subprocess.Popen(cmd, cwd=cwd, env=full, stdin=sub, stdout=sub, stderr=sub)
    os.close(sub)
    out = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(main)
    assert proc.wait(timeout=120) == 0, out.decode(errors="replace")
    return out.decode("utf-8", errors="replace")


def test_sample_shows_a_bar_on_a_terminal_without_colour_under_no_color(tmp_path: Path):
    text = _run(["sample", "--n", "300", "--out", "s"], tmp_path, True, {"NO_COLOR": "1"})
    assert re.search(r"sample .*━.* [\d.]+/[\d.]+ rows", text)  # the bar, its count
    assert not SGR_COLOUR.search(text)
    coloured = _run(["sample", "--n", "300", "--out", "t"], tmp_path, True, {"TERM": "xterm"})
    assert SGR_COLOUR.search(coloured)  # colour when allowed


def test_no_bar_without_a_terminal(tmp_path: Path):
    text = _run(["sample", "--n", "300", "--out", "s"], tmp_path, False, {})
    assert "━" not in text and "\x1b[" not in text
    assert "wrote s/asesmen-2026.xlsx" in text


def test_import_and_classify_tick_per_file_and_per_stage(tmp_path: Path):
    """import: a tick per file; classify: the cohort's people, from 0 to all, in 4 ticks."""
    from tests.conftest import Cli

    files = write_sample(tmp_path / "in", n=90, seed=5)
    cli = Cli(tmp_path)
    got, listener = _ticks()
    with listening(listener):
        assert cli("import", *files).exit_code in (0, 1)
        assert cli("classify", "--cycle", "2026", "--as-of", "2026-01-01").exit_code in (0, 1)
    n = len(files)  # asesmen, kinerja, formasi (and kalibrasi)
    assert [t for t in got if t[0] == "import"] == [("import", i, n, "files") for i in range(n + 1)]
    people = [t for t in got if t[0] == "classify"]
    assert [t[1] for t in people] == [0, 54, 72, 90] and {t[2] for t in people} == {90}
