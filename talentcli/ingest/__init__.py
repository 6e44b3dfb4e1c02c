"""Read a workbook -> find the header -> map columns -> normalise -> validate -> store."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from talentcli.errors import InputFileError, OutputError
from talentcli.ingest.header import check_columns, choose_sheets
from talentcli.ingest.hidden import hidden_columns, hidden_sheets
from talentcli.ingest.peek import peek_kind
from talentcli.ingest.read import check_file, open_grids
from talentcli.ingest.rejects import write_rejects
from talentcli.ingest.validate import Checked, combine, reject_rows, shown, validate
from talentcli.kinds import KINDS
from talentcli.rules import Rules
from talentcli.store import Store, assessed, assessed_since, save_batch
from talentcli.units import one_spelling
from talentcli.workspace import Limits

__all__ = ["FileReport", "Limits", "import_file", "peek_kind"]

_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
# a regulation cited in a title ("PermenPANRB Nomor 3 Tahun 2020", "PP 11/2017") names the
# year of the regulation, not of the data
_CITATION = re.compile(
    r"(?i)\b(?:nomor|no\.?)\s*\d+\s*tahun\s*\d{4}"
    r"|\b(?:pp|uu|perpres|permen\w*|perka\w*|per-?bkn)\s*(?:no\.?\s*)?\d+\s*/\s*\d{4}"
)


@dataclass
class FileReport:
    """What happened to one input file: the record behind the terminal, --json, log and store."""

    file: str
    sha256: str = ""
    kind: str | None = None
    cycle: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    sheets: list[dict] = field(default_factory=list)  # per sheet read: counts that add up
    cycle_from: str | None = None  # where the cycle comes from: --cycle, talent.yaml, ...
    status: str = "failed"
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    skipped: int = 0
    errors: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: dict | None = None
    rejects: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        """The SPEC §3.1 JSON form."""
        keys = [
            "file",
            "sha256",
            "kind",
            "cycle",
            "sheet",
            "header_row",
            "cycle_from",
            "sheets",
            "status",
            "rows_read",
            "accepted",
            "rejected",
            "skipped",
            "errors",
        ]
        out = {k: getattr(self, k) for k in keys}
        if self.error:
            out["error"] = self.error
        if self.notes:
            out["notes"] = self.notes
        return out


@dataclass(frozen=True)
class ImportOptions:
    """What `talentcli import` was asked to do."""

    kind: str = "auto"
    cycle: str | None = None
    sheet: str | None = None
    default_cycle: str | None = None
    limits: Limits = field(default_factory=Limits)
    rejects_dir: Path | None = None
    header_row: int | None = None  # --header-row N: the header is on Excel row N
    force: bool = False  # --force: import again even when the same file was imported
    rules_sha256: str | None = None  # of the rules file the rows are validated under
    current_year: str = field(default_factory=lambda: str(date.today().year))


def sha256_of(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def import_file(path: Path, store: Store, rules: Rules, opts: ImportOptions) -> FileReport:
    """Import one file; an unusable file yields status 'failed' and stores nothing."""
    report = FileReport(path.name)
    try:
        check_file(path, opts.limits)
        report.sha256 = sha256_of(path)
        earlier = store.batch_by_sha(report.sha256)
        again = earlier is not None and earlier["kind"] == "kalibrasi"
        again = again and assessed_since(store, earlier)  # unknown NIPs may be known now
        if earlier is not None and not opts.force and _same_request(earlier, opts) and not again:
            return _already(report, earlier)
        checked = _read_and_check(path, rules, opts, report, store)
    except InputFileError as exc:
        report.error = {"code": exc.code, "message": exc.message}
        return report
    _finish(report, checked)
    if report.cycle_from is not None:
        report.notes.append(f"cycle {report.cycle} ({report.cycle_from})")
    if len(report.sheets) > 1:  # a line per sheet: a sheet lost would show
        report.notes.extend(
            f"sheet {s['sheet']!r} (header row {s['header_row']}): {s['rows_read']} rows read "
            f"= {s['accepted']} accepted + {s['rejected']} rejected + {s['skipped']} skipped"
            for s in report.sheets
        )
    meta = {
        k: getattr(report, k)
        for k in (
            "file",
            "sha256",
            "kind",
            "cycle",
            "sheet",
            "header_row",
            "rows_read",
            "accepted",
            "rejected",
            "skipped",
        )
    }
    meta["rules_sha256"] = opts.rules_sha256

    def rejects() -> None:  # inside the batch's transaction: both are stored, or neither
        if opts.rejects_dir is None:
            return
        if checked.rejected:
            report.rejects = [str(p) for p in write_rejects(path, checked, opts.rejects_dir)]
        else:  # a corrected file: the old rejects of that name no longer apply
            for old in opts.rejects_dir.glob(f"{path.stem}.rejects.*"):
                old.unlink(missing_ok=True)

    try:
        save_batch(store, meta, checked.accepted, checked.violations, rules.competency_codes,
                   before_commit=rejects)  # fmt: skip
    except OutputError as exc:
        report.error = {
            "code": "rejects-unwritable",
            "message": f"{exc}; so nothing of the file was stored (its rows and its rejects "
            "belong together): make the rejects folder writable and import it again",
        }
        report.rejects = []
        return report
    report.status = "imported"
    return report


def _same_request(earlier: dict, opts: ImportOptions) -> bool:
    """The same file asked for the same way: an explicit other --sheet, --kind or --cycle
    is a new import (a correction), not a repeat."""
    same_cycle = opts.cycle in (None, earlier["cycle"]) or not KINDS[earlier["kind"]].cycled
    return (
        (opts.sheet is None or opts.sheet == earlier["sheet"])
        and (opts.kind == "auto" or opts.kind == earlier["kind"])
        and same_cycle
        and not rules_changed(earlier, opts)
    )


def rules_changed(earlier: dict, opts: ImportOptions) -> bool:
    """The rules differ from those the earlier batch was validated under (SPEC §3): unknown
    for a batch stored before the store kept them, which counts as unchanged."""
    before = earlier.get("rules_sha256")
    return before is not None and opts.rules_sha256 is not None and before != opts.rules_sha256


def _already(report: FileReport, earlier: dict) -> FileReport:
    report.status = "already-imported"
    for k in ("kind", "cycle", "sheet", "header_row"):
        setattr(report, k, earlier[k])
    report.notes.append(f"same content as {earlier['file']} imported {earlier['imported_at']}")
    return report


def _read_and_check(
    path: Path, rules: Rules, opts: ImportOptions, report: FileReport, store: Store | None = None
) -> Checked:
    chosen = choose_sheets(
        open_grids(path),
        rules,
        path.name,
        opts.sheet,
        opts.kind,
        opts.header_row,
        lambda g: frozenset() if g.is_csv else hidden_columns(g.source, g.sheet),
        frozenset() if path.suffix.lower() == ".csv" else hidden_sheets(path),
    )
    report.notes.extend(chosen.notes)
    kind = chosen.kind
    grid, header = chosen.sheets[0]
    report.sheet, report.header_row = grid.sheet, header.index + 1  # also if refused
    if kind is None:
        raise InputFileError(
            path.name,
            "unknown-kind",
            f"cannot tell whether this is {' or '.join(KINDS)} from its headers; give --kind",
        )
    report.kind = kind
    for grid, header in chosen.sheets:
        _refuse_layout(grid, header, kind, rules, path.name)
    if KINDS[kind].cycled:
        report.cycle, report.cycle_from = _cycle(path, chosen.sheets, opts)
    parts = []
    for grid, header in chosen.sheets:
        grid.fill_merged_ods()
        part = validate(grid, header, kind, rules, path.name)
        if kind == "kalibrasi" and store is not None:
            part = _unknown_nips(part, store, report.cycle)
        parts.append(part)
    checked = combine(parts, kind)
    if "unit" in checked.accepted:  # one spelling per unit: counted as one everywhere
        checked.accepted["unit"] = one_spelling(checked.accepted["unit"])
    report.sheets = checked.sheets
    return checked


def _unknown_nips(part: Checked, store: Store, cycle: str | None) -> Checked:
    """A decision for a NIP with no accepted assessment in the cycle is rejected,
    `unknown-nip` (SPEC §3): the committee decides on people the cycle assessed."""
    nips = part.accepted["nip"]
    bad = ~assessed(store, cycle or "", nips)
    return reject_rows(
        part,
        bad,
        "nip",
        "unknown-nip",
        f"no accepted assessment of this NIP in cycle {cycle}: import the asesmen file of "
        f"the cycle first, or correct the NIP",
    )


def _refuse_layout(grid, header, kind: str, rules: Rules, file: str) -> None:
    """A header the rows cannot be read under: two visible columns for one field, or a
    required column missing (exit 3)."""
    row = header.index + 1
    if header.ambiguous is not None:
        raise InputFileError(
            file, "ambiguous-column", f"sheet {grid.sheet!r}, header row {row}: {header.ambiguous}"
        )
    check_columns(header, kind, rules, file, grid.sheet, row)


def _cycle(path: Path, sheets: list, opts: ImportOptions) -> tuple[str, str]:
    """The cycle of an asesmen/formasi file and where it comes from (SPEC §3.2): --cycle, else
    the workspace's; a file naming another year is refused rather than guessed at. Without a
    workspace cycle, a year in the title block, then in the file name, else this year."""
    if opts.cycle:
        return opts.cycle, "--cycle"
    grid, header = sheets[0]
    said = [(y, "in its title block") for y in [_title_year(grid, header)] if y]
    said += [(y, "in its name") for y in [_year_in(path.name)] if y]
    if opts.default_cycle:
        for year, where in said:
            if year != opts.default_cycle:
                raise InputFileError(
                    path.name,
                    "cycle-mismatch",
                    f"the file says {year} ({where}), the workspace {opts.default_cycle}: "
                    f"import it with --cycle {year} or --cycle {opts.default_cycle}",
                )
        return opts.default_cycle, "talent.yaml"
    if said:
        return said[0][0], f"the year {said[0][1]}"
    return opts.current_year, "this year: no cycle in talent.yaml or in the file"


def _title_year(grid, header) -> str | None:
    """The first year in the rows above the header (the title block), if any."""
    for row in grid.head(header.index):
        for v in row:
            if isinstance(v, str):
                year = _year_in(_CITATION.sub(" ", v))
                if year:
                    return year
    return None


def _year_in(name: str) -> str | None:
    m = _YEAR.search(name)
    return m.group(1) if m else None


def _finish(report: FileReport, checked: Checked) -> None:
    report.rows_read = checked.rows_read
    report.accepted = len(checked.accepted)
    report.rejected = checked.rejected
    report.skipped = checked.skipped
    report.notes.extend(checked.notes)
    v = shown(checked.violations)
    report.errors = [
        {k: (int(val) if k == "row" else val) for k, val in rec.items()}
        for rec in v.to_dict("records")
    ]
