"""The console entry point, kept light: what must begin before the command line is loaded.

Importing talentcli.cli loads Typer (and with it pydantic) before a command can run; an
import's first workbook is therefore read ahead from here, on the other core, first.
"""

from __future__ import annotations

import gc
import sys


def main() -> None:
    """`talentcli`: start an import's read-ahead, then run the command (talentcli.cli)."""
    gc.disable()  # see talentcli.cli.main
    if "import" in sys.argv[1:]:  # nothing else is loaded for the other commands
        try:
            from talentcli.workbook import read_ahead

            read_ahead(sys.argv[1:])
        except Exception:  # only a head start: the command reads and reports each file itself
            if "--debug" in sys.argv:
                import traceback

                traceback.print_exc()
    from talentcli.cli import main as run

    run()
