"""The SQLite store (SPEC §6): every stored fact a row of a plain table, views for the
report's lists, schema migrated in code, one transaction per write. docs/store.md documents
the tables and views; schema.py holds them, io.py the reads and writes."""

from talentcli.store.io import (
    KEEP_RUNS,
    RESULT_COLUMNS,
    SHARED_TEXT,
    Db,
    Store,
    create_private,
    has_cohort,
    latest_run,
    load_cohort,
    load_ratings,
    load_vacancies,
    now,
    run_candidates,
    run_plans,
    run_results,
    save_batch,
    save_run,
    stored_rows,
    unseen_batches,
    whereabouts,
)
from talentcli.store.schema import MIGRATIONS, SCHEMA_VERSION, SCORE_PREFIX

__all__ = [
    "KEEP_RUNS",
    "MIGRATIONS",
    "RESULT_COLUMNS",
    "SCHEMA_VERSION",
    "SCORE_PREFIX",
    "SHARED_TEXT",
    "Db",
    "Store",
    "create_private",
    "has_cohort",
    "latest_run",
    "load_cohort",
    "load_ratings",
    "load_vacancies",
    "now",
    "run_candidates",
    "run_plans",
    "run_results",
    "save_batch",
    "save_run",
    "stored_rows",
    "unseen_batches",
    "whereabouts",
]
