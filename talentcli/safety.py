"""Personal-data safety: owner-only files written atomically, text that cannot become a formula."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: object) -> object:
    """A string that a spreadsheet would run as a formula gets a leading apostrophe (CSV)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


@contextlib.contextmanager
def private_file(path: Path) -> Iterator[Path]:
    """Yield a temporary owner-only path beside PATH; rename it over PATH when the block succeeds.

    A reader never sees a half-written file and a failure leaves the previous file whole.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, 0o600)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
