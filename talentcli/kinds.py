"""One registry of input kinds (STYLE lesson 15): what each kind of file carries, what it
must carry, what makes one of its rows a record, its key and the table that stores it.

Header detection, validation, the store and the CLI all read this table; a new kind is one
entry here plus its checks in ingest.validate.
"""

from __future__ import annotations

from dataclasses import dataclass

from talentcli.rules import Rules

SCORES = "*scores"  # stands for the rules' competency codes, in their order


@dataclass(frozen=True)
class Kind:
    """One kind of input file."""

    name: str
    fields: tuple[str, ...]  # every field a file of this kind may carry
    required: tuple[str, ...]  # columns the file must have (and cells a row must fill)
    ident: tuple[str, ...]  # a row whose cells of these fields are all empty is blank
    key: tuple[str, ...]  # one record per key in a file (and per cycle, when cycled)
    table: str  # the store's table of accepted rows
    cycled: bool  # rows belong to an assessment cycle
    one_of: tuple[str, ...] = ()  # at least one of these columns (and cells) is needed

    def expand(self, names: tuple[str, ...], rules: Rules) -> tuple[str, ...]:
        """NAMES with SCORES replaced by the competency codes of RULES."""
        out: list[str] = []
        for name in names:
            out += rules.competency_codes if name == SCORES else [name]
        return tuple(out)

    def fields_for(self, rules: Rules) -> tuple[str, ...]:
        """The fields a file of this kind may carry under RULES."""
        return self.expand(self.fields, rules)

    def required_for(self, rules: Rules) -> tuple[str, ...]:
        """The columns a file of this kind must have under RULES."""
        return self.expand(self.required, rules)

    def ident_for(self, rules: Rules) -> tuple[str, ...]:
        """The fields whose emptiness makes a row blank under RULES."""
        return self.expand(self.ident, rules)


PEGAWAI_FIELDS = (
    *("nip", "nama", "pendidikan", "golongan", "tmt_golongan", "tmt_jabatan"),
    *("hukuman_disiplin", "jabatan", "unit"),
)

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "asesmen",
            fields=("nip", "nama", "jabatan", "job_level", "unit", "golongan", "potensi", SCORES),
            required=("nip", "nama", "job_level", SCORES),
            ident=("nip", SCORES),
            key=("nip",),
            table="assessments",
            cycled=True,
        ),
        Kind(
            "kinerja",
            fields=("nip", "nama", "tahun", "predikat", "nilai_kinerja"),
            required=("nip", "tahun"),
            ident=("nip", "predikat", "nilai_kinerja"),
            key=("nip", "tahun"),
            table="ratings",
            cycled=False,
            one_of=("predikat", "nilai_kinerja"),
        ),
        Kind(
            "formasi",
            fields=("kode", "jabatan", "unit", "job_level", "jumlah"),
            required=("kode", "job_level"),
            ident=("kode",),
            key=("kode",),
            table="vacancies",
            cycled=True,
        ),
        # personnel data (SPEC §3), usually a SIASN export of every civil servant: no cycle,
        # the newest import wins per NIP
        Kind(
            "pegawai",
            fields=PEGAWAI_FIELDS,
            required=("nip",),
            ident=("nip",),
            key=("nip",),
            table="personnel",
            cycled=False,
        ),
        Kind(  # the committee's final boxes (SPEC §3, §4.9): a newer file wins per NIP
            "kalibrasi",
            fields=(
                *("nip", "nama", "kotak_akhir", "alasan", "diputuskan_oleh", "tanggal"),
                "nomor_berita_acara",
            ),
            required=("nip", "kotak_akhir", "alasan", "diputuskan_oleh"),
            ident=("nip", "kotak_akhir"),
            key=("nip",),
            table="calibrations",
            cycled=True,
        ),
    )
}
# `run` imports the inbox kind by kind in this order (SPEC §7: what a later kind refers to
# is stored first).
RUN_ORDER = ("pegawai", "asesmen", "kinerja", "formasi", "kalibrasi")


def kind(name: str) -> Kind:
    """The registered kind NAME."""
    return KINDS[name]


def names() -> tuple[str, ...]:
    """Every registered kind, in run order."""
    return RUN_ORDER
