"""Find the header row under a title block, map its columns to fields, tell the kind of file."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from talentcli.errors import InputFileError
from talentcli.ingest.read import HEAD_ROWS, Grid
from talentcli.kinds import KINDS
from talentcli.numeric import to_float
from talentcli.rules import Rules, norm_header

MIN_MATCHES = 3


@dataclass
class Header:
    """Where the header is and what each recognised column holds."""

    index: int  # row position of the header (Excel row index + 1)
    columns: dict[str, int]  # field -> column position
    titles: dict[int, str]  # column position -> header text as written
    unknown: list[str] = field(default_factory=list)  # header texts no alias knows
    # field -> why none of the sub-columns under its group title can be read as its value
    unclear: dict[str, str] = field(default_factory=dict)

    def title(self, name: str) -> str:
        """The header text as written for a field."""
        return self.titles[self.columns[name]]


def _texts(row: Iterable) -> list[str]:
    return ["" if v is None else str(v).strip() for v in row]


def _match(texts: list[str], rules: Rules) -> dict[str, int]:
    out: dict[str, int] = {}
    for col, text in enumerate(texts):
        name = rules.header_aliases.get(norm_header(text)) if text else None
        if name and name not in out:
            out[name] = col
    return out


def _qualifies(found: dict[str, int]) -> bool:
    return len(found) >= MIN_MATCHES and ("nip" in found or "kode" in found)


# Sub-headers under a score's group title (KEMAMPUAN TEKNIS over Standar | Nilai), compared
# after norm_header: the one that holds the person's value, and the others a report shows.
VALUE_SUBHEADERS = frozenset({"nilai", "skor", "score", "hasil", "nilai akhir", "capaian"})
OTHER_SUBHEADERS = frozenset(
    {"standar", "standard", "target", "gap", "selisih", "kesenjangan", "status", "keterangan"}
)


def find_header(grid: Grid, rules: Rules) -> Header | None:
    """The first of the first 30 rows with >= 3 known headers incl. the identifier; else None.

    A header split over two rows (a merged group title above the sub-headers) is
    read as one when the second row adds fields, or when a score's group title stands over
    sub-columns (Standar | Nilai): the score is then the sub-column that holds the value.
    """
    head = [_texts(r) for r in grid.head(HEAD_ROWS + 1)]
    for i, texts in enumerate(head[:HEAD_ROWS]):
        found = _match(texts, rules)
        if not _qualifies(found):
            continue
        if i + 1 < len(head):
            merged = [b or a for a, b in zip(texts, head[i + 1], strict=False)]
            both = _match(merged, rules)
            own = _match(head[i + 1], rules)
            if len(both) > len(found) and own and not set(own) <= set(found):
                return _header(i + 1, both, merged, rules)
            values = {*rules.competency_codes, "potensi", "nilai_kinerja"}
            split = _value_subcolumns(found, texts, head[i + 1], values)
            if split is not None:
                moved, unclear, titles = split
                header = _header(i + 1, {**found, **moved}, titles, rules)
                for name, why in unclear.items():
                    del header.columns[name]
                    header.unknown.append(f"{why}: none is read as {name}")
                header.unclear = unclear
                return header
        return _header(i, found, texts, rules)
    return None


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


def _header(index: int, found: dict[str, int], texts: list[str], rules: Rules) -> Header:
    titles = {c: " ".join(t.split()) for c, t in enumerate(texts) if t}
    used = set(found.values())
    unknown = []
    for c, t in titles.items():
        if c in used:
            continue
        twin = rules.header_aliases.get(norm_header(t))
        if twin in found:  # a second column for a field already read: say which one counts
            unknown.append(f"{t} (also {twin}; the column '{titles[found[twin]]}' is read)")
        else:
            unknown.append(t)
    return Header(index, found, titles, unknown)


def detect_kind(header: Header, rules: Rules) -> str | None:
    """asesmen if score columns, kinerja if predikat/nilai, formasi if kode + job level."""
    cols = {*header.columns, *header.unclear}  # a score whose column is unclear is there
    if any(c in cols for c in rules.competency_codes):
        return "asesmen"
    if "predikat" in cols or "nilai_kinerja" in cols:
        return "kinerja"
    if "kode" in cols and "job_level" in cols:
        return "formasi"
    return None


def choose_sheet(
    grids: Iterable[Grid], rules: Rules, file: str, sheet: str | None
) -> tuple[Grid, Header, list[str]]:
    """The first visible sheet with a header (or the one named by --sheet), its header, and
    notes naming other sheets that also hold a header (they are not read)."""
    seen: list[str] = []
    found: tuple[Grid, Header] | None = None
    others: list[str] = []
    for grid in grids:
        seen.append(grid.sheet)
        if sheet is not None and grid.sheet != sheet:
            continue
        if sheet is None and grid.hidden:
            continue
        header = find_header(grid, rules)
        if header is not None and found is None:
            found = (grid, header)
        elif header is not None:
            others.append(grid.sheet)
        if sheet is not None:
            break
    if found is not None:
        notes = [
            f"sheet {o!r} also has a header and was not read; import it with --sheet {o!r}"
            for o in others
        ]
        return found[0], found[1], notes
    if sheet is not None and sheet not in seen:
        raise InputFileError(
            file, "no-sheet", f"there is no sheet {sheet!r}; the sheets are {', '.join(seen)}"
        )
    where = f"sheet {sheet!r}" if sheet else f"any sheet ({', '.join(seen) or 'none'})"
    raise InputFileError(
        file,
        "no-header",
        f"no header row found in the first {HEAD_ROWS} rows of {where}: "
        "expected a row with NIP (or Kode for formasi) and at least two more known column "
        "names such as Nama, Jabatan, Eselon; add aliases under columns: in the rules file",
    )


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
