"""The SQLite store (SPEC §6): schema with migrations in code, one transaction per import."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from talentcli import __version__
from talentcli.errors import NotFoundError, StoreError

# Each entry migrates the schema from version i to i + 1: SQL text, or a Python step for what
# SQL cannot do. Never edit a released one: append.
MIGRATIONS: list[str | Callable[[sqlite3.Connection], None]] = [
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
    lambda db: _columnar_batches(db),
]
SCHEMA_VERSION = len(MIGRATIONS)
SCORE_PREFIX = "score_"  # assessments gets one REAL column per competency of the rules in use


def now() -> str:
    """UTC time stamp in ISO form."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def create_private(path: Path) -> None:
    """Create an empty file readable by its owner only, whatever the umask."""
    from talentcli.safety import private_dir

    private_dir(path.parent)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


class Store:
    """A talentcli database file."""

    def __init__(self, path: Path, create: bool = True) -> None:
        self.path = path
        if not path.exists():
            if not create:
                raise NotFoundError(
                    f"there is no store at {path}; import files first (talentcli import ...) "
                    "or give the right --db / workspace"
                )
            create_private(path)
        try:
            self.db = sqlite3.connect(path, isolation_level=None)
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a talentcli database ({exc})") from None

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: made by a newer talentcli (schema {version}); upgrade talentcli"
            )
        for i in range(version, SCHEMA_VERSION):
            step = MIGRATIONS[i]
            with self.transaction():
                if callable(step):
                    step(self.db)
                else:
                    for stmt in _statements(step):
                        self.db.execute(stmt)
                self.db.execute(f"PRAGMA user_version = {i + 1}")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception (including interrupts)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def batch_by_sha(self, sha256: str) -> dict | None:
        """The earlier import of a file with this content, if any."""
        cur = self.db.execute(
            "SELECT * FROM batches WHERE sha256 = ? ORDER BY id DESC LIMIT 1", (sha256,)
        )
        row = cur.fetchone()
        return dict(zip([d[0] for d in cur.description], row, strict=True)) if row else None

    def violations(self, batch_id: int) -> pd.DataFrame:
        """The violations recorded for a batch."""
        return pd.read_sql_query(
            "SELECT * FROM violations WHERE batch_id = ? ORDER BY rowid",
            self.db,
            params=(batch_id,),
        )

    def table(self, sql: str, params: tuple = ()) -> pd.DataFrame:
        """Run a query into a DataFrame (column lists built once; NULL -> None / NaN)."""
        cur = self.db.execute(sql, params)
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
        if not rows:
            return pd.DataFrame({n: pd.Series([], dtype=object) for n in names})
        columns = zip(*rows, strict=True)
        return pd.DataFrame({n: list(c) for n, c in zip(names, columns, strict=True)})


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _rows(frame: pd.DataFrame) -> list[tuple]:
    """DataFrame -> tuples with None for missing values (sqlite3 binds None as NULL)."""
    cols = []
    for _, c in frame.items():
        missing = c.isna()
        values = c.astype(object).where(~missing, None) if missing.any() else c
        cols.append(values.tolist())
    return list(zip(*cols, strict=True))


def _insert(db: sqlite3.Connection, table: str, frame: pd.DataFrame) -> None:
    names = ", ".join(f'"{c}"' for c in frame.columns)
    marks = ", ".join("?" * frame.shape[1])
    db.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", _rows(frame))


def _save_violations(db: sqlite3.Connection, batch: int, v: pd.DataFrame) -> None:
    if v.empty:
        return
    cols = ["severity", "row", "cell", "column", "header", "field", "code", "value", "message"]
    frame = v[cols].copy()
    frame.insert(0, "batch_id", batch)
    db.executemany(
        "INSERT INTO violations (batch_id, severity, row, cell, column_letter, header, field, "
        "code, value, message) VALUES (?,?,?,?,?,?,?,?,?,?)",
        _rows(frame),
    )


# ------------------------------------------------------------------ accepted rows, columnar
#
# A batch's accepted rows are one Arrow IPC blob (batch_data), not one SQLite row each: storing
# and reading them costs a C-level pass instead of ~10 us of Python per row, which is what
# lets a million people import and classify in seconds. Rows are read back batch by batch in
# import order; a later batch replaces a person's (or a vacancy's) row, as the newer file wins.

TEXT, REAL, WHOLE = "text", "real", "whole"
LAYOUT: dict[str, dict[str, str]] = {  # stored columns per kind (asesmen adds score_<code>)
    "asesmen": {
        "nip": TEXT,
        "nama": TEXT,
        "jabatan": TEXT,
        "job_level": TEXT,
        "unit": TEXT,
        "golongan": TEXT,
        "potensi": REAL,
    },
    "kinerja": {"nip": TEXT, "tahun": WHOLE, "predikat": TEXT, "nilai": REAL},
    "formasi": {"kode": TEXT, "jabatan": TEXT, "unit": TEXT, "job_level": TEXT, "jumlah": WHOLE},
}
KEYS = {"asesmen": ["nip"], "kinerja": ["nip", "tahun"], "formasi": ["kode"]}
FIELD = {"nilai": "nilai_kinerja"}  # stored name -> the importer's field name, where they differ


def save_batch(
    store: Store,
    meta: dict,
    accepted: pd.DataFrame,
    violations: pd.DataFrame,
    competencies: list[str],
) -> int:
    """Store one import in one transaction: the batch, its violations, its accepted rows."""
    kind = meta["kind"]
    layout = dict(LAYOUT[kind])
    stored = {c: accepted.get(FIELD.get(c, c)) for c in layout}
    if kind == "asesmen":
        for comp in competencies:
            layout[SCORE_PREFIX + comp] = REAL
            stored[SCORE_PREFIX + comp] = accepted[comp]
    blob = _arrow_blob(stored, layout, len(accepted), sort_by="nip" if kind == "asesmen" else None)
    with store.transaction() as db:
        cur = db.execute(
            "INSERT INTO batches (file, sha256, kind, cycle, sheet, header_row, rows_read, "
            "accepted, rejected, skipped, imported_at, tool_version) "
            "VALUES (:file, :sha256, :kind, :cycle, :sheet, :header_row, :rows_read, "
            ":accepted, :rejected, :skipped, :imported_at, :tool_version)",
            {**meta, "imported_at": now(), "tool_version": __version__},
        )
        batch = int(cur.lastrowid)
        _save_violations(db, batch, violations)
        db.execute("INSERT INTO batch_data VALUES (?, 'arrow', ?, ?)", (batch, len(accepted), blob))
    return batch


def _arrow_blob(columns: dict, layout: dict[str, str], n: int, sort_by: str | None = None) -> bytes:
    """Columns (Series, arrays or None for absent) typed by LAYOUT -> an Arrow IPC stream,
    zstd-compressed: written and read back about ten times faster than Parquet. Sorted by
    SORT_BY (a cohort stored in NIP order reaches the engine in the order it works in)."""
    import pyarrow as pa

    kinds = {TEXT: pa.string(), REAL: pa.float64(), WHOLE: pa.int64()}
    arrays = []
    for name, kind in layout.items():
        values = columns.get(name)
        if values is None:
            arrays.append(pa.nulls(n, kinds[kind]))
        else:
            arrays.append(pa.array(values, type=kinds[kind], from_pandas=True))
    table = pa.table(arrays, names=list(layout))
    if sort_by is not None and n > 1:
        table = table.sort_by(sort_by)
    return _ipc_bytes(table)


def _ipc_bytes(table: Any) -> bytes:
    """An Arrow table as a zstd-compressed IPC stream: the store's blob format."""
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(compression="zstd")
    with pa.ipc.new_stream(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _read_blob(fmt: str, data: bytes) -> Any:
    """A batch_data blob as an Arrow table ('arrow' IPC; 'parquet' from earlier builds)."""
    import pyarrow as pa

    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.read_table(pa.BufferReader(data))
    return pa.ipc.open_stream(data).read_all()


def stored_rows(store: Store, kind: str, cycle: str | None = None) -> pd.DataFrame:
    """The rows in force of one kind (of one cycle): every batch in import order, a later
    row replacing an earlier one with the same key (in the same cycle). Adds `batch_id`
    and `cycle`."""
    import pyarrow as pa

    where = "b.kind = ?" + (" AND b.cycle = ?" if cycle else "")
    sql = (
        "SELECT b.id, b.cycle, d.format, d.data FROM batches b "
        f"JOIN batch_data d ON d.batch_id = b.id WHERE {where} ORDER BY b.id"
    )
    tables = []
    for batch, batch_cycle, fmt, data in store.db.execute(sql, (kind, cycle) if cycle else (kind,)):
        table = _read_blob(fmt, data)
        n = table.num_rows
        table = table.append_column("batch_id", pa.array(np.full(n, batch, dtype=np.int64)))
        cycles = (
            pa.DictionaryArray.from_arrays(
                pa.array(np.zeros(n, dtype=np.int32)), pa.array([batch_cycle], pa.string())
            )
            if batch_cycle is not None
            else pa.nulls(n, pa.dictionary(pa.int32(), pa.string()))
        )
        tables.append(table.append_column("cycle", cycles))
    if not tables:
        names = [*LAYOUT[kind], "batch_id", "cycle"]
        return pd.DataFrame({c: pd.Series(dtype=object) for c in names})
    frame = pa.concat_tables(tables, promote_options="default").to_pandas()
    frame["cycle"] = frame["cycle"].astype(object)
    if len(tables) > 1:  # a person's row is per cycle (ratings carry their own year)
        key = KEYS[kind] if kind == "kinerja" else ["cycle", *KEYS[kind]]
        frame = frame.drop_duplicates(key, keep="last", ignore_index=True)
    return frame


def _columnar_batches(db: sqlite3.Connection) -> None:
    """Schema 3: accepted rows move from a table row each into one Arrow blob per batch."""
    db.execute(
        "CREATE TABLE batch_data (batch_id INTEGER PRIMARY KEY REFERENCES batches(id), "
        "format TEXT NOT NULL, rows INTEGER NOT NULL, data BLOB NOT NULL)"
    )
    old = {"asesmen": "assessments", "kinerja": "ratings", "formasi": "vacancies"}
    for kind, table in old.items():
        cur = db.execute(f"SELECT * FROM {table} ORDER BY rowid")
        names = [d[0] for d in cur.description]
        frame = pd.DataFrame(cur.fetchall(), columns=names)
        layout = dict(LAYOUT[kind])
        layout.update({c: REAL for c in names if c.startswith(SCORE_PREFIX)})
        for batch, rows in frame.groupby("batch_id", sort=True):
            blob = _arrow_blob(dict(rows.items()), layout, len(rows))
            db.execute(
                "INSERT INTO batch_data VALUES (?, 'arrow', ?, ?)", (int(batch), len(rows), blob)
            )
    db.execute("DROP VIEW people")
    for table in old.values():
        db.execute(f"DROP TABLE {table}")


# ------------------------------------------------------------------ classification runs

RESULT_COLUMNS = [
    "nip",
    "nama",
    "jabatan",
    "job_level",
    "unit",
    "golongan",
    "jpm",
    "jpm_category",
    "potential_score",
    "potential",
    "performance",
    "performance_year",
    "box",
    "placement",
    "talent_pool",
    "readiness",
    "notes",
    "retirement_date",
]
# Result columns with a few distinct values (codes, levels, units, dates): stored as Arrow
# dictionaries, each text once (a 1M run's blob 42 -> ~24 MB); read back as categoricals.
SHARED_TEXT = [
    "jabatan",
    "job_level",
    "unit",
    "golongan",
    "jpm_category",
    "potential",
    "performance",
    "placement",
    "readiness",
    "notes",
    "retirement_date",
]
KEEP_RUNS = 5  # older runs of a cycle are pruned so a cron job does not grow the store forever


def load_cohort(store: Store, cycle: str, competencies: list[str]) -> pd.DataFrame:
    """The cycle's cohort: every accepted assessment, with the score columns of these rules
    (a competency no batch was imported with reads as missing)."""
    rows = stored_rows(store, "asesmen", cycle)  # in import order: the engine sorts by NIP
    cols = [*LAYOUT["asesmen"], *(SCORE_PREFIX + c for c in competencies)]
    return rows.reindex(columns=cols)


def load_ratings(store: Store, cycle: str | None = None) -> pd.DataFrame:
    """Performance ratings in force; with CYCLE only the years not after it (the engine picks
    each person's latest of those, SPEC §4.4)."""
    rows = stored_rows(store, "kinerja")[list(LAYOUT["kinerja"])]
    if cycle is None:
        return rows
    return rows[rows["tahun"] <= int(cycle)].reset_index(drop=True)


def _results_blob(people: pd.DataFrame, competencies: list[str]) -> bytes:
    """A run's results as one Arrow IPC blob (zstd): columnar, ~50x faster than a row each.

    Only what cannot be derived is kept: the per-competency standard, delta and status are
    recomputed from the scores with the run's own rules when the run is read.
    """
    scores = [SCORE_PREFIX + c for c in competencies]
    frame = people[RESULT_COLUMNS + scores].copy()
    import pyarrow as pa

    codes, notes = pd.factorize(frame["notes"])  # a few distinct tuples: join each once
    texts, shared = pd.factorize(pd.Series([" ".join(n) for n in notes] + [""], dtype=object))
    frame["notes"] = pd.Categorical.from_codes(texts[codes], categories=shared)  # coded, -1: ""
    if not isinstance(frame["retirement_date"].dtype, pd.CategoricalDtype):  # the engine's
        frame["retirement_date"] = frame["retirement_date"].astype(str)  # ISO text (coded)
    frame["talent_pool"] = frame["talent_pool"].astype(bool)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    import pyarrow.compute as pc

    for name in SHARED_TEXT:
        i = table.schema.get_field_index(name)
        kind = table.schema.field(i).type  # categoricals are dictionaries already; a column
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):  # of None stays null
            table = table.set_column(i, name, pc.dictionary_encode(table[name]))
    return _ipc_bytes(table)


def save_run(
    store: Store,
    meta: dict,
    people: pd.DataFrame,
    incomplete: pd.DataFrame,
    competencies: list[str],
) -> int:
    """Store a classification run and its results in one transaction; prune old runs."""
    with store.transaction() as db:
        cols = [
            "cycle",
            "as_of",
            "rules_name",
            "rules_sha256",
            "rules_text",
            "tool_version",
            "created_at",
            "people",
            "classified",
            "incomplete",
        ]
        sql = f"INSERT INTO runs ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})"
        values = {**meta, "tool_version": __version__, "created_at": now()}
        run = int(db.execute(sql, values).lastrowid)
        db.execute(
            "INSERT INTO run_inputs SELECT ?, id FROM batches WHERE kind = 'kinerja' "
            "OR (kind IN ('asesmen', 'formasi') AND cycle = ?)",
            (run, meta["cycle"]),
        )
        blob = _results_blob(people, competencies)
        db.execute("INSERT INTO results VALUES (?, 'arrow', ?, ?)", (run, len(people), blob))
        inc = incomplete[["nip", "nama", "reason"]].copy()
        inc.insert(0, "run_id", run)
        _insert(db, "incomplete", inc)
        _prune(db, meta["cycle"])
    return run


def _prune(db: sqlite3.Connection, cycle: str) -> None:
    old = "SELECT id FROM runs WHERE cycle = ? ORDER BY id DESC LIMIT -1 OFFSET ?"
    for table in ("results", "incomplete", "run_inputs"):
        db.execute(f"DELETE FROM {table} WHERE run_id IN ({old})", (cycle, KEEP_RUNS))
    db.execute(f"DELETE FROM runs WHERE id IN ({old})", (cycle, KEEP_RUNS))


def latest_run(store: Store, cycle: str | None) -> dict | None:
    """The newest run (of CYCLE, when given)."""
    sql = "SELECT * FROM runs" + (" WHERE cycle = ?" if cycle else "") + " ORDER BY id DESC"
    cur = store.db.execute(sql, (cycle,) if cycle else ())
    row = cur.fetchone()
    return dict(zip([d[0] for d in cur.description], row, strict=True)) if row else None


def run_results(store: Store, run_id: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A run's classified people, incomplete people and input batches."""
    row = store.db.execute(
        "SELECT format, data FROM results WHERE run_id = ?", (run_id,)
    ).fetchone()
    if row is None or row[0] not in ("arrow", "parquet"):
        raise StoreError(f"{store.path}: the results of run {run_id} are missing; classify again")
    people = _read_blob(*row).to_pandas().sort_values("nip", ignore_index=True)
    incomplete = store.table(
        "SELECT nip, nama, reason FROM incomplete WHERE run_id = ? ORDER BY nip", (run_id,)
    )
    inputs = store.table(
        "SELECT b.file, b.sha256, b.kind, b.rows_read, b.accepted, b.rejected, b.skipped "
        "FROM run_inputs r JOIN batches b ON b.id = r.batch_id WHERE r.run_id = ? "
        "ORDER BY b.id",
        (run_id,),
    )
    return people, incomplete, inputs


def load_vacancies(store: Store, cycle: str) -> pd.DataFrame:
    """The cycle's formasi rows."""
    rows = stored_rows(store, "formasi", cycle)[list(LAYOUT["formasi"])]
    return rows.sort_values("kode", ignore_index=True)


def has_cohort(store: Store, cycle: str) -> bool:
    """The cycle has at least one accepted assessment."""
    row = store.db.execute(
        "SELECT 1 FROM batches WHERE kind = 'asesmen' AND cycle = ? AND accepted > 0 LIMIT 1",
        (cycle,),
    ).fetchone()
    return row is not None


def unseen_batches(store: Store, cycle: str, run_id: int) -> bool:
    """A batch the run could use (a rating, or an import of its cycle) that it did not see."""
    row = store.db.execute(
        "SELECT 1 FROM batches WHERE (kind = 'kinerja' OR cycle = ?) AND id NOT IN "
        "(SELECT batch_id FROM run_inputs WHERE run_id = ?) LIMIT 1",
        (cycle, run_id),
    ).fetchone()
    return row is not None
