"""Fault injection, the quick variant (issue #19, SPEC §7): a handful of trials, each killing
`import`, `classify`, `report` or `run` with SIGKILL or SIGTERM at a random moment and running
`talentcli run` again; every check of tests/faults_harness.py must hold. The slow variant with
N >= 50 trials is `make faults` (benchmarks/faults.py).

The seed is random unless FAULTS_SEED is set; it is in every failure message, and
`python benchmarks/faults.py --quick --trials 6 --n 200 --formats json,csv,html --seed S`
replays the same schedule (`--trial K` for one of it).
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from tests.faults_harness import Harness, Trial, quick_schedule

TRIALS = 6
SEED = int(os.environ.get("FAULTS_SEED") or random.SystemRandom().randrange(10**6))
SCHEDULE = quick_schedule(TRIALS, SEED)


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Harness:
    h = Harness(
        tmp_path_factory.mktemp("faults"), n=200, formats=("json", "csv", "html"), say=print
    )
    h.prepare()
    return h


@pytest.mark.parametrize("trial", SCHEDULE, ids=lambda t: f"{t.index}-{t.command}-{t.signal}")
def test_a_killed_command_loses_nothing(harness: Harness, trial: Trial):
    harness.run_trial(trial)
    assert not trial.lost, f"seed {SEED}: {trial.line()}"


def test_the_harness_sees_a_loss(harness: Harness, tmp_path: Path):
    """The checks are honest: a store that is neither before nor after, a stale report marker,
    a leftover and a lost inbox file are each reported (a trial on a tampered copy)."""
    import shutil
    import sqlite3

    from tests.faults_harness import input_hashes, leftovers, store_state

    ref = harness.reference(("inbox", "run", "classify"))
    ws = tmp_path / "ws"
    shutil.copytree(ref.ws, ws, symlinks=True)
    inputs = input_hashes(ws)
    con = sqlite3.connect(ws / "talent.db")
    with con:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        victim = next(n for n in names if con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0])
        con.execute(f'DELETE FROM "{victim}" WHERE rowid = (SELECT max(rowid) FROM "{victim}")')
    con.close()
    _, dump = store_state(ws)
    assert dump != ref.dump and dump != harness.reference(("inbox", "run")).dump
    # the reports on disk are run 1's, the latest run is 2: stale, and said so
    assert any("reports of run 1, latest run is 2" in p for p in harness.check_reports(ws, ref))
    (ws / "laporan" / ".talenta-2026.json.tmp").write_text("{}")
    (ws / "talent.db-journal").write_bytes(b"")
    assert sorted(leftovers(ws)) == ["laporan/.talenta-2026.json.tmp", "talent.db-journal"]
    next((ws / "archive").rglob("*.xlsx")).unlink()
    assert len(input_hashes(ws)) == len(inputs) - 1
