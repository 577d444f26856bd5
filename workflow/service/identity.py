"""Who a Telegram account is: invitations, linking and unlinking, strangers, language."""

import hashlib
import secrets
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from workflow.db import repository as repo
from workflow.db.models import InviteRow, OfficialRow, StrangerRow
from workflow.errors import DomainError, InvalidInput, UnknownOfficial
from workflow.roster import Official
from workflow.service.uow import run_in_transaction

__all__ = ["IdentityService"]

#: A stranger's repeated attempts are audited at most once per this interval.
STRANGER_AUDIT_INTERVAL = timedelta(hours=1)
#: The languages when the caller names none; the bot passes those it has a catalog for.
LANGUAGES = ("id", "en")


def _code_sha256(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


class IdentityService:
    """Links roster entries to Telegram accounts; identity is always the Telegram user id."""

    def __init__(
        self, sessions: sessionmaker[Session], clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ):
        self._sessions = sessions
        self._clock = clock

    def invite(self, key: str, actor: str, ttl: timedelta) -> str:
        """A new single-use code for ``key``, valid for ``ttl``; only its hash is stored."""
        code = secrets.token_urlsafe(24)  # 32 characters, within Telegram's 64 for /start payloads
        now = self._clock()

        def work(session: Session) -> str:
            official = session.get(OfficialRow, key)
            if official is None or not official.active:
                raise UnknownOfficial(f"{key!r} is not an active official on the roster")
            session.add(
                InviteRow(
                    official_key=key,
                    code_sha256=_code_sha256(code),
                    created_by=actor,
                    created_at=now,
                    expires_at=now + ttl,
                )
            )
            repo.add_audit(
                session,
                at=now,
                actor=actor,
                action="invite",
                result="ok",
                detail={"official": key, "expires_at": (now + ttl).isoformat()},
            )
            return code

        return self._audited(work, "invite", actor, {"official": key})

    def redeem(self, code: str, telegram_id: int) -> Official:
        """Link ``telegram_id`` to the invitation's official.

        Raises:
            InvalidInput: the code is unknown, used or expired, or the account is linked to someone else.
        """
        now = self._clock()

        def work(session: Session) -> Official:
            invite = session.scalar(select(InviteRow).where(InviteRow.code_sha256 == _code_sha256(code)))
            if invite is None or invite.used_at is not None or invite.expires_at <= now:
                raise InvalidInput(
                    "this invitation is unknown, already used or expired; ask the admin for a new one",
                    code="invite_invalid",
                )
            holder = session.scalar(select(OfficialRow).where(OfficialRow.telegram_id == telegram_id))
            if holder is not None and holder.key != invite.official_key:
                raise InvalidInput(
                    "this Telegram account is already linked to another official", code="already_linked"
                )
            official = session.get(OfficialRow, invite.official_key)
            if not official.active:
                raise InvalidInput(
                    "the official of this invitation is no longer active", code="invite_official_inactive"
                )
            invite.used_at, invite.used_by = now, telegram_id
            official.telegram_id, official.unreachable_at, official.updated_at = telegram_id, None, now
            repo.add_audit(
                session,
                at=now,
                actor=official.key,
                action="link",
                result="ok",
                detail={"telegram_id": telegram_id},
            )
            return _official(official)

        return self._audited(work, "link", f"telegram:{telegram_id}", {"telegram_id": telegram_id})

    def unlink(self, key: str, actor: str) -> None:
        """Forget an official's Telegram account (a lost phone); open invitations are voided too."""
        now = self._clock()

        def work(session: Session) -> None:
            official = session.get(OfficialRow, key)
            if official is None:
                raise UnknownOfficial(f"{key!r} is not on the roster")
            old = official.telegram_id
            official.telegram_id, official.updated_at = None, now
            session.execute(
                update(InviteRow)
                .where(InviteRow.official_key == key, InviteRow.used_at.is_(None))
                .values(expires_at=now)
            )
            repo.add_audit(
                session,
                at=now,
                actor=actor,
                action="unlink",
                result="ok",
                detail={"official": key, "telegram_id": old},
            )

        self._audited(work, "unlink", actor, {"official": key})

    def who(self, telegram_id: int) -> Official | None:
        """The active official linked to this account, if any."""

        def work(session: Session) -> Official | None:
            row = session.scalar(
                select(OfficialRow).where(
                    OfficialRow.telegram_id == telegram_id, OfficialRow.active.is_(True)
                )
            )
            return _official(row) if row is not None else None

        return run_in_transaction(self._sessions, work)

    def language(self, key: str) -> str:
        """The official's language: ``id`` unless they chose ``en``."""
        return run_in_transaction(self._sessions, lambda s: s.get(OfficialRow, key).language)

    def set_language(self, key: str, language: str, offered: Sequence[str] = LANGUAGES) -> None:
        """Choose the language of the bot's messages, one of ``offered`` (``id``, ``en`` …)."""
        if language not in offered:
            raise InvalidInput(
                f"unknown language {language!r}; choose one of: {', '.join(offered)}", code="unknown_language"
            )
        now = self._clock()

        def work(session: Session) -> None:
            official = session.get(OfficialRow, key)
            official.language, official.updated_at = language, now
            repo.add_audit(
                session, at=now, actor=key, action="language", result="ok", detail={"language": language}
            )

        run_in_transaction(self._sessions, work)

    def stranger(self, telegram_id: int) -> None:
        """Record an attempt by an account not on the roster; audit it at most hourly."""
        now = self._clock()

        def work(session: Session) -> None:
            row = session.get(StrangerRow, telegram_id)
            if row is None:
                row = StrangerRow(telegram_id=telegram_id, first_seen=now, last_seen=now, attempts=0)
                session.add(row)
            row.attempts, row.last_seen = row.attempts + 1, now
            if row.last_audited_at is None or now - row.last_audited_at >= STRANGER_AUDIT_INTERVAL:
                row.last_audited_at = now
                repo.add_audit(
                    session,
                    at=now,
                    actor=f"telegram:{telegram_id}",
                    action="stranger",
                    result="refused",
                    reason_code="not_on_roster",
                    message="a Telegram account not on the roster wrote to the bot",
                    detail={"telegram_id": telegram_id, "attempts": row.attempts},
                )

        run_in_transaction(self._sessions, work)

    def _audited(self, work, action: str, actor: str, detail: dict):
        try:
            return run_in_transaction(self._sessions, work)
        except DomainError as refusal:
            code, message = refusal.code, str(refusal)

            def audit(session: Session) -> None:
                repo.add_audit(
                    session,
                    at=self._clock(),
                    actor=actor,
                    action=action,
                    result="refused",
                    reason_code=code,
                    message=message,
                    detail=detail,
                )

            run_in_transaction(self._sessions, audit)
            raise


def _official(row: OfficialRow) -> Official:
    return Official(
        key=row.key,
        name=row.name,
        role=row.role,
        nip=row.nip,
        reports_to=row.reports_to,
        telegram_id=row.telegram_id,
        receives_digest=row.receives_digest,
        active=row.active,
    )
