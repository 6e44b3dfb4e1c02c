"""The rules file: a strict pydantic schema, a line-aware YAML loader, the packaged default."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from talentcli.errors import RulesError

# Fields the importer knows besides the competencies (SPEC §3).
FIXED_FIELDS = (
    "nip",
    "nama",
    "jabatan",
    "job_level",
    "unit",
    "golongan",
    "potensi",
    "tahun",
    "predikat",
    "nilai_kinerja",
    "kode",
    "jumlah",
    "pendidikan",
    "tmt_golongan",
    "tmt_jabatan",
    "hukuman_disiplin",
    *("kotak_akhir", "alasan", "diputuskan_oleh", "tanggal", "nomor_berita_acara"),
)
PERFORMANCE_LEVELS = ("di_bawah", "sesuai", "di_atas")
POTENTIAL_SOURCES = ("jpm", "potensi")

_PUNCT = re.compile(r"[.,:;/\\\-_()]")
_SPACE = re.compile(r"\s+")
_ESELON = re.compile(r"\beselon\b")

INSTRUCTION_SHEETS = (
    "Petunjuk",
    "Panduan",
    "Cara Pengisian",
    "Contoh",
    "Keterangan",
    "Instruksi",
    "Read Me",
    "Readme",
)

Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


def norm_header(text: object) -> str:
    """Lower-case, drop `. , : ; / \\ - _ ( )` and white space (SPEC §3).

    SPEC §3 folds white space to one space; dropping it too makes "Eselon / Jenjang"
    and "Sosial-Kultural" match their aliases "Eselon/Jenjang" and "Sosial Kultural".
    """
    return _SPACE.sub("", _PUNCT.sub("", str(text).lower()))


def norm_value(text: object) -> str:
    """Key for coded cells (job level, predikat): header-normalised, no 'eselon', no spaces."""
    folded = _SPACE.sub(" ", _PUNCT.sub("", str(text).lower()))
    return _SPACE.sub("", _ESELON.sub("", folded))


class Strict(BaseModel):
    """Every rules model rejects unknown keys, so a typo fails loudly."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Scale(Strict):
    min: float
    max: float
    decimals: int = Field(2, ge=0, le=6)

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if self.min >= self.max:
            raise ValueError("scale.min must be below scale.max")
        return self


class Competency(Strict):
    code: Code
    name: str
    name_en: str | None = None


class Eligibility(Strict):
    """What a candidate for a post of this level must meet (SPEC §4.7; PP 11/2017 arts.
    54-55, 107): each criterion left out is not checked."""

    education_min: Code | None = None
    years_in_post_min: int | None = Field(None, ge=0, le=40)
    golongan_min: str | None = Field(None, pattern=r"^(I|II|III|IV)/[a-e]$")
    performance_years: int | None = Field(None, ge=1, le=5)
    no_discipline: bool = True
    max_age: int | None = Field(None, ge=18, le=75)


# The criteria of SPEC §4.7, in the order every output shows them: the fields above
CRITERIA = tuple(Eligibility.model_fields)


class JobLevel(Strict):
    name: str
    aliases: list[str] = Field(min_length=1)
    standard: dict[str, float]
    retirement_age: int = Field(ge=40, le=75)
    # the levels a person of this level may move up to (SPEC §4.7: a level may lead to several)
    promotes_to: list[Code] = []
    eligibility: Eligibility = Eligibility()

    @field_validator("promotes_to", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        """A single level or none, as older rules files (and runs stored with them) write it."""
        if value is None:
            return []
        return [value] if isinstance(value, str) else value


class Status(Strict):
    strength_min: float = Field(gt=0)
    berat_max: float = Field(lt=0)


class Band(Strict):
    code: Code
    min: float
    name: str
    name_en: str | None = None


def _check_bands(bands: list[Band], where: str) -> None:
    mins = [b.min for b in bands]
    if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
        raise ValueError(f"{where}: bands must be ordered from the highest min down, no ties")
    if mins[-1] > 0:
        raise ValueError(f"{where}: the last band must start at 0 so every value has a band")


class Jpm(Strict):
    cap: bool = True
    cap_each: bool = False
    decimals: int = Field(2, ge=0, le=6)
    bands: str
    band_sets: dict[Code, list[Band]]

    @model_validator(mode="after")
    def _bands(self) -> Jpm:
        for name, bands in self.band_sets.items():
            _check_bands(bands, f"jpm.band_sets.{name}")
        if self.bands not in self.band_sets:
            raise ValueError(f"jpm.bands {self.bands!r} is not one of {sorted(self.band_sets)}")
        return self


class Component(Strict):
    source: Literal["jpm", "potensi"]
    weight: float = Field(gt=0)


class Potential(Strict):
    components: list[Component] = Field(min_length=1)
    potensi_scale: tuple[float, float] = (0.0, 100.0)
    levels: list[Band] = Field(min_length=1)

    @model_validator(mode="after")
    def _levels(self) -> Potential:
        _check_bands(self.levels, "potential.levels")
        if self.potensi_scale[0] >= self.potensi_scale[1]:
            raise ValueError("potential.potensi_scale: min must be below max")
        return self


class PerfLevel(Strict):
    code: Literal["di_bawah", "sesuai", "di_atas"]
    name: str
    name_en: str | None = None


class ScoreCut(Strict):
    level: Literal["di_bawah", "sesuai", "di_atas"]
    min: float


class Performance(Strict):
    levels: list[PerfLevel]
    predikat: dict[Literal["di_bawah", "sesuai", "di_atas"], list[str]]
    score: list[ScoreCut] = Field(min_length=1)
    score_scale: tuple[float, float] = (0.0, 120.0)

    @model_validator(mode="after")
    def _cuts(self) -> Performance:
        mins = [c.min for c in self.score]
        if mins != sorted(mins, reverse=True) or mins[-1] > 0:
            raise ValueError("performance.score: cuts must go from the highest min down to 0")
        return self


class Box(Strict):
    placement: Code
    talent_pool: bool = False
    readiness: Code | None = None
    notes: list[Code] = []
    programmes: list[str] = []
    recommendation: str
    recommendation_en: str | None = None


class NineBox(Strict):
    grid: dict[str, dict[Literal["di_bawah", "sesuai", "di_atas"], int]]
    boxes: dict[int, Box]


class Label(Strict):
    name: str
    name_en: str | None = None


class Retirement(Strict):
    notice_years: int = Field(1, ge=0, le=10)
    exclude_boxes: list[int] = []
    placement: Code = "tetap"
    recommendation: str = (
        "Tetap pada jabatan sampai BUP; tidak diusulkan promosi atau kelompok rencana "
        "suksesi; siapkan alih pengetahuan dan kader pengganti"
    )
    recommendation_en: str | None = (
        "Stays in post until retirement; not proposed for promotion or the succession pool; "
        "prepare knowledge transfer and a successor"
    )


class Programme(Strict):
    code: str = Field(pattern=r"^[A-Z0-9][A-Z0-9_-]*$")
    name: str
    competency: str | None = None
    severity: Literal["ringan", "berat"] | None = None
    form: Literal["klasikal", "nonklasikal"]
    jp: int = Field(gt=0)
    cost: int = Field(ge=0)


class Training(Strict):
    min_jp: int = Field(ge=0)
    filler: str
    catalogue: list[Programme] = Field(min_length=1)


class Equity(Strict):
    """The equity view's thresholds (SPEC §4.11): the four-fifths rule, confirmed by Fisher."""

    min_group: int = Field(10, ge=1)
    ratio: float = Field(0.8, gt=0, le=1)
    p_max: float = Field(0.05, gt=0, lt=1)
    age_bands: list[int] = Field([30, 40, 50], min_length=1)
    gender: dict[Literal[1, 2], str] = {1: "Laki-laki", 2: "Perempuan"}

    @model_validator(mode="after")
    def _ascending(self) -> Equity:
        if self.age_bands != sorted(set(self.age_bands)):
            raise ValueError("equity.age_bands: ages must rise, each once (e.g. [30, 40, 50])")
        return self


class Education(Strict):
    """Education levels from lowest to highest; the codes of one entry rank alike (D-IV = S1)."""

    order: list[list[Code]] = [
        ["sd"], ["smp"], ["sma"], ["d1"], ["d2"], ["d3"], ["d4", "s1"], ["s2"], ["s3"]
    ]  # fmt: skip
    # code -> how exports write it (SPEC §3 pegawai): compared in any case without spaces,
    # dashes or other punctuation, the longest spelling first, at the start of the cell
    # ('Sarjana Muda' -> d3 before 'Sarjana' -> s1; 'S-1/Sarjana' -> s1)
    spellings: dict[Code, list[str]] = {}

    @cached_property
    def codes(self) -> list[str]:
        """Every education code, lowest first."""
        return [c for same in self.order for c in same]

    @cached_property
    def lookup(self) -> list[tuple[str, str]]:
        """(compact spelling, code), the longest spelling first (codes count as spellings)."""
        pairs = {compact(c): c for c in self.codes}
        pairs |= {compact(a): c for c, names in self.spellings.items() for a in names}
        return sorted(pairs.items(), key=lambda kv: (-len(kv[0]), kv[0]))

    def code_of(self, text: object) -> str | None:
        """The education code a cell's text starts with (longest spelling first); None."""
        key = compact(text)
        if not key:
            return None
        for spelling, code in self.lookup:
            if key.startswith(spelling):
                return code
        return None


_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def compact(text: object) -> str:
    """Lower case, letters and digits only: 'S-1 / Sarjana' -> 's1sarjana'."""
    return _NOT_ALNUM.sub("", str(text).lower())


class Rules(Strict):
    """A whole rules file, cross-checked."""

    name: str
    description: str = ""
    scale: Scale
    competencies: list[Competency] = Field(min_length=1)
    columns: dict[str, list[str]]
    # sheets never read as data, even with an example header and row (SPEC §3.2)
    instruction_sheets: list[str] = list(INSTRUCTION_SHEETS)
    job_levels: dict[Code, JobLevel] = Field(min_length=1)
    status: Status
    jpm: Jpm
    potential: Potential
    performance: Performance
    nine_box: NineBox
    placements: dict[Code, Label]
    retirement: Retirement
    training: Training
    equity: Equity = Equity()
    education: Education = Education()
    # hukuman_disiplin cells that mean "no sanction" (any case); any other text is an active
    # sanction, an empty cell is none too (SPEC §3 pegawai)
    no_discipline_words: list[str] = [
        "-",
        "Tidak Ada",
        "Tidak Pernah",
        "Belum Pernah",
        "Nihil",
        "Bebas",
    ]
    candidates_per_seat: int = Field(3, ge=1, le=50)

    def recommendation(self, box: int, placement: str | None = None, en: bool = False) -> str:
        """The follow-up text of a box; people kept in post near retirement get the
        retirement rule's text instead of the box's (which would promise a promotion)."""
        src = (
            self.retirement if placement == self.retirement.placement else self.nine_box.boxes[box]
        )
        return src.recommendation_en if en and src.recommendation_en else src.recommendation

    @property
    def competency_codes(self) -> list[str]:
        """Competency codes in the rules' order."""
        return [c.code for c in self.competencies]

    @cached_property
    def header_aliases(self) -> dict[str, str]:
        """Normalised header text -> field."""
        return {norm_header(a): field for field, names in self.columns.items() for a in names}

    @cached_property
    def alias_rank(self) -> dict[str, int]:
        """Normalised header text -> its place in its field's alias list (0 = listed first):
        of two columns for one field, the alias listed first wins (SPEC §3.2)."""
        out: dict[str, int] = {}
        for names in self.columns.values():
            for i, a in enumerate(names):
                out.setdefault(norm_header(a), i)
        return out

    def is_instruction_sheet(self, name: str) -> bool:
        """A sheet named like one of instruction_sheets (compared like headers)."""
        return norm_header(name) in {norm_header(n) for n in self.instruction_sheets}

    @cached_property
    def job_level_aliases(self) -> dict[str, str]:
        """Normalised job-level text -> job level code (codes and names match too)."""
        out: dict[str, str] = {}
        for code, level in self.job_levels.items():
            for alias in (code, level.name, *level.aliases):
                out[norm_value(alias)] = code
        return out

    @cached_property
    def predikat_aliases(self) -> dict[str, str]:
        """Normalised predikat text -> performance level."""
        return {
            norm_value(a): lvl for lvl, names in self.performance.predikat.items() for a in names
        }


Problem = tuple[tuple, str]  # (location in the YAML, message)


def _duplicates(items: list[str]) -> list[str]:
    seen: set[str] = set()
    return sorted({i for i in items if i in seen or seen.add(i)})


def cross_check(r: Rules) -> list[Problem]:
    """Checks that span sections: every problem with the YAML location it belongs to."""
    return [
        *_check_competencies(r),
        *_check_columns(r),
        *_check_job_levels(r),
        *_check_performance(r),
        *_check_boxes(r),
        *_check_training(r),
        *_check_education(r),
    ]


def _check_eligibility(r: Rules, code: str, e: Eligibility) -> list[Problem]:
    """A criterion's education code must be one of the rules' education codes."""
    at = ("job_levels", code, "eligibility", "education_min")
    if e.education_min is not None and e.education_min not in r.education.codes:
        return [(at, f"unknown education {e.education_min!r}: one of {r.education.codes}")]
    return []


def _check_education(r: Rules) -> list[Problem]:
    """Spellings only of the ordered codes; each code once; each spelling for one code."""
    codes = r.education.codes
    out = [(("education", "order"), f"code {d!r} appears twice") for d in _duplicates(codes)]
    out += [
        (("education", "spellings", c), f"{c!r} is not an education code of order {codes}")
        for c in r.education.spellings
        if c not in codes
    ]
    owners: dict[str, set[str]] = {}
    for code, names in r.education.spellings.items():
        for a in names:
            owners.setdefault(compact(a), set()).add(code)
    return out + [
        (("education", "spellings", sorted(v)[-1]), f"spelling {k!r} is given to {sorted(v)}")
        for k, v in owners.items()
        if len(v) > 1 or not k
    ]


def _check_competencies(r: Rules) -> list[Problem]:
    where = ("competencies",)
    out = [(where, f"competency code {d!r} appears twice") for d in _duplicates(r.competency_codes)]
    clash = sorted(set(r.competency_codes) & set(FIXED_FIELDS))
    return out + [(where, f"competency code {c!r} is a reserved column name") for c in clash]


def _check_columns(r: Rules) -> list[Problem]:
    known = set(FIXED_FIELDS) | set(r.competency_codes)
    out = [(("columns", k), f"{k!r} is not a known field") for k in r.columns if k not in known]
    need = ("nip", "nama", "job_level", "tahun", "predikat", "kode", *r.competency_codes)
    out += [(("columns",), f"no aliases for {f!r}") for f in need if not r.columns.get(f)]
    owners: dict[str, set[str]] = {}
    for field, names in r.columns.items():
        for a in names:
            owners.setdefault(norm_header(a), set()).add(field)
    return out + [
        (("columns", sorted(v)[-1]), f"alias {k!r} is given to {sorted(v)}")
        for k, v in owners.items()
        if len(v) > 1
    ]


def _check_job_levels(r: Rules) -> list[Problem]:
    out: list[Problem] = []
    comps = set(r.competency_codes)
    owners: dict[str, set[str]] = {}
    for code, level in r.job_levels.items():
        at = ("job_levels", code, "standard")
        out += [
            (at, f"no standard for competency {m!r}") for m in sorted(comps - set(level.standard))
        ]
        out += [(at, f"{e!r} is not a competency") for e in sorted(set(level.standard) - comps)]
        bad = [v for v in level.standard.values() if not r.scale.min <= v <= r.scale.max]
        out += [(at, f"standard {v} is outside the scale") for v in bad]
        at = ("job_levels", code, "promotes_to")
        out += [
            (at, f"unknown job level {t!r}") for t in level.promotes_to if t not in r.job_levels
        ]
        out += [(at, f"{code!r} cannot promote to itself") for t in level.promotes_to if t == code]
        out += _check_eligibility(r, code, level.eligibility)
        for a in {code, level.name, *level.aliases}:
            owners.setdefault(norm_value(a), set()).add(code)
    return out + [
        (("job_levels", sorted(v)[-1], "aliases"), f"alias {k!r} is given to {sorted(v)}")
        for k, v in owners.items()
        if len(v) > 1
    ]


def _check_performance(r: Rules) -> list[Problem]:
    out: list[Problem] = []
    if sorted(lv.code for lv in r.performance.levels) != sorted(PERFORMANCE_LEVELS):
        out.append((("performance", "levels"), f"must be exactly {list(PERFORMANCE_LEVELS)}"))
    names = [norm_value(a) for v in r.performance.predikat.values() for a in v]
    at = ("performance", "predikat")
    return out + [(at, f"alias {d!r} appears twice") for d in _duplicates(names)]


def _check_boxes(r: Rules) -> list[Problem]:
    out: list[Problem] = []
    pot = [lv.code for lv in r.potential.levels]
    grid = r.nine_box.grid
    if sorted(grid) != sorted(pot):
        out.append((("nine_box", "grid"), f"rows must be the potential levels {pot}"))
    cells = [b for row in grid.values() for b in row.values()]
    if sorted(cells) != list(range(1, 10)) or any(len(row) != 3 for row in grid.values()):
        out.append((("nine_box", "grid"), "each box 1-9 must appear exactly once"))
    if sorted(r.nine_box.boxes) != list(range(1, 10)):
        out.append((("nine_box", "boxes"), "boxes 1-9 must each be defined exactly once"))
    codes = {p.code for p in r.training.catalogue}
    for n, box in r.nine_box.boxes.items():
        if box.placement not in r.placements:
            at = ("nine_box", "boxes", n, "placement")
            out.append((at, f"{box.placement!r} is not in placements"))
        at = ("nine_box", "boxes", n, "programmes")
        out += [(at, f"{p!r} is not in the catalogue") for p in box.programmes if p not in codes]
    ret = r.retirement
    if ret.placement not in r.placements:
        out.append((("retirement", "placement"), f"{ret.placement!r} is not in placements"))
    at = ("retirement", "exclude_boxes")
    return out + [(at, f"{b} is not a box 1-9") for b in ret.exclude_boxes if not 1 <= b <= 9]


def _check_training(r: Rules) -> list[Problem]:
    cat = r.training.catalogue
    at = ("training", "catalogue")
    out = [(at, f"code {d!r} appears twice") for d in _duplicates([p.code for p in cat])]
    comps = set(r.competency_codes)
    for i, p in enumerate(cat):
        if p.competency is not None and p.competency not in comps:
            out.append(((*at, i, "competency"), f"competency {p.competency!r} does not exist"))
        if (p.competency is None) != (p.severity is None):
            out.append(((*at, i), f"{p.code}: competency and severity go together"))
    pairs = [(p.competency, p.severity) for p in cat if p.competency]
    out += [(at, f"two programmes for {d}") for d in _duplicates([str(x) for x in pairs])]
    for comp in r.competency_codes:
        for sev in ("ringan", "berat"):
            if (comp, sev) not in pairs:
                out.append((at, f"no {sev} programme for competency {comp!r}"))
    if r.training.filler not in {p.code for p in cat}:
        out.append((("training", "filler"), f"{r.training.filler!r} is not in the catalogue"))
    return out


# ---------------------------------------------------------------- loading


_SAFE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's C parser when PyYAML has it


class _LineLoader(_SAFE):  # type: ignore[misc, valid-type]
    """The safe loader (C parser when available), refusing duplicate keys (YAML would
    silently keep the last)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            mark = key_node.start_mark
            raise yaml.MarkedYAMLError(
                problem=f"duplicate key {key!r} (first at line {seen[key].start_mark.line + 1})",
                problem_mark=mark,
            )
        seen[key] = key_node
    return loader.construct_mapping_plain(node, deep=deep)


_LineLoader.construct_mapping_plain = _SAFE.construct_mapping  # type: ignore[attr-defined]
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


MAX_YAML_BYTES = 1 << 20  # rules and talent.yaml: far above any real file (SPEC §8)
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")
)
_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


def read_yaml_text(path: Path, what: str) -> tuple[bytes, str]:
    """The bytes and UTF-8 text of a rules or config file, refused past MAX_YAML_BYTES."""
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise RulesError(
                str(path),
                [
                    f"the {what} is {size:,} bytes, over the limit of {MAX_YAML_BYTES:,}: is it "
                    "the right file?"
                ],
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise RulesError(str(path), [f"cannot read the {what}: {exc.strerror}"]) from None
    try:
        return raw, raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RulesError(
            str(path),
            [
                f"line {line}: the file is not UTF-8 (saved as 'ANSI' or UTF-16?); "
                "save it as UTF-8 in your editor and try again"
            ],
        ) from None


def plain_yaml_problems(text: str) -> list[str]:
    """Where TEXT uses YAML beyond plain mappings, lists and scalars (complex keys, merge
    keys, anchors and aliases, tags): each with its line. Empty when it is plain."""
    try:
        root = yaml.compose(text, Loader=_SAFE)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        return [f"line {mark.line + 1 if mark else 1}: {exc.problem}"]
    except yaml.YAMLError as exc:
        return [f"line 1: not a readable YAML text ({type(exc).__name__}); save it as UTF-8"]
    problems = []
    if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=_SAFE)):
        problems = [  # the pure-Python parser (20x slower) for the lines: C misplaces them
            f"line {event.start_mark.line + 1}: anchors and aliases (&, *) are not allowed: "
            "write the value out"
            for event in yaml.parse(text, Loader=yaml.SafeLoader)
            if isinstance(event, yaml.AliasEvent)
        ][:10]
    stack = [root] if root is not None and not problems else []
    while stack and len(problems) < 10:
        node = stack.pop()
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode) or key.tag not in _PLAIN_TAGS:
                    what = "a merge key (<<)" if key.tag.endswith(":merge") else "a complex key"
                    problems.append(
                        f"line {key.start_mark.line + 1}: {what} is not allowed: "
                        "keys are plain words"
                    )
                    continue
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
            stack.extend(node.value)
        elif not (isinstance(node, yaml.ScalarNode) and node.tag in _PLAIN_TAGS):
            problems.append(f"line {line}: the tag {node.tag!r} is not allowed: use a plain value")
    return sorted(problems, key=lambda p: int(p.split(":")[0].split()[1]))


@dataclass(frozen=True)
class LoadedRules:
    """Validated rules plus where they came from (traceability, SPEC §5)."""

    rules: Rules
    path: Path
    name: str
    sha256: str
    text: str  # stored with every run, so a report uses the rules its run was made with


def default_rules_path() -> Path:
    """The default rules file shipped inside the package."""
    return Path(str(resources.files("talentcli") / "data" / "rules" / "default.yaml"))


def load_rules(path: Path | None = None) -> LoadedRules:
    """Read and validate a rules file; RulesError lists every problem with its line."""
    path = path or default_rules_path()
    raw, text = read_yaml_text(path, "rules file")
    problems = check_rules_text(text)
    if isinstance(problems, list):
        raise RulesError(str(path), problems)
    return LoadedRules(problems, path, path.name, hashlib.sha256(raw).hexdigest(), text)


def check_rules_text(text: str) -> Rules | list[str]:
    """Validate YAML text: the Rules, or a list of problems each naming its line and column."""
    plain = plain_yaml_problems(text)
    if plain:
        return plain
    try:
        data = yaml.load(text, Loader=_LineLoader)  # a safe loader: see _LineLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        return [f"{where}{exc.problem}"]
    except yaml.YAMLError as exc:  # e.g. a reader error on control characters
        return [f"line 1: not a readable YAML text ({type(exc).__name__}); save it as UTF-8"]
    if not isinstance(data, dict):
        return ["line 1, column 1: the rules file must be a mapping of keys"]
    try:
        rules = Rules.model_validate(data)
    except ValidationError as exc:
        root = yaml.compose(text, Loader=_LineLoader)  # the nodes, for lines: only on a problem
        errs = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")  # typos first
        return [_describe(tuple(e["loc"]), e["type"], e["msg"], root) for e in errs]
    problems = cross_check(rules)
    if not problems:
        return rules
    root = yaml.compose(text, Loader=_LineLoader)
    return [_describe(loc, "cross", msg, root) for loc, msg in problems]


def _describe(loc: tuple, kind: str, msg: str, root: yaml.Node) -> str:
    node = _find_node(root, loc, want_key=kind == "extra_forbidden")
    where = f"line {node.start_mark.line + 1}, column {node.start_mark.column + 1}: "
    dotted = ".".join(str(p) for p in loc) or "(top level)"
    if kind == "extra_forbidden":
        return f"{where}unknown key {loc[-1]!r} at {dotted} (misspelt?)"
    if kind == "missing":
        return f"{where}{dotted}: required key is missing"
    return f"{where}{dotted}: {msg.removeprefix('Value error, ')}"


def _find_node(node: yaml.Node, loc: tuple, want_key: bool) -> yaml.Node:
    """The deepest YAML node along an error location; the key node itself for an unknown key."""
    for i, part in enumerate(loc):
        nxt = None
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if str(key_node.value) == str(part):
                    last = i == len(loc) - 1
                    nxt = key_node if (want_key and last) else value_node
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            nxt = node.value[part] if part < len(node.value) else None
        if nxt is None:
            break
        node = nxt
    return node
