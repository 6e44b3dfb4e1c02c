"""A store written before the store became tables (schema 3: blobs, committed under
tests/data/store-v3 with the JSON report the old code wrote from it) opens, is migrated to
plain tables and gives the same report, byte for byte."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from talentcli import store as st
from talentcli.pipeline import load_run
from talentcli.report import write_reports

OLD = Path(__file__).resolve().parent / "data" / "store-v3"


@pytest.fixture
def migrated(tmp_path: Path) -> st.Store:
    shutil.copy(OLD / "talent.db", tmp_path / "talent.db")
    store = st.Store(tmp_path / "talent.db", create=False)
    yield store
    store.close()


def test_the_old_store_is_of_schema_3_with_blobs() -> None:
    import sqlite3

    db = sqlite3.connect(f"file:{OLD / 'talent.db'}?mode=ro", uri=True)
    try:
        assert db.execute("PRAGMA user_version").fetchone() == (3,)
        assert db.execute("SELECT count(*) FROM batch_data").fetchone() == (4,)
    finally:
        db.close()


def test_a_blob_store_migrates_to_tables_and_reports_the_same(migrated, tmp_path) -> None:
    assert migrated.db.rows("PRAGMA user_version") == [(st.SCHEMA_VERSION,)]
    write_reports(load_run(migrated, "2026"), tmp_path / "out", ["json"])
    got = json.loads((tmp_path / "out" / "talenta-2026.json").read_bytes())
    old = json.loads((OLD / "talenta-2026.json").read_bytes())
    # what the document gained since: the equity view, the budget (none here) and `funded`
    # per plan row (all, without a budget) (SPEC §4.11-4.12); a run made before calibration
    # has the computed box as its final box, no decision, and (one cycle) everyone new
    # (SPEC §4.9-4.10); the rest is as the old code wrote it
    assert got.pop("budget") is None and set(got.pop("equity")) >= {"gender", "unit"}
    assert got.pop("calibrations") == []
    assert got.pop("movement") == {
        "matrix": {},
        "counts": {"naik": 0, "turun": 0, "tetap": 0, "baru": len(old["people"])},
    }
    for person in got["people"]:
        assert all(row.pop("funded") is True for row in person["plan"])
        assert person.pop("box_computed") == person["box"]
        assert (person.pop("calibration"), person.pop("previous")) == (None, None)
        assert person.pop("movement") == "baru"
    assert json.dumps(got, ensure_ascii=False) == json.dumps(old, ensure_ascii=False)  # order too


def test_migrated_rows_keep_their_batch_and_the_newest_wins(migrated) -> None:
    # asesmen-b.csv (batch 2) gave three people of asesmen-a.csv (batch 1) teknis 4.75
    rows = migrated.db.rows(
        "SELECT batch_id, count(*), sum(score_teknis = 4.75) FROM assessments "
        "GROUP BY batch_id ORDER BY batch_id"
    )
    assert rows == [(1, 56, 0), (2, 5, 3)]  # 59 accepted, 3 replaced; 5 from batch 2
    assert migrated.db.rows("SELECT count(*) FROM ratings") == [(79,)]
    assert migrated.db.rows("SELECT count(*) FROM vacancies") == [(20,)]


def test_migrated_runs_have_results_plans_and_candidates_as_rows(migrated) -> None:
    counts = migrated.db.rows(
        "SELECT r.id, (SELECT count(*) FROM results WHERE run_id = r.id), "
        "(SELECT count(*) FROM candidates WHERE run_id = r.id), "
        "(SELECT count(DISTINCT nip) FROM v_rencana WHERE run_id = r.id), "
        "(SELECT count(plan_id) FROM results WHERE run_id = r.id) FROM runs r ORDER BY r.id"
    )
    # the report: 39 classified, 51 listed; only the latest run is in the view
    assert counts == [(1, 39, 51, 0, 39), (2, 39, 51, 39, 39)]
    assert migrated.db.rows("SELECT count(*), min(cycle) FROM v_hasil") == [(39, "2026")]
    assert migrated.db.rows("SELECT min(plan_jp) >= 20 FROM v_hasil") == [(1,)]


def test_migrated_plans_are_stored_once_per_distinct_plan(migrated) -> None:
    # schema 5: the per-person rows of schema 4 folded into the distinct plans of each run
    plans = migrated.table("SELECT run_id, plan_id, seq, code, reason FROM plans")
    plans["step"] = plans["code"] + " " + plans["reason"]
    steps = plans.sort_values("seq").groupby(["run_id", "plan_id"])["step"].agg(tuple)
    assert not steps.reset_index().duplicated(["run_id", "step"]).any()
    assert (plans.groupby(["run_id", "plan_id"])["seq"].min() == 1).all()
    people = migrated.table(
        "SELECT nip, plan_jp, sum(jp) AS jp, count(*) AS n FROM v_rencana JOIN "
        "(SELECT nip, plan_jp FROM v_hasil) USING (nip) GROUP BY nip"
    )
    assert len(people) == 39 and (people["plan_jp"] == people["jp"]).all()
    latest = plans[plans["run_id"] == 2]
    assert len(latest) < people["n"].sum()  # fewer rows than one per person x programme


def test_violations_of_a_schema_5_store_get_the_nip_of_their_own_nip_cell(tmp_path) -> None:
    # schema 6 adds violations.nip and .tahun; an older violation keeps the NIP only when it
    # was about the NIP cell itself (what explain could find before)
    import sqlite3

    step = [i for i, m in enumerate(st.MIGRATIONS) if "violations ADD COLUMN nip" in str(m)]
    assert step == [5]  # schema 6; the later steps run again and are idempotent (schema 7's is)
    st.Store(tmp_path / "t.db").close()
    db = sqlite3.connect(tmp_path / "t.db")
    db.executescript(
        "DROP INDEX violations_nip; ALTER TABLE violations DROP COLUMN nip; "
        f"ALTER TABLE violations DROP COLUMN tahun; PRAGMA user_version = {step[0]};"
    )
    db.execute(
        "INSERT INTO batches VALUES (1, 'a.xlsx', 'x', 'asesmen', '2026', 'Rekap', 4, 3, 0, 3, "
        "0, 't', '0', NULL)"
    )
    db.executemany(
        "INSERT INTO violations VALUES (1, 'error', ?, ?, ?, '', ?, ?, ?, '')",
        [
            (5, "Rekap!B5", "B", "nip", "invalid-nip", "19800101 200501.1-001"),
            (6, "Rekap!G6", "G", "teknis", "out-of-range", "7"),
            (7, "Rekap!B7", "B", "nip", "duplicate-nip", "'198001012005011002"),
        ],
    )
    db.commit()
    db.close()
    store = st.Store(tmp_path / "t.db")
    try:
        got = store.db.rows("SELECT row, nip, tahun FROM violations ORDER BY row")
        assert store.db.rows("PRAGMA user_version") == [(st.SCHEMA_VERSION,)]
    finally:
        store.close()
    assert got == [
        (5, "198001012005011001", None),
        (6, None, None),
        (7, "198001012005011002", None),
    ]


def test_processes_opening_a_new_store_at_once_all_get_it(tmp_path):
    """Cron's report and a user's command open a store nobody has made yet, at the same
    moment: one makes it and migrates it, the others wait and find it done (found by review:
    'table batches already exists', or the file's O_EXCL creation failing)."""
    import subprocess
    import sys
    import time

    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from talentcli.store import Store\n"
        "t = float(sys.argv[2])\n"
        "while time.time() < t: pass\n"
        "Store(Path(sys.argv[1])).close()\n"
    )
    for attempt in range(3):
        db = tmp_path / f"new{attempt}.db"
        start = str(time.time() + 1.5)
        procs = [
            subprocess.Popen([sys.executable, "-c", code, str(db), start], stderr=subprocess.PIPE)
            for _ in range(3)
        ]
        for p in procs:
            _, err = p.communicate(timeout=60)
            assert p.returncode == 0, err.decode()
