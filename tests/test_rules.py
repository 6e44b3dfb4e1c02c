"""The rules file: the shipped one is valid; every schema error names its YAML line (exit 4)."""

from __future__ import annotations

import pytest

from talentcli.rules import check_rules_text, default_rules_path, load_rules

DEFAULT = default_rules_path().read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    return next(i for i, ln in enumerate(text.splitlines(), 1) if needle in ln)


def problems(text: str) -> list[str]:
    result = check_rules_text(text)
    assert isinstance(result, list), "expected problems"
    return result


def test_shipped_rules_are_valid():
    rules = load_rules().rules
    assert rules.competency_codes == ["teknis", "sosiokultural", "literasi_digital", "numerik"]
    assert rules.job_levels["pengawas"].promotes_to == ["administrator"]
    assert rules.job_levels["jf_ahli_muda"].promotes_to == ["jf_ahli_madya", "administrator"]
    assert rules.job_levels["jf_ahli_pertama"].promotes_to == ["jf_ahli_muda", "pengawas"]
    assert rules.job_levels["administrator"].promotes_to == ["jpt_pratama"]
    assert rules.job_levels["jf_ahli_madya"].promotes_to == ["jpt_pratama"]
    jpt = rules.job_levels["jpt_pratama"]  # SPEC §4.1: the target level, 4/3/4/4, 60
    assert (jpt.promotes_to, jpt.retirement_age) == ([], 60)
    assert list(jpt.standard.values()) == [4, 3, 4, 4]
    e = jpt.eligibility
    assert (e.education_min, e.years_in_post_min, e.performance_years, e.max_age) == (
        "s1",
        2,
        2,
        56,
    )


def test_a_single_promotes_to_as_older_rules_write_it_is_a_list_of_one():
    text = DEFAULT.replace("    promotes_to: [administrator]", "    promotes_to: administrator", 1)
    rules = check_rules_text(text)
    assert rules.job_levels["pengawas"].promotes_to == ["administrator"]


def test_top_level_rules_folder_is_the_packaged_one(tmp_path):
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    assert (repo / "rules" / "default.yaml").read_bytes() == default_rules_path().read_bytes()


def test_misspelt_key_is_named_with_its_line():
    text = DEFAULT.replace("  strength_min:", "  tresholdz:")
    found = problems(text)
    line = line_of(text, "tresholdz")
    assert any(f"line {line}," in p and "'tresholdz'" in p and "unknown key" in p for p in found)


def test_duplicate_key_is_an_error():
    text = DEFAULT.replace(
        "    retirement_age: 60\n", "    retirement_age: 60\n    retirement_age: 62\n"
    )
    (p,) = problems(text)
    assert "duplicate key 'retirement_age'" in p and f"line {line_of(text, 'age: 62')}," in p


@pytest.mark.parametrize(
    ("old", "new", "expect"),
    [
        (
            "standard: {teknis: 4, sosiokultural: 3, literasi_digital: 3, numerik: 3}",
            "standard: {teknis: 4, sosiokultural: 3, literasi_digital: 3}",
            "no standard for",
        ),
        ("{code: kurang_optimal, min: 0,", "{code: kurang_optimal, min: 95,", "ordered"),
        (
            "    rendah: {di_bawah: 1, sesuai: 2, di_atas: 4}",
            "    rendah: {di_bawah: 1, sesuai: 2, di_atas: 9}",
            "exactly once",
        ),
        (
            "competency: numerik, severity: berat",
            "competency: numerikk, severity: berat",
            "does not exist",
        ),
        ("aliases: [JF Ahli Muda, Ahli Muda,", "aliases: [JF Ahli Muda, IV.a, Ahli Muda,", "alias"),
        ("    promotes_to: [administrator]", "    promotes_to: [eselon_ii]", "unknown job level"),
        ("{education_min: d3, years", "{education_min: d5, years", "unknown education 'd5'"),
        ("golongan_min: III/d}", "golongan_min: III/f}", "golongan_min"),
        ("    sd: [SD, Sekolah Dasar", "    sdx: [SD, Sekolah Dasar", "not an education code"),
        ("placement: promosi\n", "placement: promosii\n", "not in placements"),
        ("filler: MANDIRI", "filler: MANDIRII", "not in the catalogue"),
        ("scale: {min: 1.0, max: 5.0", "scale: {min: 5.0, max: 1.0", "below"),
    ],
)
def test_schema_errors_name_a_line(old, new, expect):
    assert old in DEFAULT
    found = problems(DEFAULT.replace(old, new, 1))
    assert any(expect in p for p in found), found
    assert all(p.startswith("line ") for p in found)


def test_not_a_mapping():
    assert problems("- just\n- a list\n")[0].startswith("line 1")


def test_rules_check_command_exits_4_with_the_line(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(DEFAULT.replace("  berat_max:", "  berat_maks:"), encoding="utf-8")
    result = cli("rules", "check", bad)
    assert result.exit_code == 4
    assert f"line {line_of(bad.read_text(), 'berat_maks')}," in result.output
    assert cli("rules", "check", default_rules_path()).exit_code == 0


def test_import_with_a_bad_workspace_rules_file_exits_4(cli, tmp_path):
    (tmp_path / "rules.yaml").write_text(DEFAULT.replace("jpm:", "jpmm:"), encoding="utf-8")
    (tmp_path / "talent.yaml").write_text("rules: rules.yaml\n")
    result = cli("import", tmp_path / "whatever.xlsx")
    assert result.exit_code == 4 and "jpmm" in result.output


def test_config_typo_exits_4(cli, tmp_path):
    (tmp_path / "talent.yaml").write_text("inbx: inbox\n")
    result = cli("import", tmp_path / "whatever.xlsx")
    assert result.exit_code == 4 and "inbx" in result.output


def test_near_retirement_recommendation_replaces_the_box_text():
    rules = load_rules().rules
    assert rules.recommendation(9, "tetap").startswith("Tetap pada jabatan sampai BUP")
    assert rules.recommendation(9, "promosi").startswith("Dipromosikan")
    assert rules.recommendation(8, "tetap", en=True).startswith("Stays in post")


def test_the_succession_list_names_every_next_level():
    from talentcli.report.labels import Labels

    rules = load_rules().rules
    promotes = {c: "; ".join(lv.promotes_to) for c, lv in rules.job_levels.items()}
    words = Labels(rules)
    assert words.value(promotes["jf_ahli_muda"], "promotes_to") == (
        "JF Ahli Madya; Administrator (Eselon III)"
    )
    assert words.value(promotes["administrator"], "promotes_to") == "JPT Pratama (Eselon II)"
    assert words.value(promotes["jf_ahli_madya"], "promotes_to") == "JPT Pratama (Eselon II)"
