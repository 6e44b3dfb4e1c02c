"""python -m talentcli."""

from talentcli.cli import main

main()
