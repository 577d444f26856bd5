"""What every speed benchmark prints first: the machine, its load, the versions, the time.

Imported by the benchmarks (``benchmarks/engine.py``, ``engine_pg.py``, ``bot.py``, ``rss.py``);
``python benchmarks/machine.py`` prints the same line on its own.
"""

import os
import platform
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime

__all__ = ["load", "machine", "postgres_version", "stamp"]


def load() -> str:
    """The 1, 5 and 15 minute load averages (``/proc/loadavg``)."""
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def postgres_version() -> str:
    """The version of the PostgreSQL server binaries ``tests/pg_server.py`` would start."""
    try:
        from tests.pg_server import find_bindir

        bindir = find_bindir()
        if bindir is None:
            return "absent"
        out = subprocess.run([str(bindir / "postgres"), "--version"], capture_output=True, text=True)
        return out.stdout.split()[2]  # postgres (PostgreSQL) 15.18 (Debian …)
    except Exception as exc:  # a benchmark still runs on SQLite without it
        return f"? ({exc})"


def machine(*, pg: bool = False) -> str:
    """One line: cores, CPU, Python, SQLite, PostgreSQL (``pg``), SQLAlchemy."""
    import sqlalchemy

    parts = [
        f"nproc {os.cpu_count()}",
        _cpu(),
        f"Linux {platform.release()}",
        f"Python {sys.version.split()[0]}",
        f"SQLite {sqlite3.sqlite_version}",
        f"SQLAlchemy {sqlalchemy.__version__}",
    ]
    if pg:
        parts.append(f"PostgreSQL {postgres_version()}")
    return ", ".join(parts)


def stamp() -> str:
    """The time (UTC, to the minute) and the load, as a run's table row names them."""
    return f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load {load()}"


if __name__ == "__main__":
    print(machine(pg=True))
    print(stamp())
