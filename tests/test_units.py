"""Units grouped case- and space-insensitively in every count (SPEC §3.2, issue #17 item 7):
one function, talentcli.units.one_spelling, behind the import, the per-unit counts, equity,
the budget's per-unit totals and the per-unit plan pages."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from talentcli.units import one_spelling, unit_names
from tests.conftest import asesmen_rows, person, write_xlsx


def test_one_unit_however_it_is_cased_or_spaced_shown_as_written_most_often():
    units = pd.Series(
        ["Dinas Kesehatan", "DINAS  KESEHATAN ", "Dinas Kesehatan", "dinas kesehatan", None]
    )
    got = one_spelling(units)
    assert got[:4].tolist() == ["Dinas Kesehatan"] * 4 and pd.isna(got[4])
    assert unit_names(units).tolist() == ["Dinas Kesehatan"] * 4 + [""]
    tie = pd.Series(["BAPPEDA", "Bappeda"])  # one each: the spelling seen first
    assert one_spelling(tie).tolist() == ["BAPPEDA", "BAPPEDA"]
    apart = pd.Series(["Dinkes", "Disdik"], dtype="category")  # nothing to merge: unchanged
    assert one_spelling(apart) is apart


def test_two_files_spelling_one_unit_two_ways_count_it_once_everywhere(cli, tmp_path):
    """a.xlsx writes 'Dinas Kesehatan' (persons 1, 2) and 'Bappeda' (3); b.xlsx writes
    'DINAS  KESEHATAN ' (4): the store keeps each file's spelling, every count has three
    people in one Dinas Kesehatan."""
    from talentcli.engine.budget import allocate
    from talentcli.engine.equity import equity
    from talentcli.pipeline import load_run
    from talentcli.report import lists
    from talentcli.rules import load_rules
    from talentcli.store import Store

    def at(i: int, unit: str) -> list:
        row = person(i)
        row[5] = unit
        return row

    a = [at(1, "Dinas Kesehatan"), at(2, "Dinas Kesehatan"), at(3, "Bappeda")]
    write_xlsx(tmp_path / "a-2026.xlsx", asesmen_rows(a))
    write_xlsx(tmp_path / "b-2026.xlsx", asesmen_rows([at(4, "DINAS  KESEHATAN ")]))
    nips = [person(i)[1] for i in range(1, 5)]
    write_xlsx(
        tmp_path / "kinerja.xlsx",
        [["NIP", "Tahun", "Predikat"], *([n, 2025, "Baik"] for n in nips)],
    )
    for f in ("a-2026.xlsx", "b-2026.xlsx", "kinerja.xlsx"):
        assert cli("import", tmp_path / f, "--cycle", "2026").exit_code == 0
    assert cli("classify", "--cycle", "2026", "--as-of", "2026-01-01").exit_code == 0
    assert sorted(cli.sql("SELECT DISTINCT unit FROM assessments")) == [
        ("Bappeda",),
        ("DINAS  KESEHATAN",),  # trimmed when read
        ("Dinas Kesehatan",),
    ]
    store = Store(tmp_path / "talent.db", create=False)
    try:
        data = load_run(store, "2026")
    finally:
        store.close()
    counts = lists.unit_counts(data)
    assert counts[["unit", "people"]].values.tolist() == [["Bappeda", 1], ["Dinas Kesehatan", 3]]
    rules = load_rules().rules
    groups = equity(data.people, dt.date(2026, 1, 1), rules)["unit"]
    assert sorted((g.group, g.people) for g in groups) == [("Bappeda", 1), ("Dinas Kesehatan", 3)]
    people = data.people.assign(**{f"delta_{c}": 0.0 for c in rules.competency_codes})
    per_unit = allocate(data.plans, people, rules, 0).per_unit
    paid = {u["unit"] for u in per_unit}
    assert paid <= {"Bappeda", "Dinas Kesehatan"} and "DINAS  KESEHATAN " not in paid
    out = tmp_path / "laporan"
    assert cli("report", "--format", "html", "--out", out).exit_code == 0
    pages = sorted(p.name for p in (out / "rencana").glob("unit-*.html"))
    assert pages == ["unit-bappeda.html", "unit-dinas-kesehatan.html"]
    page = (out / "rencana" / "unit-dinas-kesehatan.html").read_text(encoding="utf-8")
    assert all(f"Pegawai {i}" in page for i in (1, 2, 4)) and "Pegawai 3" not in page
