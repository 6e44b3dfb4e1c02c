"""The input-size limits (SPEC §3, §8) and where the workspace's talent.yaml is.

workspace.py reads them from talent.yaml; ingest.read enforces them. Kept out of ingest
(whose package loads pandas) so that a command finds its workspace and takes its lock before
the heavy imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CONFIG_NAME = "talent.yaml"


@dataclass(frozen=True)
class Limits:
    """Size limits for one input file (SPEC §3, §8); talent.yaml may set others."""

    max_file_mb: float = 50
    max_unzipped_mb: float = 1024


def config_file(start: Path | None = None) -> Path | None:
    """The talent.yaml of the workspace: in START (default: the current folder) or the
    nearest folder above it."""
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder / CONFIG_NAME
    return None
