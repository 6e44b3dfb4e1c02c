"""How far long work has got, told to whoever listens: the terminal's progress bar (render.py)
or nobody (the default, and under cron, where the services' log lines say what happened).

Work reports per chunk (a file, a sheet, a stage, a thousand pages), never per row, so a
million people cost a few calls. No terminal code here: the layers below the CLI only tick.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar

Tick = Callable[[str, int, int, str], None]  # (what, done, total, unit)


def _nobody(what: str, done: int, total: int, unit: str = "") -> None:
    return None


_listener: ContextVar[Tick] = ContextVar("talentcli_progress", default=_nobody)


def tick(what: str, done: int, total: int, unit: str = "") -> None:
    """WHAT has DONE of TOTAL (in UNIT) finished."""
    _listener.get()(what, done, total, unit)


@contextlib.contextmanager
def listening(listener: Tick) -> Iterator[None]:
    """Send the ticks of the work done inside to LISTENER."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)
