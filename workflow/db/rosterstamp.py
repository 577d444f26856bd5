"""The roster's change stamp: every write to the roster moves it, in the write's own transaction.

``install`` makes every session of a factory bump ``roster_stamp.version`` whenever it writes what
the roster is read from (``reference.OFFICIAL_FIELDS`` of an official, any stand-in order): a row
added, deleted or changed by the unit of work, or a bulk ``insert``/``update``/``delete`` on those
tables. The writers need not remember it, so a new one cannot forget it. A change to an official
that the roster does not show (the PIN, the language) leaves the stamp alone.

The bump itself waits for the commit: the stamp's row is then the last lock the transaction takes
(after the audit chain's head, after the officials' rows), so on PostgreSQL two writers can never
wait on each other in a cycle through it; readers never wait for it.

``version`` is what a cache compares: the stamp as this transaction sees it, read once per
transaction, or None when this transaction wrote the roster itself (what it sees is not committed,
so it must not be cached) or the database has no stamp row.
"""

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from workflow.db.models import OfficialRow, RosterStampRow, StandInRow
from workflow.db.reference import OFFICIAL_FIELDS

__all__ = ["STAMP_NOW", "install", "seen", "version"]

STAMP = RosterStampRow.__table__
#: The stamp as a column of another statement (see ``seen``).
STAMP_NOW = select(STAMP.c.version).where(STAMP.c.id == 1).scalar_subquery()
_BUMP = update(STAMP).where(STAMP.c.id == 1).values(version=STAMP.c.version + 1)
_TABLES = frozenset({OfficialRow.__tablename__, StandInRow.__tablename__})
_SEEN = "roster_stamp_seen"  # session.info: the stamp this transaction read
_WROTE = "roster_stamp_wrote"  # session.info: this transaction wrote the roster
#: The attributes of ``OfficialRow`` over those columns (the column ``digest`` is ``receives_digest``).
_OFFICIAL_ATTRIBUTES = tuple(
    inspect(OfficialRow).get_property_by_column(OfficialRow.__table__.c[name]).key for name in OFFICIAL_FIELDS
)


def install(sessions: sessionmaker[Session]) -> None:
    """Bump the stamp with every roster write of every session ``sessions`` makes."""
    event.listen(sessions, "before_flush", _on_flush)
    event.listen(sessions, "do_orm_execute", _on_execute)
    event.listen(sessions, "before_commit", _on_commit)
    event.listen(sessions, "after_transaction_end", _on_end)


def version(session: Session) -> int | None:
    """The roster's stamp as this transaction sees it (read once per transaction); None when this
    transaction changed the roster itself, or the database has no stamp."""
    if session.info.get(_WROTE):
        return None
    if _SEEN not in session.info:
        # The ORM select flushes pending changes first: a roster change not yet written is seen
        # (and marks the transaction as a writer) before the stamp is read.
        seen = session.scalar(select(RosterStampRow.version).where(RosterStampRow.id == 1))
        if session.info.get(_WROTE):
            return None
        session.info[_SEEN] = seen
    return session.info[_SEEN]


def seen(session: Session, stamp: int | None) -> None:
    """The stamp, read by another statement of this transaction (``STAMP_NOW`` as one of its
    columns): ``version`` then needs no statement of its own."""
    if not session.info.get(_WROTE) and _SEEN not in session.info:
        session.info[_SEEN] = stamp


def _wrote(session: Session) -> None:
    session.info[_WROTE] = True
    session.info.pop(_SEEN, None)


def _on_commit(session: Session) -> None:
    session.flush()  # the commit flushes after this event: what it would write must be seen first
    if session.info.get(_WROTE):
        session.connection().execute(_BUMP)


def _on_flush(session: Session, _context, _instances) -> None:
    if any(isinstance(o, OfficialRow | StandInRow) for o in (*session.new, *session.deleted)) or any(
        _changed(session, o) for o in session.dirty
    ):
        _wrote(session)


def _changed(session: Session, row: object) -> bool:
    if isinstance(row, StandInRow):
        return session.is_modified(row)
    if isinstance(row, OfficialRow):
        attrs = inspect(row).attrs
        return any(attrs[name].history.has_changes() for name in _OFFICIAL_ATTRIBUTES)
    return False


def _on_execute(state: ORMExecuteState) -> None:
    statement = state.statement
    if statement.is_dml and getattr(statement.table, "name", None) in _TABLES:
        _wrote(state.session)  # a bulk write: which columns it sets is not looked at


def _on_end(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction: what it saw and wrote is over
        session.info.pop(_SEEN, None)
        session.info.pop(_WROTE, None)
