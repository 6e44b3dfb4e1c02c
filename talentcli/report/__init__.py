"""Report writers, one module per format, registered here; all read one model.RunData.

Each folder of reports also records which run it shows (`.talentcli-run`), so `run` can
tell reports that follow the store from reports a killed run left behind (SPEC §7).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from talentcli.model import RunData
from talentcli.safety import private_file

Writer = Callable[[RunData, Path, str], list[Path]]
FORMATS = ("json", "csv", "md", "xlsx", "html")


def writers() -> dict[str, Writer]:
    """The writer of each format. Imported here, on use: the words of the reports
    (report.labels) serve the terminal too, without loading xlsxwriter and jinja2."""
    from talentcli.report import csv_report, html_report, json_report, md_report, xlsx_report

    return {
        "json": json_report.write,
        "csv": csv_report.write,
        "md": md_report.write,
        "xlsx": xlsx_report.write,
        "html": html_report.write,
    }


RECORD = ".talentcli-run"
MAIN_FILE = {  # the file each format always writes, by which a missing report is seen
    "xlsx": "talenta-{cycle}.xlsx",
    "html": "index.html",
    "csv": "talenta-{cycle}-hasil.csv",
    "json": "talenta-{cycle}.json",
    "md": "talenta-{cycle}.md",
}


def write_reports(data: RunData, folder: Path, formats: list[str], lang: str = "id") -> list[Path]:
    """Write every requested format into FOLDER; return the paths written."""
    paths: list[Path] = []
    write = writers()
    for fmt in formats:
        paths += write[fmt](data, folder, lang)
    return paths


UNIT_SHEETS = ("hasil", "promosi", "rotasi", "mutasi", "tindak_lanjut", "tetap", "rencana")


def write_per_unit(data: RunData, folder: Path, lang: str = "id") -> list[Path]:
    """<folder>/unit/<slug>.xlsx per unit (report --per-unit): that unit's summary, 9-box,
    Hasil, placement lists and Rencana Pengembangan, the unit's name in the title. Slugs as
    SPEC §5 (collisions -2, -3; `tanpa-unit`); workbooks of units no longer in the run go."""
    from talentcli.pipeline import by_unit
    from talentcli.report import xlsx_report
    from talentcli.report.html_report import unit_slugs
    from talentcli.safety import private_dir

    target = private_dir(folder / "unit")
    parts = list(by_unit(data))
    slugs = unit_slugs([name for name, _ in parts])
    paths = []
    for name, part in parts:
        path = target / f"{slugs[name]}.xlsx"
        paths += xlsx_report.write(part, target, lang, path=path, only=UNIT_SHEETS)
    for old in set(target.glob("*.xlsx")) - set(paths):
        old.unlink()
    return paths


def record_run(folder: Path, run: dict, formats: list[str]) -> None:
    """Note in FOLDER which run its reports of FORMATS come from (written last, atomically)."""
    previous = _record(folder)
    shown = set(formats) | (set(previous["formats"]) if previous.get("run") == run["id"] else set())
    doc = {"run": run["id"], "cycle": run["cycle"], "formats": sorted(shown)}
    with private_file(folder / RECORD) as tmp:
        tmp.write_text(json.dumps(doc) + "\n", encoding="utf-8")


def recorded_run(folder: Path, formats: list[str]) -> int | None:
    """The run whose reports of every one of FORMATS are in FOLDER; None if any is not."""
    doc = _record(folder)
    if not set(formats) <= set(doc.get("formats", ())):
        return None
    cycle = str(doc.get("cycle"))
    if any(not (folder / MAIN_FILE[f].format(cycle=cycle)).exists() for f in formats):
        return None
    return doc.get("run")


def _record(folder: Path) -> dict:
    try:
        doc = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}
