"""The SLA_* settings: how often reminders repeat, how many, and when escalation climbs."""

from datetime import timedelta

import pytest
from pydantic import ValidationError

from bot.settings import Settings
from workflow.sla import SlaPolicy


def test_the_defaults_are_every_sop_time_three_reminders_and_escalation_at_2_3_4(monkeypatch):
    for name in ("SLA_REMINDER_INTERVAL_MINUTES", "SLA_REMINDER_CAP", "SLA_ESCALATION_MULTIPLES"):
        monkeypatch.delenv(name, raising=False)

    assert Settings(_env_file=None).sla_policy == SlaPolicy()


def test_the_settings_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("SLA_REMINDER_INTERVAL_MINUTES", "15")
    monkeypatch.setenv("SLA_REMINDER_CAP", "5")
    monkeypatch.setenv("SLA_ESCALATION_MULTIPLES", "2, 3.5,5")

    policy = Settings(_env_file=None).sla_policy

    assert policy == SlaPolicy(timedelta(minutes=15), 5, (2.0, 3.5, 5.0))


@pytest.mark.parametrize("bad", ["1,2", "3,2", "2;3", "two"])
def test_bad_escalation_multiples_are_refused_naming_the_setting(monkeypatch, bad):
    monkeypatch.setenv("SLA_ESCALATION_MULTIPLES", bad)

    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None)

    assert "SLA_ESCALATION_MULTIPLES must be increasing numbers above 1" in str(refused.value)
    assert repr(bad) in str(refused.value)


def test_a_reminder_interval_under_five_minutes_is_refused(monkeypatch):
    monkeypatch.setenv("SLA_REMINDER_INTERVAL_MINUTES", "3")

    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None)

    assert "SLA_REMINDER_INTERVAL_MINUTES must be 0 (the SOP time) or at least 5, not 3" in str(refused.value)
