"""Find the header row under a title block, map its columns to fields, tell the kind of file."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from talentcli.errors import InputFileError
from talentcli.ingest.read import HEAD_ROWS, Grid
from talentcli.kinds import KINDS
from talentcli.numeric import to_float
from talentcli.rules import Rules, norm_header


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


MIN_MATCHES = 3


@dataclass
class Header:
    """Where the header is and what each recognised column holds."""

    index: int  # row position of the header (Excel row index + 1)
    columns: dict[str, int]  # field -> column position
    titles: dict[int, str]  # column position -> header text as written
    unknown: list[str] = field(default_factory=list)  # header texts no alias knows
    # which of two columns for one field is read, and why (SPEC §3.2)
    chosen: list[str] = field(default_factory=list)
    ambiguous: str | None = None  # two visible columns with the same alias: why, by letter
    # field -> why none of the sub-columns under its group title can be read as its value
    unclear: dict[str, str] = field(default_factory=dict)
    rows: int = 1  # 2: a header split over two rows (this row and the one above)

    def title(self, name: str) -> str:
        """The header text as written for a field."""
        return self.titles[self.columns[name]]


def _texts(row: Iterable) -> list[str]:
    return ["" if v is None else str(v).strip() for v in row]


def _match(texts: list[str], rules: Rules, hidden: frozenset[int] = frozenset()) -> dict[str, int]:
    """Field -> column. Of two columns for one field a visible one wins over a hidden one,
    then the alias listed first in the rules, then the leftmost (SPEC §3.2)."""
    best: dict[str, tuple[bool, int, int]] = {}
    for col, text in enumerate(texts):
        key = norm_header(text) if text else ""
        name = rules.header_aliases.get(key) if key else None
        if name is None:
            continue
        rank = (col in hidden, rules.alias_rank[key], col)
        if name not in best or rank < best[name]:
            best[name] = rank
    return {name: rank[2] for name, rank in best.items()}


def _qualifies(found: dict[str, int]) -> bool:
    return len(found) >= MIN_MATCHES and ("nip" in found or "kode" in found)


# Sub-headers under a score's group title (KEMAMPUAN TEKNIS over Standar | Nilai), compared
# after norm_header: the one that holds the person's value, and the others a report shows.
VALUE_SUBHEADERS = frozenset({"nilai", "skor", "score", "hasil", "nilai akhir", "capaian"})
OTHER_SUBHEADERS = frozenset(
    {"standar", "standard", "target", "gap", "selisih", "kesenjangan", "status", "keterangan"}
)


def find_header(
    grid: Grid, rules: Rules, hidden: frozenset[int] = frozenset(), row: int | None = None
) -> Header | None:
    """The first of the first 30 rows with >= 3 known headers incl. the identifier; else None.
    With ROW (an Excel row number, from --header-row) that row, if it names the identifier.

    A header split over two rows (a merged group title above the sub-headers) is
    read as one when the second row adds fields, or when a score's group title stands over
    sub-columns (Standar | Nilai): the score is then the sub-column that holds the value.
    Header cells merged down over two rows make the second row part of the header too.
    """
    head = [_texts(r) for r in grid.head(max(HEAD_ROWS, row or 0) + 1)]
    rows = range(HEAD_ROWS) if row is None else [row - 1]
    for i in rows:
        if i >= len(head):
            return None
        texts = head[i]
        found = _match(texts, rules, hidden)
        ok = _qualifies(found) if row is None else ("nip" in found or "kode" in found)
        if not ok:
            continue
        return _two_rows(i, found, texts, head, rules, hidden)
    return None


def _two_rows(
    i: int,
    found: dict[str, int],
    texts: list[str],
    head: list[list[str]],
    rules: Rules,
    hidden: frozenset[int],
) -> Header:
    """The header at row I, or at I + 1 when the next row is the second row of it."""
    if i + 1 >= len(head):
        return _header(i, found, texts, rules, hidden)
    below = head[i + 1]
    merged = [b or a for a, b in zip(texts, below, strict=False)]
    both = _match(merged, rules, hidden)
    own = _match(below, rules, hidden)
    if len(both) > len(found) and own and not set(own) <= set(found):
        return _header(i + 1, both, merged, rules, hidden, rows=2)
    values = {*rules.competency_codes, "potensi", "nilai_kinerja"}
    split = _value_subcolumns(found, texts, below, values)
    if split is not None:
        moved, unclear, titles = split
        header = _header(i + 1, {**found, **moved}, titles, rules, hidden, rows=2)
        for name, why in unclear.items():
            del header.columns[name]
            header.unknown.append(f"{why}: none is read as {name}")
        header.unclear = unclear
        return header
    ident = found.get("nip", found.get("kode"))
    if ident is not None and ident < len(below) and below[ident] == texts[ident]:
        # the identifier's header cell is merged down over this row too: header, not a person
        return _header(i + 1, both, merged, rules, hidden, rows=2)
    return _header(i, found, texts, rules, hidden)


def _value_subcolumns(
    found: dict[str, int], texts: list[str], sub: list[str], values: set[str]
) -> tuple[dict[str, int], dict[str, str], list[str]] | None:
    """For value fields whose header stands over sub-columns (the group title merged across
    them, or blank beside them) with sub-headers such as Standar | Nilai: (field -> the
    value's column, field -> why no column could be chosen, the header texts as group +
    sub-header). None when no value field has sub-columns."""
    moved: dict[str, int] = {}
    unclear: dict[str, str] = {}
    titles = list(texts)
    ident = found.get("nip", found.get("kode"))
    if ident is None or (ident < len(sub) and sub[ident] not in ("", texts[ident])):
        return None  # the next row has an identifier of its own: a person, not sub-headers
    for name, col in found.items():
        if name not in values:
            continue
        end = col + 1
        while end < min(len(texts), len(sub)) and texts[end] in ("", texts[col]) and sub[end]:
            end += 1
        words = [norm_header(sub[c]) if c < len(sub) else "" for c in range(col, end)]
        known = VALUE_SUBHEADERS | OTHER_SUBHEADERS
        numbers = any(not math.isnan(to_float(sub[c])) for c in range(col, end))
        if end - col < 2 or not all(words) or numbers or not any(w in known for w in words):
            continue  # not a group of sub-columns (a data row or a lone blank header)
        for c in range(col, end):
            titles[c] = f"{texts[col]} {sub[c]}"
        picks = [col + k for k, w in enumerate(words) if w in VALUE_SUBHEADERS]
        if len(picks) == 1:
            moved[name] = picks[0]
        else:
            subs = ", ".join(sub[c] for c in range(col, end))
            unclear[name] = f"{texts[col]!r} stands over the sub-columns {subs}"
    if not moved and not unclear:
        return None
    for c, t in enumerate(sub):  # the sub-header row is the header row: other texts on it too
        if c >= len(titles):
            titles.append(t)
        elif not titles[c]:
            titles[c] = t
    return moved, unclear, titles


def _header(
    index: int,
    found: dict[str, int],
    texts: list[str],
    rules: Rules,
    hidden: frozenset[int] = frozenset(),
    rows: int = 1,
) -> Header:
    titles = {c: " ".join(t.split()) for c, t in enumerate(texts) if t}
    used = set(found.values())
    header = Header(index, found, titles, rows=rows)
    twins: dict[str, list[int]] = {}
    for c, t in titles.items():
        if c in used:
            continue
        twin = rules.header_aliases.get(norm_header(t))
        if twin in found:
            twins.setdefault(twin, []).append(c)
        else:
            header.unknown.append(t)
    for name, others in twins.items():
        _choose(header, name, others, rules, hidden)
    return header


def _choose(header: Header, name: str, others: list[int], rules: Rules, hidden: frozenset) -> None:
    """Say which of two (or more) columns for NAME is read; flag two visible ones alike."""
    col = header.columns[name]
    title = header.titles[col]
    rank = rules.alias_rank[norm_header(title)]
    run = {col}  # a header cell merged across columns is one cell, not two columns
    while col + len(run) in others and header.titles[col + len(run)] == title:
        run.add(col + len(run))
    for c in others:
        if c in run:
            continue
        other = header.titles[c]
        same = rules.alias_rank[norm_header(other)] == rank and c not in hidden
        if same and col not in hidden and header.ambiguous is None:
            header.ambiguous = (
                f"columns {column_letter(col)} {title!r} and {column_letter(c)} {other!r} both "
                f"hold {name!r}: cannot tell which to read; delete or rename one of them"
            )
        why = "it is hidden" if c in hidden else f"the rules list {title!r} first"
        header.chosen.append(
            f"{name} is read from column {column_letter(col)} {title!r}, not column "
            f"{column_letter(c)} {other!r} ({why})"
        )


def detect_kind(header: Header, rules: Rules) -> str | None:
    """asesmen if score columns, kinerja if predikat/nilai, formasi if kode + job level,
    pegawai if NIP with pendidikan, a TMT or golongan (SPEC §3)."""
    cols = {*header.columns, *header.unclear}  # a score whose column is unclear is there
    if any(c in cols for c in rules.competency_codes):
        return "asesmen"
    if "kotak_akhir" in cols:
        return "kalibrasi"
    if "predikat" in cols or "nilai_kinerja" in cols:
        return "kinerja"
    if "kode" in cols and "job_level" in cols:
        return "formasi"
    if "nip" in cols and cols & {"pendidikan", "tmt_jabatan", "tmt_golongan", "golongan"}:
        return "pegawai"  # personnel data: NIP with education, TMT or golongan, no scores
    return None


@dataclass
class Chosen:
    """The sheets of one file read as data (in sheet order), its kind, and notes on the rest."""

    sheets: list[tuple[Grid, Header]]
    kind: str | None
    notes: list[str]


def choose_sheets(
    grids: Iterable[Grid],
    rules: Rules,
    file: str,
    sheet: str | None = None,
    kind: str = "auto",
    header_row: int | None = None,
    hidden_columns: Callable[[Grid], frozenset[int]] = lambda g: frozenset(),
    hidden_sheets: frozenset[str] = frozenset(),
) -> Chosen:
    """Every visible sheet with a header of the file's kind (the first such sheet's), or the
    one named by --sheet (SPEC §3.2). Instruction and hidden sheets are never read as data;
    the notes name them, and any sheet left unread."""
    seen: list[str] = []
    picked: list[tuple[Grid, Header]] = []
    unknown: list[tuple[Grid, Header]] = []
    chosen_kind: str | None = None
    skipped: dict[str, list[str]] = {
        "hidden": [],
        "instructions": [],
        "other": [],
        "none": [],
        "combined": [],
    }
    for grid in grids:
        seen.append(grid.sheet)
        if sheet is not None and grid.sheet != sheet:
            continue
        if sheet is None and (grid.hidden or grid.sheet in hidden_sheets):
            skipped["hidden"].append(grid.sheet)
            continue
        if sheet is None and rules.is_instruction_sheet(grid.sheet):
            skipped["instructions"].append(grid.sheet)
            continue
        header = find_header(grid, rules, hidden_columns(grid), header_row)
        if header is None:
            if len(grid) and any(_texts_head(grid)):
                skipped["none"].append(grid.sheet)
            both = combined_name_nip(grid)
            if both is not None:
                skipped["combined"].append(f"sheet {grid.sheet!r}: the header cell {both!r}")
            continue
        this = detect_kind(header, rules) if kind == "auto" else kind
        if this is None:  # a header of no known kind: the file's kind is told by another
            unknown.append((grid, header))
        elif picked and this != chosen_kind:
            skipped["other"].append(f"{grid.sheet!r} ({this})")
        else:
            picked.append((grid, header))
            chosen_kind = this
    if not picked and unknown:  # no sheet tells the kind: the caller asks for --kind
        return Chosen(unknown[:1], None, _sheet_notes(skipped, None))
    if not picked:
        _no_sheet(file, seen, sheet, skipped, header_row)
    if unknown:
        skipped["other"] += [f"{g.sheet!r} (a header of no known kind)" for g, _ in unknown]
    return Chosen(picked, chosen_kind, _sheet_notes(skipped, chosen_kind))


def _texts_head(grid: Grid) -> list[list[str]]:
    return [[t for t in _texts(r) if t] for r in grid.head(HEAD_ROWS)]


def _sheet_notes(skipped: dict[str, list[str]], kind: str | None) -> list[str]:
    def names(key: str) -> str:
        return ", ".join(repr(n) for n in skipped[key])

    notes = []
    if skipped["instructions"]:
        notes.append(
            f"sheet {names('instructions')} holds instructions (instruction_sheets in the "
            "rules): not read as data"
        )
    if skipped["hidden"]:
        notes.append(
            f"hidden sheet {names('hidden')} not read; unhide it, or import it alone with "
            "--sheet NAME"
        )
    if skipped["other"]:
        notes.append(
            f"sheet {', '.join(skipped['other'])} holds another kind of data than this {kind} "
            "file: not read; import it with --sheet NAME"
        )
    if skipped["none"]:
        notes.append(
            f"sheet {names('none')} has no header row in its first {HEAD_ROWS} rows: not read"
        )
    return notes


_NAME_AND_NIP = re.compile(r"(?i)\bnama\b.*\bnip\b|\bnip\b.*\bnama\b")


def _no_sheet(
    file: str, seen: list[str], sheet: str | None, skipped: dict, header_row: int | None
) -> None:
    if sheet is not None and sheet not in seen:
        raise InputFileError(
            file, "no-sheet", f"there is no sheet {sheet!r}; the sheets are {', '.join(seen)}"
        )
    where = f"sheet {sheet!r}" if sheet else f"any sheet ({', '.join(seen) or 'none'})"
    if header_row is not None:
        raise InputFileError(
            file,
            "no-header",
            f"row {header_row} of {where} holds no NIP (or Kode for formasi) column header; "
            "give the row that holds the column names with --header-row N",
        )
    if skipped["combined"]:
        raise InputFileError(
            file,
            "no-header",
            f"{skipped['combined'][0]} holds both the name and the NIP: split it into two "
            "columns, Nama and NIP (one value per cell), and import again",
        )
    if sheet is None and not skipped["none"] and (skipped["hidden"] or skipped["instructions"]):
        names = ", ".join(repr(n) for n in skipped["hidden"] + skipped["instructions"])
        raise InputFileError(
            file,
            "no-header",
            f"the only sheets with data are hidden or instruction sheets ({names}); import "
            "one of them with --sheet NAME if it holds the data",
        )
    raise InputFileError(
        file,
        "no-header",
        f"no header row found in the first {HEAD_ROWS} rows of {where}: expected a row with "
        "NIP (or Kode for formasi) and at least two more known column names such as Nama, "
        "Jabatan, Eselon; if the header is lower down give its row with --header-row N, "
        "or add aliases under columns: in the rules file",
    )


def combined_name_nip(grid: Grid, header_rows: int = HEAD_ROWS) -> str | None:
    """A header cell holding both the name and the NIP ('Nama / NIP'), if any."""
    for r in grid.head(header_rows):
        for t in _texts(r):
            if len(t) <= 40 and _NAME_AND_NIP.search(t):
                return t
    return None


def check_columns(header: Header, kind: str, rules: Rules, file: str, sheet: str, row: int) -> None:
    """Raise missing-column (exit 3) when a required column of the kind is absent."""
    spec = KINDS[kind]
    missing = [f for f in spec.required_for(rules) if f not in header.columns]
    if spec.one_of and not set(spec.one_of) & set(header.columns):
        missing.append(spec.one_of[0])
    unclear = [f for f in missing if f in header.unclear]
    if unclear:
        f = unclear[0]
        raise InputFileError(
            file,
            "missing-column",
            f"sheet {sheet!r}, header row {row}: cannot tell which column holds {f!r}: "
            f"{header.unclear[f]}; name the one with the person's score 'Nilai'",
        )
    if missing:
        f = missing[0]
        aliases = ", ".join(rules.columns.get(f, [f]))
        raise InputFileError(
            file,
            "missing-column",
            f"sheet {sheet!r}, header row {row}: required "
            f"{kind} column {f!r} not found (expected one of: {aliases}); "
            "rename the column or add its header under columns: in the rules file",
        )
