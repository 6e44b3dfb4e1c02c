"""The blob formats of schema 3 (accepted rows and run results as zstd Arrow IPC streams),
kept only so that the released migrations can read and write them: nothing new is stored so.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

TEXT, REAL, WHOLE = "text", "real", "whole"
SCORE_PREFIX = "score_"
LAYOUT: dict[str, dict[str, str]] = {  # the columns of schema 3's batch blobs per kind
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


def arrow_blob(columns: dict, layout: dict[str, str], n: int) -> bytes:
    """Columns typed by LAYOUT -> a zstd Arrow IPC stream (schema 3's batch_data)."""
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
    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(compression="zstd")
    with pa.ipc.new_stream(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def read_blob(fmt: str, data: bytes) -> Any:
    """A schema-3 blob as an Arrow table ('arrow' IPC; 'parquet' from earlier builds)."""
    import pyarrow as pa

    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.read_table(pa.BufferReader(data))
    return pa.ipc.open_stream(data).read_all()


def columnar_batches(db: Any) -> None:
    """Schema 3: accepted rows moved from a table row each into one Arrow blob per batch."""
    db.run(
        "CREATE TABLE batch_data (batch_id INTEGER PRIMARY KEY REFERENCES batches(id), "
        "format TEXT NOT NULL, rows INTEGER NOT NULL, data BLOB NOT NULL)"
    )
    old = {"asesmen": "assessments", "kinerja": "ratings", "formasi": "vacancies"}
    for kind, table in old.items():
        frame = db.frame(f"SELECT * FROM {table} ORDER BY rowid")
        layout = dict(LAYOUT[kind])
        layout.update({c: REAL for c in frame.columns if c.startswith(SCORE_PREFIX)})
        for batch, rows in frame.groupby("batch_id", sort=True):
            blob = arrow_blob(dict(rows.items()), layout, len(rows))
            db.run(
                "INSERT INTO batch_data VALUES (?, 'arrow', ?, ?)", (int(batch), len(rows), blob)
            )
    db.run("DROP VIEW people")
    for table in old.values():
        db.run(f"DROP TABLE {table}")


def batch_frames(db: Any) -> list[tuple[int, str, str | None, pd.DataFrame]]:
    """Every schema-3 batch's rows: (batch id, kind, cycle, rows), in import order."""
    out = []
    sql = (
        "SELECT b.id, b.kind, b.cycle, d.format, d.data FROM batches b "
        "JOIN batch_data d ON d.batch_id = b.id ORDER BY b.id"
    )
    for batch, kind, cycle, fmt, data in db.rows(sql):
        out.append((batch, kind, cycle, read_blob(fmt, data).to_pandas()))
    return out


def run_frames(db: Any) -> list[tuple[int, pd.DataFrame]]:
    """Every schema-3 run's result rows (notes joined by spaces, as stored)."""
    out = []
    for run, fmt, data in db.rows("SELECT run_id, format, data FROM results ORDER BY run_id"):
        frame = read_blob(fmt, data).to_pandas()
        for name in frame.columns:
            if isinstance(frame[name].dtype, pd.CategoricalDtype):
                frame[name] = frame[name].astype(object)
        out.append((run, frame))
    return out
