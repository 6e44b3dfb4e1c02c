"""Report writers, one module per format; all read one RunData."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from talentcli.pipeline import RunData

# format -> module in this package with `write(data, folder, lang) -> list[Path]`
FORMATS = {
    "json": "json_report",
    "csv": "csv_report",
    "md": "md_report",
    "xlsx": "xlsx_report",
    "html": "html_report",
}


def writer(fmt: str) -> Callable[..., list[Path]]:
    """The write function of a format (imported only when used)."""
    return import_module(f"talentcli.report.{FORMATS[fmt]}").write


def write_reports(data: RunData, folder: Path, formats: list[str], lang: str = "id") -> list[Path]:
    """Write every requested format into FOLDER; return the paths written."""
    paths: list[Path] = []
    for fmt in formats:
        paths += writer(fmt)(data, folder, lang)
    return paths
