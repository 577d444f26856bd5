"""Logs people can read: one INFO line per case event, with the case number, and only once the
event is committed."""

import logging

import pytest

from tests.driving import audit_rows, dispatch, drive_to, open_ldk
from workflow.commands import Forward
from workflow.errors import DomainError
from workflow.service.sweep import SlaSweep
from workflow.workcalendar import Continuous


def info_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno == logging.INFO]


def test_a_whole_case_logs_one_info_line_per_event_with_its_number(services, clock, caplog):
    cases, sessions = services
    caplog.set_level(logging.INFO)

    number = open_ldk(cases)
    drive_to(cases, number, 8, clock=clock)
    dispatch(cases, number, clock=clock)

    lines = info_lines(caplog)
    events = [r for r in audit_rows(sessions, result="ok") if r.case_id is not None]
    assert len(lines) == len(events) == 12  # registered, seven steps acted on, four items ticked
    assert all(r.name == "workflow.cases" and r.case == number for r in lines)
    assert all(r.getMessage().startswith(f"{number} ") for r in lines)
    assert lines[0].getMessage() == f"{number} registered by tu1 at step 1"
    assert "acted on (sign) by dir at step 7" in lines[-5].getMessage()
    assert lines[-1].getMessage().endswith("; the case is closed")


def test_reminders_and_escalations_are_one_line_each(services, clock, caplog):
    cases, sessions = services
    number = open_ldk(cases)
    drive_to(cases, number, 3)
    sweep = SlaSweep(sessions, clock, Continuous())
    caplog.set_level(logging.INFO)

    clock.advance(minutes=20)  # twice the SOP time: two reminders are due, and an escalation
    created = sweep.run()

    messages = [r.getMessage() for r in info_lines(caplog)]
    assert created == len(messages) == 3
    assert messages == [f"{number} reminded by sla at step 3"] * 2 + [f"{number} escalated by sla at step 3"]


def test_an_idle_sweep_logs_nothing_at_info(services, clock, caplog):
    cases, sessions = services
    drive_to(cases, open_ldk(cases), 3)
    caplog.set_level(logging.INFO)

    for _ in range(3):
        assert SlaSweep(sessions, clock, Continuous()).run() == 0

    assert info_lines(caplog) == []


def test_a_refused_action_logs_no_event(services, caplog):
    cases, _ = services
    number = open_ldk(cases)
    caplog.set_level(logging.INFO)

    with pytest.raises(DomainError):
        cases.act(number, "op1", Forward(instruction="Untuk diproses", to="ksd1"))

    assert info_lines(caplog) == []
