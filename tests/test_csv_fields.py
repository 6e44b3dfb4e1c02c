"""A CSV row with more fields than its header is rejected `extra-fields`, never shifted and
cut in silence (SPEC §3.1, §3.2); an unclosed quote is named once; out-of-range advice.

The files are written here as bytes (Python's own text and csv writers), read by Arrow or
pandas in talentcli."""

from __future__ import annotations

import csv
import io

import pytest

from tests.conftest import asesmen_rows, person, write_xlsx
from tests.test_import import counts, errors_of

HEADER = (
    "NIP,Nama,Jabatan,Eselon,Unit Kerja,Kemampuan Teknis,Sosial Kultural,Literasi Digital,"
    "Kemampuan Numerik"
)
BUDI = "198503302010011009,Budi,Analis,JF Ahli Pertama,Disdik,3,4,3,3"
GITA = "197906022007012011,Gita,Pengawas,JF Ahli Muda,Disdik,3,5,2,3,2"  # 3,5 not quoted
DEWI = '198001012005012002,Dewi,Analis,JF Ahli Pertama,Disdik,"3,5",4,3,2'  # 3,5 quoted
SCORES = "SELECT nip, score_teknis, score_sosiokultural, score_literasi_digital, score_numerik"


def messages(doc: dict) -> dict[str, str]:
    return {e["cell"]: e["message"] for e in doc["files"][0]["errors"]}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_a_decimal_comma_not_in_quotes_rejects_the_row(cli, tmp_path, encoding):
    path = tmp_path / "asesmen-2026.csv"
    path.write_bytes("\r\n".join([HEADER, BUDI, GITA, DEWI, ""]).encode(encoding))
    doc = cli.json("import", path)
    assert errors_of(doc) == {(3, "asesmen-2026.csv!J3", "extra-fields")}
    assert counts(doc) == (3, 2, 1, 0)
    assert messages(doc)["asesmen-2026.csv!J3"] == (
        "this row has 10 fields, the header 9: a decimal comma not in quotes (3,5)? Save the "
        "file with ';' as separator or quote the numbers, and import again"
    )
    (err,) = doc["files"][0]["errors"]
    assert err["value"] == "2" and err["column"] == "J"
    assert cli.sql(f"{SCORES} FROM assessments ORDER BY nip") == [
        ("198001012005012002", 3.5, 4.0, 3.0, 2.0),
        ("198503302010011009", 3.0, 4.0, 3.0, 3.0),
    ]
    rejects = (tmp_path / "rejects" / "asesmen-2026.rejects.csv").read_text(encoding="utf-8-sig")
    (row,) = list(csv.DictReader(io.StringIO(rejects)))
    assert row["row"] == "3" and row["codes"] == "extra-fields" and row["J"] == "2"
    assert row["Sosial Kultural"] == "5" and row["cells"] == "asesmen-2026.csv!J3"


def test_a_semicolon_row_with_extra_values_is_rejected_not_cut(cli, tmp_path):
    rows = [
        "NIP;Nama;Eselon;Teknis;Sosio Kultural;Literasi Digital;Numerik",
        "198001012005011001;Ani;IV.a;3;3;3;3;9;9;9",
        "198001012005012002;Sri;IV.a;3;2;2;4",
        "198001012005011003;Tono;IV.a;4;2;2;2;;;",  # empty fields past the header: kept
    ]
    path = tmp_path / "asesmen-2026.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    doc = cli.json("import", path)
    assert errors_of(doc) == {(2, "asesmen-2026.csv!H2", "extra-fields")}
    assert counts(doc) == (3, 2, 1, 0)
    message = messages(doc)["asesmen-2026.csv!H2"]
    assert message.startswith("this row has 10 fields, the header 7: the values past column G")
    assert "decimal comma" not in message and message.endswith("and import again")
    assert cli.sql(f"{SCORES} FROM assessments ORDER BY nip") == [
        ("198001012005011003", 4.0, 2.0, 2.0, 2.0),
        ("198001012005012002", 3.0, 2.0, 2.0, 4.0),
    ]


def test_a_header_with_trailing_empty_columns_still_reads(cli, tmp_path):
    rows = [
        "REKAP ASESMEN 2026,,,,,,,,,",
        "NIP,Nama,Eselon,Teknis,Sosio Kultural,Literasi Digital,Numerik,,,",
        "198001012005011001,Ani,IV.a,3,3,3,3,,,",
        "198001012005012002,Sri,IV.a,3,2,2,4,,,note",  # under the header's own empty column
    ]
    path = tmp_path / "asesmen-2026.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    doc = cli.json("import", path)
    assert doc["files"][0]["errors"] == []
    assert counts(doc) == (2, 2, 0, 0)


def test_an_extra_field_past_the_first_64_kb_is_found(cli, tmp_path):
    """The reader guesses the width from the file's start; a long row further down is
    still seen (the pandas / stdlib path), not cut to the guessed width."""
    good = [
        f"1980{1 + i // 400:02d}012005011{1 + i % 400:03d},Pegawai {i},IV.a,3,2,2,2"
        for i in range(1600)
    ]
    late = "197906022007012011,Gita,IV.a,3,5,2,3,2"
    text = "\n".join(["NIP,Nama,Eselon,Teknis,Sosio Kultural,Literasi Digital,Numerik", *good])
    assert len(text) > 65536
    path = tmp_path / "asesmen-2026.csv"
    path.write_text(f"{text}\n{late}\n", encoding="utf-8")
    doc = cli.json("import", path)
    assert errors_of(doc) == {(1602, "asesmen-2026.csv!H1602", "extra-fields")}
    assert "(3,5)?" in messages(doc)["asesmen-2026.csv!H1602"]
    assert counts(doc) == (1601, 1600, 1, 0)


def test_a_workbook_cell_right_of_the_header_is_not_extra(cli, tmp_path):
    rows = [person(1), [*person(2), None, "catatan"]]
    doc = cli.json("import", write_xlsx(tmp_path / "asesmen-2026.xlsx", asesmen_rows(rows)))
    assert doc["files"][0]["errors"] == []
    assert counts(doc) == (2, 2, 0, 0)


def test_an_unclosed_quote_is_named_once(cli, tmp_path):
    rows = [
        "NIP;Nama;Jabatan;Eselon;Unit Kerja;Teknis;Sosio Kultural;Literasi Digital;Numerik",
        "198001012005011001;Budi;Analis;IV.a;Disdik;3;4;3;3",
        '198001012005012002;"Ani;Pengawas;IV.a;Disdik;3;5;2;3',
        "198001012005011003;Citra;Analis;IV.a;Disdik;3;4;3;3",
        "198001012005012004;Dedi;Analis;IV.a;Disdik;3;4;3;3",
    ]
    path = tmp_path / "asesmen-2026.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    doc = cli.json("import", path)
    assert errors_of(doc) == {(3, "asesmen-2026.csv!B3", "unclosed-quote")}
    assert messages(doc)["asesmen-2026.csv!B3"] == (
        'an opening quote " without its closing quote from row 3: the rows after it (2 lines) '
        "were read as one cell, and those people were not read; add the closing quote (or "
        "remove the opening one) and import again"
    )
    (err,) = doc["files"][0]["errors"]
    assert err["value"] == "Ani;Pengawas;IV.a;Disdik;3;5;2;3 ..."  # not the rows inside
    assert counts(doc) == (2, 1, 1, 0)
    assert cli.sql("SELECT nip FROM assessments") == [("198001012005011001",)]


def test_a_quoted_line_break_in_a_name_is_no_unclosed_quote(cli, tmp_path):
    rows = [
        "NIP;Nama;Eselon;Teknis;Sosio Kultural;Literasi Digital;Numerik",
        '198001012005011001;"Ani\nS.Pd.; M.Pd.";IV.a;3;3;3;3',
        "198001012005012002;Sri;IV.a;3;2;2;4",
    ]
    path = tmp_path / "asesmen-2026.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    doc = cli.json("import", path)
    assert doc["files"][0]["errors"] == []
    assert counts(doc) == (2, 2, 0, 0)


def test_out_of_range_advises_correcting_the_score_not_the_scale(cli, tmp_path):
    rows = [person(1), person(2, scores=(3, 7, 2, 2))]
    doc = cli.json("import", write_xlsx(tmp_path / "asesmen-2026.xlsx", asesmen_rows(rows)))
    assert messages(doc) == {
        "Rekap!H6": "SOSIO KULTURAL is 7, outside 1-5 (the rules' scale); correct the score"
    }


def test_unicode_text_tab_separated_extra_field_and_unclosed_quote(cli, tmp_path):
    """Excel's "Unicode Text" (.txt: UTF-16, tab-separated): the same two problems."""
    rows = [
        "NIP\tNama\tEselon\tTeknis\tSosio Kultural\tLiterasi Digital\tNumerik",
        "198001012005011001\tAni\tIV.a\t3\t3\t3\t3\t4",
        "198001012005012002\tSri\tIV.a\t3\t2\t2\t4",
        '198001012005011003\t"Tono\tIV.a\t4\t2\t2\t2',
        "198001012005012004\tDedi\tIV.a\t3\t4\t3\t3",
    ]
    path = tmp_path / "asesmen-2026.txt"
    path.write_bytes("\r\n".join([*rows, ""]).encode("utf-16"))
    doc = cli.json("import", path)
    assert errors_of(doc) == {
        (2, "asesmen-2026.txt!H2", "extra-fields"),
        (4, "asesmen-2026.txt!B4", "unclosed-quote"),
    }
    assert counts(doc) == (3, 1, 2, 0)
    assert "the rows after it (1 line) were read" in messages(doc)["asesmen-2026.txt!B4"]
    assert cli.sql("SELECT nip FROM assessments") == [("198001012005012002",)]


def test_an_unclosed_quote_swallowing_the_file_refuses_it(cli, tmp_path):
    """Past the stdlib reader's field limit (128 KB) the quote is the reader's own error:
    the file is refused naming the row, not called corrupt."""
    rows = [
        "NIP;Nama;Eselon;Teknis;Sosio Kultural;Literasi Digital;Numerik",
        "198001012005011001;Budi;IV.a;3;4;3;3",
        '198001012005012002;"Ani;IV.a;3;5;2;3',
    ] + [
        f"1980{1 + i // 400:02d}012005011{1 + i % 400:03d};Pegawai {i};IV.a;3;4;3;3"
        for i in range(3600)
    ]
    path = tmp_path / "asesmen-2026.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = cli("import", path)
    assert result.exit_code == 3, result.output
    assert "(unclosed-quote)" in result.output and "(corrupt)" not in result.output
    assert 'from row 3: an opening quote " without its closing quote?' in result.output
    assert cli.sql("SELECT count(*) FROM assessments") == [(0,)]


def test_the_reader_keeps_the_field_counts_as_written(tmp_path):
    """The rows are padded to one width; the header's own count and whether a cell may hold
    a line break are kept from the file (a file with none is not searched for a quote)."""
    from talentcli.ingest.read import read_text

    path = tmp_path / "a.csv"
    path.write_text(f'{HEADER}\n{BUDI}\n{GITA}\n"x",,\n', encoding="utf-8")
    grid = read_text(path)
    assert (grid.width, grid.head_fields, grid.sep, grid.line_breaks) == (
        10,
        [9, 9, 10, 3],
        ",",
        False,
    )
    path.write_text(f'{HEADER}\n{BUDI}\n"a\nb",,\n', encoding="utf-8")
    assert read_text(path).line_breaks is True


# ------------------------------------------------------------------ found by review


def test_an_unclosed_quote_before_quoted_names_is_found(cli, tmp_path):
    """Names quoted (as real exports write them): the open quote swallows only up to the next
    row's opening quote. Fajar's cell must not take Ratna's line, and Ratna is not lost
    without a word."""
    path = tmp_path / "asesmen-2026.csv"
    rows = [
        "No," + HEADER,
        '1,198503302010011009,"Budi, S.E.",Analis,JF Ahli Pertama,Disdik,3,4,3,3',
        '2,198205242009081001,"Fajar Susilo, S.Ak.,Auditor,JF Ahli Muda,Disdik,3,3,3,3',
        '3,198205242009082001,"Ratna Nurhayati",Auditor,JF Ahli Muda,Disdik,2,2,2,2',
        '4,198001012005012002,"Dewi",Analis,JF Ahli Pertama,Disdik,3,4,3,2',
    ]
    path.write_text("\r\n".join([*rows, ""]), encoding="utf-8")
    doc = cli.json("import", path)
    (err,) = doc["files"][0]["errors"]
    assert err["code"] == "unclosed-quote" and err["row"] == 3
    assert "Ratna" not in err["value"]  # the swallowed row is not shown
    stored = [r[0] for r in cli.sql("SELECT nip FROM assessments ORDER BY nip")]
    assert stored == ["198001012005012002", "198503302010011009"]


def test_a_legal_cell_of_several_lines_full_of_separators_is_read(cli, tmp_path):
    """A committee reason written over two lines with many commas, quoted as csv writes it."""
    path = tmp_path / "asesmen-2026.csv"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER.split(","))
    name = "Budi\n(catatan: pindahan, tugas belajar, diklat, mutasi, rotasi, lain-lain, x, y, z)"
    writer.writerow(["198503302010011009", name, "Analis", "JF Ahli Pertama", "Disdik", 3, 4, 3, 3])
    path.write_text(out.getvalue(), encoding="utf-8")
    doc = cli.json("import", path)
    assert counts(doc) == (1, 1, 0, 0) and doc["files"][0]["errors"] == []


def test_a_title_line_wider_than_the_header_does_not_hide_extra_fields(cli, tmp_path):
    path = tmp_path / "asesmen-2026.csv"
    title = "Lampiran: Keputusan Bupati, Nomor 800/12, Tanggal 5 Januari 2026,,,,,,,,,"
    path.write_text("\r\n".join([title, HEADER, BUDI, GITA, ""]), encoding="utf-8")
    doc = cli.json("import", path, "--cycle", "2026")
    assert errors_of(doc) == {(4, "asesmen-2026.csv!J4", "extra-fields")}


def test_a_header_row_past_the_first_rows_still_finds_extra_fields(cli, tmp_path):
    path = tmp_path / "asesmen-2026.csv"
    notes = [f"catatan {i}" for i in range(35)]
    path.write_text("\r\n".join([*notes, HEADER, BUDI, GITA, ""]), encoding="utf-8")
    doc = cli.json("import", path, "--header-row", "36", "--cycle", "2026")
    assert errors_of(doc) == {(38, "asesmen-2026.csv!J38", "extra-fields")}
