"""Pure functions over columns: no I/O, no printing (HOUSE.md). Every domain number and word
comes from the rules."""
