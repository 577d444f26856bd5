"""The unit of work: one transaction, committed once, retried when SQLite is locked."""

import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["run_in_transaction"]

T = TypeVar("T")


def _locked(exc: OperationalError) -> bool:
    text = str(exc.orig).lower()
    return "database is locked" in text or "database is busy" in text


def run_in_transaction(
    sessions: sessionmaker[Session], work: Callable[[Session], T], *, attempts: int = 5
) -> T:
    """Run ``work(session)`` in one transaction and commit once.

    An exception rolls everything back. SQLite's "database is locked" (a writer
    held the lock past the busy timeout) is retried with backoff: ``work`` must
    be safe to run again, which it is because nothing was committed.
    """
    for attempt in range(1, attempts + 1):
        try:
            with sessions() as session, session.begin():
                return work(session)
        except OperationalError as exc:
            if not _locked(exc) or attempt == attempts:
                raise
            time.sleep(0.05 * 2**attempt)
    raise AssertionError("unreachable")
