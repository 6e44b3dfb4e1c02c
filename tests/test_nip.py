"""Property tests for the NIP normaliser against an independent oracle (SPEC §3.1)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from talentcli.ingest.validate import normalise_nips
from tests.conftest import nip_is_valid


@st.composite
def valid_nips(draw) -> str:
    birth = draw(st.dates(dt.date(1940, 1, 1), dt.date(2010, 12, 31)))
    year = draw(st.integers(birth.year + 15, 2030))
    month = draw(st.integers(1, 12))
    gender = draw(st.sampled_from("12"))
    serial = draw(st.integers(0, 999))
    return f"{birth:%Y%m%d}{year:04d}{month:02d}{gender}{serial:03d}"


def written(nip: str, style: int) -> str:
    """The ways exports write a NIP as text."""
    return [
        nip,
        f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}",
        f"'{nip}",
        f"  {nip[:8]}.{nip[8:14]}.{nip[14]}.{nip[15:]} ",
        f"{nip[:8]}-{nip[8:14]}-{nip[14]}-{nip[15:]}",
        f"\xa0{nip[:8]}\xa0{nip[8:14]}\u2009{nip[14]}\t{nip[15:]}",  # no-break/thin spaces
        f"\u2019{nip}",  # the apostrophe as a word processor curls it
    ][style]


@given(st.lists(st.tuples(valid_nips(), st.integers(0, 6)), min_size=1, max_size=30))
def test_valid_nips_in_any_written_form_normalise_to_their_digits(items):
    raw = pd.Series([written(n, s) for n, s in items], dtype=object)
    out = normalise_nips(raw)
    assert out["digits"].tolist() == [n for n, _ in items]
    assert (out["reason"] == "").all() and not out["lost"].any()


@settings(max_examples=300)
@given(st.lists(st.text("0123456789", min_size=17, max_size=19), min_size=1, max_size=30))
def test_reason_is_empty_exactly_when_the_oracle_says_valid(digits):
    out = normalise_nips(pd.Series(digits, dtype=object))
    assert [r == "" for r in out["reason"]] == [nip_is_valid(d) for d in digits]


@given(st.lists(valid_nips(), min_size=1, max_size=10))
def test_nips_stored_as_numbers_are_flagged_lost(nips):
    out = normalise_nips(pd.Series([float(n) for n in nips], dtype=object))
    assert out["lost"].all()


@given(st.floats(1.0, 9.99999).map(lambda m: f"{m:.5f}E+17"))
def test_scientific_notation_text_is_flagged_lost(text):
    assert normalise_nips(pd.Series([text], dtype=object))["lost"].all()


@given(
    st.lists(
        st.one_of(st.tuples(valid_nips(), st.integers(0, 6)).map(lambda t: written(*t)), st.text()),
        min_size=2,
        max_size=30,
    )
)
def test_a_csv_column_normalises_like_spreadsheet_cells(cells):
    """A CSV column arrives as chunked Arrow text (multi-threaded read), a workbook column as
    Python objects: the same cells give the same digits, flags and reasons."""
    import pyarrow as pa

    half = len(cells) // 2
    chunked = pa.chunked_array([pa.array(cells[:half], pa.string()), pa.array(cells[half:])])
    arrow = pd.Series(chunked, dtype=pd.StringDtype("pyarrow", na_value=float("nan")))
    a, b = normalise_nips(pd.Series(cells, dtype=object)), normalise_nips(arrow)
    assert a["digits"].tolist() == b["digits"].tolist()
    assert a["lost"].tolist() == b["lost"].tolist() and a["reason"].tolist() == b["reason"].tolist()


@given(
    st.lists(
        st.one_of(
            st.tuples(valid_nips(), st.integers(0, 6)).map(lambda t: written(*t)),
            st.from_regex(r"\A[0-9]{0,20}\Z"),  # digits already: the cells taken as they are
            st.from_regex(r"\A ?'?[0-9],[0-9]{2}[eE]\+?1[5-7] ?\Z"),  # scientific notation
            st.text(alphabet=" '.-0123456789eE+\xa0\u2009"),
        ),
        max_size=30,
    )
)
def test_text_nips_in_arrow_agree_with_the_cell_by_cell_rule(cells):
    """The Arrow path (digits-only cells kept, the others cleaned) gives what the per-cell
    rule gives every cell: normalise_nips on Arrow text agrees with it on the same cells
    beside a number (a column not all text is read cell by cell)."""
    text = pd.StringDtype("pyarrow", na_value=float("nan"))
    arrow = normalise_nips(pd.Series(cells, dtype=text))
    plain = normalise_nips(pd.Series([*cells, 12345], dtype=object)).iloc[:-1]
    assert arrow["lost"].tolist() == plain["lost"].tolist()
    assert arrow["digits"].tolist() == plain["digits"].tolist()
    assert arrow["reason"].tolist() == plain["reason"].tolist()


def test_a_nip_with_other_characters_says_which():
    out = normalise_nips(pd.Series(["NIP. 19680306 199512 2 010", "1968030619951220x"]))
    assert out["reason"].tolist() == [
        "holds 'NIP', which is not part of a NIP: keep only its 18 digits",
        "must have 18 digits, not 16, and holds 'x', which is not part of a NIP",
    ]
