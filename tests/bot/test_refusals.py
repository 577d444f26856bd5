"""Presses and messages the bot must refuse: forged payloads, another official's button, stale
buttons and double taps, and strangers. Each refusal is a short alert, is audited, and changes
nothing; the real bot runs against the project's Bot API server."""

import asyncio
import re
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.bot.conftest import forge_press, handled_so_far, linked, running_bot
from tests.conftest import Clock, letter
from tests.driving import audit_rows, drive_to, outbox
from workflow.commands import Acknowledge
from workflow.db.models import StrangerRow
from workflow.service.identity import IdentityService
from workflow.service.roster import RosterService

DIR, KSD1, OP3, ADM = (1001, "Andi"), (1002, "Budi"), (1008, "Hadi"), (1010, "Joko")
STRANGER = (6666, "Orang Asing")
WHEN = r"\d\d-\d\d-\d{4} \d\d:\d\d WIB"


def refusals(sessions, actor: str):
    return [(r.action, r.reason_code) for r in audit_rows(sessions, actor=actor, result="refused")]


def data_of(message, label: str) -> str:
    return message.button(label).callback_data


# -- forged payloads ---------------------------------------------------------------------------


def arabic(number: int) -> str:
    """``number`` in Arabic-Indic digits, which ``str.isdigit`` and ``int`` both accept."""
    return "".join(chr(0x0660 + int(d)) for d in str(number))


FORGED = {
    "not ours": (
        lambda c: "hack;DROP TABLE cases",
        "Tombol tidak dikenal. Gunakan tombol pada pesan terbaru.",
        ("press", "bad_payload"),
    ),
    "unknown instruction": (
        lambda c: f"1.fw.{c.id}.{c.current.id}.{c.version}.9",
        "Tombol tidak dikenal. Gunakan tombol pada pesan terbaru.",
        ("press:fw", "bad_payload"),
    ),
    "unknown case": (
        lambda c: "1.ak.99999.1.1",
        "Berkas tidak ditemukan. Periksa nomornya (contoh: LDK-2026-0001).",
        ("press:ak", "case_not_found"),
    ),
    # The right case, step and version, written as encode never writes them.
    "arabic-indic digits": (
        lambda c: f"1.ak.{arabic(c.id)}.{arabic(c.current.id)}.{arabic(c.version)}",
        "Tombol tidak dikenal. Gunakan tombol pada pesan terbaru.",
        ("press", "bad_payload"),
    ),
    "a leading zero": (
        lambda c: f"1.ak.0{c.id}.{c.current.id}.{c.version}",
        "Tombol tidak dikenal. Gunakan tombol pada pesan terbaru.",
        ("press", "bad_payload"),
    ),
    "a superscript digit": (
        lambda c: f"1.ak.{c.id}.{c.current.id}.{c.version}\u00b2",
        "Tombol tidak dikenal. Gunakan tombol pada pesan terbaru.",
        ("press", "bad_payload"),
    ),
    "an argument acknowledge never carries": (
        lambda c: f"1.ak.{c.id}.{c.current.id}.{c.version}.0",
        "Tombol tidak dikenal. Gunakan tombol pada pesan terbaru.",
        ("press", "bad_payload"),
    ),
    "another step": (
        lambda c: f"1.ak.{c.id}.{c.current.id + 40}.{c.version}",
        "Berkas sudah berubah sejak tombol ini dibuat. Gunakan pesan terbaru atau kirim /tugas.",
        ("press:ak", "case_changed"),
    ),
}


@pytest.mark.parametrize("kind", FORGED)
def test_a_forged_payload_gets_a_short_alert_changes_nothing_and_is_audited(server, office, kind):
    cases, sessions, settings = office
    payload, alert, audited = FORGED[kind]

    async def scenario():
        async with running_bot(settings):
            direktur = await linked(server, sessions, "dir", DIR)
            number = (await asyncio.to_thread(cases.open_case, letter(), "tu1")).number
            step1 = await direktur.wait_for_message_async(contains="Langkah 1")
            before = cases.view(number).case

            query = forge_press(server, direktur, step1, payload(before))
            answer = await direktur.wait_for_answer_async(query)
            return number, before, step1, answer, direktur.messages

    number, before, step1, answer, messages = asyncio.run(scenario())

    assert answer.show_alert and answer.text == alert
    assert refusals(sessions, "dir") == [audited]
    assert cases.view(number).case == before
    assert messages[-1].body == step1.body and messages[-1].buttons == step1.buttons


# -- another official's button -----------------------------------------------------------------


def test_a_kasubdit_pressing_the_direktur_s_forward_button_is_not_authorised(server, office):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            direktur = await linked(server, sessions, "dir", DIR)
            kasubdit = await linked(server, sessions, "ksd1", KSD1)
            number = (await asyncio.to_thread(cases.open_case, letter(), "tu1")).number
            step1 = await direktur.wait_for_message_async(contains="Langkah 1")
            direktur.press(step1, "Teruskan")
            picks = await direktur.wait_for_edit_async(step1)
            direktur.press(picks, "Untuk diproses")
            people = await direktur.wait_for_edit_async(picks)
            before = cases.view(number).case

            query = forge_press(
                server, kasubdit, kasubdit.last_message, data_of(people, "Kepada Budi Kasubdit")
            )
            answer = await kasubdit.wait_for_answer_async(query)
            return number, before, answer

    number, before, answer = asyncio.run(scenario())

    assert answer.show_alert and answer.text.startswith("Anda tidak terlibat dalam berkas ini")
    assert refusals(sessions, "ksd1") == [("press:fw", "not_your_case")]
    assert cases.view(number).case == before
    assert cases.view(number).case.current.assignee == "dir"


def test_a_kasubdit_who_handled_the_case_still_may_not_press_the_direktur_s_sign_button(server, office):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            direktur = await linked(server, sessions, "dir", DIR)
            kasubdit = await linked(server, sessions, "ksd1", KSD1)
            number = (await asyncio.to_thread(cases.open_case, letter(), "tu1")).number
            await asyncio.to_thread(drive_to, cases, number, 7)
            step7 = await direktur.wait_for_message_async(contains="Langkah 7")
            before = cases.view(number).case

            query = forge_press(server, kasubdit, kasubdit.last_message, data_of(step7, "Tandatangani"))
            answer = await kasubdit.wait_for_answer_async(query)
            await handled_so_far(kasubdit)  # a PIN prompt, if one were sent after the alert, is here
            return number, before, answer, kasubdit.messages

    number, before, answer, kasubdit_messages = asyncio.run(scenario())

    assert answer.show_alert and answer.text.startswith(
        "Langkah 7 dipegang oleh Dr. Andi Direktur, bukan Anda."
    )
    assert refusals(sessions, "ksd1") == [("press:sg", "not_holder")]
    assert cases.view(number).case == before
    assert not any("kirim PIN" in m.body for m in kasubdit_messages)


def test_an_operator_of_another_line_cannot_read_a_case_s_history_with_a_forged_button(server, office):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            direktur = await linked(server, sessions, "dir", DIR)
            operator = await linked(server, sessions, "op3", OP3)
            number = (await asyncio.to_thread(cases.open_case, letter(), "tu1")).number
            step1 = await direktur.wait_for_message_async(contains="Langkah 1")

            query = forge_press(server, operator, operator.last_message, data_of(step1, "Riwayat"))
            answer = await operator.wait_for_answer_async(query)
            await handled_so_far(operator)  # a history message, if one were sent, is here by now
            return number, answer, operator.messages

    number, answer, operator_messages = asyncio.run(scenario())

    assert answer.show_alert and answer.text.startswith("Anda tidak terlibat dalam berkas ini")
    assert refusals(sessions, "op3") == [("press:hi", "not_your_case")]
    assert not any(number in m.body or "BPJS" in m.body for m in operator_messages)


# -- stale buttons and double taps -------------------------------------------------------------


def test_a_button_made_before_the_case_changed_is_refused_as_stale(server, office):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            direktur = await linked(server, sessions, "dir", DIR)
            number = (await asyncio.to_thread(cases.open_case, letter(), "tu1")).number
            step1 = await direktur.wait_for_message_async(contains="Langkah 1")
            await asyncio.to_thread(cases.act, number, "dir", Acknowledge())  # from another device
            before = cases.view(number).case

            query = direktur.press(step1, "Teruskan")
            answer = await direktur.wait_for_answer_async(query)
            return number, before, answer

    number, before, answer = asyncio.run(scenario())

    assert (
        answer.show_alert
        and answer.text
        == "Berkas sudah berubah sejak tombol ini dibuat. Gunakan pesan terbaru atau kirim /tugas."
    )
    assert refusals(sessions, "dir") == [("press:pi", "case_changed")]
    assert cases.view(number).case == before


def test_a_double_tap_on_kepada_forwards_once_and_the_second_tap_names_who_handled_it(server, office):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            direktur = await linked(server, sessions, "dir", DIR)
            number = (await asyncio.to_thread(cases.open_case, letter(), "tu1")).number
            step1 = await direktur.wait_for_message_async(contains="Langkah 1")
            direktur.press(step1, "Teruskan")
            picks = await direktur.wait_for_edit_async(step1)
            direktur.press(picks, "Untuk diproses")
            people = await direktur.wait_for_edit_async(picks)
            version = cases.view(number).case.version

            first = direktur.press(people, "Kepada Budi Kasubdit")
            second = direktur.press(people, "Kepada Budi Kasubdit")
            answers = [await direktur.wait_for_answer_async(q) for q in (first, second)]
            done = await direktur.wait_for_edit_async(people, contains="Diteruskan")
            return number, version, answers, done

    number, version, (first, second), done = asyncio.run(scenario())

    case = cases.view(number).case
    assert case.version == version + 1
    assert [(s.step_no, s.assignee) for s in case.steps] == [(1, "dir"), (2, "ksd1")]
    assert not first.show_alert
    assert second.show_alert
    assert re.fullmatch(rf"Sudah ditangani oleh Dr\. Andi Direktur pada {WHEN}\.", second.text)
    assert "Diteruskan" in done.text and not done.buttons
    assert len(audit_rows(sessions, action="forward", result="ok")) == 1
    assert refusals(sessions, "dir") == [("press:fw", "already_handled")]
    assert outbox(sessions, recipient="ksd1") == [("ksd1", "step_assigned", 2)]


def test_an_alert_shows_a_name_with_quotes_ampersands_and_markup_exactly_as_written(server, office, roster):
    cases, sessions, settings = office
    name = """Dr. Ma'ruf <b>Andi</b> & "Rekan" &amp;"""
    officials = tuple(replace(o, name=name) if o.key == "dir" else o for o in roster.officials)
    RosterService(sessions).import_roster(replace(roster, officials=officials), "cli:test")

    async def scenario():
        async with running_bot(settings):
            direktur = await linked(server, sessions, "dir", DIR)
            await asyncio.to_thread(cases.open_case, letter(), "tu1")
            step1 = await direktur.wait_for_message_async(contains="Langkah 1")
            direktur.press(step1, "Teruskan")
            picks = await direktur.wait_for_edit_async(step1)
            direktur.press(picks, "Untuk diproses")
            people = await direktur.wait_for_edit_async(picks)

            first = direktur.press(people, "Kepada Budi Kasubdit")
            second = direktur.press(people, "Kepada Budi Kasubdit")
            await direktur.wait_for_answer_async(first)
            done = await direktur.wait_for_edit_async(people, contains="Diteruskan")
            return await direktur.wait_for_answer_async(second), done

    alert, done = asyncio.run(scenario())

    assert re.fullmatch(rf"Sudah ditangani oleh {re.escape(name)} pada {WHEN}\.", alert.text)
    assert f"Diteruskan oleh {name} pada" in done.text  # the HTML message shows it as written too


# -- commands with bad input ---------------------------------------------------------------------


def test_a_command_with_bad_input_says_what_was_wrong_changes_nothing_and_is_audited(server, office):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            operator = await linked(server, sessions, "op3", OP3)
            number = (await asyncio.to_thread(cases.open_case, letter(), "tu1")).number
            before = cases.view(number).case
            told = []
            for command in (
                "/bahasa klingon",
                "/status",
                "/cari a",
                "/cetak",
                "/terima 1",
                "/pin",
                "/digest",
            ):
                operator.send(command)
                told.append((await operator.wait_for_message_async()).text)
            return number, before, told

    number, before, told = asyncio.run(scenario())

    assert cases.view(number).case == before
    assert "/bahasa id" in told[0] and "/terima" in told[4]
    assert refusals(sessions, "op3") == [
        ("command:/bahasa", "command_usage"),
        ("command:/status", "command_usage"),
        ("command:/cari", "command_usage"),
        ("command:/cetak", "command_usage"),
        ("command:/terima", "command_usage"),
        ("pin_change", "not_signer"),  # refused by the PIN service, in its transaction
        ("command:/digest", "no_digest"),
    ]


# -- strangers -----------------------------------------------------------------------------------


def test_a_stranger_is_refused_politely_sees_no_case_data_and_is_audited_once(server, office):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            direktur = await linked(server, sessions, "dir", DIR)
            number = (await asyncio.to_thread(cases.open_case, letter(), "tu1")).number
            step1 = await direktur.wait_for_message_async(contains="Langkah 1")
            before = cases.view(number).case
            stranger = server.user(*STRANGER)

            for text in ("/start", "halo, saya mau data", "/pin", "/bahasa en"):
                stranger.send(text)
                await stranger.wait_for_message_async()
            query = forge_press(server, stranger, stranger.last_message, data_of(step1, "Diterima"))
            answer = await stranger.wait_for_answer_async(query)
            stranger.send("halo lagi")  # handled after the press: whatever the press did is done
            await stranger.wait_for_message_async()
            return number, before, stranger.messages, answer

    number, before, messages, answer = asyncio.run(scenario())

    polite = "Mohon maaf, akun Telegram Anda belum terdaftar pada layanan ini."
    assert len(messages) == 5 and all(m.body.startswith(polite) for m in messages)
    assert answer.show_alert and answer.text.startswith(polite)
    assert not any(fact in m.body for m in messages for fact in (number, "BPJS", "470/123"))
    assert cases.view(number).case == before
    assert [(r.action, r.reason_code) for r in audit_rows(sessions, actor=f"telegram:{STRANGER[0]}")] == [
        ("stranger", "not_on_roster")
    ]
    with sessions() as s:
        attempts = s.scalar(select(StrangerRow.attempts).where(StrangerRow.telegram_id == STRANGER[0]))
    assert attempts == 6  # five messages and the press


def test_a_stranger_who_keeps_writing_is_audited_again_only_after_an_hour(services, clock: Clock):
    _, sessions = services
    identity = IdentityService(sessions, clock)

    identity.stranger(STRANGER[0])
    clock.advance(minutes=59)
    identity.stranger(STRANGER[0])
    clock.advance(minutes=1)
    identity.stranger(STRANGER[0])

    audited = audit_rows(sessions, action="stranger")
    assert [r.detail["attempts"] for r in audited] == [1, 3]
    assert audited[1].at - audited[0].at == timedelta(hours=1)
