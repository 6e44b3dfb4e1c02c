"""HTML report: index.html (summary, 9-box, lists) and one printable plan page per person.

Templates and the one stylesheet live in talentcli/data/templates and are compiled once;
every value is autoescaped. Data is turned into plain dicts and strings once, so the
hundreds of plan pages render without a pandas call each. The pages reference nothing
outside themselves (no CDN, fonts or scripts): the agency may be offline.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import math
import os
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pandas as pd
from markupsafe import Markup

from talentcli import __version__
from talentcli.engine.history import directions
from talentcli.model import RunData, Signatory
from talentcli.progress import tick
from talentcli.report import lists, svg
from talentcli.report.labels import (
    CALIBRATED_LEGEND,
    HEADERS,
    SHEETS,
    Labels,
    box_grid,
    long_date,
    number,
)
from talentcli.report.xlsx_report import BOX_COLOURS
from talentcli.rules import PERFORMANCE_LEVELS, Rules
from talentcli.safety import private_dir
from talentcli.units import unit_names

# colour group per box, as the regulation's matrix is usually drawn (9 dark green ... 1 red)
TONES = {9: "t9", 8: "t8", 7: "t8", 6: "t5", 5: "t5", 4: "t5", 3: "t3", 2: "t3", 1: "t1"}
# the lists of index.html in page order (lists.LISTS codes; "tetap" = near retirement, boxes 7-9)
INDEX_LISTS = ("promosi", "rotasi", "mutasi", "tindak_lanjut", "tetap", "suksesi", "kandidat",
               "tidak_lengkap", "kalibrasi", "pergerakan", "anggaran", "kesetaraan")  # fmt: skip
# right-aligned list columns
NUMERIC = {"jpm", "fit", "box", "rank", "jumlah", "jp", "cost", "plan_jp", "plan_cost", "count",
           "people", "seq", "box_computed", "previous_box", "previous_jpm",
           *lists.PLACEMENT_LISTS}  # fmt: skip
MONEY = {"budget", "funded_cost", "unfunded_cost"}  # Anggaran Pelatihan: rupiah, thousands
RATES = {"talent_pool_rate", "promosi_rate", "p_value"}  # Kesetaraan: fractions, 4 decimals
NUMERIC |= MONEY | RATES | {"people_unfunded", "mean_jpm", *(f"box_{b}" for b in range(1, 10))}
# free text from the input files: shown as is, never looked up as a code
FREE_TEXT = {"nip", "nama", "jabatan", "unit", "golongan", "kode", "vacancy_jabatan",
             "vacancy_unit"}  # fmt: skip
VACANCY_COLS = ("kode", "vacancy_jabatan", "vacancy_unit", "vacancy_level", "jumlah")
VACANCY_COLS += ("pool", "excluded", "empty_reason")  # SPEC §4.7: shown in the group row
FILTERS = {"unit", "box", "job_level"}  # columns with a filter on the page (SPEC §5)
OWN_PAGE_ROWS = 2000  # a longer list gets a page of its own: the index stays small at 100k
PRINT_ALL_MAX = 2000  # up to this many people, rencana/semua.html holds every plan
DOTS = "." * 30  # a line to fill in by hand on a printed page
SCRIPT = (Path(__file__).parent.parent / "data" / "templates" / "tables.js").read_text("utf-8")
SCRIPT_HASH = "sha256-" + base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()

TEXT = {
    "title": ("Pemetaan Talenta ASN", "ASN Talent Mapping"),
    "cycle": ("Siklus", "Cycle"),
    "as_of": ("Per tanggal", "As of"),
    "contents": ("Isi", "Contents"),
    "people": ("Pegawai dalam siklus", "People in the cycle"),
    "classified": ("Terpetakan", "Mapped"),
    "incomplete": ("Data tidak lengkap", "Incomplete data"),
    "pool": ("Kelompok Rencana Suksesi", "Succession pool"),
    "by_placement": ("Per penempatan", "By placement"),
    "by_jpm": ("Per kategori JPM", "By JPM category"),
    "by_unit": ("Per unit kerja", "By unit"),
    "total": ("Jumlah", "Total"),
    "total_funded": ("Jumlah yang didanai", "Funded total"),
    "unfunded": ("belum didanai", "not funded"),
    "box": ("Kotak", "Box"),
    "persons": ("orang", "people"),
    "nobody": ("Tidak ada", "Nobody"),
    "none_listed": ("Tidak ada data.", "Nothing to list."),
    "grid_note": (
        "Klik nama untuk membuka rencana pengembangan individunya. Dalam tiap kotak: urut "
        "JPM tertinggi lebih dulu; angka di belakang nama = JPM (%).",
        "Click a name to open the person's development plan. Within a box: highest JPM "
        "first; the number after a name is the JPM (%).",
    ),
    "grid_print": (
        "Nama pegawai per kotak: lihat daftar Promosi, Rotasi, Mutasi, Tindak Lanjut dan Tetap "
        "(dikelompokkan per kotak).",
        "Names per box: see the Promotion, Rotation, Transfer, Follow-up and Stays lists "
        "(grouped by box).",
    ),
    "no_candidates": (
        "Belum ada kandidat dari Kelompok Rencana Suksesi.",
        "No candidate in the pool.",
    ),
    "total_jp": ("Total JP rencana pengembangan", "Total JP of the plans"),
    "total_cost": ("Total biaya rencana (Rp)", "Total cost of the plans (Rp)"),
    "trace": ("Ketertelusuran", "Traceability"),
    "tool": ("Aplikasi", "Tool"),
    "run": ("Proses klasifikasi", "Classification run"),
    "rules": ("Berkas aturan", "Rules file"),
    "inputs": ("Berkas masukan", "Input files"),
    "file": ("Berkas", "File"),
    "kind": ("Jenis", "Kind"),
    "rows": (
        "Baris dibaca / diterima / ditolak / dilewati",
        "Rows read / accepted / rejected / skipped",
    ),
    "plan_title": ("Rencana Pengembangan Kompetensi Individu", "Individual Development Plan"),
    "year": ("Tahun", "Year"),
    "identity": ("Identitas Pegawai", "Employee"),
    "assessment": ("Hasil Asesmen Kompetensi", "Competency Assessment"),
    "mapping": ("Hasil Pemetaan Talenta", "Talent Mapping Result"),
    "programmes": ("Program Pengembangan Kompetensi", "Development Programmes"),
    "min_jp": (
        "Paling sedikit {n} JP setahun (PP 11/2017 pasal 203 ayat 4).",
        "At least {n} JP a year (PP 11/2017 art. 203(4)).",
    ),
    "score_of": ("skor", "score"),
    "year_of": ("tahun", "year"),
    "none": ("—", "—"),
    "back": ("← Kembali ke ringkasan", "← Back to the summary"),
    "place_date": ("{kota}, ........................ 20....",) * 2,
    "employee": ("Pegawai yang bersangkutan", "Employee"),
    "supervisor": ("Atasan langsung", "Direct supervisor"),
    "known": ("Mengetahui,", "Acknowledged,"),
    "agreed": ("Menyetujui,", "Approved,"),
    "search": ("Cari nama, NIP, unit ...", "Search name, NIP, unit ..."),
    "all": ("semua", "all"),
    "own_page": (
        "Daftar ini panjang: buka di halamannya sendiri",
        "A long list: open its own page",
    ),
    "print_plans": ("Cetak rencana pengembangan", "Print development plans"),
    "all_plans": (
        "Semua rencana dalam satu dokumen (satu halaman A4 per pegawai)",
        "Every plan in one document (one A4 page per person)",
    ),
    "charts": ("Grafik", "Charts"),
    "calibration": ("Kalibrasi", "Calibration"),
    "previous_none": (
        "Baru: tidak terpetakan pada siklus sebelumnya",
        "New: not mapped in the previous cycle",
    ),
    "previous_first": ("Belum ada siklus sebelumnya", "No previous cycle yet"),
    "footer": (
        "Dibuat dengan talentcli {v} dari proses {run} (aturan {rules}, SHA-256 {sha}).",
        "Made with talentcli {v} from run {run} (rules {rules}, SHA-256 {sha}).",
    ),
}


# ------------------------------------------------------------------ entry point


def write(data: RunData, out: Path, lang: str = "id") -> list[Path]:
    """Write index.html and rencana/<nip>.html (owner-only); swap them in as a whole.

    Returns index.html and the rencana folder (not 800 file names for the terminal).
    """
    pages = render_pages(data, lang)
    _swap_in(out, pages)
    return [out / "index.html", out / "rencana"]


def render_pages(data: RunData, lang: str = "id") -> dict[str, str]:
    """Relative path -> HTML text of every page of the report."""
    env = environment()
    fmt = Fmt(Labels(data.rules, lang), data.rules)
    people = _people(data, fmt)
    common = _common(data, fmt, env)
    parts = _index(data, fmt, people)
    pages = {}
    listing = env.get_template("list.html")
    for tb in parts["tables"]:
        if len(tb["rows"]) > OWN_PAGE_ROWS:
            tb["page"] = f"daftar/{tb['code']}.html"
            pages[tb["page"]] = listing.render(**common, tb=tb)
    parts.update(_print_pages(people, env, common, fmt, pages))
    pages["index.html"] = env.get_template("index.html").render(**common, **parts)
    plan = env.get_template("plan.html")
    for i, p in enumerate(people, 1):
        pages[plan_path(p.nip)] = plan.render(**common, p=p)
        if i % 1000 == 0 or i == len(people):
            tick("html", i, len(people), "pages")
    return pages


def _print_pages(
    people: list[SimpleNamespace], env: jinja2.Environment, common: dict, fmt: Fmt, pages: dict
) -> dict:
    """rencana/semua.html (up to PRINT_ALL_MAX people) and rencana/unit-<slug>.html: every plan
    of the cohort or of a unit in one document, one A4 page each, for one print job."""
    many = env.get_template("plans.html")
    out: dict = {"plans_all": None, "plans_units": []}
    if len(people) <= PRINT_ALL_MAX:
        pages["rencana/semua.html"] = many.render(**common, ps=people, heading=fmt.t("all"))
        out["plans_all"] = "rencana/semua.html"
    by_unit: dict[str, list[SimpleNamespace]] = {}
    for p in people:
        by_unit.setdefault(p.unit_name, []).append(p)
    for name, slug in unit_slugs(list(by_unit)).items():
        rel = f"rencana/unit-{slug}.html"
        pages[rel] = many.render(**common, ps=by_unit[name], heading=name or fmt.dash)
        out["plans_units"].append((name or fmt.dash, rel, len(by_unit[name])))
    return out


def unit_slugs(units: list[str]) -> dict[str, str]:
    """A file-name slug per unit: ASCII lower case, other characters '-', 'tanpa-unit' for
    none; slugs that collide get -2, -3 (SPEC §5)."""
    out: dict[str, str] = {}
    seen: dict[str, int] = {}
    for unit in units:
        ascii_ = unicodedata.normalize("NFKD", unit or "").encode("ascii", "ignore").decode()
        slug = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-") or "tanpa-unit"
        seen[slug] = seen.get(slug, 0) + 1
        out[unit] = slug if seen[slug] == 1 else f"{slug}-{seen[slug]}"
    return out


@functools.cache
def environment() -> jinja2.Environment:
    """The template environment (autoescaped; templates from the package folder).

    One per process, so each template is compiled once however many reports are written.
    """
    return jinja2.Environment(
        loader=jinja2.PackageLoader("talentcli", "data/templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,
    )


def plan_path(nip: str) -> str:
    """rencana/<nip>.html for a validated NIP (18 ASCII digits), else ValueError."""
    if not (isinstance(nip, str) and nip.isascii() and nip.isdigit() and len(nip) == 18):
        raise ValueError(f"not an 18-digit NIP, refusing to use it in a file name: {nip!r}")
    return f"rencana/{nip}.html"


# ------------------------------------------------------------------ formatting


class Fmt:
    """Numbers, dates and codes as a reader of LANG expects them."""

    def __init__(self, labels: Labels, rules: Rules) -> None:
        self.labels = labels
        self.en = labels.i == 1
        self.dash = "—"
        self.recs = {n: _rec(b, self.en) for n, b in rules.nine_box.boxes.items()}
        self.rules = rules

    def t(self, key: str, **kw: object) -> str:
        """A fixed text in the report language."""
        s = TEXT[key][self.labels.i]
        return s.format(**kw) if kw else s

    def num(self, x: object, decimals: int = 2, sign: bool = False) -> str:
        """3.25 -> '3,25' (id) / '3.25' (en); sign: '+0,25'."""
        if _missing(x):
            return self.dash
        s = f"{float(x):{'+' if sign else ''}.{decimals}f}"
        return s if self.en else s.replace(".", ",")

    def std(self, x: object) -> str:
        """A standard level: 3.0 -> '3'."""
        return self.dash if _missing(x) else self.num(x, 0 if float(x).is_integer() else 2)

    def thousands(self, x: object) -> str:
        """4500000 -> '4.500.000' (id) / '4,500,000' (en)."""
        if _missing(x):
            return self.dash
        return f"{int(x):,}" if self.en else number(x)

    def date(self, iso: object) -> str:
        """'2026-01-01' -> '1 Januari 2026'."""
        if _missing(iso) or not isinstance(iso, str) or len(iso) != 10:
            return self.dash if _missing(iso) else str(iso)
        return long_date(iso, self.labels.lang)

    def value(self, v: object, column: str = "") -> str:
        """A coded value as text ('—' for none)."""
        if _missing(v):
            return self.dash
        out = self.labels.value(v, column)
        return str(out)

    def notes(self, v: object) -> str:
        """Note codes (a tuple, or the '; '-joined string of lists.py) as readable text."""
        codes = v.split("; ") if isinstance(v, str) else list(v or ())
        return "; ".join(self.value(c) for c in codes if c) or self.dash

    def cell(self, column: str, v: object) -> str:
        """One value of a list column, formatted for its column."""
        if column in FREE_TEXT:
            return self.dash if _missing(v) else str(v)
        if column == "notes":
            return self.notes(v)
        if column in ("jpm", "fit", "potential_score", "previous_jpm"):
            return self.num(v)
        if column == "date":
            return self.date(v)
        if column in ("cost", "plan_cost", "plan_jp") or column in MONEY:
            return self.thousands(v)
        if column in RATES:
            return self.num(v, 4)
        if column == "mean_jpm":
            return self.num(v)
        if isinstance(v, float) and not _missing(v) and v.is_integer():
            return str(int(v))  # rank/box/jumlah made float by a merge with no match
        return self.value(v, column)


def _missing(x: object) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def nip_spaced(nip: str) -> str:
    """'196603091993032001' -> '19660309 199303 2 001' (as printed on documents)."""
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


# ------------------------------------------------------------------ data -> plain dicts


def _common(data: RunData, fmt: Fmt, env: jinja2.Environment) -> dict:
    """What every page shows: texts, run, rules, inputs, the 9-box layout."""
    run, rules, lab = data.run, data.rules, fmt.labels
    css = env.loader.get_source(env, "report.css")[0]  # type: ignore[union-attr]
    grid = [
        {"name": lv.name_en if fmt.en and lv.name_en else lv.name, "boxes": boxes}
        for lv, boxes in box_grid(rules)
    ]
    inputs = [
        {**r, "rows": " / ".join(fmt.thousands(r[k]) for k in ("rows_read", "accepted",
                                                                "rejected", "skipped"))}
        for r in data.inputs.to_dict("records")
    ]  # fmt: skip
    return {
        "lang": lab.lang,
        "css": Markup(css),
        "T": SimpleNamespace(
            **{k: fmt.t(k) for k in TEXT if "{" not in TEXT[k][0]},
            min_jp=fmt.t("min_jp", n=rules.training.min_jp),
            gov=data.instansi.nama,  # talent.yaml instansi.nama; none: no line at all
            **_signatory(data.instansi.penandatangan),
            place_date=fmt.t("place_date", kota=data.instansi.kota or "............"),
            footer=fmt.t(
                "footer",
                v=__version__,
                run=run["id"],
                rules=run["rules_name"],
                sha=run["rules_sha256"],
            ),
        ),  # plain attributes: much faster in 800 renders than a call per text
        "H": SimpleNamespace(**{k: lab.header(k) for k in HEADERS}),
        "S": SimpleNamespace(**{k: lab.sheet(k) for k in SHEETS}),
        "version": __version__,
        "run": run,
        "cycle": run["cycle"],
        "as_of": fmt.date(run["as_of"]),
        "inputs": inputs,
        "grid": grid,
        "perf_names": [fmt.value(p) for p in PERFORMANCE_LEVELS],
        "tones": TONES,
        "recs": fmt.recs,
        "script": Markup(SCRIPT),
        "script_hash": SCRIPT_HASH,
    }


def _signatory(who: Signatory) -> dict[str, str]:
    """The plan page's 'Mengetahui' column from talent.yaml `penandatangan` (SPEC §5): its
    jabatan, nama and NIP, a dotted line to fill in by hand where one is empty."""
    nip = "".join(who.nip.split())
    return {
        "head": who.jabatan or DOTS,
        "head_nama": who.nama,  # the name line is ruled: empty, it is signed and written on
        "head_nip": nip_spaced(nip) if len(nip) == 18 and nip.isdigit() else who.nip or DOTS,
    }


def _rec(box, en: bool) -> str:
    return box.recommendation_en if en and box.recommendation_en else box.recommendation


def _people(data: RunData, fmt: Fmt) -> list[SimpleNamespace]:
    """Every classified person as a dict of display strings, sorted by NIP, with the plan."""
    comps = data.rules.competencies
    plans: dict[str, list[dict]] = {}
    for r in data.plans.sort_values(["nip", "seq"]).to_dict("records"):  # one pass, no groupby
        plans.setdefault(r["nip"], []).append(r)
    people = data.people.assign(unit_group=unit_names(data.people["unit"]))  # one per unit
    rows = people.sort_values("nip").to_dict("records")
    c = data.calibrations
    decided = {} if c is None else {d["nip"]: d for d in c.to_dict("records") if d["applied"]}
    out = [_person(p, comps, plans.get(p["nip"], []), fmt, decided.get(p["nip"])) for p in rows]
    if lists.compared(data) is None:  # no previous cycle: nobody is new against one
        for p in out:
            p.previous = fmt.t("previous_first")
    return out


def _calibration_text(d: dict | None, fmt: Fmt) -> str | None:
    """The committee's decision as one line: 'Kotak 8 -> 6 (Turun): reason — by, date, ref'."""
    if d is None:
        return None
    before, after = int(d["box_computed"]), int(d["box"])
    way = directions([before], [after])[0]
    who = ", ".join(x for x in (d["by"], fmt.date(d["date"]) if d["date"] else None, d["ref"]) if x)
    word = fmt.t("box")
    return f"{word} {before} → {after} ({fmt.value(way, 'movement')}): {d['reason']}" + (
        f" — {who}" if who else ""
    )


def _previous_text(p: dict, fmt: Fmt) -> str:
    """The previous cycle's box, JPM and placement, and the movement; or 'new'."""
    if _missing(p.get("previous_cycle")):
        return fmt.t("previous_none")
    return (
        f"{fmt.t('cycle')} {p['previous_cycle']}: {fmt.t('box')} {p['previous_box']}, JPM "
        f"{fmt.num(p['previous_jpm'])}%, {fmt.value(p['previous_placement'], 'placement')} "
        f"({fmt.labels.moved(p['movement'])})"
    )


def _person(
    p: dict, comps: list, plan: list[dict], fmt: Fmt, decided: dict | None = None
) -> SimpleNamespace:
    nip = p["nip"]
    plan_path(nip)  # refuse anything that is not a NIP before it becomes a file name
    box = int(p["box"])
    v = fmt.value
    computed = p.get("box_computed")
    return SimpleNamespace(
        **{
            "box_computed": box if _missing(computed) else int(computed),
            "calibration": _calibration_text(decided, fmt),
            "previous": _previous_text(p, fmt),
            "nip": nip,
            "nip_spaced": nip_spaced(nip),
            "nama": p["nama"],
            "jabatan": v(p["jabatan"]),
            "job_level": v(p["job_level"], "job_level"),
            "unit": v(p["unit"]),
            "unit_name": p.get("unit_group", ""),
            "golongan": v(p["golongan"]),
            "comps": [_competency(p, c, fmt) for c in comps],
            "jpm": fmt.num(p["jpm"]),
            "jpm_raw": float(p["jpm"]),
            "jpm_category": v(p["jpm_category"]),
            "potential": v(p["potential"]),
            "potential_score": fmt.num(p["potential_score"]),
            "performance": v(p["performance"]),
            "performance_year": int(p["performance_year"]),
            "box": box,
            "tone": TONES.get(box, ""),
            "recommendation": fmt.rules.recommendation(box, p["placement"], fmt.en),
            "placement": v(p["placement"]),
            "talent_pool": v(bool(p["talent_pool"])),
            "readiness": v(p["readiness"]),
            "notes": [v(n) for n in p["notes"]],
            "retirement_date": fmt.date(p["retirement_date"]),
            "plan": [_programme(r, fmt) for r in plan],
            "plan_jp": int(p["plan_jp"]),
            "plan_cost": fmt.thousands(p["plan_cost"]),
        }
    )


def _competency(p: dict, c, fmt: Fmt) -> SimpleNamespace:
    status = p[f"status_{c.code}"]
    severity = p.get(f"severity_{c.code}")
    text = fmt.value(status)
    if status == "gap" and isinstance(severity, str):
        text += f" ({fmt.value(severity)})"
    return SimpleNamespace(
        **{
            "name": fmt.labels.competencies.get(c.code, c.code),
            "standard": fmt.std(p[f"standard_{c.code}"]),
            "score": fmt.num(p[f"score_{c.code}"]),
            "delta": fmt.num(p[f"delta_{c.code}"], sign=True),
            "status": text,
            "cls": f"st-{status}" + (f" sev-{severity}" if status == "gap" else ""),
        }
    )


def _programme(r: dict, fmt: Fmt) -> SimpleNamespace:
    return SimpleNamespace(
        **{
            "seq": int(r["seq"]),
            "code": r["code"],
            "programme": r["programme"],
            "competency": fmt.value(r["competency"], "competency"),
            "form": fmt.value(r["form"]),
            "jp": int(r["jp"]),
            "cost": fmt.thousands(r["cost"]),
            "reason": fmt.value(r["reason"], "reason"),
            "funded": bool(r.get("funded", True)),  # report --budget (SPEC §4.12)
        }
    )


# ------------------------------------------------------------------ index page


def _index(data: RunData, fmt: Fmt, people: list[SimpleNamespace]) -> dict:
    """Summary counts, the 9-box with names, and the lists as tables."""
    by_box: dict[int, list[SimpleNamespace]] = {n: [] for n in range(1, 10)}
    for p in sorted(people, key=lambda p: (-p.jpm_raw, p.nip)):
        by_box.setdefault(p.box, []).append(p)
    links = {p.nip for p in people}
    tables = [_table(code, _list_frame(data, code), fmt, links) for code in index_lists(data)]
    tables = [t for t in tables if t is not None]
    for tb in tables:
        if tb["code"] == "pergerakan" and lists.compared(data) is None:  # SPEC §4.10
            tb["note"] = fmt.labels.no_previous  # one line, not everybody as Baru
        if tb["code"] == "kandidat" and data.vacancies.empty:  # why there is nobody
            tb["note"] = fmt.labels.no_vacancies
    return {
        "summary": _summary(data, fmt),
        "charts": charts(data, fmt),
        "programmes": _programmes(data, fmt),
        "by_box": by_box,
        "calibrated": _calibrated_legend(people, fmt),
        "tables": tables,
        "units": _unit_table(data, fmt),
        "movement": _movement(data, fmt) if lists.compared(data) is not None else None,
    }


def _calibrated_legend(people: list[SimpleNamespace], fmt: Fmt) -> str | None:
    """The 9-box's legend of the calibrated mark (7→9), when somebody carries it."""
    if any(p.box_computed != p.box for p in people):
        return fmt.labels.text(*CALIBRATED_LEGEND)
    return None


def _movement(data: RunData, fmt: Fmt) -> dict:
    """The 9 x 9 matrix previous box (rows) -> box (columns), each count in the colour of
    the box moved to, and the counts per movement (SPEC §4.10)."""
    grid = lists.movement_matrix(data)
    before = getattr(data.movement, "previous_cycle", None) or fmt.dash
    word = fmt.t("box")
    counts = getattr(data.movement, "counts", None) or {}
    return {
        "title": fmt.labels.text("Matriks pergerakan", "Movement matrix")
        + f" {before} → {data.run['cycle']}",
        "corner": f"{fmt.t('cycle')} {before} ↓",
        "columns": [f"{word} {b}" for b in grid.columns],
        "rows": [
            (f"{word} {a}", [(TONES[int(b)], int(n)) for b, n in row.items()])
            for a, row in grid.iterrows()
        ],
        "counts": "; ".join(
            f"{fmt.value(k, 'movement')}: {fmt.thousands(counts.get(k, 0))}"
            for k in lists.MOVEMENTS
        ),
    }


def charts(data: RunData, fmt: Fmt) -> list[Markup]:
    """The pictures of SPEC §5 as inline SVG (the workbook draws the same numbers natively):
    9-box counts, JPM distribution, gaps per competency, programmes, boxes per unit."""
    lab, num = fmt.labels, fmt.thousands
    word = lab.text("Kotak", "Box")
    boxes = lists.counts(data, "box", list(range(1, 10)))
    out = [
        svg.columns(
            lab.chart("boxes"),
            [f"{word} {b}" for b in boxes["box"]],
            boxes["count"].tolist(),
            [BOX_COLOURS.get(b, ("#888888",))[0] for b in boxes["box"]],
            num,
        )
    ]
    bins = lists.jpm_bins(data)
    out.append(
        svg.columns(lab.chart("jpm_bins"), bins["bin"].tolist(), bins["count"].tolist(),
                    ["#2F5597"] * len(bins), num)
    )  # fmt: skip
    gaps = lists.gaps_by_competency(data)
    names = [lab.competencies.get(c, c) for c in gaps["competency"]]
    series = [(lab.header("ringan"), "#F4B183", gaps["ringan"].tolist()),
              (lab.header("berat"), "#C00000", gaps["berat"].tolist())]  # fmt: skip
    out.append(svg.stacked_bars(lab.chart("gaps"), names, series, num))
    progs = lists.programme_summary(data)
    if not progs.empty:
        named = [f"{c} {n}" for c, n in zip(progs["code"], progs["programme"], strict=True)]
        series = [(lab.header("people"), "#2F5597", progs["people"].tolist())]
        out.append(svg.stacked_bars(lab.chart("programmes"), named, series, num))
    units = lists.boxes_by_unit(data)
    if not units.empty:
        names = [u if isinstance(u, str) else fmt.dash for u in units["unit"]]
        series = [(f"{word} {b}", BOX_COLOURS[b][0], units[str(b)].tolist()) for b in range(1, 10)]
        out.append(svg.stacked_bars(lab.chart("boxes_by_unit"), names, series, num))
    return out


def _programmes(data: RunData, fmt: Fmt) -> dict:
    """People, JP and cost per programme (the training planners' summary) as a table."""
    frame = lists.programme_summary(data)
    rows = [
        [c, n, fmt.thousands(p), fmt.thousands(j), fmt.thousands(k)]
        for c, n, p, j, k in frame.itertuples(index=False)
    ]
    heads = [fmt.labels.header(c) for c in ("code", "programme", "people", "jp", "cost")]
    total = ["", fmt.t("total"), "", *(fmt.thousands(frame[c].sum()) for c in ("jp", "cost"))]
    return {"title": fmt.labels.chart("programmes"), "heads": heads, "rows": rows, "foot": total}


def index_lists(data: RunData) -> list[str]:
    """INDEX_LISTS with a section for each other placement of the rules, after 'tetap'."""
    extra = [c for c in lists.placement_codes(data.rules) if c not in INDEX_LISTS]
    at = INDEX_LISTS.index("tetap") + 1
    return [*INDEX_LISTS[:at], *extra, *INDEX_LISTS[at:]]


def _unit_table(data: RunData, fmt: Fmt) -> dict:
    """People, talent pool, placements and plan totals per unit, with a totals row."""
    frame = lists.unit_counts(data)
    table = _table("unit", frame, fmt, set(), title=fmt.t("by_unit"))
    sums = [fmt.cell(c, frame[c].sum()) if c != "talent_pool" else fmt.thousands(frame[c].sum())
            for c in frame.columns[1:]]  # fmt: skip
    table["foot"] = ["", fmt.t("total"), *sums]
    return table


def _summary(data: RunData, fmt: Fmt) -> dict:
    rules, people = data.rules, data.people
    placements = lists.counts(data, "placement", list(rules.placements))
    bands = [b.code for b in rules.jpm.band_sets[rules.jpm.bands]]
    jpm = lists.counts(data, "jpm_category", bands)
    return {
        "people": int(data.run["people"]),
        "classified": len(people),
        "incomplete": len(data.incomplete),
        "pool": int(people["talent_pool"].sum()),
        "plan_jp": fmt.thousands(people["plan_jp"].sum()),
        "plan_cost": fmt.thousands(people["plan_cost"].sum()),
        "placements": [(fmt.value(k), n) for k, n in placements.itertuples(index=False)],
        "jpm": [(fmt.value(k), n) for k, n in jpm.itertuples(index=False)],
    }


def _list_frame(data: RunData, code: str):
    if code == "tetap":  # near retirement (boxes 7-9): in no other placement list
        return lists.placement_list(data, "tetap")
    if code == "kandidat" and data.vacancies.empty:  # no formasi imported: nothing to merge
        return pd.DataFrame(columns=["kode"])
    if code == "pergerakan" and lists.compared(data) is None:  # no previous cycle: no rows
        return pd.DataFrame(columns=["nip"])
    return lists.lists_for(data.rules)[code](data)


def _table(code: str, frame, fmt: Fmt, links: set[str], title: str | None = None) -> dict | None:
    """A list as headers + rows of (text, href) cells, with group rows; None for no 'tetap'.

    Rows that share a box (placement lists) or a vacancy (kandidat) get one group row with
    the box's recommendation or the vacancy, instead of repeating it in a column.
    """
    if code == "tetap" and frame.empty:
        return None
    rows = frame.to_dict("records")
    grouped = _grouping(frame)
    cols = [c for c in frame.columns if c not in grouped]
    numbered = code != "kandidat"  # candidates carry their rank
    body, groups, last = [], {}, object()
    for i, r in enumerate(rows):
        key = tuple(r[c] for c in grouped)
        if grouped and key != last:
            groups[i], last = _group_label(r, fmt), key
        cells = [_cell(c, r, fmt, links) for c in cols]
        if code == "kandidat" and _missing(r.get("nip")):
            cells = None  # a vacancy with no candidate
        body.append(([(str(i + 1), None)] if numbered and cells else []) + (cells or []))
    heads = [(_header(c, fmt), _col_class(c)) for c in cols]
    shift = 1 if numbered else 0  # the filters' column positions, after the row number
    return {
        "code": code,
        "title": title or _title(code, fmt),
        "count": len(frame) if code != "kandidat" else frame["kode"].nunique(),
        "heads": [(fmt.labels.header("seq"), "n"), *heads] if numbered else heads,
        "rows": body,
        "groups": groups,
        "foot": None,
        "filters": {i + shift for i, c in enumerate(cols) if c in FILTERS},
        "page": None,
        "note": None,  # a line shown instead of the list
    }


def _header(column: str, fmt: Fmt) -> str:
    if column in lists.PLACEMENT_LISTS or column in fmt.rules.placements:  # unit_counts
        return fmt.labels.sheet(column)
    return fmt.labels.header(column)


def _grouping(frame) -> tuple[str, ...]:
    if "kode" in frame.columns:
        return tuple(c for c in VACANCY_COLS if c in frame.columns)
    if "recommendation" in frame.columns and "box" in frame.columns:
        return ("recommendation",)
    return ()


def _group_label(row: dict, fmt: Fmt) -> str:
    """'Kotak 9 — <recommendation>' or 'F-01 · <jabatan> · <unit> · <level> · Jumlah: 1'."""
    if "kode" in row:
        level = fmt.value(row["vacancy_level"], "job_level")
        return (
            f"{row['kode']} · {fmt.cell('vacancy_jabatan', row['vacancy_jabatan'])} · "
            f"{fmt.cell('vacancy_unit', row['vacancy_unit'])} · {level} · "
            f"{fmt.labels.header('jumlah')}: {fmt.cell('jumlah', row['jumlah'])}"
            + _eligibility_label(row, fmt)
        )
    box = int(row["box"])
    text = fmt.rules.recommendation(box, row.get("placement"), fmt.en)
    return f"{fmt.t('box')} {box} — {text}"


def _eligibility_label(row: dict, fmt: Fmt) -> str:
    """' · Pegawai Diperiksa: 8 · Tidak Memenuhi per Syarat: ... · <why no candidate>'."""
    out = ""
    for name in ("pool", "excluded", "empty_reason"):
        if name in row and not _missing(row[name]):
            text = fmt.cell(name, row[name])
            out += (
                f" · {text}" if name == "empty_reason" else f" · {fmt.labels.header(name)}: {text}"
            )
    return out


def _title(code: str, fmt: Fmt) -> str:
    if code == "tetap":
        return fmt.value("tetap")
    return fmt.labels.sheet(code)


def _col_class(column: str) -> str:
    if column in NUMERIC or column in lists.PLACEMENT_LISTS or column == "talent_pool":
        return "n"
    return {"nama": "name", "nip": "nip"}.get(column, "")


def _cell(column: str, row: dict, fmt: Fmt, links: set[str]) -> tuple[str, str | None]:
    """(text, link or None) of one list cell; a classified person's name links to the plan."""
    v = row[column]
    if column == "nama" and row.get("nip") in links:
        return fmt.cell(column, v), plan_path(row["nip"])
    if column == "talent_pool" and not isinstance(v, bool):  # unit_counts: a count
        return fmt.thousands(v), None
    return fmt.cell(column, v), None


# ------------------------------------------------------------------ writing


FOLDERS = ("rencana", "daftar")  # swapped in whole: no page of an older run stays behind


def _swap_in(out: Path, pages: dict[str, str]) -> None:
    """Write PAGES into a private sibling folder, then move rencana/ and index.html into OUT.

    Each move is a rename: a reader sees the old or the new report, never half a page, and
    plan pages of people no longer in the run disappear with the old folder.
    """
    private_dir(out)
    tmp = Path(tempfile.mkdtemp(prefix=".html-", dir=out))  # 0700
    try:
        used = [f for f in FOLDERS if f == "rencana" or any(p.startswith(f"{f}/") for p in pages)]
        for folder in used:
            (tmp / folder).mkdir(mode=0o700)
        for rel, text in pages.items():
            _write_private(tmp / rel, text)
        for folder in FOLDERS:
            old = out / folder
            if old.exists() or old.is_symlink():
                os.replace(old, tmp / f"old-{folder}")
            if folder in used:
                os.replace(tmp / folder, old)
        os.replace(tmp / "index.html", out / "index.html")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _write_private(path: Path, text: str) -> None:
    data = text.encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)
