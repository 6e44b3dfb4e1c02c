"""The Typer app: parse options, call the core, render. No logic here.

Heavy libraries (pandas, numpy, calamine) are imported inside the commands that
need them, so `talentcli --help` starts fast.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import signal
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.exceptions import TyperException

from talentcli import __version__
from talentcli.errors import ExitCode, Terminated, describe, on_sigterm

if TYPE_CHECKING:
    from talentcli.workspace import Workspace

EXIT_CODES = (
    "Exit codes: 0 done; 1 done, but rows were rejected or people left incomplete; "
    "2 usage error; 3 an input file is unusable (nothing of it stored); 4 the rules or "
    "talent.yaml is invalid; 70 internal error (run again with --debug); 75 another run holds "
    "the workspace lock (try later); 130 interrupted; 141 output's reader gone (| head); "
    "143 terminated."
)
app = typer.Typer(
    name="talentcli",
    help="Competency assessments of civil servants -> talent maps, placement lists and "
    "training plans (BKPSDM).\n\nExample: talentcli init bkpsdm --cycle 2026, then "
    "talentcli run in that folder.",
    epilog=EXIT_CODES,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,  # tracebacks hold personal data in locals: never shown
    rich_markup_mode=None,  # click's plain help: typer's rich panels print Python type names
)
rules_app = typer.Typer(
    help="Check rules files.\n\nExample: talentcli rules check rules/default.yaml",
    no_args_is_help=True,
)
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


def _rupiah(value: str | None) -> int | None:
    """'150000000', '150.000.000' or 'Rp 150.000.000' -> 150000000."""
    if value is None:
        return None
    text = value.strip().removeprefix("Rp").removeprefix("rp").strip().replace(".", "")
    if not text.isdigit():
        raise typer.BadParameter(f"{value!r} is not an amount in rupiah such as 150.000.000")
    return int(text)


CycleOpt = Annotated[
    str | None,
    typer.Option(
        "--cycle", help="Assessment cycle (year), e.g. 2026.", metavar="YEAR", callback=_year
    ),
]


def _echo(msg: str = "", err: bool = False) -> None:
    if not STATE.quiet or err:
        typer.echo(msg, err=err)


def _tell(line: str) -> None:
    """The error's one line on stderr; none when the output's reader is gone (describe gives
    no line), and stdout then points nowhere, so the exit does not fail to flush it."""
    if line:
        typer.echo(line, err=True)
        return
    with contextlib.suppress(OSError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def handled(func: Any) -> Any:
    """Turn talentcli's typed errors into one line on stderr and their exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (SystemExit, typer.Exit, typer.Abort, TyperException):
            raise
        except BaseException as exc:
            code, line = describe(exc)
            if STATE.debug:
                traceback.print_exception(type(exc), exc, exc.__traceback__)
            _tell(line)
            raise typer.Exit(int(code)) from None

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
            "--db",
            envvar="TALENTCLI_DB",
            help="Store file (default: talent.db in the workspace).",
            metavar="FILE",
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


def _workspace(config: Path | None = None, need_config: bool = False) -> Workspace:
    from talentcli.workspace import find_workspace

    ws = find_workspace(config=config, db=STATE.db)
    if need_config and not ws.configured:
        from talentcli.errors import RulesError

        raise RulesError(
            "talent.yaml",
            [
                f"no talent.yaml in {ws.root} or above: run from a workspace made with "
                "`talentcli init DIR`, or give --config DIR/talent.yaml"
            ],
        )
    return ws


def _warn(message: str) -> None:
    typer.echo(message, err=True)


# ------------------------------------------------------------------ commands


@app.command()
@handled
def init(
    folder: Annotated[
        Path, typer.Argument(help="Where to create the workspace.", metavar="DIR")
    ] = Path("."),
    cycle: CycleOpt = None,
    instansi: Annotated[
        str, typer.Option(help="The agency, as report titles name it.", metavar="NAME")
    ] = "",
    kota: Annotated[str, typer.Option(help="The town above signatures.", metavar="NAME")] = "",
) -> None:
    """Create a workspace: talent.yaml, rules/ (copies of the shipped rules), inbox/.

    Example: talentcli init bkpsdm --cycle 2026 --instansi "Pemerintah Kabupaten Serang"
    --kota Serang
    """
    from talentcli.workspace import init_workspace

    made = init_workspace(folder, cycle, instansi, kota)
    for path in made:
        _echo(f"created {path}")
    if (folder / "talent.yaml") not in made:
        _echo(f"kept the existing {folder / 'talent.yaml'} (edit its cycle: there if needed)")
    _echo(f"workspace ready in {folder.resolve()}: drop exports into {folder / 'inbox'}")


@app.command("import")
@handled
def import_(
    files: Annotated[
        list[Path],
        typer.Argument(help="Exports: .xlsx .xlsm .xls .ods .csv .txt", metavar="FILE..."),
    ],
    kind: Annotated[
        str,
        typer.Option(help="auto, asesmen, kinerja, formasi, pegawai or kalibrasi.", metavar="KIND"),
    ] = "auto",
    cycle: CycleOpt = None,
    sheet: Annotated[str | None, typer.Option(help="Read this sheet only.", metavar="NAME")] = None,
    header_row: Annotated[
        int | None,
        typer.Option(
            help="The header is on this row (when not in the first 30).", min=1, metavar="N"
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Import again even if this file was imported.")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Read exports into the store, validating every row; rejected rows go to rejects/.

    Example: talentcli import asesmen-2026.xlsx kinerja.xlsx formasi-2026.xlsx
    """
    from talentcli import app as svc
    from talentcli.kinds import KINDS
    from talentcli.render import meter, show_import

    if kind != "auto" and kind not in KINDS:
        raise typer.BadParameter(f"{kind!r}: use auto, {', '.join(KINDS)}", param_hint="--kind")
    with meter():
        done = svc.import_files(
            _workspace(), files, kind, cycle, sheet, _warn, header_row=header_row, force=force
        )
    if json_out:
        typer.echo(
            json.dumps({"files": [r.as_json() for r in done.reports]}, ensure_ascii=False, indent=2)
        )
    for r in [] if json_out else done.reports:
        show_import(r, _echo, STATE.verbose)
    raise typer.Exit(int(done.code))


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
        Path | None,
        typer.Option(
            help="Rules file (default: the workspace's, else the shipped).", metavar="FILE"
        ),
    ] = None,
    as_of: AsOfOpt = None,
) -> None:
    """Compute every person's result for a cycle (9-box, placement, notes) and store it as a run.

    Example: talentcli classify --cycle 2026 --as-of 2026-01-01
    """
    from talentcli import app as svc
    from talentcli.render import meter, show_summary

    when = _as_of(as_of)
    with meter():
        done = svc.classify(_workspace(), cycle, rules, when, _warn)
    show_summary(done.summary, done.rules, quiet=STATE.quiet)
    raise typer.Exit(int(done.code))


@app.command()
@handled
def explain(
    nip: Annotated[str, typer.Argument(help="The person's NIP (spaces allowed).", metavar="NIP")],
    cycle: CycleOpt = None,
) -> None:
    """One person from the latest run: every number and the rule (file and key) behind it.

    Example: talentcli explain "19781117 200503 2 002"
    """
    from talentcli import app as svc
    from talentcli.render import explain_person

    digits = "".join(ch for ch in nip if ch.isdigit())
    if len(digits) != 18 or any(ch not in "0123456789 .-'" for ch in nip.strip()):
        raise typer.BadParameter(f"{nip!r} is not a NIP (18 digits, spaces allowed)")
    data, ratings, rejected = svc.explain(_workspace(), digits, cycle)
    moves = svc.explain_eligibility(_workspace(), data, digits)  # SPEC §4.7, per next level
    typer.echo(explain_person(data, nip, ratings, rejected, moves))


@app.command()
@handled
def history(
    nip: Annotated[str, typer.Argument(help="The person's NIP (spaces allowed).", metavar="NIP")],
    json_out: JsonOpt = False,
) -> None:
    """One person across cycles: JPM, potential, performance, computed and final box,
    placement and plan JP, oldest cycle first.

    Example: talentcli history "19781117 200503 2 002" --json
    """
    from talentcli import app as svc
    from talentcli.render import show_history

    digits = "".join(ch for ch in nip if ch.isdigit())
    if len(digits) != 18 or any(ch not in "0123456789 .-'" for ch in nip.strip()):
        raise typer.BadParameter(f"{nip!r} is not a NIP (18 digits, spaces allowed)")
    done = svc.history(_workspace(), digits)
    if json_out:
        typer.echo(json.dumps(done.rows, ensure_ascii=False, indent=2))
        return
    show_history(digits, done.rows, done.rules)


@app.command()
@handled
def report(
    fmt: Annotated[
        str,
        typer.Option("--format", help="Comma-separated: xlsx,html,csv,json,md.", metavar="FORMATS"),
    ] = "xlsx,html,csv,json",
    out: Annotated[
        Path | None, typer.Option(help="Output folder (default: laporan/).", metavar="DIR")
    ] = None,
    lang: Annotated[str, typer.Option(help="Report language: id or en.", metavar="LANG")] = "id",
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
    budget: Annotated[
        str | None,
        typer.Option(
            help="The year's training budget in rupiah (default: talent.yaml's budget).",
            metavar="RUPIAH",
            callback=_rupiah,
        ),
    ] = None,
    per_unit: Annotated[
        bool, typer.Option("--per-unit", help="Also one workbook per unit: unit/<name>.xlsx.")
    ] = False,
) -> None:
    """Write the reports of the latest classification run; --per-unit adds a workbook for each
    unit's head.

    Example: talentcli report --format xlsx,html --out laporan --lang id --budget 150.000.000
    """
    from talentcli import app as svc
    from talentcli.render import meter

    formats = _formats(fmt)
    if lang not in ("id", "en"):
        raise typer.BadParameter(f"{lang!r}: use id or en", param_hint="--lang")
    with meter():
        done = svc.report(
            _workspace(), formats, out, lang, cycle, assign, pseudonymize, _warn, budget, per_unit
        )
    units = [p for p in done.paths if p.parent.name == "unit"]
    for path in done.paths:
        if path not in units:
            _echo(f"wrote {path}")
    if units:
        _echo(f"wrote {len(units)} unit workbooks in {units[0].parent}")


def _formats(fmt: str) -> list[str]:
    from talentcli.report import FORMATS

    formats = [f.strip() for f in fmt.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise typer.BadParameter(
            f"{', '.join(unknown) or fmt!r}: use {', '.join(FORMATS)}", param_hint="--format"
        )
    return formats


@app.command()
@handled
def compare(
    rules: Annotated[
        Path, typer.Option(help="The other rules file to classify with.", metavar="FILE")
    ],
    cycle: CycleOpt = None,
    fmt: Annotated[
        str, typer.Option("--format", help="text, md, csv or json.", metavar="FORMAT")
    ] = "text",
    out: Annotated[
        Path | None, typer.Option(help="Write to this file instead of stdout.", metavar="FILE")
    ] = None,
) -> None:
    """What if: classify the stored cycle with other rules (in memory, same as_of) and list
    who changes box, placement, talent pool, JPM category or plan JP. Stores nothing.

    Example: talentcli compare --rules rules/seleksi.yaml --format md --out seleksi.md
    """
    from talentcli import app as svc
    from talentcli.render import meter
    from talentcli.report.compare_report import COMPARE_FORMATS, render

    if fmt not in COMPARE_FORMATS:
        raise typer.BadParameter(
            f"{fmt!r}: use {', '.join(COMPARE_FORMATS)}", param_hint="--format"
        )
    with meter():  # the classify bar of the other rules
        done = svc.compare(_workspace(), rules, cycle)
    _write_or_echo(render(done.comparison, done.meta, fmt, done.rules), out)


def _write_or_echo(text: str, out: Path | None) -> None:
    """TEXT on stdout, or into OUT (owner-only, atomically)."""
    if out is None:
        typer.echo(text, nl=False)
        return
    from talentcli.safety import private_file

    with private_file(out) as tmp:
        tmp.write_text(text, encoding="utf-8")
    _echo(f"wrote {out}")


@app.command("run")
@handled
def run_(
    config: Annotated[
        Path | None,
        typer.Option(help="The workspace's talent.yaml (default: found upwards).", metavar="FILE"),
    ] = None,
    as_of: AsOfOpt = None,
) -> None:
    """The cron entry: import every inbox file, classify, report; locked and logged.

    Example (crontab): 15 6 * * * cd /srv/bkpsdm && talentcli run --config talent.yaml
    """
    from talentcli import app as svc
    from talentcli.render import meter, show_run

    ws = _workspace(config, need_config=True)
    when = _as_of(as_of)
    with meter():  # by hand on a terminal: the bars of import, classify, report
        done = svc.run(ws, when, _warn)
    show_run(done, _echo, STATE.verbose, STATE.quiet)
    raise typer.Exit(int(done.code))


@app.command()
@handled
def sample(
    n: Annotated[int, typer.Option("--n", min=1, help="People in the cohort.", metavar="N")] = 800,
    seed: Annotated[
        int, typer.Option(help="Random seed (same seed, same files).", metavar="N")
    ] = 1,
    out: Annotated[Path, typer.Option(help="Output folder.", metavar="DIR")] = Path("samples"),
    cycle: Annotated[int, typer.Option(help="Assessment cycle (year).", metavar="YEAR")] = 2026,
    csv: Annotated[bool, typer.Option("--csv", help="Write .csv instead of .xlsx.")] = False,
) -> None:
    """Write a realistic synthetic cohort: asesmen, kinerja (two years), formasi, pegawai and
    kalibrasi (a few committee decisions) files. A cycle after 2026 continues the 2026 people
    of the same seed, a year on (to see movement and history).

    Example: talentcli sample --n 800 --seed 7 --out samples
    """
    from talentcli.render import meter
    from talentcli.sample import write_sample

    with meter():
        paths = write_sample(out, n=n, seed=seed, cycle=cycle, csv=csv)
    for path in paths:
        _echo(f"wrote {path}")


@rules_app.command("check")
@handled
def rules_check(
    file: Annotated[
        Path | None, typer.Argument(help="Rules file (default: the workspace's).", metavar="FILE")
    ] = None,
) -> None:
    """Validate a rules file (or a talent.yaml); every problem names its YAML line. Exit 4
    when invalid.

    Example: talentcli rules check rules/default.yaml
    """
    from talentcli.errors import RulesError
    from talentcli.rules import load_rules
    from talentcli.workspace import CONFIG_NAME, load_config

    path = file or _workspace().rules
    try:
        if path.name == CONFIG_NAME:  # a workspace's config is checked as one, not as rules
            load_config(path)
            _echo(f"{path}: ok (a valid talent.yaml)")
            return
        r = load_rules(path)
    except RulesError as exc:
        for problem in exc.problems:
            typer.echo(f"{path}: {problem}", err=True)
        typer.echo(f"{path}: {len(exc.problems)} problem(s); the file was not used", err=True)
        raise typer.Exit(int(ExitCode.RULES)) from None
    _echo(
        f"{path}: ok ({len(r.rules.competencies)} competencies, {len(r.rules.job_levels)} job "
        f"levels, {len(r.rules.training.catalogue)} programmes; sha256 {r.sha256[:12]})"
    )


def main() -> None:
    """The Typer app with one line and one exit code for whatever ends it (talentcli.entry
    installs the SIGTERM handler before this module loads)."""
    signal.signal(signal.SIGTERM, on_sigterm)  # also for callers that come straight here
    try:
        app()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
        if Terminated.received and code != ExitCode.TERMINATED:
            typer.echo(
                "terminated: the signal came as the command ended; what it did is stored "
                f"(it would have exited {code})",
                err=True,
            )
            sys.exit(int(ExitCode.TERMINATED))
        # The command is done and its exit code is the truth. Python tears pandas and Arrow
        # down next with the default SIGTERM action back in place (it restores what it
        # handled, not what is ignored): a signal then would end a finished command as -15.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise
    except BaseException as exc:  # a signal before a command ran, or a bug: one line
        code, line = describe(exc)
        if STATE.debug:
            traceback.print_exception(type(exc), exc, exc.__traceback__)
        _tell(line)
        sys.exit(int(code))
