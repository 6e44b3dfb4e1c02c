"""The store's schema: tables, views and the migrations that build them (SPEC §6).

Every stored fact is a row of a plain table; docs/store.md documents each table and view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from talentcli.kinds import KINDS, SCORES, Kind
from talentcli.store import legacy

SCORE_PREFIX = "score_"  # one REAL column per competency code: score_teknis, score_numerik ...
# Stored type of the kinds' fields that are not text (the registry names fields, not types).
FIELD_TYPES = {
    "potensi": "REAL",
    "nilai_kinerja": "REAL",
    "tahun": "INTEGER",
    "jumlah": "INTEGER",
    "hukuman_disiplin": "INTEGER",  # pegawai: 1 an active sanction, 0 none, NULL not given
    "kotak_akhir": "INTEGER",
}
# A run's per-person results: the person columns of the JSON report (SPEC §5), then the
# plan totals; the scores follow as score_<code>.
RESULT_TYPES = {
    "nip": "TEXT NOT NULL",
    "nama": "TEXT",
    "jabatan": "TEXT",
    "job_level": "TEXT",
    "unit": "TEXT",
    "golongan": "TEXT",
    "jpm": "REAL",
    "jpm_category": "TEXT",
    "potential_score": "REAL",
    "potential": "TEXT",
    "performance": "TEXT",
    "performance_year": "INTEGER",
    "box_computed": "INTEGER",  # the 9-box of §4.5; `box` is the final one (§4.9)
    "box": "INTEGER",
    "placement": "TEXT",
    "talent_pool": "INTEGER",
    "readiness": "TEXT",
    "notes": "TEXT",
    "retirement_date": "TEXT",
    "plan_jp": "INTEGER",
    "plan_cost": "INTEGER",
}
# The lists of the report as views over the latest run of each cycle (SPEC §6).
PLACEMENT_VIEWS = {
    "v_promosi": "placement = 'promosi'",
    "v_rotasi": "placement = 'rotasi'",
    "v_mutasi": "placement = 'mutasi'",
    "v_tindak_lanjut": "placement = 'tindak_lanjut'",
    "v_suksesi": "talent_pool = 1",
}


def kind_columns(kind: Kind, competencies: list[str]) -> dict[str, str]:
    """The columns of KIND's table with their SQL types (cycle first when cycled)."""
    cols = {"cycle": "TEXT NOT NULL"} if kind.cycled else {}
    for name in kind.fields:
        if name == SCORES:
            cols |= {SCORE_PREFIX + c: "REAL" for c in competencies}
        else:
            cols[name] = FIELD_TYPES.get(name, "TEXT")
    for name in kind.key:
        cols[name] += " NOT NULL"
    return cols | {"batch_id": "INTEGER NOT NULL REFERENCES batches(id)"}


def create_kind_table(db: Any, kind: Kind, competencies: list[str]) -> None:
    """KIND's table of accepted rows: one row per key (per cycle), the newest batch's."""
    cols = kind_columns(kind, competencies)
    key = ", ".join((["cycle"] if kind.cycled else []) + list(kind.key))
    body = ", ".join(f'"{n}" {t}' for n, t in cols.items())
    db.run(f"CREATE TABLE IF NOT EXISTS {kind.table} ({body}, PRIMARY KEY ({key}))")


RUN_TABLES = """
CREATE TABLE standards (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    job_level TEXT NOT NULL, competency TEXT NOT NULL, standard REAL NOT NULL,
    strength_min REAL NOT NULL, berat_max REAL NOT NULL, decimals INTEGER NOT NULL,
    PRIMARY KEY (run_id, job_level, competency)
);
CREATE TABLE programmes (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    code TEXT NOT NULL, programme TEXT, competency TEXT, form TEXT,
    jp INTEGER NOT NULL, cost INTEGER NOT NULL,
    PRIMARY KEY (run_id, code)
);
CREATE TABLE plans (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    nip TEXT NOT NULL, seq INTEGER NOT NULL, code TEXT NOT NULL, reason TEXT NOT NULL,
    PRIMARY KEY (run_id, nip, seq)
) WITHOUT ROWID;
CREATE TABLE candidates (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    kode TEXT NOT NULL, rank INTEGER NOT NULL, nip TEXT NOT NULL, nama TEXT,
    job_level TEXT, fit REAL, box INTEGER,
    PRIMARY KEY (run_id, kode, rank)
);
CREATE VIEW latest_runs AS SELECT cycle, max(id) AS run_id FROM runs GROUP BY cycle;
CREATE VIEW people AS
    SELECT nip, nama,
           substr(nip, 1, 4) || '-' || substr(nip, 5, 2) || '-' || substr(nip, 7, 2)
               AS birth_date,
           CAST(substr(nip, 15, 1) AS INTEGER) AS gender,
           max(batch_id) AS batch_id
    FROM assessments GROUP BY nip;
CREATE VIEW v_rencana AS
    SELECT l.cycle, p.run_id, p.nip, r.nama, r.unit, p.seq, p.code, g.programme,
           g.competency, g.form, g.jp, g.cost, p.reason
    FROM latest_runs l JOIN plans p ON p.run_id = l.run_id
    JOIN programmes g ON g.run_id = p.run_id AND g.code = p.code
    JOIN results r ON r.run_id = p.run_id AND r.nip = p.nip;
CREATE VIEW v_kandidat AS
    SELECT l.cycle, c.run_id, c.kode AS code, v.jabatan, v.unit, v.job_level, v.jumlah,
           c.rank, c.nip, c.nama, c.fit, c.box
    FROM latest_runs l JOIN candidates c ON c.run_id = l.run_id
    LEFT JOIN vacancies v ON v.cycle = l.cycle AND v.kode = c.kode
"""


def results_table(db: Any, competencies: list[str]) -> None:
    """The results table (one row per run x classified person) and the views over it."""
    cols = RESULT_TYPES | {SCORE_PREFIX + c: "REAL" for c in competencies}
    body = ", ".join(f'"{n}" {t}' for n, t in cols.items())
    db.run(
        "CREATE TABLE results (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, "
        f"{body}, PRIMARY KEY (run_id, nip)) WITHOUT ROWID"
    )
    db.run(
        "CREATE VIEW v_hasil AS SELECT l.cycle, r.* "
        "FROM latest_runs l JOIN results r ON r.run_id = l.run_id"
    )
    for name, where in PLACEMENT_VIEWS.items():
        db.run(f"CREATE VIEW {name} AS SELECT * FROM v_hasil WHERE {where}")


def competency_view(db: Any, competencies: list[str]) -> None:
    """v_kompetensi: score, standard, delta, status and severity per person x competency of
    the latest run of each cycle, computed from the scores and the run's standards (no
    stored row per competency). Rebuilt when a competency column is added."""
    db.run("DROP VIEW IF EXISTS v_kompetensi")
    pick = " ".join(f"WHEN '{c}' THEN r.{SCORE_PREFIX}{c}" for c in competencies)
    score = f"CASE s.competency {pick} END" if competencies else "NULL"
    db.run(
        "CREATE VIEW v_kompetensi AS "
        "SELECT cycle, run_id, nip, competency, score, standard, delta, "
        "CASE WHEN delta < 0 THEN 'gap' WHEN delta >= strength_min THEN 'strength' "
        "ELSE 'meets' END AS status, "
        "CASE WHEN delta <= berat_max THEN 'berat' WHEN delta < 0 THEN 'ringan' END "
        "AS severity FROM ("
        f"SELECT l.cycle, r.run_id, r.nip, s.competency, {score} AS score, s.standard, "
        f"round({score} - s.standard, s.decimals) AS delta, s.strength_min, s.berat_max "
        "FROM latest_runs l JOIN results r ON r.run_id = l.run_id "
        "JOIN standards s ON s.run_id = r.run_id AND s.job_level = r.job_level)"
    )


def score_columns(db: Any, table: str) -> list[str]:
    """The competency codes TABLE has a score column for, in column order."""
    names = [r[1] for r in db.rows(f"PRAGMA table_info({table})")]
    return [n[len(SCORE_PREFIX) :] for n in names if n.startswith(SCORE_PREFIX)]


def add_score_columns(db: Any, table: str, competencies: list[str]) -> bool:
    """Add a REAL column to TABLE for each competency it lacks; True if one was added."""
    have = set(score_columns(db, table))
    new = [c for c in competencies if c not in have]
    for code in new:
        db.run(f'ALTER TABLE {table} ADD COLUMN "{SCORE_PREFIX}{code}" REAL')
    return bool(new)


def _tables(db: Any, writes: Any) -> None:
    """Schema 4: accepted rows and run results move from blobs into plain tables (one row
    per fact), with plans, candidates and standards per run and the report's views."""
    batches = legacy.batch_frames(db)
    runs = legacy.run_frames(db)
    db.run("ALTER TABLE batches ADD COLUMN rules_sha256 TEXT")
    db.run("DROP TABLE batch_data")
    db.run("DROP TABLE results")
    scored = [f for _, k, _, f in batches if k == "asesmen"] + [f for _, f in runs]
    names = [c for f in scored for c in f.columns if c.startswith(SCORE_PREFIX)]
    comps = [c[len(SCORE_PREFIX) :] for c in dict.fromkeys(names)]
    for kind in KINDS.values():
        create_kind_table(db, kind, comps if kind.name == "asesmen" else [])
    for stmt in _statements(RUN_TABLES):
        db.run(stmt)
    results_table(db, comps)
    competency_view(db, comps)
    for batch, kind, cycle, frame in batches:
        writes.store_rows(db, KINDS[kind], cycle, batch, legacy_rows(kind, frame))
    for run, frame in runs:
        writes.migrate_run(db, run, frame)


# The criteria of SPEC §4.7 as the eligibility migration stored them (a released migration
# never changes, so it keeps its own copy of the names)
ELIGIBILITY_CRITERIA = (
    "education_min",
    "years_in_post_min",
    "golongan_min",
    "performance_years",
    "no_discipline",
    "max_age",
)
ELIGIBILITY = """
CREATE TABLE IF NOT EXISTS personnel (
    nip TEXT NOT NULL, nama TEXT, pendidikan TEXT, golongan TEXT, tmt_golongan TEXT,
    tmt_jabatan TEXT, hukuman_disiplin INTEGER, jabatan TEXT, unit TEXT,
    batch_id INTEGER NOT NULL REFERENCES batches(id),
    PRIMARY KEY (nip)
);
CREATE TABLE IF NOT EXISTS vacancy_pools (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    kode TEXT NOT NULL, pool INTEGER NOT NULL, candidates INTEGER NOT NULL, reason TEXT,
    {excluded},
    PRIMARY KEY (run_id, kode)
);
CREATE TABLE IF NOT EXISTS promotions (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    job_level TEXT NOT NULL, seq INTEGER NOT NULL, promotes_to TEXT NOT NULL,
    PRIMARY KEY (run_id, job_level, seq)
);
DROP VIEW IF EXISTS v_kandidat;
CREATE VIEW v_kandidat AS
    SELECT l.cycle, c.run_id, c.kode AS code, v.jabatan, v.unit, v.job_level, v.jumlah,
           c.rank, c.nip, c.nama, c.fit, c.box, c.verdict, {criteria}
    FROM latest_runs l JOIN candidates c ON c.run_id = l.run_id
    LEFT JOIN vacancies v ON v.cycle = l.cycle AND v.kode = c.kode;
DROP VIEW IF EXISTS v_suksesi;
CREATE VIEW v_suksesi AS
    SELECT h.*, (SELECT group_concat(promotes_to, char(59) || ' ') FROM (
        SELECT p.promotes_to FROM promotions p
        WHERE p.run_id = h.run_id AND p.job_level = h.job_level ORDER BY p.seq)) AS promotes_to
    FROM v_hasil h WHERE h.talent_pool = 1
"""


def _eligibility(db: Any) -> None:
    """Schema 8 (SPEC §4.7): personnel data (kind pegawai); per candidate the verdict and
    each criterion's result and detail; per vacancy its pool, candidates, the reason when
    there is none and the people left out per failed criterion; each run's promotes_to (the
    succession view names the next levels)."""
    names = [x for c in ELIGIBILITY_CRITERIA for x in (c, f"{c}_detail")]
    have = {r[1] for r in db.rows("PRAGMA table_info(candidates)")}  # idempotent: run again
    for name in ("verdict", *names):
        if name not in have:
            db.run(f'ALTER TABLE candidates ADD COLUMN "{name}" TEXT')
    excluded = ", ".join(f"excluded_{c} INTEGER" for c in ELIGIBILITY_CRITERIA)
    criteria = ", ".join(f"c.{n}" for n in names)
    for stmt in _statements(ELIGIBILITY.format(excluded=excluded, criteria=criteria)):
        db.run(stmt)


def legacy_rows(kind: str, frame: Any) -> Any:
    """A schema-3 batch's rows under the field names of the registry (nilai -> nilai_kinerja)."""
    out = frame.rename(columns={"nilai": "nilai_kinerja"})
    return out.rename(columns=lambda c: c[len(SCORE_PREFIX) :] if c.startswith("score_") else c)


RUN_CALIBRATIONS = """
CREATE TABLE IF NOT EXISTS run_calibrations (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    nip TEXT NOT NULL, nama TEXT, box_computed INTEGER, box INTEGER NOT NULL,
    reason TEXT, decided_by TEXT, date TEXT, ref TEXT,
    applied INTEGER NOT NULL, reason_not_applied TEXT, batch_id INTEGER,
    PRIMARY KEY (run_id, nip)
)
"""


def _calibration(db: Any, writes: Any) -> None:
    """Schema 5: the committee's decisions (kind kalibrasi, table calibrations), each run's
    list of them (run_calibrations) and the computed box beside the final one in results
    (box_computed; a run made before calibration existed has box_computed = box).
    Idempotent: a store built at schema 4 by this version has some of it already."""
    create_kind_table(db, KINDS["kalibrasi"], [])
    db.run(RUN_CALIBRATIONS)
    if "box_computed" not in {r[1] for r in db.rows("PRAGMA table_info(results)")}:
        db.run("ALTER TABLE results ADD COLUMN box_computed INTEGER")
    db.run("UPDATE results SET box_computed = box WHERE box_computed IS NULL")


DISTINCT_PLANS = """
CREATE TABLE plans (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    plan_id INTEGER NOT NULL, seq INTEGER NOT NULL, code TEXT NOT NULL, reason TEXT NOT NULL,
    PRIMARY KEY (run_id, plan_id, seq)
) WITHOUT ROWID;
ALTER TABLE results ADD COLUMN plan_id INTEGER;
CREATE VIEW v_rencana AS
    SELECT l.cycle, r.run_id, r.nip, r.nama, r.unit, p.seq, p.code, g.programme,
           g.competency, g.form, g.jp, g.cost, p.reason
    FROM latest_runs l JOIN results r ON r.run_id = l.run_id
    JOIN plans p ON p.run_id = r.run_id AND p.plan_id = r.plan_id
    JOIN programmes g ON g.run_id = p.run_id AND g.code = p.code
"""


def _distinct_plans(db: Any, writes: Any) -> None:
    """Schema 5: a run's plans stored once per distinct plan (`plans`: run_id, plan_id, seq,
    code, reason; a plan depends on a few hundred signatures, SPEC §4.8) and a plan_id on each
    result row, in place of a row per person x programme (3.4 million at 1M people).
    v_rencana gives the same rows as before."""
    import pyarrow as pa

    sql = "SELECT run_id, nip, seq, code, reason FROM plans ORDER BY run_id, nip, seq"
    old = db.arrow(sql).to_pandas()
    db.run("DROP VIEW v_rencana")
    db.run("DROP TABLE plans")
    for stmt in _statements(DISTINCT_PLANS):
        db.run(stmt)
    if old.empty:
        return
    person, plan_id = _plan_ids(old)
    old = old.assign(plan_id=plan_id)
    first = np.flatnonzero(np.append(True, person[1:] != person[:-1]))  # person i: row first[i]
    run = old["run_id"].to_numpy(dtype=np.int64)[first]
    chosen = np.unique((run << 32) + plan_id[first], return_index=True)[1]  # a person per plan
    rows = old[np.isin(person, chosen)][["run_id", "plan_id", "seq", "code", "reason"]]
    db.ingest("plans", pa.Table.from_pandas(rows, preserve_index=False))
    ids = old.iloc[first][["run_id", "nip", "plan_id"]]
    db.ingest("plan_ids", pa.Table.from_pandas(ids, preserve_index=False), temporary=True)
    db.run(
        "UPDATE results SET plan_id = p.plan_id FROM temp.plan_ids p "
        "WHERE p.run_id = results.run_id AND p.nip = results.nip"
    )
    db.run("DROP TABLE temp.plan_ids")


def _plan_ids(old: Any) -> tuple[Any, Any]:
    """Per row of OLD (schema 4's plan rows by run_id, nip, seq): the person it belongs to
    (0..) and that person's plan id within the run (0.. in order of first appearance), from
    the sequence of (code, reason) steps: columnar, not a loop over millions of people."""
    import pandas as pd

    run = old["run_id"].to_numpy(dtype=np.int64)
    nip = old["nip"].to_numpy(dtype=object)
    new = np.append(True, (run[1:] != run[:-1]) | (nip[1:] != nip[:-1]))
    person = np.cumsum(new) - 1
    pos = np.arange(len(old)) - np.flatnonzero(new)[person]
    code = pd.factorize(old["code"].to_numpy(dtype=object))[0]
    reason = pd.factorize(old["reason"].to_numpy(dtype=object))[0]
    steps = np.full((int(person[-1]) + 1, int(pos.max()) + 2), -1, dtype=np.int64)
    steps[person, 0] = run
    steps[person, pos + 1] = code * (int(reason.max()) + 1) + reason
    key = np.unique(steps, axis=0, return_inverse=True)[1].reshape(-1)
    plan = np.empty(len(key), dtype=np.int64)
    owner = run[np.flatnonzero(new)]
    for r in np.unique(owner):  # a handful of runs: numbered in each run's order
        mine = owner == r
        plan[mine] = pd.factorize(key[mine])[0]
    return person, plan[person]


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


# Each entry migrates the schema from version i to i + 1: SQL text, or a Python step for what
# SQL cannot do. Never edit a released one: append.
# A callable step gets the connection and io's bulk writes (`writes.store_rows`, ...):
# passed in, so the schema never imports the module that imports it.
MIGRATIONS: list[str | Callable[[Any, Any], None]] = [
    """
    CREATE TABLE batches (
        id INTEGER PRIMARY KEY,
        file TEXT NOT NULL, sha256 TEXT NOT NULL, kind TEXT NOT NULL, cycle TEXT,
        sheet TEXT, header_row INTEGER,
        rows_read INTEGER NOT NULL, accepted INTEGER NOT NULL,
        rejected INTEGER NOT NULL, skipped INTEGER NOT NULL,
        imported_at TEXT NOT NULL, tool_version TEXT NOT NULL
    );
    CREATE INDEX batches_sha256 ON batches (sha256);
    CREATE TABLE violations (
        batch_id INTEGER NOT NULL REFERENCES batches(id),
        severity TEXT NOT NULL, row INTEGER, cell TEXT, column_letter TEXT, header TEXT,
        field TEXT, code TEXT NOT NULL, value TEXT, message TEXT
    );
    CREATE TABLE assessments (
        cycle TEXT NOT NULL, nip TEXT NOT NULL, nama TEXT, jabatan TEXT, job_level TEXT NOT NULL,
        unit TEXT, golongan TEXT, potensi REAL,
        batch_id INTEGER NOT NULL REFERENCES batches(id),
        PRIMARY KEY (cycle, nip)
    );
    CREATE VIEW people AS
        SELECT nip, nama,
               substr(nip, 1, 4) || '-' || substr(nip, 5, 2) || '-' || substr(nip, 7, 2)
                   AS birth_date,
               CAST(substr(nip, 15, 1) AS INTEGER) AS gender,
               max(batch_id) AS batch_id
        FROM assessments GROUP BY nip;
    CREATE TABLE ratings (
        nip TEXT NOT NULL, tahun INTEGER NOT NULL, predikat TEXT, nilai REAL,
        batch_id INTEGER NOT NULL REFERENCES batches(id),
        PRIMARY KEY (nip, tahun)
    );
    CREATE TABLE vacancies (
        cycle TEXT NOT NULL, kode TEXT NOT NULL, jabatan TEXT, unit TEXT,
        job_level TEXT NOT NULL, jumlah INTEGER NOT NULL,
        batch_id INTEGER NOT NULL REFERENCES batches(id),
        PRIMARY KEY (cycle, kode)
    );
    """,
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        cycle TEXT NOT NULL, as_of TEXT NOT NULL,
        rules_name TEXT NOT NULL, rules_sha256 TEXT NOT NULL, rules_text TEXT NOT NULL,
        tool_version TEXT NOT NULL, created_at TEXT NOT NULL,
        people INTEGER NOT NULL, classified INTEGER NOT NULL, incomplete INTEGER NOT NULL
    );
    CREATE TABLE run_inputs (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        batch_id INTEGER NOT NULL REFERENCES batches(id),
        PRIMARY KEY (run_id, batch_id)
    );
    CREATE TABLE results (
        run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
        format TEXT NOT NULL,
        people INTEGER NOT NULL,
        data BLOB NOT NULL
    );
    CREATE TABLE incomplete (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        nip TEXT NOT NULL, nama TEXT, reason TEXT NOT NULL,
        PRIMARY KEY (run_id, nip)
    );
    """,
    lambda db, writes: legacy.columnar_batches(db),
    lambda db, writes: _tables(db, writes),
    lambda db, writes: _distinct_plans(db, writes),
    # schema 6: each violation's row NIP (as read) and year (kinerja), for explain and the
    # kinerja_tahun_ditolak note; older rows get the NIP their own NIP cell gave
    """
    ALTER TABLE violations ADD COLUMN nip TEXT;
    ALTER TABLE violations ADD COLUMN tahun INTEGER;
    UPDATE violations
        SET nip = replace(replace(replace(replace(value, ' ', ''), '.', ''), '-', ''), '''', '')
        WHERE field = 'nip' AND code IN ('invalid-nip', 'duplicate-nip');
    CREATE INDEX violations_nip ON violations (nip);
    """,
    # schema 7
    lambda db, writes: _calibration(db, writes),
    lambda db, writes: _eligibility(db),
]
SCHEMA_VERSION = len(MIGRATIONS)


def statements(script: str) -> list[str]:
    """The statements of an SQL script (no semicolon inside a statement of ours)."""
    return _statements(script)
