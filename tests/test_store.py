"""The store as plain tables: rows in force across batches and cycles (newest batch wins, on
write), a batch whole or absent, run results read back as written, and the migrations of the
row-per-person schema (2) and of the blob schema (3)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from talentcli import store as st
from talentcli.rules import load_rules

META = {
    "file": "f.xlsx",
    "sha256": "0" * 64,
    "sheet": "S",
    "header_row": 1,
    "rejected": 0,
    "skipped": 0,
}
NO_VIOLATIONS = pd.DataFrame()


def asesmen(nips: list[str], score: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "nip": nips,
            "nama": [f"Nama {n[-3:]}" for n in nips],
            "job_level": "eselon_iv",
            "teknis": score,
        }
    )


def save(store: st.Store, kind: str, cycle: str | None, frame: pd.DataFrame) -> int:
    n = len(frame)
    meta = {**META, "kind": kind, "cycle": cycle, "rows_read": n, "accepted": n}
    return st.save_batch(store, meta, frame, NO_VIOLATIONS, ["teknis"])


def test_a_later_batch_replaces_rows_of_its_own_cycle_only(tmp_path: Path) -> None:
    store = st.Store(tmp_path / "t.db")
    first = save(store, "asesmen", "2026", asesmen(["A1", "A2"], 2.0))
    second = save(store, "asesmen", "2026", asesmen(["A2", "A3"], 4.0))
    save(store, "asesmen", "2025", asesmen(["A1"], 1.0))
    cohort = st.load_cohort(store, "2026", ["teknis", "sosio"])
    assert cohort["nip"].tolist() == ["A1", "A2", "A3"]
    assert cohort["score_teknis"].tolist() == [2.0, 4.0, 4.0]
    assert cohort["score_sosio"].isna().all()  # a competency no batch brought
    rows = st.stored_rows(store, "asesmen")
    assert sorted(zip(rows["cycle"], rows["nip"], rows["batch_id"], strict=True)) == [
        ("2025", "A1", 3),
        ("2026", "A1", first),
        ("2026", "A2", second),
        ("2026", "A3", second),
    ]


def test_ratings_latest_year_not_after_the_cycle(tmp_path: Path) -> None:
    store = st.Store(tmp_path / "t.db")
    k = pd.DataFrame(
        {
            "nip": ["A1", "A1", "A1", "A2"],
            "tahun": pd.array([2024, 2025, 2027, 2025], dtype="Int64"),
            "predikat": ["Baik", "Sangat Baik", "Baik", None],
            "nilai_kinerja": [None, None, None, 88.5],
        }
    )
    save(store, "kinerja", None, k)
    fix = pd.DataFrame(
        {"nip": ["A1"], "tahun": pd.array([2025], dtype="Int64"), "predikat": ["Kurang"]}
    )
    save(store, "kinerja", None, fix)  # a corrected 2025 rating for A1
    got = st.load_ratings(store, "2026").sort_values(["nip", "tahun"], ignore_index=True)
    assert got["nip"].tolist() == ["A1", "A1", "A2"]  # 2027 is after the cycle
    assert got["tahun"].tolist() == [2024, 2025, 2025]
    assert got["predikat"].tolist()[:2] == ["Baik", "Kurang"]  # the corrected 2025 rating
    assert pd.isna(got["predikat"].iloc[2]) and got["nilai"].iloc[2] == 88.5
    assert len(st.load_ratings(store)) == 4


def test_a_store_of_the_row_schema_migrates_without_losing_a_row(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    st.create_private(path)
    db = sqlite3.connect(path, isolation_level=None)
    for script in st.MIGRATIONS[:2]:  # the schema before batches became columnar
        db.executescript(script)
    db.execute("PRAGMA user_version = 2")
    db.execute("ALTER TABLE assessments ADD COLUMN score_teknis REAL")
    for i, (kind, cycle) in enumerate([("asesmen", "2026"), ("kinerja", None)], start=1):
        db.execute(
            "INSERT INTO batches VALUES (?, 'f', 'x', ?, ?, 'S', 1, 2, 2, 0, 0, 't', '0')",
            (i, kind, cycle),
        )
    db.executemany(
        "INSERT INTO assessments (cycle, nip, nama, job_level, batch_id, score_teknis) "
        "VALUES ('2026', ?, ?, 'eselon_iv', 1, ?)",
        [("A1", "Ani", 3.25), ("A2", "Budi", None)],
    )
    db.executemany(
        "INSERT INTO ratings VALUES (?, 2025, ?, NULL, 2)", [("A1", "Baik"), ("A2", "Kurang")]
    )
    db.close()

    store = st.Store(path)
    cohort = st.load_cohort(store, "2026", ["teknis"])
    assert cohort[["nip", "nama"]].to_dict("list") == {"nip": ["A1", "A2"], "nama": ["Ani", "Budi"]}
    assert cohort["score_teknis"].iloc[0] == 3.25 and pd.isna(cohort["score_teknis"].iloc[1])
    assert st.load_ratings(store, "2026")["predikat"].tolist() == ["Baik", "Kurang"]
    tables = {r[0] for r in store.db.rows("SELECT name FROM sqlite_master")}
    assert "batch_data" not in tables and {"assessments", "results", "plans"} <= tables
    assert store.db.rows("PRAGMA user_version") == [(st.SCHEMA_VERSION,)]


def results(n: int) -> pd.DataFrame:
    """A run's result columns as the engine gives them, text both plain and categorical."""
    placements = ["rotasi", "promosi", None]
    return pd.DataFrame(
        {
            "nip": [f"19800101200501100{i}" for i in range(n)],
            "nama": [f"Nama {i}" for i in range(n)],
            "jabatan": ["Kepala Seksi", "Camat"] * (n // 2),
            "job_level": "pengawas",
            "unit": ["Dinas A", None] * (n // 2),
            "golongan": [None, "III/d"] * (n // 2),
            "jpm": 90.0,
            "jpm_category": pd.Categorical(["optimal", "cukup_optimal"] * (n // 2)),
            "potential_score": 90.0,
            "potential": "tinggi",
            "performance": pd.Categorical(["baik", None] * (n // 2)),
            "performance_year": 2025,
            "box": 8,
            "placement": pd.Categorical([placements[i % 3] for i in range(n)]),
            "talent_pool": True,
            "readiness": [None, "siap"] * (n // 2),
            "notes": [(), ("pensiun_dekat",)] * (n // 2),
            "retirement_date": pd.Categorical(["2038-01-01", "2041-07-01"] * (n // 2)),
            "score_teknis": 3.25,
        }
    )


RUN_META = {"cycle": "2026", "as_of": "2026-01-01", "rules_name": "r", "rules_sha256": "0"}
RUN_META |= {"rules_text": "", "people": 6, "classified": 6, "incomplete": 0}
NO_ONE = pd.DataFrame({"nip": [], "nama": [], "reason": []})


@pytest.mark.parametrize("readiness", ["some", "none"])
def test_run_results_are_rows_and_read_back_as_written(tmp_path: Path, readiness) -> None:
    store = st.Store(tmp_path / "t.db")
    people = results(6)
    if readiness == "none":  # a column of None (the engine gives objects): stored as NULLs
        people["readiness"] = pd.Series([None] * 6, dtype=object)
    run = st.save_run(store, RUN_META, people, NO_ONE, ["teknis"])
    rows = store.db.rows(
        "SELECT nip, placement, talent_pool, notes, score_teknis FROM results "
        "WHERE run_id = ? ORDER BY nip LIMIT 2",
        (run,),
    )
    assert rows == [
        ("198001012005011000", "rotasi", 1, "", 3.25),
        ("198001012005011001", "promosi", 1, "pensiun_dekat", 3.25),
    ]
    got, _, _ = st.run_results(store, run)
    # notes are stored joined; a frame without box_computed (no calibration) stores box
    want = people.assign(notes=["", "pensiun_dekat"] * 3, box_computed=people["box"])
    for name in st.RESULT_COLUMNS:
        seen = [None if pd.isna(v) else v for v in got[name]]
        assert seen == [None if pd.isna(v) else v for v in want[name]], name


def test_a_batch_is_rolled_back_when_before_commit_fails(tmp_path: Path) -> None:
    store = st.Store(tmp_path / "t.db")
    save(store, "asesmen", "2026", asesmen(["A1"], 2.0))
    before = [store.db.rows(f"SELECT * FROM {t}") for t in ("batches", "assessments")]

    def fail() -> None:
        raise OSError("disk full")

    meta = {**META, "kind": "asesmen", "cycle": "2026", "rows_read": 2, "accepted": 2}
    frame = asesmen(["A1", "A2"], 4.0)
    with pytest.raises(OSError):
        st.save_batch(store, meta, frame, NO_VIOLATIONS, ["teknis"], before_commit=fail)
    assert [store.db.rows(f"SELECT * FROM {t}") for t in ("batches", "assessments")] == before
    called = []
    st.save_batch(store, meta, frame, NO_VIOLATIONS, ["teknis"], lambda: called.append(1))
    assert called == [1] and len(store.db.rows("SELECT * FROM assessments")) == 2


def test_batch_by_sha_returns_the_rules_it_was_validated_under(tmp_path: Path) -> None:
    store = st.Store(tmp_path / "t.db")
    meta = {**META, "kind": "formasi", "cycle": "2026", "rows_read": 0, "accepted": 0}
    st.save_batch(store, {**meta, "rules_sha256": "a" * 64}, pd.DataFrame(), NO_VIOLATIONS, [])
    st.save_batch(store, {**meta, "rules_sha256": "b" * 64}, pd.DataFrame(), NO_VIOLATIONS, [])
    assert store.batch_by_sha("0" * 64)["rules_sha256"] == "b" * 64
    assert store.batch_by_sha("1" * 64) is None


def test_old_runs_are_pruned_from_every_run_table(tmp_path: Path) -> None:
    store = st.Store(tmp_path / "t.db")
    plans = pd.DataFrame({"plan_id": [0], "seq": [1], "code": ["X"], "reason": ["gap"]})
    runs = [
        st.save_run(store, RUN_META, results(2).assign(plan_id=0), NO_ONE, ["teknis"], plans=plans)
        for _ in range(st.KEEP_RUNS + 2)
    ]
    other = st.save_run(store, {**RUN_META, "cycle": "2025"}, results(2), NO_ONE, ["teknis"])
    kept = [*runs[2:], other]
    assert [r for (r,) in store.db.rows("SELECT id FROM runs ORDER BY id")] == kept
    for table in ("results", "plans"):
        ids = {r for (r,) in store.db.rows(f"SELECT DISTINCT run_id FROM {table}")}
        assert ids == set(kept if table == "results" else runs[2:]), table
    assert store.db.rows("SELECT DISTINCT cycle, run_id FROM v_hasil ORDER BY cycle") == [
        ("2025", other),
        ("2026", runs[-1]),
    ]


def test_plans_are_stored_once_and_read_back_per_person(tmp_path: Path) -> None:
    # two distinct plans for six people: 3 plan rows stored, 9 rows read back and in v_rencana
    store = st.Store(tmp_path / "t.db")
    plans = pd.DataFrame(
        {"plan_id": [0, 0, 1], "seq": [1, 2, 1], "code": ["TEK-B", "NUM-R", "MANDIRI"]}
    ).assign(reason=["gap", "min_jp", "min_jp"])
    people = results(6).assign(plan_id=[1, 0, 0, 1, 0, 1])
    rules = load_rules().rules
    run = st.save_run(store, RUN_META, people, NO_ONE, ["teknis"], plans=plans, rules=rules)
    assert store.db.rows("SELECT count(*) FROM plans WHERE run_id = ?", (run,)) == [(3,)]
    got = st.run_plans(store, run)
    cols = ["nip", "seq", "code", "programme", "competency", "form", "jp", "cost", "reason"]
    assert list(got.columns) == cols
    want = {1: [("MANDIRI", "min_jp")], 0: [("TEK-B", "gap"), ("NUM-R", "min_jp")]}
    expect = [
        (nip, seq, code, reason)
        for nip, pid in zip(people["nip"], people["plan_id"], strict=True)
        for seq, (code, reason) in enumerate(want[pid], start=1)
    ]
    assert list(got[["nip", "seq", "code", "reason"]].itertuples(index=False, name=None)) == expect
    assert got.loc[got["code"] == "TEK-B", "jp"].tolist() == [40] * 3  # from the catalogue
    view = store.db.rows("SELECT nip, seq, code, jp, reason FROM v_rencana ORDER BY nip, seq")
    rows = list(got[["nip", "seq", "code", "jp", "reason"]].itertuples(index=False, name=None))
    assert view == rows


def test_the_store_file_is_owner_only(tmp_path: Path) -> None:
    st.Store(tmp_path / "t.db").close()
    assert (tmp_path / "t.db").stat().st_mode & 0o777 == 0o600


def test_a_locked_store_raises_the_sqlite_error_the_cli_maps(tmp_path: Path) -> None:
    import sqlite3

    holder, other = st.Store(tmp_path / "t.db"), st.Store(tmp_path / "t.db")
    try:
        with holder.transaction(), pytest.raises(sqlite3.OperationalError, match="locked"):
            save(other, "asesmen", "2026", asesmen(["A1"], 2.0))  # after the busy timeout
    finally:
        holder.close()
        other.close()
