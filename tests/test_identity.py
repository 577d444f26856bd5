"""Linking Telegram accounts to the roster: invitations, unlinking, strangers."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.driving import audit_rows
from workflow.db.models import OfficialRow
from workflow.errors import InvalidInput, UnknownOfficial
from workflow.service.identity import IdentityService


@pytest.fixture
def identity(services, clock):
    return IdentityService(services[1], clock)


@pytest.fixture
def sessions(services):
    return services[1]


def telegram_id_of(sessions, key):
    with sessions() as s:
        return s.scalar(select(OfficialRow.telegram_id).where(OfficialRow.key == key))


def test_an_invitation_links_the_account_that_redeems_it(identity, sessions):
    code = identity.invite("dir", "adm", timedelta(hours=72))

    official = identity.redeem(code, 7001)

    assert official.key == "dir"
    assert identity.who(7001).key == "dir"
    assert telegram_id_of(sessions, "dir") == 7001
    assert 20 <= len(code) <= 64


def test_an_invitation_is_single_use(identity, sessions):
    code = identity.invite("dir", "adm", timedelta(hours=72))
    identity.redeem(code, 7001)

    with pytest.raises(InvalidInput, match="already used or expired"):
        identity.redeem(code, 7002)

    assert identity.who(7002) is None
    assert [r.result for r in audit_rows(sessions, action="link")] == ["ok", "refused"]


def test_an_expired_invitation_is_refused(identity, clock):
    code = identity.invite("dir", "adm", timedelta(hours=1))
    clock.advance(hours=1)

    with pytest.raises(InvalidInput, match="expired"):
        identity.redeem(code, 7001)


def test_an_unknown_code_is_refused(identity):
    with pytest.raises(InvalidInput):
        identity.redeem("not-a-code", 7001)


def test_an_account_linked_to_one_official_cannot_take_another_entry(identity):
    identity.redeem(identity.invite("dir", "adm", timedelta(hours=1)), 7001)

    with pytest.raises(InvalidInput, match="already linked to another official"):
        identity.redeem(identity.invite("ksd1", "adm", timedelta(hours=1)), 7001)


def test_only_active_officials_are_invited(identity):
    with pytest.raises(UnknownOfficial):
        identity.invite("nobody", "adm", timedelta(hours=1))


def test_unlinking_forgets_the_account_and_voids_open_invitations(identity, sessions):
    identity.redeem(identity.invite("dir", "adm", timedelta(hours=1)), 7001)
    pending = identity.invite("dir", "adm", timedelta(hours=1))

    identity.unlink("dir", "adm")

    assert identity.who(7001) is None
    with pytest.raises(InvalidInput):
        identity.redeem(pending, 7009)
    assert audit_rows(sessions, action="unlink")[0].detail == {"official": "dir", "telegram_id": 7001}


def test_a_strangers_attempts_are_audited_at_most_hourly(identity, sessions, clock):
    for _ in range(5):
        identity.stranger(666)
        clock.advance(minutes=5)
    clock.advance(hours=1)
    identity.stranger(666)

    rows = audit_rows(sessions, action="stranger")

    assert [r.detail["attempts"] for r in rows] == [1, 6]
    assert {r.result for r in rows} == {"refused"}
