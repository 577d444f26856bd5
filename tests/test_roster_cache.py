"""The roster is read once per process and again only when its change stamp moves: every roster
write moves it in its own transaction, so a roster import by another process is seen at the next
action, and nothing else reads the officials again."""

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import event, select, update

from tests.conftest import TEST_AUDIT_KEY, build_services, letter, reimport
from workflow.db.models import OfficialRow, RosterStampRow
from workflow.db.session import make_engine, make_session_factory
from workflow.service.identity import IdentityService
from workflow.service.roster import RosterService
from workflow.service.rostercache import cached_directory


def digest_for(roster, key: str):
    """``roster`` with official ``key`` given the daily digest (the file's ``digest = true``)."""
    return replace(
        roster,
        officials=tuple(replace(o, receives_digest=True) if o.key == key else o for o in roster.officials),
    )


def renamed(roster, key: str, name: str):
    """``roster`` with official ``key`` called ``name``."""
    return replace(
        roster, officials=tuple(replace(o, name=name) if o.key == key else o for o in roster.officials)
    )


class RosterReads:
    """Counts the statements that read the officials or the stand-in orders, on one engine."""

    def __init__(self, engine) -> None:
        self.statements: list[str] = []
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, *_args) -> None:
        text = " ".join(statement.split()).lower()
        if text.startswith("select") and ("from officials" in text or "from stand_ins" in text):
            self.statements.append(text)

    def take(self) -> int:
        count, self.statements = len(self.statements), []
        return count


def stamp(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(RosterStampRow.version))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def office_url(request, db_url):
    return db_url if request.param == "sqlite" else request.getfixturevalue("postgres_url")


@pytest.fixture
def two_processes(office_url, sops, roster, clock):
    """The bot's services and, beside them, another process's (``disposisi roster import``): two
    engines, so two caches, on one database."""
    cases, sessions, engine = build_services(office_url, sops, roster, clock, migrate=True)
    other = make_engine(office_url)
    yield cases, sessions, engine, make_session_factory(other, TEST_AUDIT_KEY)
    other.dispose()
    engine.dispose()


def test_the_roster_is_read_once_while_nothing_changes_and_again_after_a_write(two_processes, roster):
    cases, sessions, engine, _ = two_processes
    number = cases.open_case(letter(), "tu1").number
    cases.view(number)
    reads = RosterReads(engine)

    for _ in range(3):
        cases.view(number)
    unchanged = reads.take()
    reimport(sessions, renamed(roster, "ksd1", "Budi Santoso"))
    reads.take()  # the import reads the officials to compare them with the file
    after_write = cases.view(number).directory
    again = reads.take()
    cases.view(number)

    assert unchanged == 0
    assert again == 2  # the officials and the stand-in orders, once
    assert after_write.name("ksd1") == "Budi Santoso"
    assert reads.take() == 0


def test_a_roster_import_by_another_process_is_seen_at_the_next_action(two_processes, roster):
    cases, sessions, _, elsewhere = two_processes
    number = cases.open_case(letter(), "tu1").number
    before = cases.view(number).directory

    RosterService(elsewhere).import_roster(renamed(roster, "ksd1", "Budi Santoso"), "cli:admin")
    after = cases.view(number).directory

    assert before.name("ksd1") == "Budi Kasubdit"  # the cache held the roster as it was
    assert after.name("ksd1") == "Budi Santoso"
    assert RosterService(sessions).directory().name("ksd1") == "Budi Santoso"


def test_a_write_that_changes_nothing_the_roster_shows_leaves_the_stamp(services):
    _, sessions = services
    before = stamp(sessions)

    with sessions.begin() as session:
        row = session.get(OfficialRow, "dir")
        row.pin_failures, row.language = 3, "en"
    IdentityService(sessions).set_language("ksd1", "en")
    with sessions.begin() as session:
        session.get(OfficialRow, "ksd1").name = "Budi Kasubdit"  # the name it has

    assert stamp(sessions) == before


def test_every_roster_writer_moves_the_stamp(services, roster, clock):
    _, sessions = services
    identity = IdentityService(sessions, clock)
    writes = {
        "import": lambda: reimport(sessions, renamed(roster, "kasi1", "Dewi Lestari")),
        "digest flag": lambda: reimport(
            sessions, digest_for(renamed(roster, "kasi1", "Dewi Lestari"), "kasi2")
        ),
        "link": lambda: identity.redeem(identity.invite("op1", "adm", timedelta(hours=1)), 7001),
        "unlink": lambda: identity.unlink("op1", "adm"),
        "stand-in removed": lambda: reimport(sessions, replace(roster, stand_ins=())),
        "deactivate": lambda: reimport(sessions, replace(roster, officials=roster.officials[:-1])),
        "bulk update": lambda: _bulk(sessions, unreachable_at=clock()),
    }
    moved = {}

    for name, write in writes.items():
        before = stamp(sessions)
        write()
        moved[name] = stamp(sessions) > before

    assert moved == dict.fromkeys(writes, True)


def _bulk(sessions, **values) -> None:
    with sessions.begin() as session:
        session.execute(update(OfficialRow).where(OfficialRow.key == "kasi2").values(**values))


def test_a_transaction_sees_its_own_roster_change_and_keeps_it_from_the_cache(services):
    _, sessions = services
    with sessions() as session:
        cached_directory(session)  # warm

    with sessions() as session:
        session.get(OfficialRow, "ksd1").name = "Not Committed"
        own = cached_directory(session)
        session.rollback()
    with sessions.begin() as session:  # a committed change moves the stamp to where the rollback had it
        session.get(OfficialRow, "kasi1").name = "Dewi Lestari"
    with sessions() as session:
        after = cached_directory(session)

    assert own.name("ksd1") == "Not Committed"
    assert (after.name("ksd1"), after.name("kasi1")) == ("Budi Kasubdit", "Dewi Lestari")


def test_a_roster_write_moves_the_stamp_once_as_its_last_statement(services, roster):
    _, sessions = services
    statements: list[str] = []
    engine = sessions.kw["bind"]
    event.listen(engine, "before_cursor_execute", lambda _c, _cu, text, *_: statements.append(text.lower()))

    reimport(sessions, renamed(roster, "ksd1", "Budi Santoso"))

    bumps = [i for i, text in enumerate(statements) if text.startswith("update roster_stamp")]
    writes = [i for i, text in enumerate(statements) if text.startswith(("update", "insert"))]
    # The last lock the transaction takes, after the audit chain's head and the officials' rows:
    # two writers never wait on each other in a cycle through it (PostgreSQL).
    assert bumps == writes[-1:]
