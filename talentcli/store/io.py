"""The store's reads and writes: bulk and columnar through Arrow, all SQL in this package.

The file is opened with the Arrow project's ADBC SQLite driver only (never also with the
stdlib `sqlite3`: two SQLite libraries in one process must not hold the same file, as their
POSIX locks would release each other's). Bulk rows go in as Arrow tables (`adbc_ingest`) and
come out as Arrow tables, so no Python runs per cell; measured against `executemany` over
column lists in docs/scale.md (Store).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from talentcli import __version__
from talentcli.errors import NotFoundError, StoreError
from talentcli.kinds import KINDS, SCORES, Kind
from talentcli.store import schema
from talentcli.store.schema import SCORE_PREFIX

# Infer each result column's Arrow type from all its rows, not the first batch's: a column
# NULL in its first rows would otherwise be typed as integers and fail on its first text.
BATCH_ROWS = {"adbc.sqlite.query.batch_rows": str(1 << 30)}
SQL_TYPES = {"TEXT": "string", "REAL": "float64", "INTEGER": "int64"}


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


class Db:
    """One ADBC connection: small statements as tuples, bulk rows as Arrow tables. The
    driver's errors come out as `sqlite3` errors (locked, disk full, not a database), as the
    CLI maps them, and an interrupt inside a driver call as KeyboardInterrupt."""

    def __init__(self, path: Path) -> None:
        import adbc_driver_sqlite.dbapi as adbc

        self.closed = True
        self.conn = _driver(lambda: adbc.connect(str(path), autocommit=True))  # ours: BEGIN
        self.closed = False
        self.cur = self.conn.cursor()
        self.cur.adbc_statement.set_options(**BATCH_ROWS)

    def close(self) -> None:
        """Close the cursor and the connection (once)."""
        if not self.closed:
            self.closed = True
            self.cur.close()
            self.conn.close()

    def __del__(self) -> None:  # a store dropped unclosed still frees the driver's handles
        with contextlib.suppress(Exception):
            self.close()

    def run(self, sql: str, params: tuple = ()) -> None:
        """Execute one statement."""
        _driver(lambda: self.cur.execute(sql, params or None))

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Execute a query: its rows as tuples."""
        self.run(sql, params)
        return _driver(self.cur.fetchall)

    def record(self, sql: str, params: tuple = ()) -> dict | None:
        """The first row of a query as a dict, or None."""
        rows = self.rows(sql, params)
        names = [d[0] for d in self.cur.description]
        return dict(zip(names, rows[0], strict=True)) if rows else None

    def arrow(self, sql: str, params: tuple = (), types: dict[str, str] | None = None) -> Any:
        """A query's result as one Arrow table; TYPES (column -> SQL type) casts the columns
        SQLite cannot type from their values (a column of NULLs)."""
        import pyarrow as pa

        self.run(sql, params)
        table = _driver(self.cur.fetch_arrow_table)
        for i, name in enumerate(table.column_names):
            want = (types or {}).get(name)
            if want and table.column(i).null_count == len(table):
                kind = pa.type_for_alias(SQL_TYPES[want.split()[0]])
                table = table.set_column(i, name, pa.nulls(len(table), kind))
        return table

    def frame(self, sql: str, params: tuple = ()) -> pd.DataFrame:
        """A query's result as a DataFrame, text as Python objects (NULL -> None)."""
        return objects(self.arrow(sql, params).to_pandas())

    def ingest(self, table: str, data: Any, temporary: bool = False) -> None:
        """Append an Arrow table's rows to TABLE (in the open transaction); TEMPORARY: into
        a new temporary table of that name."""
        cur = self.conn.cursor()
        try:
            mode = "create" if temporary else "append"
            _driver(lambda: cur.adbc_ingest(table, data, mode=mode, temporary=temporary))
        finally:
            cur.close()

    def declared(self, table: str) -> dict[str, str]:
        """TABLE's columns and their declared SQL types."""
        return {r[1]: r[2] for r in self.rows(f"PRAGMA table_info({table})")}


def _driver(call: Callable[[], Any]) -> Any:
    """CALL into the ADBC driver, its errors as the stdlib's sqlite3 errors."""
    import sqlite3

    import adbc_driver_manager

    try:
        return call()
    except adbc_driver_manager.Error as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):  # SIGINT while the driver worked
            raise KeyboardInterrupt from None
        raise sqlite3.OperationalError(str(exc)) from exc


def objects(frame: pd.DataFrame) -> pd.DataFrame:
    """FRAME with its text columns as Python objects, NULL as None."""
    for name in frame.columns:
        col = frame[name]
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
            frame[name] = pd.Series(
                col.to_numpy(dtype=object, na_value=None), index=frame.index, dtype=object
            )
    return frame


class Store:
    """A talentcli database file."""

    def __init__(self, path: Path, create: bool = True) -> None:
        import sqlite3

        self.path = path
        if not path.exists():
            if not create:
                raise NotFoundError(
                    f"there is no store at {path}; import files first (talentcli import ...) "
                    "or give the right --db / workspace"
                )
            with contextlib.suppress(FileExistsError):  # made by another process just now
                create_private(path)
        try:
            self.db = Db(path)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: cannot open the store ({exc})") from None
        try:
            self.db.run("PRAGMA busy_timeout = 5000")  # as the stdlib's default: wait, then fail
            self.db.run("PRAGMA foreign_keys = ON")
            self.db.run("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise StoreError(f"{path}: not a talentcli database ({exc})") from None
        except BaseException:
            self.db.close()
            raise

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def _migrate(self) -> None:
        version = self.db.rows("PRAGMA user_version")[0][0]
        if version > schema.SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: made by a newer talentcli (schema {version}); upgrade talentcli"
            )
        if version == schema.SCHEMA_VERSION:
            return
        with self.transaction():  # every step or none: one commit (a new store: 8 steps)
            version = self.db.rows("PRAGMA user_version")[0][0]  # another process may have
            for i in range(version, schema.SCHEMA_VERSION):  # migrated while we waited
                step = schema.MIGRATIONS[i]
                if callable(step):
                    step(self.db, sys.modules[__name__])  # this module's bulk writes
                else:
                    for stmt in schema.statements(step):
                        self.db.run(stmt)
                self.db.run(f"PRAGMA user_version = {i + 1}")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Db]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception (including interrupts)."""
        self.db.run("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            # SQLite may have rolled back already (a full disk does): the first error is the
            # one to tell, not "cannot rollback - no transaction is active"
            with contextlib.suppress(sqlite3.DatabaseError):
                self.db.run("ROLLBACK")
            raise
        self.db.run("COMMIT")

    def batch_by_sha(self, sha256: str) -> dict | None:
        """The latest import of a file with this content (with the rules_sha256 it was
        validated under), if any."""
        return self.db.record(
            "SELECT * FROM batches WHERE sha256 = ? ORDER BY id DESC LIMIT 1", (sha256,)
        )

    def violations(self, batch_id: int) -> pd.DataFrame:
        """The violations recorded for a batch."""
        return self.table("SELECT * FROM violations WHERE batch_id = ? ORDER BY rowid", (batch_id,))

    def table(self, sql: str, params: tuple = ()) -> pd.DataFrame:
        """Run a query into a DataFrame (text as objects, NULL -> None / NaN)."""
        return self.db.frame(sql, params)


# ------------------------------------------------------------------ imports


def save_batch(
    store: Store,
    meta: dict,
    accepted: pd.DataFrame,
    violations: pd.DataFrame,
    competencies: list[str],
    before_commit: Callable[[], None] | None = None,
) -> int:
    """Store one import in one transaction: the batch, its violations, its accepted rows.
    BEFORE_COMMIT runs inside the transaction after the rows: if it raises, nothing stays."""
    cols = [
        *("file", "sha256", "kind", "cycle", "sheet", "header_row", "rows_read", "accepted"),
        *("rejected", "skipped", "imported_at", "tool_version", "rules_sha256"),
    ]
    values = {**meta, "imported_at": now(), "tool_version": __version__}
    values["rules_sha256"] = meta.get("rules_sha256")
    kind = KINDS[meta["kind"]]
    with store.transaction() as db:
        sql = f"INSERT INTO batches ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        batch = int(db.rows(sql + " RETURNING id", tuple(values[c] for c in cols))[0][0])
        _save_violations(db, batch, violations)
        store_rows(db, kind, meta.get("cycle"), batch, accepted, competencies)
        if before_commit is not None:
            before_commit()
    return batch


def _save_violations(db: Db, batch: int, v: pd.DataFrame) -> None:
    import pyarrow as pa

    if v.empty:
        return
    names = {"column": "column_letter"}
    text = ["severity", "cell", "column", "header", "field", "code", "value", "message"]
    columns = {"batch_id": pa.repeat(pa.scalar(batch, pa.int64()), len(v))}
    columns["row"] = pa.array(v["row"], type=pa.int64(), from_pandas=True)
    for name in text:  # a value may be a number or a date: stored as its text (few rows)
        cells = v[name].astype(object)
        cells = [None if pd.isna(c) else str(c) for c in cells]
        columns[names.get(name, name)] = pa.array(cells, type=pa.string())
    if "nip" in db.declared("violations"):  # from schema 6 on: the row's NIP and year
        for name, kind in (("nip", pa.string()), ("tahun", pa.int64())):
            values = v[name].astype(object) if name in v else pd.Series([None] * len(v))
            columns[name] = pa.array(values.where(values.notna(), None), type=kind)
    db.ingest("violations", pa.table(columns))


def store_rows(
    db: Db,
    kind: Kind,
    cycle: str | None,
    batch: int,
    rows: pd.DataFrame,
    competencies: list[str] | None = None,
) -> None:
    """ROWS (the importer's fields) into KIND's table, each replacing the row of the same key
    (in the same cycle): the newest import wins and batch_id says where each row came from."""
    comps = competencies if competencies is not None else _codes_in(kind, rows)
    if SCORES in kind.fields:
        schema.create_kind_table(db, kind, comps)
        schema.add_score_columns(db, kind.table, comps)
    else:
        schema.create_kind_table(db, kind, [])
    data = _arrow_rows(kind, cycle, batch, rows, comps)
    where = " WHERE cycle = ?" if kind.cycled else ""
    if not db.rows(f"SELECT 1 FROM {kind.table}{where} LIMIT 1", (cycle,) if where else ()):
        db.ingest(kind.table, data)  # nothing to replace: straight in
        return
    names = ", ".join(f'"{c}"' for c in data.column_names)
    db.run("DROP TABLE IF EXISTS temp.incoming")
    db.ingest("incoming", data, temporary=True)
    db.run(f"INSERT OR REPLACE INTO {kind.table} ({names}) SELECT {names} FROM temp.incoming")
    db.run("DROP TABLE temp.incoming")


def _codes_in(kind: Kind, rows: pd.DataFrame) -> list[str]:
    """The competency columns of ROWS (the columns no field of KIND names)."""
    if SCORES not in kind.fields:
        return []
    return [c for c in rows.columns if c not in kind.fields and c not in ("batch_id", "cycle")]


def _arrow_rows(
    kind: Kind, cycle: str | None, batch: int, rows: pd.DataFrame, comps: list[str]
) -> Any:
    """ROWS as an Arrow table of KIND's stored columns, sorted by the key."""
    import pyarrow as pa

    n = len(rows)
    columns = {}
    for name, sql in schema.kind_columns(kind, comps).items():
        kind_of = pa.type_for_alias(SQL_TYPES[sql.split()[0]])
        if name == "cycle":
            columns[name] = pa.repeat(pa.scalar(cycle, pa.string()), n)
        elif name == "batch_id":
            columns[name] = pa.repeat(pa.scalar(batch, pa.int64()), n)
        else:
            field = name[len(SCORE_PREFIX) :] if name.startswith(SCORE_PREFIX) else name
            values = rows.get(field)
            if values is None:
                columns[name] = pa.nulls(n, kind_of)
            else:
                columns[name] = pa.array(values, type=kind_of, from_pandas=True)
    table = pa.table(columns)
    return table.sort_by([(k, "ascending") for k in kind.key]) if n > 1 else table


def stored_rows(store: Store, kind: str, cycle: str | None = None) -> pd.DataFrame:
    """The rows in force of one kind (of one cycle), one per key: the newest import's, with
    its batch_id (and cycle)."""
    k = KINDS[kind]
    types = store.db.declared(k.table) if _exists(store.db, k.table) else {}
    if not types:
        names = [*schema.kind_columns(k, []), "cycle"]
        return pd.DataFrame({c: pd.Series(dtype=object) for c in dict.fromkeys(names)})
    where = " WHERE cycle = ?" if cycle and k.cycled else ""
    order = ", ".join((["cycle"] if k.cycled else []) + list(k.key))
    sql = f"SELECT * FROM {k.table}{where} ORDER BY {order}"
    frame = store.db.arrow(sql, (cycle,) if where else (), types).to_pandas()
    if not k.cycled:
        frame["cycle"] = None
    return frame


def _exists(db: Db, table: str) -> bool:
    return bool(db.rows("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)))


def load_cohort(store: Store, cycle: str, competencies: list[str]) -> pd.DataFrame:
    """The cycle's cohort: every assessment in force, in NIP order, with the score columns of
    these rules (a competency no batch was imported with reads as missing)."""
    k = KINDS["asesmen"]
    have = set(schema.score_columns(store.db, k.table)) if _exists(store.db, k.table) else set()
    plain = [f for f in k.fields if f != SCORES]
    scores = [
        f'"{SCORE_PREFIX}{c}"' if c in have else f'NULL AS "{SCORE_PREFIX}{c}"'
        for c in competencies
    ]
    if not _exists(store.db, k.table):
        return pd.DataFrame(columns=[*plain, *(SCORE_PREFIX + c for c in competencies)])
    types = store.db.declared(k.table) | {SCORE_PREFIX + c: "REAL" for c in competencies}
    sql = f"SELECT {', '.join([*plain, *scores])} FROM {k.table} WHERE cycle = ? ORDER BY nip"
    return store.db.arrow(sql, (cycle,), types).to_pandas()


def load_ratings(store: Store, cycle: str | None = None) -> pd.DataFrame:
    """Performance ratings in force (nip, tahun, predikat, nilai); with CYCLE only the years
    not after it (the engine picks each person's latest of those, SPEC §4.4)."""
    k = KINDS["kinerja"]
    types = {"nip": "TEXT", "tahun": "INTEGER", "predikat": "TEXT", "nilai": "REAL"}
    if not _exists(store.db, k.table):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in types})
    where = " WHERE tahun <= ?" if cycle is not None else ""
    sql = f"SELECT nip, tahun, predikat, nilai_kinerja AS nilai FROM {k.table}{where}"
    params = (int(cycle),) if cycle is not None else ()
    return store.db.arrow(sql + " ORDER BY nip, tahun", params, types).to_pandas()


def load_vacancies(store: Store, cycle: str) -> pd.DataFrame:
    """The cycle's formasi rows in force, by kode."""
    k = KINDS["formasi"]
    cols = ["kode", "jabatan", "unit", "job_level", "jumlah"]
    if not _exists(store.db, k.table):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    sql = f"SELECT {', '.join(cols)} FROM {k.table} WHERE cycle = ? ORDER BY kode"
    return store.db.arrow(sql, (cycle,), store.db.declared(k.table)).to_pandas()


def assessed(store: Store, cycle: str, nips: pd.Series) -> np.ndarray:
    """Per NIP of NIPS: it has an accepted assessment in CYCLE (kalibrasi's unknown-nip)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    k = KINDS["asesmen"]
    if not len(nips) or not _exists(store.db, k.table):
        return np.zeros(len(nips), dtype=bool)
    have = store.db.arrow(f"SELECT nip FROM {k.table} WHERE cycle = ?", (cycle,)).column("nip")
    wanted = pa.array(nips.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    return pc.is_in(wanted, value_set=have.cast(pa.string()).combine_chunks()).to_numpy(
        zero_copy_only=False
    )


def assessed_since(store: Store, batch: dict) -> bool:
    """A kalibrasi BATCH rejected NIPs as unknown-nip, and an asesmen file of its cycle was
    imported after it: the same file may now be accepted, so it is read again."""
    sql = (
        "SELECT 1 FROM violations WHERE batch_id = ? AND code = 'unknown-nip' AND EXISTS "
        "(SELECT 1 FROM batches WHERE kind = 'asesmen' AND cycle = ? AND id > ?) LIMIT 1"
    )
    return bool(store.db.rows(sql, (batch["id"], batch["cycle"], batch["id"])))


def has_cohort(store: Store, cycle: str) -> bool:
    """The cycle has at least one accepted assessment."""
    sql = "SELECT 1 FROM batches WHERE kind = 'asesmen' AND cycle = ? AND accepted > 0 LIMIT 1"
    return bool(store.db.rows(sql, (cycle,)))


def unseen_batches(store: Store, cycle: str, run_id: int) -> bool:
    """A batch the run could use (a rating, or an import of its cycle) that it did not see."""
    return bool(
        store.db.rows(
            "SELECT 1 FROM batches WHERE (kind IN ('kinerja', 'pegawai') OR cycle = ?) "
            "AND id NOT IN "
            "(SELECT batch_id FROM run_inputs WHERE run_id = ?) LIMIT 1",
            (cycle, run_id),
        )
    )


# ------------------------------------------------------------------ classification runs

RESULT_COLUMNS = [c for c in schema.RESULT_TYPES if c not in ("plan_jp", "plan_cost")]
# Result columns with a few distinct values (codes, levels, units, dates): read back as
# categoricals, each text once (the report writers' fast path).
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
RUN_TABLES = (
    *("results", "incomplete", "run_inputs", "plans", "candidates", "standards"),
    *("vacancy_pools", "promotions"),
    "run_calibrations",
)
# a run's list of decisions (SPEC §5 `calibrations`): frame column -> stored column
CALIBRATION_STORED = {
    **{c: c for c in ("nip", "nama", "box_computed", "box", "reason")},
    **{"by": "decided_by", "date": "date", "ref": "ref", "applied": "applied"},
    **{"reason_not_applied": "reason_not_applied", "batch_id": "batch_id"},
}
PLAN_STEPS = ["plan_id", "seq", "code", "reason"]  # a distinct plan's rows (schema 5)
# a candidate as schema 4 stored it, then the verdict and each criterion (SPEC §4.7)
CANDIDATE_COLUMNS_V4 = ["kode", "rank", "nip", "nama", "job_level", "fit", "box"]
CRITERIA = schema.ELIGIBILITY_CRITERIA
CANDIDATE_COLUMNS = [
    *CANDIDATE_COLUMNS_V4,
    "verdict",
    *(x for c in CRITERIA for x in (c, f"{c}_detail")),
]
POOL_COLUMNS = ["kode", "pool", "candidates", "reason", *(f"excluded_{c}" for c in CRITERIA)]


def save_run(
    store: Store,
    meta: dict,
    people: pd.DataFrame,
    incomplete: pd.DataFrame,
    competencies: list[str],
    plans: pd.DataFrame | None = None,
    candidates: pd.DataFrame | None = None,
    rules: Any = None,
    pools: pd.DataFrame | None = None,
    calibrations: pd.DataFrame | None = None,
) -> int:
    """Store a classification run in one transaction: its results (with each person's
    plan_id), incomplete people, the distinct PLANS (plans.distinct_plans), candidates, the
    committee's decisions (applied or not) and (from RULES) standards and programmes; prune
    old runs of the cycle."""
    with store.transaction() as db:
        cols = [
            *("cycle", "as_of", "rules_name", "rules_sha256", "rules_text", "tool_version"),
            *("created_at", "people", "classified", "incomplete"),
        ]
        values = {**meta, "tool_version": __version__, "created_at": now()}
        sql = f"INSERT INTO runs ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        run = int(db.rows(sql + " RETURNING id", tuple(values[c] for c in cols))[0][0])
        db.run(
            "INSERT INTO run_inputs SELECT ?, id FROM batches WHERE kind IN ('kinerja', 'pegawai') "
            "OR (kind IN ('asesmen', 'formasi', 'kalibrasi') AND cycle = ?)",
            (run, meta["cycle"]),
        )
        _save_results(db, run, people, competencies)
        _save_frame(db, "incomplete", run, incomplete, ["nip", "nama", "reason"])
        if rules is not None:
            _save_rules_tables(db, run, rules)
        if plans is not None:
            _save_frame(db, "plans", run, plans, PLAN_STEPS)
        if candidates is not None:
            _save_frame(db, "candidates", run, candidates, CANDIDATE_COLUMNS)
        if pools is not None:
            _save_frame(db, "vacancy_pools", run, pools, POOL_COLUMNS)
        if calibrations is not None and len(calibrations):
            stored = calibrations.rename(columns=CALIBRATION_STORED)
            stored["applied"] = stored["applied"].astype(np.int64)
            _save_frame(db, "run_calibrations", run, stored, list(CALIBRATION_STORED.values()))
        _prune(db, meta["cycle"])
    return run


def _save_results(db: Db, run: int, people: pd.DataFrame, competencies: list[str]) -> None:
    """The classified people, one row each, columnar (notes joined by spaces)."""
    import pyarrow as pa

    if schema.add_score_columns(db, "results", competencies):
        schema.competency_view(db, schema.score_columns(db, "results"))
    types = schema.RESULT_TYPES | {SCORE_PREFIX + c: "REAL" for c in competencies}
    if "plan_id" in db.declared("results"):  # from schema 5 on (not in a schema-4 migration)
        types["plan_id"] = "INTEGER"
    n = len(people)
    columns = {"run_id": pa.repeat(pa.scalar(run, pa.int64()), n)}
    for name, sql in types.items():
        kind_of = pa.type_for_alias(SQL_TYPES[sql.split()[0]])
        if name == "box_computed" and name not in people:  # a run from before calibration
            values = people["box"]
        elif name not in people:
            columns[name] = pa.nulls(n, kind_of)
            continue
        else:
            values = people[name]
        if name == "notes":  # a few distinct tuples: joined once each
            codes, notes = pd.factorize(values)
            texts = np.array([" ".join(t) for t in notes] + [""], dtype=object)
            values = texts[codes]
        elif name == "talent_pool":
            values = values.to_numpy(dtype=bool).astype(np.int64)
        elif name == "retirement_date" and not isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(str)
        columns[name] = _arrow_column(values, kind_of)
    db.ingest("results", pa.table(columns))


def _arrow_column(values: Any, kind: Any) -> Any:
    """A column (categorical, objects or numbers) as a plain Arrow array of KIND."""
    import pyarrow as pa

    arr = pa.array(values, from_pandas=True)
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    return arr if arr.type == kind else arr.cast(kind)


def _save_frame(db: Db, table: str, run: int, frame: pd.DataFrame, cols: list[str]) -> None:
    """FRAME's COLS as rows of TABLE for RUN, typed as the table declares them."""
    import pyarrow as pa

    types = db.declared(table)
    n = len(frame)
    columns = {"run_id": pa.repeat(pa.scalar(run, pa.int64()), n)}
    for name in cols:
        kind_of = pa.type_for_alias(SQL_TYPES[types[name].split()[0]])
        values = frame[name].to_numpy()
        columns[name] = _arrow_column(values, kind_of) if n else pa.nulls(0, kind_of)
    db.ingest(table, pa.table(columns))


def _save_rules_tables(db: Db, run: int, rules: Any) -> None:
    """The run's standards per job level x competency and its programme catalogue."""
    comps = rules.competency_codes
    s = rules.status
    standards = [
        (code, c, float(level.standard[c]), s.strength_min, s.berat_max, rules.scale.decimals)
        for code, level in rules.job_levels.items()
        for c in comps
    ]
    frame = pd.DataFrame(
        standards,
        columns=["job_level", "competency", "standard", "strength_min", "berat_max", "decimals"],
    )
    _save_frame(db, "standards", run, frame, list(frame.columns))
    catalogue = pd.DataFrame(
        [(p.code, p.name, p.competency, p.form, p.jp, p.cost) for p in rules.training.catalogue],
        columns=["code", "programme", "competency", "form", "jp", "cost"],
    )
    _save_frame(db, "programmes", run, catalogue, list(catalogue.columns))
    if _exists(db, "promotions"):  # schema 8 on (a schema-4 migration has none yet)
        steps = [
            (code, seq, target)
            for code, level in rules.job_levels.items()
            for seq, target in enumerate(level.promotes_to, start=1)
        ]
        frame = pd.DataFrame(steps, columns=["job_level", "seq", "promotes_to"])
        _save_frame(db, "promotions", run, frame, list(frame.columns))


def _prune(db: Db, cycle: str) -> None:
    old = "SELECT id FROM runs WHERE cycle = ? ORDER BY id DESC LIMIT -1 OFFSET ?"
    for table in (*RUN_TABLES, "programmes"):
        db.run(f"DELETE FROM {table} WHERE run_id IN ({old})", (cycle, KEEP_RUNS))
    db.run(f"DELETE FROM runs WHERE id IN ({old})", (cycle, KEEP_RUNS))


def latest_run(store: Store, cycle: str | None) -> dict | None:
    """The newest run (of CYCLE, when given)."""
    sql = "SELECT * FROM runs" + (" WHERE cycle = ?" if cycle else "") + " ORDER BY id DESC"
    return store.db.record(sql + " LIMIT 1", (cycle,) if cycle else ())


def run_results(store: Store, run_id: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A run's classified people (by NIP; shared text as categoricals, notes joined by
    spaces; plan_id, for run_plans), incomplete people and input batches."""
    import pyarrow.compute as pc

    if not store.db.rows("SELECT 1 FROM runs WHERE id = ?", (run_id,)):
        raise StoreError(f"{store.path}: run {run_id} is missing; classify again")
    types = store.db.declared("results")
    table = store.db.arrow(
        "SELECT * FROM results WHERE run_id = ? ORDER BY nip", (run_id,), types
    ).drop_columns(["run_id"])
    for name in SHARED_TEXT:
        i = table.schema.get_field_index(name)
        if table.column(i).null_count < len(table):  # a column of NULLs stays None
            table = table.set_column(i, name, pc.dictionary_encode(table.column(i)))
    people = table.to_pandas()
    people["talent_pool"] = people["talent_pool"].astype(bool)
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


def previous_run(store: Store, cycle: str) -> dict | None:
    """The latest run of the previous cycle (SPEC §4.10): the greatest stored cycle before
    CYCLE that has a run."""
    return store.db.record(
        "SELECT * FROM runs WHERE cycle = (SELECT max(cycle) FROM runs WHERE cycle < ?) "
        "ORDER BY id DESC LIMIT 1",
        (cycle,),
    )


def run_boxes(store: Store, run_id: int) -> pd.DataFrame:
    """A run's classified people as history compares them: nip, final box, jpm, placement."""
    types = {"nip": "TEXT", "box": "INTEGER", "jpm": "REAL", "placement": "TEXT"}
    sql = "SELECT nip, box, jpm, placement FROM results WHERE run_id = ? ORDER BY nip"
    return objects(store.db.arrow(sql, (run_id,), types).to_pandas())


HISTORY_COLUMNS = [
    *("cycle", "as_of", "jpm", "potential", "performance", "box_computed", "box"),
    *("placement", "plan_jp", "incomplete"),
]


def person_history(store: Store, nip: str) -> list[dict]:
    """One person's row in the latest run of every cycle that had them, oldest first (SPEC
    §4.10: cycle, as_of, JPM, potential, performance, computed and final box, placement,
    plan JP); a cycle where they were incomplete has its reason in `incomplete` and no
    values (null otherwise)."""
    latest = "u.id IN (SELECT max(id) FROM runs GROUP BY cycle)"
    sql = (
        "SELECT u.cycle, u.as_of, r.jpm, r.potential, r.performance, r.box_computed, r.box, "
        "r.placement, r.plan_jp, NULL FROM runs u JOIN results r ON r.run_id = u.id "
        f"WHERE r.nip = ? AND {latest} UNION ALL "
        "SELECT u.cycle, u.as_of, NULL, NULL, NULL, NULL, NULL, NULL, NULL, i.reason "
        f"FROM runs u JOIN incomplete i ON i.run_id = u.id WHERE i.nip = ? AND {latest} "
        "ORDER BY 1"
    )
    rows = store.db.rows(sql, (nip, nip))
    return [dict(zip(HISTORY_COLUMNS, row, strict=True)) for row in rows]


def run_calibrations(store: Store, run_id: int) -> pd.DataFrame:
    """A run's list of the committee's decisions (SPEC §5 `calibrations`), by NIP."""
    cols = ", ".join(f'{v} AS "{k}"' if k != v else k for k, v in CALIBRATION_STORED.items())
    sql = f"SELECT {cols} FROM run_calibrations WHERE run_id = ? ORDER BY nip"
    frame = None
    if _exists(store.db, "run_calibrations"):
        declared = store.db.declared("run_calibrations")
        types = {k: declared[v] for k, v in CALIBRATION_STORED.items()}  # a column of NULLs
        frame = objects(store.db.arrow(sql, (run_id,), types).to_pandas())
    if frame is None or not len(frame):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in CALIBRATION_STORED})
    frame["applied"] = frame["applied"].astype(bool)
    frame["box_computed"] = frame["box_computed"].astype("Int64")
    return frame


def run_plans(store: Store, run_id: int, who: pd.DataFrame | None = None) -> pd.DataFrame:
    """A run's plans, one row per person x programme, by NIP then seq, with the programme's
    columns from the run's catalogue: each person's stored plan_id broadcast from the run's
    few distinct plans (text as categories). WHO (nip, plan_id: the run's people as
    run_results gives them) saves reading them again, and lends its NIP objects to the
    rows: a row points to its person's NIP."""
    from talentcli.plans import expand

    if who is None:
        sql = "SELECT nip, plan_id FROM results WHERE run_id = ? ORDER BY nip"
        who = objects(store.db.arrow(sql, (run_id,)).to_pandas())
    steps = store.table(
        f"SELECT {', '.join(PLAN_STEPS)} FROM plans WHERE run_id = ? ORDER BY plan_id, seq",
        (run_id,),
    )
    catalogue = store.table(
        "SELECT code, programme, competency, form, jp, cost FROM programmes WHERE run_id = ?",
        (run_id,),
    ).set_index("code")
    at = catalogue.index.get_indexer(steps["code"])
    table = {name: steps[name].to_numpy(dtype=np.int64) for name in ("plan_id", "seq")}
    table["code"] = steps["code"].to_numpy(dtype=object)
    for name in ("programme", "competency", "form"):
        table[name] = catalogue[name].to_numpy(dtype=object)[at]
    for name in ("jp", "cost"):
        table[name] = catalogue[name].to_numpy(dtype=np.int64)[at]
    table["reason"] = steps["reason"].to_numpy(dtype=object)
    ids = who["plan_id"].fillna(-1).to_numpy(dtype=np.int64)
    columns = {  # text as categoricals: a plan row holds small codes, not strings
        name: pd.Categorical(v) if v.dtype == object else v for name, v in table.items()
    }
    return expand(who["nip"], ids, pd.DataFrame(columns))


def run_candidates(store: Store, run_id: int) -> pd.DataFrame:
    """A run's vacancy candidates by kode then rank, with the verdict and each criterion's
    result and detail (None where the vacancy's level does not ask it)."""
    sql = f"SELECT {', '.join(CANDIDATE_COLUMNS)} FROM candidates WHERE run_id = ?"
    frame = store.table(sql + " ORDER BY kode, rank", (run_id,))
    return frame if len(frame) else pd.DataFrame(columns=CANDIDATE_COLUMNS)


def run_pools(store: Store, run_id: int) -> pd.DataFrame:
    """Per vacancy of a run: the pool checked, the candidates listed, the reason when there
    is none, the pool people left out per failed criterion (NULL: not asked)."""
    sql = f"SELECT {', '.join(POOL_COLUMNS)} FROM vacancy_pools WHERE run_id = ? ORDER BY kode"
    frame = store.table(sql, (run_id,))
    return frame if len(frame) else pd.DataFrame(columns=POOL_COLUMNS)


def load_personnel(store: Store) -> pd.DataFrame:
    """The personnel data in force (kind pegawai), one row per NIP: nip, pendidikan (code),
    golongan, tmt_jabatan (ISO), hukuman_disiplin (1, 0 or missing), jabatan, unit."""
    cols = ["nip", "pendidikan", "golongan", "tmt_jabatan", "hukuman_disiplin", "jabatan", "unit"]
    k = KINDS["pegawai"]
    if not _exists(store.db, k.table):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    sql = f"SELECT {', '.join(cols)} FROM {k.table} ORDER BY nip"
    return store.db.arrow(sql, (), store.db.declared(k.table)).to_pandas()


def migrate_run(db: Db, run: int, people: pd.DataFrame) -> None:
    """A schema-3 run's results as rows, with the plans, candidates and standards a run
    of today stores, derived with the run's own rules (the engine's functions, as classify
    does: the migrated run reads back as it did)."""
    from talentcli.engine.runs import derive, run_rules  # a migration only: the engine is pure
    from talentcli.plans import expand

    meta = db.record("SELECT * FROM runs WHERE id = ?", (run,))
    rules = run_rules(meta)
    comps = [c[len(SCORE_PREFIX) :] for c in people.columns if c.startswith(SCORE_PREFIX)]
    people = people.assign(notes=[tuple(s.split()) if s else () for s in people["notes"]])
    k = KINDS["formasi"]
    cols = "kode, jabatan, unit, job_level, jumlah"
    vacancies = db.arrow(
        f"SELECT {cols} FROM {k.table} WHERE cycle = ? ORDER BY kode",
        (meta["cycle"],),
        db.declared(k.table),
    ).to_pandas()
    people, plans, candidates, _ = derive(people, rules, vacancies)
    _save_results(db, run, people, comps)
    _save_rules_tables(db, run, rules)
    rows = expand(people["nip"], people["plan_id"].to_numpy(), plans)  # schema 4: per person
    _save_frame(db, "plans", run, rows, ["nip", "seq", "code", "reason"])
    _save_frame(db, "candidates", run, candidates, CANDIDATE_COLUMNS_V4)  # schema 4's columns


def rejected_ratings(store: Store) -> pd.DataFrame:
    """The NIP and year of every kinerja row rejected at import (nip, tahun): for the
    kinerja_tahun_ditolak note (SPEC §4.4)."""
    return store.db.arrow(
        "SELECT DISTINCT v.nip, v.tahun FROM violations v JOIN batches b ON b.id = v.batch_id "
        "WHERE b.kind = 'kinerja' AND v.severity = 'error' AND v.nip IS NOT NULL "
        "AND v.tahun IS NOT NULL ORDER BY v.nip, v.tahun",
        (),
        {"nip": "TEXT", "tahun": "INTEGER"},
    ).to_pandas()


def rejected_rows(store: Store, nip: str) -> list[dict]:
    """The rows imported under NIP that were rejected, oldest import first: file, kind,
    cycle, sheet (the file for a CSV), row, tahun (kinerja) and the codes of its errors."""
    rows = store.db.rows(
        "SELECT b.id, b.file, b.kind, b.cycle, v.cell, v.row, v.tahun, v.code "
        "FROM violations v JOIN batches b ON b.id = v.batch_id "
        "WHERE v.nip = ? AND v.severity = 'error' ORDER BY b.id, v.row, v.rowid",
        (nip,),
    )
    out: dict[tuple, dict] = {}
    for batch, file, kind, cycle, cell, row, tahun, code in rows:
        sheet = str(cell).rsplit("!", 1)[0]
        at = (batch, sheet, row)
        if at not in out:
            out[at] = {"file": file, "kind": kind, "cycle": cycle, "sheet": sheet, "row": row}
            out[at] |= {"tahun": tahun, "codes": []}
        if code not in out[at]["codes"]:
            out[at]["codes"].append(code)
    return list(out.values())


def whereabouts(store: Store, nip: str) -> dict:
    """Where a NIP is in the store, for a person a run does not hold: the cycles with an
    assessment of it, and the rows imported under it that were rejected (rejected_rows)."""
    cycles = [
        str(r[0])
        for r in store.db.rows(
            f"SELECT DISTINCT cycle FROM {KINDS['asesmen'].table} WHERE nip = ? ORDER BY cycle",
            (nip,),
        )
    ]
    return {"cycles": cycles, "rejected": rejected_rows(store, nip)}
