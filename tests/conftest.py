"""Shared fixtures: workbooks written with xlsxwriter (not the library that reads them), a CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import settings
from typer.testing import CliRunner

from talentcli.cli import app

# No hypothesis deadline: speed is measured by `make bench`, never by a timed test, and on a
# shared machine a first call (a cold import) can take longer than any fixed deadline.
settings.register_profile("talentcli", deadline=None)
settings.load_profile("talentcli")

ASESMEN_HEADER = [
    "NO",
    "NIP",
    "NAMA",
    "JABATAN",
    "ESELON",
    "UNIT KERJA",
    "KEMAMPUAN TEKNIS",
    "SOSIO KULTURAL",
    "LITERASI DIGITAL",
    "KEMAMPUAN NUMERIK/BERPIKIR",
]
TITLE = ["PEMERINTAH KABUPATEN SERANG", "REKAPITULASI HASIL ASESMEN KOMPETENSI", None]


def write_xlsx(path: Path, rows: list[list], sheet: str = "Rekap", before: dict | None = None):
    """Write ROWS (None = empty cell) with xlsxwriter; strings stay strings, numbers numbers."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    for name, lines in (before or {}).items():
        ws = wb.add_worksheet(name)
        for r, text in enumerate(lines):
            ws.write_string(r, 0, text)
    ws = wb.add_worksheet(sheet)
    for r, row in enumerate(rows):
        for c, v in enumerate(row or []):
            if v is None:
                continue
            if isinstance(v, str) and v.startswith("=") and v.endswith("#"):
                ws.write_formula(r, c, v[:-1])  # a formula; '#' marks it in the test tables
            elif isinstance(v, str):
                ws.write_string(r, c, v)
            else:
                ws.write_number(r, c, v)
    wb.close()
    return path


def asesmen_rows(data: list[list]) -> list[list]:
    """A title block (rows 1-3), the header on row 4, then DATA from row 5."""
    return [[t] if t else None for t in TITLE] + [ASESMEN_HEADER] + data


def person(i: int, nip: str | float | None = None, level: str = "IV.a", scores=(3, 2, 2, 2)):
    """One valid asesmen row (NO, NIP, NAMA, JABATAN, ESELON, UNIT, 4 scores)."""
    nip = nip if nip is not None else f"19800101200501{1 + i % 2}{i:03d}"
    return [i, nip, f"Pegawai {i}", "Kepala Seksi", level, "Bappeda", *scores]


def nip_is_valid(nip: str) -> bool:
    """SPEC §3.1 `invalid-nip` written out plainly: an oracle independent of the importer."""
    if len(nip) != 18 or not nip.isdigit():
        return False
    try:
        birth = dt.date(int(nip[:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        return False
    appointed, month = int(nip[8:12]), int(nip[12:14])
    return (
        1940 <= birth.year <= 2010
        and 1 <= month <= 12
        and appointed >= birth.year + 15
        and nip[14] in "12"
    )


class Cli:
    """talentcli run in-process inside a workspace folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.runner = CliRunner()

    def __call__(self, *args: str):
        result = self.runner.invoke(app, ["--db", str(self.root / "talent.db"), *map(str, args)])
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception  # a crash also exits 1: never let a test take it for one
        return result

    def json(self, *args: str) -> dict:
        result = self(*args, "--json")
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        return json.loads(result.stdout)

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        return store_sql(self.root / "talent.db", query, params)


def store_sql(db: Path, query: str, params: tuple = ()) -> list[tuple]:
    """QUERY against the store file, as anyone with `sqlite3 talent.db` would run it (the
    accepted rows are the tables `assessments`, `ratings`, `vacancies`; `people` a view)."""
    from talentcli.store import Store

    store = Store(db, create=False)
    try:
        return store.db.rows(query, params)
    finally:
        store.close()


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TALENTCLI_DB", raising=False)
    return Cli(tmp_path)
