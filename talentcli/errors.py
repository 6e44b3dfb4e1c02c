"""Exception types and exit codes (SPEC §2). The CLI alone turns these into messages."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes, the same for every command."""

    OK = 0
    ATTENTION = 1
    USAGE = 2
    INPUT = 3
    RULES = 4
    INTERNAL = 70
    LOCKED = 75
    INTERRUPTED = 130
    PIPE_CLOSED = 141  # the reader of the output went away (`| head`), as SIGPIPE would end it
    TERMINATED = 143


class TalentError(Exception):
    """Base of every error talentcli reports as one line and an exit code."""

    exit_code = ExitCode.INPUT


class InputFileError(TalentError):
    """An input file is unusable: nothing of it is stored."""

    exit_code = ExitCode.INPUT

    def __init__(self, file: str, code: str, message: str) -> None:
        super().__init__(f"{file}: {message} ({code})")
        self.file = file
        self.code = code
        self.message = message


class OutputError(TalentError):
    """An output file cannot be written (no such folder, no permission, disk full)."""

    exit_code = ExitCode.INPUT

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(
            f"cannot write {path}: {reason}; check that the folder exists, is writable and "
            "that the disk has space (the previous file, if any, is unchanged)"
        )


class RulesError(TalentError):
    """The rules file or the config file is invalid."""

    exit_code = ExitCode.RULES

    def __init__(self, file: str, problems: list[str]) -> None:
        head = problems[0] if problems else "invalid"
        more = (
            f" (and {len(problems) - 1} more: run `talentcli rules check {file}`)"
            if len(problems) > 1
            else ""
        )
        super().__init__(f"{file}: {head}{more}")
        self.file = file
        self.problems = problems


class StoreError(TalentError):
    """The store cannot be opened or is from a newer version of talentcli."""

    exit_code = ExitCode.INPUT


class UsageError(TalentError):
    """A bad option or argument that typer itself cannot see."""

    exit_code = ExitCode.USAGE


class NotFoundError(TalentError):
    """Something asked for (a person, a run) is not in the store."""

    exit_code = ExitCode.ATTENTION


class LockedError(TalentError):
    """Another run holds the workspace lock (cron overlap)."""

    exit_code = ExitCode.LOCKED


class Terminated(BaseException):  # a signal, like KeyboardInterrupt
    """SIGTERM arrived: unwind like an interrupt (open transactions roll back).

    `received` is set by the handler too: Python drops an exception raised inside some of
    its own callbacks (an import lock's, a weakref's), and the command then runs to its end;
    the entry point still exits 143 and says what happened."""

    received = False


STOPPED = (
    "the store keeps every import and run that finished before; the one in progress was not stored"
)


def describe(exc: BaseException) -> tuple[ExitCode, str]:
    """The one map from an exception to its exit code and its one line for the user (SPEC §2).

    Never the exception's data beyond its type for what is not talentcli's own: a bug's
    message can hold personal data.
    """
    import errno
    import sqlite3

    if isinstance(exc, TalentError):
        return exc.exit_code, f"error: {exc}"
    if isinstance(exc, KeyboardInterrupt):
        return ExitCode.INTERRUPTED, f"interrupted: {STOPPED}"
    if isinstance(exc, Terminated):
        return ExitCode.TERMINATED, f"terminated: {STOPPED}"
    if isinstance(exc, BrokenPipeError):  # `talentcli ... | head`: the work was done before
        return ExitCode.PIPE_CLOSED, ""  # it printed; nobody is left to read a line
    full = "the disk is full: free some space and run again; " + STOPPED
    if isinstance(exc, sqlite3.DatabaseError):
        if "full" in str(exc):
            return ExitCode.INPUT, f"error: {full}"
        return ExitCode.INPUT, f"error: the store cannot be used ({exc}); {STOPPED}"
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return ExitCode.INPUT, f"error: {full}"
        where = f" {exc.filename}" if exc.filename else ""
        return ExitCode.INPUT, f"error: cannot access{where}: {exc.strerror or type(exc).__name__}"
    return (
        ExitCode.INTERNAL,
        f"internal error: {type(exc).__name__}; run again with --debug and report it",
    )


def on_sigterm(signum: int, frame: object) -> None:
    """The SIGTERM handler: unwind like an interrupt, and remember it (see Terminated)."""
    Terminated.received = True
    raise Terminated()
