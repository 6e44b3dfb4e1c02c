"""The shipped samples/messy files show each validation code on the rows their README names."""

from __future__ import annotations

from pathlib import Path

import pytest

MESSY = Path(__file__).resolve().parent.parent / "samples" / "messy"

# file -> (code, rejected or skipped rows, (read, accepted, rejected, skipped))
CASES = {
    "missing-value.xlsx": ("missing-value", {6, 8, 10, 11}, (8, 4, 4, 0)),
    "invalid-nip.xlsx": ("invalid-nip", {6, 7, 8, 9, 10}, (8, 3, 5, 0)),
    "nip-precision-lost.xlsx": ("nip-precision-lost", {6, 9, 11}, (8, 5, 3, 0)),
    "nip-precision-lost.csv": ("nip-precision-lost", {3, 6, 8}, (8, 5, 3, 0)),
    "duplicate-nip.xlsx": ("duplicate-nip", {6, 13}, (9, 7, 2, 0)),
    "duplicate-row.xlsx": ("duplicate-row", {13}, (9, 8, 0, 1)),
    "type-error.xlsx": ("type-error", {7, 9}, (8, 6, 2, 0)),
    "out-of-range.xlsx": ("out-of-range", {6, 8, 10}, (8, 5, 3, 0)),
    "unknown-job-level.xlsx": ("unknown-job-level", {7, 10}, (8, 6, 2, 0)),
    "unknown-rating.xlsx": ("unknown-rating", {8, 11}, (9, 7, 2, 0)),
    "unknown-education.xlsx": ("unknown-education", {6, 10}, (8, 6, 2, 0)),
    "decimal-comma-semicolon-cp1252.csv": (None, set(), (8, 8, 0, 0)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_messy_file_shows_its_code(cli, name):
    code, rows, want = CASES[name]
    f = cli.json("import", MESSY / name)["files"][0]
    assert (f["rows_read"], f["accepted"], f["rejected"], f["skipped"]) == want
    assert {e["code"] for e in f["errors"]} == ({code} if code else set())
    assert {e["row"] for e in f["errors"]} == rows


def test_missing_column_file_is_refused(cli):
    result = cli("import", MESSY / "missing-column.xlsx")
    assert result.exit_code == 3 and "(missing-column)" in result.output


def test_every_messy_file_is_covered():
    shipped = {p.name for p in MESSY.iterdir() if p.suffix in (".xlsx", ".csv")}
    assert shipped == set(CASES) | {"missing-column.xlsx"}
