"""The HTML report end to end: import -> classify -> report --format html (SPEC §5)."""

from __future__ import annotations

import dataclasses
import json
import re
import stat
from html.parser import HTMLParser
from pathlib import Path

import pytest

from talentcli.model import Instansi, Signatory
from talentcli.pipeline import load_run
from talentcli.report import RECORD
from talentcli.report.html_report import SCRIPT as TABLES_JS
from talentcli.report.html_report import plan_path, render_pages, unit_slugs
from talentcli.store import Store
from tests.conftest import Cli, asesmen_rows, person, write_xlsx

HIGH, MID, LOW = (3, 2, 2, 2), (3, 2, 1.5, 1.5), (2, 1.5, 1.5, 1.5)  # JPM 100, 88.9, 72.2
SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("x")'
# i -> (scores, predikat or None = no kinerja, name or None)
COHORT = {
    1: (HIGH, "Sangat Baik", None),  # box 9
    2: (HIGH, "Baik", None),  # box 8
    3: (MID, "Butuh Perbaikan", None),  # box 3: BKK in the plan
    4: (LOW, "Kurang", None),  # box 1
    5: (MID, "Sangat Baik", SCRIPT),  # box 7
    6: (LOW, "Baik", FORMULA),  # box 2
    7: (HIGH, None, None),  # no performance: incomplete
    8: (HIGH, "Sangat Baik", "Siti & Rekan"),  # box 9
}

FORMASI = [
    ["Kode Jabatan", "Nama Jabatan", "Unit Kerja", "Jenjang Jabatan", "Jumlah"],
    ["F-01", "Kepala Bagian Umum", "Setda", "III.a", 1],  # pengawas in the pool promote to it
    ["F-02", "Perencana Ahli Madya", "Bappeda", "JF Ahli Madya", 1],  # nobody promotes to it
]


def nip(i: int) -> str:
    return person(i)[1]


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with the cohort classified and the html, json and English html reports."""
    root = tmp_path_factory.mktemp("ws")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        mp.delenv("TALENTCLI_DB", raising=False)
        cli = Cli(root)
        rows = []
        for i, (scores, _, name) in COHORT.items():
            row = person(i, scores=scores)
            row[2] = name or row[2]
            rows.append(row)
        kinerja = [["DATA KINERJA"], None, ["NIP", "Nama", "Tahun", "Predikat Kinerja"]]
        kinerja += [[nip(i), "x", 2025, p] for i, (_, p, _) in COHORT.items() if p]
        asesmen = write_xlsx(root / "asesmen-2026.xlsx", asesmen_rows(rows))
        ratings = write_xlsx(root / "kinerja.xlsx", kinerja, sheet="Kinerja")
        formasi = write_xlsx(root / "formasi-2026.xlsx", FORMASI, sheet="Formasi")
        for args in (
            ("import", asesmen, ratings, formasi),
            ("classify", "--cycle", "2026", "--as-of", "2026-01-01"),
        ):
            result = cli(*args)
            assert result.exit_code in (0, 1), result.output
        for fmt, out, lang in (
            ("json", "json", "id"),
            ("html", "html", "id"),
            ("html", "en", "en"),
        ):
            result = cli("report", "--format", fmt, "--out", root / out, "--lang", lang)
            assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module")
def doc(ws: Path) -> dict:
    return json.loads((ws / "json" / "talenta-2026.json").read_text(encoding="utf-8"))


class Page(HTMLParser):
    """Links, the 9-box cells (data-box, data-count, links inside) and table cell texts."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []  # every src= and href=
        self.cells: dict[int, dict] = {}
        self.tables: dict[str, list[list[str]]] = {}
        self._box: int | None = None
        self._depth = 0
        self._table: str | None = None
        self._cell: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        self.refs += [v for k, v in attrs if k in ("src", "href") and v]
        if tag == "td" and "data-box" in a:
            self._box, self._depth = int(a["data-box"]), 0
            self.cells[self._box] = {"count": int(a["data-count"]), "links": []}
        elif tag == "td" and self._box is not None:
            self._depth += 1
        if tag == "a" and self._box is not None:
            self.cells[self._box]["links"].append(a["href"])
        if tag == "table" and (a.get("id") or a.get("class")):
            self._table = a.get("id") or a["class"]
            self.tables.setdefault(self._table, [])
        if tag == "tr" and self._table:
            self.tables[self._table].append([])
        if tag in ("td", "th") and self._table:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._box is not None:
            if self._depth == 0:
                self._box = None
            else:
                self._depth -= 1
        if tag in ("td", "th") and self._cell is not None and self._table:
            self.tables[self._table][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        if tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def page(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def test_index_9box_counts_and_names_match_the_json(ws: Path, doc: dict) -> None:
    index = page(ws / "html" / "index.html")
    assert {str(b): c["count"] for b, c in index.cells.items()} == doc["summary"]["boxes"]
    for p in doc["people"]:
        assert f"rencana/{p['nip']}.html" in index.cells[p["box"]]["links"]
    text = (ws / "html" / "index.html").read_text(encoding="utf-8")
    assert "Pemetaan Talenta ASN" in text and "1 Januari 2026" in text
    for f in doc["inputs"]:  # traceability footer
        assert f["file"] in text and f["sha256"] in text
    assert doc["rules"]["sha256"] in text and "talentcli " + doc["tool"]["version"] in text


def test_index_lists_placements_and_incomplete(ws: Path, doc: dict) -> None:
    text = (ws / "html" / "index.html").read_text(encoding="utf-8")
    for section in ("promosi", "rotasi", "mutasi", "tindak_lanjut", "suksesi", "kandidat"):
        assert f'id="{section}"' in text
    tables = page(ws / "html" / "index.html").tables
    incomplete = [r for r in tables["tbl-tidak_lengkap"] if r and r[0].isdigit()]
    assert [(r[1], r[3]) for r in incomplete] == [(nip(7), "Tidak ada nilai kinerja")]


def test_vacancy_candidates_grouped_per_vacancy(ws: Path, doc: dict) -> None:
    rows = page(ws / "html" / "index.html").tables["tbl-kandidat"]
    f01 = next(v for v in doc["vacancies"] if v["code"] == "F-01")
    assert len(f01["candidates"]) == 3
    groups = [r[0] for r in rows if len(r) == 1]
    assert groups[0].startswith("F-01 · Kepala Bagian Umum · Setda")
    assert (
        groups[1].startswith("F-02")
        and groups[2] == "Belum ada kandidat dari Kelompok Rencana Suksesi."
    )
    ranked = [(r[0], r[1]) for r in rows if len(r) > 1 and r[0].isdigit()]
    assert ranked == [(str(c["rank"]), c["nip"]) for c in f01["candidates"]]


def test_no_formasi_gives_an_empty_candidate_list(ws: Path) -> None:
    store = Store(ws / "talent.db")
    try:
        data = load_run(store, "2026")
    finally:
        store.close()
    data.vacancies = data.vacancies.iloc[0:0]
    index = render_pages(data)["index.html"]
    assert 'id="kandidat"' in index and "Tidak ada data." in index


def test_one_plan_page_per_classified_person(ws: Path, doc: dict) -> None:
    pages = {p.name for p in (ws / "html" / "rencana").iterdir() if p.name[0].isdigit()}
    assert pages == {f"{p['nip']}.html" for p in doc["people"]}
    assert f"{nip(7)}.html" not in pages and doc["incomplete"][0]["nip"] == nip(7)
    temp = [p for p in (ws / "html").iterdir() if p.name.startswith(".") and p.name != RECORD]
    assert not temp  # no temp left (the record of the run shown is kept)


def test_user_values_are_escaped(ws: Path) -> None:
    for folder in ("html", "en"):
        files = [ws / folder / "index.html", *(ws / folder / "rencana").iterdir()]
        for f in files:
            text = f.read_text(encoding="utf-8").replace(f"<script>{TABLES_JS}</script>", "")
            assert "<script" not in text.lower(), f  # none from data; ours is the only one
            assert '"x")' not in text, f
        index = (ws / folder / "index.html").read_text(encoding="utf-8")
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index
        assert "=HYPERLINK(&#34;x&#34;)" in index
        assert "Siti &amp; Rekan" in index
    plan = (ws / "html" / "rencana" / f"{nip(5)}.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in plan


def test_no_external_references(ws: Path) -> None:
    for f in sorted((ws / "html").rglob("*.html")):  # index, rencana/, daftar/
        text = f.read_text(encoding="utf-8")
        refs = Page(text).refs
        assert refs, f
        assert not [r for r in refs if re.match(r"(?i)^\s*(https?:)?//", r)], f
        assert not re.search(r"(?i)@import|url\(\s*['\"]?(https?:)?//", text), f
        assert not re.search(r"(?i)<(link|img|iframe|object|embed)\b", text), f


def test_files_are_owner_only(ws: Path) -> None:
    html = ws / "html"
    files = [html / "index.html", *(html / "rencana").iterdir()]
    assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {0o600}
    assert stat.S_IMODE((html / "rencana").stat().st_mode) == 0o700


def test_plan_page_matches_the_json_plan(ws: Path, doc: dict) -> None:
    for p in doc["people"]:
        tables = page(ws / "html" / "rencana" / f"{p['nip']}.html").tables
        rows = tables["grid prog"]
        body, total = rows[1:-1], rows[-1]
        assert [r[1] for r in body] == [x["code"] for x in p["plan"]]
        assert [int(r[5]) for r in body] == [x["jp"] for x in p["plan"]]
        assert [r[6] for r in body] == [f"{x['cost']:,}".replace(",", ".") for x in p["plan"]]
        assert int(total[1]) == p["plan_jp"] == sum(x["jp"] for x in p["plan"]) >= 20
        comps = tables["grid comps"][1:]
        assert [r[3] for r in comps] == [f"{v:.2f}".replace(".", ",") for v in p["scores"].values()]
    box3 = next(p for p in doc["people"] if p["box"] == 3)
    text = (ws / "html" / "rencana" / f"{box3['nip']}.html").read_text(encoding="utf-8")
    assert "BKK" in text and "Bimbingan dan Konseling Kinerja" in text
    assert "Pegawai yang bersangkutan" in text and "Mengetahui," in text


def test_dates_read_in_the_long_form(ws: Path, doc: dict) -> None:
    """SPEC §5 'one date': every classified person here is a pengawas (IV.a) born 1 January
    1980 (NIP 19800101...): 58 in January 2038, TMT pensiun 1 February 2038. The JSON keeps
    ISO (a machine output); the plan pages write it as as_of is written."""
    assert {p["retirement_date"] for p in doc["people"]} == {"2038-02-01"}
    for folder, key, want in (
        ("html", "TMT Pensiun (perkiraan)", "1 Februari 2038"),
        ("en", "Retirement date (estimated)", "1 February 2038"),
    ):
        for p in doc["people"]:
            kv = page(ws / folder / "rencana" / f"{p['nip']}.html").tables["kv"]
            assert {r[0]: r[-1] for r in kv if len(r) == 3}[key] == want, (folder, p["nip"])


def test_movement_without_a_previous_cycle_is_one_line(ws: Path, doc: dict) -> None:
    """One cycle (SPEC §4.10): the Pergerakan Talenta section stays, as one line; no matrix
    of zeros and no list of everybody as Baru (the JSON still has a movement per person)."""
    assert {p["movement"] for p in doc["people"]} == {"baru"}
    for folder, note in (
        ("html", "Belum ada siklus sebelumnya untuk dibandingkan: pergerakan dihitung mulai "
         "siklus berikutnya."),
        ("en", "No previous cycle to compare with: movement is counted from the next cycle on."),
    ):  # fmt: skip
        index = (ws / folder / "index.html").read_text(encoding="utf-8")
        at = index.index('<section class="list" id="pergerakan"')
        section = index[at : index.index("</section>", at)]
        assert f'<p class="note">{note}</p>' in section and "<table" not in section
        assert 'id="matriks"' not in index and "tbl-pergerakan" not in index
    kv = page(ws / "html" / "rencana" / f"{nip(1)}.html").tables["kv"]
    assert {r[0]: r[-1] for r in kv if len(r) == 3}["Siklus Sebelumnya"] == (
        "Belum ada siklus sebelumnya"  # not 'Baru: tidak terpetakan pada siklus sebelumnya'
    )


def test_english_headings(ws: Path, doc: dict) -> None:
    index = (ws / "en" / "index.html").read_text(encoding="utf-8")
    assert "ASN Talent Mapping" in index and "Talent Map" in index and "Summary" in index
    assert "Pemetaan Talenta ASN" not in index
    plan = (ws / "en" / "rencana" / f"{doc['people'][0]['nip']}.html").read_text(encoding="utf-8")
    assert "Individual Development Plan" in plan and "Development Programmes" in plan
    assert "Rencana Pengembangan Kompetensi Individu" not in plan


def test_a_new_report_replaces_stale_plan_pages(ws: Path, tmp_path: Path) -> None:
    stale = ws / "html" / "rencana" / "199901012020121001.html"
    stale.write_text("old", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ws)
        result = Cli(ws)("report", "--format", "html", "--out", ws / "html")
    assert result.exit_code == 0, result.output
    assert not stale.exists()


@pytest.mark.parametrize(
    "bad",
    [
        "../../etc/passwd",
        "19800101200501100",
        "１９８００１０１２００５０１１００１",
        "1980010120050110x1",
    ],
)
def test_plan_path_takes_only_an_18_digit_nip(bad: str) -> None:
    with pytest.raises(ValueError):
        plan_path(bad)
    assert plan_path("198001012005011001") == "rencana/198001012005011001.html"


def test_the_inline_script_is_the_one_the_content_security_policy_allows(ws: Path) -> None:
    import base64
    import hashlib

    for f in [ws / "html" / "index.html", *(ws / "html" / "rencana").iterdir()]:
        text = f.read_text(encoding="utf-8")
        policy = re.search(r'Content-Security-Policy" content="([^"]+)"', text).group(1)
        allowed = re.search(r"script-src '(sha256-[^']+)'", policy).group(1)
        scripts = re.findall(r"<script>(.*?)</script>", text, flags=re.S)
        assert len(scripts) == (1 if f.name == "index.html" else 0), f  # plans need none
        if not scripts:
            continue
        digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
        assert allowed == f"sha256-{digest}", f
        assert "unsafe-inline" not in policy.split("script-src")[1], f


def test_every_plan_in_one_print_document_and_one_per_unit(ws: Path, doc: dict) -> None:
    folder = ws / "html" / "rencana"
    every = (folder / "semua.html").read_text(encoding="utf-8")
    assert every.count('<article class="sheet">') == len(doc["people"])
    units = sorted(folder.glob("unit-*.html"))
    per_unit = sum(u.read_text(encoding="utf-8").count('<article class="sheet">') for u in units)
    assert per_unit == len(doc["people"]) and units
    index = (ws / "html" / "index.html").read_text(encoding="utf-8")
    assert 'href="rencana/semua.html"' in index
    assert all(f'href="rencana/{u.name}"' in index for u in units)


def test_a_long_list_gets_its_own_page(ws: Path, monkeypatch) -> None:
    from talentcli.report import html_report

    store = Store(ws / "talent.db")
    try:
        data = load_run(store, "2026")
    finally:
        store.close()
    monkeypatch.setattr(html_report, "OWN_PAGE_ROWS", 2)
    pages = render_pages(data)
    own = [rel for rel in pages if rel.startswith("daftar/")]
    assert own, "no list was long enough: the cohort has lists of more than 2 rows"
    for rel in own:
        assert f'href="{rel}"' in pages["index.html"]
        code = rel.removeprefix("daftar/").removesuffix(".html")
        assert f'id="tbl-{code}"' in pages[rel] and f'id="tbl-{code}"' not in pages["index.html"]


def test_unit_slugs_are_ascii_and_never_collide() -> None:
    got = unit_slugs(
        ["Dinas Pendidikan", "DINAS PENDIDIKAN!", "Kecamatan Cikandé", "", "dinas-pendidikan"]
    )
    assert got == {
        "Dinas Pendidikan": "dinas-pendidikan",
        "DINAS PENDIDIKAN!": "dinas-pendidikan-2",
        "Kecamatan Cikandé": "kecamatan-cikande",
        "": "tanpa-unit",
        "dinas-pendidikan": "dinas-pendidikan-3",
    }


def test_index_draws_the_charts_as_inline_svg(ws: Path, doc: dict) -> None:
    """SPEC §5: the 9-box counts, the JPM distribution, gaps per competency, the programmes
    and boxes per unit as inline SVG (no script, no file), their numbers the cohort's."""
    text = (ws / "html" / "index.html").read_text(encoding="utf-8")
    svgs = re.findall(r"<svg\b.*?</svg>", text, re.S)
    titles = [re.search(r"<title>([^<]*)</title>", s).group(1) for s in svgs]
    assert titles == [
        "Sebaran Kotak Talenta",
        "Sebaran JPM",
        "Kesenjangan per Kompetensi",
        "Program Pengembangan: Peserta, JP dan Biaya",
        "Kotak Talenta per Unit Kerja",
    ]
    bars = re.findall(r"<rect [^>]*><title>Kotak (\d): (\d+)</title>", svgs[0])
    assert {int(b): int(n) for b, n in bars} == {
        int(k): v for k, v in doc["summary"]["boxes"].items()
    }
    per_box = re.findall(r"<title>[^<]* · Kotak (\d): (\d+)</title>", svgs[4])
    assert sum(int(n) for _, n in per_box) == len(doc["people"])
    rows = page(ws / "html" / "index.html").tables["programmes"]  # the planners' table
    want: dict[str, list] = {}
    for p in doc["people"]:
        for r in p["plan"]:
            got = want.setdefault(r["code"], [set(), 0, 0])
            got[0].add(p["nip"])
            got[1] += r["jp"]
            got[2] += r["cost"]
    body = {r[0]: r[2:] for r in rows[1:-1]}
    assert body == {
        code: [f"{len(n):,}".replace(",", "."), f"{jp:,}".replace(",", "."),
               f"{cost:,}".replace(",", ".")]
        for code, (n, jp, cost) in want.items()
    }  # fmt: skip


# ------------------------------------------------------------------ the agency's words (SPEC §5)

SIGNED = Instansi(
    nama="Pemerintah Kota Contoh",
    kota="Kota Contoh",
    penandatangan=Signatory("Sekretaris Daerah", "Dra. Contoh Nama, M.Si.", "197001011995032001"),
)


def _pages_for(ws: Path, instansi: Instansi, lang: str = "id") -> dict[str, str]:
    store = Store(ws / "talent.db")
    try:
        data = dataclasses.replace(load_run(store, "2026"), instansi=instansi)
    finally:
        store.close()
    return render_pages(data, lang)


def _masthead(index: str) -> str:
    return re.search(r'<header class="masthead">(.*?)</header>', index, re.S).group(1)


def _signer(plan: str) -> list[str]:
    """The texts of the plan page's third signature column (Mengetahui, the head)."""
    sign = re.search(r'<section class="sign">(.*?)</section>', plan, re.S).group(1)
    col = re.findall(r'<div><div class="role">(.*?)</div></div>', sign)[2]
    return [" ".join(re.sub(r"<br>", " ", t).split()) for t in re.split(r"</div><div[^>]*>", col)]


def test_html_header_and_plan_signature_come_from_talent_yaml(ws: Path, doc: dict) -> None:
    pages = _pages_for(ws, SIGNED)
    assert '<div class="gov">Pemerintah Kota Contoh</div>' in _masthead(pages["index.html"])
    plans = [t for rel, t in pages.items() if rel.startswith("rencana/")]
    assert len(plans) > len(doc["people"])  # a page each, semua.html and one per unit
    for plan in plans:
        kops = re.findall(
            r'<header class="kop">\s*<div class="gov">([^<]*)</div>\s*</header>', plan
        )
        assert kops and set(kops) == {"Pemerintah Kota Contoh"}
        assert plan.count('<section class="sign">') == len(kops)  # one per plan in the file
    one = pages[plan_path(doc["people"][0]["nip"])]
    assert _signer(one) == [
        "Mengetahui, Sekretaris Daerah,",
        "",
        "Dra. Contoh Nama, M.Si.",
        "NIP. 19700101 199503 2 001",
    ]
    assert "Kota Contoh, ....." in one
    for text in pages.values():
        assert "BKPSDM" not in text and "Badan Kepegawaian" not in text


def test_html_without_instansi_leaves_lines_to_fill_in(ws: Path, doc: dict) -> None:
    for lang, known in (("id", "Mengetahui,"), ("en", "Acknowledged,")):
        pages = _pages_for(ws, Instansi(), lang)
        head = _masthead(pages["index.html"])
        assert 'class="gov"' not in head and "·" not in head.split("<h1>")[0]  # no dangling dot
        one = pages[plan_path(doc["people"][0]["nip"])]
        assert '<header class="kop">' not in one
        assert _signer(one) == [f"{known} {'.' * 30},", "", "", f"NIP. {'.' * 30}"]
        for text in pages.values():
            assert "BKPSDM" not in text and "Badan Kepegawaian" not in text
    signed = Instansi(penandatangan=Signatory(jabatan="Kepala Dinas", nip="12/345"))
    one = _pages_for(ws, signed)[plan_path(doc["people"][0]["nip"])]
    assert _signer(one) == ["Mengetahui, Kepala Dinas,", "", "", "NIP. 12/345"]  # as written
