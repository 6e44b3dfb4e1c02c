"""`talentcli import` on real files: every validation code with its row and cell, counts, exits."""

from __future__ import annotations

import contextlib
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.conftest import ASESMEN_HEADER, asesmen_rows, person, write_xlsx


def errors_of(doc: dict) -> set[tuple]:
    return {(e["row"], e["cell"], e["code"]) for e in doc["files"][0]["errors"]}


def counts(doc: dict) -> tuple:
    f = doc["files"][0]
    assert f["rows_read"] == f["accepted"] + f["rejected"] + f["skipped"]
    return f["rows_read"], f["accepted"], f["rejected"], f["skipped"]


def test_valid_file_is_accepted_whole(cli, tmp_path):
    path = write_xlsx(
        tmp_path / "asesmen-2026.xlsx", asesmen_rows([person(i) for i in range(1, 6)])
    )
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "5 rows read = 5 accepted + 0 rejected + 0 skipped" in result.output
    assert cli.sql("SELECT count(*) FROM assessments WHERE cycle = '2026'") == [(5,)]
    assert cli.sql("SELECT count(*) FROM assessments WHERE score_numerik >= 1") == [(5,)]
    assert not (tmp_path / "rejects").exists()


def test_json_document_shape(cli, tmp_path):
    path = write_xlsx(tmp_path / "asesmen-2026.xlsx", asesmen_rows([person(1)]))
    doc = cli.json("import", path)
    f = doc["files"][0]
    assert f["file"] == "asesmen-2026.xlsx" and f["kind"] == "asesmen" and f["cycle"] == "2026"
    assert f["sheet"] == "Rekap" and f["header_row"] == 4 and f["status"] == "imported"
    assert len(f["sha256"]) == 64 and f["errors"] == []


def test_missing_value(cli, tmp_path):
    rows = [
        person(1),
        person(2, scores=(3, None, 2, 2)),
        [3, None, "Tanpa NIP", "x", "IV.a", "u", 3, 2, 2, 2],
        [4, "198001012005011004", None, "x", "IV", "u", 3, 2, 2, 2],
    ]
    doc = cli.json("import", write_xlsx(tmp_path / "a-2026.xlsx", asesmen_rows(rows)))
    assert errors_of(doc) == {
        (6, "Rekap!H6", "missing-value"),
        (7, "Rekap!B7", "missing-value"),
        (8, "Rekap!C8", "missing-value"),
    }
    assert counts(doc) == (4, 1, 3, 0)


@pytest.mark.parametrize(
    ("nip", "why"),
    [
        ("19801301200501 1 001", "birth date"),  # month 13
        ("193901012005011001", "birth year"),  # 1939
        ("201101012030011001", "birth year"),  # 2011
        ("198001012005131001", "appointment month"),  # month 13
        ("198001011990011001", "birth year + 15"),  # 1990 < 1980 + 15
        ("198001012005013001", "gender"),
        ("19800101200501100", "18 digits"),
        ("ABC", "18 digits"),
    ],
)
def test_invalid_nip(cli, tmp_path, nip, why):
    doc = cli.json("import", write_xlsx(tmp_path / "a.xlsx", asesmen_rows([person(1, nip=nip)])))
    (err,) = doc["files"][0]["errors"]
    assert (err["row"], err["cell"], err["code"]) == (5, "Rekap!B5", "invalid-nip")
    assert why in err["message"] and err["header"] == "NIP" and err["column"] == "B"


def test_nip_forms_are_normalised(cli, tmp_path):
    rows = [
        person(1, nip="19800101 200501 1 001"),
        person(2, nip="'198001012005012002"),
        person(3, nip="19800101.200501.1.003"),
        person(4, nip=" 19800101-200501-2-004 "),
    ]
    result = cli("import", write_xlsx(tmp_path / "a-2026.xlsx", asesmen_rows(rows)))
    assert result.exit_code == 0, result.output
    nips = {r[0] for r in cli.sql("SELECT nip FROM assessments")}
    want = {"198001012005011001", "198001012005012002", "198001012005011003", "198001012005012004"}
    assert nips == want


def test_nip_precision_lost(cli, tmp_path):
    rows = [person(1, nip=198001012005011001.0), person(2, nip="1.98001E+17"), person(3)]
    doc = cli.json("import", write_xlsx(tmp_path / "a.xlsx", asesmen_rows(rows)))
    assert errors_of(doc) == {
        (5, "Rekap!B5", "nip-precision-lost"),
        (6, "Rekap!B6", "nip-precision-lost"),
    }
    assert "format the NIP column as Text" in doc["files"][0]["errors"][0]["message"]


def test_duplicate_nip_rejects_every_row(cli, tmp_path):
    nip = "198001012005011001"
    rows = [person(1, nip=nip), person(2), person(3, nip=nip, scores=(4, 4, 4, 4))]
    doc = cli.json("import", write_xlsx(tmp_path / "a.xlsx", asesmen_rows(rows)))
    assert errors_of(doc) == {(5, "Rekap!B5", "duplicate-nip"), (7, "Rekap!B7", "duplicate-nip")}
    assert "rows 5, 7" in doc["files"][0]["errors"][0]["message"]
    assert counts(doc) == (3, 1, 2, 0)


def test_one_person_written_twice_differently_is_a_repeat_not_a_conflict(cli, tmp_path):
    """SPEC §3.1: duplicate-nip is for different data. The same values written two ways (a
    NIP with spaces, 3 and "3,00", "IV.a" and "Eselon IV/a", a trailing space) are one row
    twice: the first is kept, the second skipped with a warning."""
    a = person(1, nip="198001012005011001", level="IV.a", scores=(3, 2, 2.5, 2))
    b = person(1, nip="19800101 200501 1 001", level="Eselon IV/a", scores=("3,00", 2, "2,5", 2))
    b[2] += " "
    doc = cli.json("import", write_xlsx(tmp_path / "a.xlsx", asesmen_rows([a, person(2), b])))
    (err,) = doc["files"][0]["errors"]
    assert (err["row"], err["code"], err["severity"]) == (7, "duplicate-row", "warning")
    assert "repeats row 5" in err["message"]
    assert counts(doc) == (3, 2, 0, 1)
    assert cli.sql(
        "SELECT score_teknis, score_literasi_digital FROM assessments WHERE nip = ?", (a[1],)
    ) == [(3.0, 2.5)]


def test_rows_whose_values_did_not_read_are_never_repeats(cli, tmp_path):
    """'abc' and 'xyz' both fail to read, yet they differ: each row keeps its own error."""
    nip = "198001012005011001"
    rows = [
        person(1, nip=nip, scores=("abc", 2, 2, 2)),
        person(1, nip=nip, scores=("xyz", 2, 2, 2)),
    ]
    doc = cli.json("import", write_xlsx(tmp_path / "a.xlsx", asesmen_rows(rows)))
    assert errors_of(doc) == {(5, "Rekap!G5", "type-error"), (6, "Rekap!G6", "type-error")}
    assert counts(doc) == (2, 0, 2, 0)


def test_a_predikat_spelt_two_ways_is_one_rating(cli, tmp_path):
    rows = [
        ["NIP", "Nama", "Tahun", "Predikat"],
        ["198001012005011001", "A", 2025, "Baik"],
        ["198001012005011001", "A", 2025, "baik "],
    ]
    doc = cli.json("import", write_xlsx(tmp_path / "kinerja.xlsx", rows, sheet="Kinerja"))
    assert [(e["row"], e["code"]) for e in doc["files"][0]["errors"]] == [(3, "duplicate-row")]
    assert counts(doc) == (2, 1, 0, 1)


def test_duplicate_nip_names_what_differs(cli, tmp_path):
    nip = "198001012005011001"
    rows = [person(1, nip=nip), person(1, nip=nip, scores=(3, 2, 2, 4))]
    rows[1][2] = "Pegawai Satu"
    doc = cli.json("import", write_xlsx(tmp_path / "a.xlsx", asesmen_rows(rows)))
    assert errors_of(doc) == {(5, "Rekap!B5", "duplicate-nip"), (6, "Rekap!B6", "duplicate-nip")}
    message = doc["files"][0]["errors"][0]["message"]
    assert "with different NAMA, KEMAMPUAN NUMERIK/BERPIKIR;" in message
    assert counts(doc) == (2, 0, 2, 0)


SPELLINGS = {  # one value, the ways exports write it
    "nip": lambda nip: [nip, f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}", f"'{nip}"],
    "level": lambda _: ["IV.a", "Eselon IV/a", "IVa"],
    "score": lambda v: [v, f"{v:.2f}".replace(".", ","), str(v)],
}


@given(
    people=st.lists(
        st.tuples(
            st.integers(1, 4),  # who (a NIP)
            st.sampled_from([2.0, 2.5, 3.0]),  # teknis: the value that may differ
            st.integers(0, 2),  # how the NIP is written
            st.integers(0, 2),  # how the level is written
            st.integers(0, 2),  # how the score is written
        ),
        min_size=1,
        max_size=8,
    )
)
def test_repeats_and_conflicts_follow_the_values_not_their_spelling(tmp_path_factory, people):
    """Oracle: per NIP, a row repeating the values of an earlier one is skipped; one set of
    values left -> accepted, several -> each rejected. Spelling never matters."""
    from tests.conftest import Cli

    root = tmp_path_factory.mktemp("dups")
    rows = []
    for i, (who, teknis, w_nip, w_level, w_score) in enumerate(people, start=1):
        nip = f"19800101200501100{who}"
        row = person(i, nip=SPELLINGS["nip"](nip)[w_nip], level=SPELLINGS["level"](0)[w_level])
        row[2] = f"Pegawai {who}"  # the same person has the same name
        row[6] = SPELLINGS["score"](teknis)[w_score]
        rows.append(row)
    by_who: dict[int, set] = {}
    for who, teknis, *_ in people:
        by_who.setdefault(who, set()).add(teknis)
    n_of = {who: sum(p[0] == who for p in people) for who in by_who}
    accepted = sum(len(values) == 1 for values in by_who.values())
    skipped = sum(n_of[who] - len(values) for who, values in by_who.items())
    rejected = sum(len(values) for values in by_who.values() if len(values) > 1)
    with contextlib.chdir(root):  # the workspace: its log and rejects folder
        doc = Cli(root).json("import", write_xlsx(root / "a.xlsx", asesmen_rows(rows)))
    assert counts(doc) == (len(people), accepted, rejected, skipped)


def test_duplicate_row_is_skipped_with_a_warning(cli, tmp_path):
    rows = [person(1), person(2), person(1)]
    doc = cli.json("import", write_xlsx(tmp_path / "a.xlsx", asesmen_rows(rows)))
    (err,) = doc["files"][0]["errors"]
    assert (err["row"], err["code"], err["severity"]) == (7, "duplicate-row", "warning")
    assert "row 5" in err["message"]
    assert counts(doc) == (3, 2, 0, 1)


def test_type_error_and_decimal_comma(cli, tmp_path):
    rows = [person(1, scores=("tujuh", "3,25", " 2.5 ", "-")), person(2, scores=("3,5", 2, 2, 2))]
    doc = cli.json("import", write_xlsx(tmp_path / "a.xlsx", asesmen_rows(rows)))
    assert errors_of(doc) == {(5, "Rekap!G5", "type-error"), (5, "Rekap!J5", "type-error")}
    assert cli.sql("SELECT score_teknis FROM assessments") == [(3.5,)]


def test_out_of_range_and_rounding(cli, tmp_path):
    rows = [person(1, scores=(0.5, 5.5, 75, 2)), person(2, scores=(3.125, 4.999, 5.004, 1))]
    doc = cli.json("import", write_xlsx(tmp_path / "a.xlsx", asesmen_rows(rows)))
    assert errors_of(doc) == {(5, f"Rekap!{c}5", "out-of-range") for c in "GHI"}
    got = cli.sql(
        "SELECT score_teknis, score_sosiokultural, score_literasi_digital, "
        "score_numerik FROM assessments"
    )
    assert got == [(3.13, 5.0, 5.0, 1.0)]


def test_unknown_job_level_and_aliases(cli, tmp_path):
    levels = [
        "III/a",
        "Eselon IV.b",
        "4a",
        "jf  ahli MUDA",
        "Fungsional Ahli Pertama",
        "Eselon II.b",  # JPT Pratama (SPEC §4.1): known since it became a target level
        "Staf",
        "ESELON III",
        "Ahli Madya",
    ]
    rows = [person(i, level=lv) for i, lv in enumerate(levels, start=1)]
    doc = cli.json("import", write_xlsx(tmp_path / "a.xlsx", asesmen_rows(rows)))
    assert errors_of(doc) == {(11, "Rekap!E11", "unknown-job-level")}
    got = [r[0] for r in cli.sql("SELECT job_level FROM assessments ORDER BY nip")]
    want = [
        "administrator",
        "pengawas",
        "pengawas",
        "jf_ahli_muda",
        "jf_ahli_pertama",
        "jpt_pratama",
        "administrator",
        "jf_ahli_madya",
    ]
    assert sorted(got) == sorted(want)


def test_unknown_rating_and_kinerja_keys(cli, tmp_path):
    rows = [
        ["DATA KINERJA PEGAWAI"],
        None,
        ["NIP", "Nama", "Tahun", "Predikat Kinerja"],
        ["198001012005011001", "A", 2025, "Sangat Baik"],
        ["198001012005011001", "A", 2026, "baik"],
        ["198001012005012002", "B", 2026, "Istimewa"],
        ["198001012005012003", "C", "2026", "Kurang / Misconduct"],
        ["198001012005012004", "D", 2025, "Baik"],
        ["198001012005012004", "D", 2025, "Sangat Baik"],
    ]
    doc = cli.json("import", write_xlsx(tmp_path / "kinerja.xlsx", rows, sheet="Kinerja"))
    assert doc["files"][0]["kind"] == "kinerja" and doc["files"][0]["cycle"] is None
    assert errors_of(doc) == {
        (6, "Kinerja!D6", "unknown-rating"),
        (8, "Kinerja!A8", "duplicate-nip"),
        (9, "Kinerja!A9", "duplicate-nip"),
    }
    assert cli.sql("SELECT count(*) FROM ratings") == [(3,)]


def test_blank_rows_and_signature_footer_are_skipped(cli, tmp_path):
    rows = asesmen_rows([person(1), None, person(2), [None, None, None, None, None]])
    rows += [None, [None, None, None, "Serang, 15 Januari 2026"], [None, None, None, "Kepala"]]
    doc = cli.json("import", write_xlsx(tmp_path / "a.xlsx", rows))
    assert counts(doc) == (7, 2, 0, 5)
    assert doc["files"][0]["errors"] == []


def test_column_number_row_under_the_header_is_skipped(cli, tmp_path):
    rows = asesmen_rows([list(range(1, 11)), person(1)])
    doc = cli.json("import", write_xlsx(tmp_path / "a.xlsx", rows))
    assert counts(doc) == (2, 1, 0, 1)


def test_instructions_sheet_first_and_sheet_option(cli, tmp_path):
    before = {"Petunjuk": ["Petunjuk pengisian", "NIP diisi sebagai teks", "Nama tanpa gelar"]}
    path = write_xlsx(tmp_path / "a.xlsx", asesmen_rows([person(1)]), before=before)
    result = cli("import", path, "--sheet", "Petunjuk")
    assert result.exit_code == 3 and "no header row" in result.output
    result = cli("import", path, "--sheet", "Nope")
    assert result.exit_code == 3 and "the sheets are Petunjuk, Rekap" in result.output
    assert cli.json("import", path)["files"][0]["sheet"] == "Rekap"


def test_header_normalisation_and_unknown_columns(cli, tmp_path):
    header = [
        " n.i.p. ",
        "Nama\nLengkap",
        "ESELON / JENJANG",
        "Kompetensi  Teknis",
        "sosial-kultural",
        "LITERASI_DIGITAL",
        "Kemampuan (Berpikir)",
        "Catatan",
    ]
    rows = [header, ["198001012005011001", "A", "IV", 3, 2, 2, 2, "ok"]]
    doc = cli.json("import", write_xlsx(tmp_path / "a.xlsx", rows))
    f = doc["files"][0]
    assert (f["accepted"], f["header_row"]) == (1, 1)
    assert f["notes"] == ["column not used: Catatan", f"cycle {f['cycle']} ({f['cycle_from']})"]


def test_two_row_header(cli, tmp_path):
    rows = [
        ["NIP", "NAMA", "ESELON", "NILAI KOMPETENSI", None, None, None],
        [None, None, None, "Teknis", "Sosio Kultural", "Literasi Digital", "Numerik"],
        ["198001012005011001", "A", "IV", 3, 2, 2, 2],
    ]
    doc = cli.json("import", write_xlsx(tmp_path / "a.xlsx", rows))
    assert (doc["files"][0]["header_row"], doc["files"][0]["accepted"]) == (2, 1)


def write_grouped(path: Path, subs: tuple[str, str], merge: bool, people: list[list]) -> Path:
    """An assessment-centre layout: each competency's title over two sub-columns (merged
    across them, or blank beside them), identity columns merged down over both header rows."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Rekap")
    for c, title in enumerate(["NIP", "NAMA", "ESELON"]):
        ws.merge_range(0, c, 1, c, title) if merge else ws.write_string(0, c, title)
    comps = ["KEMAMPUAN TEKNIS", "SOSIO KULTURAL", "LITERASI DIGITAL", "KEMAMPUAN NUMERIK"]
    for k, title in enumerate(comps):
        c = 3 + 2 * k
        ws.merge_range(0, c, 0, c + 1, title) if merge else ws.write_string(0, c, title)
        ws.write_string(1, c, subs[0])
        ws.write_string(1, c + 1, subs[1])
    for r, (nip, name, level, *pairs) in enumerate(people, start=2):
        ws.write_string(r, 0, nip)
        ws.write_string(r, 1, name)
        ws.write_string(r, 2, level)
        for c, v in enumerate(pairs, start=3):
            ws.write_number(r, c, v)
    wb.close()
    return path


@pytest.mark.parametrize("merge", [True, False])
def test_score_under_a_group_title_is_its_value_subcolumn_not_the_standard(cli, tmp_path, merge):
    """KEMAMPUAN TEKNIS over Standar | Nilai: the score is the Nilai column (the standard
    column, read as the score, would give everyone 3.00 in silence)."""
    people = [
        ["198001012005011001", "A", "IV.a", 3, 2.25, 3, 2.5, 3, 1.75, 3, 2],
        ["198001012005011002", "B", "III.a", 3, 3.5, 3, 4, 3, 3.25, 3, 2.75],
    ]
    path = write_grouped(tmp_path / "a.xlsx", ("Standar", "Nilai"), merge, people)
    doc = cli.json("import", path)
    f = doc["files"][0]
    assert (f["header_row"], f["rows_read"], f["accepted"]) == (2, 2, 2)
    assert any("not used: KEMAMPUAN TEKNIS Standar, " in n for n in f["notes"])
    got = cli.sql(
        "SELECT score_teknis, score_sosiokultural, score_literasi_digital, score_numerik "
        "FROM assessments ORDER BY nip"
    )
    assert got == [(2.25, 2.5, 1.75, 2.0), (3.5, 4.0, 3.25, 2.75)]


def test_a_first_data_row_is_never_taken_for_sub_headers(cli, tmp_path):
    """A blank-header column beside a score, with a sub-header word in the first person's
    row: that row is a person (it has a NIP, or a number under the score), not sub-headers."""
    rows = [
        ["NIP", "Nama", "Tahun", "Nilai SKP", None, "Predikat"],
        ["198001012005011001", "A", 2025, 90, "Hasil", "Baik"],
        ["198001012005011002", "B", 2025, 85, "Keterangan", "Baik"],
    ]
    doc = cli.json("import", write_xlsx(tmp_path / "kinerja.xlsx", rows, sheet="Kinerja"))
    assert (doc["files"][0]["header_row"], *counts(doc)) == (1, 2, 2, 0, 0)
    rows = [*asesmen_rows([]), [1, None, "C", "x", "IV.a", "u", 3, 2, 2, 2, "Hasil"]]
    rows[3] = [*ASESMEN_HEADER, None]  # a blank header beside the last score
    doc = cli.json("import", write_xlsx(tmp_path / "a.xlsx", rows))
    assert (doc["files"][0]["header_row"], *counts(doc)) == (4, 1, 0, 1, 0)


def test_an_optional_score_with_unclear_sub_columns_is_named_in_a_note(cli, tmp_path):
    """Potensi (optional) over Standar | Kategori: the file imports without it, and says so."""
    header = ["NIP", "NAMA", "ESELON", "TEKNIS", "SOSIO KULTURAL", "LITERASI DIGITAL"]
    header += ["NUMERIK", "POTENSI", None]
    sub = [None] * 7 + ["Standar", "Kategori"]
    row = ["198001012005011001", "A", "IV.a", 3, 2, 2, 2, 3, "Tinggi"]
    f = cli.json("import", write_xlsx(tmp_path / "a.xlsx", [header, sub, row]))["files"][0]
    assert (f["status"], f["header_row"], f["accepted"]) == ("imported", 2, 1)
    assert any("'POTENSI' stands over the sub-columns Standar, Kategori" in n for n in f["notes"])
    assert cli.sql("SELECT potensi FROM assessments") == [(None,)]


def test_sub_columns_without_a_value_column_are_a_file_error(cli, tmp_path):
    people = [["198001012005011001", "A", "IV.a", 3, 0.5, 3, 0, 3, 1, 3, 0]]
    path = write_grouped(tmp_path / "a.xlsx", ("Standar", "Gap"), True, people)
    result = cli("import", path)
    assert result.exit_code == 3 and "(missing-column)" in result.output
    assert "cannot tell which column holds 'teknis'" in result.output
    assert "sub-columns Standar, Gap" in result.output
    assert cli.sql("SELECT count(*) FROM batches") == [(0,)]


def test_missing_column_is_a_file_error(cli, tmp_path):
    header = [h for h in ASESMEN_HEADER if h != "LITERASI DIGITAL"]
    path = write_xlsx(tmp_path / "a.xlsx", [header, ["1", "198001012005011001"]])
    result = cli("import", path)
    assert result.exit_code == 3
    assert "literasi_digital" in result.output and "(missing-column)" in result.output
    assert cli.sql("SELECT count(*) FROM batches") == [(0,)]
    f = cli.json("import", path)["files"][0]  # where the header was found, as the message says
    assert (f["status"], f["kind"], f["sheet"], f["header_row"]) == (
        "failed",
        "asesmen",
        "Rekap",
        1,
    )


def test_unusable_files_exit_3_and_store_nothing(cli, tmp_path):
    (tmp_path / "text.xlsx").write_text("NIP,Nama\n1,2\n")
    (tmp_path / "notes.txt").write_text("hello")
    good = write_xlsx(tmp_path / "good.xlsx", asesmen_rows([person(1)]))
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[:1500])
    for name in ("text.xlsx", "notes.txt", "cut.xlsx", "missing.xlsx"):
        result = cli("import", tmp_path / name)
        assert result.exit_code == 3, (name, result.output)
        assert "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1
    assert cli.sql("SELECT count(*) FROM batches") == [(0,)]


def test_file_over_the_size_limit(cli, tmp_path):
    (tmp_path / "talent.yaml").write_text("limits: {max_file_mb: 0.001}\n")
    path = write_xlsx(tmp_path / "a.xlsx", asesmen_rows([person(i) for i in range(1, 40)]))
    result = cli("import", path)
    assert result.exit_code == 3 and "too-large" in result.output


def test_reimport_same_file_stores_nothing(cli, tmp_path):
    path = write_xlsx(tmp_path / "a-2026.xlsx", asesmen_rows([person(1), person(2)]))
    assert cli("import", path).exit_code == 0
    doc = cli.json("import", path)
    assert doc["files"][0]["status"] == "already-imported"
    assert cli.sql("SELECT count(*) FROM batches") == [(1,)]


def test_newer_file_replaces_values_and_keeps_the_batch(cli, tmp_path):
    first = write_xlsx(tmp_path / "a-2026.xlsx", asesmen_rows([person(1), person(2)]))
    cli("import", first)
    second = tmp_path / "b-2026.xlsx"
    write_xlsx(second, asesmen_rows([person(2, scores=(5, 5, 5, 5)), person(3)]))
    assert cli("import", second).exit_code == 0
    nip = {i: person(i)[1] for i in (1, 2, 3)}
    batches = dict(cli.sql("SELECT nip, batch_id FROM assessments"))
    assert batches == {nip[1]: 1, nip[2]: 2, nip[3]: 2}
    got = cli.sql("SELECT score_teknis, batch_id FROM assessments WHERE nip = ?", (nip[2],))
    assert got == [(5.0, 2)]


def test_cycle_from_option_name_and_config(cli, tmp_path):
    path = write_xlsx(tmp_path / "asesmen.xlsx", asesmen_rows([person(1)]))
    (tmp_path / "talent.yaml").write_text('cycle: "2024"\n')
    assert cli.json("import", path)["files"][0]["cycle"] == "2024"
    other = write_xlsx(tmp_path / "other.xlsx", asesmen_rows([person(2)]))
    assert cli.json("import", other, "--cycle", "2030")["files"][0]["cycle"] == "2030"


def test_a_vacancy_count_that_is_no_count_says_so(cli, tmp_path):
    rows = [
        ["Kode Jabatan", "Nama Jabatan", "Jenjang Jabatan", "Kebutuhan"],
        ["F-01", "Kepala Bagian Umum", "III.a", 0],
        ["F-02", "Perencana Ahli Madya", "JF Ahli Madya", 1.5],
    ]
    doc = cli.json("import", write_xlsx(tmp_path / "formasi-2026.xlsx", rows, sheet="Formasi"))
    messages = [(e["cell"], e["message"]) for e in doc["files"][0]["errors"]]
    assert messages == [
        (
            "Formasi!D2",
            "Kebutuhan is 0, outside 1-10000; give the number of vacant posts, 1 or more",
        ),
        ("Formasi!D3", "Kebutuhan is 1.5, not a whole number; give the number of vacant posts"),
    ]


def test_a_header_without_data_rows_is_noted(cli, tmp_path):
    doc = cli.json("import", write_xlsx(tmp_path / "a.xlsx", asesmen_rows([])))
    f = doc["files"][0]
    assert counts(doc) == (0, 0, 0, 0) and f["status"] == "imported"
    assert f["notes"][0] == "no data rows below the header: is this the right file or sheet?"


def test_an_empty_file_is_called_empty(cli, tmp_path):
    for name in ("asesmen-2026.xlsx", "asesmen-2026.csv"):
        (tmp_path / name).write_bytes(b"")
        result = cli("import", tmp_path / name)
        assert result.exit_code == 3 and "the file is empty, 0 bytes" in result.output


def test_formasi_kind_auto(cli, tmp_path):
    rows = [
        ["FORMASI JABATAN LOWONG"],
        ["Kode Jabatan", "Nama Jabatan", "Unit Kerja", "Jenjang Jabatan", "Jumlah"],
        ["F-01", "Kepala Bagian Umum", "Setda", "III.a", 2],
        ["F-02", "Perencana Ahli Madya", "Bappeda", "JF Ahli Madya", None],
        ["F-03", "x", "y", "Eselon I", 1],
        ["F-04", "x", "y", "III", "dua"],
    ]
    doc = cli.json("import", write_xlsx(tmp_path / "formasi-2026.xlsx", rows, sheet="Formasi"))
    assert doc["files"][0]["kind"] == "formasi"
    assert errors_of(doc) == {
        (5, "Formasi!D5", "unknown-job-level"),
        (6, "Formasi!E6", "type-error"),
    }
    got = cli.sql("SELECT kode, job_level, jumlah FROM vacancies ORDER BY kode")
    assert got == [("F-01", "administrator", 2), ("F-02", "jf_ahli_madya", 1)]


def test_csv_rows_are_line_numbers(cli, tmp_path):
    text = "\r\n".join(
        [
            "NIP;Nama;Eselon;Teknis;Sosio Kultural;Literasi Digital;Numerik",
            "'198001012005011001;Ma'ruf Amin, S.Ag.;IV.a;3,25;2;2;2",
            "198001012005012002;Dra. Hj. Siti Nur'aini;IV.a;tiga;2;2;2",
            "",
            "1.98001E+17;X;IV.a;3;2;2;2",
        ]
    )
    path = tmp_path / "asesmen-2026.csv"
    path.write_bytes(text.encode("cp1252"))
    doc = cli.json("import", path)
    assert errors_of(doc) == {
        (3, "asesmen-2026.csv!D3", "type-error"),
        (5, "asesmen-2026.csv!A5", "nip-precision-lost"),
    }
    assert counts(doc) == (4, 1, 2, 1)
    assert cli.sql("SELECT nama FROM assessments") == [("Ma'ruf Amin, S.Ag.",)]


def test_rejects_files_are_written_owner_only(cli, tmp_path):
    rows = [person(1), person(2, scores=("x", 2, 2, 2)), person(3, nip="=1+1")]
    result = cli("import", write_xlsx(tmp_path / "asesmen-2026.xlsx", asesmen_rows(rows)))
    assert result.exit_code == 1
    xlsx = tmp_path / "rejects" / "asesmen-2026.rejects.xlsx"
    csv = tmp_path / "rejects" / "asesmen-2026.rejects.csv"
    for p in (xlsx, csv, tmp_path / "talent.db"):
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    text = csv.read_text(encoding="utf-8-sig")
    assert "'=1+1" in text and "type-error" in text and "invalid-nip" in text
    import openpyxl

    ws = openpyxl.load_workbook(xlsx)["Ditolak"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][0] == "row" and {v[0] for v in values[1:]} == {6, 7}
    assert any(c.data_type == "s" and c.value == "=1+1" for row in ws.iter_rows() for c in row)


def test_rejects_csv_shows_a_number_nip_as_stored_not_an_invented_one(cli, tmp_path):
    """A NIP stored as a number holds ~15 digits: its exact integer (…111008) would look like
    a real NIP whose last digits are invented; the CSV shows the number as stored."""
    rows = [person(1), person(2, nip=197106091995111003.0)]
    cli("import", write_xlsx(tmp_path / "asesmen-2026.xlsx", asesmen_rows(rows)))
    text = (tmp_path / "rejects" / "asesmen-2026.rejects.csv").read_text(encoding="utf-8-sig")
    assert ",1.97106091995111E+17," in text
    assert "197106091995111" + "008" not in text and "nip-precision-lost" in text


def test_log_holds_codes_not_names(cli, tmp_path):
    rows = [person(1), person(2, scores=("x", 2, 2, 2))]
    cli("import", write_xlsx(tmp_path / "a.xlsx", asesmen_rows(rows)))
    log = (tmp_path / "logs" / "talentcli.log").read_text()
    assert "Rekap!G6 teknis type-error" in log and "Pegawai" not in log


def test_unknown_kind_option_is_a_usage_error(cli, tmp_path):
    path: Path = write_xlsx(tmp_path / "a.xlsx", asesmen_rows([person(1)]))
    assert cli("import", path, "--kind", "nilai").exit_code == 2


def test_signature_and_summary_lines_are_skipped(cli, tmp_path):
    rows = asesmen_rows(
        [
            ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)"],
            person(1),
            person(2),
        ]
    )
    rows += [
        [None, None, "JUMLAH"],
        [None, None, "Rata-rata"],
        None,
        [None, None, "Dr. H. Kepala, M.Si."],
        [None, "NIP. 19680101 199003 1 010"],
    ]
    doc = cli.json("import", write_xlsx(tmp_path / "a.xlsx", rows))
    assert counts(doc) == (8, 2, 0, 6)
    assert doc["files"][0]["errors"] == []


@pytest.mark.parametrize("col", [6, 7, 9])  # under the score columns, where a page puts it
def test_a_signature_block_under_the_score_columns_is_skipped(cli, tmp_path, col):
    block = ["Serang, 12 Mei 2026", "Kepala BKPSDM", "ttd", None, "Drs. H. Contoh, M.Si."]
    rows = [*asesmen_rows([person(1), person(2)]), None]
    rows += [[None] * col + [text] if text else None for text in block]
    rows += [[None] * col + ["NIP. 19721215 199701 2 001"]]
    doc = cli.json("import", write_xlsx(tmp_path / "a.xlsx", rows))
    assert counts(doc) == (9, 2, 0, 7)
    assert doc["files"][0]["errors"] == []


def test_a_person_without_nip_below_the_data_is_still_checked(cli, tmp_path):
    """Only rows without a number in any score cell can be a signature block."""
    rows = asesmen_rows(
        [person(1), person(2), [3, None, "Tanpa NIP", "x", "IV.a", "u", 3, 2, 2, 2]]
    )
    rows += [None, [None] * 7 + ["Kepala BKPSDM"]]
    doc = cli.json("import", write_xlsx(tmp_path / "a.xlsx", rows))
    assert counts(doc) == (5, 2, 1, 2)
    assert errors_of(doc) == {(7, "Rekap!B7", "missing-value")}


def test_people_rows_without_nip_above_a_signature_are_checked_not_skipped(cli, tmp_path):
    """Kinerja rows whose value is text (a predikat) and asesmen rows with text scores look
    like no numbers in the value cells: they are people, not signature lines."""
    signature = [[None, "Serang, 12 Mei 2026"], [None, "Kepala BKPSDM"], [None, "ttd"]]
    signature += [[None, None, None, "NIP. 19680101 199003 1 010"]]
    rows = [
        ["NIP", "Nama", "Tahun", "Predikat"],
        ["198001012005011001", "A", 2025, "Baik"],
        ["198001012005011002", "B", 2025, "Baik"],
        [None, "C", 2025, "Baik"],
        [None, "D", "2025", "Cukup"],
        None,
        *signature,
    ]
    doc = cli.json("import", write_xlsx(tmp_path / "kinerja.xlsx", rows, sheet="Kinerja"))
    assert counts(doc) == (9, 2, 2, 5)
    assert ("Kinerja!A5", "missing-value") in {
        (e["cell"], e["code"]) for e in doc["files"][0]["errors"]
    }
    no_nip = [None, None, "Tanpa NIP", "x", "IV.a", "u", "tiga", "-", "dua", "dua"]
    lines = ["Serang, 12 Mei 2026", "Kepala BKPSDM", "ttd", "NIP. 19680101 199003 1 010"]
    rows = [*asesmen_rows([person(1), no_nip]), None, *([None] * 6 + [t] for t in lines)]
    doc = cli.json("import", write_xlsx(tmp_path / "a.xlsx", rows))
    assert counts(doc) == (7, 1, 1, 5)


def test_messages_show_the_value_found(cli, tmp_path):
    rows = [person(1, scores=(0.5, 2, 2, 2), level="Eselon I.b")]
    doc = cli.json("import", write_xlsx(tmp_path / "a.xlsx", asesmen_rows(rows)))
    msgs = {e["code"]: e["message"] for e in doc["files"][0]["errors"]}
    assert "is 0.5, outside 1-5" in msgs["out-of-range"]
    assert "'Eselon I.b' is not known" in msgs["unknown-job-level"]


@given(
    keys=st.lists(st.one_of(st.none(), st.sampled_from(["", "a", "b", "A", "a ", "é"]))),
    data=st.data(),
)
def test_repeated_keys_agree_with_pandas(keys, data):
    """The Arrow count of repeated text keys is pandas' duplicated(keep=False) on the rows
    asked about; a key of several columns goes to pandas itself."""
    from talentcli.ingest.validate import TEXT, repeated

    among = np.array(data.draw(st.lists(st.booleans(), min_size=len(keys), max_size=len(keys))))
    among = among.astype(bool)
    text = pd.Series(keys, dtype=TEXT)
    expected = np.zeros(len(keys), dtype=bool)
    expected[np.flatnonzero(among)] = text[among].duplicated(keep=False).to_numpy()
    assert repeated([text], among).tolist() == expected.tolist()
    # a key of two columns (pandas' own path) against a count of the pairs
    other = pd.Series([None if k is None else len(k) for k in keys], dtype=object)
    pairs = [(k, o) for k, o, a in zip(keys, other, among, strict=True) if a]
    counted = [a and pairs.count((k, o)) > 1 for k, o, a in zip(keys, other, among, strict=True)]
    assert repeated([text, other], among).tolist() == counted


CELLS = st.one_of(
    st.none(),
    st.just(float("nan")),
    st.floats(-1e6, 1e6, allow_nan=False),
    st.integers(-(10**6), 10**6),
    st.booleans(),
    st.dates(),
    st.sampled_from(["", " ", "3,25", " 3.5 ", "abc", "#DIV/0!", "1e3"]),
)


@given(cells=st.lists(CELLS, max_size=30))
@example(cells=[1.0, True, 0, False])  # equal in Python, so grouped together unless kept apart
def test_cells_are_worded_and_read_as_numbers_cell_by_cell(cells):
    """Worded once per distinct value, a column says what each cell says on its own, and
    its numbers are those of its text."""
    from talentcli.ingest.validate import numbers, worded
    from talentcli.numeric import to_float

    raw = pd.Series(cells, dtype=object)
    text, blank, coded = worded(raw)
    expected = ["" if c is None or c != c else cell_text(c) for c in cells]
    assert text.tolist() == expected
    assert blank.tolist() == [t == "" for t in expected]
    got = numbers(text, coded).tolist()
    assert got == pytest.approx([to_float(t) for t in expected], nan_ok=True)


def cell_text(v) -> str:
    """What a cell says, written out plainly: a whole float without '.0' (unless it is too
    large to be exact), a date in ISO form, anything else as its stripped text."""
    import datetime as dt

    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else str(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v).strip()


@given(st.lists(st.sampled_from(["IV.a", "iv/a", " Eselon IV ", "", "JF Ahli Muda", "x", "é"])))
def test_codes_mapped_in_arrow_agree_with_the_lookup_per_value(texts):
    """Job levels and predikat written as Arrow text map to the codes a plain per-value
    lookup gives (None where the text is no alias)."""
    from talentcli.ingest.validate import TEXT, map_codes
    from talentcli.rules import load_rules

    aliases = load_rules().rules.job_level_aliases
    arrow = map_codes(pd.Series(texts, dtype=TEXT), aliases)
    plain = map_codes(pd.Series(texts, dtype=object), aliases)
    assert arrow.isna().tolist() == plain.isna().tolist()
    assert arrow.dropna().tolist() == plain.dropna().tolist()
    assert all(isinstance(code, str) for code in arrow.dropna())


def test_a_rejects_workbook_is_not_kept_without_the_cycle_collector(cli, tmp_path):
    """The command runs with the cycle collector off (talentcli.launch); xlsxwriter's
    workbook objects hold cycles, so the rejects workbook is collected once it is written,
    or each file with rejects would stay in memory until the process ends."""
    import gc

    import xlsxwriter

    path = write_xlsx(tmp_path / "a.xlsx", asesmen_rows([person(1), person(2, nip="123")]))
    gc.collect()
    gc.disable()
    try:
        assert cli("import", path).exit_code == 1
        assert (tmp_path / "rejects" / "a.rejects.xlsx").exists()
        alive = [o for o in gc.get_objects() if isinstance(o, xlsxwriter.Workbook)]
    finally:
        gc.enable()
    assert alive == []
