"""SQLAlchemy models. Times are UTC (``UTCDateTime``); enums are stored as their values."""

import enum
from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    Enum,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from workflow.db.types import UTCDateTime
from workflow.states import CaseState, StepOutcome

__all__ = [
    "AuditHeadRow",
    "AuditRow",
    "Base",
    "ButtonMessageRow",
    "CaseRow",
    "DigestRow",
    "InviteRow",
    "OfficialRow",
    "OutboxRow",
    "PendingInputRow",
    "ProcessedUpdateRow",
    "RosterStampRow",
    "SopVersionRow",
    "StandInRow",
    "StepRow",
    "StrangerRow",
]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda e: [m.value for m in e],
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict] = {datetime: UTCDateTime(), dict: JSON()}


class SopVersionRow(Base):
    """The definition of every SOP version a case used, so the case can finish on it."""

    __tablename__ = "sop_versions"
    __table_args__ = (UniqueConstraint("sop_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sop_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    checksum: Mapped[str] = mapped_column("digest", String(64))  # Sop.checksum(); the column keeps its name
    definition: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class OfficialRow(Base):
    __tablename__ = "officials"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    nip: Mapped[str | None] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(64))
    reports_to: Mapped[str | None] = mapped_column(String(64))
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    receives_digest: Mapped[bool] = mapped_column("digest", default=False)  # the roster file's digest
    active: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str] = mapped_column(String(2), default="id")  # "id", or "en" by choice
    unreachable_at: Mapped[datetime | None]  # Telegram answered 403: blocked the bot or never started it
    pin_hash: Mapped[str | None] = mapped_column(String(200))  # scrypt; the signing PIN
    pin_failures: Mapped[int] = mapped_column(default=0)
    pin_locked_at: Mapped[datetime | None]  # five wrong PINs lock signing until an admin resets the PIN
    pin_set_at: Mapped[datetime | None]
    # A PIN reset (``disposisi roster unlock-pin``): the one-time code the admin hands over outside
    # Telegram (its scrypt hash only), until when it is valid, and who issued it.
    pin_code_hash: Mapped[str | None] = mapped_column(String(200))
    pin_code_expires_at: Mapped[datetime | None]
    pin_code_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class RosterStampRow(Base):
    """The roster's change stamp: one row whose ``version`` every write to the roster (officials,
    stand-ins) moves, in its own transaction, so a process may keep the roster it read until then."""

    __tablename__ = "roster_stamp"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    version: Mapped[int]


class StandInRow(Base):
    """A Surat Perintah: ``official_key`` acts for ``for_key`` (Plh/Plt) between two instants."""

    __tablename__ = "stand_ins"
    __table_args__ = (UniqueConstraint("official_key", "for_key", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    official_key: Mapped[str] = mapped_column(ForeignKey("officials.key"))
    for_key: Mapped[str] = mapped_column(ForeignKey("officials.key"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    sp_number: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[str | None] = mapped_column(String(100))  # who set the order (the roster import)
    created_at: Mapped[datetime | None]


class CaseRow(Base):
    """One permit letter and where it stands; ``version`` guards concurrent actions."""

    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("prefix", "year", "seq"),
        Index("ix_cases_letter", "institution_key", "letter_number_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    year: Mapped[int]
    seq: Mapped[int]
    sop_id: Mapped[str] = mapped_column(String(64))
    sop_version: Mapped[int]
    state: Mapped[CaseState] = mapped_column(_enum(CaseState, "case_state"))
    version: Mapped[int]
    agenda_number: Mapped[str | None] = mapped_column(String(100))
    srikandi_ref: Mapped[str | None] = mapped_column(String(100))
    letter_number: Mapped[str] = mapped_column(String(200))
    letter_number_key: Mapped[str] = mapped_column(String(200))
    letter_date: Mapped[date] = mapped_column(Date)
    institution: Mapped[str] = mapped_column(String(300))
    institution_key: Mapped[str] = mapped_column(String(300))
    purpose: Mapped[str] = mapped_column(Text)
    pks_number: Mapped[str | None] = mapped_column(String(200))
    scan_sha256: Mapped[str | None] = mapped_column(String(64))
    scan_location: Mapped[str | None] = mapped_column(Text)
    scan_file_id: Mapped[str | None] = mapped_column(Text)  # the Telegram file id, to send the scan again
    manifest: Mapped[dict | None]
    accepted_hash: Mapped[str | None] = mapped_column(String(64))
    signature: Mapped[dict | None]
    checklist: Mapped[dict] = mapped_column(default=dict)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    # The Kasi (or their stand-in) confirmed the operator's data access was revoked after closing.
    access_revoked_at: Mapped[datetime | None]
    access_revoked_by: Mapped[str | None] = mapped_column(String(64))


class StepRow(Base):
    """One instance of an SOP step held by one official."""

    __tablename__ = "steps"
    __table_args__ = (Index("ix_steps_open_due", "finished_at", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    step_no: Mapped[int]
    assignee: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime]
    due_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    outcome: Mapped[StepOutcome | None] = mapped_column(_enum(StepOutcome, "step_outcome"))
    actor: Mapped[str | None] = mapped_column(String(64))
    acting_for: Mapped[str | None] = mapped_column(String(64))
    instruction: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict] = mapped_column(default=dict)
    working_seconds: Mapped[int | None]  # working time from start to finish, on the office calendar
    # When the SLA sweep next looks at this open step (its next reminder or escalation); the
    # repository sets it to due_at when the step opens and clears it when the step finishes.
    next_sla_at: Mapped[datetime | None] = mapped_column(index=True)


class AuditRow(Base):
    """Every action and every refused attempt, appended in the action's own transaction."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(index=True, unique=True)  # position in the chain, 1, 2, 3 …
    prev_mac: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))  # HMAC-SHA-256 over prev_mac and the content
    key_id: Mapped[str | None] = mapped_column(String(16))  # the audit key that made it (None: before 0004)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(100))
    acting_for: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    step_id: Mapped[int | None]
    result: Mapped[str] = mapped_column(String(16))  # "ok" or "refused"
    reason_code: Mapped[str | None] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict] = mapped_column(default=dict)


class AuditHeadRow(Base):
    """The chain's head: one row, locked by every append so that writers never fork the chain."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    seq: Mapped[int]
    mac: Mapped[str] = mapped_column(String(64))
    head_mac: Mapped[str | None] = mapped_column(String(64))  # HMAC over seq and mac; None at genesis


class OutboxRow(Base):
    """A message the front end must deliver; written in the transition's transaction."""

    __tablename__ = "outbox"
    # Sent rows pile up; the dispatcher's claim only ever looks at the few pending ones.
    __table_args__ = (
        Index(
            "ix_outbox_pending",
            "recipient",
            "id",
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime]
    recipient: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    step_no: Mapped[int | None]
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    payload: Mapped[dict] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending, sent, failed, skipped
    next_attempt_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(64))  # the replica delivering it now
    claimed_until: Mapped[datetime | None]  # the claim's lease; after it another replica may take over


class ButtonMessageRow(Base):
    """A message the bot left carrying buttons of a case, made for one version of it. Once the case
    has moved past that version the front end takes the buttons off and forgets the row; a message
    whose buttons change, or go, is written again or forgotten. Chat and message ids are plain
    numbers."""

    __tablename__ = "button_messages"
    __table_args__ = (UniqueConstraint("chat_id", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    case_version: Mapped[int]  # the version of the case its buttons were made for
    shown_at: Mapped[datetime]
    # No longer set: an action now records its message in its own transaction (service/buttons.py).
    held_until: Mapped[datetime | None]


class InviteRow(Base):
    """A single-use, expiring code that links one Telegram account to one roster entry."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    official_key: Mapped[str] = mapped_column(ForeignKey("officials.key"), index=True)
    code_sha256: Mapped[str] = mapped_column(String(64), unique=True)  # the code itself is never stored
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by: Mapped[int | None] = mapped_column(BigInteger)


class PendingInputRow(Base):
    """What the bot is waiting for from one Telegram user: a note, a reason, a manifest, a PIN,
    the next answer of the intake conversation. A row, so a restart or another replica loses nothing."""

    __tablename__ = "pending_inputs"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # one pending input per user
    official_key: Mapped[str] = mapped_column(ForeignKey("officials.key"))
    kind: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    step_id: Mapped[int | None]
    case_version: Mapped[int | None]
    data: Mapped[dict] = mapped_column(default=dict)
    prompt_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class ProcessedUpdateRow(Base):
    """A webhook update already taken in: Telegram retries deliveries, we process each once."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    received_at: Mapped[datetime] = mapped_column(index=True)


class StrangerRow(Base):
    """A Telegram account not on the roster that wrote to the bot; audited at most hourly."""

    __tablename__ = "strangers"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    last_audited_at: Mapped[datetime | None]


class DigestRow(Base):
    """One day's SLA digest, generated once (the unique day) whichever replica got there first."""

    __tablename__ = "digests"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)  # the office date the digest is sent on
    generated_at: Mapped[datetime]
    generated_by: Mapped[str] = mapped_column(String(100))
    data: Mapped[dict]  # the figures (workflow.digest.Digest.to_json), so every recipient sees the same
