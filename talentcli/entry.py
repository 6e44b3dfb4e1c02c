"""The console entry: SIGTERM becomes an exception before anything heavy is loaded, so a cron
job stopped while Python loads talentcli exits 143 like at any other moment (SPEC §7).

Only the standard library and talentcli.errors (an enum and a few classes) load before the
handler is in place; the command line is left to Typer (talentcli.cli).
"""

from __future__ import annotations

import signal
import sys

from talentcli.errors import STOPPED, ExitCode, Terminated, on_sigterm


def main() -> None:
    """`talentcli`: the signal handler first, then the Typer app."""
    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        from talentcli.cli import main as run
    except (Terminated, KeyboardInterrupt) as exc:
        code = ExitCode.TERMINATED if isinstance(exc, Terminated) else ExitCode.INTERRUPTED
        word = "terminated" if code == ExitCode.TERMINATED else "interrupted"
        print(f"{word} while starting: nothing was done; {STOPPED}", file=sys.stderr)
        sys.exit(int(code))
    run()
