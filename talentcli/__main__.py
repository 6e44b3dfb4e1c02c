"""python -m talentcli."""

from talentcli.entry import main

main()
