"""The committee's decisions (SPEC §3 kind kalibrasi, §4.9): import, validation, and how the
final box drives placement, pool and plan. Kalibrasi workbooks are written with openpyxl,
the others with xlsxwriter; calamine reads them all."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from tests.conftest import asesmen_rows, person, write_xlsx

KALIBRASI_HEADER = [
    "No",
    "NIP",
    "Nama",
    "Kotak Hasil Kalibrasi",
    "Alasan Kalibrasi",
    "Diputuskan Oleh",
    "Tanggal Rapat",
    "No BA",
]


def write_kalibrasi(path: Path, rows: list[list]) -> Path:
    """A kalibrasi workbook as a committee's secretary would type it, written by openpyxl:
    a title, then the header on row 3."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Kalibrasi"
    ws.append(["BERITA ACARA KALIBRASI TALENTA"])
    ws.append([])
    ws.append(KALIBRASI_HEADER)
    for i, row in enumerate(rows, start=1):
        ws.append([i, *row])
    wb.save(path)
    return path


def nip(i: int) -> str:
    return person(i)[1]


def decision(i: int, box, reason="hasil rapat TPK", by="Tim Penilai Kinerja", date=None):
    return [nip(i), f"Pegawai {i}", box, reason, by, date or dt.datetime(2026, 3, 12), "BA/01/2026"]


def test_kalibrasi_rows_are_validated_and_stored_and_a_newer_file_wins(cli, tmp_path):
    asesmen = write_xlsx(
        tmp_path / "asesmen-2026.xlsx", asesmen_rows([person(i) for i in (1, 2, 3, 4, 5)])
    )
    assert cli("import", asesmen, "--cycle", "2026").exit_code == 0
    unknown = "19800101200501" + "1099"  # a valid NIP the cycle never assessed
    rows = [
        decision(1, 9),  # row 4: a raise, accepted
        decision(2, 10),  # row 5: out-of-range
        decision(3, 7, reason=None),  # row 6: missing-value (reason)
        [unknown, "Orang Lain", 5, "alasan", "TPK", "12-03-2026", "BA/01/2026"],  # row 7
        decision(4, 8),  # row 8: duplicate-nip, with row 9
        decision(4, 6),  # row 9
        decision(1, 9),  # row 10: the same decision again, duplicate-row (skipped)
        decision(5, 5, by=" ", date="12/03/2026"),  # row 11: missing-value (decider)
    ]
    first = write_kalibrasi(tmp_path / "kalibrasi-2026.xlsx", rows)
    doc = cli.json("import", first, "--cycle", "2026")
    f = doc["files"][0]
    assert f["kind"] == "kalibrasi" and f["cycle"] == "2026"
    assert (f["rows_read"], f["accepted"], f["rejected"], f["skipped"]) == (8, 1, 6, 1)
    codes = {(e["row"], e["code"]) for e in f["errors"]}
    assert codes == {
        (5, "out-of-range"),
        (6, "missing-value"),
        (7, "unknown-nip"),
        (8, "duplicate-nip"),
        (9, "duplicate-nip"),
        (10, "duplicate-row"),
        (11, "missing-value"),
    }
    where = {e["code"]: e["cell"] for e in f["errors"]}
    assert where["unknown-nip"] == "Kalibrasi!B7" and where["out-of-range"] == "Kalibrasi!D5"
    stored = cli.sql(
        "SELECT cycle, nip, kotak_akhir, alasan, diputuskan_oleh, tanggal, nomor_berita_acara "
        "FROM calibrations"
    )
    assert stored == [
        ("2026", nip(1), 9, "hasil rapat TPK", "Tim Penilai Kinerja", "2026-03-12", "BA/01/2026")
    ]
    rejects = openpyxl.load_workbook(tmp_path / "rejects" / "kalibrasi-2026.rejects.xlsx")
    got = {r[0]: r[-3] for r in rejects["Ditolak"].iter_rows(min_row=2, values_only=True)}
    assert got == {
        5: "out-of-range",
        6: "missing-value",
        7: "unknown-nip",
        8: "duplicate-nip",
        9: "duplicate-nip",
        11: "missing-value",
    }
    # a newer file names person 1 (lowered now) and person 2: both replaced or added
    second = write_kalibrasi(
        tmp_path / "kalibrasi-2026-revisi.xlsx",
        [decision(1, 6, reason="revisi"), decision(2, 4, date="2026-04-01")],
    )
    assert cli("import", second, "--cycle", "2026").exit_code == 0
    stored = cli.sql(
        "SELECT nip, kotak_akhir, alasan, tanggal, batch_id FROM calibrations ORDER BY nip"
    )
    batch = cli.sql("SELECT id FROM batches WHERE file = 'kalibrasi-2026-revisi.xlsx'")[0][0]
    assert sorted(stored) == sorted(
        [
            (nip(1), 6, "revisi", "2026-03-12", batch),
            (nip(2), 4, "hasil rapat TPK", "2026-04-01", batch),
        ]
    )


def test_kind_auto_tells_kalibrasi_by_its_final_box_column(tmp_path):
    from talentcli.ingest.header import detect_kind, find_header
    from talentcli.ingest.read import open_grids
    from talentcli.rules import load_rules

    path = write_kalibrasi(tmp_path / "k.xlsx", [decision(1, 9)])
    rules = load_rules().rules
    grid = next(open_grids(path))
    assert detect_kind(find_header(grid, rules), rules) == "kalibrasi"


# ------------------------------------------------------------------ two cycles, hand-worked
# Pengawas (IV.a): standards teknis 3, sosiokultural 2, literasi digital 2, numerik 2 (sum 9);
# potential = JPM: tinggi >= 90, menengah >= 78; Sangat Baik di_atas, Baik sesuai.
FULL = (3, 2, 2, 2)  # JPM 100, tinggi
GAPS = (3, 2, 1.5, 1.5)  # JPM 88.89, menengah; literasi digital and numerik -0.5 (ringan)
LOW = (2, 1.5, 1.5, 1.5)  # JPM 72.22, rendah
MID = (2, 2, 2, 1.5)  # JPM 83.33, menengah
NEAR = "196806151990031005"  # born 15-06-1968: TMT pensiun (58) 01-07-2026, near in 2026
KINERJA_HEADER = ["NIP", "NAMA", "TAHUN", "PREDIKAT"]


def _cycle_files(tmp_path: Path, year: int, people: dict, ratings: dict) -> tuple[Path, Path]:
    rows = [person(i, nip=NEAR if i == 5 else None, scores=s) for i, s in people.items()]
    asesmen = write_xlsx(tmp_path / f"asesmen-{year}.xlsx", asesmen_rows(rows))
    kin = [KINERJA_HEADER] + [
        [NEAR if i == 5 else nip(i), f"Pegawai {i}", year - 1, p] for i, p in ratings.items()
    ]
    return asesmen, write_xlsx(tmp_path / f"kinerja-{year}.xlsx", kin, sheet="Kinerja")


def classify_two_cycles(cli, tmp_path: Path) -> dict:
    """2025: asesmen + kinerja, classify. 2026: asesmen + kinerja + a kalibrasi file with a
    raise (1: 5 -> 8), a lowering (2: 8 -> 6), a confirmation (3: 5), a decision for an
    incomplete person (4: no rating), a calibrated box 9 near retirement (5: 5 -> 9), a box
    10 (6) and an unknown NIP; classify 2026. Returns the import report of the kalibrasi."""
    y25 = _cycle_files(
        tmp_path,
        2025,
        {1: LOW, 2: FULL, 3: GAPS, 5: GAPS, 6: FULL},
        {1: "Baik", 2: "Sangat Baik", 3: "Baik", 5: "Baik", 6: "Baik"},
    )
    assert cli("import", *y25, "--cycle", "2025").exit_code == 0
    assert cli("classify", "--cycle", "2025", "--as-of", "2025-01-01").exit_code == 0
    y26 = _cycle_files(
        tmp_path,
        2026,
        {1: GAPS, 2: FULL, 3: GAPS, 4: FULL, 5: GAPS, 6: FULL, 7: MID},
        {1: "Baik", 2: "Baik", 3: "Baik", 5: "Baik", 6: "Baik", 7: "Butuh Perbaikan"},
    )
    assert cli("import", *y26, "--cycle", "2026").exit_code == 0
    kal = write_kalibrasi(
        tmp_path / "kalibrasi-2026.xlsx",
        [
            decision(1, 8, reason="Penugasan khusus berhasil"),
            decision(2, 6, reason="Catatan atasan"),
            decision(3, 5, reason="Dikonfirmasi"),
            decision(4, 9),
            [NEAR, "Pegawai 5", 9, "Prestasi luar biasa", "TPK", "12-03-2026", "BA/01/2026"],
            decision(6, 10),
            ["19800101200501" + "1099", "Orang Lain", 7, "x", "TPK", None, None],
        ],
    )
    doc = cli.json("import", kal, "--cycle", "2026")
    assert cli("classify", "--cycle", "2026", "--as-of", "2026-01-01").exit_code == 1  # 4
    return doc["files"][0]


def test_the_final_box_drives_placement_pool_readiness_and_plan(cli, tmp_path):
    imported = classify_two_cycles(cli, tmp_path)
    assert (imported["accepted"], imported["rejected"]) == (5, 2)
    assert {(e["row"], e["code"]) for e in imported["errors"]} == {
        (9, "out-of-range"),
        (10, "unknown-nip"),
    }
    run = cli.sql("SELECT max(id) FROM runs WHERE cycle = '2026'")[0][0]
    got = {
        r[0]: r[1:]
        for r in cli.sql(
            "SELECT nip, box_computed, box, placement, talent_pool, readiness, notes, plan_jp "
            "FROM results WHERE run_id = ?",
            (run,),
        )
    }
    assert got == {
        nip(1): (5, 8, "rotasi", 1, "siap_1_2_tahun", "", 22),  # raised: pool, rotation
        nip(2): (8, 6, "mutasi", 0, None, "", 28),  # lowered: BKK (8) + TEK-R + SOS-R
        nip(3): (5, 5, "mutasi", 0, None, "", 22),  # confirmed
        NEAR: (5, 9, "tetap", 0, None, "pensiun_dekat", 22),  # 9, but near retirement
        nip(6): (8, 8, "rotasi", 1, "siap_1_2_tahun", "", 20),  # the box 10 was rejected
        nip(7): (3, 3, "mutasi", 0, None, "", 58),  # no decision: TEK-B (-1) + NUM-R + BKK
    }
    plan = cli.sql(
        "SELECT code, reason FROM v_rencana WHERE run_id = ? AND nip = ? ORDER BY seq",
        (run, nip(2)),
    )
    assert plan == [("BKK", "box"), ("TEK-R", "min_jp"), ("SOS-R", "min_jp")]
    listed = cli.sql(
        "SELECT nip, box_computed, box, reason, applied, reason_not_applied "
        "FROM run_calibrations WHERE run_id = ? ORDER BY nip",
        (run,),
    )
    assert sorted(listed) == sorted(
        [
            (nip(1), 5, 8, "Penugasan khusus berhasil", 1, None),
            (nip(2), 8, 6, "Catatan atasan", 1, None),
            (nip(3), 5, 5, "Dikonfirmasi", 1, None),
            (nip(4), None, 9, "hasil rapat TPK", 0, "no-performance"),
            (NEAR, 5, 9, "Prestasi luar biasa", 1, None),
        ]
    )
    inputs = cli.sql(
        "SELECT b.kind FROM run_inputs r JOIN batches b ON b.id = r.batch_id WHERE r.run_id = ?",
        (run,),
    )
    assert ("kalibrasi",) in inputs


def test_explain_shows_the_decision_and_what_it_changed(cli, tmp_path):
    classify_two_cycles(cli, tmp_path)
    out = cli("explain", nip(2)).stdout
    assert "Kalibrasi: Kotak Talenta 8 -> 6 (turun); Catatan atasan; Tim Penilai Kinerja" in out
    assert "12 Maret 2026; BA/01/2026" in out
    assert (
        "tanpa kalibrasi (Kotak Talenta 8): Penempatan Rotasi; Kelompok Rencana Suksesi: Ya" in out
    )
    assert "Program Kotak Talenta: bertambah BKK; berkurang —" in out
    confirmed = cli("explain", nip(3)).stdout
    assert "Kalibrasi: Kotak Talenta 5 -> 5 (tetap, dikonfirmasi)" in confirmed
    assert "tanpa kalibrasi" not in confirmed
    incomplete = cli("explain", nip(4)).stdout
    assert "Kalibrasi: Kotak Talenta 9 tidak diterapkan" in incomplete
    assert "Kalibrasi" not in cli("explain", nip(7)).stdout
    assert "Kotak Talenta 6, hasil kalibrasi (hasil perhitungan: Kotak Talenta 8)" in out


def test_history_against_the_previous_cycle_counts_every_person_once(cli, tmp_path):
    from talentcli.pipeline import load_run
    from talentcli.store import Store

    classify_two_cycles(cli, tmp_path)
    store = Store(tmp_path / "talent.db")
    try:
        data = load_run(store, "2026")
    finally:
        store.close()
    got = data.people.set_index("nip")
    want = {  # 2025 final box -> 2026 final box
        nip(1): ("2025", 2, "naik"),  # rendah/sesuai 2 -> raised to 8
        nip(2): ("2025", 9, "turun"),  # 9 -> lowered to 6
        nip(3): ("2025", 5, "tetap"),  # 5 -> confirmed 5
        NEAR: ("2025", 5, "naik"),  # 5 -> 9 (near retirement: placement tetap)
        nip(6): ("2025", 8, "tetap"),
        nip(7): (None, None, "baru"),  # not assessed in 2025
    }
    assert {
        n: (got.at[n, "previous_cycle"], got.at[n, "previous_box"], got.at[n, "movement"])
        for n in got.index
    } == want
    assert got.at[nip(2), "previous_placement"] == "promosi"
    assert got.at[nip(2), "previous_jpm"] == 100.0
    assert data.movement.matrix == {
        "2": {"8": 1},
        "5": {"5": 1, "9": 1},
        "8": {"8": 1},
        "9": {"6": 1},
    }
    assert data.movement.counts == {"naik": 2, "turun": 1, "tetap": 2, "baru": 1}


def test_history_command_shows_both_cycles(cli, tmp_path):
    classify_two_cycles(cli, tmp_path)
    rows = cli.json("history", nip(2))
    assert rows == [
        {"cycle": "2025", "as_of": "2025-01-01", "jpm": 100.0, "potential": "tinggi",
         "performance": "di_atas", "box_computed": 9, "box": 9, "placement": "promosi",
         "plan_jp": 20, "incomplete": None},
        {"cycle": "2026", "as_of": "2026-01-01", "jpm": 100.0, "potential": "tinggi",
         "performance": "sesuai", "box_computed": 8, "box": 6, "placement": "mutasi",
         "plan_jp": 28, "incomplete": None},
    ]  # fmt: skip
    text = cli("history", nip(2)).stdout
    assert "2025" in text and "2026" in text and "\x1b[" not in text
    lines = [line.split() for line in text.splitlines() if line[:4] in ("2025", "2026")]
    assert [line[0] for line in lines] == ["2025", "2026"]
    assert cli("history", nip(7)).stdout.count("2026") >= 1
    missing = cli("history", "19800101200501" + "1099")
    assert missing.exit_code != 0 and "no result, classified or incomplete" in missing.stderr
    # 4 had no rating in 2026 (and no assessment in 2025): its one cycle says why
    none = dict.fromkeys(["jpm", "potential", "performance", "box_computed", "box"])
    none |= {"placement": None, "plan_jp": None}
    assert cli.json("history", nip(4)) == [
        {"cycle": "2026", "as_of": "2026-01-01", **none, "incomplete": "no-performance"}
    ]
    line = [x for x in cli("history", nip(4)).stdout.splitlines() if x.startswith("2026")]
    assert len(line) == 1 and "data tidak lengkap: Tidak ada nilai kinerja" in line[0]


# ------------------------------------------------------------------ reports


def _report(cli, tmp_path: Path, fmt: str) -> Path:
    out = tmp_path / "laporan"
    result = cli("report", "--format", fmt, "--out", out)
    assert result.exit_code == 0, result.output
    return out


def test_json_carries_decisions_previous_and_movement_byte_stable(cli, tmp_path):
    import json

    classify_two_cycles(cli, tmp_path)
    out = _report(cli, tmp_path, "json")
    first = (out / "talenta-2026.json").read_bytes()
    assert (_report(cli, tmp_path, "json") / "talenta-2026.json").read_bytes() == first
    doc = json.loads(first)
    people = {p["nip"]: p for p in doc["people"]}
    p2 = people[nip(2)]
    assert (p2["box_computed"], p2["box"], p2["placement"], p2["movement"]) == (
        8,
        6,
        "mutasi",
        "turun",
    )
    assert p2["calibration"] == {
        "reason": "Catatan atasan",
        "by": "Tim Penilai Kinerja",
        "date": "2026-03-12",
        "ref": "BA/01/2026",
    }
    assert p2["previous"] == {"cycle": "2025", "box": 9, "jpm": 100.0, "placement": "promosi"}
    assert [x["code"] for x in p2["plan"]] == ["BKK", "TEK-R", "SOS-R"]
    near = people[NEAR]
    assert (near["box_computed"], near["box"], near["placement"], near["talent_pool"]) == (
        5,
        9,
        "tetap",
        False,
    )
    assert people[nip(7)]["previous"] is None and people[nip(7)]["movement"] == "baru"
    assert people[nip(6)]["calibration"] is None
    listed = {c["nip"]: c for c in doc["calibrations"]}
    assert set(listed) == {nip(1), nip(2), nip(3), nip(4), NEAR}  # the rejected two are not
    assert listed[nip(4)] == {
        "nip": nip(4), "nama": "Pegawai 4", "box_computed": None, "box": 9,
        "reason": "hasil rapat TPK", "by": "Tim Penilai Kinerja", "date": "2026-03-12",
        "ref": "BA/01/2026", "applied": False, "reason_not_applied": "no-performance",
    }  # fmt: skip
    assert listed[nip(3)]["applied"] and listed[nip(3)]["box_computed"] == 5
    assert doc["movement"] == {
        "matrix": {"9": {"6": 1}, "8": {"8": 1}, "5": {"5": 1, "9": 1}, "2": {"8": 1}},
        "counts": {"naik": 2, "turun": 1, "tetap": 2, "baru": 1},
    }
    moved = sum(n for row in doc["movement"]["matrix"].values() for n in row.values())
    assert moved == len(doc["people"]) - doc["movement"]["counts"]["baru"]
    assert doc["summary"]["boxes"]["9"] == 1 and doc["summary"]["boxes"]["6"] == 1  # final
    assert "kalibrasi" in {i["kind"] for i in doc["inputs"]}


def test_one_cycle_without_kalibrasi_everyone_is_new_with_the_computed_box(cli, tmp_path):
    import json

    files = _cycle_files(tmp_path, 2026, {1: GAPS, 2: FULL}, {1: "Baik", 2: "Sangat Baik"})
    assert cli("import", *files, "--cycle", "2026").exit_code == 0
    assert cli("classify", "--cycle", "2026", "--as-of", "2026-01-01").exit_code == 0
    doc = json.loads((_report(cli, tmp_path, "json") / "talenta-2026.json").read_text())
    got = [
        (p["box_computed"], p["box"], p["calibration"], p["previous"], p["movement"])
        for p in doc["people"]
    ]
    assert got == [(9, 9, None, None, "baru"), (5, 5, None, None, "baru")]
    assert doc["calibrations"] == []
    assert doc["movement"] == {
        "matrix": {},
        "counts": {"naik": 0, "turun": 0, "tetap": 0, "baru": 2},
    }


def test_workbook_csv_html_and_md_show_the_decisions_and_the_movement(cli, tmp_path):
    import csv

    classify_two_cycles(cli, tmp_path)
    out = _report(cli, tmp_path, "xlsx,csv,html,md")
    wb = openpyxl.load_workbook(out / "talenta-2026.xlsx")
    assert wb.sheetnames[-2:] == ["Kalibrasi", "Pergerakan Talenta"]
    rows = list(wb["Kalibrasi"].iter_rows(values_only=True))
    assert rows[0][:5] == ("NIP", "Nama", "Kotak Talenta Hasil Perhitungan", "Kotak Talenta",
                           "Naik/Turun/Tetap")  # fmt: skip
    by_nip = {r[0]: r for r in rows[1:]}
    assert by_nip[nip(2)][2:5] == (8, 6, "Turun") and by_nip[nip(3)][2:5] == (5, 5, "Tetap")
    assert by_nip[nip(4)][9:] == ("Tidak", "Tidak ada nilai kinerja")
    when = wb["Kalibrasi"].cell(list(by_nip).index(nip(2)) + 2, 8)  # the meeting's date
    assert rows[0][7] == "Tanggal" and when.value == dt.datetime(2026, 3, 12)
    assert when.is_date and when.number_format == "[$-421]d mmmm yyyy"  # 12 Maret 2026
    moving = wb["Pergerakan Talenta"]
    assert moving.freeze_panes == "A17" and moving.auto_filter.ref.startswith("A16:")
    sheet = list(moving.iter_rows(values_only=True))
    matrix = {r[0]: r[1:10] for r in sheet[2:11]}  # rows Kotak 9 .. Kotak 1, columns 1 .. 9
    assert matrix["Kotak 9"] == (0, 0, 0, 0, 0, 1, 0, 0, 0)
    assert matrix["Kotak 5"] == (0, 0, 0, 0, 1, 0, 0, 0, 1)
    assert matrix["Kotak 2"] == (0, 0, 0, 0, 0, 0, 0, 1, 0)
    assert sum(sum(r) for r in matrix.values()) == 5  # every moved person once; 7 is new
    assert sheet[12][:4] == ("Naik", "Turun", "Tetap", "Baru") and sheet[13][:4] == (2, 1, 2, 1)
    body = sheet[16:]  # up to the blank row before the signature block
    listed = [r[6] for r in body[: next(i for i, r in enumerate(body) if not any(r))]]
    assert listed == ["Naik", "Naik", "Turun", "Tetap", "Tetap", "Baru"]  # sorted by movement
    ringkasan = [r[0] for r in wb["Ringkasan"].iter_rows(values_only=True) if r[0]]
    assert any("3 pegawai diubah oleh kalibrasi (2 naik, 1 turun), 1 dikonfirmasi" in str(t)
               for t in ringkasan)  # fmt: skip
    with (out / "talenta-2026-kalibrasi.csv").open(encoding="utf-8-sig") as fh:
        got = list(csv.DictReader(fh))
    assert [(r["nip"], r["box_computed"], r["box"], r["direction"]) for r in got[:2]] == [
        (NEAR, "5", "9", "naik"),
        (nip(2), "8", "6", "turun"),
    ]
    page = (out / "rencana" / f"{nip(2)}.html").read_text(encoding="utf-8")
    assert (
        "Kotak Talenta Hasil Perhitungan" in page and "Kotak 8 → 6 (Turun): Catatan atasan" in page
    )
    assert "Catatan atasan — Tim Penilai Kinerja, 12 Maret 2026, BA/01/2026" in page
    assert "Siklus 2025: Kotak 9, JPM 100,00%, Promosi (pergerakan: turun)" in page
    index = (out / "index.html").read_text(encoding="utf-8")
    md = (out / "talenta-2026.md").read_text(encoding="utf-8")
    assert "Kalibrasi" in index and "Pergerakan Talenta" in index
    assert "Belum ada siklus sebelumnya" not in index + md  # two cycles: the list is there
    section = index[index.index('<section class="list" id="pergerakan"') :]
    section = section[: section.index("</section>")]
    assert section.count("<tr>") == 7 and "(6)" in section  # the header, a row per person
    assert "- Kalibrasi: 5 keputusan; 2 naik, 1 turun, 1 dikonfirmasi, 1 tidak diterapkan" in md
    assert "- Pergerakan talenta terhadap siklus 2025: 2 naik, 1 turun, 2 tetap, 1 baru" in md


def test_one_cycle_reports_say_once_there_is_nothing_to_compare_with(cli, tmp_path):
    """SPEC §4.10 with no previous cycle: everybody is new, so the human outputs say so in
    one line (xlsx sheet, html section, md) instead of listing everybody as Baru under a
    matrix of zeros; the machine outputs (csv, JSON) keep a row per person."""
    import csv

    files = _cycle_files(tmp_path, 2026, {1: GAPS, 2: FULL}, {1: "Baik", 2: "Sangat Baik"})
    assert cli("import", *files, "--cycle", "2026").exit_code == 0
    assert cli("classify", "--cycle", "2026", "--as-of", "2026-01-01").exit_code == 0
    out = _report(cli, tmp_path, "xlsx,csv,html,md")
    note = (
        "Belum ada siklus sebelumnya untuk dibandingkan: pergerakan dihitung mulai siklus "
        "berikutnya."
    )
    wb = openpyxl.load_workbook(out / "talenta-2026.xlsx")
    assert wb.sheetnames[-1] == "Pergerakan Talenta"
    cells = [v for r in wb["Pergerakan Talenta"].iter_rows(values_only=True) for v in r if v]
    assert cells[0] == note and nip(1) not in cells and nip(2) not in cells
    assert "Baru" not in cells and "Kotak 5" not in cells
    with (out / "talenta-2026-pergerakan.csv").open(encoding="utf-8-sig") as fh:
        got = [(r["nip"], r["previous_cycle"], r["movement"]) for r in csv.DictReader(fh)]
    assert got == [(nip(2), "", "baru"), (nip(1), "", "baru")]  # by NIP: ...1002, ...2001
    index = (out / "index.html").read_text(encoding="utf-8")
    section = index[index.index('<section class="list" id="pergerakan"') :]
    section = section[: section.index("</section>")]
    assert note in section and "<table" not in section and nip(1) not in section
    assert 'id="matriks"' not in index and 'href="#pergerakan">Pergerakan Talenta</a>' in index
    md = (out / "talenta-2026.md").read_text(encoding="utf-8")
    assert f"- Pergerakan talenta: {note}\n" in md and "baru" not in md


def test_a_store_from_before_calibration_gains_its_tables_and_box_computed(cli, tmp_path):
    """A store from before calibration (schema 6: no calibrations, no run_calibrations, no
    results.box_computed) is migrated when opened: its runs read back with box_computed =
    box, and the kalibrasi kind can be imported into it."""
    from talentcli.store import SCHEMA_VERSION, Store

    files = _cycle_files(tmp_path, 2026, {1: GAPS, 2: FULL}, {1: "Baik", 2: "Sangat Baik"})
    assert cli("import", *files, "--cycle", "2026").exit_code == 0
    assert cli("classify", "--cycle", "2026", "--as-of", "2026-01-01").exit_code == 0
    store = Store(tmp_path / "talent.db")
    try:  # back to what schema 6 had
        store.db.run("DROP TABLE run_calibrations")
        store.db.run("DROP TABLE calibrations")
        store.db.run("DROP VIEW v_promosi")
        for view in ("v_rotasi", "v_mutasi", "v_tindak_lanjut", "v_suksesi", "v_hasil"):
            store.db.run(f"DROP VIEW {view}")
        store.db.run("ALTER TABLE results DROP COLUMN box_computed")
        # nor the eligibility of issue 14 (schema 8): criteria, pools, promotions
        store.db.run("DROP VIEW v_kandidat")
        for table in ("vacancy_pools", "promotions"):
            store.db.run(f"DROP TABLE {table}")
        for c in ("verdict", "education_min", "years_in_post_min", "golongan_min",
                  "performance_years", "no_discipline", "max_age"):  # fmt: skip
            for col in (c, f"{c}_detail") if c != "verdict" else (c,):
                store.db.run(f"ALTER TABLE candidates DROP COLUMN {col}")
        store.db.run("PRAGMA user_version = 6")
    finally:
        store.close()
    assert SCHEMA_VERSION == 8
    assert cli.sql("PRAGMA user_version") == [(8,)]  # opened: migrated
    assert sorted(cli.sql("SELECT box_computed, box FROM results")) == [(5, 5), (9, 9)]
    kal = write_kalibrasi(tmp_path / "kalibrasi-2026.xlsx", [decision(1, 7)])
    assert cli("import", kal, "--cycle", "2026").exit_code == 0
    assert cli("classify", "--cycle", "2026", "--as-of", "2026-01-01").exit_code == 0
    got = cli.sql("SELECT box_computed, box FROM results WHERE nip = ? ORDER BY run_id", (nip(1),))
    assert got == [(5, 5), (5, 7)]


def test_a_kalibrasi_file_imported_before_its_asesmen_is_read_again_after_it(cli, tmp_path):
    kal = write_kalibrasi(tmp_path / "kalibrasi-2026.xlsx", [decision(1, 7), decision(2, 4)])
    first = cli.json("import", kal, "--cycle", "2026")["files"][0]
    assert (first["accepted"], first["rejected"]) == (0, 2)
    assert {e["code"] for e in first["errors"]} == {"unknown-nip"}
    files = _cycle_files(tmp_path, 2026, {1: GAPS, 2: FULL}, {1: "Baik", 2: "Sangat Baik"})
    assert cli("import", *files, "--cycle", "2026").exit_code == 0
    again = cli.json("import", kal, "--cycle", "2026")["files"][0]
    assert (again["status"], again["accepted"], again["rejected"]) == ("imported", 2, 0)
    third = cli.json("import", kal, "--cycle", "2026")["files"][0]
    assert third["status"] == "already-imported"
    assert sorted(cli.sql("SELECT nip, kotak_akhir FROM calibrations")) == sorted(
        [(nip(1), 7), (nip(2), 4)]
    )


def test_classify_says_how_many_decisions_it_applied(cli, tmp_path):
    classify_two_cycles(cli, tmp_path)
    out = cli("classify", "--cycle", "2026", "--as-of", "2026-01-01").stdout
    assert (
        "kalibrasi: 5 keputusan, 4 diterapkan (2 naik, 1 turun, 1 dikonfirmasi), "
        "1 tidak diterapkan (data tidak lengkap)"
    ) in out


def test_the_html_index_shows_the_movement_matrix(cli, tmp_path):
    import re

    classify_two_cycles(cli, tmp_path)
    index = (_report(cli, tmp_path, "html") / "index.html").read_text(encoding="utf-8")
    part = index[index.index('id="matriks"') : index.index('id="pergerakan"')]
    assert "Matriks pergerakan 2025 → 2026" in part
    rows = re.findall(r"<tr><th>Kotak (\d)</th>(.*?)</tr>", part)
    counts = {a: [int(n) for n in re.findall(r">(\d+)</td>", cells)] for a, cells in rows}
    assert counts["9"] == [0, 0, 0, 0, 0, 1, 0, 0, 0]
    assert counts["5"] == [0, 0, 0, 0, 1, 0, 0, 0, 1] and counts["2"][7] == 1
    assert sum(map(sum, counts.values())) == 5
    assert "Naik: 2; Turun: 1; Tetap: 2; Baru: 1" in part


def test_history_on_a_terminal_is_a_table_in_labels(capsys, monkeypatch):
    import sys

    from talentcli.render import show_history
    from talentcli.rules import load_rules

    rows = [
        {"cycle": "2025", "as_of": "2025-01-01", "jpm": 100.0, "potential": "tinggi",
         "performance": "di_atas", "box_computed": 9, "box": 9, "placement": "promosi",
         "plan_jp": 20},
        {"cycle": "2026", "as_of": "2026-01-01", "jpm": 88.89, "potential": "menengah",
         "performance": "sesuai", "box_computed": 5, "box": 8, "placement": "rotasi",
         "plan_jp": 22},
    ]  # fmt: skip
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    show_history(nip(1), rows, load_rules().rules)
    out = capsys.readouterr().out
    assert "Riwayat talenta" in out and "┃" in out  # rich's table
    lines = [line for line in out.splitlines() if "2025" in line or "2026" in line]
    assert "Promosi" in lines[0] and "Di Atas Ekspektasi" in lines[0] and "100,00" in lines[0]
    assert "Menengah" in lines[-1] and "Rotasi" in lines[-1] and "88,89" in lines[-1]
