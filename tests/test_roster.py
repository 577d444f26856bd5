import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from tests.conftest import WIB, letter
from workflow.db.models import AuditRow, OfficialRow, StandInRow
from workflow.roster import RosterError, load_roster, parse_roster
from workflow.service.roster import RosterService
from workflow.service.rosterplan import HeldStep, UnconfirmedDeactivation

ROSTER = Path(__file__).parent / "data" / "roster.toml"
ROLES = {"direktur", "kasubdit", "kasi", "jfu"}


def data() -> dict:
    return tomllib.loads(ROSTER.read_text())


def refusal(mutate) -> str:
    d = data()
    mutate(d)
    with pytest.raises(RosterError) as info:
        parse_roster(d, "r.toml", ROLES, WIB)
    return str(info.value)


def test_roster_file_loads_with_stand_in_days_in_wib():
    roster = load_roster(ROSTER, ROLES, WIB)

    assert len(roster.officials) == 10
    (plh,) = roster.stand_ins
    assert plh.starts_at == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # 1 Dec 00:00 WIB
    assert plh.ends_at == datetime(2026, 12, 7, 17, 0, tzinfo=UTC)  # the end of 7 Dec WIB


def test_unknown_role_is_refused_with_its_entry_and_field():
    message = refusal(lambda d: d["officials"][0].update(role="camat"))

    assert message.startswith("r.toml: official #1, field 'role': unknown role 'camat'")


def test_reports_to_an_unknown_official_is_refused():
    message = refusal(lambda d: d["officials"][1].update(reports_to="nobody"))

    assert message == "r.toml: official 'ksd1', field 'reports_to': unknown official 'nobody'"


def test_duplicate_key_is_refused():
    message = refusal(lambda d: d["officials"][1].update(key="dir"))

    assert "field 'key': duplicate key" in message


def test_unknown_key_in_an_official_is_refused():
    assert refusal(lambda d: d["officials"][0].update(jabatan="x")) == (
        "r.toml: official #1, field 'jabatan': unknown key"
    )


def test_stand_in_ending_before_it_starts_is_refused():
    def swap(d):
        s = d["stand_ins"][0]
        s["from"], s["until"] = s["until"], s["from"]

    assert "stand-in #1, field 'until': ends before it starts" in refusal(swap)


def test_stand_in_for_an_unknown_official_is_refused():
    assert "stand-in #1, field 'for': unknown official 'x'" in refusal(
        lambda d: d["stand_ins"][0].update({"for": "x"})
    )


def test_tu_and_admin_are_roles_outside_the_sop():
    roster = load_roster(ROSTER, ROLES, WIB)

    assert {o.role for o in roster.officials} >= {"tu", "admin"}


# -- import ---------------------------------------------------------------------------------------


def officials(sessions) -> dict[str, OfficialRow]:
    with sessions() as s:
        return {r.key: r for r in s.scalars(select(OfficialRow))}


def audit_count(sessions) -> int:
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(AuditRow))


def test_importing_the_same_file_again_changes_nothing(services, roster, clock):
    _, sessions = services
    before = audit_count(sessions)

    counts = RosterService(sessions, clock).import_roster(roster, "cli:test")

    assert counts == {}
    assert audit_count(sessions) == before


def test_official_left_out_of_the_file_is_deactivated_not_deleted(services, clock):
    _, sessions = services
    d = data()
    d["officials"] = [o for o in d["officials"] if o["key"] != "op3"]

    service, without_op3 = RosterService(sessions, clock), parse_roster(d, "r", ROLES, WIB)

    counts = service.import_roster(without_op3, "cli:test", approved=service.plan(without_op3))

    assert counts == {"deactivated": 1}
    assert officials(sessions)["op3"].active is False
    with sessions() as s:
        row = s.scalars(select(AuditRow).where(AuditRow.action == "roster_deactivated")).one()
    assert (row.actor, row.detail["official"]) == ("cli:test", "op3")


def test_telegram_link_made_in_the_bot_survives_a_reimport(services, roster, clock):
    _, sessions = services
    with sessions.begin() as s:
        s.execute(update(OfficialRow).where(OfficialRow.key == "dir").values(telegram_id=555))

    RosterService(sessions, clock).import_roster(roster, "cli:test")

    assert officials(sessions)["dir"].telegram_id == 555


def test_changed_fields_are_updated_and_audited_with_old_and_new(services, clock):
    _, sessions = services
    d = data()
    d["officials"][5]["reports_to"] = "kasi2"

    counts = RosterService(sessions, clock).import_roster(parse_roster(d, "r", ROLES, WIB), "adm")

    assert counts == {"updated": 1}
    assert officials(sessions)["op1"].reports_to == "kasi2"
    with sessions() as s:
        row = s.scalars(select(AuditRow).where(AuditRow.action == "roster_updated")).one()
    assert row.detail["changes"] == {"reports_to": ["kasi1", "kasi2"]}


def test_returning_official_is_reactivated(services, roster, clock):
    _, sessions = services
    d = data()
    d["officials"] = [o for o in d["officials"] if o["key"] != "op3"]
    service, without_op3 = RosterService(sessions, clock), parse_roster(d, "r", ROLES, WIB)
    service.import_roster(without_op3, "cli:test", approved=service.plan(without_op3))

    service.import_roster(roster, "cli:test")

    assert officials(sessions)["op3"].active is True


def test_stand_in_removed_from_the_file_is_deactivated(services, clock):
    _, sessions = services
    d = data()
    d["stand_ins"] = []

    counts = RosterService(sessions, clock).import_roster(parse_roster(d, "r", ROLES, WIB), "cli:test")

    assert counts == {"stand_in_removed": 1}
    with sessions() as s:
        assert s.scalars(select(StandInRow.active)).all() == [False]


def test_telegram_id_already_linked_to_someone_else_is_refused(services, clock):
    _, sessions = services
    with sessions.begin() as s:
        s.execute(update(OfficialRow).where(OfficialRow.key == "dir").values(telegram_id=555))
    d = data()
    d["officials"][1]["telegram_id"] = 555

    with pytest.raises(Exception, match="Telegram id 555 is already linked to 'dir'"):
        RosterService(sessions, clock).import_roster(parse_roster(d, "r", ROLES, WIB), "cli:test")

    assert officials(sessions)["ksd1"].telegram_id is None


def without(*keys: str, **changes) -> dict:
    d = data()
    d["officials"] = [{**o, **changes.get(o["key"], {})} for o in d["officials"] if o["key"] not in keys]
    return d


def test_the_plan_names_what_would_change_and_changes_nothing(services, clock):
    _, sessions = services
    d = without("op3", op1={"reports_to": "kasi2"}, kasi2={"active": False})
    d["officials"].append({"key": "op9", "name": "Op Baru", "role": "jfu"})
    before = audit_count(sessions)

    plan = RosterService(sessions, clock).plan(parse_roster(d, "r", ROLES, WIB))

    assert (plan.added, plan.changed, plan.deactivated) == (
        ("op9",),
        (("op1", ("reports_to",)),),
        ("kasi2", "op3"),
    )
    assert audit_count(sessions) == before and officials(sessions)["op3"].active is True


def test_deactivating_without_an_approved_plan_is_refused_naming_the_open_steps(services, clock):
    cases, sessions = services
    number = cases.open_case(letter(), "tu1", sop_id="mini", assignee="dir").number
    before = audit_count(sessions)

    with pytest.raises(UnconfirmedDeactivation) as refused:
        RosterService(sessions, clock).import_roster(
            parse_roster(without(dir={"active": False}), "r", ROLES, WIB), "cli:test"
        )

    assert refused.value.plan.held == (HeldStep("dir", number, 1),)
    assert f"dir holds {number} step 1" in str(refused.value)
    assert officials(sessions)["dir"].active is True and audit_count(sessions) == before


def test_a_plan_approved_before_a_step_was_opened_no_longer_covers_it(services, clock):
    cases, sessions = services
    service = RosterService(sessions, clock)
    roster = parse_roster(without(dir={"active": False}), "r", ROLES, WIB)
    approved = service.plan(roster)
    assert approved.held == ()

    cases.open_case(letter(), "tu1", sop_id="mini", assignee="dir")

    with pytest.raises(UnconfirmedDeactivation):
        service.import_roster(roster, "cli:test", approved=approved)
    assert officials(sessions)["dir"].active is True


def test_the_deactivation_audit_names_the_open_steps_approved(services, clock):
    cases, sessions = services
    number = cases.open_case(letter(), "tu1", sop_id="mini", assignee="dir").number
    service = RosterService(sessions, clock)
    roster = parse_roster(without(dir={"active": False}), "r", ROLES, WIB)

    service.import_roster(roster, "cli:test", approved=service.plan(roster))

    with sessions() as s:
        row = s.scalars(select(AuditRow).where(AuditRow.action == "roster_deactivated")).one()
    assert row.detail == {"official": "dir", "open_steps": [f"{number} step 1"]}


def test_the_files_digest_flag_keeps_its_name_in_the_file_the_plan_and_the_audit(services, clock):
    """``digest = true`` in a roster file is ``receives_digest`` in Python, and still ``digest`` to
    whoever writes the file, reads the plan or reads the audit rows."""
    _, sessions = services
    d = without(kasi1={"digest": True})
    d["officials"].append({"key": "op9", "name": "Op Baru", "role": "jfu", "digest": True})
    roster = parse_roster(d, "r", ROLES, WIB)
    service = RosterService(sessions, clock)

    plan = service.plan(roster)
    counts = service.import_roster(roster, "adm")

    assert {o.key for o in roster.officials if o.receives_digest} == {"dir", "kasi1", "op9"}
    assert (plan.added, plan.changed) == (("op9",), (("kasi1", ("digest",)),))
    assert counts == {"added": 1, "updated": 1}
    assert {k for k, r in officials(sessions).items() if r.receives_digest} == {"dir", "kasi1", "op9"}
    assert {k for k, o in service.directory().officials.items() if o.receives_digest} == {
        "dir",
        "kasi1",
        "op9",
    }
    with sessions() as s:
        audited = {r.action: r.detail for r in s.scalars(select(AuditRow).where(AuditRow.actor == "adm"))}
    assert audited["roster_updated"]["changes"] == {"digest": [False, True]}
    assert audited["roster_added"]["digest"] is True
