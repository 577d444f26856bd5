"""The closing notice asks the Kasi who granted the operator access to confirm it was revoked; a
press records it once, a second press is refused naming who confirmed it. The real bot runs
against the project's Bot API server."""

import asyncio
import re

from tests.bot.conftest import link, running_bot
from tests.driving import audit_rows, dispatch, drive_to, open_ldk
from workflow.states import CaseState

KASI1, OP2 = (1003, "Dewi"), (1005, "Gita")
WHEN = r"\d\d-\d\d-\d{4} \d\d:\d\d WIB"


def close_a_case(cases) -> str:
    number = open_ldk(cases)
    drive_to(cases, number, 8)  # kasi1 grants op2 access at step 3
    dispatch(cases, number)
    return number


def test_the_granting_kasi_confirms_the_revocation_from_the_closing_notice_once(server, office):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            kasi = link(server, sessions, "kasi1", *KASI1)
            operator = link(server, sessions, "op2", *OP2)
            for user in (kasi, operator):
                await user.wait_for_message_async(contains="Selamat datang")
            number = await asyncio.to_thread(close_a_case, cases)
            notice = await kasi.wait_for_message_async(contains="Hak akses datawarehouse")
            theirs = await operator.wait_for_message_async(contains=f"{number} selesai")
            kasi.send(f"/status {number}")
            before = await kasi.wait_for_message_async(contains="📋")
            version = cases.view(number).case.version

            first = kasi.press(notice, "Akses sudah dicabut")
            second = kasi.press(notice, "Akses sudah dicabut")
            answers = [await kasi.wait_for_answer_async(q) for q in (first, second)]
            done = await kasi.wait_for_edit_async(notice, contains="dikonfirmasi")
            kasi.send(f"/status {number}")
            after = await kasi.wait_for_message_async(contains="📋")
            return number, version, notice, theirs, before, answers, done, after

    number, version, notice, theirs, before, (first, second), done, after = asyncio.run(scenario())

    assert "Gita Operator" in notice.text and notice.button_texts == ["Akses sudah dicabut"]
    assert "datawarehouse" not in theirs.text and not theirs.buttons  # the operator is not asked
    assert "Akses operator (Gita Operator): pencabutan belum dikonfirmasi" in before.text
    assert before.button_texts == ["Akses sudah dicabut"]
    case = cases.view(number).case
    assert case.state is CaseState.CLOSED and case.version == version + 1
    assert case.access_revoked_by == "kasi1" and case.access_revoked_at is not None
    assert not first.show_alert
    assert second.show_alert
    assert re.fullmatch(rf"Pencabutan hak akses sudah dikonfirmasi oleh Dewi Kasi pada {WHEN}\.", second.text)
    assert re.search(rf"Pencabutan hak akses operator dikonfirmasi oleh Dewi Kasi pada {WHEN}", done.text)
    assert not done.buttons
    assert "pencabutan dikonfirmasi oleh Dewi Kasi" in after.text and not after.buttons
    assert [r.result for r in audit_rows(sessions, action="access_revoked")] == ["ok", "refused"]
    assert (
        audit_rows(sessions, action="access_revoked", result="refused")[0].reason_code
        == "revocation_confirmed"
    )
