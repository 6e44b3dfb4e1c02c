"""The services behind the commands: import_files, classify, report, explain, run.

Each takes the workspace lock (SPEC §7) where it writes, logs what it did (codes, cells and
counts only: never names or whole rows) and returns an outcome that carries its exit code.
A Typer command parses, calls one of these and renders; a Python caller of `run` gets the
same lock and the same log.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import logging
import os
import shutil
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from talentcli.errors import ExitCode, LockedError
from talentcli.model import RunData, RunSummary
from talentcli.progress import tick
from talentcli.safety import private_dir, remove_leftovers, safe_log_text

if TYPE_CHECKING:
    import pandas as pd

    from talentcli.engine.whatif import Comparison
    from talentcli.ingest import FileReport
    from talentcli.rules import LoadedRules, Rules
    from talentcli.workspace import Workspace

Warn = Callable[[str], None]


def _ignore(message: str) -> None:
    """The default `warn`: a Python caller that passes none hears nothing."""


# ------------------------------------------------------------------ the lock


@contextlib.contextmanager
def locked(
    ws: Workspace, log: logging.Logger | None = None, warn: Warn = _ignore
) -> Iterator[None]:
    """Hold the workspace lock that `run` takes while the store or the reports change: an
    import by hand and a cron run never interleave. LockedError (exit 75) at once if held."""
    from filelock import FileLock, Timeout

    path = ws.lock
    lock: FileLock | None = FileLock(path, timeout=0, mode=0o600)
    try:
        lock.acquire()
    except Timeout:
        if log is not None:
            log.warning("skipped: another talentcli command holds %s", path.name)
        raise LockedError(
            f"another talentcli command (a cron run?) holds {path}; try again when it ends"
        ) from None
    except OSError as exc:  # a read-only folder: the command works, unguarded, and says so
        why = exc.strerror or type(exc).__name__
        warn(f"warning: no lock ({why}): {path.parent}")
        if log is not None:
            log.warning("no lock in %s: %s", safe_log_text(str(path.parent)), why)
        lock = None
    try:
        yield
    finally:
        if lock is not None:
            lock.release()


# ------------------------------------------------------------------ import


@dataclass
class ImportOutcome:
    """What `import` did, file by file."""

    reports: list[FileReport]
    code: ExitCode = ExitCode.OK


def import_exit(reports: list[FileReport]) -> ExitCode:
    """3 if a file was unusable, 1 if rows were rejected, else 0 (SPEC §2)."""
    if any(r.status == "failed" for r in reports):
        return ExitCode.INPUT
    if any(r.rejected for r in reports):
        return ExitCode.ATTENTION
    return ExitCode.OK


def import_files(
    ws: Workspace,
    files: list[Path],
    kind: str = "auto",
    cycle: str | None = None,
    sheet: str | None = None,
    warn: Warn = _ignore,
    each: Callable[[Path], contextlib.AbstractContextManager] | None = None,
    header_row: int | None = None,
    force: bool = False,
) -> ImportOutcome:
    """Import FILES into the workspace store under the lock; every file gets a report."""
    from talentcli.ingest import ImportOptions, import_file
    from talentcli.rules import load_rules
    from talentcli.store import Store
    from talentcli.workspace import open_log

    loaded = load_rules(ws.rules)
    rules = loaded.rules
    log = open_log(ws)
    opts = ImportOptions(
        kind,
        cycle,
        sheet,
        ws.config.cycle,
        ws.limits,
        ws.path(ws.config.rejects),
        header_row=header_row,
        force=force,
        rules_sha256=loaded.sha256,
    )
    gc.freeze()  # start-up's objects (pandas, the rules) are kept for good: the collector
    # walks only what the import makes (SPEC §9 allows this one; measured in docs/scale.md)
    reports = []
    with locked(ws, log, warn):
        store = Store(ws.db)
        try:
            tick("import", 0, len(files), "files")
            for f in files:
                with each(f) if each is not None else contextlib.nullcontext():
                    reports.append(import_file(f, store, rules, opts))
                tick("import", len(reports), len(files), "files")
        finally:
            store.close()
    for r in reports:
        log_import(log, r)
    return ImportOutcome(reports, import_exit(reports))


def log_import(log: logging.Logger, r: FileReport) -> None:
    """One import in the log: codes, cells and counts only, never names or whole rows."""
    name = safe_log_text(r.file)
    if r.status == "failed":
        log.error("import %s failed: %s", name, r.error["code"] if r.error else "?")
        return
    log.info(
        "import %s %s kind=%s cycle=%s read=%d accepted=%d rejected=%d skipped=%d",
        name,
        r.status,
        r.kind,
        r.cycle,
        r.rows_read,
        r.accepted,
        r.rejected,
        r.skipped,
    )
    for e in r.errors:
        level = log.error if e["severity"] == "error" else log.warning
        level("%s %s %s %s", name, safe_log_text(str(e["cell"])), e["field"] or "-", e["code"])


# ------------------------------------------------------------------ classify


@dataclass
class ClassifyOutcome:
    """A stored run and the rules it was made with."""

    summary: RunSummary
    rules: Rules
    code: ExitCode = ExitCode.OK


def classify(
    ws: Workspace,
    cycle: str | None = None,
    rules_path: Path | None = None,
    as_of: dt.date | None = None,
    warn: Warn = _ignore,
) -> ClassifyOutcome:
    """Classify the cycle's cohort and store the run, under the lock."""
    from talentcli.pipeline import classify_cycle
    from talentcli.rules import load_rules
    from talentcli.store import Store
    from talentcli.workspace import open_log

    loaded = load_rules(rules_path or ws.rules)
    log = open_log(ws)
    with locked(ws, log, warn):
        store = Store(ws.db, create=False)
        try:
            summary = classify_cycle(store, loaded, cycle or ws.cycle, as_of or dt.date.today())
        finally:
            store.close()
    log.info(_classified(summary))
    code = ExitCode.ATTENTION if len(summary.incomplete) else ExitCode.OK
    return ClassifyOutcome(summary, loaded.rules, code)


def _classified(s: RunSummary) -> str:
    return (
        f"classify: cycle={s.cycle} as_of={s.as_of} run={s.run_id} people={s.people} "
        f"classified={s.classified} incomplete={len(s.incomplete)}"
    )


# ------------------------------------------------------------------ report and explain


@dataclass
class ReportOutcome:
    """The report files written."""

    paths: list[Path]
    code: ExitCode = ExitCode.OK


def report(
    ws: Workspace,
    formats: list[str],
    out: Path | None = None,
    lang: str = "id",
    cycle: str | None = None,
    assign: bool = False,
    key_file: Path | None = None,
    warn: Warn = _ignore,
    budget: int | None = None,
    per_unit: bool = False,
) -> ReportOutcome:
    """Write the reports of the latest run of the cycle, under the lock; BUDGET (rupiah, else
    talent.yaml's) funds the plans in the reports only."""
    from talentcli.safety import read_key
    from talentcli.workspace import open_log

    key = read_key(key_file) if key_file is not None else None
    log = open_log(ws)
    with locked(ws, log, warn):
        paths = _write_reports(
            ws,
            cycle,
            formats,
            out or ws.path(ws.config.output),
            lang,
            assign,
            key,
            budget,
            per_unit,
        )
    log.info("report: %s", " ".join(safe_log_text(p.name) for p in paths))
    return ReportOutcome(paths)


def _write_reports(
    ws: Workspace,
    cycle: str | None,
    formats: list[str],
    folder: Path,
    lang: str,
    assign: bool = False,
    key: bytes | None = None,
    budget: int | None = None,
    per_unit: bool = False,
) -> list[Path]:
    """Gather the run from the store and write every format (leftovers of a killed writer
    removed first); record which run the folder now shows. BUDGET, else talent.yaml's, is
    allocated over the plans (SPEC §4.12)."""
    from talentcli.pipeline import apply_budget, load_run, pseudonymize
    from talentcli.report import record_run, write_reports
    from talentcli.report.lists import equity_view
    from talentcli.store import Store

    store = Store(ws.db, create=False)
    try:
        data = load_run(store, cycle, assign=assign)
    finally:
        store.close()
    data = replace(data, instansi=ws.instansi)
    data = apply_budget(data, budget if budget is not None else ws.config.budget)
    data = replace(data, equity=equity_view(data))  # from the NIPs, before any pseudonym
    if key is not None:
        data = pseudonymize(data, key)
    private_dir(folder)
    remove_leftovers(folder)
    paths = write_reports(data, folder, formats, lang)
    if per_unit:  # one workbook per unit, for its head (unit/<slug>.xlsx)
        from talentcli.report import write_per_unit

        paths += write_per_unit(data, folder, lang)
    record_run(folder, data.run, formats)
    return paths


def explain(
    ws: Workspace, nip: str, cycle: str | None = None
) -> tuple[RunData, pd.DataFrame, list[dict]]:
    """The latest run, the person's stored ratings and rows rejected at import, for
    `explain`."""
    from talentcli.errors import NotFoundError
    from talentcli.pipeline import load_run
    from talentcli.store import Store, load_ratings, rejected_rows, whereabouts

    store = Store(ws.db, create=False)
    try:
        data = load_run(store, cycle)
        ratings = load_ratings(store)
        known = nip in set(data.people["nip"]) or nip in set(data.incomplete["nip"])
        where = None if known else whereabouts(store, nip)
        rejected = rejected_rows(store, nip) if known else []
    finally:
        store.close()
    if where is not None:
        raise NotFoundError(_not_in_run(nip, data.run, where))
    return data, ratings.loc[ratings["nip"] == nip, ["tahun", "predikat", "nilai"]], rejected


def explain_eligibility(ws: Workspace, data: RunData, nip: str) -> list[tuple]:
    """For each level the person could move to (promotes_to): (level, verdict, [(criterion,
    result, detail)]) from the stored personnel data and ratings, as the run's vacancy
    candidates are checked (SPEC §4.7); empty for a person the run did not classify."""
    from talentcli.engine.eligibility import check, verdicts
    from talentcli.pipeline import eligibility_facts
    from talentcli.store import Store, load_personnel, load_ratings

    person = data.people[data.people["nip"] == nip]
    if person.empty:
        return []
    store = Store(ws.db, create=False)
    try:
        personnel, ratings = load_personnel(store), load_ratings(store)
    finally:
        store.close()
    run, rules = data.run, data.rules
    as_of = dt.date.fromisoformat(str(run["as_of"]))
    facts = eligibility_facts(personnel, ratings, rules, as_of, int(run["cycle"]))
    out = []
    for level in rules.job_levels[person.iloc[0]["job_level"]].promotes_to:
        criteria = rules.job_levels[level].eligibility
        res = check(person, facts.personnel, facts.ratings, criteria, rules, as_of, facts.cycle)
        rows = [(c, r.result[0], r.detail[0]) for c, r in res.items()]
        out.append((level, verdicts(res, 1)[0], rows))
    return out


@dataclass
class CompareOutcome:
    """`compare`: the comparison and what it compared (cycle, as_of, run, both rules)."""

    comparison: Comparison
    meta: dict
    code: ExitCode = ExitCode.OK
    rules: tuple[Rules, Rules] | None = None  # the run's and the other: their words


def compare(ws: Workspace, rules_path: Path, cycle: str | None = None) -> CompareOutcome:
    """Classify the cycle's stored inputs with other rules, in memory (same as_of), and hold
    the result against the latest run (SPEC §4.13). Reads the store, writes nothing to it."""
    from talentcli.engine.whatif import compare as held_against
    from talentcli.pipeline import compute_cycle, load_run
    from talentcli.rules import load_rules
    from talentcli.store import Store
    from talentcli.workspace import open_log

    loaded = load_rules(rules_path)
    store = Store(ws.db, create=False)
    try:
        old = load_run(store, cycle)
        as_of = dt.date.fromisoformat(str(old.run["as_of"]))
        new = compute_cycle(store, loaded.rules, str(old.run["cycle"]), as_of)[2]
    finally:
        store.close()
    comparison = held_against(old.people, new)
    run = old.run
    meta = {
        "cycle": str(run["cycle"]),
        "as_of": str(run["as_of"]),
        "run": int(run["id"]),
        "rules_a": {"name": run["rules_name"], "sha256": run["rules_sha256"]},
        "rules_b": {"name": loaded.name, "sha256": loaded.sha256},
    }
    changed = " ".join(f"{k}={v}" for k, v in comparison.changed.items())
    log = open_log(ws)
    log.info(
        "compare: cycle=%s run=%s rules=%s %s",
        meta["cycle"],
        meta["run"],
        safe_log_text(loaded.name),
        changed,
    )
    return CompareOutcome(comparison, meta, rules=(old.rules, loaded.rules))


def _not_in_run(nip: str, run: dict, where: dict) -> str:
    """Why a NIP is not in the run, from what the store holds of it (store.whereabouts):
    assessed after the run, its rows rejected at import (file, sheet, row, codes), assessed
    in another cycle only, or never imported."""
    from talentcli.report.labels import rejected_where

    cycle = str(run["cycle"])
    head = f"NIP {nip} is not in run {run['id']} (cycle {cycle})"
    other = [c for c in where["cycles"] if c != cycle]
    elsewhere = (
        f"it has an assessment in cycle {', '.join(other)}; "
        f"try talentcli explain {nip} --cycle {other[-1]}"
        if other
        else ""
    )
    if cycle in where["cycles"]:
        return f"{head}: it was imported after the run; run talentcli classify again"
    mine = [r for r in where["rejected"] if r["kind"] == "asesmen" and str(r["cycle"]) == cycle]
    if mine:
        rows = "; ".join(rejected_where(r) for r in mine[:5])
        more = f" (and {len(mine) - 5} more)" if len(mine) > 5 else ""
        tail = f"; {elsewhere}" if elsewhere else ""
        return (
            f"{head}: its assessment row was rejected at import: {rows}{more}; fix the row "
            f"(see the rejects/ files) and import the file again{tail}"
        )
    if elsewhere:
        return f"{head}: {elsewhere}"
    if where["rejected"]:
        rows = "; ".join(f"{r['kind']} {rejected_where(r)}" for r in where["rejected"][:5])
        return f"{head}: no assessment of it was imported for cycle {cycle}; rejected: {rows}"
    return f"{head}: no assessment of it was imported; check the number or import its file"


@dataclass
class HistoryOutcome:
    """One person's rows per cycle, and the rules of the latest run (for the labels)."""

    rows: list[dict]
    rules: Rules


def history(ws: Workspace, nip: str) -> HistoryOutcome:
    """One person across cycles (SPEC §4.10): a row per cycle from its latest run, oldest
    first (incomplete there: the reason); NotFoundError when no latest run has the NIP."""
    from talentcli.engine.runs import run_rules
    from talentcli.errors import NotFoundError
    from talentcli.store import Store, latest_run, person_history, whereabouts

    store = Store(ws.db, create=False)
    try:
        rows = person_history(store, nip)
        last = latest_run(store, rows[-1]["cycle"]) if rows else None
        where = None if rows else whereabouts(store, nip)
    finally:
        store.close()
    if where is not None:
        seen = (
            f"; it has an assessment in cycle {', '.join(where['cycles'])}"
            if where["cycles"]
            else ""
        )
        raise NotFoundError(
            f"NIP {nip}: no result, classified or incomplete, in any cycle's latest run{seen}; "
            "check the number, or import and classify its cycle (talentcli explain tells why)"
        )
    return HistoryOutcome(rows, run_rules(last))


# ------------------------------------------------------------------ run (cron)


@dataclass
class InboxOutcome:
    """What one unattended run did."""

    reports: list = field(default_factory=list)  # FileReport per inbox entry, in name order
    moved: list[tuple[str, str]] = field(default_factory=list)  # (file, destination)
    summary: RunSummary | None = None
    written: list | None = None
    rules: Rules | None = None
    code: ExitCode = ExitCode.OK
    line: str = ""

    @property
    def failed(self) -> int:
        """Files moved to failed/."""
        return sum(r.status == "failed" for r in self.reports)

    @property
    def rejected(self) -> int:
        """Rejected rows over all files."""
        return sum(r.rejected for r in self.reports)


def inbox_entries(folder: Path) -> list[Path]:
    """Everything waiting in the inbox, in name order (hidden and Office lock files ignored);
    links, folders and devices included: they are failed, never followed."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if not p.name.startswith((".", "~$")))


def not_regular(path: Path) -> str | None:
    """Why PATH is not a regular file to read (None when it is), looked at without following
    a symbolic link."""
    mode = path.lstat().st_mode
    if stat.S_ISREG(mode):
        return None
    what = (
        "a symbolic link"
        if stat.S_ISLNK(mode)
        else "a folder"
        if stat.S_ISDIR(mode)
        else "not a regular file (a device, pipe or socket)"
    )
    return f"not-a-file: {what}; not followed or read: put the export itself in the inbox"


def file_away(path: Path, folder: Path, reason: str | None = None) -> Path:
    """Move PATH (a link as the link itself) into FOLDER, never overwriting; with REASON also
    write <name>.reason.txt. The moved entry's mode, owner and bytes are left as they were:
    the owner-only folder keeps it private."""
    private_dir(folder)
    dest = folder / path.name
    n = 1
    while dest.exists() or dest.is_symlink():
        dest = folder / f"{path.stem}-{n}{path.suffix}"
        n += 1
    if _same_device(path, folder):
        os.rename(path, dest)  # the entry itself: a link stays a link, never followed
    else:
        shutil.move(str(path), dest)
    if reason is not None:
        note = dest.with_name(dest.name + ".reason.txt")
        fd = os.open(note, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(reason + "\n")
    return dest


def _same_device(path: Path, folder: Path) -> bool:
    return path.lstat().st_dev == folder.stat().st_dev


def run(ws: Workspace, as_of: dt.date | None = None, warn: Warn = _ignore) -> InboxOutcome:
    """The cron job (SPEC §7): under the lock, import every inbox entry kind by kind (each
    archived, or failed with a reason), classify when the store has news, and write the
    reports when the latest run is not the one they show. Logged, with one summary line."""
    from talentcli.rules import load_rules
    from talentcli.workspace import open_log

    log = open_log(ws)
    outcome = InboxOutcome()
    with locked(ws, log, warn):
        loaded = load_rules(ws.rules)  # bad rules stop the run before the inbox is touched
        outcome.rules = loaded.rules
        try:
            _run_inbox(ws, loaded, as_of or dt.date.today(), outcome)
        except BaseException as exc:  # the log still tells what was imported and moved
            for r in outcome.reports:
                log_import(log, r)
            log.error(
                "run stopped (%s) after files=%d moved=%d: what was imported is stored",
                type(exc).__name__,
                len(outcome.reports),
                len(outcome.moved),
            )
            raise
    for r in outcome.reports:
        log_import(log, r)
    outcome.code = _run_exit(outcome)
    outcome.line = _run_line(outcome)
    log.info(outcome.line)
    return outcome


def _run_inbox(ws: Workspace, loaded: LoadedRules, as_of: dt.date, outcome: InboxOutcome) -> None:
    from talentcli.store import Store, latest_run

    cycle = ws.cycle
    store = Store(ws.db)
    try:
        _import_inbox(ws, store, loaded, outcome)
        if _needs_classify(store, cycle, loaded):
            from talentcli.pipeline import classify_cycle

            outcome.summary = classify_cycle(store, loaded, cycle, as_of)
        last = latest_run(store, cycle)
    finally:
        store.close()
    if outcome.summary is not None or _reports_stale(ws, last):
        folder = ws.path(ws.config.output)
        outcome.written = _write_reports(ws, cycle, ws.config.formats, folder, ws.config.lang)


def _import_inbox(ws: Workspace, store, loaded: LoadedRules, outcome: InboxOutcome) -> None:
    """Each inbox entry is imported or failed on its own: one bad file never stops the run."""
    from talentcli.ingest import FileReport, ImportOptions

    opts = ImportOptions(
        "auto",
        None,
        None,
        ws.config.cycle,
        ws.limits,
        ws.path(ws.config.rejects),
        rules_sha256=loaded.sha256,
    )
    archive = ws.path(ws.config.archive) / dt.date.today().isoformat()
    failed = ws.path(ws.config.failed)
    entries = _in_run_order(inbox_entries(ws.path(ws.config.inbox)), loaded.rules)
    for done, path in enumerate(entries):
        tick("import", done, len(entries), "files")
        why = not_regular(path)
        if why is not None:
            code, message = why.split(": ", 1)  # the code once, not in the message too
            report = FileReport(path.name, error={"code": code, "message": message})
        else:
            report = _import_one(path, store, loaded.rules, opts)
        outcome.reports.append(report)
        err = report.error
        reason = f"{err['code']}: {err['message']}" if err else None
        dest = file_away(path, failed if err else archive, reason)
        outcome.moved.append((path.name, str(dest)))
    tick("import", len(entries), len(entries), "files")


def _in_run_order(entries: list[Path], rules: Rules) -> list[Path]:
    """Kind by kind in RUN_ORDER (what a later kind refers to is stored first), by name
    within a kind; an entry whose kind cannot be told from its head (or no regular file)
    goes last, and fails there as it would anyway."""
    from talentcli.ingest import peek_kind
    from talentcli.kinds import RUN_ORDER

    def place(path: Path) -> int:
        kind = peek_kind(path, rules) if not_regular(path) is None else None
        return RUN_ORDER.index(kind) if kind in RUN_ORDER else len(RUN_ORDER)

    return sorted(entries, key=lambda p: (place(p), p.name))


def _import_one(path: Path, store, rules: Rules, opts) -> FileReport:
    """import_file, with any failure inside it made that file's (SPEC §7): its transaction
    is rolled back, and the file is failed with the error's type (no traceback, no data)."""
    from talentcli.ingest import FileReport, import_file

    try:
        return import_file(path, store, rules, opts)
    except Exception as exc:
        message = (
            f"reading it failed inside talentcli ({type(exc).__name__}); nothing of it was "
            "stored. Open and save it again as .xlsx, or report it with talentcli --debug import"
        )
        return FileReport(path.name, error={"code": "internal-error", "message": message})


def _needs_classify(store, cycle: str, loaded: LoadedRules) -> bool:
    """Something to classify, and the latest run does not reflect it: a batch the run did not
    see (imported now or by hand since), other rules, or no run at all."""
    from talentcli.store import has_cohort, latest_run, unseen_batches

    if not has_cohort(store, cycle):
        return False
    last = latest_run(store, cycle)
    if last is None or last["rules_sha256"] != loaded.sha256:
        return True
    return unseen_batches(store, cycle, last["id"])


def _reports_stale(ws: Workspace, last: dict | None) -> bool:
    """The reports on disk are not those of LAST, the latest run of the cycle (or one is
    missing): a run killed between classify and report, or a classify by hand since."""
    from talentcli.report import recorded_run

    if last is None:
        return False
    return recorded_run(ws.path(ws.config.output), ws.config.formats) != last["id"]


def _run_exit(outcome: InboxOutcome) -> ExitCode:
    incomplete = outcome.summary is not None and len(outcome.summary.incomplete) > 0
    if outcome.failed or outcome.rejected or incomplete:
        return ExitCode.ATTENTION
    return ExitCode.OK


def _run_line(outcome: InboxOutcome) -> str:
    s = outcome.summary
    if s:
        done = f"classified={s.classified} incomplete={len(s.incomplete)} run={s.run_id}"
    elif outcome.written:
        done = "no new data: reports written again from the latest run"
    else:
        done = "no new data: reports unchanged"
    imported = sum(r.status == "imported" for r in outcome.reports)
    people = " ".join(
        f"{safe_log_text(r.file)}={r.accepted}" for r in outcome.reports if r.status == "imported"
    )
    return (
        f"run: files={len(outcome.reports)} imported={imported} failed={outcome.failed} "
        f"rejected_rows={outcome.rejected} {done} exit={int(outcome.code)}"
        + (f" accepted: {people}" if people else "")
    )
