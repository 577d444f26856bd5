"""Statements per press: the transactions and SQL statements each kind of input sends to the
database, as the real bot performs it, printed per window and database (issue 15's statement
budget, which ``tests/bot/test_statement_budget.py`` enforces on the first window).

Run by hand from the repository root (the project installed with its dev extra):

    python benchmarks/statements.py [--no-pg] [--worst KIND]

The walk and its three windows (the input itself; to the next official's message; until idle)
are described in ``tests/bot/walk.py``.
"""

import argparse
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.bot.test_statement_budget import BUDGET
from tests.bot.walk import INPUTS, KINDS, QUIET, Measured, walk
from tests.pg_server import PostgresServer, find_bindir
from tests.statements import Counts

#: The issue's budget for every kind: one transaction, at most 12 sent.
BUDGET_TRANSACTIONS, BUDGET_SENT = 1, 12


def run_on(url: str, label: str) -> dict[str, Measured]:
    results = walk(url)
    print(f"{label}: {len(results)} kinds measured", file=sys.stderr)
    return results


def cell(c: Counts) -> str:
    """``tx / sent (+over, +over)``: the figures and how far each is over the budget."""
    return f"{c.transactions} / {c.sent} (+{c.transactions - BUDGET_TRANSACTIONS}, +{c.sent - BUDGET_SENT})"


def table(results: dict[str, dict[str, Measured]], window: str) -> str:
    labels = list(results)
    lines = [
        "| kind | " + " | ".join(f"{db}: tx / sent (over the budget)" for db in labels) + " |",
        "| --- |" + " ---: |" * len(labels),
    ]
    for kind in KINDS:
        lines.append(
            f"| {kind} | " + " | ".join(cell(getattr(results[db][kind], window)) for db in labels) + " |"
        )
    return "\n".join(lines)


def detail(results: dict[str, dict[str, Measured]], window: str = "to_message") -> str:
    labels = list(results)
    lines = [
        "| kind | " + " | ".join(f"{db}: tx, stmts, commits, rollbacks, pings" for db in labels) + " |",
        "| --- |" + " --- |" * len(labels),
    ]
    for kind in KINDS:
        parts = []
        for db in labels:
            c = getattr(results[db][kind], window)
            parts.append(f"{c.transactions}, {c.statements}, {c.commits}, {c.rollbacks}, {c.pings}")
        lines.append(f"| {kind} | " + " | ".join(parts) + " |")
    return "\n".join(lines)


def by_table(results: dict[str, dict[str, Measured]], kind: str) -> str:
    labels = list(results)
    counted = {db: results[db][kind].to_message.by_table() for db in labels}
    names = sorted(set().union(*counted.values()), key=lambda n: (-counted[labels[0]].get(n, 0), n))
    lines = ["| statement | " + " | ".join(labels) + " |", "| --- |" + " ---: |" * len(labels)]
    lines += [f"| `{n}` | " + " | ".join(str(counted[db].get(n, 0)) for db in labels) + " |" for n in names]
    return "\n".join(lines)


def transactions(results: dict[str, dict[str, Measured]], kind: str) -> str:
    lines = []
    for db, measured in results.items():
        lines.append(f"{db}:")
        for n, statements in enumerate(measured[kind].to_message.in_transactions(), 1):
            lines.append(f"  {n:2}. " + ", ".join(statements))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--worst", choices=KINDS, help="the kind to break down by table (default: the worst)")
    args = parser.parse_args()
    results: dict[str, dict[str, Measured]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite"] = run_on(f"sqlite:///{tmp}/statements.db", "SQLite")
    if not args.no_pg:
        if find_bindir() is None:
            raise SystemExit("no PostgreSQL server binaries: install postgresql, or pass --no-pg")
        with PostgresServer() as pg:
            results["PostgreSQL"] = run_on(pg.create_database(f"bench_{uuid.uuid4().hex[:8]}"), "PostgreSQL")
    worst = args.worst or max(KINDS, key=lambda k: results["SQLite"][k].to_message.sent)
    print("Legend: tx = transactions (BEGIN); sent = statements + BEGIN + COMMIT + ROLLBACK + pings.")
    print(f"Budget: {BUDGET_TRANSACTIONS} transaction and at most {BUDGET_SENT} sent per press.\n")
    for kind in KINDS:
        print(f"- {kind}: {INPUTS[kind]}")
    print("\nThe input itself (the handler's work, delivery held back; the budget test's window):\n")
    print(table(results, "press"))
    print("\nThe budget test's own budget per kind (tests/bot/test_statement_budget.py):\n")
    print("\n".join(f"- {kind}: {tx} tx, {sent} sent" for kind, (tx, sent) in BUDGET.items()))
    print("\nFrom the input to the message that shows it done (to the next official where there is one):\n")
    print(table(results, "to_message"))
    print("\nThe same window in detail:\n")
    print(detail(results))
    print(f"\nFrom the input until the bot is idle ({QUIET} s without a statement):\n")
    print(table(results, "until_idle"))
    print(f"\nThe worst kind, {worst}, by statement and table (to the message):\n")
    print(by_table(results, worst))
    print("\nIts transactions in order (BEGIN not shown):\n")
    print(transactions(results, worst))


if __name__ == "__main__":
    main()
