"""Decision support through the report path (SPEC §4.11-4.13, §5): the training budget, the
equity view, what-if and the per-unit workbooks, on hand-worked cohorts written with
xlsxwriter and read back with python-calamine, and on the samples."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from tests.conftest import Cli, write_xlsx
from tests.test_equity import fisher_two_sided

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-01-01"
HEADER = ["NIP", "Nama", "Eselon", "Unit Kerja", "Teknis", "Sosio Kultural", "Literasi Digital"]
HEADER += ["Numerik"]
# pengawas: standards 3 / 2 / 2 / 2; everyone rated Baik (sesuai)
A, B, C = "198001012005011001", "198001012005012002", "198001012005011003"
COHORT = [
    [A, "Ani", "IV.a", "Bappeda", 1.5, 2, 2, 2],  # teknis -1.5: TEK-B (40 JP, Rp 4.500.000)
    [B, "Budi", "IV.a", "Dinas Kesehatan", 3, 1, 2, 2],  # sosiokultural -1: SOS-B (Rp 3.000.000)
    [C, "Citra", "IV.a", "Bappeda", 1.5, 2, 2, 2],  # as Ani: the tie goes to the lower NIP
]


def sheet(path: Path, name: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def hand_cohort(cli: Cli, tmp_path: Path) -> None:
    kin = [["NIP", "Tahun", "Predikat"], *([n, 2025, "Baik"] for n in (A, B, C))]
    cli("import", write_xlsx(tmp_path / "asesmen-2026.xlsx", [HEADER, *COHORT]))
    cli("import", write_xlsx(tmp_path / "kinerja.xlsx", kin))
    assert cli("classify", "--cycle", "2026", "--as-of", AS_OF).exit_code == 0


def report_doc(cli: Cli, out: Path, *args: str) -> dict:
    result = cli("report", "--format", "json,csv,xlsx", "--out", out, *args)
    assert result.exit_code == 0, result.output
    return json.loads((out / "talenta-2026.json").read_text(encoding="utf-8"))


def plan_of(doc: dict, nip: str) -> list[tuple]:
    person = next(p for p in doc["people"] if p["nip"] == nip)
    return [(r["code"], r["reason"], r["funded"]) for r in person["plan"]]


# ------------------------------------------------------------------ the budget (SPEC §4.12)


def test_budget_walk_hand_worked_through_the_report(cli, tmp_path):
    """Rp 3.500.000: the walk takes the largest gap first. Ani's and Citra's TEK-B
    (-1.5, Rp 4.500.000) do not fit; Budi's SOS-B (-1, Rp 3.000.000) comes later, cheaper,
    and does. Ani and Citra get TEK-R (reason budget, 10 JP) and are then below 20 funded
    JP: the top-up takes the not-yet-planned competency with the smallest delta, a tie
    (0 / 0 / 0) settled in competency order: SOS-R (10 JP) -> 20 JP, Rp 0."""
    hand_cohort(cli, tmp_path)
    doc = report_doc(cli, tmp_path / "o", "--budget", "Rp 3.500.000")
    short = [("TEK-B", "gap", False), ("TEK-R", "budget", True), ("SOS-R", "min_jp", True)]
    assert plan_of(doc, A) == plan_of(doc, C) == short
    assert plan_of(doc, B) == [("SOS-B", "gap", True)]
    totals = {p["nip"]: (p["plan_jp"], p["plan_cost"]) for p in doc["people"]}
    assert totals == {A: (20, 0), B: (24, 3_000_000), C: (20, 0)}
    budget = doc["budget"]
    assert (budget["total"], budget["funded"], budget["unfunded"]) == (3_500_000, 3_000_000, 9e6)
    assert budget["people_unfunded"] == 2
    assert budget["per_unit"] == [
        {"unit": "Bappeda", "people": 2, "funded": 0, "unfunded": 9_000_000},
        {"unit": "Dinas Kesehatan", "people": 1, "funded": 3_000_000, "unfunded": 0},
    ]
    # the store keeps the needs: a report without a budget shows them, every row funded
    plain = report_doc(cli, tmp_path / "p")
    assert plain["budget"] is None
    assert plan_of(plain, A) == [("TEK-B", "gap", True)]
    assert all(r["funded"] for p in plain["people"] for r in p["plan"])


def test_budget_ties_go_to_the_lower_nip_and_the_sheet_shows_it(cli, tmp_path):
    """Rp 7.500.000: Ani's TEK-B first (same gap as Citra's, lower NIP), Rp 3.000.000 left:
    Citra's does not fit, Budi's SOS-B does."""
    hand_cohort(cli, tmp_path)
    out = tmp_path / "o"
    doc = report_doc(cli, out, "--budget", "7500000")
    assert plan_of(doc, A) == [("TEK-B", "gap", True)]
    assert plan_of(doc, C)[0] == ("TEK-B", "gap", False)
    assert doc["budget"]["funded"] == 7_500_000
    rows = sheet(out / "talenta-2026.xlsx", "Anggaran Pelatihan")
    head = rows[0]
    assert head[:3] == ["Bagian", "Unit Kerja", "Kode"]
    total = dict(zip(head, rows[1], strict=True))
    assert total["Bagian"] == "Jumlah" and total["Anggaran (Rp)"] == 7_500_000
    assert (total["Didanai (Rp)"], total["Belum Didanai (Rp)"]) == (7_500_000, 4_500_000)
    unfunded = [dict(zip(head, r, strict=True)) for r in rows if r[0] == "Belum didanai"]
    assert [(r["NIP"], r["Nama"], r["Kode"], r["Belum Didanai (Rp)"]) for r in unfunded] == [
        (C, "Citra", "TEK-B", 4_500_000)
    ]
    plans = sheet(out / "talenta-2026.xlsx", "Rencana Pengembangan")
    col = plans[0].index("Didanai")
    assert sorted(r[col] for r in plans[1:] if r[0] == C) == ["Tidak", "Ya", "Ya"]
    csv = (out / "talenta-2026-anggaran.csv").read_text(encoding="utf-8-sig").splitlines()
    assert csv[1].startswith('"total",,,,,,,,7500000,7500000,4500000,1')
    again = tmp_path / "again"
    report_doc(cli, again, "--budget", "7500000")  # same store, rules and budget: same bytes
    for name in ("talenta-2026.json", "talenta-2026-anggaran.csv", "talenta-2026-rencana.csv"):
        assert (out / name).read_bytes() == (again / name).read_bytes(), name


def test_talent_yaml_budget_is_used_and_the_option_wins(cli, tmp_path):
    (tmp_path / "talent.yaml").write_text("budget: 3500000\n", encoding="utf-8")
    hand_cohort(cli, tmp_path)
    assert report_doc(cli, tmp_path / "o")["budget"]["total"] == 3_500_000
    assert report_doc(cli, tmp_path / "p", "--budget", "7.500.000")["budget"]["total"] == 7_500_000
    assert cli("report", "--budget", "banyak").exit_code == 2
    (tmp_path / "talent.yaml").write_text("budget: -5\n", encoding="utf-8")
    assert cli("report").exit_code == 4


def test_run_allocates_talent_yaml_budget(cli, tmp_path):
    ws = tmp_path / "ws"
    assert cli("init", ws, "--cycle", "2026").exit_code == 0
    text = (ws / "talent.yaml").read_text(encoding="utf-8")
    (ws / "talent.yaml").write_text(text + "budget: 3500000\n", encoding="utf-8")
    kin = [["NIP", "Tahun", "Predikat"], *([n, 2025, "Baik"] for n in (A, B, C))]
    write_xlsx(ws / "inbox" / "asesmen-2026.xlsx", [HEADER, *COHORT])
    write_xlsx(ws / "inbox" / "kinerja.xlsx", kin)
    result = Cli(ws)("run", "--config", ws / "talent.yaml", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    doc = json.loads((ws / "laporan" / "talenta-2026.json").read_text(encoding="utf-8"))
    assert doc["budget"]["total"] == 3_500_000 and doc["budget"]["funded"] == 3_000_000


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> tuple[Cli, Path]:
    """The sample cohort imported and classified once for the module."""
    root = tmp_path_factory.mktemp("samples")
    cli = Cli(root)
    for name in ("asesmen-2026.xlsx", "kinerja.xlsx", "formasi-2026.xlsx"):
        shutil.copy(REPO / "samples" / name, root / name)
        assert cli("import", root / name).exit_code == 0
    assert cli("classify", "--cycle", "2026", "--as-of", AS_OF).exit_code in (0, 1)
    return cli, root


def test_samples_with_150_million(samples, monkeypatch):
    """The issue's check: the funded total never exceeds the budget, every classified person
    keeps >= 20 funded JP, and the sums per unit and per programme equal the total."""
    cli, root = samples
    monkeypatch.chdir(root)
    doc = report_doc(cli, root / "anggaran", "--budget", "150.000.000")
    budget = doc["budget"]
    funded = sum(r["cost"] for p in doc["people"] for r in p["plan"] if r["funded"])
    unfunded = sum(r["cost"] for p in doc["people"] for r in p["plan"] if not r["funded"])
    assert budget["total"] == 150_000_000
    assert funded == budget["funded"] <= 150_000_000 and unfunded == budget["unfunded"] > 0
    assert sum(p["plan_cost"] for p in doc["people"]) == funded
    for p in doc["people"]:
        jp = sum(r["jp"] for r in p["plan"] if r["funded"])
        assert jp == p["plan_jp"] >= 20, p["nip"]
    assert sum(u["funded"] for u in budget["per_unit"]) == funded
    assert sum(u["unfunded"] for u in budget["per_unit"]) == unfunded
    assert sum(g["funded"] for g in budget["per_programme"]) == funded
    assert sum(g["unfunded"] for g in budget["per_programme"]) == unfunded
    short = {p["nip"] for p in doc["people"] if any(not r["funded"] for r in p["plan"])}
    assert budget["people_unfunded"] == len(short) > 0


# ------------------------------------------------------------------ the equity view (SPEC §4.11)


def equity_cohort(cli: Cli, tmp_path: Path) -> None:
    """Unit X: 20 people, 10 in the pool (box 9); unit Y: 20 people, 2 in the pool; unit Z:
    5 people, none (below min_group 10). Everyone else box 5. Born 1980: age band 40-49."""
    rows, kin = [HEADER], [["NIP", "Tahun", "Predikat"]]
    for unit, n, pool in (("X", 20, 10), ("Y", 20, 2), ("Z", 5, 0)):
        for i in range(n):
            nip = f"19800101200501{1 + len(rows) % 2}{len(rows):03d}"
            top = i < pool
            scores = [4, 3, 3, 3] if top else [2, 2, 2, 1.5]  # JPM 100 / 83.33
            rows.append([nip, f"Pegawai {len(rows)}", "IV.a", unit, *scores])
            kin.append([nip, 2025, "Sangat Baik" if top else "Baik"])
    cli("import", write_xlsx(tmp_path / "asesmen-2026.xlsx", rows))
    cli("import", write_xlsx(tmp_path / "kinerja.xlsx", kin))
    assert cli("classify", "--cycle", "2026", "--as-of", AS_OF).exit_code == 0


def test_equity_flags_a_group_below_four_fifths_that_fisher_confirms(cli, tmp_path):
    """Y: 2/20 = 0.1 < 0.8 x 0.5 (X, the highest of the groups of >= 10) and Fisher's test of
    [[2, 18], [10, 15]] (Y against X and Z together) gives p = 0.0404 <= 0.05 (test_equity's
    hand-written hypergeometric sum): flagged. Z: 0/5
    is lower still but below min_group: never flagged. X is the reference."""
    equity_cohort(cli, tmp_path)
    out = tmp_path / "o"
    doc = report_doc(cli, out)
    units = {g["group"]: g for g in doc["equity"]["unit"]}
    assert [units[u]["flag"] for u in "XYZ"] == [None, "perlu_ditelaah", None]
    y = units["Y"]
    assert (y["people"], y["talent_pool_rate"], y["promosi_rate"]) == (20, 0.1, 0.1)
    assert y["boxes"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 18, "6": 0, "7": 0, "8": 0, "9": 2}
    assert y["mean_jpm"] == round((2 * 100 + 18 * 83.33) / 20, 2)
    assert y["p_value"] == round(fisher_two_sided(2, 18, 10, 15), 4) == 0.0404
    assert units["Z"]["talent_pool_rate"] == 0.0 and units["Z"]["people"] == 5
    assert [g["group"] for g in doc["equity"]["age_band"]] == ["40-49"]
    assert {g["group"] for g in doc["equity"]["gender"]} == {"Laki-laki", "Perempuan"}
    rows = sheet(out / "talenta-2026.xlsx", "Kesetaraan")
    head = rows[0]
    y_row = dict(zip(head, next(r for r in rows if r[1] == "Y"), strict=True))
    assert y_row["Dimensi"] == "Unit kerja" and y_row["Tanda"].startswith("Perlu ditelaah")
    assert "bukan temuan" in y_row["Tanda"]
    assert y_row["Tingkat Kelompok Rencana Suksesi"] == 0.1
    csv = (out / "talenta-2026-kesetaraan.csv").read_text(encoding="utf-8-sig")
    assert '"unit","Y",20,0,0,0,0,18,0,0,0,2,0.1,0.1,' in csv


def test_the_oldest_band_carries_the_retirement_note(cli, tmp_path):
    """Age bands youngest first; the note sits beside the oldest band (>= 50)."""
    rows = [HEADER]
    kin = [["NIP", "Tahun", "Predikat"]]
    nips = ["197001011995011001", "199801012020012002", "199001012015011003"]  # 56, 28, 36
    for i, nip in enumerate(nips):
        rows.append([nip, f"P{i}", "IV.a", "U", 3, 2, 2, 2])
        kin.append([nip, 2025, "Baik"])
    cli("import", write_xlsx(tmp_path / "asesmen-2026.xlsx", rows))
    cli("import", write_xlsx(tmp_path / "kinerja.xlsx", kin))
    assert cli("classify", "--cycle", "2026", "--as-of", AS_OF).exit_code == 0
    out = tmp_path / "o"
    doc = report_doc(cli, out)
    assert [g["group"] for g in doc["equity"]["age_band"]] == ["< 30", "30-39", ">= 50"]
    rows = sheet(out / "talenta-2026.xlsx", "Kesetaraan")
    notes = {r[1]: r[-1] for r in rows[1:] if r[0] == "Kelompok usia"}
    assert notes["< 30"] == notes["30-39"] == ""
    assert "memang lebih rendah" in notes[">= 50"]


# ------------------------------------------------------------------ what-if (SPEC §4.13)


def rules_with(tmp: Path, name: str, old: str, new: str) -> Path:
    from talentcli.rules import default_rules_path

    text = default_rules_path().read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_compare_one_threshold_changes_exactly_the_people_across_it(samples, tmp_path):
    """Rules B = default but potential `tinggi` from 85 instead of 90: exactly the people whose
    potential score lies in [85, 90) move up a row of the 9-box (3 -> 6, 5 -> 8, 7 -> 9; nobody
    in 1, 2 or 4: those are rendah); nobody else changes box, no JPM category moves.
    The store file is the same bytes afterwards."""
    cli, root = samples
    db = root / "talent.db"
    before = db.read_bytes()
    rules_b = rules_with(
        tmp_path, "tinggi85.yaml", "{code: tinggi, min: 90,", "{code: tinggi, min: 85,"
    )
    doc = json.loads(cli("compare", "--rules", rules_b, "--format", "json").stdout)
    assert db.read_bytes() == before
    run = json.loads(cli("report", "--format", "json", "--out", tmp_path / "r").exit_code == 0
                     and (tmp_path / "r" / "talenta-2026.json").read_text("utf-8"))  # fmt: skip
    across = {p["nip"]: p["box"] for p in run["people"] if 85 <= p["potential_score"] < 90}
    moved = {c["nip"]: (c["old"], c["new"]) for c in doc["changes"] if c["field"] == "box"}
    up_a_row = {3: 6, 5: 8, 7: 9}  # menengah -> tinggi, per performance column (SPEC §4.5)
    assert across and moved == {n: (b, up_a_row[b]) for n, b in across.items()}
    assert doc["changed"]["box"] == len(across) and doc["changed"]["jpm_category"] == 0
    up = {b: sum(1 for v in across.values() if v == b) for b in up_a_row}
    assert {b: doc["box_matrix"][str(b)][str(up_a_row[b])] for b in up} == up
    stay = sum(doc["box_matrix"][str(b)][str(b)] for b in range(1, 10))
    assert stay + len(across) == doc["people"] == len(run["people"])
    assert (doc["rules"]["name"], doc["compare_rules"]["name"]) == ("default.yaml", "tinggi85.yaml")
    assert doc["as_of"] == AS_OF


def test_compare_formats_and_same_rules_change_nothing(samples, tmp_path):
    cli, root = samples
    db = root / "talent.db"
    before = db.read_bytes()
    from talentcli.rules import default_rules_path

    same = json.loads(cli("compare", "--rules", default_rules_path(), "--format", "json").stdout)
    assert same["changes"] == [] and set(same["changed"].values()) == {0}
    seleksi = default_rules_path().with_name("seleksi.yaml")
    doc = json.loads(cli("compare", "--rules", seleksi, "--format", "json").stdout)
    assert doc["changed"]["jpm_category"] == doc["people"]  # other category codes: everyone
    assert doc["changed"]["box"] > 0  # capped per competency: some lose their surplus
    text = cli("compare", "--rules", seleksi).stdout
    assert re.search(rf"^  Kotak Talenta +{doc['changed']['box']}$", text, re.M)
    assert text.startswith("perbandingan: siklus 2026") and " -> " in text
    placed = [x for x in text.splitlines() if "  Penempatan: " in x]  # words, not codes
    assert placed and not any(c in x for x in placed for c in ("promosi ->", "-> mutasi"))
    jpm = [x for x in text.splitlines() if "  Kategori JPM: " in x]
    assert jpm and all(x.endswith("Memenuhi Syarat") for x in jpm)  # the other rules' words
    csv = cli("compare", "--rules", seleksi, "--format", "csv").stdout.splitlines()
    assert csv[0] == "nip,nama,field,old,new" and len(csv) - 1 == sum(doc["changed"].values())
    out = tmp_path / "seleksi.md"
    assert cli("compare", "--rules", seleksi, "--format", "md", "--out", out).exit_code == 0
    md = out.read_text("utf-8")
    assert md.startswith("# Bagaimana jika: aturan seleksi.yaml dibandingkan dengan proses")
    assert "| NIP | Nama | Data | Semula | Menjadi |" in md
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert cli("compare", "--rules", seleksi, "--format", "xml").exit_code == 2
    assert cli("compare", "--rules", tmp_path / "none.yaml").exit_code == 4
    assert db.read_bytes() == before


# ------------------------------------------------------------------ report --per-unit


def test_per_unit_workbooks_with_slugs_collisions_and_no_unit(cli, tmp_path):
    """Units 'Dinas P K' and 'Dinas P&K' (two units, one slug: the second by name gets -2),
    'Dinas Kesehatan' and none (tanpa-unit): one workbook each with only that unit's people,
    the unit's name in the title, the plans of its people."""
    rows = [
        HEADER,
        [A, "Ani", "IV.a", "Dinas P K", 1.5, 2, 2, 2],
        [B, "Budi", "IV.a", "Dinas Kesehatan", 3, 1, 2, 2],
        [C, "Citra", "IV.a", "Dinas P&K", 3, 2, 2, 2],
        ["198001012005011004", "Dodi", "IV.a", None, 3, 2, 2, 2],
    ]
    nips = [r[0] for r in rows[1:]]
    kin = [["NIP", "Tahun", "Predikat"], *([n, 2025, "Baik"] for n in nips)]
    cli("import", write_xlsx(tmp_path / "asesmen-2026.xlsx", rows))
    cli("import", write_xlsx(tmp_path / "kinerja.xlsx", kin))
    assert cli("classify", "--cycle", "2026", "--as-of", AS_OF).exit_code == 0
    out = tmp_path / "o"
    result = cli("report", "--format", "json", "--out", out, "--per-unit")
    assert result.exit_code == 0 and "wrote 4 unit workbooks" in result.output
    books = sorted(p.name for p in (out / "unit").iterdir())
    assert books == [
        "dinas-kesehatan.xlsx", "dinas-p-k-2.xlsx", "dinas-p-k.xlsx", "tanpa-unit.xlsx"
    ]  # fmt: skip
    want = {"dinas-p-k": ("Dinas P K", A), "dinas-p-k-2": ("Dinas P&K", C)}
    want |= {"dinas-kesehatan": ("Dinas Kesehatan", B), "tanpa-unit": ("Tanpa unit", nips[3])}
    for slug, (title, nip) in want.items():
        book = CalamineWorkbook.from_path(str(out / "unit" / f"{slug}.xlsx"))
        assert book.sheet_names == [
            "Ringkasan", "Peta Talenta", "Hasil", "Promosi", "Rotasi", "Mutasi",
            "Tindak Lanjut", "Tetap (Menjelang BUP)", "Rencana Pengembangan",
        ]  # fmt: skip
        assert book.get_sheet_by_name("Ringkasan").to_python()[0][0].endswith(f"— {title}")
        hasil = book.get_sheet_by_name("Hasil").to_python()
        assert [r[0] for r in hasil[1:]] == [nip], slug
        plans = book.get_sheet_by_name("Rencana Pengembangan").to_python()
        end = next(i for i, r in enumerate(plans) if not any(r))  # the signature block follows
        assert {r[0] for r in plans[1:end]} == {nip}
    assert oct((out / "unit" / "dinas-p-k.xlsx").stat().st_mode & 0o777) == "0o600"
    # a unit gone from the run takes its workbook with it; without --per-unit none is touched
    (out / "unit" / "old-unit.xlsx").write_bytes(b"x")
    assert cli("report", "--format", "json", "--out", out).exit_code == 0
    assert (out / "unit" / "old-unit.xlsx").exists()
    assert cli("report", "--format", "json", "--out", out, "--per-unit").exit_code == 0
    assert not (out / "unit" / "old-unit.xlsx").exists()


def test_equity_is_made_from_the_real_nips_before_pseudonymisation(cli, tmp_path):
    """Gender and age come from NIP digits: a pseudonymised report shows the same view."""
    equity_cohort(cli, tmp_path)
    key = tmp_path / "pseudonym.key"
    key.write_bytes(b"k" * 32)
    key.chmod(0o600)
    plain = report_doc(cli, tmp_path / "o")
    hidden = report_doc(cli, tmp_path / "p", "--pseudonymize", str(key))
    assert hidden["people"][0]["nip"] not in {p["nip"] for p in plain["people"]}
    assert hidden["equity"] == plain["equity"]
    assert {g["group"] for g in hidden["equity"]["gender"]} == {"Laki-laki", "Perempuan"}


def test_the_printed_plan_marks_the_rows_the_budget_does_not_fund(cli, tmp_path):
    """The individual plan page is the one that gets signed: under Rp 3.500.000 (as above)
    Ani's TEK-B row is marked not funded and the total says it counts the funded rows."""
    import re

    from talentcli.report.html_report import plan_path

    hand_cohort(cli, tmp_path)
    out = tmp_path / "o"
    assert cli("report", "--format", "html", "--out", out, "--budget", "3500000").exit_code == 0
    page = (out / plan_path(A)).read_text(encoding="utf-8")
    rows = re.findall(r"<tr( class=\"unfunded\")?><td class=\"n\">\d+</td><td class=\"nw\">"
                      r"([A-Z-]+)</td>", page)  # fmt: skip
    assert rows == [(' class="unfunded"', "TEK-B"), ("", "TEK-R"), ("", "SOS-R")]
    assert page.count("belum didanai") == 1
    foot = re.search(r"<tfoot><tr><td colspan=\"5\">([^<]+)</td><td class=\"n\">([^<]+)</td>"
                     r"<td class=\"n\">([^<]+)</td>", page)  # fmt: skip
    assert foot.groups() == ("Jumlah yang didanai", "20", "0")
    plain = tmp_path / "p"
    assert cli("report", "--format", "html", "--out", plain).exit_code == 0
    page = (plain / plan_path(A)).read_text(encoding="utf-8")
    assert '<tr class="unfunded">' not in page and "belum didanai" not in page
    assert '<tfoot><tr><td colspan="5">Jumlah</td>' in page


def test_the_md_summary_gives_the_budget_line(cli, tmp_path):
    """Rp 3.500.000 over the hand cohort (as above): Rp 3.000.000 funded, Ani's and Citra's
    TEK-B (2 x Rp 4.500.000) not; no budget, no line."""
    hand_cohort(cli, tmp_path)
    out = tmp_path / "o"
    assert cli("report", "--format", "md", "--out", out, "--budget", "3500000").exit_code == 0
    md = (out / "talenta-2026.md").read_text(encoding="utf-8")
    want = "- Anggaran pelatihan: Rp3.500.000; didanai Rp3.000.000, belum didanai Rp9.000.000"
    want += " (2 pegawai)"
    assert want in md.splitlines()
    assert cli("report", "--format", "md", "--out", tmp_path / "p").exit_code == 0
    assert "Anggaran pelatihan" not in (tmp_path / "p" / "talenta-2026.md").read_text("utf-8")
