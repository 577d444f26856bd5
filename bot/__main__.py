"""``python -m bot`` runs the same command line as ``disposisi``."""

from bot.cli import main

main()
