"""The store's columnar batches: rows in force across batches and cycles, and the migration of
a store written by the earlier row-per-person schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from talentcli import store as st

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
    tables = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master")}
    assert "assessments" not in tables and "batch_data" in tables
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == st.SCHEMA_VERSION


def test_a_batch_stored_as_parquet_by_an_earlier_build_still_reads(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    store = st.Store(tmp_path / "t.db")
    batch = save(store, "asesmen", "2026", asesmen(["A1"], 2.0))
    sink = pa.BufferOutputStream()
    pq.write_table(pa.table({"nip": ["A9"], "job_level": ["eselon_iv"]}), sink)
    store.db.execute(
        "UPDATE batch_data SET format = 'parquet', data = ? WHERE batch_id = ?",
        (sink.getvalue().to_pybytes(), batch),
    )
    assert st.load_cohort(store, "2026", ["teknis"])["nip"].tolist() == ["A9"]


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


@pytest.mark.parametrize("readiness", ["some", "none"])
def test_run_results_shared_text_stored_once_and_read_back(tmp_path: Path, readiness) -> None:
    import pyarrow as pa

    store = st.Store(tmp_path / "t.db")
    meta = {"cycle": "2026", "as_of": "2026-01-01", "rules_name": "r", "rules_sha256": "0"}
    meta |= {"rules_text": "", "people": 6, "classified": 6, "incomplete": 0}
    people = results(6)
    if readiness == "none":  # a column of None (the engine gives objects): stored as nulls
        people["readiness"] = pd.Series([None] * 6, dtype=object)
    no_one = pd.DataFrame({"nip": [], "nama": [], "reason": []})
    run = st.save_run(store, meta, people, no_one, ["teknis"])
    blob = store.db.execute("SELECT data FROM results WHERE run_id = ?", (run,)).fetchone()[0]
    schema = pa.ipc.open_stream(blob).schema
    shared = [n for n in st.SHARED_TEXT if readiness == "some" or n != "readiness"]
    assert [f.name for f in schema if pa.types.is_dictionary(f.type)] == shared
    got, _, _ = st.run_results(store, run)
    want = people.assign(notes=["", "pensiun_dekat"] * 3)  # notes are stored joined
    for name in st.RESULT_COLUMNS:
        seen = [None if pd.isna(v) else v for v in got[name]]
        assert seen == [None if pd.isna(v) else v for v in want[name]], name
