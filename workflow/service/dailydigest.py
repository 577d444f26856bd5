"""The daily SLA digest: when it is due, and storing and queueing each day's digest exactly once.

A day's digest is a row (``digests``, unique per office date) inserted with "on conflict do
nothing"; only the call that actually inserted it writes the audit row and one outbox row per
official who receives digests and gets at least one of its sections (an SOP's ``daily_digest.to``
may limit its section to some roles); the row names the sections that official gets. So a bot
that restarts, two replicas on one PostgreSQL, or the CLI and the bot at once store and send each
day's digest once, with the same figures for all.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, time, tzinfo
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from workflow.db import repository as repo
from workflow.db.models import DigestRow, OfficialRow, OutboxRow
from workflow.digest import Digest
from workflow.officehours import calendar_is_open
from workflow.service.uow import run_in_transaction
from workflow.workcalendar import WorkCalendar

__all__ = ["ACTOR", "DailyDigests", "DigestBuilder"]

#: The audited actor of a generated digest, as for the SLA sweep's notices.
ACTOR = "sla"
DIGESTS = DigestRow.__table__
OUTBOX = OutboxRow.__table__


class DigestBuilder(Protocol):
    """Computes a digest's figures (``workflow.service.digest.DigestService``)."""

    def build(self, day: date) -> Digest:
        """The figures of the digest sent on office date ``day``."""
        ...


class DailyDigests:
    """Generates each working day's digest once and queues it to the officials who receive it.

    Args:
        builder: computes the figures.
        calendar: the office calendar; no digest is due while the office is closed.
        tz: the office time zone, in which ``at`` and the office date are read.
        at: the wall-clock time from which the day's digest is due (``DIGEST_TIME``).
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        builder: DigestBuilder,
        calendar: WorkCalendar,
        tz: tzinfo,
        at: time,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._sessions = sessions
        self._builder = builder
        self._calendar = calendar
        self._tz = tz
        self._at = at
        self._clock = clock

    def today(self) -> date:
        """The office date now."""
        return self._clock().astimezone(self._tz).date()

    def build(self, day: date) -> Digest:
        """The live figures of ``day``'s digest, stored nowhere (``/digest``, ``--dry-run``)."""
        return self._builder.build(day)

    def due(self, now: datetime | None = None) -> date | None:
        """The office date whose digest should be generated now, or None.

        It is today's, once the local time reached ``at``, while the office is open (so never on a
        weekend or holiday, and a digest missed while the bot was down is made at the next
        working minute of the same day), and only while no digest of today is stored.
        """
        now = now or self._clock()
        local = now.astimezone(self._tz)
        if local.time() < self._at or not calendar_is_open(self._calendar, now):
            return None
        day = local.date()

        def stored(session: Session) -> bool:  # asked every minute: the row's id, not its figures
            return session.scalar(select(DigestRow.id).where(DigestRow.day == day)) is not None

        return None if run_in_transaction(self._sessions, stored) else day

    def stored(self, day: date) -> Digest | None:
        """The digest stored for ``day``, or None."""

        def work(session: Session) -> dict | None:
            return session.scalar(select(DigestRow.data).where(DigestRow.day == day))

        data = run_in_transaction(self._sessions, work)
        return None if data is None else Digest.from_json(data)

    def recipients(self, day: date) -> list[str]:
        """Who ``day``'s digest was queued to (its outbox rows), by roster key."""

        def work(session: Session) -> list[str]:
            prefix = f"digest:{day.isoformat()}:"
            query = select(OutboxRow.recipient).where(
                OutboxRow.kind == "digest", OutboxRow.dedupe_key.startswith(prefix, autoescape=True)
            )
            return list(session.scalars(query.order_by(OutboxRow.recipient)))

        return run_in_transaction(self._sessions, work)

    def generate(self, day: date, by: str) -> tuple[Digest, bool]:
        """Store ``day``'s digest and queue it, once, to every active official with ``digest`` set
        who gets at least one of its sections.

        Returns:
            The stored digest (the first generator's figures), and whether this call stored it.
        """
        existing = self.stored(day)
        if existing is not None:  # the usual case for every replica but the first: skip the build
            return existing, False
        digest = self._builder.build(day)
        return run_in_transaction(self._sessions, lambda session: self._store(session, digest, by))

    def catch_up(self, by: str = "bot") -> Digest | None:
        """Generate the digest due now, if any; returns it when this call stored it."""
        day = self.due()
        if day is None:
            return None
        digest, created = self.generate(day, by)
        return digest if created else None

    def _store(self, session: Session, digest: Digest, by: str) -> tuple[Digest, bool]:
        """Insert the day's row unless it exists; only when inserted, audit and queue it."""
        row = {"day": digest.day, "generated_at": digest.generated_at, "generated_by": by}
        created = repo.insert_new(session, DIGESTS, {**row, "data": digest.to_json()}, "day")
        if created:
            self._announce(session, digest, by)
        data = session.scalar(select(DigestRow.data).where(DigestRow.day == digest.day))
        return Digest.from_json(data), created

    @staticmethod
    def _announce(session: Session, digest: Digest, by: str) -> None:
        """The audit row (witnessing the chain's head) and one outbox row per recipient, naming the
        SOPs of the sections that recipient gets (an official who gets none gets no digest)."""
        day = digest.day.isoformat()
        officials = session.execute(
            select(OfficialRow.key, OfficialRow.role)
            .where(OfficialRow.receives_digest.is_(True), OfficialRow.active.is_(True))
            .order_by(OfficialRow.key)
        ).all()
        sections = {key: digest.for_role(role) for key, role in officials}
        recipients = [key for key, _ in officials if sections[key]]
        repo.add_audit(
            session,
            at=digest.generated_at,
            actor=ACTOR,
            action="digest",
            result="ok",
            detail={
                "day": day,
                "audit_seq": digest.audit_seq,
                "audit_head": digest.audit_head,
                "by": by,
                "recipients": recipients,
            },
        )
        for key in recipients:
            values = {
                "created_at": digest.generated_at,
                "recipient": key,
                "kind": "digest",
                "dedupe_key": f"digest:{day}:{key}",
                "payload": {"day": day, "sops": list(sections[key])},
                "status": "pending",
                "attempts": 0,
            }
            repo.insert_new(session, OUTBOX, values, "dedupe_key")
