"""Rules and talent.yaml that are hostile or odd: only plain YAML, a size limit, a clear exit 4
naming the line, never exit 70 (SPEC §8); the key file's permissions; logs and folders."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from talentcli.rules import default_rules_path, load_rules

DEFAULT = default_rules_path().read_text(encoding="utf-8")

HOSTILE = {
    "complex key": ("? [a, b]\n: 1\n", "complex key", 1),
    "merge key": ("other:\n  <<: {x: 1}\n  y: 2\n", "merge key", 2),
    "alias": ("a: &x 1\nb: *x\n", "anchors and aliases", 2),
    "tag": ("a: !!binary aGVsbG8=\n", "tag", 1),
    "python tag": ("a: !!python/object:os.system {}\n", "tag", 1),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_rules_with_yaml_beyond_plain_data_exit_4_naming_the_line(cli, tmp_path, name):
    text, words, line = HOSTILE[name]
    path = tmp_path / "rules.yaml"
    path.write_text(DEFAULT + "\n" + text, encoding="utf-8")
    extra = DEFAULT.count("\n") + 1  # the hostile text starts on this line (1-based, minus 1)
    result = cli("rules", "check", path)
    assert result.exit_code == 4, result.output
    assert words in result.output and f"line {extra + line}" in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_talent_yaml_with_yaml_beyond_plain_data_exits_4(cli, tmp_path, monkeypatch, name):
    text, words, line = HOSTILE[name]
    assert cli("init", tmp_path / "ws", "--cycle", "2026").exit_code == 0
    cfg = tmp_path / "ws" / "talent.yaml"
    cfg.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path / "ws")
    result = cli("run")
    assert result.exit_code == 4, result.output
    assert words in result.output and f"line {line}" in result.output
    assert "talent.yaml" in result.output


def test_an_oversized_rules_file_is_refused_before_it_is_parsed(cli, tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text(DEFAULT + "#" * (1 << 20), encoding="utf-8")
    result = cli("rules", "check", path)
    assert result.exit_code == 4 and "over the limit" in result.output


def test_plain_rules_still_load():
    assert load_rules().rules.competency_codes[0] == "teknis"


def test_a_key_file_others_can_read_is_refused_with_the_chmod_to_run(tmp_path):
    from talentcli.errors import InputFileError
    from talentcli.safety import read_key

    key = tmp_path / "pseudonym.key"
    key.write_text("a-long-secret-key-number-one\n")
    key.chmod(0o644)
    with pytest.raises(InputFileError) as err:
        read_key(key)
    assert f"chmod 600 {key}" in err.value.message and err.value.code == "key-permissions"
    key.chmod(0o600)
    assert read_key(key) == b"a-long-secret-key-number-one"


def test_the_log_stays_owner_only_across_rotation_and_escapes_control_characters(tmp_path):
    from talentcli.safety import safe_log_text
    from talentcli.workspace import PrivateLog

    old = os.umask(0)
    try:
        handler = PrivateLog(tmp_path / "talentcli.log", maxBytes=200, backupCount=2)
        log = logging.getLogger("talentcli-test-rotation")
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
        name = "asesmen.xlsx\n2026-12-04 INFO run: files=0 forged"
        for _ in range(20):
            log.info("import %s imported", safe_log_text(name))
        handler.close()
        log.removeHandler(handler)
    finally:
        os.umask(old)
    files = sorted(tmp_path.iterdir())
    assert len(files) == 3  # the log and two rotated copies
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        lines = path.read_text().splitlines()
        assert lines and all(line.startswith("import asesmen.xlsx\\x0a2026") for line in lines)


def test_a_log_that_cannot_be_written_prints_no_traceback(tmp_path, capsys):
    from talentcli.workspace import PrivateLog

    class FullDisk:
        def write(self, text: str) -> None:
            raise OSError(28, "No space left on device")

        def flush(self) -> None:
            pass

        def close(self) -> None:
            pass

    handler = PrivateLog(tmp_path / "talentcli.log", maxBytes=1 << 20, backupCount=1)
    handler.stream.close()
    handler.stream = FullDisk()
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "message", None, None)
    handler.emit(record)
    assert "Traceback" not in capsys.readouterr().err
    handler.close()


def test_private_dir_is_0700_under_umask_000(tmp_path):
    from talentcli.safety import private_dir

    old = os.umask(0)
    try:
        made = private_dir(tmp_path / "a" / "b" / "c")
    finally:
        os.umask(old)
    for folder in (tmp_path / "a", tmp_path / "a" / "b", made):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert isinstance(made, Path)


def test_rules_check_on_a_talent_yaml_checks_it_as_a_config(cli, tmp_path):
    assert cli("init", tmp_path / "ws", "--cycle", "2026").exit_code == 0
    cfg = tmp_path / "ws" / "talent.yaml"
    assert cli("rules", "check", cfg).exit_code == 0
    cfg.write_text(cfg.read_text() + "formatz: [xlsx]\n")
    result = cli("rules", "check", cfg)
    assert result.exit_code == 4 and "unknown key 'formatz'" in result.output
    assert "competencies" not in result.output  # not read as a rules file


def test_a_cell_longer_than_a_spreadsheet_holds_is_cut_with_a_warning(cli, tmp_path):
    from tests.conftest import nip_is_valid, store_sql

    nip = "198001012005011001"
    assert nip_is_valid(nip)
    name = "A" * 40_000
    csv = tmp_path / "asesmen-2026.csv"
    csv.write_text(
        "NIP,NAMA,ESELON,TEKNIS,SOSIO KULTURAL,LITERASI DIGITAL,NUMERIK\n"
        f"{nip},{name},IV.a,3,2,2,2\n",
        encoding="utf-8",
    )
    assert cli("init", tmp_path / "ws", "--cycle", "2026").exit_code == 0
    result = cli("--db", tmp_path / "t.db", "import", csv, "--cycle", "2026")
    assert result.exit_code == 0, result.output  # a warning, not a rejection
    assert "too-long" in result.output and "32,767 characters" in result.output
    assert "1 accepted + 0 rejected" in result.output
    stored = store_sql(tmp_path / "t.db", "SELECT length(nama) FROM assessments")
    assert stored == [(32_767,)]
