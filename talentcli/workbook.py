"""Checks before a file is read, and the workbook read itself (python-calamine), with a
prefetch: the next workbook of a command is read in a background thread.

python-calamine parses a sheet with the GIL released, so on two cores the parse of the first
workbook runs while the main thread imports pandas and loads the rules. This module therefore
imports no pandas (and sits outside talentcli.ingest, whose package imports it).
"""

from __future__ import annotations

import threading
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from talentcli.errors import InputFileError

SPREADSHEET = {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"}
ZIPPED = {".xlsx", ".xlsm", ".ods", ".xlsb"}
SUPPORTED = SPREADSHEET | {".csv"}
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

Sheet = tuple[str, list[list[Any]], list, bool]  # name, rows of cells, merged ranges, hidden


@dataclass(frozen=True)
class Limits:
    """Size limits for one input file (SPEC §3, §8); talent.yaml may set others."""

    max_file_mb: float = 50
    max_unzipped_mb: float = 1024


CONFIG_NAME = "talent.yaml"


def config_file(start: Path | None = None) -> Path | None:
    """The talent.yaml of the workspace: in START (default: the current folder) or the
    nearest folder above it."""
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder / CONFIG_NAME
    return None


def plain_limits(start: Path | None = None) -> Limits | None:
    """The workspace's limits read without its config schema (pydantic): for a read-ahead
    started before the command loads its workspace. None unless talent.yaml's limits are
    plainly valid (positive numbers, known keys); the command then loads and checks it all.
    """
    import yaml

    path = config_file(start)
    if path is None:
        return Limits()
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's C parser if there
        data = yaml.load(path.read_text(encoding="utf-8-sig"), loader)  # a safe loader
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    raw = (data or {}).get("limits", {}) if isinstance(data, dict | None) else None
    names = ("max_file_mb", "max_unzipped_mb")
    if not isinstance(raw, dict) or not set(raw) <= set(names):
        return None
    values = [raw.get(n, getattr(Limits, n)) for n in names]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and v > 0 for v in values):
        return None
    return Limits(*map(float, values))


def check_file(path: Path, limits: Limits) -> None:
    """Refuse a missing, oversized, unsupported, encrypted or zip-bomb file before reading it."""
    name = path.name
    if not path.is_file():
        raise InputFileError(name, "not-found", "file not found; check the path")
    ext = path.suffix.lower()
    if ext not in SUPPORTED:
        raise InputFileError(
            name,
            "not-a-spreadsheet",
            f"{ext or 'no extension'} is not a supported type; "
            "save it as .xlsx, .xls, .ods or .csv",
        )
    size = path.stat().st_size
    if size == 0:
        raise corrupt(name, "the file is empty, 0 bytes")
    size_mb = size / 2**20
    if size_mb > limits.max_file_mb:
        raise InputFileError(
            name,
            "too-large",
            f"the file is {size_mb:.1f} MB, over the limit of "
            f"{limits.max_file_mb:g} MB; raise limits.max_file_mb in talent.yaml if it is genuine",
        )
    with path.open("rb") as fh:
        head = fh.read(8)
    if ext in ZIPPED and head == CFB_MAGIC:
        raise encrypted(name) if _is_encrypted_ole(path) else corrupt(name, "an old binary file")
    if ext in ZIPPED:
        _check_zip(path, limits)


def encrypted(name: str) -> InputFileError:
    return InputFileError(
        name,
        "encrypted",
        "the workbook is password-protected; open it in Excel or LibreOffice, "
        "remove the password (File > Info > Protect Workbook) and save a copy",
    )


def corrupt(name: str, what: str) -> InputFileError:
    return InputFileError(
        name,
        "corrupt",
        f"the file cannot be read as a spreadsheet ({what}); "
        "export it again or open and re-save it in Excel or LibreOffice",
    )


def _is_encrypted_ole(path: Path) -> bool:
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            return ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage")
    except OSError:
        return False


def _check_zip(path: Path, limits: Limits) -> None:
    name = path.name
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            manifest = "META-INF/manifest.xml"
            encrypted_ods = manifest in zf.namelist() and b"encryption-data" in zf.read(manifest)
    except zipfile.BadZipFile:
        raise corrupt(name, "not a complete xlsx/ods file: truncated, or not a workbook") from None
    if encrypted_ods:
        raise encrypted(name)
    total_mb = sum(i.file_size for i in infos) / 2**20
    if total_mb > limits.max_unzipped_mb:
        raise InputFileError(
            name,
            "too-large",
            f"the workbook unpacks to {total_mb:,.0f} MB, over the limit of "
            f"{limits.max_unzipped_mb:g} MB (a damaged or hostile file?); nothing was read",
        )


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of a checked workbook: its cells as python-calamine reads them."""
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
        names = wb.sheet_names
    except pc.PasswordError:
        raise encrypted(path.name) from None
    except Exception as exc:  # calamine raises several types for damaged files
        raise corrupt(path.name, type(exc).__name__) from None
    hidden = _hidden_sheets(wb)
    sheets = []
    for name in names:
        try:
            sheet = wb.get_sheet_by_name(name)
            data = sheet.to_python(skip_empty_area=False)
            merged = _merged_ranges(sheet)
        except pc.PasswordError:
            raise encrypted(path.name) from None
        except Exception as exc:
            raise corrupt(path.name, f"sheet {name!r}: {type(exc).__name__}") from None
        sheets.append((name, data, merged, name in hidden))
    return sheets


def _hidden_sheets(wb: object) -> set[str]:
    try:
        return {m.name for m in wb.sheets_metadata if "Visible" not in str(m.visible)}
    except Exception:  # metadata is best effort: treat every sheet as visible
        return set()


def _merged_ranges(sheet: object) -> list:
    try:
        return list(getattr(sheet, "merged_cell_ranges", None) or [])
    except Exception:  # not every format reports merged cells
        return []


# ------------------------------------------------------------------ prefetch


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """What tells one version of a file from another without reading it."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


class _Read(threading.Thread):
    """Check, then read, one workbook; the outcome waits for take()."""

    def __init__(self, path: Path, limits: Limits) -> None:
        super().__init__(name="talentcli-read", daemon=True)
        self.path, self.limits = path, limits
        self.stamp = _stamp(path)  # the file as it was when its read began
        self.sheets: list[Sheet] | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            check_file(self.path, self.limits)  # limits, zip bomb, encryption: before a byte
            self.sheets = read_sheets(self.path)
        except BaseException as exc:  # handed to the main thread by take()
            self.error = exc


class _Prefetch:
    """Reads one workbook ahead: at most the one in use and the next are held in memory."""

    def __init__(self) -> None:
        self.queue: list[Path] = []
        self.job: _Read | None = None
        self.limits: Limits | None = None
        self.planned: list[Path] | None = None  # what start() was asked, until a take()

    def start(self, paths: Iterable[Path], limits: Limits) -> None:
        planned = [p for p in paths if p.suffix.lower() in SPREADSHEET]
        if planned == self.planned and limits == self.limits:
            return  # these reads began already (the read-ahead before the command parsed)
        self.planned, self.queue, self.limits = planned, list(planned), limits
        self._next()

    def _next(self) -> None:
        self.job = None
        if self.queue and self.limits is not None:
            self.job = _Read(self.queue.pop(0), self.limits)
            self.job.start()

    def take(self, path: Path) -> list[Sheet] | None:
        self.planned = None  # the next start() begins afresh
        job = self.job
        if job is None or job.path != path:
            if path in self.queue:  # the files before it were not read (refused, or repeats)
                del self.queue[: self.queue.index(path) + 1]
                self._next()  # read the one after it meanwhile
            return None
        job.join()
        self._next()
        if job.stamp is None or job.stamp != _stamp(path):
            return None  # changed (or replaced) since its read began: the caller reads it now
        if job.error is not None:
            raise job.error
        return job.sheets


_PREFETCH = _Prefetch()


def prefetch(paths: Iterable[Path], limits: Limits) -> None:
    """Start reading these files' workbooks (CSV files are read by pandas when their turn
    comes), one ahead of the import."""
    _PREFETCH.start(paths, limits)


def take(path: Path) -> list[Sheet] | None:
    """The prefetched sheets of PATH (waiting for the read to end), or None if it was not
    prefetched; a read error is raised here, in the caller's thread."""
    return _PREFETCH.take(path)


def read_ahead(args: list[str]) -> None:
    """Start reading the workbooks of `talentcli import FILE...` from the raw command line,
    before Typer, pydantic and pandas load (~1 s on one core): a guess from the arguments,
    read under the workspace's limits.

    The import command parses them properly and asks for the same read-ahead, which goes on
    if the guess was right; a wrong guess costs a wasted read, never a wrong result: every
    file is checked again and its read taken by its path, and only while the file is as it
    was when its read began.
    """
    if "import" not in args:
        return
    after = args[args.index("import") + 1 :]
    files = [Path(a) for a in after if Path(a).suffix.lower() in SPREADSHEET]
    limits = plain_limits() if files else None
    if limits is not None:  # None: talent.yaml needs its full check, which the command runs
        prefetch(files, limits)
