"""`python -m socialaudit` is the `socialaudit` command."""

from socialaudit.cli import main

main()
