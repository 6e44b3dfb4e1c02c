"""SPEC §3.2: the layouts agencies really send, each written fresh by xlsxwriter (the reader
is python-calamine), and where the layout comes from LibreOffice, saved by it
(tests/data/layouts/, made by scripts/make_layout_fixtures.py). Every test asserts the
people stored, not only the exit code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import xlsxwriter

from tests.conftest import ASESMEN_HEADER, person

DATA = Path(__file__).parent / "data" / "layouts"


def write_book(
    path: Path,
    sheets: dict[str, list[list]],
    hidden_sheets: tuple[str, ...] = (),
    hidden_cols: dict[str, list[int]] | None = None,
    merged: dict[str, list[tuple[int, int, int, int]]] | None = None,
) -> Path:
    """A workbook of several sheets (None = empty cell); some sheets or columns hidden,
    some header cells merged (first_row, first_col, last_row, last_col)."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row or []):
                if v is None:
                    continue
                ws.write_string(r, c, v) if isinstance(v, str) else ws.write_number(r, c, v)
        for c in (hidden_cols or {}).get(name, []):
            ws.set_column(c, c, None, None, {"hidden": True})
        for r0, c0, r1, c1 in (merged or {}).get(name, []):
            ws.merge_range(r0, c0, r1, c1, rows[r0][c0])
        if name in hidden_sheets:
            ws.hide()
    wb.close()
    return path


def nip(i: int) -> str:
    return person(i)[1]


def stored_nips(cli, cycle: str | None = None) -> list[str]:
    q = "SELECT nip FROM assessments" + (" WHERE cycle = ?" if cycle else "") + " ORDER BY nip"
    return [r[0] for r in cli.sql(q, (cycle,) if cycle else ())]


def one_sheet_per_unit(path: Path) -> Path:
    """Petunjuk (an example header and row), DINKES, DISDIK, BAPPEDA, a hidden Lookup.

    DISDIK repeats person 1 exactly (a repeat across sheets: skipped); BAPPEDA has person 2
    with another score than DINKES (a conflict: both rejected) and a RATA-RATA row.
    """
    changed = person(2, scores=(4, 2, 2, 2))
    average = [None, None, "RATA-RATA", None, None, None, 3.2, 2.1, 2.0, 2.0]
    return write_book(
        path,
        {
            "Petunjuk": [["Isi satu baris per pegawai, contoh:"], ASESMEN_HEADER, person(99)],
            "DINKES": [["DINAS KESEHATAN"], None, ASESMEN_HEADER, person(1), person(2), person(3)],
            "DISDIK": [ASESMEN_HEADER, person(4), person(5), person(1)],
            "BAPPEDA": [ASESMEN_HEADER, person(6), changed, person(7), average],
            "Lookup": [ASESMEN_HEADER, person(8)],
        },
        hidden_sheets=("Lookup",),
    )


def test_one_sheet_per_unit_every_person_accounted_for(cli, tmp_path):
    f = cli.json("import", one_sheet_per_unit(tmp_path / "asesmen.xlsx"))["files"][0]
    assert stored_nips(cli) == sorted(nip(i) for i in (1, 3, 4, 5, 6, 7))
    assert f["sheets"] == [
        {"sheet": "DINKES", "header_row": 3, "rows_read": 3, "accepted": 2, "rejected": 1,
         "skipped": 0},
        {"sheet": "DISDIK", "header_row": 1, "rows_read": 3, "accepted": 2, "rejected": 0,
         "skipped": 1},
        {"sheet": "BAPPEDA", "header_row": 1, "rows_read": 4, "accepted": 2, "rejected": 1,
         "skipped": 1},
    ]  # fmt: skip
    assert (f["sheet"], f["header_row"]) == ("DINKES", 3)
    assert (f["rows_read"], f["accepted"], f["rejected"], f["skipped"]) == (10, 6, 2, 2)
    for s in [*f["sheets"], f]:
        assert s["rows_read"] == s["accepted"] + s["rejected"] + s["skipped"]
    clash = [e for e in f["errors"] if e["code"] == "duplicate-nip"]
    assert [e["cell"] for e in clash] == ["DINKES!B5", "BAPPEDA!B3"]
    repeat = [e for e in f["errors"] if e["code"] == "duplicate-row"]
    assert [(e["cell"], e["severity"]) for e in repeat] == [("DISDIK!B4", "warning")]
    assert "repeats sheet 'DINKES' row 4 exactly" in repeat[0]["message"]
    assert "NIP is on sheet 'DINKES' row 5, sheet 'BAPPEDA' row 3" in clash[0]["message"]
    notes = " | ".join(f["notes"])
    assert "'Petunjuk' holds instructions" in notes and "hidden sheet 'Lookup' not read" in notes


def test_one_sheet_per_unit_terminal_and_rejects(cli, tmp_path):
    result = cli("import", one_sheet_per_unit(tmp_path / "asesmen.xlsx"))
    assert result.exit_code == 1
    out = result.output
    assert "10 rows read = 6 accepted + 2 rejected + 2 skipped" in out
    assert "sheet 'DISDIK' (header row 1): 3 rows read = 2 accepted + 0 rejected + 1 skipped" in out
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "rejects" / "asesmen.rejects.xlsx")["Ditolak"]
    rows = [[c.value for c in r] for r in ws.iter_rows(values_only=False)]
    assert rows[0][:2] == ["sheet", "row"]
    assert sorted((r[0], r[1]) for r in rows[1:]) == [("BAPPEDA", 3), ("DINKES", 5)]


def test_sheet_option_reads_one_sheet(cli, tmp_path):
    path = one_sheet_per_unit(tmp_path / "asesmen.xlsx")
    f = cli.json("import", path, "--sheet", "DISDIK")["files"][0]
    assert stored_nips(cli) == sorted(nip(i) for i in (1, 4, 5))
    assert [s["sheet"] for s in f["sheets"]] == ["DISDIK"] and f["accepted"] == 3


def test_instruction_sheet_alone_is_never_data(cli, tmp_path):
    path = write_book(
        tmp_path / "a.xlsx",
        {"Cara Pengisian": [ASESMEN_HEADER, person(1)], "Data": [ASESMEN_HEADER, person(2)]},
    )
    f = cli.json("import", path)["files"][0]
    assert stored_nips(cli) == [nip(2)] and f["sheet"] == "Data"


def test_unit_sheets_libreoffice(cli):
    """The same one-sheet-per-unit workbook saved by LibreOffice as .xlsx, .ods and .xls."""
    for ext in ("xlsx", "ods", "xls"):
        f = cli.json("import", DATA / f"units-lo.{ext}", "--force")["files"][0]
        assert [s["sheet"] for s in f["sheets"]] == ["DINKES", "DISDIK", "BAPPEDA"], ext
        assert (f["rows_read"], f["accepted"], f["rejected"], f["skipped"]) == (10, 6, 2, 2)
    assert stored_nips(cli) == sorted(nip(i) for i in (1, 3, 4, 5, 6, 7))


# ------------------------------------------------------------------ the cycle


def test_cycle_from_talent_yaml_is_said(cli, tmp_path):
    cli("init", ".", "--cycle", "2026")
    path = write_book(tmp_path / "asesmen.xlsx", {"Rekap": [ASESMEN_HEADER, person(1)]})
    f = cli.json("import", path)["files"][0]
    assert (f["cycle"], f["cycle_from"]) == ("2026", "talent.yaml")
    assert "cycle 2026 (talent.yaml)" in f["notes"]
    assert stored_nips(cli, "2026") == [nip(1)]


@pytest.mark.parametrize(
    ("name", "title"),
    [("asesmen Nov 2025.xlsx", "REKAP ASESMEN"), ("asesmen.xlsx", "HASIL ASESMEN TAHUN 2025")],
)
def test_file_naming_another_year_is_refused(cli, tmp_path, name, title):
    cli("init", ".", "--cycle", "2026")
    path = write_book(tmp_path / name, {"Rekap": [[title], None, ASESMEN_HEADER, person(1)]})
    result = cli("import", path)
    assert result.exit_code == 3
    assert "the file says 2025" in result.output
    assert "the workspace 2026: import it with --cycle 2025 or --cycle 2026" in result.output
    assert stored_nips(cli) == []
    f = cli.json("import", path, "--cycle", "2025")["files"][0]
    assert (f["cycle"], f["cycle_from"]) == ("2025", "--cycle")
    assert stored_nips(cli, "2025") == [nip(1)]


def test_without_workspace_cycle_the_title_year_then_the_name(cli, tmp_path):
    titled = write_book(
        tmp_path / "asesmen-2024.xlsx", {"Rekap": [["TAHUN 2025"], ASESMEN_HEADER, person(1)]}
    )
    f = cli.json("import", titled)["files"][0]
    assert (f["cycle"], f["cycle_from"]) == ("2025", "the year in its title block")
    named = write_book(tmp_path / "asesmen-2024b.xlsx", {"Rekap": [ASESMEN_HEADER, person(2)]})
    f = cli.json("import", named)["files"][0]
    assert (f["cycle"], f["cycle_from"]) == ("2024", "the year in its name")
    assert stored_nips(cli, "2025") == [nip(1)] and stored_nips(cli, "2024") == [nip(2)]


def test_run_fails_a_file_of_another_year(cli, tmp_path):
    cli("init", ".", "--cycle", "2026")
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    write_book(inbox / "asesmen Nov 2025.xlsx", {"Rekap": [ASESMEN_HEADER, person(1)]})
    cli("run")
    failed = list((tmp_path / "failed").glob("asesmen Nov 2025*.reason.txt"))
    assert len(failed) == 1 and "cycle-mismatch" in failed[0].read_text()
    assert stored_nips(cli) == []


# ------------------------------------------------------------------ two columns, one field


def test_siasn_eselon_wins_over_jenis_jabatan(cli, tmp_path):
    header = ["NIP_BARU", "NAMA", "JENIS_JABATAN", "ESELON", *ASESMEN_HEADER[6:]]
    rows = [[nip(i), f"P{i}", "Struktural", "IV.a", 3, 2, 2, 2] for i in (1, 2)]
    f = cli.json("import", write_book(tmp_path / "siasn.xlsx", {"Data": [header, *rows]}))
    f = f["files"][0]
    assert (f["accepted"], f["rejected"]) == (2, 0)
    assert [r[0] for r in cli.sql("SELECT job_level FROM assessments")] == ["pengawas"] * 2
    assert any(
        "job_level is read from column D 'ESELON', not column C 'JENIS_JABATAN'" in n
        for n in f["notes"]
    )


def test_ekinerja_tahun_wins_over_periode(cli, tmp_path):
    header = ["NIP", "NAMA", "PERIODE", "TAHUN", "PREDIKAT"]
    rows = [[nip(1), "A", "Januari - Desember", 2025, "Baik"]]
    f = cli.json("import", write_book(tmp_path / "skp.xlsx", {"SKP": [header, *rows]}))
    f = f["files"][0]
    assert (f["kind"], f["accepted"]) == ("kinerja", 1)
    assert cli.sql("SELECT nip, tahun FROM ratings") == [(nip(1), 2025)]
    assert any(
        "tahun is read from column D 'TAHUN', not column C 'PERIODE'" in n for n in f["notes"]
    )


def test_hidden_stale_column_is_not_read(cli, tmp_path):
    header = [*ASESMEN_HEADER[:6], "KEMAMPUAN TEKNIS", *ASESMEN_HEADER[6:]]
    rows = [[*person(i)[:6], 1.5, *person(i)[6:]] for i in (1, 2)]  # G: last period's, hidden
    path = write_book(tmp_path / "a.xlsx", {"Rekap": [header, *rows]}, hidden_cols={"Rekap": [6]})
    f = cli.json("import", path)["files"][0]
    assert f["accepted"] == 2
    assert [r[0] for r in cli.sql("SELECT score_teknis FROM assessments")] == [3.0, 3.0]
    note = "teknis is read from column H 'KEMAMPUAN TEKNIS', not column G 'KEMAMPUAN TEKNIS'"
    assert any(note in n and "hidden" in n for n in f["notes"])


def test_two_visible_columns_with_one_alias_refused(cli, tmp_path):
    header = [*ASESMEN_HEADER, "Kemampuan Teknis"]
    rows = [[*person(1), 4]]
    result = cli("import", write_book(tmp_path / "a.xlsx", {"Rekap": [header, *rows]}))
    assert result.exit_code == 3
    assert "(ambiguous-column)" in result.output
    assert "columns G 'KEMAMPUAN TEKNIS' and K 'Kemampuan Teknis'" in result.output
    assert stored_nips(cli) == []


# ------------------------------------------------------------------ headers, summaries


def test_header_merged_over_two_rows_and_summary_rows(cli, tmp_path):
    """NO..UNIT merged down over rows 3-4, the scores under a KOMPETENSI title on row 3;
    a Rata-rata row between the people and a Jumlah row at the end."""
    top = [*ASESMEN_HEADER[:6], "KOMPETENSI", None, None, None]
    sub = [None] * 6 + ASESMEN_HEADER[6:]
    average = [None, None, "Rata-rata", None, None, None, 3, 2, 2, 2]
    total = ["JUMLAH", None, None, None, None, None, 6, 4, 4, 4]
    merged = [(2, c, 3, c) for c in range(6)] + [(2, 6, 2, 9)]
    rows = [["REKAP"], None, top, sub, person(1), average, person(2), total]
    path = write_book(tmp_path / "a.xlsx", {"Rekap": rows}, merged={"Rekap": merged})
    f = cli.json("import", path)["files"][0]
    assert f["header_row"] == 4
    assert (f["rows_read"], f["accepted"], f["rejected"], f["skipped"]) == (4, 2, 0, 2)
    assert stored_nips(cli) == sorted([nip(1), nip(2)])


def test_no_header_offers_header_row(cli, tmp_path):
    rows = [[f"baris {i}"] for i in range(32)] + [ASESMEN_HEADER, person(1)]
    path = write_book(tmp_path / "a.xlsx", {"Rekap": rows})
    result = cli("import", path)
    assert result.exit_code == 3 and "--header-row N" in result.output
    f = cli.json("import", path, "--header-row", "33")["files"][0]
    assert (f["header_row"], f["accepted"]) == (33, 1)
    assert stored_nips(cli) == [nip(1)]


def test_name_and_nip_in_one_column_says_split(cli, tmp_path):
    header = ["NO", "Nama / NIP", "ESELON", *ASESMEN_HEADER[6:]]
    rows = [header, [1, f"Pegawai 1 / {nip(1)}", "IV.a", 3, 2, 2, 2]]
    result = cli("import", write_book(tmp_path / "a.xlsx", {"Rekap": rows}))
    assert result.exit_code == 3
    assert "'Nama / NIP' holds both the name and the NIP: split it into two columns" in (
        result.output
    )


@pytest.mark.parametrize(
    ("scores", "found"),
    [([78, 85.5, 64, 90], "0-100"), (["B", "A", "C", "B"], "letters A-E")],
)
def test_scores_on_another_scale_refused(cli, tmp_path, scores, found):
    rows = [ASESMEN_HEADER] + [[*person(i)[:6], scores[i], 3, 3, 3] for i in range(4)]
    result = cli("import", write_book(tmp_path / "a.xlsx", {"Rekap": rows}))
    assert result.exit_code == 3 and "(scale-mismatch)" in result.output
    assert found in result.output and "G 'KEMAMPUAN TEKNIS'" in result.output
    assert "in the rules" not in result.output  # never: change the rules' scale to fit
    assert stored_nips(cli) == []


def test_unknown_columns_one_note_line(cli, tmp_path):
    extra = [f"Kolom {i}" for i in range(12)]
    rows = [[*ASESMEN_HEADER, *extra], [*person(1), *["x"] * 12]]
    f = cli.json("import", write_book(tmp_path / "a.xlsx", {"Rekap": rows}))["files"][0]
    lines = [n for n in f["notes"] if "not used" in n]
    assert lines == [
        "13 columns not used: NO, Kolom 0, Kolom 1, Kolom 2, Kolom 3, Kolom 4, Kolom 5, "
        "Kolom 6, Kolom 7, Kolom 8, and 3 more"
    ]
    assert stored_nips(cli) == [nip(1)]


@pytest.mark.parametrize("ext", ["xlsx", "ods"])
def test_merged_header_libreoffice(cli, ext):
    f = cli.json("import", DATA / f"merged-lo.{ext}")["files"][0]
    assert (f["rows_read"], f["accepted"], f["rejected"], f["skipped"]) == (4, 2, 0, 2)
    assert stored_nips(cli) == sorted([nip(1), nip(2)])


@pytest.mark.parametrize("ext", ["xlsx", "ods"])
def test_hidden_column_libreoffice(cli, ext):
    """LibreOffice keeps the hidden column hidden: xlsx `<col hidden>`, ods visibility."""
    f = cli.json("import", DATA / f"hidden-lo.{ext}")["files"][0]
    assert f["accepted"] == 2
    assert [r[0] for r in cli.sql("SELECT score_teknis FROM assessments")] == [3.0, 3.0]


# ------------------------------------------------------------------ re-import, run order


def test_rules_changed_means_import_again_unit():
    from talentcli.ingest import ImportOptions, rules_changed

    opts = ImportOptions(rules_sha256="b" * 64)
    assert rules_changed({"rules_sha256": "a" * 64}, opts)
    assert not rules_changed({"rules_sha256": "b" * 64}, opts)
    assert not rules_changed({}, opts)  # a batch stored before the store kept the SHA


def _fix_rules_to_know(path: Path, spelling: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("aliases: [IV.a,", f"aliases: [{spelling}, IV.a,", 1), "utf-8")


def test_file_fixed_by_a_rules_change_is_imported_again(cli, tmp_path):
    cli("init", ".", "--cycle", "2026")
    path = write_book(
        tmp_path / "a.xlsx", {"Rekap": [ASESMEN_HEADER, person(1), person(2, level="Kasi")]}
    )
    first = cli.json("import", path)["files"][0]
    if not any(r[1] == "rules_sha256" for r in cli.sql("PRAGMA table_info(batches)")):
        pytest.skip("the store keeps no rules SHA-256 per batch yet (store.py migration)")
    assert (first["accepted"], first["rejected"]) == (1, 1)
    again = cli.json("import", path)["files"][0]
    assert again["status"] == "already-imported"
    _fix_rules_to_know(tmp_path / "rules" / "default.yaml", "Kasi")
    fixed = cli.json("import", path)["files"][0]
    assert (fixed["status"], fixed["accepted"], fixed["rejected"]) == ("imported", 2, 0)
    assert stored_nips(cli) == sorted([nip(1), nip(2)])


def test_force_imports_the_same_file_again(cli, tmp_path):
    path = write_book(tmp_path / "a.xlsx", {"Rekap": [ASESMEN_HEADER, person(1)]})
    assert cli.json("import", path)["files"][0]["status"] == "imported"
    assert cli.json("import", path)["files"][0]["status"] == "already-imported"
    f = cli.json("import", path, "--force")["files"][0]
    assert (f["status"], f["accepted"]) == ("imported", 1)
    assert len(cli.sql("SELECT id FROM batches")) == 2
    assert stored_nips(cli) == [nip(1)]


def test_run_imports_kind_by_kind_then_by_name(cli, tmp_path):
    cli("init", ".", "--cycle", "2026")
    inbox = tmp_path / "inbox"
    write_book(inbox / "a-kinerja.xlsx", {"SKP": [["NIP", "NAMA", "TAHUN", "PREDIKAT"],
                                                  [nip(1), "A", 2025, "Baik"]]})  # fmt: skip
    write_book(
        inbox / "b-formasi.xlsx",
        {"F": [["KODE", "JABATAN", "ESELON", "UNIT KERJA"], ["F1", "Kabag", "III.a", "Setda"]]},
    )
    write_book(inbox / "c-asesmen.xlsx", {"Rekap": [ASESMEN_HEADER, person(1)]})
    write_book(inbox / "d-asesmen.xlsx", {"Rekap": [ASESMEN_HEADER, person(2)]})
    (inbox / "0-junk.xlsx").write_text("not a workbook")
    result = cli("run")
    order = re.findall(r"^(\S+\.xlsx): ", result.output, flags=re.M)
    assert order == ["c-asesmen.xlsx", "d-asesmen.xlsx", "a-kinerja.xlsx", "b-formasi.xlsx"]
    assert result.output.index("0-junk.xlsx") > result.output.index("b-formasi.xlsx")
    assert stored_nips(cli) == sorted([nip(1), nip(2)])
    assert cli.sql("SELECT kode FROM vacancies") == [("F1",)]


# ------------------------------------------------------------------ units


def test_units_one_spelling_per_file_the_most_frequent(cli, tmp_path):
    """BAPPEDA x1, Bappeda x2, 'bappeda ' x1 -> all Bappeda; DINKES and 'Dinkes' tie -> the
    first seen; across two sheets of one file."""
    units = {1: "BAPPEDA", 2: "Bappeda", 3: "Bappeda", 4: "bappeda ", 5: "DINKES", 6: "Dinkes"}

    def row(i):
        r = person(i)
        r[5] = units[i]
        return r

    path = write_book(
        tmp_path / "a.xlsx",
        {"A": [ASESMEN_HEADER, *map(row, (1, 2, 5))], "B": [ASESMEN_HEADER, *map(row, (3, 4, 6))]},
    )
    assert cli.json("import", path)["files"][0]["accepted"] == 6
    got = dict(cli.sql("SELECT nip, unit FROM assessments"))
    assert {got[nip(i)] for i in (1, 2, 3, 4)} == {"Bappeda"}
    assert {got[nip(i)] for i in (5, 6)} == {"DINKES"}


def test_peek_kind_reads_the_head_only(tmp_path):
    from talentcli.ingest import peek_kind
    from talentcli.rules import load_rules

    rules = load_rules().rules
    many = [ASESMEN_HEADER] + [person(i) for i in range(1, 200)]
    xlsx = write_book(tmp_path / "a.xlsx", {"Petunjuk": [ASESMEN_HEADER], "Rekap": many})
    assert peek_kind(xlsx, rules) == "asesmen"
    assert peek_kind(DATA / "units-lo.ods", rules) == "asesmen"
    assert peek_kind(DATA / "units-lo.xls", rules) == "asesmen"
    csv = tmp_path / "k.csv"
    csv.write_text("Rekap kinerja\nNIP;Nama;Tahun;Predikat\n198001012005011001;A;2025;Baik\n")
    assert peek_kind(csv, rules) == "kinerja"
    (tmp_path / "junk.xlsx").write_text("not a workbook")
    assert peek_kind(tmp_path / "junk.xlsx", rules) is None


def test_rejected_kinerja_rows_keep_their_nip_and_year(cli, tmp_path):
    """What kinerja_tahun_ditolak needs: the NIP and year of each rejected kinerja row,
    stored with its violations: on one sheet (an unknown predikat; a NIP too short, stored
    as read) and across sheets (the same NIP and year with other data on two sheets)."""
    header = ["NIP", "NAMA", "TAHUN", "PREDIKAT"]
    a = [header, [nip(1), "A", 2025, "Baik"], [nip(2), "B", 2025, "Baik"]]
    b = [header, [nip(1), "A", 2026, "Istimewa"], ["123", "C", 2026, "Baik"]]
    b.append([nip(2), "B", 2025, "Sangat Baik"])
    path = write_book(tmp_path / "k.xlsx", {"A": a, "B": b})
    f = cli.json("import", path)["files"][0]
    assert (f["accepted"], f["rejected"]) == (1, 4)
    assert all("nip" not in e and "tahun" not in e for e in f["errors"])  # never shown
    got = cli.sql(
        "SELECT v.nip, v.tahun, v.cell, v.code FROM violations v "
        "WHERE v.severity = 'error' ORDER BY v.cell"
    )
    assert got == [
        (nip(2), 2025, "A!A3", "duplicate-nip"),
        ("123", 2026, "B!A3", "invalid-nip"),
        (nip(2), 2025, "B!A4", "duplicate-nip"),
        (nip(1), 2026, "B!D2", "unknown-rating"),
    ]
    from talentcli.store import Store, rejected_ratings

    store = Store(tmp_path / "talent.db", create=False)
    try:
        pairs = rejected_ratings(store)
    finally:
        store.close()
    assert list(pairs.itertuples(index=False, name=None)) == [
        ("123", 2026),
        (nip(2), 2025),  # 198001012005011002
        (nip(1), 2026),  # 198001012005012001
    ]


def test_a_sheet_of_no_known_kind_before_the_data_is_passed_over(cli, tmp_path):
    staff = [["NIP", "NAMA", "JABATAN"], [nip(9), "X", "Staf"]]  # a list of names: no kind
    path = write_book(tmp_path / "a.xlsx", {"Daftar": staff, "Nilai": [ASESMEN_HEADER, person(1)]})
    f = cli.json("import", path)["files"][0]
    assert (f["kind"], f["sheet"], f["accepted"]) == ("asesmen", "Nilai", 1)
    assert any("'Daftar' (a header of no known kind)" in n for n in f["notes"])
    assert stored_nips(cli) == [nip(1)]


def test_a_regulation_cited_in_the_title_is_not_the_files_year(cli, tmp_path):
    cli("init", ".", "--cycle", "2026")
    title = ["HASIL ASESMEN KOMPETENSI (PermenPANRB Nomor 3 Tahun 2020, PP 11/2017)"]
    path = write_book(tmp_path / "asesmen.xlsx", {"Rekap": [title, ASESMEN_HEADER, person(1)]})
    f = cli.json("import", path)["files"][0]
    assert (f["status"], f["cycle"], f["cycle_from"]) == ("imported", "2026", "talent.yaml")
    assert stored_nips(cli, "2026") == [nip(1)]
