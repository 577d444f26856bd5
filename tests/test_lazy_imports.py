"""The bot starts without the libraries it needs only now and then: fpdf2 (with numpy, Pillow and
fontTools) loads with the first PDF (``bot/pdfsheet.py``), matplotlib with the first chart
(``bot/charts.py``), Alembic only to migrate (``workflow/db/migrate.py``). Together about 50 MiB of
the resident set of an idle bot (``benchmarks/rss.py``, docs/benchmarks.md)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
LAZY = ("fpdf", "numpy", "PIL", "fontTools", "matplotlib", "alembic", "mako")


def loaded_by(statement: str) -> set[str]:
    """Which of ``LAZY`` a fresh interpreter has loaded after ``statement``."""
    probe = f"import sys\n{statement}\nprint(' '.join(m for m in {LAZY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    return set(out.stdout.split())


def test_starting_the_bot_loads_no_pdf_chart_or_migration_library():
    loaded = loaded_by("import bot.cli, bot.app, bot.handlers.documents, bot.handlers.digest")

    assert loaded == set()


def test_the_probe_sees_a_library_that_a_module_loads():
    loaded = loaded_by("import bot.pdfsheet, bot.charts, alembic.command")

    assert {"fpdf", "numpy", "matplotlib", "alembic"} <= loaded
