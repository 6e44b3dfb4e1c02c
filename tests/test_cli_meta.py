"""Meta-tests: every command has help with an example; the README shows commands that exist."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from talentcli.cli import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
COMMANDS = ["init", "import", "classify", "report", "compare", "run", "explain", "sample"]
COMMANDS += ["rules check", "history"]


def test_every_command_has_help_with_an_example():
    runner = CliRunner()
    for command in COMMANDS:
        result = runner.invoke(app, [*command.split(), "--help"])
        assert result.exit_code == 0, command
        assert "Example" in result.output, command
        assert not re.search(r"<\w+\[|<bool>|<str>|<int>", result.output), command


def test_top_level_help_lists_the_exit_codes():
    result = CliRunner().invoke(app, ["--help"])
    assert "Example" in result.output
    text = " ".join(result.output.split())
    for code in ("0 done", "2 usage error", "3 an input file", "4 the rules", "70 internal",
                 "75 another run", "130 interrupted", "143 terminated"):  # fmt: skip
        assert code in text, code


def test_readme_commands_exist():
    used = set(re.findall(r"^\s*talentcli ([a-z]+(?: check)?)", README, flags=re.M))
    assert used, "the README shows no talentcli command"
    assert used <= set(COMMANDS) | {"rules"}, used - set(COMMANDS)
    assert "make run" in README and "make test" in README


def test_readme_lists_the_exit_codes():
    for code in ("0", "1", "2", "3", "4", "75", "130"):
        assert re.search(rf"^\| {code} \|", README, flags=re.M), code


def test_version_and_unknown_option():
    runner = CliRunner()
    assert runner.invoke(app, ["--version"]).output.startswith("talentcli ")
    assert runner.invoke(app, ["import", "--nope"]).exit_code == 2
