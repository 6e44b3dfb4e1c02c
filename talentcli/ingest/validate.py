"""Normalise and validate the rows under a header, column by column (no per-row Python loops).

Every data row ends as exactly one of accepted, rejected (with reasons) or skipped.
Violations are data: one DataFrame row per problem, with its cell reference.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from talentcli.ingest.header import Header, column_letter
from talentcli.ingest.read import Grid
from talentcli.kinds import KINDS
from talentcli.nip import BIRTH_YEARS, NIP_LENGTH, birth_parts, byte_grid, days_in_month
from talentcli.numeric import round_half_up, to_float
from talentcli.rules import Rules, norm_value

VIOLATION_COLUMNS = [
    "pos",
    "severity",
    "row",
    "cell",
    "column",
    "header",
    "field",
    "code",
    "value",
    "message",
]
# Beside VIOLATION_COLUMNS, each violation carries the NIP of its row as read (digits, also
# when invalid; None when lost or blank) and, for kinerja, the row's year: stored for
# `explain` and the kinerja_tahun_ditolak note, never shown (nor logged) with the errors.
ROW_KEYS = ["nip", "tahun"]
TAHUN_RANGE = (1990, 2100)
_SCI = r"^[0-9]+(?:[.,][0-9]+)?[eE]\+?[0-9]+$"


@dataclass
class Checked:
    """The outcome of validating one sheet."""

    kind: str
    accepted: pd.DataFrame  # normalised, typed fields + `_row`
    violations: pd.DataFrame  # VIOLATION_COLUMNS
    rows_read: int
    rejected_pos: np.ndarray  # positions (in the data rows) of rejected rows
    rejected_cells: pd.DataFrame  # the original cells of the rejected rows, `_row` first
    skipped: int
    notes: list[str] = field(default_factory=list)
    sheet: str = ""
    header_row: int = 0  # Excel row of the header (its last row when it spans two)
    # per sheet read: {sheet, header_row, rows_read, accepted, rejected, skipped}
    sheets: list[dict] = field(default_factory=list)
    columns: dict[str, tuple[str, str]] = field(default_factory=dict)  # field -> letter, header
    # data-row positions -> those rows' original cells (for rows rejected after validation)
    originals: Callable[[np.ndarray], pd.DataFrame] | None = None

    @property
    def rejected(self) -> int:
        """Number of rejected rows."""
        return len(self.rejected_pos)

    def counts(self) -> dict:
        """This sheet's line of `sheets` in --json."""
        return {
            "sheet": self.sheet,
            "header_row": self.header_row,
            "rows_read": self.rows_read,
            "accepted": len(self.accepted),
            "rejected": self.rejected,
            "skipped": self.skipped,
        }


class _Sheet:
    """The data rows of one sheet and the bookkeeping of their violations."""

    def __init__(self, grid: Grid, header: Header, file: str) -> None:
        self.start = header.index + 1
        self.grid = grid
        self.n = max(len(grid) - self.start, 0)
        self.rows = np.arange(self.start + 1, self.start + 1 + self.n)  # Excel row numbers
        self.header = header
        self.where = file if grid.is_csv else grid.sheet
        self.file = file
        self.found: list[pd.DataFrame] = []
        self.text: dict[str, pd.Series] = {}
        self.blank: dict[str, pd.Series] = {}
        self.coded: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # see worded()
        # field -> what its stored text means, where the text is kept as written (a predikat
        # and its rating): duplicates are told apart by the meaning
        self.meaning: dict[str, pd.Series] = {}
        self.nip_read: pd.Series | None = None  # each row's NIP digits as read (_check_nip)

    def raw(self, name: str) -> pd.Series:
        """The raw cells of a field, or an empty column when the file has none."""
        col = self.header.columns.get(name)
        if col is None:
            return pd.Series([""] * self.n, dtype=object)
        return self.grid.column(col, self.start)

    def add(
        self,
        name: str,
        mask: pd.Series,
        code: str,
        message: Callable[[np.ndarray], Any] | pd.Series | str,
        severity: str = "error",
    ) -> None:
        """Record a violation for every row where mask holds. A callable message gets the
        flagged positions and words only those rows (most rows of most files flag nothing)."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        col = self.header.columns[name]
        letter = column_letter(col)
        pos = np.flatnonzero(mask)
        rows = self.rows[pos]
        text = self.text[name].iloc[pos].to_numpy()
        if callable(message):
            msg = list(message(pos))
        elif isinstance(message, pd.Series):
            msg = message.iloc[pos].to_numpy()
        else:
            msg = message
        self.found.append(
            pd.DataFrame(
                {
                    "pos": pos,
                    "severity": severity,
                    "row": rows,
                    "cell": [f"{self.where}!{letter}{r}" for r in rows],
                    "column": letter,
                    "header": self.header.title(name),
                    "field": name,
                    "code": code,
                    "value": text,
                    "message": msg,
                }
            )
        )


def _factorize(s: pd.Series) -> tuple[np.ndarray, Any]:
    """pd.factorize of cells, with TRUE and FALSE cells kept apart from 1 and 0 (equal, and
    hashed alike, in Python): looked for only among the cells grouped as a 0 or a 1."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    if s.dtype != object or not len(uniques):
        return codes, uniques
    distinct = np.asarray(uniques, dtype=object)
    zero_or_one = np.flatnonzero((distinct == 0) | (distinct == 1))
    cells = s.to_numpy(dtype=object)
    if len(zero_or_one) and bool in set(map(type, cells[np.isin(codes, zero_or_one)].tolist())):
        kept = [str(v) if type(v) is bool else v for v in cells]  # rare: words them first
        codes, uniques = pd.factorize(pd.Series(kept, dtype=object), use_na_sentinel=True)
    return codes, uniques


def _distinct(s: pd.Series, fn: Callable[[Any], Any], na: Any) -> tuple[np.ndarray, np.ndarray]:
    """(codes, table): fn of each distinct cell value once, NA last; table[codes] is fn of
    every cell (code -1, a NaN/None cell, picks the last entry)."""
    codes, uniques = _factorize(s)
    table = np.empty(len(uniques) + 1, dtype=object)
    table[:-1] = [fn(u) for u in uniques]
    table[-1] = na
    return codes, table


def per_value(s: pd.Series, fn: Callable[[Any], Any], na: Any = None) -> np.ndarray:
    """fn applied once per distinct cell value (most columns repeat a few values), NaN -> na."""
    codes, table = _distinct(s, fn, na)
    return table[codes]


def _cell_text(v: Any) -> str:
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else str(v)
    if isinstance(v, datetime.date | datetime.datetime):
        return v.isoformat()
    return str(v).strip()


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


TEXT = pd.StringDtype("pyarrow", na_value=np.nan)  # Arrow-backed text: C-level string work


def _one_chunk(arr: Any) -> Any:
    """A chunked Arrow array (a multi-threaded CSV read) as one contiguous array."""
    return arr.combine_chunks() if hasattr(arr, "combine_chunks") else arr


def _arrow_text(cells: pd.Series) -> Any:
    """A column of cells as an Arrow string array, or None when some cell is not text."""
    import pyarrow as pa

    if isinstance(cells.dtype, pd.StringDtype):  # a CSV column: Arrow already
        return _one_chunk(pa.array(cells.array, type=pa.string(), from_pandas=True))
    try:
        return pa.array(cells.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return None


def worded(s: pd.Series) -> tuple[pd.Series, pd.Series, tuple[np.ndarray, np.ndarray] | None]:
    """Cells as stripped text (whole numbers without '.0', empty for None/NaN), whether it
    is empty, and for cells that are not all text the (codes, words) they were worded from:
    text = words[codes], each distinct value worded once."""
    import pyarrow.compute as pc

    text = _arrow_text(s)
    if text is None:  # numbers or dates among the cells: worded once per distinct value
        codes, words = _distinct(s, _cell_text, "")
        blank = pd.Series((words == "")[codes])
        return pd.Series(words[codes], dtype=object), blank, (codes, words)
    trimmed = pd.Series(pc.utf8_trim_whitespace(text.fill_null("")), dtype=TEXT)
    return trimmed, trimmed == "", None


def parse_number(text: pd.Series) -> pd.Series:
    """Text with a decimal comma or dot -> float; NaN where not a number."""
    return pd.Series(per_value(text, to_float, np.nan).astype(float))


def _number(sh: _Sheet, name: str) -> pd.Series:
    """parse_number of a field's text, from its words when it was worded from cells."""
    return numbers(sh.text[name], sh.coded.get(name))


def numbers(text: pd.Series, coded: tuple[np.ndarray, np.ndarray] | None) -> pd.Series:
    """parse_number of TEXT as worded() gave it: from its CODED words (each parsed once)
    when the cells were not all text."""
    if coded is None:
        return parse_number(text)
    codes, words = coded
    return pd.Series(np.array([to_float(w) for w in words], dtype=float)[codes])


def validate(grid: Grid, header: Header, kind: str, rules: Rules, file: str) -> Checked:
    """Validate every data row below the header of one sheet."""
    sh = _Sheet(grid, header, file)
    spec = KINDS[kind]
    names = [f for f in spec.fields_for(rules) if f in header.columns]
    for name in names:
        sh.text[name], sh.blank[name], coded = worded(sh.raw(name))
        if coded is not None:
            sh.coded[name] = coded
    n = sh.n
    ident = list(spec.ident_for(rules))
    blank = np.logical_and.reduce([sh.blank[f].to_numpy() for f in ident if f in sh.blank])
    _formula_errors(sh, names, ~blank)
    blank = np.logical_and.reduce([sh.blank[f].to_numpy() for f in ident if f in sh.blank])
    skipped = blank | _numbering_row(sh, names) | _footer_rows(sh, ident) | _summary_rows(sh, blank)
    dup = _duplicate_rows(sh, names, skipped)
    live = ~(skipped | dup)
    out = pd.DataFrame({"_row": sh.rows})
    if "nip" in names:
        out["nip"] = _check_nip(sh, live)
    # a row whose cells are not under their headers (a CSV row with more fields than the
    # header, an unclosed quote) is rejected for that alone: its cells are not checked
    whole = live & ~(_unclosed_quote(sh, live) | _extra_fields(sh, live))
    _check_required(sh, kind, rules, whole)
    checks = {"asesmen": _check_asesmen, "kinerja": _check_kinerja, "formasi": _check_formasi}
    checks["pegawai"] = _check_pegawai
    checks["kalibrasi"] = _check_kalibrasi
    checks[kind](sh, rules, whole, out)
    for name in ("nama", "jabatan", "unit", "golongan"):
        if name in names:
            out[name] = _within_cell_limit(sh, name, whole)
    live = live & ~_check_duplicate_keys(sh, out, list(spec.key), whole)
    violations = _collect(sh)
    bad = _with_errors(sh)
    accepted = out[live & ~bad].reset_index(drop=True)
    notes = [*header.chosen, *_unknown_note(header.unknown)]
    if not live.any():
        notes.insert(0, "no data rows below the header: is this the right file or sheet?")
    violations = _with_row_keys(violations, sh, out)
    errors = np.flatnonzero(bad)
    return Checked(
        kind,
        accepted,
        violations,
        n,
        errors,
        _original(sh, errors),
        int((~live).sum()),
        notes,
        grid.sheet,
        header.index + 1,
        columns={f: (column_letter(c), header.title(f)) for f, c in header.columns.items()},
        originals=lambda pos: _original(sh, pos),
    )


def _header_fields(sh: _Sheet) -> int:
    """How many fields the header row of a delimited text has as written (of a header over
    two rows, the wider); below the first rows counted when read, its last titled column."""
    i, counts = sh.header.index, sh.grid.head_fields
    if i >= len(counts):  # --header-row past them
        return max(sh.header.titles, default=-1) + 1
    return max(counts[max(i - sh.header.rows + 1, 0) : i + 1])


def _cells_at(sh: _Sheet, pos: np.ndarray, col: np.ndarray) -> np.ndarray:
    """The text of the cell at column COL[i] of data row POS[i]: a column at a time."""
    out = np.empty(len(pos), dtype=object)
    for c in np.unique(col).tolist():
        at = col == c
        out[at] = worded(sh.grid.column(c, sh.start).iloc[pos[at]])[0].to_numpy(dtype=object)
    return out


def _add_row_problem(
    sh: _Sheet, pos: np.ndarray, col: np.ndarray, code: str, message: list[str], value: Any
) -> None:
    """A violation of the whole row at POS, its cell the one at column COL (not a field's)."""
    letters = [column_letter(c) for c in col.tolist()]
    rows = sh.rows[pos]
    sh.found.append(
        pd.DataFrame(
            {
                "pos": pos,
                "severity": "error",
                "row": rows,
                "cell": [f"{sh.where}!{x}{r}" for x, r in zip(letters, rows, strict=True)],
                "column": letters,
                "header": [str(sh.header.titles.get(c) or "") for c in col.tolist()],
                "field": None,
                "code": code,
                "value": value,
                "message": message,
            }
        )
    )


def _extra_fields(sh: _Sheet, live: np.ndarray) -> np.ndarray:
    """Rows of a delimited text with a value past the header row's last field (SPEC §3.2:
    nothing dropped silently): their values are not under their headers any more, often
    from a decimal comma not in quotes (3,5 read as two fields). Rejected `extra-fields`,
    at the first extra value. A sheet of a workbook has no such rows (a cell right of the
    header is a note, not shifted data), nor has a row whose extra fields are all empty."""
    out = np.zeros(sh.n, dtype=bool)
    width = _header_fields(sh)
    if not sh.grid.is_csv or not width or sh.grid.width <= width:
        return out
    first = np.full(sh.n, -1)
    last = np.full(sh.n, -1)
    for c in range(width, sh.grid.width):  # a column at a time: only the extra columns
        filled = live & ~worded(sh.grid.column(c, sh.start))[1].to_numpy(dtype=bool)
        first[(first < 0) & filled] = c
        last[filled] = c
    out = first >= 0
    if not out.any():
        return out
    pos = np.flatnonzero(out)
    cause = _decimal_comma(sh, pos, last[pos]) if sh.grid.sep == "," else [""] * len(pos)
    after = column_letter(width - 1)
    message = [
        f"this row has {n + 1} fields, the header {width}: "
        + (
            f"a decimal comma not in quotes ({why})? Save the file with ';' as separator "
            "or quote the numbers, and import again"
            if why
            else f"the values past column {after} have no header, so this row's values may "
            "not be under their headers (a separator inside a value, or values added?); "
            "correct the row and import again"
        )
        for n, why in zip(last[pos].tolist(), cause, strict=True)
    ]
    _add_row_problem(sh, pos, first[pos], "extra-fields", message, _cells_at(sh, pos, first[pos]))
    return out


_SCORE_PARTS = (r"^[0-9]{1,3}$", r"^[0-9]{1,4}$")  # "3,25" read as "3" and "25"


def _decimal_comma(sh: _Sheet, pos: np.ndarray, last: np.ndarray) -> list[str]:
    """For the rows at POS, the first two neighbouring fields that read as one number with
    a decimal comma ("3,5"), or "" where the row has none: a column pair at a time."""
    cells = [worded(sh.grid.column(c, sh.start).iloc[pos])[0] for c in range(sh.grid.width)]
    whole = [t.str.match(_SCORE_PARTS[0]).to_numpy(dtype=bool, na_value=False) for t in cells]
    part = [t.str.match(_SCORE_PARTS[1]).to_numpy(dtype=bool, na_value=False) for t in cells]
    found = np.full(len(pos), -1)
    for c in range(len(cells) - 1):
        pair = (found < 0) & whole[c] & part[c + 1] & (c + 1 <= last)
        found[pair] = c
    return [
        f"{cells[c].iat[i]},{cells[c + 1].iat[i]}" if c >= 0 else ""
        for i, c in enumerate(found.tolist())
    ]


def _unclosed_quote(sh: _Sheet, live: np.ndarray) -> np.ndarray:
    """Rows of a delimited text where a quote opened and never closed: the parser read the
    lines after it as part of one cell, up to the next quote. Told apart from a legal cell of
    several lines (a committee's reason) by what follows its first line break: the start of
    a person's row, a NIP in the NIP column's place. Rejected `unclosed-quote` once, at that
    cell, saying how many lines went into it (those people were not read)."""
    out = np.zeros(sh.n, dtype=bool)
    nip_at = sh.header.columns.get("nip")
    if not sh.grid.is_csv or not sh.grid.line_breaks or nip_at is None:
        return out
    col = np.full(sh.n, -1)
    for c in range(sh.grid.width):
        text = sh.grid.column(c, sh.start)  # a cell with a line break is rare: looked at as read
        broken = text.str.contains("\n", regex=False).to_numpy(dtype=bool, na_value=False)
        at = np.flatnonzero(broken & live & (col < 0))
        if not len(at):
            continue
        after = text.iloc[at].astype(object).str.split("\n", n=1).str[1]  # the next line on
        field = after.str.split(sh.grid.sep).str[nip_at].fillna("")
        digits = field.str.replace(r"[\s.'\"-]", "", regex=True)
        inside = digits.str.fullmatch(r"\d{18}").to_numpy(dtype=bool, na_value=False)
        col[at[inside]] = c
    out = col >= 0
    if not out.any():
        return out
    pos = np.flatnonzero(out)
    cells = pd.Series(_cells_at(sh, pos, col[pos]), dtype=object)
    lines = cells.str.rstrip("\r\n").str.count("\n").tolist()
    shown = (cells.str.split("\n", n=1).str[0] + " ...").to_numpy()  # not the rows inside
    message = [
        f'an opening quote " without its closing quote from row {r}: the rows after it '
        f"({n} line{'s' if n != 1 else ''}) were read as one cell, and those people were "
        "not read; add the closing quote (or remove the opening one) and import again"
        for r, n in zip(sh.rows[pos].tolist(), lines, strict=True)
    ]
    _add_row_problem(sh, pos, col[pos], "unclosed-quote", message, shown)
    return out


def _with_row_keys(violations: pd.DataFrame, sh: _Sheet, out: pd.DataFrame) -> pd.DataFrame:
    """VIOLATIONS with ROW_KEYS: the NIP of each one's row as read, and its year (kinerja)."""
    pos = violations["pos"].to_numpy(dtype=np.int64)
    nip = sh.nip_read if sh.nip_read is not None else pd.Series([None] * sh.n, dtype=object)
    year = out["tahun"] if "tahun" in out else pd.Series([None] * sh.n, dtype=object)
    return violations.assign(
        nip=nip.to_numpy(dtype=object)[pos],
        tahun=year.astype(object).where(year.notna(), None).to_numpy()[pos],
    )


def shown(violations: pd.DataFrame) -> pd.DataFrame:
    """VIOLATIONS as the user sees them (--json, the log, the rejects): VIOLATION_COLUMNS
    without the position and the row keys."""
    return violations.drop(columns=[c for c in ("pos", *ROW_KEYS) if c in violations])


def _unknown_note(unknown: list[str]) -> list[str]:
    """The columns no alias knows, in one note line: the first 10 and how many in all."""
    if not unknown:
        return []
    more = f", and {len(unknown) - 10} more" if len(unknown) > 10 else ""
    what = "column" if len(unknown) == 1 else f"{len(unknown)} columns"
    return [f"{what} not used: {', '.join(unknown[:10])}{more}"]


def _original(sh: _Sheet, pos: np.ndarray) -> pd.DataFrame:
    """The rejected rows as they were, under their own header texts."""
    rows = sh.grid.rows_at(pos + sh.start)
    width = max([sh.grid.width, *(len(r) for r in rows)])
    names: list[str] = []
    for c in range(width):
        name = str(sh.header.titles.get(c) or column_letter(c))
        names.append(f"{name} [{column_letter(c)}]" if name in names else name)
    padded = [list(r) + [None] * (width - len(r)) for r in rows]
    errors = sh.grid.formula_errors_read()
    if errors:  # a formula's saved error (#DIV/0!) as the cell shows it, not an empty cell
        at = {p: i for i, p in enumerate((pos + sh.start).tolist())}
        for (r, c), value in errors.items():
            if r in at and c < width:
                padded[at[r]][c] = value
    out = pd.DataFrame(padded, columns=names, dtype=object)
    out.insert(0, "_row", sh.rows[pos])
    return out


def _formula_errors(sh: _Sheet, names: list[str], filled_rows: np.ndarray) -> None:
    """A formula whose saved value is #DIV/0! or #N/A is not an empty cell: show the error.

    Looked up only when a row with data has an empty cell (blank and footer rows do not count).
    """
    if not any((sh.blank[f].to_numpy() & filled_rows).any() for f in names):
        return
    if not sh.grid.formula_errors:
        return
    by_col: dict[int, list[tuple[int, str]]] = {}
    for (r, c), value in sh.grid.formula_errors.items():
        if sh.start <= r < sh.start + sh.n:
            by_col.setdefault(c, []).append((r - sh.start, value))
    for name in names:
        for pos, value in by_col.get(sh.header.columns[name], []):
            sh.coded.pop(name, None)  # the text no longer follows its codes
            sh.text[name].iat[pos] = value
            sh.blank[name].iat[pos] = False


def _with_errors(sh: _Sheet) -> np.ndarray:
    """The rows with an error (not a warning) recorded so far."""
    out = np.zeros(sh.n, dtype=bool)
    for found in sh.found:
        out[found.loc[found["severity"] == "error", "pos"].to_numpy(dtype=np.int64)] = True
    return out


def _collect(sh: _Sheet) -> pd.DataFrame:
    if not sh.found:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in VIOLATION_COLUMNS})
    v = pd.concat(sh.found, ignore_index=True)
    return v.sort_values(["row", "column"], kind="stable").reset_index(drop=True)


def _numbering_row(sh: _Sheet, names: list[str]) -> np.ndarray:
    """The '1 2 3 4 ...' (or '(1) (2) ...') column-number row some templates put under the
    header."""
    out = np.zeros(sh.n, dtype=bool)
    if sh.n and len(names) >= 3:
        first = [sh.text[f].iat[0].strip("()[] ") for f in names]
        nums = [int(t) for t in first if t.isdigit()]
        if len(nums) == len([t for t in first if t]) and nums == sorted(set(nums)) and nums:
            out[0] = len(nums) >= 3
    return out


_SIGNER = re.compile(r"(?i)^nip\b")
_SUMMARY = re.compile(r"^(jumlah|total|rata[\s-]*rata|rerata)\b", re.I)


def _footer_rows(sh: _Sheet, ident: list[str]) -> np.ndarray:
    """Signature and summary lines, skipped like blank rows: 'NIP. 1968...' under a
    signature, or a 'Jumlah' / 'Rata-rata' row, with every value cell empty; and the
    signature block below the data (_signature_block)."""
    key = "nip" if "nip" in sh.text else "kode"
    out = _signature_block(sh, key)
    values = [f for f in ident if f in sh.blank and f not in ("nip", "kode")]
    if not values:
        return out
    empty = np.logical_and.reduce([sh.blank[f].to_numpy() for f in values])
    pos = np.flatnonzero(empty)  # only rows with every value cell empty can be footers
    if not len(pos):
        return out
    at = {f: sh.text[f].iloc[pos] for f in ("nama", "jabatan", key) if f in sh.text}
    label = at[key].str.match(_SIGNER).to_numpy(dtype=bool)
    summary = np.logical_or.reduce(
        [t.str.match(_SUMMARY).to_numpy(dtype=bool) for t in at.values()]
    )
    out[pos] |= label | (summary & sh.blank[key].to_numpy()[pos])
    return out


# A summary row's label (SPEC §3.2), the whole text of a cell: "Jumlah", "RATA-RATA :",
# "Nilai Rata-rata", "Total Skor"; never a name that happens to start with "Total".
_SUMMARY_CELL = re.compile(
    r"(?i)^\s*(nilai\s+)?(jumlah|total|rata[\s-]*rata|rerata)"
    r"(\s+(nilai|skor|pegawai|keseluruhan|akhir|kelompok|unit))?\s*:?\s*$"
)


def _summary_rows(sh: _Sheet, blank: np.ndarray) -> np.ndarray:
    """Rows with the identifier empty and a cell that says Jumlah, Total, Rata-rata, Rerata
    or Nilai Rata-rata (any case): summary rows, skipped wherever they are (SPEC §3.2),
    even with numbers (the averages) in the score columns. Rows already BLANK are skipped
    anyway: only rows with values but no identifier are looked at (few, in any file)."""
    key = "nip" if "nip" in sh.blank else "kode"
    out = np.zeros(sh.n, dtype=bool)
    pos = np.flatnonzero(sh.blank[key].to_numpy() & ~blank)
    if not len(pos):
        return out
    for p, row in zip(pos, sh.grid.rows_at(pos + sh.start), strict=True):
        out[p] = any(isinstance(v, str) and _SUMMARY_CELL.match(v) for v in row)
    return out


FOOTER_ROWS = 15  # at most this many rows below the data are taken as a signature block
SIGNATURE_CELLS = 2  # a signature line holds one text, or two when two people sign


def _signature_block(sh: _Sheet, key: str) -> np.ndarray:
    """The few rows below the last identified row (a NIP or a kode; a signer's 'NIP. ...'
    line does not count) that are signature lines wherever the page put them ('Serang, 12
    Mei 2026', 'Kepala BKPSDM', 'ttd' under the score columns): at most two filled cells
    and no number in any cell. A row with more, or with a number (a year, a score), may be
    a person whose identifier is missing: it is checked like any row."""
    out = np.zeros(sh.n, dtype=bool)
    ids = np.flatnonzero(~sh.blank[key].to_numpy())
    texts = sh.text[key]
    last = len(ids) - 1
    while last >= 0 and sh.n - ids[last] <= FOOTER_ROWS and _SIGNER.match(texts.iat[ids[last]]):
        last -= 1  # the signer's own NIP line
    below = np.arange(ids[last] + 1 if last >= 0 else 0, sh.n)
    if not len(below) or len(below) > FOOTER_ROWS:
        return out
    for p, row in zip(below, sh.grid.rows_at(below + sh.start), strict=True):  # <= 15 rows
        filled = [v for v in row if v is not None and str(v).strip()]
        out[p] = len(filled) <= SIGNATURE_CELLS and not any(map(_numeric, filled))
    return out


def _numeric(v: Any) -> bool:
    """A number, or text that reads as one (3,25; 2025)."""
    return _is_number(v) or (isinstance(v, str) and not np.isnan(to_float(v)))


def _duplicate_rows(sh: _Sheet, names: list[str], skipped: np.ndarray) -> np.ndarray:
    """Rows whose recognised cells all repeat an earlier row: skipped with a warning."""
    out = np.zeros(sh.n, dtype=bool)
    # identical rows share every cell: compare whole rows only among those sharing the key's
    key = [f for f in ("nip", "tahun", "kode") if f in sh.text] or names[:1]
    maybe = repeated([sh.text[f] for f in key], ~skipped)
    if not maybe.any():
        return out
    frame = pd.DataFrame({f: sh.text[f] for f in names})
    frame = frame[maybe]
    dup = frame.duplicated(keep="first")
    if not dup.any():
        return out
    hashes = pd.util.hash_pandas_object(frame, index=False)
    first_row = pd.Series(sh.rows[maybe], index=frame.index).groupby(hashes).transform("first")
    out[dup[dup].index] = True
    msg = pd.Series("", index=range(sh.n), dtype=object)
    msg.loc[dup[dup].index] = (
        "the row repeats row " + first_row[dup].astype(str) + " exactly; skipped, the first is kept"
    )
    sh.add(names[0], out, "duplicate-row", msg, severity="warning")
    return out


EXCEL_CELL_MAX = 32_767  # characters a spreadsheet cell holds (Excel's limit)


def _within_cell_limit(sh: _Sheet, name: str, live: np.ndarray) -> pd.Series:
    """A text column with any value longer than a spreadsheet cell holds cut to the limit,
    with a warning (a CSV can carry more: the reports and rejects would cut it silently)."""
    text = sh.text[name]
    long = live & (text.str.len().fillna(0).to_numpy() > EXCEL_CELL_MAX)
    if not long.any():
        return text
    sh.add(
        name,
        long,
        "too-long",
        f"{sh.header.title(name)} holds more than {EXCEL_CELL_MAX:,} characters, a spreadsheet "
        "cell's limit; it was cut to that length",
        severity="warning",
    )
    return text.where(~long, text.str.slice(0, EXCEL_CELL_MAX))


def _check_required(sh: _Sheet, kind: str, rules: Rules, live: np.ndarray) -> None:
    spec = KINDS[kind]
    for name in spec.required_for(rules):
        sh.add(
            name,
            live & sh.blank[name].to_numpy(),
            "missing-value",
            f"{sh.header.title(name)} is empty; fill it in and import the file again",
        )
    if spec.one_of:
        fields = [f for f in spec.one_of if f in sh.blank]
        none = np.logical_and.reduce([sh.blank[f].to_numpy() for f in fields])
        sh.add(
            fields[0],
            live & none,
            "missing-value",
            f"{sh.header.title(fields[0])} is empty; give the predikat of that year",
        )


_SCI_RE = re.compile(_SCI)
APOSTROPHES = "'\u2018\u2019"  # a leading apostrophe, straight or as a word processor curls it
_LOST = "\x00lost"  # marker: the cell cannot hold the real NIP


def _nip_digits(v: Any) -> str:
    if _is_number(v):
        if abs(v) >= 1e15:
            return _LOST
        return str(int(v)) if float(v).is_integer() else str(v)
    t = str(v).strip().lstrip(APOSTROPHES).strip()
    return _LOST if _SCI_RE.fullmatch(t) else re.sub(r"[\s.\-]", "", t)


_SPACE = r"\s\x{0B}\x{85}\p{Z}"  # what Python's str.strip() and \s take, in RE2 terms


def _nip_text_digits(text: Any) -> tuple[pd.Series, np.ndarray]:
    """_nip_digits for an all-text column, in Arrow: (digits, lost). Cells that are digits
    already (most, in most files) are taken as they are; only the others are cleaned."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = _one_chunk(text).fill_null("")
    plain = pc.match_substring_regex(t, "^[0-9]*$").to_numpy(zero_copy_only=False)
    lost = np.zeros(len(t), dtype=bool)
    if plain.all():
        return pd.Series(t, dtype=TEXT), lost
    other = pc.filter(t, pa.array(~plain))
    other = pc.utf8_trim_whitespace(other)
    other = pc.utf8_trim_whitespace(pc.utf8_ltrim(other, characters=APOSTROPHES))
    other_lost = pc.match_substring_regex(other, _SCI)
    cleaned = pc.replace_substring_regex(other, f"[{_SPACE}.\\-]", "")
    digits = pc.replace_with_mask(t, pa.array(~plain), pc.if_else(other_lost, "", cleaned))
    lost[~plain] = other_lost.to_numpy(zero_copy_only=False)
    return pd.Series(digits, dtype=TEXT), lost


def normalise_nips(raw: pd.Series) -> pd.DataFrame:
    """Raw NIP cells -> `digits` (spaces, dots, dashes, a leading apostrophe removed),
    `lost` (a 16+ digit number or scientific-notation text) and `reason` ('' when valid).
    """
    text = _arrow_text(raw)
    if text is not None:
        digits, lost = _nip_text_digits(text)
    else:
        digits = pd.Series(per_value(raw, _nip_digits, ""), dtype=object)
        lost = (digits == _LOST).to_numpy()
        digits = digits.where(~lost, "")
    return pd.DataFrame({"digits": digits, "lost": lost, "reason": _nip_reason(digits)})


def _check_nip(sh: _Sheet, live: np.ndarray) -> pd.Series:
    """Normalise NIPs to 18 digits; record nip-precision-lost and invalid-nip."""
    text = sh.text["nip"]  # all text: already in Arrow and trimmed; else the raw numbers
    nips = normalise_nips(text if isinstance(text.dtype, pd.StringDtype) else sh.raw("nip"))
    present = live & ~sh.blank["nip"].to_numpy()
    lost = present & nips["lost"].to_numpy()
    sh.add(
        "nip",
        lost,
        "nip-precision-lost",
        "the NIP is stored as a number and has lost its last digits; format the NIP column "
        "as Text in Excel and export again",
    )
    reason = nips["reason"]
    invalid = present & ~lost & (reason != "").to_numpy()
    sh.add(
        "nip",
        invalid,
        "invalid-nip",
        lambda pos: [f"the NIP {r}; check it against the SK" for r in reason.iloc[pos]],
    )
    sh.nip_read = nips["digits"].where(present & ~lost, None)
    return nips["digits"].where(present & ~lost & ~invalid, None)


def _nip_reason(d: pd.Series) -> pd.Series:
    """Why a NIP is invalid (SPEC §3.1), or '' when it is valid. Vectorised over the digits."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = _one_chunk(pa.array(d, type=pa.string(), from_pandas=True)).fill_null("")
    shape = pc.match_substring_regex(text, f"^[0-9]{{{NIP_LENGTH}}}$")
    filled = _one_chunk(pc.if_else(shape, text, "194001011960011001"))  # 18 digits each
    a = byte_grid(filled) - np.uint8(ord("0"))
    shape = shape.to_numpy(zero_copy_only=False)

    def num(i: int, j: int) -> np.ndarray:  # digits i..j-1 as a number, a column at a time
        out = a[:, i].astype(np.int32)
        for k in range(i + 1, j):
            out = out * 10 + a[:, k]
        return out

    year, month, day = birth_parts(num(0, 8))
    tmt_year, tmt_month, gender = num(8, 12), num(12, 14), a[:, 14]
    days = days_in_month(year, month)
    conds = [
        ~shape,
        (month < 1) | (month > 12) | (day < 1) | (day > days),
        (year < BIRTH_YEARS[0]) | (year > BIRTH_YEARS[1]),
        (tmt_month < 1) | (tmt_month > 12),
        tmt_year < year + 15,
        (gender != 1) & (gender != 2),
    ]
    code = np.select(conds, np.arange(1, len(conds) + 1), 0)
    out = np.full(len(d), "", dtype=object)
    for i in np.flatnonzero(code):  # only the invalid ones get a message
        out[i] = _nip_message(code[i], str(d.iat[i]))
    return pd.Series(out, index=d.index, dtype=object)


def _shape_message(d: str) -> str:
    """Why D (spaces, dots, dashes and a leading apostrophe removed) is not 18 digits."""
    digits = sum(ch.isdigit() for ch in d)
    other = "".join(dict.fromkeys(ch for ch in d if not ch.isdigit()))
    if not other:
        return f"must have 18 digits, not {digits}"
    held = f"holds {other!r}, which is not part of a NIP"
    if digits == NIP_LENGTH:
        return f"{held}: keep only its 18 digits"
    return f"must have 18 digits, not {digits}, and {held}"


def _nip_message(code: int, d: str) -> str:
    return {
        1: _shape_message(d),
        2: f"has a birth date {d[:8]} (digits 1-8) that is not a real date",
        3: f"has a birth year {d[:4]} outside {BIRTH_YEARS[0]}-{BIRTH_YEARS[1]}",
        4: f"has an appointment month {d[8:14]} (digits 9-14) that is not a real month",
        5: f"has an appointment year {d[8:12]} earlier than birth year + 15",
        6: f"has a gender digit {d[14:15]} (digit 15) that is not 1 or 2",
    }[code]


def _check_scores(
    sh: _Sheet,
    name: str,
    live: np.ndarray,
    lo: float,
    hi: float,
    decimals: int | None,
    example: str = "a number such as 3.25 or 3,25",
    fix: str = "correct the score",
    scale: str = " (the rules' scale)",
) -> pd.Series:
    """A numeric field: type-error, out-of-range; rounded half-up when decimals is set."""
    value = _number(sh, name)
    filled = live & ~sh.blank[name].to_numpy()
    notnum = filled & value.isna().to_numpy()
    title = sh.header.title(name)
    sh.add(
        name,
        notnum,
        "type-error",
        lambda pos: [
            f"{title} is '{t}', not {example}; correct the cell" for t in sh.text[name].iloc[pos]
        ],
    )
    if decimals is not None:
        value = round_half_up(value, decimals)
    off = filled & ~notnum & ((value < lo) | (value > hi)).to_numpy()
    sh.add(
        name,
        off,
        "out-of-range",
        lambda pos: [
            f"{title} is {v:g}, outside {lo:g}-{hi:g}{scale}; {fix}" for v in value.iloc[pos]
        ],
    )
    return value


def map_codes(text: pd.Series, aliases: dict[str, str]) -> pd.Series:
    """Map coded text (job level, predikat) through the rules' aliases, once per distinct
    value: the code, or None where the text is no alias."""
    if not isinstance(text.dtype, pd.StringDtype):
        lookup = {u: aliases.get(norm_value(u)) for u in text.unique()}
        return text.map(lookup)
    import pyarrow.compute as pc

    coded = pc.dictionary_encode(_arrow_text(text))
    words = coded.dictionary.to_pylist()
    table = np.array([*(aliases.get(norm_value(w)) for w in words), None], dtype=object)
    at = coded.indices.fill_null(len(words)).to_numpy()
    return pd.Series(table[at], index=text.index, dtype=object)


def _check_job_level(sh: _Sheet, rules: Rules, live: np.ndarray) -> pd.Series:
    code = map_codes(sh.text["job_level"], rules.job_level_aliases)
    bad = live & ~sh.blank["job_level"].to_numpy() & code.isna().to_numpy()
    examples = ", ".join(lv.aliases[0] for lv in rules.job_levels.values())
    sh.add(
        "job_level",
        bad,
        "unknown-job-level",
        lambda pos: [
            f"job level '{t}' is not known; write it like {examples} "
            "(more spellings under job_levels: aliases in the rules file)"
            for t in sh.text["job_level"].iloc[pos]
        ],
    )
    return code


_LETTERS = re.compile(r"^[A-Ea-e][+-]?$")


def _other_scale(
    sh: _Sheet, name: str, live: np.ndarray, lo: float, hi: float, decimals: int | None
) -> str | None:
    """The scale a score column's values all lie on when it is not the rules' (SPEC §3.2):
    '0-100' (every value outside lo-hi, within 0-100, some above 10) or 'letters A-E'."""
    filled = live & ~sh.blank[name].to_numpy()
    if not filled.any():
        return None
    value = _number(sh, name)
    value = (round_half_up(value, decimals) if decimals is not None else value).to_numpy()
    value = value[filled]  # rounded as the scores are: 5.004 is 5.00, on the scale
    if not np.isnan(value).any():
        inside = (value >= lo) & (value <= hi)
        on_100 = (value >= 0) & (value <= 100)
        return "0-100" if not inside.any() and on_100.all() and value.max() > 10 else None
    text = sh.text[name][filled]
    if np.isnan(value).all() and text.map(lambda t: bool(_LETTERS.match(str(t)))).all():
        return "letters A-E"
    return None


def _refuse_other_scale(sh: _Sheet, name: str, found: str, lo: float, hi: float) -> None:
    from talentcli.errors import InputFileError

    col = sh.header.columns[name]
    seen = ", ".join(dict.fromkeys(sh.text[name][~sh.blank[name]].head(20).tolist()))
    seen = seen if len(seen) <= 40 else seen[:37] + "..."
    raise InputFileError(
        sh.file,
        "scale-mismatch",
        f"sheet {sh.grid.sheet!r}, column {column_letter(col)} {sh.header.title(name)!r}: the "
        f"scores are on a {found} scale ({seen}), not the competency levels {lo:g}-{hi:g}; "
        f"ask the assessor for the {lo:g}-{hi:g} levels of the assessment report and import "
        "those",
    )


def _check_asesmen(sh: _Sheet, rules: Rules, live: np.ndarray, out: pd.DataFrame) -> None:
    s = rules.scale
    for comp in rules.competency_codes:
        found = _other_scale(sh, comp, live, s.min, s.max, s.decimals)
        if found is not None:
            _refuse_other_scale(sh, comp, found, s.min, s.max)
    for comp in rules.competency_codes:
        out[comp] = _check_scores(sh, comp, live, s.min, s.max, s.decimals)
    if "potensi" in sh.text:
        lo, hi = rules.potential.potensi_scale
        out["potensi"] = _check_scores(sh, "potensi", live, lo, hi, s.decimals)
    out["job_level"] = _check_job_level(sh, rules, live)


def _check_kinerja(sh: _Sheet, rules: Rules, live: np.ndarray, out: pd.DataFrame) -> None:
    tahun = _check_scores(sh, "tahun", live, *TAHUN_RANGE, None, "a year such as 2025")
    frac = live & tahun.notna().to_numpy() & (tahun != np.floor(tahun)).to_numpy()
    sh.add("tahun", frac, "type-error", f"{sh.header.title('tahun')} must be a year such as 2025")
    out["tahun"] = tahun.astype("Int64")
    if "predikat" in sh.text:
        text = sh.text["predikat"]
        level = map_codes(text, rules.predikat_aliases)
        bad = live & ~sh.blank["predikat"].to_numpy() & level.isna().to_numpy()
        known = ", ".join(a for names in rules.performance.predikat.values() for a in names)
        sh.add(
            "predikat",
            bad,
            "unknown-rating",
            lambda pos: [
                f"predikat '{t}' is not known; expected one of {known} "
                "(more spellings under performance: predikat in the rules file)"
                for t in text.iloc[pos]
            ],
        )
        out["predikat"] = text.where(level.notna(), None)
        sh.meaning["predikat"] = level
    if "nilai_kinerja" in sh.text:
        lo, hi = rules.performance.score_scale
        out["nilai_kinerja"] = _check_scores(sh, "nilai_kinerja", live, lo, hi, 2)


def _check_formasi(sh: _Sheet, rules: Rules, live: np.ndarray, out: pd.DataFrame) -> None:
    out["kode"] = sh.text["kode"]
    out["job_level"] = _check_job_level(sh, rules, live)
    if "jumlah" in sh.text:
        jumlah, _ = _check_whole(
            sh,
            "jumlah",
            live,
            (1, 10_000),
            example="a whole number such as 2",
            fix="give the number of vacant posts, 1 or more",
            scale="",
            not_whole="not a whole number; give the number of vacant posts",
        )
        out["jumlah"] = jumlah.fillna(1).where(jumlah.notna() | sh.blank["jumlah"], 1)
    else:
        out["jumlah"] = 1.0


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY_DATE = re.compile(r"^(\d{1,2})([-/])(\d{1,2})\2(\d{4})$")
_SERIAL = re.compile(r"^(\d{4,6})(?:\.0+)?$")
EXCEL_EPOCH = datetime.date(1899, 12, 30)  # day 0 of Excel's (1900) date serials
DATE_YEARS = (1940, 2100)


def parse_date(text: object) -> str | None:
    """A date cell as ISO text: an Excel date (read as a date, or its serial number),
    dd-mm-yyyy, dd/mm/yyyy or yyyy-mm-dd (SPEC §3 pegawai); None when it is none of these."""
    t = str(text).strip()
    m = _ISO_DATE.match(t)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := _DMY_DATE.match(t):
        d, mo, y = int(m[1]), int(m[3]), int(m[4])
    elif m := _SERIAL.match(t):
        serial = int(m[1])
        if not 10_000 <= serial <= 80_000:  # 1927-2119: a bare year or code is no date
            return None
        return (EXCEL_EPOCH + datetime.timedelta(days=serial)).isoformat()
    else:
        return None
    try:
        day = datetime.date(y, mo, d)
    except ValueError:
        return None
    return day.isoformat() if DATE_YEARS[0] <= y <= DATE_YEARS[1] else None


def _check_pegawai(sh: _Sheet, rules: Rules, live: np.ndarray, out: pd.DataFrame) -> None:
    """Personnel data (SPEC §3): education to its ordered code (unknown-education), the TMT
    dates to ISO text (type-error), hukuman_disiplin to 1 (an active sanction) or 0 (none)."""
    if "pendidikan" in sh.text:
        text = sh.text["pendidikan"]
        code = pd.Series(per_value(text, rules.education.code_of), dtype=object)
        bad = live & ~sh.blank["pendidikan"].to_numpy() & code.isna().to_numpy()
        examples = "S-1, D-IV, D-III, SLTA, S2"
        sh.add(
            "pendidikan",
            bad,
            "unknown-education",
            lambda pos: [
                f"education '{t}' is not known; write it like {examples} "
                "(more spellings under education: spellings in the rules file)"
                for t in text.iloc[pos]
            ],
        )
        out["pendidikan"] = code
        sh.meaning["pendidikan"] = code
    for name in ("tmt_golongan", "tmt_jabatan"):
        if name not in sh.text:
            continue
        day = pd.Series(per_value(sh.text[name], parse_date), dtype=object)
        bad = live & ~sh.blank[name].to_numpy() & day.isna().to_numpy()
        title = sh.header.title(name)
        sh.add(
            name,
            bad,
            "type-error",
            lambda pos, title=title, name=name: [
                f"{title} is '{t}', not a date such as 01-03-2015, 01/03/2015 or 2015-03-01 "
                "(or an Excel date); correct the cell"
                for t in sh.text[name].iloc[pos]
            ],
        )
        out[name] = day
    if "hukuman_disiplin" in sh.text:
        none = {norm_value(w) for w in rules.no_discipline_words}
        active = per_value(sh.text["hukuman_disiplin"], lambda t: int(norm_value(t) not in none))
        blank = sh.blank["hukuman_disiplin"].to_numpy()
        out["hukuman_disiplin"] = pd.Series(np.where(blank, 0, active), dtype="Int64")
        sh.meaning["hukuman_disiplin"] = out["hukuman_disiplin"]


BOXES = (1, 9)  # the 9-box's numbers (SPEC §4.5)
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")
EXCEL_DAYS = (20_000, 80_000)  # serials taken as dates: 1954-2119


def read_date(v: Any) -> str | None:
    """A date cell as YYYY-MM-DD: an Excel date (as read, or its serial number), or text
    dd-mm-yyyy, dd/mm/yyyy or yyyy-mm-dd; None when it is none of those."""
    if isinstance(v, datetime.datetime | datetime.date):
        return v.isoformat()[:10]
    if _is_number(v):
        if EXCEL_DAYS[0] <= v <= EXCEL_DAYS[1] and float(v).is_integer():
            return (EXCEL_EPOCH + datetime.timedelta(days=int(v))).isoformat()
        return None
    text = str(v).strip()
    text = text[:10] if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]00:00(:00)?", text) else text
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _check_whole(
    sh: _Sheet,
    name: str,
    live: np.ndarray,
    bounds: tuple[int, int],
    *,
    example: str,
    fix: str,
    scale: str,
    not_whole: str,
) -> tuple[pd.Series, np.ndarray]:
    """NAME's numbers within BOUNDS (as _check_scores checks them), a number with a fraction
    rejected `type-error` ('<title> is 2.5, NOT_WHOLE'): the values and where they had one."""
    values = _check_scores(sh, name, live, *bounds, None, example=example, fix=fix, scale=scale)
    frac = live & values.notna().to_numpy() & (values != np.floor(values)).to_numpy()
    title = sh.header.title(name)
    sh.add(
        name,
        frac,
        "type-error",
        lambda pos: [f"{title} is {v:g}, {not_whole}" for v in values.iloc[pos]],
    )
    return values, frac


def _check_kalibrasi(sh: _Sheet, rules: Rules, live: np.ndarray, out: pd.DataFrame) -> None:
    """The committee's decisions (SPEC §3): a final box 1-9; reason and decider are required
    (checked with the required columns); a date as a date. `unknown-nip` needs the store:
    ingest checks it after validation."""
    box, frac = _check_whole(
        sh,
        "kotak_akhir",
        live,
        BOXES,
        example="a box number such as 7",
        fix="give the final box, 1 to 9",
        scale=" (the 9-box)",
        not_whole="not a whole box number 1-9",
    )
    out["kotak_akhir"] = pd.Series(np.where(frac, np.nan, box.to_numpy())).astype("Int64")
    for name in ("alasan", "diputuskan_oleh", "nomor_berita_acara"):
        if name in sh.text:
            out[name] = _within_cell_limit(sh, name, live).where(~sh.blank[name], None)
    if "tanggal" in sh.text:
        dates = pd.Series(per_value(sh.raw("tanggal"), read_date), dtype=object)
        bad = live & ~sh.blank["tanggal"].to_numpy() & dates.isna().to_numpy()
        sh.add(
            "tanggal",
            bad,
            "type-error",
            lambda pos: [
                f"{sh.header.title('tanggal')} is '{t}', not a date such as 12-03-2026; "
                "correct the cell"
                for t in sh.text["tanggal"].iloc[pos]
            ],
        )
        out["tanggal"] = dates


def reject_rows(checked: Checked, bad: np.ndarray, name: str, code: str, message: str) -> Checked:
    """CHECKED with its accepted rows where BAD holds rejected for CODE after validation (a
    check that needs the store: `unknown-nip`), with their cells and violations."""
    if not bad.any():
        return checked
    rows = checked.accepted.loc[bad, "_row"].to_numpy(dtype=np.int64)
    pos = rows - checked.header_row - 1
    letter, header = checked.columns.get(name, ("", name))
    value = checked.accepted.loc[bad, name].astype(str).to_numpy()
    found = pd.DataFrame(
        {
            "pos": pos,
            "severity": "error",
            "row": rows,
            "cell": [f"{checked.sheet}!{letter}{r}" for r in rows],
            "column": letter,
            "header": header,
            "field": name,
            "code": code,
            "value": value,
            "message": message,
        }
    )
    violations = pd.concat([checked.violations, found], ignore_index=True)
    violations = violations.sort_values(["row", "column"], kind="stable").reset_index(drop=True)
    cells = [checked.rejected_cells]
    if checked.originals is not None:
        cells.append(checked.originals(pos))
    checked.violations = violations
    checked.rejected_cells = pd.concat(cells, ignore_index=True)
    checked.rejected_pos = np.concatenate([checked.rejected_pos, pos])
    checked.accepted = checked.accepted[~bad].reset_index(drop=True)
    return checked


def _check_duplicate_keys(
    sh: _Sheet, out: pd.DataFrame, key: list[str], live: np.ndarray
) -> np.ndarray:
    """The same key on several rows (SPEC §3.1). A row whose values, as read, repeat an
    earlier row's with that key (a NIP with and without spaces, 3 and "3,00", "III.a" and
    "Eselon III/a") is that row written twice: skipped with a duplicate-row warning, as an
    exact repeat is. If the rows left for a key still differ, every one of them is rejected
    (duplicate-nip), and the message names the columns that differ. Returns the rows skipped."""
    keys = out[key]
    dup = repeated([keys[c] for c in key], live & keys.notna().all(axis=1).to_numpy())
    repeats = np.zeros(len(out), dtype=bool)
    if not dup.any():
        return repeats
    fields = [c for c in out.columns if c != "_row"]
    sub = out.loc[dup, fields].assign(**{f: v[dup] for f, v in sh.meaning.items() if f in out})
    pos = np.flatnonzero(dup)
    rows = sh.rows[pos]
    group = sub.groupby(key, sort=False).ngroup().to_numpy()
    values = pd.util.hash_pandas_object(sub, index=False).to_numpy()
    # only rows without errors can repeat one another: a value that did not read ('abc',
    # 'xyz') is missing in both, yet they differ, and each row is rejected for it anyway
    clean = ~_with_errors(sh)[pos]
    seen = pd.DataFrame({"g": group[clean], "v": values[clean]})
    again = np.zeros(len(pos), dtype=bool)  # the same values as an earlier row of its key
    again[clean] = seen.duplicated().to_numpy()
    if again.any():
        first = np.zeros(len(pos), dtype=bool)
        first[clean] = seen.groupby(["g", "v"], sort=False).cumcount().to_numpy() == 0
        first_row = pd.Series(rows[first], index=pd.MultiIndex.from_arrays([group, values])[first])
        earlier = first_row.loc[list(zip(group[again], values[again], strict=True))].to_numpy()
        repeats[pos[again]] = True
        msg = pd.Series("", index=out.index, dtype=object)
        msg.iloc[pos[again]] = [
            f"the row repeats row {r} (the same values, written differently); skipped"
            for r in earlier
        ]
        sh.add(key[0], repeats, "duplicate-row", msg, severity="warning")
    left = ~again
    distinct = pd.Series(values[left]).groupby(group[left]).nunique()
    clash = left & (distinct.reindex(group).to_numpy() > 1)
    if clash.any():
        what = "NIP" if key[0] == "nip" else sh.header.title(key[0])
        extra = " and year" if "tahun" in key else ""
        at = sh.header.columns
        order = sorted(range(len(fields)), key=lambda i: at.get(fields[i], len(at)))  # as laid out
        titles = [sh.header.title(f) if f in at else f for f in fields]
        kept = sub[clash]
        g = group[clash]
        differs = np.column_stack(  # per group: the fields not the same on all its rows
            [kept[f].groupby(g).nunique(dropna=False).to_numpy() > 1 for f in fields]
        )
        ids = np.unique(g)
        on_rows = pd.Series(rows[clash]).groupby(g).agg(lambda r: ", ".join(map(str, r)))
        words = {
            k: f"the same {what}{extra} is on rows {on_rows[k]} with different "
            + (", ".join(titles[j] for j in order if differs[i, j]) or "data")
            + "; all of them are rejected: keep one and import again"
            for i, k in enumerate(ids)
        }
        mask = np.zeros(len(out), dtype=bool)
        mask[pos[clash]] = True
        msg = pd.Series("", index=out.index, dtype=object)
        msg.iloc[pos[clash]] = [words[k] for k in g]
        sh.add(key[0], mask, "duplicate-nip", msg)
    return repeats


def repeated(keys: list[pd.Series], among: np.ndarray) -> np.ndarray:
    """Rows of AMONG whose key (the KEYS together) is on another row of AMONG too: pandas'
    `duplicated(keep=False)` on those rows; a one-column text key is counted in Arrow."""
    if len(keys) == 1 and isinstance(keys[0].dtype, pd.StringDtype):
        import pyarrow.compute as pc

        text = _arrow_text(keys[0])
        codes = pc.dictionary_encode(text, null_encoding="encode").indices.to_numpy()
        counts = np.bincount(codes[among], minlength=int(codes.max(initial=-1)) + 1)
        return among & (counts[codes] > 1)
    out = np.zeros(len(keys[0]), dtype=bool)
    sub = pd.DataFrame(dict(enumerate(keys)))[among]
    out[np.flatnonzero(among)[sub.duplicated(keep=False).to_numpy()]] = True
    return out


# ------------------------------------------------------------------ several sheets, one file


def combine(parts: list[Checked], kind: str) -> Checked:
    """The sheets of one file (one per unit) as one file: counts per sheet and in all, and
    the duplicate check across the sheets (SPEC §3.2) -- a key accepted on two sheets with
    the same values is a repeat (skipped with a warning), with other values a conflict (every
    such row rejected, duplicate-nip)."""
    if len(parts) == 1:
        part = parts[0]
        part.sheets = [part.counts()]
        return part
    key = list(KINDS[kind].key)
    frames = [p.accepted.assign(_part=i) for i, p in enumerate(parts)]
    both = pd.concat(frames, ignore_index=True)
    fields = [c for c in both.columns if c not in ("_row", "_part")]
    dup = both[key].notna().all(axis=1) & both.duplicated(key, keep=False)
    repeat = np.zeros(len(both), dtype=bool)
    clash = np.zeros(len(both), dtype=bool)
    found: list[pd.DataFrame] = []
    if dup.any():
        sub = both[dup]
        values = pd.util.hash_pandas_object(sub[fields], index=False)
        kinds = values.groupby([sub[k] for k in key]).transform("nunique")
        where = [
            f"sheet {parts[p].sheet!r} row {r}"
            for p, r in zip(sub["_part"], sub["_row"], strict=True)
        ]
        place = pd.Series(where, index=sub.index)
        first = place.groupby([sub[k] for k in key]).transform("first")
        together = place.groupby([sub[k] for k in key]).transform(lambda s: ", ".join(s))
        same = (kinds == 1).to_numpy()
        later = sub.duplicated(key, keep="first").to_numpy()
        repeat[np.flatnonzero(dup)[same & later]] = True
        clash[np.flatnonzero(dup)[~same]] = True
        for mask, code, severity, words in (
            (same & later, "duplicate-row", "warning", _REPEAT),
            (~same, "duplicate-nip", "error", _clash(key)),
        ):
            if mask.any():
                found.append(
                    _cross_violations(
                        parts, sub[mask], key[0], code, severity, words, first[mask], together[mask]
                    )
                )
    return _merged(parts, both, repeat, clash, found)


_REPEAT = "the row repeats {first} exactly; skipped, the first is kept"


def _clash(key: list[str]) -> str:
    what = {"nip": "NIP", "kode": "Kode"}.get(key[0], key[0])
    extra = " and year" if "tahun" in key else ""
    return (
        f"the same {what}{extra} is on {{together}} with different data; all of them are "
        "rejected: keep one and import again"
    )


def _cross_violations(
    parts: list[Checked],
    rows: pd.DataFrame,
    name: str,
    code: str,
    severity: str,
    words: str,
    first: pd.Series,
    together: pd.Series,
) -> pd.DataFrame:
    out = []
    keys = rows.reindex(columns=ROW_KEYS).astype(object)
    keys = keys.where(keys.notna(), None)
    for (p, r, value), f, t, (nip, tahun) in zip(
        rows[["_part", "_row", name]].itertuples(index=False),
        first,
        together,
        keys.itertuples(index=False),
        strict=True,
    ):
        letter, header = parts[p].columns.get(name, ("", name))
        out.append(
            {
                "pos": int(r) - parts[p].header_row - 1,
                "severity": severity,
                "row": int(r),
                "cell": f"{parts[p].sheet}!{letter}{r}",
                "column": letter,
                "header": header,
                "field": name,
                "code": code,
                "value": str(value),
                "message": words.format(first=f, together=t),
                "nip": nip,
                "tahun": tahun,
                "_part": p,
            }
        )
    return pd.DataFrame(out)


def _merged(
    parts: list[Checked],
    both: pd.DataFrame,
    repeat: np.ndarray,
    clash: np.ndarray,
    found: list[pd.DataFrame],
) -> Checked:
    extra = pd.concat(found, ignore_index=True) if found else None
    accepted, violations, rejected_cells, sheets = [], [], [], []
    rejected_pos: list[np.ndarray] = []
    offset = 0
    for i, part in enumerate(parts):
        mine = (both["_part"] == i).to_numpy()
        keep = mine & ~repeat & ~clash
        accepted.append(both[keep].drop(columns="_part"))
        v = part.violations
        if extra is not None and (extra["_part"] == i).any():
            v = pd.concat([v, extra[extra["_part"] == i].drop(columns="_part")], ignore_index=True)
            v = v.sort_values(["row", "column"], kind="stable")
        violations.append(v)
        newly = both.loc[mine & clash, "_row"].to_numpy(dtype=np.int64) - part.header_row - 1
        cells = [part.rejected_cells]
        if len(newly) and part.originals is not None:
            cells.append(part.originals(newly))
        cells = pd.concat(cells, ignore_index=True)
        cells.insert(0, "_sheet", part.sheet)
        rejected_cells.append(cells)
        rejected_pos.append(np.concatenate([part.rejected_pos, newly]) + offset)
        offset += part.rows_read
        skipped = part.skipped + int((mine & repeat).sum())
        sheets.append(
            {
                "sheet": part.sheet,
                "header_row": part.header_row,
                "rows_read": part.rows_read,
                "accepted": int(keep.sum()),
                "rejected": part.rejected + len(newly),
                "skipped": skipped,
            }
        )
    first = parts[0]
    return Checked(
        first.kind,
        pd.concat(accepted, ignore_index=True),
        pd.concat(violations, ignore_index=True),
        sum(p.rows_read for p in parts),
        np.concatenate(rejected_pos),
        pd.concat(rejected_cells, ignore_index=True),
        sum(s["skipped"] for s in sheets),
        list(dict.fromkeys(n for p in parts for n in p.notes)),
        first.sheet,
        first.header_row,
        sheets,
        first.columns,
    )
