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


# a type name as typer shows it (<list[Path]>, <str>, <integer>); a path like unit/<name>.xlsx
# is not one
TYPE_NAME = re.compile(
    r"<(?:\w+\[[^>]*\]|bool|boolean|str|string|text|int|integer|float|path|file|dict|tuple)>", re.I
)


def _every_command(group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command of the app, by its words (sub-commands of groups too)."""
    out = []
    for name, cmd in sorted(group.commands.items()):
        words = (*prefix, name)
        out += _every_command(cmd, words) if hasattr(cmd, "commands") else [words]
    return out


def test_help_of_every_registered_command_has_an_example_and_no_type_names():
    """Not only the commands named above: any command added later too (SPEC §5 terminal)."""
    import typer.main

    commands = _every_command(typer.main.get_command(app))
    assert {" ".join(c) for c in commands} >= set(COMMANDS)
    for words in [(), *commands]:
        result = CliRunner().invoke(app, [*words, "--help"], env={"COLUMNS": "100"})
        assert result.exit_code == 0, words
        assert "Example" in result.output, words
        assert not TYPE_NAME.search(result.output), words


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


def test_readme_pictures_exist_and_stay_small():
    """The README's pictures of the reports (docs/img/) are in the repository, under 300 KB."""
    root = Path(__file__).resolve().parent.parent
    pictures = re.findall(r"!\[[^\]]*\]\((docs/img/[^)]+\.png)\)", README)
    assert len(pictures) >= 3
    for rel in pictures:
        path = root / rel
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", rel
        assert path.stat().st_size < 300_000, rel
