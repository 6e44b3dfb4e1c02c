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
    from talentcli.errors import OutputError

    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
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
