"""docs/store.md's promise: every example query on it runs against a store made from the
shipped samples, and the views answer what the report says."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

import pytest

from talentcli.ingest import ImportOptions, import_file
from talentcli.pipeline import classify_cycle
from talentcli.rules import load_rules
from talentcli.store import Store

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "store.md"
EXAMPLE = re.compile(r'^\s*sqlite3 talent\.db "(.+)"\s*$', re.MULTILINE)
SAMPLES = ["pegawai-2026.xlsx", "asesmen-2026.xlsx", "kinerja.xlsx", "formasi-2026.xlsx",
           "kalibrasi-2026.xlsx"]  # fmt: skip


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> tuple[Path, int]:
    """talent.db after importing the samples and classifying 2026; the classified count."""
    folder = tmp_path_factory.mktemp("store-docs")
    loaded = load_rules()
    store = Store(folder / "talent.db")
    try:
        for name in SAMPLES:
            opts = ImportOptions(default_cycle="2026")
            assert import_file(REPO / "samples" / name, store, loaded.rules, opts).status
        summary = classify_cycle(store, loaded, "2026", dt.date(2026, 1, 1))
    finally:
        store.close()
    return folder / "talent.db", summary.classified


def examples() -> list[str]:
    return EXAMPLE.findall(DOC.read_text(encoding="utf-8"))


def query(db: Path, sql: str) -> list[tuple]:
    """SQL as `sqlite3 talent.db` runs it: the stdlib's SQLite, read-only."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_the_doc_has_an_example_for_every_table_and_view(sample_db) -> None:
    db, _ = sample_db
    names = {
        n for (n,) in query(db, "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
    }
    text = " ".join(examples())
    missing = {n for n in names if not re.search(rf"\b{n}\b", text)} - {"latest_runs"}
    assert not missing, f"docs/store.md has no example query for {sorted(missing)}"


@pytest.mark.parametrize("sql", examples())
def test_every_example_query_of_the_doc_runs_and_finds_rows(sample_db, sql: str) -> None:
    db, _ = sample_db
    rows = query(db, sql)
    assert rows or "from violations" in sql, sql  # the shipped samples have no rejected row


def test_v_hasil_counts_the_classified_and_v_promosi_shows_text_and_numbers(sample_db) -> None:
    db, classified = sample_db
    assert query(db, "select count(*) from v_hasil") == [(classified,)]
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        cur = con.execute("select nip, nama, unit, box, placement, jpm from v_promosi limit 3")
        rows = cur.fetchall()
    finally:
        con.close()
    assert len(rows) == 3
    for nip, nama, unit, box, placement, jpm in rows:
        assert isinstance(nip, str) and len(nip) == 18 and isinstance(nama, str)
        assert isinstance(unit, str) and box == 9 and placement == "promosi"
        assert isinstance(jpm, float)


def test_the_lists_partition_the_classified(sample_db) -> None:
    db, classified = sample_db
    views = ["v_promosi", "v_rotasi", "v_mutasi", "v_tindak_lanjut"]
    counts = [query(db, f"select count(*) from {v}")[0][0] for v in views]
    tetap = query(db, "select count(*) from v_hasil where placement = 'tetap'")[0][0]
    assert sum(counts) + tetap == classified


def test_v_kompetensi_agrees_with_the_engine_on_a_person(sample_db) -> None:
    """Delta and status from the view, checked by hand against the stored score and the
    default rules' standard (SPEC §4.2: gap < 0, strength >= 1, berat <= -1)."""
    db, _ = sample_db
    rows = query(
        db,
        "select k.score, k.standard, k.delta, k.status, k.severity, r.job_level "
        "from v_kompetensi k join v_hasil r on r.nip = k.nip and r.run_id = k.run_id "
        "where k.competency = 'teknis'",
    )
    assert len(rows) == query(db, "select count(*) from v_hasil")[0][0]
    standard = {"administrator": 3, "pengawas": 3, "jf_ahli_madya": 4, "jf_ahli_muda": 3}
    standard["jf_ahli_pertama"] = 2
    for score, std, delta, status, severity, level in rows:
        assert std == standard[level] and delta == round(score - std, 2)
        want = "gap" if delta < 0 else "strength" if delta >= 1 else "meets"
        assert status == want
        assert severity == ("berat" if delta <= -1 else "ringan" if delta < 0 else None)
