"""Read a workbook -> find the header -> map columns -> normalise -> validate -> store."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from talentcli.errors import InputFileError
from talentcli.ingest.header import check_columns, choose_sheet, detect_kind
from talentcli.ingest.read import check_file, open_grids
from talentcli.ingest.rejects import write_rejects
from talentcli.ingest.validate import Checked, validate
from talentcli.kinds import KINDS
from talentcli.rules import Rules
from talentcli.store import Store, save_batch
from talentcli.workspace import Limits

__all__ = ["FileReport", "Limits", "import_file"]

_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")


@dataclass
class FileReport:
    """What happened to one input file: the record behind the terminal, --json, log and store."""

    file: str
    sha256: str = ""
    kind: str | None = None
    cycle: str | None = None
    sheet: str | None = None
    header_row: int | None = None
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
        if earlier is not None and _same_request(earlier, opts):
            return _already(report, earlier)
        checked = _read_and_check(path, rules, opts, report)
    except InputFileError as exc:
        report.error = {"code": exc.code, "message": exc.message}
        return report
    _finish(report, checked)
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
    save_batch(store, meta, checked.accepted, checked.violations, rules.competency_codes)
    report.status = "imported"
    if opts.rejects_dir is not None:
        if checked.rejected:
            report.rejects = [str(p) for p in write_rejects(path, checked, opts.rejects_dir)]
        else:  # a corrected file: the old rejects of that name no longer apply
            for old in opts.rejects_dir.glob(f"{path.stem}.rejects.*"):
                old.unlink(missing_ok=True)
    return report


def _same_request(earlier: dict, opts: ImportOptions) -> bool:
    """The same file asked for the same way: an explicit other --sheet, --kind or --cycle
    is a new import (a correction), not a repeat."""
    same_cycle = opts.cycle in (None, earlier["cycle"]) or not KINDS[earlier["kind"]].cycled
    return (
        (opts.sheet is None or opts.sheet == earlier["sheet"])
        and (opts.kind == "auto" or opts.kind == earlier["kind"])
        and same_cycle
    )


def _already(report: FileReport, earlier: dict) -> FileReport:
    report.status = "already-imported"
    for k in ("kind", "cycle", "sheet", "header_row"):
        setattr(report, k, earlier[k])
    report.notes.append(f"same content as {earlier['file']} imported {earlier['imported_at']}")
    return report


def _read_and_check(path: Path, rules: Rules, opts: ImportOptions, report: FileReport) -> Checked:
    grid, header, notes = choose_sheet(open_grids(path), rules, path.name, opts.sheet)
    report.notes.extend(notes)
    grid.fill_merged_ods()
    kind = detect_kind(header, rules) if opts.kind == "auto" else opts.kind
    if kind is None:
        raise InputFileError(
            path.name,
            "unknown-kind",
            f"cannot tell whether this is {' or '.join(KINDS)} from its headers; give --kind",
        )
    header_row = header.index + 1
    report.kind, report.sheet, report.header_row = kind, grid.sheet, header_row  # also if refused
    check_columns(header, kind, rules, path.name, grid.sheet, header_row)
    if KINDS[kind].cycled:
        report.cycle = opts.cycle or _year_in(path.name) or opts.default_cycle
    return validate(grid, header, kind, rules, path.name)


def _year_in(name: str) -> str | None:
    m = _YEAR.search(name)
    return m.group(1) if m else None


def _finish(report: FileReport, checked: Checked) -> None:
    report.rows_read = checked.rows_read
    report.accepted = len(checked.accepted)
    report.rejected = checked.rejected
    report.skipped = checked.skipped
    report.notes.extend(checked.notes)
    v = checked.violations.drop(columns="pos")
    report.errors = [
        {k: (int(val) if k == "row" else val) for k, val in rec.items()}
        for rec in v.to_dict("records")
    ]
