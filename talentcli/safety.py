"""Personal-data safety: owner-only files written atomically, text that cannot become a formula."""

from __future__ import annotations

import contextlib
import os
import shutil
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
    from talentcli.errors import OutputError

    tmp = None
    try:
        private_dir(path.parent)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        os.chmod(tmp, 0o600)
        yield Path(tmp)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(str(path), exc.strerror or type(exc).__name__) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


def private_dir(path: Path) -> Path:
    """PATH as a folder readable by its owner only (SPEC §8): the folders it creates are 0700
    whatever the umask; an existing folder is left as its owner set it."""
    missing = []
    p = path
    while not p.exists() and p != p.parent:
        missing.append(p)
        p = p.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)  # mkdir's mode is filtered through the umask: set it whole
    return path


LEFTOVERS = (".*.tmp", ".xlsx-*", ".html-*")  # what private_file and the writers leave if killed


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove the temporary files and folders a killed report writer left in FOLDER (they
    hold personal data); call it under the workspace lock, so no live writer owns them."""
    gone = []
    for pattern in LEFTOVERS:
        for path in folder.glob(pattern):
            if path.is_symlink() or not path.is_dir():
                path.unlink(missing_ok=True)
            else:
                shutil.rmtree(path, ignore_errors=True)
            gone.append(path)
    return gone


_CONTROL = {i: f"\\x{i:02x}" for i in (*range(32), 127)}


def safe_log_text(text: str) -> str:
    """User text (a file name, a cell) for one log line: control characters escaped, so a
    newline in a file name cannot forge a line of its own."""
    return text.translate(_CONTROL)


def pseudonym(key: bytes, nip: str) -> str:
    """A stable, keyed stand-in for a NIP: 18 digits from HMAC-SHA-256(key, nip).

    Shaped like a NIP so every report keeps working; without the key it cannot be
    reversed or recomputed (a plain hash of the 18 digits could be brute-forced).
    """
    import hmac

    digest = hmac.digest(key, nip.encode("ascii"), "sha256")  # one call, no HMAC object
    return f"{int.from_bytes(digest[:16], 'big') % 10**18:018d}"


def read_key(path: Path) -> bytes:
    """The secret of a key file (at least 16 bytes, surrounding white space ignored)."""
    from talentcli.errors import InputFileError

    try:
        mode = path.stat().st_mode
        if mode & 0o077:
            raise InputFileError(
                path.name,
                "key-permissions",
                f"the key file can be read by others (mode {mode & 0o777:o}): anyone who reads "
                f"it can undo the pseudonyms; run: chmod 600 {path}",
            )
        key = path.read_bytes().strip()
    except OSError as exc:
        raise InputFileError(
            path.name, "key-unreadable", f"cannot read the key file: {exc.strerror}"
        ) from None
    if len(key) < 16:
        raise InputFileError(
            path.name,
            "key-too-short",
            "the key file must hold at least 16 bytes of secret, "
            "e.g. made with: head -c 32 /dev/urandom | base64 > pseudonym.key",
        )
    return key
