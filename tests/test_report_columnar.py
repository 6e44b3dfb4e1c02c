"""The columnar text builder under the CSV and JSON writers: merged parts give the same rows,
files are written whole, owner-only, or not at all."""

from __future__ import annotations

import stat

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from talentcli.errors import OutputError
from talentcli.report import columnar
from talentcli.report.columnar import Coded, Lines


@st.composite
def parts(draw) -> tuple[list, list[str]]:
    """Literals, coded parts and string arrays for N rows, and the rows they spell."""
    n = draw(st.integers(0, 30))
    out, rows = [], [""] * n
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["literal", "coded", "array"]))
        if kind == "literal":
            text = draw(st.text(alphabet="ab,;", max_size=3))
            out.append(text)
            rows = [r + text for r in rows]
        elif kind == "coded":
            texts = draw(st.lists(st.text(alphabet="xyz", max_size=2), min_size=1, max_size=6))
            codes = np.array([draw(st.integers(0, len(texts) - 1)) for _ in range(n)], dtype=int)
            out.append(Coded(codes, texts))
            rows = [r + texts[c] for r, c in zip(rows, codes, strict=True)]
        else:
            values = [draw(st.text(alphabet="pq\u00e9", max_size=3)) for _ in range(n)]
            out.append(pa.array(values, pa.string()))
            rows = [r + v for r, v in zip(rows, values, strict=True)]
    return out, rows


@settings(max_examples=200, deadline=None)
@given(case=parts(), limit=st.sampled_from([1, 4, 1024]))
def test_merged_parts_spell_the_same_rows(case, limit):
    pieces, rows = case
    assume(any(not isinstance(p, str) for p in pieces))  # a list always has a column
    old = columnar.MERGE_LIMIT
    columnar.MERGE_LIMIT = limit
    try:
        lines = columnar.lines(pieces)
    finally:
        columnar.MERGE_LIMIT = old
    if len(rows):
        assert lines.array().to_pylist() == rows
        assert len(lines.pieces) <= len(pieces)


def test_factorize_keeps_what_pandas_merges():
    values = pd.Series([0.0, -0.0, 1, 1.0, True, None, np.nan, "1", 1], dtype=object)
    codes, uniques = columnar.factorize(values)
    assert [uniques[c] if c >= 0 else None for c in codes] == [
        0.0, -0.0, 1, 1.0, True, None, None, "1", 1,
    ]  # fmt: skip
    assert [repr(u) for u in uniques] == ["0.0", "-0.0", "1", "1.0", "True", "'1'"]
    assert list(codes) == [0, 1, 2, 3, 4, -1, -1, 5, 2]


def lines_of(*rows: str) -> Lines:
    return Lines([pa.array(list(rows), pa.string())])


def test_files_written_in_order_owner_only(tmp_path):
    files = [
        (tmp_path / "a.txt", ["head\n", lines_of("1\n", "2\n")]),
        (tmp_path / "b.txt", [Lines([pa.array([",x", ",y"])], skip=1)]),
    ]
    assert columnar.write_files(files) == [tmp_path / "a.txt", tmp_path / "b.txt"]
    assert (tmp_path / "a.txt").read_text() == "head\n1\n2\n"
    assert (tmp_path / "b.txt").read_text() == "x,y"
    for p in tmp_path.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_a_failure_while_preparing_leaves_no_partial_file(tmp_path):
    def failing():
        for i in range(50):
            yield lines_of(f"{i}\n")
        raise RuntimeError("boom")

    (tmp_path / "b.txt").write_text("the previous report\n")
    files = [(tmp_path / "a.txt", ["ok\n"]), (tmp_path / "b.txt", failing())]
    with pytest.raises(RuntimeError, match="boom"):
        columnar.write_files(files)
    assert (tmp_path / "a.txt").read_text() == "ok\n"  # written before the failure
    assert (tmp_path / "b.txt").read_text() == "the previous report\n"  # left whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]  # no temporaries


def test_a_failure_while_writing_is_raised(tmp_path):
    (tmp_path / "not-a-folder").write_text("")
    pieces = (lines_of(f"{i}\n") for i in range(100))  # more than the chute holds
    with pytest.raises(OutputError):
        columnar.write_files([(tmp_path / "not-a-folder" / "a.txt", pieces)])
