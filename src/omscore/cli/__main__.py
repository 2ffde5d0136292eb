"""``python -m omscore.cli``: the ``omscore`` command, as the console script runs it."""

from omscore.cli import main

main()
