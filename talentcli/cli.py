"""The Typer app: parse options, call the core, render. No logic here.

Heavy libraries (pandas, numpy, calamine) are imported inside the commands that
need them, so `talentcli --help` starts fast.
"""

from __future__ import annotations

import contextlib
import functools
import signal
import sqlite3
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from talentcli import __version__
from talentcli.errors import ExitCode, TalentError, Terminated

if TYPE_CHECKING:
    from talentcli.ingest import FileReport
    from talentcli.workspace import Workspace

app = typer.Typer(
    name="talentcli",
    help="Competency assessments of civil servants -> talent maps, placement lists and "
    "training plans (BKPSDM).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,  # tracebacks hold personal data in locals: never shown
    rich_markup_mode=None,
)
rules_app = typer.Typer(help="Check rules files.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")


class State:
    """Global options, shared by every command."""

    db: Path | None = None
    quiet: bool = False
    verbose: bool = False
    debug: bool = False


STATE = State()

# ------------------------------------------------------------ shared options

AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="Reference date (default today).", metavar="DATE")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]


def _year(value: str | None) -> str | None:
    if value is not None and not (
        len(value) == 4 and value.isdigit() and value[:2] in ("19", "20")
    ):
        raise typer.BadParameter(f"{value!r} is not a year such as 2026")
    return value


CycleOpt = Annotated[
    str | None,
    typer.Option(
        "--cycle", help="Assessment cycle (year), e.g. 2026.", metavar="YEAR", callback=_year
    ),
]


def _echo(msg: str = "", err: bool = False) -> None:
    if not STATE.quiet or err:
        typer.echo(msg, err=err)


def handled(func: Any) -> Any:
    """Turn talentcli's typed errors into one line on stderr and their exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except TalentError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(int(exc.exit_code)) from None
        except sqlite3.DatabaseError as exc:  # disk full, locked or damaged store
            typer.echo(f"error: the store cannot be used: {exc}; nothing was changed", err=True)
            raise typer.Exit(int(ExitCode.INPUT)) from None
        except OSError as exc:  # a folder that cannot be created or written
            where = f" {exc.filename}" if exc.filename else ""
            typer.echo(f"error: cannot access{where}: {exc.strerror or exc}", err=True)
            raise typer.Exit(int(ExitCode.INPUT)) from None
        except KeyboardInterrupt:
            typer.echo("interrupted: nothing of the current file was stored", err=True)
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except Terminated:
            typer.echo("terminated: nothing of the current file was stored", err=True)
            raise typer.Exit(int(ExitCode.TERMINATED)) from None

    return wrapper


def _version(value: bool) -> None:
    if value:
        typer.echo(f"talentcli {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    db: Annotated[
        Path | None,
        typer.Option(
            "--db", envvar="TALENTCLI_DB", help="Store file (default: talent.db in the workspace)."
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only errors.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Every row problem.")] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks (never with local variables).")
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Global options."""
    STATE.db, STATE.quiet, STATE.verbose, STATE.debug = db, quiet, verbose, debug


def _workspace() -> Workspace:
    from talentcli.workspace import find_workspace

    return find_workspace(db=STATE.db)


@contextlib.contextmanager
def _locked(ws: Workspace, log: Any = None) -> Iterator[None]:
    """Hold the workspace lock that `talentcli run` takes (SPEC §7) while a command writes the
    store: an import or classify by hand and a cron run never interleave (a run would
    otherwise classify and report on data that changed under it). Exit 75 at once if held."""
    from filelock import FileLock, Timeout

    from talentcli.errors import LockedError

    path = ws.lock
    lock = FileLock(path, timeout=0, mode=0o600)
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
        typer.echo(f"warning: no lock ({why}): {path.parent}", err=True)
        if log is not None:
            log.warning("no lock in %s: %s", path.parent, why)
        lock = None
    try:
        yield
    finally:
        if lock is not None:
            lock.release()


# ------------------------------------------------------------------ commands


@app.command()
@handled
def init(
    folder: Annotated[Path, typer.Argument(help="Where to create the workspace.")] = Path("."),
    cycle: CycleOpt = None,
) -> None:
    """Create a workspace: talent.yaml, rules/ (copies of the shipped rules), inbox/.

    Example: talentcli init bkpsdm --cycle 2026
    """
    from talentcli.workspace import init_workspace

    made = init_workspace(folder, cycle)
    for path in made:
        _echo(f"created {path}")
    if (folder / "talent.yaml") not in made:
        _echo(f"kept the existing {folder / 'talent.yaml'} (edit its cycle: there if needed)")
    _echo(f"workspace ready in {folder.resolve()}: drop exports into {folder / 'inbox'}")


@app.command("import")
@handled
def import_(
    files: Annotated[list[Path], typer.Argument(help="Exports: .xlsx .xlsm .xls .ods .csv")],
    kind: Annotated[
        str, typer.Option(help="auto, asesmen, kinerja or formasi.", metavar="KIND")
    ] = "auto",
    cycle: CycleOpt = None,
    sheet: Annotated[str | None, typer.Option(help="Read this sheet only.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Read exports into the store, validating every row; rejected rows go to rejects/.

    Example: talentcli import asesmen-2026.xlsx kinerja.xlsx formasi-2026.xlsx
    """
    from talentcli.kinds import KINDS

    if kind != "auto" and kind not in KINDS:
        raise typer.BadParameter(f"{kind!r}: use auto, {', '.join(KINDS)}", param_hint="--kind")
    from talentcli.workbook import prefetch

    ws = _workspace()
    prefetch(files, ws.limits)  # begun by read_ahead already, unless its guess was wrong
    from talentcli.ingest import ImportOptions, import_file
    from talentcli.rules import load_rules
    from talentcli.store import Store
    from talentcli.workspace import open_log

    rules = load_rules(ws.rules).rules
    log = open_log(ws)
    opts = ImportOptions(kind, cycle, sheet, ws.cycle, ws.limits, ws.path(ws.config.rejects))
    from talentcli.render import busy

    with _locked(ws, log):
        store = Store(ws.db)
        try:
            reports = []
            for f in files:
                with busy(f"importing {f.name} ..."):
                    reports.append(import_file(f, store, rules, opts))
        finally:
            store.close()
    for r in reports:
        _log_import(log, r)
    if json_out:
        import json

        typer.echo(
            json.dumps({"files": [r.as_json() for r in reports]}, ensure_ascii=False, indent=2)
        )
    else:
        for r in reports:
            _show_import(r)
    raise typer.Exit(int(_import_exit(reports)))


def _import_exit(reports: list[FileReport]) -> ExitCode:
    if any(r.status == "failed" for r in reports):
        return ExitCode.INPUT
    if any(r.rejected for r in reports):
        return ExitCode.ATTENTION
    return ExitCode.OK


def _log_import(log: Any, r: FileReport) -> None:
    """Codes, cells and counts only: never names or whole rows."""
    if r.status == "failed":
        log.error("import %s failed: %s", r.file, r.error["code"] if r.error else "?")
        return
    log.info(
        "import %s %s kind=%s cycle=%s read=%d accepted=%d rejected=%d skipped=%d",
        r.file,
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
        level("%s %s %s %s", r.file, e["cell"], e["field"], e["code"])


def _show_import(r: FileReport) -> None:
    if r.status == "failed":
        typer.echo(f"error: {r.file}: {r.error['message']} ({r.error['code']})", err=True)
        return
    where = f"{r.kind}, cycle {r.cycle}, " if r.cycle else f"{r.kind}, "
    _echo(f"{r.file}: {where}sheet '{r.sheet}', header row {r.header_row}")
    if r.status == "already-imported":
        _echo(f"  already imported (same SHA-256): nothing stored; {r.notes[0]}")
        return
    _echo(
        f"  {r.rows_read} rows read = {r.accepted} accepted + {r.rejected} rejected "
        f"+ {r.skipped} skipped"
    )
    limit = None if STATE.verbose else 20
    shown = r.errors[:limit]
    for e in shown:
        tag = "" if e["severity"] == "error" else " (warning)"
        _echo(f"  {e['cell']}: {e['message']} ({e['code']}){tag}", err=False)
    if len(shown) < len(r.errors):
        _echo(
            f"  ... and {len(r.errors) - len(shown)} more (all in the rejects file; -v shows all)"
        )
    if r.rejects:
        _echo(f"  rejected rows with reasons: {r.rejects[0]} (and .csv)")
    for note in r.notes:
        _echo(f"  note: {note}")


def _as_of(value: str | None):
    import datetime as dt

    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date like 2026-01-01", param_hint="--as-of"
        ) from None


@app.command()
@handled
def classify(
    cycle: CycleOpt = None,
    rules: Annotated[
        Path | None, typer.Option(help="Rules file (default: the workspace's, else the shipped).")
    ] = None,
    as_of: AsOfOpt = None,
) -> None:
    """Compute every person's result for a cycle (9-box, placement, notes) and store it as a run.

    Example: talentcli classify --cycle 2026 --as-of 2026-01-01
    """
    from talentcli.pipeline import classify_cycle
    from talentcli.rules import load_rules
    from talentcli.store import Store

    ws = _workspace()
    when = _as_of(as_of)
    loaded = load_rules(rules or ws.rules)
    from talentcli.render import busy, show_summary

    with _locked(ws):
        store = Store(ws.db, create=False)
        try:
            with busy("classifying ..."):
                summary = classify_cycle(store, loaded, cycle or ws.cycle, when)
        finally:
            store.close()

    show_summary(summary, loaded.rules, quiet=STATE.quiet)
    raise typer.Exit(int(ExitCode.ATTENTION if len(summary.incomplete) else ExitCode.OK))


@app.command()
@handled
def explain(
    nip: Annotated[str, typer.Argument(help="The person's NIP (spaces allowed).")],
    cycle: CycleOpt = None,
) -> None:
    """One person from the latest run: every number and the rule (file and key) behind it.

    Example: talentcli explain "19780923 200312 1 003"
    """
    from talentcli.pipeline import load_run
    from talentcli.render import explain_person
    from talentcli.store import Store, load_ratings

    digits = "".join(ch for ch in nip if ch.isdigit())
    if len(digits) != 18 or any(ch not in "0123456789 .-'" for ch in nip.strip()):
        raise typer.BadParameter(f"{nip!r} is not a NIP (18 digits, spaces allowed)")

    store = Store(_workspace().db, create=False)
    try:
        data = load_run(store, cycle)
        ratings = load_ratings(store)
        ratings = ratings.loc[ratings["nip"] == digits, ["tahun", "predikat", "nilai"]]
    finally:
        store.close()
    typer.echo(explain_person(data, nip, ratings))


@app.command()
@handled
def report(
    fmt: Annotated[
        str,
        typer.Option("--format", help="Comma-separated: xlsx,html,csv,json,md.", metavar="FORMATS"),
    ] = "xlsx,html,csv,json",
    out: Annotated[Path | None, typer.Option(help="Output folder (default: laporan/).")] = None,
    lang: Annotated[str, typer.Option(help="Report language: id or en.")] = "id",
    cycle: CycleOpt = None,
    assign: Annotated[
        bool, typer.Option("--assign", help="Add an optimal one-to-one vacancy assignment.")
    ] = False,
    pseudonymize: Annotated[
        Path | None,
        typer.Option(
            "--pseudonymize",
            help="Replace NIP and name by a keyed HMAC (key file).",
            metavar="KEYFILE",
        ),
    ] = None,
) -> None:
    """Write the reports of the latest classification run.

    Example: talentcli report --format xlsx,html --out laporan --lang id
    """
    from talentcli.pipeline import load_run
    from talentcli.report import FORMATS, write_reports
    from talentcli.store import Store

    formats = [f.strip() for f in fmt.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise typer.BadParameter(
            f"{', '.join(unknown) or fmt!r}: use {', '.join(FORMATS)}", param_hint="--format"
        )
    if lang not in ("id", "en"):
        raise typer.BadParameter(f"{lang!r}: use id or en", param_hint="--lang")
    ws = _workspace()
    store = Store(ws.db, create=False)
    from talentcli.render import busy

    try:
        with busy("reading the run ..."):
            data = load_run(store, cycle, assign=assign)
    finally:
        store.close()
    if pseudonymize is not None:
        from talentcli.pipeline import pseudonymize as anonymise
        from talentcli.safety import read_key

        data = anonymise(data, read_key(pseudonymize))
    with busy("writing reports ..."):
        paths = write_reports(data, out or ws.path(ws.config.output), formats, lang)
    for path in paths:
        _echo(f"wrote {path}")


@app.command("run")
@handled
def run_(
    config: Annotated[
        Path | None, typer.Option(help="The workspace's talent.yaml (default: found upwards).")
    ] = None,
    as_of: AsOfOpt = None,
) -> None:
    """The cron entry: import every inbox file, classify, report; locked and logged.

    Example (crontab): 15 6 * * * cd /srv/bkpsdm && talentcli run --config talent.yaml
    """
    from talentcli.workspace import find_workspace, open_log

    ws = find_workspace(config=config, db=STATE.db)
    if not ws.configured:
        from talentcli.errors import RulesError

        raise RulesError(
            "talent.yaml",
            [
                f"no talent.yaml in {ws.root} or above: run from a workspace made with "
                "`talentcli init DIR`, or give --config DIR/talent.yaml"
            ],
        )
    when = _as_of(as_of)
    log = open_log(ws)
    with _locked(ws, log):  # first, before the heavy imports: an overlapping run is told at once
        from talentcli.pipeline import InboxOutcome, run_inbox
        from talentcli.render import busy
        from talentcli.rules import load_rules

        loaded = load_rules(ws.rules)  # bad rules stop the run before the inbox is touched
        outcome = InboxOutcome([], [])
        try:
            with busy("talentcli run: inbox, classify, report ..."):
                run_inbox(ws, loaded, when, outcome)
        except BaseException as exc:  # the log still tells what was imported and moved
            for r in outcome.reports:
                _log_import(log, r)
            log.error(
                "run stopped (%s) after files=%d moved=%d: what was imported is stored",
                type(exc).__name__,
                len(outcome.reports),
                len(outcome.moved),
            )
            raise
    code = _run_exit(outcome)
    for r in outcome.reports:
        _log_import(log, r)
        _show_import(r)
    for name, dest in outcome.moved:
        _echo(f"moved {name} -> {dest}")
    if outcome.summary:
        from talentcli.render import show_summary

        show_summary(outcome.summary, loaded.rules, quiet=STATE.quiet)
    for path in outcome.written or []:
        _echo(f"wrote {path}")
    line = _run_line(outcome, code)
    log.info(line)
    _echo(line)
    raise typer.Exit(int(code))


def _run_exit(outcome: Any) -> ExitCode:
    incomplete = outcome.summary is not None and len(outcome.summary.incomplete) > 0
    if outcome.failed or outcome.rejected or incomplete:
        return ExitCode.ATTENTION
    return ExitCode.OK


def _run_line(outcome: Any, code: ExitCode) -> str:
    s = outcome.summary
    if s:
        done = f"classified={s.classified} incomplete={len(s.incomplete)} run={s.run_id}"
    elif outcome.written:
        done = "no new data: missing reports written again"
    else:
        done = "no new data: reports unchanged"
    imported = sum(r.status == "imported" for r in outcome.reports)
    return (
        f"run: files={len(outcome.reports)} imported={imported} failed={outcome.failed} "
        f"rejected_rows={outcome.rejected} {done} exit={int(code)}"
    )


@app.command()
@handled
def sample(
    n: Annotated[int, typer.Option("--n", min=1, help="People in the cohort.")] = 800,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same files).")] = 1,
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("samples"),
    cycle: Annotated[int, typer.Option(help="Assessment cycle (year).")] = 2026,
    csv: Annotated[bool, typer.Option("--csv", help="Write .csv instead of .xlsx.")] = False,
) -> None:
    """Write a realistic synthetic cohort: asesmen, kinerja (two years) and formasi files.

    Example: talentcli sample --n 800 --seed 7 --out samples
    """
    from talentcli.sample import write_sample

    for path in write_sample(out, n=n, seed=seed, cycle=cycle, csv=csv):
        _echo(f"wrote {path}")


@rules_app.command("check")
@handled
def rules_check(
    file: Annotated[
        Path | None, typer.Argument(help="Rules file (default: the workspace's).")
    ] = None,
) -> None:
    """Validate a rules file; every problem names its YAML line. Exit 4 when invalid.

    Example: talentcli rules check rules/default.yaml
    """
    from talentcli.errors import RulesError
    from talentcli.rules import load_rules

    path = file or _workspace().rules
    try:
        loaded = load_rules(path)
    except RulesError as exc:
        for problem in exc.problems:
            typer.echo(f"{path}: {problem}", err=True)
        typer.echo(f"{path}: {len(exc.problems)} problem(s); the rules were not used", err=True)
        raise typer.Exit(int(ExitCode.RULES)) from None
    r = loaded.rules
    _echo(
        f"{path}: ok ({len(r.competencies)} competencies, {len(r.job_levels)} job levels, "
        f"{len(r.training.catalogue)} programmes; sha256 {loaded.sha256[:12]})"
    )


def _terminate(signum: int, frame: Any) -> None:
    raise Terminated()


def main() -> None:
    """Console entry point: no traceback reaches a user unless --debug."""
    debug = "--debug" in sys.argv
    signal.signal(signal.SIGTERM, _terminate)
    try:
        app()
    except SystemExit as exc:
        if isinstance(exc.code, int | None):
            _leave(exc.code or 0)
        raise
    except BaseException as exc:  # a bug: say so in one line, keep personal data out of it
        if debug:
            traceback.print_exception(type(exc), exc, exc.__traceback__)
        typer.echo(
            f"internal error: {type(exc).__name__}; run again with --debug and report it", err=True
        )
        sys.exit(70)
    _leave(0)


def _leave(code: int) -> None:
    """End the process without tearing the interpreter down.

    Every command has closed its files and its store by now; what is left is freeing
    pandas, Arrow and millions of objects one by one (0.2 s for pandas' modules alone, more
    after a big run), which the operating system does at once. Output and the log are
    flushed first. A thread still working (none is, by design) gets the normal exit.
    """
    import contextlib
    import logging
    import os
    import threading

    main_thread = threading.main_thread()
    if any(t is not main_thread and not t.daemon for t in threading.enumerate()):
        sys.exit(code)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:  # None when the process was started with it closed
            with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing to add
                stream.flush()
    os._exit(code)
