"""python -m talentcli."""

from talentcli.launch import main

main()
