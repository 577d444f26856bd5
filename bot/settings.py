"""Settings from the environment or a ``.env`` file (see ``.env.example``)."""

import re
from datetime import time, timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from workflow.sla import MIN_REMINDER_INTERVAL, SlaPolicy

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Every setting has a safe default; the audit key has none and must be given to change data."""

    # hide_input_in_errors: a rejected AUDIT_KEY or AUDIT_PREVIOUS_KEYS never reaches a traceback or a log.
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", hide_input_in_errors=True
    )

    database_url: str = Field(
        default="sqlite:///data/disposisi.db",
        description="SQLAlchemy URL; SQLite file under ./data/ by default, or postgresql+psycopg://…",
    )
    sop_path: Path | None = Field(
        default=None, description="An SOP file or a folder of them; default shipped"
    )
    default_sop: str = Field(
        default="",
        pattern=r"^([a-z][a-z0-9_-]*)?$",
        description="The SOP id a letter registered without naming one goes to (the CLI's case new); "
        "empty: the only SOP open for new cases, and with several the SOP must be named",
    )
    timezone: str = Field(default="Asia/Jakarta", description="The office time zone; times are shown in it")
    office_calendar: str = Field(
        default="", description="Working-time calendar TOML, or '24/7'; empty: the shipped id-office.toml"
    )
    digest_time: time = Field(
        default=time(7, 30),
        description="HH:MM in the office time zone: the daily SLA digest goes out then on working days",
    )
    sla_reminder_interval_minutes: int = Field(
        default=0,
        ge=0,
        le=7 * 24 * 60,
        description="Working minutes between reminders; 0: the step's SOP time",
    )
    sla_reminder_cap: int = Field(default=3, ge=0, le=50, description="Reminders one step gets at most")
    sla_escalation_multiples: Annotated[tuple[float, ...] | None, NoDecode] = Field(
        default=None,
        description="Comma-separated multiples of the SOP time at which each escalation level falls due, "
        "increasing and above 1 (e.g. 2,3,4); empty: 2, 3, 4, ... up the whole chain",
    )
    case_prefix: str = Field(default="LDK", pattern=r"^[A-Za-z]{1,10}$", description="Case number prefix")
    log_level: str = Field(default="INFO", pattern=r"^(DEBUG|INFO|WARNING|ERROR)$")
    log_format: str = Field(
        default="text",
        pattern=r"^(text|json)$",
        description="text: one readable line per record; json: one JSON object per line (journald, shippers)",
    )
    audit_key: SecretStr | None = Field(
        default=None,
        description="Secret key of the audit chain's HMAC (32+ characters), kept outside the database",
    )
    audit_previous_keys: Annotated[tuple[SecretStr, ...], NoDecode] = Field(
        default=(),
        description="Comma-separated audit keys rotated out (32+ characters each); they only verify "
        "the rows they made, never sign",
    )

    signing_key_file: Path | None = Field(
        default=None,
        description="The Ed25519 private key (PEM) that signs what a signer approves, kept outside the "
        "database; `disposisi keys new --out FILE` makes one",
    )
    signing_previous_keys: Annotated[tuple[Path, ...], NoDecode] = Field(
        default=(),
        description="Comma-separated key files (public .pub or private) of signing keys rotated out; "
        "they only verify the signatures they made",
    )

    telegram_bot_token: SecretStr | None = Field(default=None, description="From @BotFather; never logged")
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org",
        description="Bot API server: {base}/bot{token}/METHOD, files from {base}/file/bot{token}/PATH",
    )
    telegram_bot_username: str = Field(
        default="", pattern=r"^[A-Za-z0-9_]{0,32}$", description="The bot's @username, for invitation links"
    )
    invite_ttl_hours: int = Field(
        default=72, ge=1, le=24 * 30, description="How long an invitation link is valid"
    )
    outbox_lease_seconds: int = Field(
        default=60,
        ge=2,
        le=3600,
        description="How long a bot process holds a chat's queue of outgoing messages; when a process dies "
        "holding one, the next (or the restarted bot) sends what it left after this long",
    )
    poll_timeout_seconds: int = Field(
        default=30,
        ge=1,
        le=50,
        description="Long polling: how long each getUpdates waits for an update before it returns empty",
    )
    telegram_send_rate: int = Field(
        default=25,
        ge=1,
        le=30,
        description="Messages per second this replica sends; with several replicas, divide Telegram's "
        "30 msg/s among them (e.g. 15 each for two) so that together they stay under it",
    )
    allow_scan_uploads: bool = Field(
        default=True,
        description="Whether officials may send the permit scan through Telegram (it passes through "
        "Telegram's servers); off: the scan is registered with the CLI and only its hash reaches the bot",
    )

    webhook_url: str = Field(
        default="", description="Public HTTPS URL Telegram posts updates to; empty: polling"
    )
    webhook_secret: SecretStr | None = Field(
        default=None, description="Checked against X-Telegram-Bot-Api-Secret-Token (1-256 of A-Z a-z 0-9 _ -)"
    )
    webhook_listen: str = Field(default="127.0.0.1", description="Address the webhook and /healthz listen on")
    webhook_port: int = Field(default=8443, ge=1, le=65535, description="Port of the webhook endpoint")
    health_port: int = Field(
        default=8080, ge=0, le=65535, description="Port of GET /healthz in polling mode; 0: off"
    )

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("telegram_bot_token", "audit_key", "webhook_secret", mode="before")
    @classmethod
    def _empty_secret_is_unset(cls, value):
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("audit_key")
    @classmethod
    def _long_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 32:
            raise ValueError("AUDIT_KEY must be at least 32 characters (e.g. `openssl rand -hex 32`)")
        return value

    @field_validator("audit_previous_keys", "signing_previous_keys", mode="before")
    @classmethod
    def _comma_separated(cls, value):
        if not isinstance(value, str):
            return value
        return tuple(part.strip() for part in value.split(",") if part.strip())

    @field_validator("audit_previous_keys")
    @classmethod
    def _long_previous_keys(cls, value: tuple[SecretStr, ...]) -> tuple[SecretStr, ...]:
        for n, key in enumerate(value, 1):  # the message counts keys; it never shows one
            if len(key.get_secret_value()) < 32:
                raise ValueError(
                    f"AUDIT_PREVIOUS_KEYS must be comma-separated keys of at least 32 characters each; "
                    f"key {n} of {len(value)} is shorter"
                )
        return value

    @field_validator("sop_path", "signing_key_file", mode="before")
    @classmethod
    def _empty_path_is_unset(cls, value):
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("digest_time", mode="before")
    @classmethod
    def _hh_mm(cls, value):
        if not isinstance(value, str):
            return value
        if not value.strip():
            return time(7, 30)
        match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value.strip())
        if match is None:
            raise ValueError(f"DIGEST_TIME must be HH:MM in the office time zone, e.g. 07:30; not {value!r}")
        return time(int(match[1]), int(match[2]))

    @field_validator("sla_reminder_interval_minutes")
    @classmethod
    def _at_least_five(cls, value: int) -> int:
        if 0 < value < MIN_REMINDER_INTERVAL.total_seconds() / 60:
            raise ValueError(
                f"SLA_REMINDER_INTERVAL_MINUTES must be 0 (the SOP time) or at least 5, not {value}"
            )
        return value

    @field_validator("sla_escalation_multiples", mode="before")
    @classmethod
    def _multiples(cls, value):
        if not isinstance(value, str):
            return value
        if not value.strip():
            return None
        try:
            multiples = tuple(float(part) for part in value.split(","))
            SlaPolicy(escalation_multiples=multiples)  # the same checks as the sweep's
        except ValueError as exc:
            raise ValueError(
                f"SLA_ESCALATION_MULTIPLES must be increasing numbers above 1 separated by commas, "
                f"e.g. 2,3,4; not {value!r}"
            ) from exc
        return multiples

    @property
    def sla_policy(self) -> SlaPolicy:
        """How often reminders repeat and when escalation climbs."""
        minutes = self.sla_reminder_interval_minutes
        return SlaPolicy(
            reminder_interval=timedelta(minutes=minutes) if minutes else None,
            reminder_cap=self.sla_reminder_cap,
            escalation_multiples=self.sla_escalation_multiples,
        )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Asia/Jakarta)") from None
        return value

    @property
    def tz(self) -> ZoneInfo:
        """The office time zone."""
        return ZoneInfo(self.timezone)
