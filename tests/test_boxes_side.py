"""SPEC §4.9: every output shows the computed and the final box side by side. A run with a
kalibrasi file (tests/test_kalibrasi.py: 1 raised 5 -> 8 into Rotasi, 5 near retirement
raised 5 -> 9 into Tetap); the workbook read back with openpyxl, the csv with the csv
module, the html as text."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

from tests.test_kalibrasi import NEAR, classify_two_cycles, nip


def _report(cli, tmp_path):
    out = tmp_path / "laporan"
    result = cli("report", "--format", "xlsx,csv,html", "--out", out)
    assert result.exit_code == 0, result.output
    return out


def _sheet(wb, name: str) -> dict:
    rows = list(wb[name].iter_rows(values_only=True))
    head = rows[0]
    return {r[0]: dict(zip(head, r, strict=True)) for r in rows[1:] if r[0]}, head


def test_placement_lists_show_the_computed_box_beside_the_final_one(cli, tmp_path):
    classify_two_cycles(cli, tmp_path)
    out = _report(cli, tmp_path)
    wb = openpyxl.load_workbook(out / "talenta-2026.xlsx")
    rotasi, head = _sheet(wb, "Rotasi")
    at = head.index("Kotak Talenta")
    assert head[at - 1] == "Kotak Talenta Hasil Perhitungan"  # right beside the final box
    raised = rotasi[nip(1)]
    assert (raised["Kotak Talenta Hasil Perhitungan"], raised["Kotak Talenta"]) == (5, 8)
    same = rotasi[nip(6)]  # no change: both 8
    assert (same["Kotak Talenta Hasil Perhitungan"], same["Kotak Talenta"]) == (8, 8)
    tetap, _ = _sheet(wb, "Tetap (Menjelang BUP)")
    assert (tetap[NEAR]["Kotak Talenta Hasil Perhitungan"], tetap[NEAR]["Kotak Talenta"]) == (
        5,
        9,
    )
    suksesi, head = _sheet(wb, "Kelompok Rencana Suksesi")
    assert head[head.index("Kotak Talenta") - 1] == "Kotak Talenta Hasil Perhitungan"
    assert suksesi[nip(1)]["Kotak Talenta Hasil Perhitungan"] == 5

    with (out / "talenta-2026-rotasi.csv").open(encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        got = {r["nip"]: (r["box_computed"], r["box"]) for r in reader}
        names = reader.fieldnames
    assert names[names.index("box") - 1] == "box_computed"
    assert got[nip(1)] == ("5", "8") and got[nip(6)] == ("8", "8")
    with (out / "talenta-2026-tetap.csv").open(encoding="utf-8-sig") as fh:
        assert [(r["nip"], r["box_computed"], r["box"]) for r in csv.DictReader(fh)] == [
            (NEAR, "5", "9")
        ]

    index = (out / "index.html").read_text(encoding="utf-8")
    section = index[index.index('<section class="list" id="rotasi"') :]
    section = section[: section.index("</section>")]
    assert (
        '<th class="n">Kotak Talenta Hasil Perhitungan</th><th class="n" data-filter="1">'
        "Kotak Talenta</th>" in section
    )
    row = section[section.index(f"{nip(1)}.html") :]
    row = row[: row.index("</tr>")]
    assert '<td class="n">5</td><td class="n">8</td><td>Rotasi</td>' in row


def test_peta_talenta_marks_the_calibrated_people(cli, tmp_path):
    classify_two_cycles(cli, tmp_path)
    out = _report(cli, tmp_path)
    wb = openpyxl.load_workbook(out / "talenta-2026.xlsx")
    cells = [str(v) for r in wb["Peta Talenta"].iter_rows(values_only=True) for v in r if v]
    assert f"Pegawai 1 ({nip(1)}) 5→8" in cells
    assert f"Pegawai 6 ({nip(6)})" in cells  # confirmed at its computed box: no mark
    assert any(c.startswith("Tanda 7→9 di belakang nama: dikalibrasi") for c in cells)
    index = (out / "index.html").read_text(encoding="utf-8")
    peta = index[index.index('<section id="peta">') :]
    peta = peta[: peta.index("</section>")]
    assert f'{nip(1)}.html"' in peta and '<span class="cal">5→8</span>' in peta
    assert peta.count('class="cal"') == 3  # 1 (5→8), 2 (8→6), 5 (5→9); 3 confirmed: none
    assert "Tanda 7→9 di belakang nama" in peta


def test_plan_page_writes_the_movement_apart_from_the_placement_tetap(cli, tmp_path):
    classify_two_cycles(cli, tmp_path)
    out = _report(cli, tmp_path)
    page = (out / "rencana" / f"{nip(3)}.html").read_text(encoding="utf-8")
    line = page[page.index("Siklus Sebelumnya") :]
    line = line[: line.index("</tr>")]
    assert line.endswith("(pergerakan: tetap)</td>") and "(Tetap)" not in line


def test_kandidat_shows_each_candidates_computed_box_beside_the_final_one(tmp_path):
    import dataclasses

    from talentcli.report import lists
    from tests.test_report_json import cohort_run

    run = cohort_run(tmp_path)
    listed = lists.kandidat(run).dropna(subset=["nip"])
    cols = list(listed.columns)
    assert cols[cols.index("box") - 1] == "box_computed"
    assert (listed["box_computed"] == listed["box"]).all()  # no candidate was calibrated
    people = run.people.copy()
    one = listed["nip"].iloc[0]  # as if the committee had raised this candidate from box 4
    people["box_computed"] = people["box_computed"].where(people["nip"] != one, 4)
    got = lists.kandidat(dataclasses.replace(run, people=people)).dropna(subset=["nip"])
    mine = got[got["nip"] == one]
    assert len(mine) and (mine["box_computed"] == 4).all()
    assert mine["box"].tolist() == listed.loc[listed["nip"] == one, "box"].tolist()
    others = got[got["nip"] != one]
    assert (others["box_computed"] == others["box"]).all()


def test_ringkasan_programme_names_are_set_in_from_the_cost(cli, tmp_path):
    classify_two_cycles(cli, tmp_path)
    out = _report(cli, tmp_path)
    ws = openpyxl.load_workbook(out / "talenta-2026.xlsx")["Ringkasan"]
    head = next(r for r in ws.iter_rows() if r[3].value == "Biaya (Rp)")
    assert head[4].value == "Program" and head[4].alignment.indent == 1
    row = ws[head[0].row + 1]
    assert row[3].number_format == '"Rp"\\ #,##0' and row[3].alignment.indent == 0
    assert isinstance(row[4].value, str) and row[4].alignment.indent == 1


def test_kandidat_without_a_formasi_says_why_it_is_empty(cli, tmp_path):
    """No formasi imported for the cycle: the Kandidat sheet and html section say so (and
    what to do), not a bare "Tidak ada data"."""
    samples = Path(__file__).resolve().parent.parent / "samples"
    for name in ("asesmen-2026.xlsx", "kinerja.xlsx"):
        assert cli("import", samples / name).exit_code in (0, 1)
    assert cli("classify", "--cycle", "2026", "--as-of", "2026-01-01").exit_code in (0, 1)
    out = tmp_path / "laporan"
    assert cli("report", "--format", "xlsx,html", "--out", out).exit_code == 0
    ws = openpyxl.load_workbook(out / "talenta-2026.xlsx")["Kandidat Jabatan Lowong"]
    assert ws["A2"].value.startswith("Belum ada data formasi (jabatan lowong) untuk siklus ini")
    html = (out / "index.html").read_text("utf-8")
    assert "Belum ada data formasi (jabatan lowong) untuk siklus ini" in html
