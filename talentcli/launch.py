"""The console entry point, kept light: what must begin before the command line is loaded.

Importing talentcli.cli loads Typer (and with it pydantic) before a command can run; an
import's first workbook is therefore read ahead from here, on the other core, first.
"""

from __future__ import annotations

import gc
import sys


def main() -> None:
    """`talentcli`: start an import's read-ahead, then run the command (talentcli.cli)."""
    # A batch command holds up to millions of cells and rows at once, none of them in a
    # reference cycle: reference counting frees them, and the cycle collector only walked them
    # again and again (0.2 s of a 100k-row import, 1.3 s of a 1M-person one; peak memory
    # measured within 6%). What does make cycles is collected where it is done with (a
    # rejects workbook: ingest.rejects). The process is short-lived and ends with os._exit.
    gc.disable()
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
