"""``python -m staffing``: the ``staffing`` command."""

from staffing.cli import main

main()
