"""Text of big lists built column by column, for the CSV and JSON writers.

A row of a report is literals and the text of each of its values. Instead of formatting row
by row in Python, each column becomes either a *coded* part (a code per row and the text of
each distinct value, worked out once) or, for free text such as names, an Arrow string
array. Neighbouring coded parts are merged while few combinations occur, and Arrow joins the
remaining pieces row by row in C. Chunks are joined and written on two more threads while
Python prepares the next ones, so the memory stays a few chunks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from queue import Full, Queue

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from talentcli.plans import first_rows
from talentcli.safety import private_file

CHUNK = 50_000  # rows per piece of text: bounds the memory, big enough for C-level speed
MERGE_LIMIT = 1024  # combinations of neighbouring coded parts worth writing out in Python
IN_FLIGHT = 4  # chunks prepared but not yet written


@dataclass
class Coded:
    """A column as a code per row and the text of each code."""

    codes: np.ndarray
    texts: list[str]

    def array(self) -> pa.Array:
        """The text of every row."""
        return pa.array(self.texts, pa.string()).take(pa.array(self.codes))


Part = str | pa.Array | Coded  # literal text, text per row, or coded text per row


@dataclass
class Lines:
    """Text per row, not joined yet: literals, string arrays and coded parts."""

    pieces: list[Part]
    skip: int = 0  # bytes left out at the start (a list's first item has no comma before it)

    def array(self) -> pa.Array:
        """The rows' text, joined in C."""
        arrays = [p.array() if isinstance(p, Coded) else p for p in self.pieces]
        if len(arrays) == 1 and not isinstance(arrays[0], str):
            return arrays[0]
        return pc.binary_join_element_wise(*arrays, "")

    def text(self) -> str:
        """All rows as one string (small lists and tests)."""
        return "".join(self.array().to_pylist())[self.skip :]


def lines(parts: list[Part]) -> Lines:
    """Row text from PARTS, with neighbouring coded parts merged while few combinations occur
    (each combination's text is written once), so Arrow joins a handful of pieces, not dozens.
    """
    out: list[Part] = []
    for part in parts:
        last = out[-1] if out else None
        if isinstance(part, str) and isinstance(last, str):
            out[-1] = last + part
        elif isinstance(part, str) and isinstance(last, Coded):
            out[-1] = Coded(last.codes, [t + part for t in last.texts])
        elif isinstance(part, Coded) and isinstance(last, Coded):
            both = _merge(last, part)
            out[-1:] = [last, part] if both is None else [both]
        elif isinstance(part, Coded) and isinstance(last, str):
            out[-1] = Coded(part.codes, [last + t for t in part.texts])
        else:
            out.append(part)
    return Lines(out)


def _merge(a: Coded, b: Coded) -> Coded | None:
    """A then B as one coded part, or None when they make more than MERGE_LIMIT combinations."""
    key = a.codes * len(b.texts) + b.codes
    if len(a.texts) * len(b.texts) > max(4 * len(key), 1 << 16):  # too sparse to tabulate
        codes, first = first_codes(key)
        combos = key[first]
    else:  # which combinations occur, from a table of all of them: no hashing
        used = np.zeros(len(a.texts) * len(b.texts), dtype=bool)
        used[key] = True
        combos = np.flatnonzero(used)
        codes = (np.cumsum(used) - 1)[key] if len(combos) <= MERGE_LIMIT else None
    if len(combos) > MERGE_LIMIT:
        return None
    width = len(b.texts)
    return Coded(codes, [a.texts[c // width] + b.texts[c % width] for c in combos.tolist()])


def coded(values: pd.Series, encode: Callable[[object], str]) -> Coded:
    """Each value's text by ENCODE, called once per distinct value (NaN/None included)."""
    codes, uniques = factorize(values)
    texts = [encode(u) for u in uniques]
    return Coded(codes % (len(texts) + 1), [*texts, encode(None)])


def factorize(values: pd.Series) -> tuple[np.ndarray, list]:
    """Codes by first appearance (-1 for NaN/None/NA) and the distinct values as Python
    objects, distinct as far as their text goes: unlike pd.factorize, 0.0 and -0.0 differ,
    and so do 1, 1.0 and True in a column of objects.

    A column of Python objects is grouped by object identity first, one integer per row: the
    engine's columns repeat a few shared strings, and hashing their text row by row is ten
    times slower. Equal objects of one type are then merged among the few distinct ones.
    """
    if values.dtype == object:
        ids, first = first_codes(identities(values))
        return _by_value(ids, values.to_numpy()[first].tolist())
    if isinstance(values.dtype, np.dtype) and values.dtype.kind == "f":  # by bits: -0.0 too
        floats = values.to_numpy()
        known = ~np.isnan(floats)
        codes = np.full(len(floats), -1, dtype=np.int64)
        codes[known], bits = pd.factorize(floats[known].view(f"i{floats.itemsize}"))
        return codes, bits.view(floats.dtype).tolist()
    plain = isinstance(values.dtype, np.dtype)  # integers, booleans; else Arrow strings
    codes, uniques = pd.factorize(values.to_numpy() if plain else values)
    return codes.astype(np.int64), list(uniques.tolist())


def _by_value(ids: np.ndarray, objects: list) -> tuple[np.ndarray, list]:
    """Codes of rows grouped by object (IDS into OBJECTS) merged by type and value."""
    codes = np.full(len(objects) + 1, -1, dtype=np.int64)  # the last one: ids of -1 (none)
    seen: dict = {}
    uniques: list = []
    for i, v in enumerate(objects):
        if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
            continue
        key = (type(v), v, math.copysign(1.0, v) if isinstance(v, float) else 0.0)
        try:
            code = seen.setdefault(key, len(uniques))
        except TypeError:  # unhashable: its own value
            code = len(uniques)
        if code == len(uniques):
            uniques.append(v)
        codes[i] = code
    return codes[ids], uniques


def first_codes(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Factorize codes of integer KEYS and the first row of each code."""
    codes = pd.factorize(keys)[0].astype(np.int64)
    return codes, first_rows(codes)


def identities(values: pd.Series | np.ndarray) -> np.ndarray:
    """The address of each object of an object column (valid while the column lives)."""
    objects = values.to_numpy() if isinstance(values, pd.Series) else values
    return np.frombuffer(objects.tobytes(), dtype=np.intp)


def positions(keys: pd.Series, among: pd.Series) -> np.ndarray:
    """For each of KEYS its row in AMONG (unique values), or -1.

    Plans hold the very NIP objects of the people they were made for, in the same order, so
    the usual case is recognised by object identity alone; otherwise rows are looked up.
    """
    if keys.dtype == object and among.dtype == object and len(keys):
        ids, people = identities(keys), identities(among)
        starts = np.flatnonzero(np.diff(ids, prepend=ids[0] - 1))
        if len(starts) == len(people) and (ids[starts] == people).all():
            return np.repeat(np.arange(len(people)), np.diff(starts, append=len(ids)))
    text, known = strings(keys), strings(among)
    if text is None or known is None:  # not text: pandas looks the values up
        return pd.Index(among).get_indexer(keys).astype(np.int64)
    found = pc.index_in(text, value_set=known)
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def runs(values: pd.Series) -> tuple[np.ndarray, np.ndarray | None]:
    """The first row of each run of one repeated object, and each row's run number; all rows
    and None when runs are too short to be worth it."""
    if values.dtype == object and len(values) > 1:
        ids = identities(values)
        new = np.concatenate([[True], ids[1:] != ids[:-1]])
        heads = np.flatnonzero(new)
        if len(heads) <= len(ids) * 3 // 4:
            return heads, np.cumsum(new) - 1
    return np.arange(len(values)), None


def few_distinct(values: pd.Series) -> bool:
    """Whether a column repeats its values (coded) rather than being free text, by a sample."""
    sample = values.iloc[:4096]
    return sample.nunique(dropna=False) <= len(sample) // 8


def strings(values: pd.Series) -> pa.Array | None:
    """A text column as an Arrow string array (None and NaN as null); None if not all text."""
    try:
        out = pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return None
    return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out


def byte_table(chars: str) -> np.ndarray:
    """256 booleans, True for the bytes of CHARS (ASCII)."""
    table = np.zeros(256, dtype=bool)
    table[[ord(c) for c in chars]] = True
    return table


def rows_with(text: pa.Array, chars: str, below: int = 0) -> np.ndarray:
    """Indexes of the rows of TEXT holding one of the ASCII CHARS or a byte below BELOW."""
    offsets, data = buffers(text)
    data = data[offsets[0] : offsets[-1]]
    marked = data < below
    for c in chars.encode("ascii"):
        marked |= data == c
    hits = np.flatnonzero(marked)
    seen = np.zeros(len(text), dtype=bool)
    seen[np.searchsorted(offsets, hits + offsets[0], side="right") - 1] = True
    return np.flatnonzero(seen)


def starting_with(text: pa.Array, table: np.ndarray) -> np.ndarray:
    """A boolean per row of TEXT: its first byte is marked in TABLE."""
    offsets, data = buffers(text)
    filled = offsets[1:] > offsets[:-1]
    first = np.zeros(len(text), dtype=np.uint8)
    first[filled] = data[offsets[:-1][filled]]
    return filled & table[first]


def replace_rows(text: pa.Array, rows: np.ndarray, values: list[str]) -> pa.Array:
    """TEXT with ROWS replaced by VALUES."""
    if not len(rows):
        return text
    mask = np.zeros(len(text), dtype=bool)
    mask[rows] = True
    return pc.replace_with_mask(text, pa.array(mask), pa.array(values, pa.string()))


def buffers(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The offsets (one more than rows) and the UTF-8 bytes of a string array, no copies."""
    _, off, data = text.buffers()
    width = np.int64 if pa.types.is_large_string(text.type) else np.int32
    offsets = np.frombuffer(off, dtype=width)[text.offset : text.offset + len(text) + 1]
    return offsets, np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, "u1")


def write_files(files: Iterable[tuple[Path, Iterable[str | Lines]]]) -> list[Path]:
    """Write each (path, pieces) in order, owner-only and atomically (safety.private_file).

    Joining the pieces (Arrow, without the GIL) and writing them run on two more threads
    while Python prepares the next chunks, also those of the next file; a few chunks wait
    in between. If preparing fails, the file being written is abandoned (its temporary
    removed) and the error raised; files already written stay.
    """
    written = []
    with ThreadPoolExecutor(1) as joiner, ThreadPoolExecutor(1) as pool:
        done: list[Future] = []
        for path, pieces in files:
            chute: Queue = Queue(maxsize=IN_FLIGHT)
            done.append(pool.submit(_write_file, path, chute))
            try:
                for piece in pieces:
                    if isinstance(piece, Lines):  # joined meanwhile, written in order
                        piece = (joiner.submit(piece.array), piece.skip)
                    _put(chute, piece, done[-1])
            except BaseException:
                _put(chute, _ABANDON, done[-1])
                raise
            _put(chute, _END, done[-1])
            written.append(path)
        for future in done:
            future.result()
    return written


_END, _ABANDON = object(), object()


class _Abandoned(Exception):
    """Preparing the pieces failed: the file is not to be kept."""


def _put(chute: Queue, piece: object, writer: Future) -> None:
    """Hand PIECE to the writer, waiting while the chute is full; the writer's error if it
    stopped (it would never take it)."""
    while True:
        try:
            chute.put(piece, timeout=0.05)
            return
        except Full:
            if writer.done():
                writer.result()  # raises the writer's error
                return


def _write_file(path: Path, chute: Queue) -> None:
    with private_file(path) as tmp, tmp.open("wb") as fh:
        while (piece := chute.get()) is not _END:
            if piece is _ABANDON:
                raise _Abandoned(str(path))
            _write_piece(fh, piece)


def _write_piece(fh, piece: str | tuple[Future, int]) -> None:
    """Literal text, or the rows of a joined chunk back to back (its bytes, no copy)."""
    if isinstance(piece, str):
        fh.write(piece.encode("utf-8"))
        return
    joined, skip = piece
    text = joined.result()
    if len(text):
        offsets, data = buffers(text)
        fh.write(memoryview(data)[offsets[0] + skip : offsets[-1]])
