"""Shared fixtures: SOPs, the test roster, a migrated SQLite file, services with a fake clock."""

import shutil
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from tests.pg_server import postgres_server, postgres_url  # noqa: F401  (fixtures)
from workflow.case import Letter
from workflow.db.migrate import upgrade
from workflow.db.models import OfficialRow
from workflow.db.session import make_engine, make_session_factory
from workflow.keys import SigningKeys, generate_key
from workflow.roster import load_roster
from workflow.service.cases import CaseService
from workflow.service.roster import RosterService
from workflow.signingpin import hash_pin
from workflow.sopfile import load_sops

HERE = Path(__file__).parent
WIB = ZoneInfo("Asia/Jakarta")
SCAN = "a" * 64
TEST_AUDIT_KEY = b"test-audit-key-not-a-secret-0123"
#: Every official of the test roster signs with this PIN (set straight into the rows: hashing it
#: costs 50 ms, so it is hashed once per run).
PIN = "246810"
_PIN_HASH = hash_pin(PIN)
#: The office's signing key in the tests, in a file as an office keeps it (the bot loads it from there).
SIGNING_KEY_FILE = Path(tempfile.mkdtemp(prefix="disposisi-test-keys-")) / "signing.pem"
generate_key(SIGNING_KEY_FILE)
SEAL = SigningKeys.load(SIGNING_KEY_FILE)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@pytest.fixture(scope="session")
def sops():
    return {**load_sops(), **load_sops(HERE / "sops")}


@pytest.fixture(scope="session")
def roster(sops):
    roles = {r.key for s in sops.values() for r in s.roles}
    return load_roster(HERE / "data" / "roster.toml", roles, WIB)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def db_url(tmp_path, migrated_template) -> str:
    path = tmp_path / "test.db"
    shutil.copyfile(migrated_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def clock():
    return Clock(datetime(2026, 11, 24, 2, 0, tzinfo=UTC))  # 09:00 WIB, a Tuesday


def build_services(url, sops, roster, clock, migrate=False):
    engine = make_engine(url)
    if migrate:
        upgrade(engine)
    sessions = make_session_factory(engine, TEST_AUDIT_KEY)
    RosterService(sessions, clock).import_roster(roster, "cli:test")
    give_pins(sessions)
    return CaseService(sessions, sops, tz=WIB, default_sop="ldk", clock=clock, seal=SEAL), sessions, engine


def reimport(sessions, roster, actor: str = "cli:admin", clock=None):
    """Import ``roster`` as an admin who saw the plan and confirmed its deactivations (``--yes``)."""
    service = RosterService(sessions, clock) if clock is not None else RosterService(sessions)
    return service.import_roster(roster, actor, approved=service.plan(roster))


def give_pins(sessions, pin_hash: str = _PIN_HASH) -> None:
    """Every official signs with ``PIN``, as if each had chosen it with the admin's one-time code."""
    with sessions.begin() as session:
        session.execute(update(OfficialRow).values(pin_hash=pin_hash))


@pytest.fixture
def services(db_url, sops, roster, clock):
    cases, sessions, engine = build_services(db_url, sops, roster, clock)
    yield cases, sessions
    engine.dispose()


@pytest.fixture
def cases(services):
    return services[0]


def letter(number="470/123/DUKCAPIL", institution="BPJS Kesehatan", scan=SCAN, **kw) -> Letter:
    return Letter(
        number=number,
        date=date(2026, 11, 20),
        institution=institution,
        purpose="Verifikasi data peserta",
        scan_sha256=scan,
        **kw,
    )
