"""The roster, read once per process and again only when its change stamp moves.

A press reads the roster several times (the case's loader, the handler, the notices); the roster
changes a few times a month. So each process keeps the ``Directory`` it last read with the stamp it
read it under (``workflow.db.rosterstamp``), one per database (engine). A transaction reads the
stamp (one ``SELECT version``), and the officials and stand-in orders only when the stamp is not
the one kept. Every roster write moves the stamp in its own transaction, so a ``disposisi roster
import`` in another process takes effect at the next press.

The stamp is read before the roster: whatever the roster read then shows is at least as new as the
stamp, so the pair kept is never older than its stamp says (at worst newer, and read again once).
"""

from typing import NamedTuple
from weakref import WeakKeyDictionary

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from workflow.db import reference, rosterstamp
from workflow.directory import Directory

__all__ = ["RosterCache", "cached_directory"]


class _Kept(NamedTuple):
    version: int
    directory: Directory


class RosterCache:
    """The roster of one database, kept under the stamp it was read with."""

    def __init__(self) -> None:
        self._kept: _Kept | None = None  # replaced whole: threads read it without a lock

    def directory(self, session: Session) -> Directory:
        """The roster as ``session``'s transaction sees it: the one kept when the stamp has not
        moved, read again (and kept) when it has; read and not kept when this transaction changed
        the roster itself or the database has no stamp."""
        version = rosterstamp.version(session)
        kept = self._kept
        if version is not None and kept is not None and kept.version == version:
            return kept.directory
        directory = reference.load_directory(session)
        if version is not None:
            self._kept = _Kept(version, directory)
        return directory


_CACHES: WeakKeyDictionary[Engine, RosterCache] = WeakKeyDictionary()


def cached_directory(session: Session) -> Directory:
    """The roster through the cache of the database ``session`` is bound to (``RosterCache``)."""
    engine = session.get_bind()
    engine = getattr(engine, "engine", engine)  # a session bound to a connection: its engine
    cache = _CACHES.get(engine)
    if cache is None:
        cache = _CACHES.setdefault(engine, RosterCache())
    return cache.directory(session)
