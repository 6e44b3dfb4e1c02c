"""The SPEC §5 workbook: Ringkasan, Peta Talenta and one sheet per list (lists.LISTS).

Written with xlsxwriter in constant_memory mode (rows strictly top-down, so the
layouts below never go back up a sheet). Every user text is written with
write_string and the workbook options turn off xlsxwriter's guessing, so a name
like `=HYPERLINK(...)` stays text (no formula injection). Each column's write
method and format is decided once per column; the row loop only calls it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from talentcli import __version__
from talentcli.model import RunData
from talentcli.progress import tick
from talentcli.report import lists
from talentcli.report.labels import (
    CALIBRATED_LEGEND,
    CODED,
    MONTHS,
    Labels,
    box_grid,
    long_date,
)
from talentcli.rules import PERFORMANCE_LEVELS
from talentcli.safety import private_file

OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
SHEET_ORDER = ["ringkasan", "peta", *lists.LISTS]  # lists.LISTS decides the list sheets' order
MAX_WIDTH = 60
# On paper (SPEC §5: landscape, one page wide, legible): a list column of text is at most this
# many characters wide and wraps beyond it; the values are the widths of the make-run cohort's
# lists that keep every row to three lines and the page at about 60% (Calibri 11 -> 6.8 pt,
# measured in the PDF LibreOffice makes of `make run`'s workbook).
PRINT_WIDTHS = {
    "nama": 24,
    "jabatan": 22,
    "vacancy_jabatan": 18,
    "unit": 18,
    "vacancy_unit": 14,
    "job_level": 14,
    "vacancy_level": 14,
    "candidate_level": 14,
    "promotes_to": 14,
    "jpm_category": 10,
    "performance": 11,
    "placement": 12,
    "readiness": 10,
    "notes": 16,
    "recommendation": 42,
    "programme": 34,
    "competency": 16,
    "reason": 16,
    # Kandidat Jabatan Lowong: a column per SPEC §4.7 criterion makes it the widest list; it
    # prints on A3 (A4_CHARS), its criteria and counts wrapped narrow to stay over 6 pt
    "kode": 10,
    "verdict": 12,
    **dict.fromkeys(
        ("education_min", "years_in_post_min", "golongan_min", "performance_years"), 11
    ),
    **dict.fromkeys(("no_discipline", "max_age"), 11),
    "excluded": 16,
    "empty_reason": 16,
}
PETA_WIDTH = 54  # Peta Talenta's three box columns: 16 + 3 x 54, most names on one line
PRINT_WIDTH = 24  # any other text column (a list added later) on paper
A4, A3 = 9, 8  # xlsxwriter paper codes
PAGE_CHARS = 210  # characters across A4 landscape at about 60% (Calibri 11 -> 6.8 pt)
A4_CHARS = 230  # a list still wider than this prints on A3 to stay legible
RINGKASAN_WIDTHS = [40, 21, 21, 21, 14, 14, 14, 14, 14, 17]  # A: labels, B-D: the grid
EXCEL_EPOCH = pd.Timestamp("1899-12-30")

# box -> (strong fill, font colour, light fill): the regulation's matrix colours
BOX_COLOURS = {
    9: ("#1B5E20", "#FFFFFF", "#C8E6C9"),
    8: ("#43A047", "#FFFFFF", "#DCEDC8"),
    7: ("#43A047", "#FFFFFF", "#DCEDC8"),
    6: ("#FFD54F", "#000000", "#FFF8D6"),
    5: ("#FFD54F", "#000000", "#FFF8D6"),
    4: ("#FFD54F", "#000000", "#FFF8D6"),
    3: ("#FB8C00", "#000000", "#FFE0B2"),
    2: ("#FB8C00", "#000000", "#FFE0B2"),
    1: ("#D32F2F", "#FFFFFF", "#FFCDD2"),
}

# column code -> kind; kinds decide the write method, the number format and the width
NUMBER_KINDS = {
    "jpm": "dec2",
    "fit": "dec2",
    "potential_score": "dec2",
    "box": "int",
    "box_computed": "int",
    "previous_box": "int",
    "previous_jpm": "dec2",
    "performance_year": "int",
    "rank": "int",
    "seq": "int",
    "jumlah": "int",
    "jp": "jp",
    "plan_jp": "jp",
    "cost": "money",
    "plan_cost": "money",
    "budget": "money",
    "funded_cost": "money",
    "unfunded_cost": "money",
    "people": "int",
    "people_unfunded": "int",
    "talent_pool_rate": "pct",
    "promosi_rate": "pct",
    "mean_jpm": "dec2",
    "p_value": "dec4",
    **{f"box_{b}": "int" for b in range(1, 10)},
}
PREFIX_KINDS = {"score_": "dec2", "standard_": "dec2", "delta_": "delta", "status_": "coded"}
OTHER_KINDS = {"nip": "nip", "notes": "notes", "retirement_date": "date", "date": "date"}
NUM_FORMATS = {
    "nip": "@",
    "dec2": "0.00",
    "delta": "+0.00;-0.00;0.00",
    "int": "0",
    "jp": "#,##0",
    "money": "#,##0",
    "rupiah": '"Rp"\\ #,##0',
    "pct": "0.0%",
    "dec4": "0.0000",
    "date": "[$-421]d mmmm yyyy",
}
# dates are date cells (sortable, filterable) shown in the one long form of SPEC §5, with the
# month names of the report's language whatever the reader's locale: 1 Januari 2040
DATE_FORMATS = ("[$-421]d mmmm yyyy", "[$-409]d mmmm yyyy")  # Labels.i: id, en
TEXT_KINDS = {"text", "nip", "coded", "notes"}


def unique_sheet_name(name: str, used: set[str]) -> str:
    """NAME, or NAME (2), (3) ... within Excel's 31 characters, unlike any in USED (Excel
    compares sheet names without case); the name chosen is added to USED."""
    chosen, n = name, 1
    while chosen.casefold() in used:
        n += 1
        tail = f" ({n})"
        chosen = name[: 31 - len(tail)].rstrip() + tail
    used.add(chosen.casefold())
    return chosen


def write(
    data: RunData, out: Path, lang: str = "id", path: Path | None = None, only: tuple = ()
) -> list[Path]:
    """Write talenta-<cycle>.xlsx (owner-only, atomically) in the report language; PATH and
    ONLY (list codes: those sheets only) for a unit's workbook (report --per-unit)."""
    path = path or out / f"talenta-{data.run['cycle']}.xlsx"
    labels = Labels(data.rules, lang)
    builders = lists.lists_for(data.rules)
    frames = {code: build(data) for code, build in builders.items() if code in (only or [code])}
    with private_file(path) as tmp:
        # constant_memory spools rows to temp files: kept beside the report in a folder of
        # their own (owner-only), removed even when the workbook is never closed (an error)
        spool = tempfile.mkdtemp(prefix=".xlsx-", dir=tmp.parent)
        wb = None
        try:
            wb = xlsxwriter.Workbook(str(tmp), {**OPTIONS, "tmpdir": spool})
            wb.set_properties(_properties(data, labels))
            fm = Formats(wb, date=DATE_FORMATS[labels.i])
            used: set[str] = set()

            def add(code: str) -> Worksheet:  # a rules placement may be named like a list
                return wb.add_worksheet(unique_sheet_name(labels.sheet(code), used))

            ringkasan(add("ringkasan"), fm, data, labels)
            peta(add("peta"), fm, data, labels, frames["hasil"])
            rows, done = sum(map(len, frames.values())), 0
            for code, frame in frames.items():
                sheet = SPECIAL_SHEETS.get(code, list_sheet)
                sheet(add(code), fm, code, frame, data, labels)
                if code == "kesetaraan":
                    equity_charts(wb.worksheets()[-1], fm, frame, labels)
                done += len(frame)
                tick("xlsx", done, rows, "rows")
            wb.close()
        except BaseException:
            for sheet in wb.worksheets() if wb else []:  # unclosed, it keeps its spool files open
                spooled = getattr(sheet, "row_data_fh", None)
                if spooled is not None:
                    spooled.close()
            raise
        finally:
            shutil.rmtree(spool, ignore_errors=True)
    return [path]


def _properties(data: RunData, labels: Labels) -> dict:
    """Document properties; 'created' is the run's as_of, so a rerun gives the same bytes."""
    run = data.run
    return {
        "title": labels.text("Pemetaan Talenta ASN", "ASN Talent Mapping")
        + f" {run['cycle']}"
        + (f" — {data.title}" if data.title else ""),
        "author": f"talentcli {__version__}",
        "comments": f"rules {run['rules_name']} sha256 {run['rules_sha256']}",
        "created": dt.datetime.fromisoformat(str(run["as_of"])),
    }


# ------------------------------------------------------------------ formats


@dataclass
class Formats:
    """Every cell format of the workbook, made once."""

    wb: Workbook
    cache: dict = field(default_factory=dict)
    date: str = NUM_FORMATS["date"]  # the number format of dates, in the report's language

    def get(self, **props) -> object:
        """The format with these properties (one Format object per distinct set)."""
        key = tuple(sorted(props.items()))
        if key not in self.cache:
            self.cache[key] = self.wb.add_format(props)
        return self.cache[key]

    def kind(self, kind: str, fill: str | None = None) -> object | None:
        """The cell format of a column kind, optionally on a fill."""
        props = {"num_format": NUM_FORMATS[kind]} if kind in NUM_FORMATS else {}
        if kind == "date":  # centred: a right-aligned date runs into the next column's text
            props["num_format"], props["align"] = self.date, "center"
        if kind == "int":  # ranks, boxes, years: centred, never read as part of the next cell
            props["align"] = "center"
        if fill:
            props["bg_color"] = fill
        return self.get(**props) if props else None

    def dxf(self, fill: str, font: str | None = None) -> object:
        """A conditional format: a fill (and font colour), kept apart from cell formats."""
        key = ("dxf", fill, font)
        if key not in self.cache:
            props = {"bg_color": fill, **({"font_color": font} if font else {})}
            self.cache[key] = self.wb.add_format(props)
        return self.cache[key]

    def cell(self, kind: str, wrap: bool = False, fill: str | None = None) -> object:
        """A list cell on paper: its kind's format, at the top of a wrapped row."""
        props = {"num_format": NUM_FORMATS[kind]} if kind in NUM_FORMATS else {}
        if kind == "date":  # centred: a right-aligned date runs into the next column's text
            props["num_format"], props["align"] = self.date, "center"
        if kind == "int":
            props["align"] = "center"
        if fill:
            props["bg_color"] = fill
        if wrap:
            props["text_wrap"] = True
        return self.get(valign="top", **props)

    @property
    def header(self) -> object:
        """List headers: bold on a fill, wrapped."""
        return self.get(bold=True, bg_color="#D9E1F2", text_wrap=True, valign="top", bottom=1)

    @property
    def header_num(self) -> object:
        """Headers over numbers: right-aligned like the numbers below them."""
        return self.get(
            bold=True, bg_color="#D9E1F2", text_wrap=True, valign="top", bottom=1, align="right"
        )

    def header_for(self, kind: str) -> object:
        """The header over a column of KIND, aligned like its values."""
        if kind in TEXT_KINDS:
            return self.header
        if kind in ("int", "date"):
            return self.get(
                bold=True,
                bg_color="#D9E1F2",
                text_wrap=True,
                valign="top",
                bottom=1,
                align="center",
            )
        return self.header_num

    @property
    def title(self) -> object:
        """The sheet title."""
        return self.get(bold=True, font_size=16, font_color="#1F3864")

    @property
    def section(self) -> object:
        """A section heading on Ringkasan."""
        return self.get(bold=True, font_size=12, font_color="#1F3864", bottom=2)

    @property
    def note(self) -> object:
        """Small grey explanatory text."""
        return self.get(italic=True, font_color="#595959")


# ------------------------------------------------------------------ list sheets


@dataclass
class Column:
    """One column, ready to write: method, values (None = empty cell), format, width."""

    header: str
    kind: str
    values: list
    width: float
    fitted: float = 0  # the widest value alone (characters)
    usual: float = 0  # wide enough for nine values in ten (characters)
    wrap: bool = False


def list_sheet(
    ws: Worksheet, fm: Formats, code: str, frame: pd.DataFrame, data: RunData, labels: Labels
) -> None:
    """One list: header row, one row per record, frozen header, autofilter, fitted widths.

    Every list but Hasil (the full data, not for paper) is laid out for print: text wraps
    at PRINT_WIDTHS, one page wide, and the list ends with the signature block."""
    frame = _readable_recommendation(frame, data, labels)
    cols = [column(frame[c], c, labels) for c in frame.columns]
    paper = code != "hasil"
    if paper:
        cols = widened([for_paper(c, name) for c, name in zip(cols, frame.columns, strict=True)])
    marked = frame["assigned"].tolist() if "assigned" in frame.columns else None
    _header(ws, fm, cols)
    wide = sum(c.width for c in cols) > A4_CHARS
    _print_setup(ws, fit=True, repeat=True, paper=A3 if wide or not paper else A4)
    page_header(ws, data, labels, labels.sheet(code))
    ws.freeze_panes(1, 2 if code == "hasil" else 0)
    ws.autofilter(0, 0, max(len(frame), 1), len(cols) - 1)
    formats = [fm.cell(c.kind, c.wrap) for c in cols]
    heights = row_heights(cols)
    if frame.empty:
        none = code == "kandidat" and data.vacancies.empty  # no formasi imported: say so
        ws.write_string(
            1, 0, labels.no_vacancies if none else labels.text("Tidak ada data", "No data"), fm.note
        )
    elif marked is None:
        write_rows(ws, cols, formats, heights=heights)
    else:  # report --assign: the proposed one-to-one assignment stands out
        marked_formats = [fm.cell(c.kind, c.wrap, "#C6EFCE") for c in cols]
        write_rows(ws, cols, formats, marked_formats, marked, heights)
    if code == "hasil":
        colour_hasil(ws, fm, frame, data, labels)
    else:
        last = signature(ws, max(len(frame), 1) + 2, [c.width for c in cols], data, labels)
        ws.print_area(0, 0, last, len(cols) - 1)  # the list: a chart beside it stays on screen


def colour_hasil(ws: Worksheet, fm: Formats, frame: pd.DataFrame, data: RunData, labels: Labels):
    """Hasil's box cells in the 9-box colours, its gaps in red: light (delta < 0) and severe
    (delta <= the rules' berat_max); conditional formats, so sorting the sheet keeps them."""
    last = max(len(frame), 1)
    severe = data.rules.status.berat_max
    gap = '"' + str(labels.value("gap", "status_")).replace('"', '""') + '"'
    for c, name in enumerate(frame.columns):
        if name == "box":
            for box, (strong, font, _) in BOX_COLOURS.items():
                rule = {"type": "cell", "criteria": "==", "value": box}
                ws.conditional_format(1, c, last, c, {**rule, "format": fm.dxf(strong, font)})
        elif name.startswith("delta_"):
            for crit, value, fill in (("<=", severe, "#F4B6B6"), ("<", 0, "#FDE2C8")):
                rule = {"type": "cell", "criteria": crit, "value": value}
                ws.conditional_format(1, c, last, c, {**rule, "format": fm.dxf(fill)})
        elif name.startswith("status_"):
            rule = {"type": "cell", "criteria": "==", "value": gap}
            ws.conditional_format(1, c, last, c, {**rule, "format": fm.dxf("#FDE2C8")})


def widened(cols: list[Column], total: float = PAGE_CHARS) -> list[Column]:
    """Wrapped columns widened to their natural width while the list stays within TOTAL
    characters, the column that lacks least first (a short text that no longer wraps
    saves a line on every row); the last one widened takes what room is left."""
    room = total - sum(c.width for c in cols)
    out = list(cols)
    lacking = sorted((c.usual - c.width, i) for i, c in enumerate(cols) if c.wrap)
    for need, i in lacking:
        if room <= 0:
            break
        if need <= 0:  # nine values in ten fit already: the few long ones wrap
            continue
        give = min(need, room)
        room -= give
        col = out[i]
        out[i] = dataclasses.replace(
            col, width=col.width + give, wrap=col.width + give < col.fitted
        )
    return out


def row_heights(cols: list[Column]) -> list | None:
    """Points per row where some wrapped cell needs more than one line, else None (a reader
    sizes rows itself only when it lays the sheet out, which a PDF converter does not)."""
    wrapped = [c for c in cols if c.wrap]
    if not wrapped:
        return None
    lines = np.ones(len(cols[0].values), dtype=np.int64)
    for col in wrapped:
        fits = _chars_per_line(col.width)
        text = pd.Series(col.values, dtype=object)
        long = text.str.len().fillna(0).to_numpy() > fits  # the rest is one line
        if long.any():
            count = {v: wrapped_lines(v, fits) for v in pd.unique(text[long])}
            lines[long] = np.maximum(lines[long], text[long].map(count).to_numpy(dtype=np.int64))
    return [None if n == 1 else LINE_POINTS * n for n in lines.tolist()]


LINE_POINTS = 15.0  # one line of Calibri 11


def _chars_per_line(width: float) -> int:
    """Characters of mixed text on one line of a column WIDTH digits wide (Calibri's
    letters average a little under its digits; a margin is kept)."""
    return max(int(width * 1.1), 4)


def wrapped_lines(text: str, fits: int) -> int:
    """Lines TEXT takes, wrapped at spaces to lines of FITS characters."""
    n, used = 1, 0
    for word in text.split():
        if len(word) > fits:  # a word longer than the line is cut, on lines of its own
            n += (1 if used else 0) + (len(word) - 1) // fits
            used = len(word) % fits or fits
        elif used and used + 1 + len(word) > fits:
            n, used = n + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
    return n


def for_paper(col: Column, name: str) -> Column:
    """The column as printed: text wider than its PRINT_WIDTHS wraps; numbers as wide as
    their longest value or the longest word of their (wrapped) header."""
    if col.kind in TEXT_KINDS and col.kind != "nip":
        cap = PRINT_WIDTHS.get(name, PRINT_WIDTH)
        length = pd.Series(col.values, dtype=object).str.len().dropna()
        usual = int(length.quantile(0.9)) + 2 if len(length) else 0
        width = min(col.width, cap)
        return dataclasses.replace(col, width=width, wrap=col.width > cap, usual=usual)
    if col.kind in TEXT_KINDS:
        return col
    word = max(map(len, col.header.split()), default=4)
    return dataclasses.replace(col, width=min(col.width, max(word + 2, col.fitted)))


def _print_setup(ws: Worksheet, fit: bool, repeat: bool = False, paper: int = A4) -> None:
    """Landscape, one page wide (as many pages down as it takes); lists repeat their header."""
    ws.set_landscape()
    ws.set_paper(paper)
    ws.set_margins(0.4, 0.4, 0.75, 0.75)
    if fit:
        ws.fit_to_pages(1, 0)
    if repeat:
        ws.repeat_rows(0)


def _escaped(text: str, limit: int = 80) -> str:
    """Text for an Excel page header: '&' doubled (it starts a control code), kept short."""
    return str(text)[:limit].replace("&", "&&")


def page_header(ws: Worksheet, data: RunData, labels: Labels, title: str) -> None:
    """Header: instansi left, the list's title centre, cycle and as_of right (SPEC §5);
    footer: 'Halaman x dari y'. The whole header stays under Excel's 255 characters."""
    run = data.run
    if getattr(data, "title", ""):  # a unit's workbook (report --per-unit) names the unit
        title = f"{title} — {data.title}"
    when = labels.text("Siklus {c} · kondisi per {d}", "Cycle {c} · as of {d}")
    when = when.format(c=run["cycle"], d=long_date(run["as_of"], labels.lang))
    ws.set_header(
        f"&L&9 {_escaped(data.instansi.nama)}&C&12&B {_escaped(title)}&R&9 {_escaped(when)}",
        {"margin": 0.3},
    )
    page = labels.text("Halaman &P dari &N", "Page &P of &N")
    ws.set_footer(f"&C&9 {page}", {"margin": 0.3})


def signature(ws: Worksheet, row: int, widths: list[float], data: RunData, labels: Labels) -> int:
    """The signature block of `penandatangan` from ROW, on the right of the page:
    '<kota>, <as_of>', jabatan, room to sign, nama, NIP (dots where talent.yaml has none);
    returns its last row."""
    who, dots = data.instansi.penandatangan, "." * 32
    lines = [
        f"{data.instansi.kota or '............'}, {long_date(data.run['as_of'], labels.lang)}",
        who.jabatan or dots,
        "",
        "",
        "",
        who.nama or dots,
        f"NIP {who.nip}" if who.nip else f"NIP {dots}",
    ]
    need = max(map(len, lines)) + 2
    col = next((c for c in range(len(widths) - 1, -1, -1) if sum(widths[c:]) >= need), 0)
    col = max(col - (1 if col and sum(widths[col:]) < need + 8 else 0), 0)
    for i, text in enumerate(lines):
        if text:
            ws.write_string(row + i, col, text)
    return row + len(lines) - 1


def _header(ws: Worksheet, fm: Formats, cols: list[Column]) -> None:
    for c, col in enumerate(cols):
        ws.set_column(c, c, col.width)
    ws.set_row(0, header_height([c.header for c in cols], [c.width for c in cols]))
    for c, col in enumerate(cols):
        ws.write_string(0, c, col.header, fm.header_for(col.kind))


def header_height(heads: list[str], widths: list[float]) -> float | None:
    """Points for a wrapped header row: its most wrapped cell's lines (None: one line)."""
    lines = 1
    for text, width in zip(heads, widths, strict=True):
        n, used = 1, 0
        for word in text.split():
            if used and used + 1 + len(word) > width - 1:
                n, used = n + 1, len(word)
            else:
                used += len(word) + (1 if used else 0)
        lines = max(lines, n)
    return None if lines == 1 else 15.0 * lines


def _readable_recommendation(frame: pd.DataFrame, data: RunData, labels: Labels) -> pd.DataFrame:
    """English reports show the rules' English recommendation (lists carry the Indonesian)."""
    if labels.i == 0 or "recommendation" not in frame.columns:
        return frame
    rec = data.rules.recommendation
    pairs = zip(frame["box"], frame["placement"], strict=True)
    return frame.assign(recommendation=[rec(b, pl, en=True) for b, pl in pairs])


def kind_of(name: str, series: pd.Series) -> str:
    """How a column is written: text, nip, coded, notes, date or a number kind."""
    if name in OTHER_KINDS:
        return OTHER_KINDS[name]
    if name in NUMBER_KINDS:
        return NUMBER_KINDS[name]
    if name in CODED:
        return "coded"
    for prefix, kind in PREFIX_KINDS.items():
        if name.startswith(prefix):
            return kind
    if pd.api.types.is_bool_dtype(series):
        return "coded"
    return "number" if pd.api.types.is_numeric_dtype(series) else "text"


def column(series: pd.Series, name: str, labels: Labels) -> Column:
    """Convert one list column to plain Python values of its kind, with a fitted width."""
    kind = kind_of(name, series)
    if kind == "coded":
        values = _mapped(series, lambda v: str(labels.value(v, name)))
    elif kind == "notes":
        values = _mapped(series, lambda v: str(labels.value(v, "notes")))
    elif kind == "date":
        when = pd.to_datetime(series, errors="coerce")
        values = _plain((when - EXCEL_EPOCH).dt.days)
    elif kind in TEXT_KINDS:
        values = _mapped(series, str)
    else:
        values = _plain(series)
    header = str(labels.header(name))
    return Column(header, kind, values, _width(header, kind, values), _width("", kind, values))


def _mapped(series: pd.Series, convert: Callable[[object], str]) -> list:
    """Text values through CONVERT, once per distinct value; missing and '' -> None."""
    distinct = pd.unique(series.dropna()).tolist()
    table = {v: convert(v) or None for v in distinct}
    return [None if v is None else table[v] for v in _plain(series)]


def _plain(series: pd.Series) -> list:
    """Python scalars with None for missing (NaN, NaT, NA)."""
    return series.astype(object).where(series.notna(), None).tolist()


def _width(header: str, kind: str, values: list) -> float:
    """Characters wide: the longest value (numbers as displayed) or the header, capped."""
    present = [v for v in values if v is not None]
    if kind in TEXT_KINDS:
        longest = max(map(len, present), default=0)
    elif kind == "date":
        longest = date_chars(present)
    elif kind in ("money", "jp"):
        longest = len(f"{max(present, default=0):,.0f}")
    elif kind == "int":
        longest = len(str(int(max(present, default=0))))
    else:
        longest = len(f"{max(present, default=0, key=abs):.2f}") + 1
    head = max([*map(len, header.split()), min(len(header), 16)])
    return min(max(longest, head, 4) + 2, MAX_WIDTH)


def date_chars(days: list) -> int:
    """Characters of the longest of DAYS (Excel serials) as the long form shows it, '1 Mei
    2040' to '30 September 2040' (Indonesian month names: never shorter than the English)."""
    if not days:
        return 0
    when = EXCEL_EPOCH + pd.to_timedelta(np.unique(np.asarray(days, dtype=float)), unit="D")
    month = np.array([len(m) for m in MONTHS[0]])[when.month.to_numpy() - 1]
    return int((np.where(when.day.to_numpy() >= 10, 2, 1) + month + 6).max())  # + ' ' yyyy


def write_rows(
    ws: Worksheet,
    cols: list[Column],
    formats: list,
    marked_formats: list | None = None,
    marked: list | None = None,
    heights: list | None = None,
    start: int = 1,
) -> None:
    """Rows START.. (1..n), left to right (constant_memory order); None cells stay empty; a
    row with a height (wrapped text) is sized before its cells are written."""
    writers = [ws.write_string if c.kind in TEXT_KINDS else ws.write_number for c in cols]
    calls = list(zip(range(len(cols)), writers, formats, strict=True))
    values = [c.values for c in cols]
    sizes = heights if heights is not None else [None] * len(cols[0].values)
    if marked is None:
        for r, (row, h) in enumerate(zip(zip(*values, strict=True), sizes, strict=True), start):
            if h:
                ws.set_row(r, h)
            for (c, put, f), v in zip(calls, row, strict=True):
                if v is not None:
                    put(r, c, v, f)
        return
    alt = list(zip(range(len(cols)), writers, marked_formats, strict=True))
    rows = zip(zip(*values, strict=True), marked, sizes, strict=True)
    for r, (row, mark, h) in enumerate(rows, start):
        if h:
            ws.set_row(r, h)
        for (c, put, f), v in zip(alt if mark else calls, row, strict=True):
            if v is not None:
                put(r, c, v, f)
            elif mark:
                ws.write_blank(r, c, None, f)


def pergerakan_sheet(
    ws: Worksheet, fm: Formats, code: str, frame: pd.DataFrame, data: RunData, labels: Labels
) -> None:
    """Pergerakan Talenta (SPEC §4.10): the 9 x 9 matrix previous box -> box, coloured like
    the 9-box, and the counts per movement; below them the per-person list. A run with no
    previous cycle says so in one line instead (no zeros, nobody listed as Baru)."""
    t = labels.text
    if lists.compared(data) is None:
        no_previous_sheet(ws, fm, code, data, labels)
        return
    cols = [column(frame[c], c, labels) for c in frame.columns]
    for c, col in enumerate(cols):
        ws.set_column(c, c, max(col.width, 9))
    _print_setup(ws, fit=True)
    page_header(ws, data, labels, labels.sheet(code))
    cur = Cursor(ws)
    before = data.movement.previous_cycle if data.movement is not None else None
    cur.line(
        t("Matriks pergerakan: kotak siklus {p} (baris) -> kotak siklus {c} (kolom)", "Movement "
          "matrix: box in cycle {p} (rows) -> box in cycle {c} (columns)").format(
            p=before or "-", c=data.run["cycle"]),
        fmt=fm.get(bold=True),
    )  # fmt: skip
    word = t("Kotak", "Box")
    grid = lists.movement_matrix(data)
    head = fm.get(bold=True, bg_color="#D9E1F2", border=1, align="center")
    cur.line("", *(f"{word} {b}" for b in grid.columns), fmt=head,
             formats=[head, *(_box_fmt(fm, b, "head") for b in grid.columns)])  # fmt: skip
    for a, row in grid.iterrows():  # 9 rows
        cells = [f"{word} {a}", *(int(n) for n in row)]
        pale = [_matrix_fmt(fm, int(b), a == b) for b in grid.columns]
        cur.line(*cells, formats=[_box_fmt(fm, int(a), "row"), *pale])
    cur.skip()
    counts = getattr(data.movement, "counts", None) or {m: 0 for m in lists.MOVEMENTS}
    cur.line(*(str(labels.value(m, "movement")) for m in lists.MOVEMENTS), fmt=head)
    cur.line(*(int(counts.get(m, 0)) for m in lists.MOVEMENTS), fmt=fm.kind("jp"))
    cur.skip()
    top = cur.row
    ws.set_row(top, header_height([c.header for c in cols], [c.width for c in cols]))
    for c, col in enumerate(cols):
        ws.write_string(top, c, col.header, fm.header_for(col.kind))
    ws.repeat_rows(top)
    ws.freeze_panes(top + 1, 0)
    ws.autofilter(top, 0, top + max(len(frame), 1), len(cols) - 1)
    if frame.empty:
        ws.write_string(top + 1, 0, t("Tidak ada data", "No data"), fm.note)
    else:
        write_rows(ws, cols, [fm.kind(c.kind) for c in cols], start=top + 1)
    signature(ws, top + max(len(frame), 1) + 2, [c.width for c in cols], data, labels)


def no_previous_sheet(ws: Worksheet, fm: Formats, code: str, data: RunData, labels: Labels):
    """Pergerakan Talenta of a run with no previous cycle to compare with: the one line that
    says so, then the signature block, on one printed page."""
    widths = [12.0] * 9  # the line runs over empty cells; the signature sits on the right
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    _print_setup(ws, fit=True)
    page_header(ws, data, labels, labels.sheet(code))
    ws.write_string(0, 0, labels.no_previous, fm.get(bold=True))
    last = signature(ws, 2, widths, data, labels)
    ws.print_area(0, 0, last, len(widths) - 1)


def _matrix_fmt(fm: Formats, box: int, same: bool) -> object:
    """A matrix cell in the pale colour of the box it moved to; the diagonal (tetap) bold."""
    _, _, pale = BOX_COLOURS[box]
    return fm.get(bg_color=pale, border=1, align="center", bold=same, num_format="#,##0")


SPECIAL_SHEETS = {"pergerakan": pergerakan_sheet}  # list code -> its own sheet writer


# ------------------------------------------------------------------ Ringkasan


class Cursor:
    """The next free row of a sheet: constant_memory sheets are written top-down only."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.row = 0

    def line(self, *cells: object, fmt: object = None, formats: list | None = None) -> int:
        """Write one row from column A (str -> text, number -> number, None -> skip)."""
        r = self.row
        for c, v in enumerate(cells):
            f = formats[c] if formats else fmt
            if isinstance(v, str):
                self.ws.write_string(r, c, v, f)
            elif v is not None:
                self.ws.write_number(r, c, v, f)
            elif f is not None:
                self.ws.write_blank(r, c, None, f)
        self.row += 1
        return r

    def skip(self, n: int = 1) -> None:
        """Leave N empty rows."""
        self.row += n


def ringkasan(ws: Worksheet, fm: Formats, data: RunData, labels: Labels) -> None:
    """The summary: title, overview, 9-box counts and chart, counts, plans, units, sources."""
    t = labels.text
    for c, width in enumerate(RINGKASAN_WIDTHS):
        ws.set_column(c, c, width)
    _print_setup(ws, fit=True)
    page_header(ws, data, labels, labels.sheet("ringkasan"))
    cur = Cursor(ws)
    _title(cur, fm, data, t("Pemetaan Talenta ASN", "ASN Talent Mapping"), labels)
    _overview(cur, fm, data, labels)
    boxes = lists.counts(data, "box", list(range(1, 10)))
    _count_grid(cur, fm, data, labels, dict(zip(boxes["box"], boxes["count"], strict=True)))
    _calibrated(cur, fm, data, labels)
    _box_table(cur, fm, data, labels, boxes)
    bands = data.rules.jpm.band_sets[data.rules.jpm.bands]
    _count_table(cur, fm, data, labels, "jpm_category", [b.code for b in bands])
    _count_table(cur, fm, data, labels, "placement", list(data.rules.placements))
    _training(cur, fm, data, labels)
    _units(cur, fm, data, labels)
    charts(cur, fm, data, labels)
    _traceability(cur, fm, data, labels)


def charts(cur: Cursor, fm: Formats, data: RunData, labels: Labels) -> None:
    """The pictures of SPEC §5, each a small table of its numbers and a native chart of it:
    JPM distribution, gaps per competency, the programmes, talent boxes per unit."""
    t = labels.text
    h = labels.header
    bins = lists.jpm_bins(data)
    _section(cur, fm, labels.chart("jpm_bins"), 2)
    rows = _data_table(cur, fm, [h("bin"), h("count")], bins.to_numpy().tolist(), [None, "jp"])
    _chart(cur, fm, labels, "jpm_bins", "column", rows, [(1, h("count"), "#2F5597")], 280)
    gaps = lists.gaps_by_competency(data)
    _section(cur, fm, labels.chart("gaps"), 3)
    named = [[labels.competencies.get(c, c), a, b] for c, a, b in gaps.to_numpy().tolist()]
    rows = _data_table(
        cur, fm, [h("competency"), h("ringan"), h("berat")], named, [None, "jp", "jp"]
    )
    series = [(1, h("ringan"), "#F4B183"), (2, h("berat"), "#C00000")]
    _chart(cur, fm, labels, "gaps", "bar", rows, series, 260, stacked=True)
    progs = lists.programme_summary(data)
    _section(cur, fm, labels.chart("programmes"), 5)
    heads = [h("code"), h("people"), h("jp"), h("cost"), h("programme")]  # names overflow right
    kinds = [None, "jp", "jp", "rupiah", "name"]
    table = progs[["code", "people", "jp", "cost", "programme"]].to_numpy().tolist()
    rows = _data_table(cur, fm, heads, table, kinds)
    series = [(1, h("people"), "#2F5597"), (2, h("jp"), "#A9D18E")]
    _chart(cur, fm, labels, "programmes", "column", rows, series, 300, cost=3)
    units = lists.boxes_by_unit(data)
    _section(cur, fm, labels.chart("boxes_by_unit"), 10)
    word = t("Kotak", "Box")
    named = [
        [u if isinstance(u, str) else t("(tanpa unit)", "(no unit)"), *n]
        for u, *n in units.to_numpy().tolist()
    ]
    heads = [h("unit"), *(f"{word} {b}" for b in range(1, 10))]
    rows = _data_table(cur, fm, heads, named, [None, *["jp"] * 9])
    series = [(b, f"{word} {b}", BOX_COLOURS[b][0]) for b in range(1, 10)]
    height = 60 + 18 * max(len(units), 4)
    _chart(cur, fm, labels, "boxes_by_unit", "bar", rows, series, height, stacked=True)


def _data_table(
    cur: Cursor, fm: Formats, heads: list[str], rows: list[list], kinds: list
) -> tuple[int, int]:
    """A chart's numbers under their header row; returns its first and last data row. A
    column of kind "name" is text set in from the numbers on its left (a right-aligned
    rupiah must not run into it on paper)."""
    inset = fm.get(indent=1)
    head_inset = fm.get(bold=True, bg_color="#D9E1F2", valign="top", bottom=1, indent=1)
    heads_fmt = [fm.header, *[fm.header_num] * (len(heads) - 1)]
    heads_fmt = [head_inset if k == "name" else f for f, k in zip(heads_fmt, kinds, strict=True)]
    cur.line(*heads, formats=heads_fmt)
    first = cur.row
    formats = [inset if k == "name" else fm.kind(k) if k else None for k in kinds]
    for row in rows:
        cur.line(
            *(int(v) if k and k != "name" else str(v) for v, k in zip(row, kinds, strict=True)),
            formats=formats,
        )
    return first, cur.row - 1


def _chart(
    cur: Cursor,
    fm: Formats,
    labels: Labels,
    code: str,
    kind: str,
    rows: tuple[int, int],
    series: list[tuple[int, str, str]],
    height: int,
    stacked: bool = False,
    cost: int | None = None,
) -> None:
    """A native chart of table ROWS (column 0: categories; SERIES: column, name, colour)
    in rows kept free for it under the table; COST: a column drawn as a line on a second
    axis (rupiah beside counts)."""
    first, last = rows
    if last < first:  # nothing to draw
        return
    sheet = labels.sheet("ringkasan")
    chart = fm.wb.add_chart({"type": kind, **({"subtype": "stacked"} if stacked else {})})
    for col, name, colour in series:
        chart.add_series(
            {
                "name": name,
                "categories": [sheet, first, 0, last, 0],
                "values": [sheet, first, col, last, col],
                "fill": {"color": colour},
                "gap": 60,
                **({"data_labels": {"value": True}} if not stacked and len(series) == 1 else {}),
            }
        )
    if cost is not None:
        line = fm.wb.add_chart({"type": "line"})
        line.add_series(
            {
                "name": labels.header("cost"),
                "categories": [sheet, first, 0, last, 0],
                "values": [sheet, first, cost, last, cost],
                "y2_axis": True,
                "marker": {"type": "circle"},
                "line": {"color": "#C00000"},
            }
        )
        chart.combine(line)
    chart.set_title({"name": labels.chart(code), "name_font": {"size": 12}})
    chart.set_legend(
        {"none": True} if len(series) == 1 and cost is None else {"position": "bottom"}
    )
    if kind == "bar":  # categories top to bottom in table order
        chart.set_y_axis({"reverse": True, "num_font": {"size": 8}})
    chart.set_size({"width": 900, "height": height})
    cur.skip()
    cur.ws.insert_chart(cur.row, 0, chart)
    cur.skip(-(-height // 20) + 1)  # rows of 20 px


def _title(cur: Cursor, fm: Formats, data: RunData, title: str, labels: Labels) -> None:
    run = data.run
    title = f"{title} — {data.title}" if data.title else title  # a unit's workbook
    cur.ws.set_row(0, 24)
    cur.line(title, fmt=fm.title)
    sub = labels.text("Siklus {c} · kondisi per {d}", "Cycle {c} · as of {d}")
    cur.line(
        sub.format(c=run["cycle"], d=long_date(run["as_of"], labels.lang)), fmt=fm.get(bold=True)
    )


def _section(cur: Cursor, fm: Formats, text: str, span: int = 4) -> None:
    cur.skip()
    cur.line(text, *[None] * (span - 1), fmt=fm.section)


def _overview(cur: Cursor, fm: Formats, data: RunData, labels: Labels) -> None:
    t = labels.text
    people = data.people
    _section(cur, fm, t("Ikhtisar", "Overview"))
    rows = [
        (
            t("Pegawai dalam siklus (diasesmen)", "People in the cycle (assessed)"),
            data.run["people"],
        ),
        (t("Terklasifikasi (masuk 9-box)", "Classified (on the 9-box)"), len(people)),
        (t("Data tidak lengkap", "Incomplete data"), len(data.incomplete)),
        (labels.header("talent_pool"), people["talent_pool"].sum()),
    ]
    for text, n in rows:
        cur.line(text, int(n), formats=[None, fm.kind("jp")])


def _count_grid(
    cur: Cursor, fm: Formats, data: RunData, labels: Labels, count: dict[int, int]
) -> None:
    """The 3x3 of counts: potential top (tinggi) to bottom, performance left (di_bawah) to right."""
    t = labels.text
    _section(cur, fm, t("Peta 9-Box (jumlah pegawai per kotak)", "9-box (people per box)"))
    axis = f"{labels.header('potential')} ↓   {labels.header('performance')} →"
    head = fm.get(
        bold=True, bg_color="#D9E1F2", align="center", valign="vcenter", border=1, text_wrap=True
    )
    cur.ws.set_row(cur.row, 30)
    cur.line(axis, *(str(labels.value(p)) for p in PERFORMANCE_LEVELS), fmt=head)
    level_fmt = fm.get(
        bold=True, font_size=12, bg_color="#D9E1F2", align="center", valign="vcenter", border=1
    )
    word = t("Kotak", "Box")
    for level, boxes in box_grid(data.rules):
        r = cur.line(
            None,
            *(f"{word} {b}" for b in boxes),
            formats=[None, *(_box_fmt(fm, b, "label") for b in boxes)],
        )
        # merge A over both rows now: constant_memory has not flushed row r yet
        cur.ws.merge_range(r, 0, r + 1, 0, str(labels.value(level.code)), level_fmt)
        cur.ws.set_row(cur.row, 36)
        cur.line(
            None,
            *(count.get(b, 0) for b in boxes),
            formats=[None, *(_box_fmt(fm, b, "count") for b in boxes)],
        )


def _calibrated(cur: Cursor, fm: Formats, data: RunData, labels: Labels) -> None:
    """Under the grid (final boxes): how many boxes the committee changed (SPEC §4.9)."""
    up, down, same = lists.calibration_counts(data)
    text = labels.text(
        "Kotak akhir setelah kalibrasi: {n} pegawai diubah oleh kalibrasi ({u} naik, {d} "
        "turun), {s} dikonfirmasi",
        "Final boxes after calibration: {n} people changed by calibration ({u} up, {d} down), "
        "{s} confirmed",
    )
    cur.line(text.format(n=up + down, u=up, d=down, s=same), fmt=fm.note)


def _box_fmt(fm: Formats, box: int, part: str) -> object:
    strong, font, pale = BOX_COLOURS[box]
    if part == "label":
        return fm.get(
            bg_color=strong, font_color=font, bold=True, align="center", left=1, right=1, top=1
        )
    if part == "count":
        return fm.get(
            bg_color=strong,
            font_color=font,
            bold=True,
            font_size=20,
            align="center",
            valign="vcenter",
            left=1,
            right=1,
            bottom=1,
            num_format="#,##0",
        )
    if part == "head":
        return fm.get(
            bg_color=strong, font_color=font, bold=True, border=1, text_wrap=True, valign="top"
        )
    if part == "row":
        return fm.get(bg_color=strong, font_color=font, bold=True)
    return fm.get(bg_color=pale, left=1, right=1, text_wrap=True, valign="top")  # names wrap


def _box_table(cur: Cursor, fm: Formats, data: RunData, labels: Labels, boxes: pd.DataFrame):
    """Per box: count, share, placement, position; then a bar chart of it below."""
    t = labels.text
    _section(cur, fm, t("Sebaran per Kotak Talenta", "People per talent box"), 5)
    position = f"{labels.header('potential')} / {labels.header('performance')}"
    h, n, indent = fm.header, fm.header_num, fm.get(indent=1)
    flat = fm.get(bold=True, bg_color="#D9E1F2", bottom=1)  # no wrap: overflows to the right
    cur.line(
        labels.header("box"),
        labels.header("count"),
        "%",
        labels.header("placement"),
        position,
        formats=[h, n, n, fm.get(bold=True, bg_color="#D9E1F2", bottom=1, indent=1), flat],
    )
    where = {b: (lv, p) for lv, row in data.rules.nine_box.grid.items() for p, b in row.items()}
    total = max(int(boxes["count"].sum()), 1)
    first = cur.row
    word = t("Kotak", "Box")
    for b, n in zip(boxes["box"].tolist(), boxes["count"].tolist(), strict=True):
        lv, p = where.get(b, ("", ""))
        box = data.rules.nine_box.boxes.get(b)
        cur.line(
            f"{word} {b}",
            n,
            n / total,
            _placement_short(box.placement if box else "", labels),
            f"{labels.value(lv)} / {labels.value(p)}",
            formats=[_box_fmt(fm, b, "row"), fm.kind("jp"), fm.kind("pct"), indent, None],
        )
    _box_chart(cur, fm, labels, first, cur.row - 1)


def _placement_short(code: str, labels: Labels) -> str:
    """A placement's list name (Promosi, ...) where it has one, else its rules name."""
    return (
        labels.sheet(code)
        if code in lists.placement_codes(labels.rules)
        else str(labels.value(code))
    )


def _box_chart(cur: Cursor, fm: Formats, labels: Labels, first: int, last: int) -> None:
    """A column chart of the box table, each bar in its box colour, in rows kept free for it."""
    name = labels.sheet("ringkasan")
    chart = fm.wb.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": labels.text("Jumlah pegawai", "People"),
            "categories": [name, first, 0, last, 0],
            "values": [name, first, 1, last, 1],
            "points": [{"fill": {"color": BOX_COLOURS[b][0]}} for b in range(1, 10)],
            "data_labels": {"value": True},
            "gap": 60,
        }
    )
    chart.set_title(
        {"name": labels.text("Sebaran 9-Box", "9-box distribution"), "name_font": {"size": 12}}
    )
    chart.set_legend({"none": True})
    chart.set_x_axis({"num_font": {"size": 8}})
    chart.set_size({"width": 700, "height": 280})
    cur.skip()
    cur.ws.insert_chart(cur.row, 0, chart)
    cur.skip(15)  # 280 px of 20 px rows


def equity_charts(ws: Worksheet, fm: Formats, frame: pd.DataFrame, labels: Labels) -> None:
    """Beside the Kesetaraan list: a bar chart per dimension of the talent-pool rate of each
    group (native, from the sheet's own cells); flagged groups in orange."""
    if frame.empty:
        return
    name, col = labels.sheet("kesetaraan"), frame.columns.get_loc("talent_pool_rate")
    dims = frame["dimension"].to_numpy()
    at = 1
    for dim in dict.fromkeys(dims):
        rows = [i for i, d in enumerate(dims) if d == dim]
        first, last = rows[0] + 1, rows[-1] + 1  # sheet rows: the header is row 0
        flags = frame["flag"].to_numpy()[rows]
        chart = fm.wb.add_chart({"type": "bar"})
        chart.add_series(
            {
                "name": labels.header("talent_pool_rate"),
                "categories": [name, first, 1, last, 1],
                "values": [name, first, col, last, col],
                "points": [{"fill": {"color": "#FB8C00" if f else "#43A047"}} for f in flags],
                "data_labels": {"value": True, "num_format": "0.0%"},
            }
        )
        title = f"{labels.header('talent_pool_rate')}: {labels.value(dim, 'dimension')}"
        chart.set_title({"name": title, "name_font": {"size": 11}})
        chart.set_legend({"none": True})
        chart.set_x_axis({"num_format": "0%", "min": 0})
        chart.set_y_axis({"reverse": True, "num_font": {"size": 8}})
        chart.set_size({"width": 520, "height": max(200, 24 * len(rows) + 80)})
        ws.insert_chart(at, len(frame.columns) + 1, chart)
        at += max(11, (24 * len(rows) + 80) // 20 + 2)


def _count_table(
    cur: Cursor, fm: Formats, data: RunData, labels: Labels, column_name: str, order: list
) -> None:
    """Counts per value of one column (lists.counts), with the share of the classified."""
    _section(cur, fm, labels.text("Sebaran {}", "By {}").format(labels.header(column_name)), 3)
    table = lists.counts(data, column_name, order)
    h, n = fm.header, fm.header_num
    cur.line(labels.header(column_name), labels.header("count"), "%", formats=[h, n, n])
    total = max(int(table["count"].sum()), 1)
    for value, n in zip(table[column_name], table["count"], strict=True):
        cur.line(
            str(labels.value(value, column_name)),
            int(n),
            n / total,
            formats=[None, fm.kind("jp"), fm.kind("pct")],
        )
    cur.line(
        labels.text("Jumlah", "Total"),
        int(table["count"].sum()),
        None,
        formats=[_total(fm), _total(fm, "jp"), _total(fm)],
    )


def _total(fm: Formats, kind: str | None = None) -> object:
    props = {"bold": True, "top": 1}
    if kind:
        props["num_format"] = NUM_FORMATS[kind]
    return fm.get(**props)


def _training(cur: Cursor, fm: Formats, data: RunData, labels: Labels) -> None:
    """Cohort totals of the development plans (SPEC §4.8)."""
    t = labels.text
    _section(cur, fm, labels.sheet("rencana"))
    people, plans = data.people, data.plans
    n = max(len(people), 1)
    rows = [
        (t("Pegawai dengan rencana", "People with a plan"), plans["nip"].nunique(), "jp"),
        (t("Jumlah program", "Programmes planned"), len(plans), "jp"),
        (t("Total JP", "Total JP"), int(people["plan_jp"].sum()), "jp"),
        (
            t("Rata-rata JP per pegawai", "Average JP per person"),
            people["plan_jp"].sum() / n,
            "dec2",
        ),
        (t("Total biaya", "Total cost"), int(people["plan_cost"].sum()), "rupiah"),
        (
            t("Program klasikal (berbiaya)", "Classroom programmes (paid)"),
            int((plans["form"] == "klasikal").sum()),
            "jp",
        ),
    ]
    for text, value, kind in rows:
        cur.line(text, float(value), formats=[None, fm.kind(kind)])


def _units(cur: Cursor, fm: Formats, data: RunData, labels: Labels) -> None:
    """Per unit (lists.unit_counts) with a cohort total row."""
    t = labels.text
    table = lists.unit_counts(data)
    _section(cur, fm, t("Per Unit Kerja", "Per unit"), len(table.columns))
    heads = [
        labels.header(c) if c not in lists.placement_codes(data.rules) else labels.sheet(c)
        for c in table.columns
    ]
    widths = [*RINGKASAN_WIDTHS, *[14] * len(heads)][: len(heads)]  # a placement the rules add
    for c in range(len(RINGKASAN_WIDTHS), len(heads)):
        cur.ws.set_column(c, c, 14)
    cur.ws.set_row(cur.row, header_height(heads, widths))
    cur.line(*heads, formats=[fm.header, *[fm.header_num] * (len(heads) - 1)])
    kinds = [None, *["jp"] * (len(table.columns) - 2), "money"]
    formats = [fm.kind(k) if k else None for k in kinds]
    for rec in table.itertuples(index=False):
        unit, *nums = rec
        cur.line(
            unit if isinstance(unit, str) else t("(tanpa unit)", "(no unit)"),
            *(int(x) for x in nums),
            formats=formats,
        )
    sums = [int(table[c].sum()) for c in table.columns[1:]]
    cur.line(t("Jumlah", "Total"), *sums, formats=[_total(fm), *(_total(fm, k) for k in kinds[1:])])


def _traceability(cur: Cursor, fm: Formats, data: RunData, labels: Labels) -> None:
    """Tool, cycle, as_of, rules and input files with their SHA-256: how to reproduce this."""
    t = labels.text
    run = data.run
    _section(cur, fm, t("Ketertelusuran", "Traceability"), 9)
    bold = fm.get(bold=True)
    for text, value in [
        (t("Aplikasi", "Tool"), f"talentcli {__version__}"),
        (t("Siklus", "Cycle"), str(run["cycle"])),
        (t("Proses klasifikasi", "Classification run"), f"#{run['id']}"),
        (t("Kondisi per tanggal", "As of"), long_date(run["as_of"], labels.lang)),
        (t("Berkas aturan", "Rules file"), str(run["rules_name"])),
        (t("SHA-256 aturan", "Rules SHA-256"), str(run["rules_sha256"])),
    ]:
        cur.line(text, value, formats=[bold, None])
    cur.skip()
    h, n, small = fm.header, fm.header_num, fm.get(font_size=9)
    cur.line(
        t("Berkas masukan", "Input file"),
        "SHA-256",
        None,
        None,
        t("Jenis", "Kind"),
        t("Baris dibaca", "Rows read"),
        t("Diterima", "Accepted"),
        t("Ditolak", "Rejected"),
        t("Dilewati", "Skipped"),
        formats=[h, h, h, h, h, n, n, n, n],
    )
    num = fm.kind("jp")
    for rec in data.inputs.to_dict("records"):
        counts = (int(rec[k]) for k in ("rows_read", "accepted", "rejected", "skipped"))
        cur.line(
            str(rec["file"]),
            str(rec["sha256"]),
            None,
            None,
            str(rec["kind"]),
            *counts,
            formats=[None, small, None, None, None, num, num, num, num],
        )


# ------------------------------------------------------------------ Peta Talenta


def peta(ws: Worksheet, fm: Formats, data: RunData, labels: Labels, hasil: pd.DataFrame) -> None:
    """The 9-box with names: per potential level a row of three boxes, one "Nama (NIP)" a cell."""
    t = labels.text
    who = hasil.sort_values(["box", "jpm", "nip"], ascending=[True, False, True])
    text = who["nama"].fillna("").astype(str) + " (" + who["nip"].astype(str) + ")"
    before = lists.computed_boxes(lists.with_computed(who)["box_computed"])
    moved = ~np.isnan(before) & (before != who["box"].to_numpy(dtype=float))
    if moved.any():  # calibrated (SPEC §4.9): "Nama (NIP) 7→9", CALIBRATED_LEGEND
        pair = pd.Series(before[moved].astype(int), index=who.index[moved]).astype(str)
        pair = " " + pair + "→" + who.loc[moved, "box"].astype(int).astype(str)
        text = text.where(~moved, text + pair.reindex(text.index, fill_value=""))
    names = {int(b): g.tolist() for b, g in text.groupby(who["box"].to_numpy(), sort=False)}
    widths = [max(map(len, v), default=0) for v in names.values()]
    _print_setup(ws, fit=True)
    page_header(ws, data, labels, labels.sheet("peta"))
    ws.set_column(0, 0, 16)
    width = min(max([30, *widths]) + 2, PETA_WIDTH)  # longer names wrap
    ws.set_column(1, 3, width)
    cur = Cursor(ws)
    _title(cur, fm, data, labels.sheet("peta"), labels)
    cur.line(
        t(
            "Setiap sel: Nama (NIP), urut JPM tertinggi. Rincian per orang: sheet Hasil.",
            "Each cell: Name (NIP), highest JPM first. Details per person: sheet Results.",
        ),
        fmt=fm.note,
    )
    if moved.any():
        cur.line(t(*CALIBRATED_LEGEND), fmt=fm.note)
    axis = f"{labels.header('potential')} ↓   {labels.header('performance')} →"
    cur.ws.set_row(cur.row, 30)
    ws.repeat_rows(cur.row)
    cur.line(axis, *(str(labels.value(p)) for p in PERFORMANCE_LEVELS), fmt=fm.header)
    ws.freeze_panes(cur.row, 1)
    for level, boxes in box_grid(data.rules):
        _peta_band(cur, fm, labels, str(labels.value(level.code)), boxes, names, width)


def _peta_band(
    cur: Cursor, fm: Formats, labels: Labels, level: str, boxes: list[int], names: dict, width
) -> None:
    """One potential level: a heading per box (number, count), then the names beneath (a
    row as tall as its longest name wraps to: a PDF converter does not size rows)."""
    people = labels.text("pegawai", "people")
    word = labels.text("Kotak", "Box")
    heads = [f"{word} {b}: {len(names.get(b, [])):,} {people}".replace(",", ".") for b in boxes]
    level_fmt = fm.get(bold=True, bg_color="#D9E1F2", border=1, valign="top", text_wrap=True)
    cur.line(level, *heads, formats=[level_fmt, *(_box_fmt(fm, b, "head") for b in boxes)])
    columns = [names.get(b, []) for b in boxes]
    depth = max(1, *map(len, columns))
    cells = [_box_fmt(fm, b, "name") for b in boxes]
    edge = fm.get(bg_color="#D9E1F2", left=1, right=1, font_color="#808080")
    put, blank = cur.ws.write_string, cur.ws.write_blank
    fits = _chars_per_line(width)
    for i in range(depth):
        r = cur.row + i
        long = [col[i] for col in columns if i < len(col) and len(col[i]) > fits]
        if long:
            cur.ws.set_row(r, LINE_POINTS * max(wrapped_lines(t, fits) for t in long))
        put(r, 0, level, edge)  # the level on every row: still readable on page 5 or filtered
        for c, (col, f) in enumerate(zip(columns, cells, strict=True), 1):
            if i < len(col):
                put(r, c, col[i], f)
            else:
                blank(r, c, None, f)
    cur.row += depth
    bottom = fm.get(top=1)
    cur.line(None, None, None, None, fmt=bottom)
