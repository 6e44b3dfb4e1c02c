"""The workspace: talent.yaml, the folders it names, the log; `talentcli init`."""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from talentcli.errors import RulesError
from talentcli.limits import CONFIG_NAME, Limits, config_file
from talentcli.model import Instansi, Signatory
from talentcli.safety import private_dir

LOCK_NAME = ".talentcli.lock"  # the workspace lock `talentcli run` holds (SPEC §7)
LOG_NAME = "talentcli"


class LimitsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_file_mb: float = Field(50, gt=0)
    max_unzipped_mb: float = Field(1024, gt=0)


class InstansiConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    nama: str = ""  # e.g. "Pemerintah Kabupaten Serang"
    kota: str = ""  # for "Serang, 4 Desember 2026" above a signature


class SignatoryConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    jabatan: str = ""
    nama: str = ""
    nip: str = ""


class Config(BaseModel):
    """talent.yaml (SPEC §7); every path is relative to the workspace."""

    model_config = ConfigDict(extra="forbid")
    inbox: str = "inbox"
    archive: str = "archive"
    failed: str = "failed"
    rejects: str = "rejects"
    logs: str = "logs"
    rules: str | None = None
    db: str = "talent.db"
    output: str = "laporan"
    formats: list[Literal["xlsx", "html", "csv", "json", "md"]] = Field(
        default=["xlsx", "html", "csv", "json"], min_length=1
    )
    lang: Literal["id", "en"] = "id"
    cycle: str | None = Field(None, pattern=r"^(19|20)\d\d$")
    limits: LimitsConfig = LimitsConfig()
    instansi: InstansiConfig = InstansiConfig()
    penandatangan: SignatoryConfig = SignatoryConfig()
    budget: int | None = Field(None, ge=0)  # the year's training budget, rupiah (SPEC §4.12)


CONFIG_TEMPLATE = """\
# talentcli workspace configuration (talentcli run reads this; paths are relative to it)
inbox: inbox            # new exports are dropped here
archive: archive        # imported files move to archive/<date>/
failed: failed          # unusable files move here with <name>.reason.txt
rejects: rejects        # <file>.rejects.xlsx / .csv: rejected rows with reasons
logs: logs              # logs/talentcli.log (rotating)
rules: rules/default.yaml
db: talent.db
output: laporan         # reports
formats: [xlsx, html, csv, json]   # report formats written by talentcli run (also: md)
lang: id                # report language: id or en
cycle: "{cycle}"          # assessment cycle (year)
limits:
  max_file_mb: 50       # larger input files are refused
  max_unzipped_mb: 1024 # a workbook that unpacks to more is refused (zip bomb)
instansi:               # titles of the reports
  nama: {instansi}
  kota: {kota}
penandatangan:          # the signature block under every list and plan page, e.g.
  jabatan: ""           #   jabatan: "Kepala Badan Kepegawaian Daerah"
  nama: ""              #   nama: "Dra. Contoh Nama, M.Si."
  nip: ""               #   nip: "19700101 199503 2 001"   (empty: a line to fill in by hand)
# budget: 150000000     # the year's training budget in rupiah (report --budget wins)
"""


@dataclass(frozen=True)
class Workspace:
    """A folder with talent.yaml (or the current folder when there is none)."""

    root: Path
    config: Config
    db_override: Path | None = None
    configured: bool = False  # read from a config file (talent.yaml or --config)

    def path(self, rel: str) -> Path:
        """A configured path, resolved against the workspace."""
        p = Path(rel).expanduser()
        return p if p.is_absolute() else self.root / p

    @property
    def db(self) -> Path:
        """The store: --db, then TALENTCLI_DB, then talent.yaml's db."""
        env = os.environ.get("TALENTCLI_DB")
        return self.db_override or (Path(env) if env else self.path(self.config.db))

    @property
    def lock(self) -> Path:
        """The lock `run`, `import` and `classify` hold (SPEC §7): in the workspace, or beside
        the store when it is used without one (--db from any folder)."""
        return (self.root if self.configured else self.db.parent) / LOCK_NAME

    @property
    def rules(self) -> Path:
        """The workspace rules file, or the packaged default."""
        from talentcli.rules import default_rules_path  # the schema's models: built on use

        return self.path(self.config.rules) if self.config.rules else default_rules_path()

    @property
    def limits(self) -> Limits:
        """Input size limits."""
        return Limits(self.config.limits.max_file_mb, self.config.limits.max_unzipped_mb)

    @property
    def instansi(self) -> Instansi:
        """The agency and signatory of the reports."""
        c = self.config
        signs = Signatory(c.penandatangan.jabatan, c.penandatangan.nama, c.penandatangan.nip)
        return Instansi(c.instansi.nama, c.instansi.kota, signs)

    @property
    def cycle(self) -> str:
        """The configured cycle, else the current year."""
        return self.config.cycle or str(date.today().year)


def find_workspace(
    start: Path | None = None, config: Path | None = None, db: Path | None = None
) -> Workspace:
    """The workspace of CONFIG, else the nearest folder upwards with talent.yaml, else START."""
    if config is not None:
        return Workspace(config.resolve().parent, load_config(config), db, configured=True)
    path = config_file(start)
    if path is not None:
        return Workspace(path.parent, load_config(path), db, configured=True)
    return Workspace((start or Path.cwd()).resolve(), Config(), db)


def load_config(path: Path) -> Config:
    """Read talent.yaml strictly: unknown keys are errors (exit 4)."""
    from talentcli.rules import plain_yaml_problems, read_yaml_text

    _, text = read_yaml_text(path, "config file")
    problems = plain_yaml_problems(text)
    if problems:
        raise RulesError(str(path), problems)
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise RulesError(str(path), ["line 1: talent.yaml must be a mapping of keys"])
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        lines = {str(k): i for i, k in _key_lines(path)}
        problems = [_config_problem(e, lines) for e in exc.errors()]
        raise RulesError(str(path), problems) from None


def _key_lines(path: Path) -> list[tuple[int, str]]:
    """(line, top-level key) pairs of talent.yaml, for messages."""
    out = []
    for i, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if line and not line[0].isspace() and ":" in line and not line.startswith("#"):
            out.append((i, line.split(":", 1)[0].strip()))
    return out


def _config_problem(err: dict, lines: dict[str, int]) -> str:
    key = ".".join(map(str, err["loc"]))
    where = (
        f"line {lines[str(err['loc'][0])]}: " if err["loc"] and str(err["loc"][0]) in lines else ""
    )
    if err["type"] == "extra_forbidden":
        return f"{where}unknown key {key!r} (misspelt?)"
    if err["type"] == "string_pattern_mismatch" and key == "cycle":
        return f'{where}cycle must be a year such as "2026"'
    return f"{where}{key}: {err['msg']}"


def init_workspace(
    folder: Path, cycle: str | None = None, instansi: str = "", kota: str = ""
) -> list[Path]:
    """Create talent.yaml, rules/ (a copy of the packaged rules) and inbox/; never overwrite."""
    private_dir(folder)
    made = []
    cfg = folder / CONFIG_NAME
    if not cfg.exists():
        text = CONFIG_TEMPLATE.format(
            cycle=cycle or date.today().year,
            instansi=json.dumps(instansi, ensure_ascii=False),
            kota=json.dumps(kota, ensure_ascii=False),
        )
        fd = os.open(cfg, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        made.append(cfg)
    rules_dir = folder / "rules"
    private_dir(rules_dir)
    from talentcli.rules import default_rules_path

    for src in sorted(default_rules_path().parent.glob("*.yaml")):
        dst = rules_dir / src.name
        if not dst.exists():
            shutil.copyfile(src, dst)
            os.chmod(dst, 0o600)
            made.append(dst)
    for sub in ("inbox",):
        if not (folder / sub).exists():
            made.append(private_dir(folder / sub))
    return made


class PrivateLog(logging.handlers.RotatingFileHandler):
    """The rotating log, owner-only across rotation whatever the umask; a failure to write
    it never prints a traceback (the command's own output still says everything)."""

    def _open(self):
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.fchmod(fd, 0o600)
        return os.fdopen(fd, "a", encoding="utf-8", errors="backslashreplace")

    def handleError(self, record: logging.LogRecord) -> None:
        """Drop the record: a full disk or a removed folder must not stop a run."""


def open_log(ws: Workspace) -> logging.Logger:
    """The workspace log: logs/talentcli.log, rotating, owner-only. Holds codes and NIPs only."""
    logger = logging.getLogger(LOG_NAME)
    folder = ws.path(ws.config.logs)
    path = folder / "talentcli.log"
    if any(getattr(h, "baseFilename", None) == str(path) for h in logger.handlers):
        return logger
    try:
        private_dir(folder)
        handler = PrivateLog(path, maxBytes=5 << 20, backupCount=5)
    except OSError:
        return logger  # a read-only workspace still imports; the terminal shows everything
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger
