"""explain, history and classify speak Indonesian (SPEC §5: the reports' words, codes only in
--json), on the shipped samples with the committee's calibration."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import Cli
from tests.test_run import REPO

# English words that once leaked into the Indonesian lines ("computed box 8 would give", "set
# by the committee", "capped at 100", "latest year", "not applied", "run 3, cycle 2026, as of")
ENGLISH = re.compile(
    r"\b(would|computed|because|not|capped|latest|set|by|added|dropped|total|run|cycles?|of|"
    r"rules|people|person|incomplete|classified|listed|report|score|standard|competency|sheet|"
    r"row|line|applied|year|the|and|with|give)\b|(?<!9-)\bbox\b",
    re.I,
)
# a rule's source, '(default.yaml: nine_box.grid.tinggi.sesuai)': keys of the rules file, code
SOURCE = re.compile(r"\(default\.yaml: [^()]*\)")


def english(text: str) -> list[str]:
    """The English words of TEXT outside the rules-file references."""
    return [m.group(0) for m in ENGLISH.finditer(SOURCE.sub("", text))]


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory):
    """The shipped samples imported (with kalibrasi and pegawai) and classified; the report's
    json for the people and decisions to explain; the classify output."""
    root = tmp_path_factory.mktemp("words")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        mp.delenv("TALENTCLI_DB", raising=False)
        cli = Cli(root)
        files = ("pegawai-2026.xlsx", "asesmen-2026.xlsx", "kinerja.xlsx", "kalibrasi-2026.xlsx")
        assert cli("import", *(REPO / "samples" / f for f in files)).exit_code in (0, 1)
        classified = cli("classify", "--cycle", "2026", "--as-of", "2026-01-01")
        assert classified.exit_code in (0, 1), classified.output
        assert cli("report", "--format", "json", "--out", root / "out").exit_code == 0
        doc = json.loads((root / "out" / "talenta-2026.json").read_text(encoding="utf-8"))
        yield cli, doc, classified.output


def test_explain_of_every_kind_of_person_is_indonesian(ws):
    cli, doc, _ = ws
    decided = doc["calibrations"]
    changed = [c for c in decided if c["applied"] and c["box"] != c["box_computed"]]
    kept = [c for c in decided if c["applied"] and c["box"] == c["box_computed"]]
    left = [c for c in decided if not c["applied"]]
    assert changed, "the samples hold decisions that change a box"  # not applied: test_kalibrasi
    nips = [c["nip"] for c in changed + kept + left] + [p["nip"] for p in doc["people"][:10]]
    nips += [p["nip"] for p in doc["incomplete"][:5]]
    seen = ""
    for nip in nips:
        out = cli("explain", nip).output
        assert not english(out), (nip, english(out), out)
        seen += out
    c = changed[0]
    said = cli("explain", c["nip"]).output
    assert f"Kalibrasi: Kotak Talenta {c['box_computed']} -> {c['box']}" in said
    assert f"hasil kalibrasi (hasil perhitungan: Kotak Talenta {c['box_computed']})" in said
    assert f"tanpa kalibrasi (Kotak Talenta {c['box_computed']}): Penempatan " in said
    # the words every explanation has, and numbers with the decimal comma
    for words in ("proses klasifikasi", "siklus 2026, per tanggal 1 Januari 2026", "Kompetensi",
                  "Selisih", "Kategori JPM:", "Potensial", "Kotak Talenta", "Penempatan:",
                  "Rencana Pengembangan", "jumlah "):  # fmt: skip
        assert words in seen, words
    assert re.search(r"JPM = 100 x \d+,\d\d / \d+,\d\d = \d+,\d{3}", seen)


def test_classify_and_history_are_indonesian(ws):
    cli, doc, classified = ws
    assert not english(classified), (english(classified), classified)
    assert "pegawai =" in classified and "terpetakan" in classified
    if doc["incomplete"]:
        assert "data tidak lengkap: " in classified and "tercantum dalam laporan" in classified
    c = next(c for c in doc["calibrations"] if c["applied"])
    said = cli("history", c["nip"]).output
    assert f"{c['nip']}: 1 siklus" in said and not english(said), said
    rows = json.loads(cli("history", c["nip"], "--json").stdout)  # --json keeps its codes
    assert rows[0]["box"] == c["box"] and rows[0]["box_computed"] == c["box_computed"]
    assert rows[0]["placement"] in doc["summary"]["placements"]
