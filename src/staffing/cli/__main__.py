"""``python -m staffing.cli``: the ``staffing`` command."""

from staffing.cli import main

main()
