"""`python -m socialaudit`: the same as the `socialaudit` command."""

from socialaudit.cli import main

main()
