"""No button outlives its step: after every action of a case, in every chat, no message still
carries buttons of a step that is closed or of an older version of the case. The step messages,
their stand-in copies, re-sent and returned steps, /tugas and /status replies, pickers, reminders,
escalations and the closing notice all lose their buttons once the case moves on, whether the
action came from a button, an answer, or the command line."""

import asyncio
import time

from bot.callbacks import BadPayload, decode
from tests.bot.conftest import forward_mini_case_to_budi, linked, running_bot
from tests.bot.test_outside_changes import disposisi
from tests.bot.test_signoffs import stand_in_now
from tests.conftest import PIN, letter
from tests.driving import drive_to

PEOPLE = {
    "dir": (1001, "Andi"),
    "ksd1": (1002, "Budi"),
    "kasi1": (1003, "Dewi"),
    "op2": (1005, "Gita"),
    "ksd2": (1006, "Citra"),
    "kasi2": (1007, "Eko"),
    "op3": (1008, "Hadi"),
}


def outdated(users: dict, cases) -> list[str]:
    """Every bot message in these chats whose buttons act on a closed step or were made for an
    older version of their case (the revoke button acts on the closed case: its version counts)."""
    found, views = [], {}
    for key, user in users.items():
        for message in user.messages:
            for button in (b for row in message.buttons for b in row):
                try:
                    press = decode(button.callback_data)
                except BadPayload:
                    continue
                if press.case_id not in views:
                    views[press.case_id] = cases.view(press.case_id).case
                case = views[press.case_id]
                open_step = case.current.id if case.current else None
                if press.version != case.version or (press.action != "ar" and press.step_id != open_step):
                    found.append(
                        f"{key} #{message.message_id} {button.text!r} v{press.version}/v{case.version}"
                    )
    return found


async def no_outdated_buttons(users: dict, cases, after: str, timeout: float = 8.0) -> None:
    """Wait until no message carries outdated buttons; fail naming them and the action after which."""
    deadline = time.monotonic() + timeout
    while found := await asyncio.to_thread(outdated, users, cases):
        if time.monotonic() > deadline:
            raise AssertionError(f"after {after}, buttons outlived their step: {found}")
        await asyncio.sleep(0.1)


async def link_all(server, sessions, keys) -> dict:
    return {key: await linked(server, sessions, key, PEOPLE[key]) for key in keys}


async def choose_if_asked(user, message, to: str):
    """After a press that may ask who takes the next step: press ``to`` if the picker came."""
    edited = await user.wait_for_edit_async(message)
    if any(text.startswith("Kepada") for text in edited.button_texts):
        user.press(edited, f"Kepada {to}")
        edited = await user.wait_for_edit_async(edited)
    return edited


def holder(cases, number: str) -> str:
    return cases.view(number).case.current.assignee


def test_after_every_action_of_a_whole_case_no_message_keeps_buttons_of_a_closed_step(server, office):
    cases, sessions, settings = office
    stand_in_now(sessions, "ksd2", "ksd1")  # Citra stands in for Budi: she gets his steps too

    async def scenario():
        async with running_bot(settings):
            users = await link_all(server, sessions, PEOPLE)
            dir_, ksd1, ksd2, kasi1, kasi2, op3 = (
                users[k] for k in ("dir", "ksd1", "ksd2", "kasi1", "kasi2", "op3")
            )
            check = lambda after: no_outdated_buttons(users, cases, after)  # noqa: E731
            case = await asyncio.to_thread(cases.open_case, letter(), "tu1", assignee="dir")
            number = case.number

            m = await dir_.wait_for_message_async(contains="Langkah 1", timeout=10)
            dir_.press(m, "Diterima")  # acknowledged: the same message, fresh buttons
            m = await dir_.wait_for_edit_async(m)
            assert "Teruskan" in m.button_texts
            await check("the Direktur acknowledged")

            dir_.press(m, "Teruskan")
            m = await dir_.wait_for_edit_async(m)
            dir_.press(m, "Untuk diproses")
            m = await dir_.wait_for_edit_async(m)
            dir_.press(m, "Kepada Budi Kasubdit")
            budi_step = await ksd1.wait_for_message_async(contains="Langkah 2", timeout=10)
            citra_copy = await ksd2.wait_for_message_async(contains="Langkah 2", timeout=10)
            await check("the Direktur forwarded")
            assert citra_copy.buttons  # the stand-in's copy is live while the step is open

            ksd1.press(budi_step, "Catatan")  # a note, then the instruction picks on a new message
            ksd1.reply(await ksd1.wait_for_message_async(contains="Tulis catatan"), "Mohon dicek PKS")
            picks = await ksd1.wait_for_message_async(contains="Catatan disimpan")
            ksd1.press(picks, "Tanpa instruksi (catatan saja)")
            m = await kasi1.wait_for_message_async(contains="Langkah 3", timeout=10)
            await check("the Kasubdit forwarded with a note")

            kasi1.press(m, "Kembalikan")  # returned with a reason: both Budi and Citra get it again
            kasi1.reply(await kasi1.wait_for_message_async(contains="alasan"), "PKS belum dilampirkan")
            await ksd1.wait_for_message_async(contains="Dikembalikan ke langkah 2", timeout=10)
            returned = await ksd2.wait_for_message_async(contains="Dikembalikan ke langkah 2", timeout=10)
            await check("the Kasi returned the case")

            ksd2.press(returned, "Teruskan")  # the stand-in acts: Budi's copy must lose its buttons
            m = await ksd2.wait_for_edit_async(returned)
            ksd2.press(m, "Untuk diproses")
            await choose_if_asked(ksd2, m, "Dewi Kasi")
            again = await kasi1.wait_for_message_async(contains="Langkah 3", timeout=10)
            await check("the stand-in forwarded")

            kasi1.send("/tugas")  # the step once more, with its buttons, as a reply
            tasks = await kasi1.wait_for_message_async(contains=number, timeout=10)
            assert tasks.buttons and again.buttons
            ksd1.send(f"/status {number}")  # the Kasi's superior reassigns from /status
            status = await ksd1.wait_for_message_async(contains=number, timeout=10)
            ksd1.press(status, "Alihkan")
            m = await ksd1.wait_for_edit_async(status)
            ksd1.press(m, "Kepada Eko Kasi")
            m = await kasi2.wait_for_message_async(contains="Langkah 3", timeout=10)
            await check("the Kasubdit reassigned the step")

            kasi2.press(m, "Teruskan")
            m = await kasi2.wait_for_edit_async(m)
            kasi2.press(m, "Segera")
            await choose_if_asked(kasi2, m, "Hadi Operator")
            m = await op3.wait_for_message_async(contains="Langkah 4", timeout=10)
            await check("the Kasi granted access")

            op3.press(m, "Laporkan data")
            m = await op3.wait_for_edit_async(m)
            op3.press(m, "Berkas (softcopy)")
            for question, answer in [
                ("uraian data", "Daftar NIK peserta"),
                ("Jumlah record", "1200"),
                ("SHA-256", "c" * 64),
                ("Lokasi", "/srv/ldk/bpjs.csv"),
            ]:
                op3.reply(await op3.wait_for_message_async(contains=question), answer)
            m = await kasi2.wait_for_message_async(contains="Langkah 5", timeout=10)
            await check("the operator reported the data")

            kasi2.press(m, "Terima data")
            await choose_if_asked(kasi2, m, "Budi Kasubdit")
            kasubdit = users[await asyncio.to_thread(holder, cases, number)]
            m = await kasubdit.wait_for_message_async(contains="Langkah 6", timeout=10)
            await check("the Kasi accepted the data")

            kasubdit.press(m, "Teruskan")
            m = await kasubdit.wait_for_edit_async(m)
            kasubdit.press(m, "Untuk diketahui")
            await choose_if_asked(kasubdit, m, "Dr. Andi Direktur")
            m = await dir_.wait_for_message_async(contains="Langkah 7", timeout=10)
            await check("the Kasubdit forwarded to the Direktur")

            dir_.press(m, "Tandatangani")
            asked = await dir_.wait_for_message_async(contains="PIN", timeout=10)
            dir_.reply(asked, PIN)
            await dir_.wait_for_edit_async(m, contains="Ditandatangani")
            m = await op3.wait_for_message_async(contains="Langkah 8", timeout=10)
            await check("the Direktur signed")

            op3.press(m, "☐ Sudah digandakan")  # the checklist updates in place, fresh buttons
            m = await op3.wait_for_edit_async(m)
            await check("the first item was ticked")
            assert "☐ Sudah diarsipkan" in m.button_texts  # the fresh buttons were not taken off
            for item, question, value in [
                ("☐ Sudah diarsipkan", "nomor arsip", "ARS-2026-114"),
                ("☐ Sudah dikirim", "saluran pengiriman", "email ke bpjs@example.id"),
            ]:
                op3.press(m, item)
                op3.reply(await op3.wait_for_message_async(contains=question), value)
                m = await op3.wait_for_edit_async(m)
                await check(f"{item} was ticked")
                assert m.buttons
            op3.press(m, "☐ Tanda terima")
            op3.reply(await op3.wait_for_message_async(contains="tanda terima"), "TT-009")
            closing = await kasi2.wait_for_message_async(contains="selesai", timeout=10)
            await check("the case closed")
            assert "Akses sudah dicabut" in closing.button_texts  # still valid on the closed case

            kasi2.press(closing, "Akses sudah dicabut")
            await kasi2.wait_for_edit_async(closing)
            await check("the Kasi confirmed the access was revoked")
            return budi_step, citra_copy, tasks, users

    budi_step, citra_copy, tasks, users = asyncio.run(scenario())

    stripped = {  # the messages as they stand now: each lost its buttons along the way
        (key, m.message_id): m.buttons for key, user in users.items() for m in user.messages
    }
    assert not stripped[("ksd1", budi_step.message_id)]  # acted on from its note
    assert not stripped[("ksd2", citra_copy.message_id)]  # the stand-in's copy
    assert not stripped[("kasi1", tasks.message_id)]  # the /tugas reply after the reassignment
    assert server.count("editMessageReplyMarkup") > 0


def test_a_reminder_and_an_escalation_lose_their_buttons_once_the_step_is_reassigned(server, office):
    cases, sessions, settings = office  # the mini SOP: step 2 is due two seconds after it opens

    async def scenario():
        async with running_bot(settings, sweep_interval=0.5):
            users = await link_all(server, sessions, ("dir", "ksd1", "ksd2"))
            await forward_mini_case_to_budi(cases, users["dir"])
            step = await users["ksd1"].wait_for_message_async(contains="Langkah 2", timeout=10)
            reminder = await users["ksd1"].wait_for_message_async(contains="Pengingat 1", timeout=15)
            escalation = await users["dir"].wait_for_message_async(contains="Eskalasi", timeout=20)
            assert reminder.buttons and escalation.buttons and step.buttons

            users["dir"].press(escalation, "Alihkan")  # the Direktur reassigns from the escalation
            m = await users["dir"].wait_for_edit_async(escalation)
            users["dir"].press(m, "Kepada Citra Kasubdit")
            fresh = await users["ksd2"].wait_for_message_async(contains="Langkah 2", timeout=10)
            await no_outdated_buttons(users, cases, "the reassignment")
            return users, step, reminder, fresh

    users, step, reminder, fresh = asyncio.run(scenario())

    now = {m.message_id: m for m in users["ksd1"].messages}
    assert not now[step.message_id].buttons and not now[reminder.message_id].buttons
    assert {m.message_id: m for m in users["ksd2"].messages}[fresh.message_id].buttons


def test_an_action_taken_on_the_command_line_takes_the_buttons_off_in_every_chat(server, office, tmp_path):
    cases, sessions, settings = office
    stand_in_now(sessions, "ksd2", "ksd1")

    async def scenario():
        async with running_bot(settings):
            users = await link_all(server, sessions, ("dir", "ksd1", "ksd2"))
            number = (await asyncio.to_thread(cases.open_case, letter(), "tu1")).number
            await asyncio.to_thread(drive_to, cases, number, 2)
            held = [
                await users[k].wait_for_message_async(contains="Langkah 2", timeout=10)
                for k in ("ksd1", "ksd2")
            ]
            assert all(m.buttons for m in held)

            status, output = await disposisi(
                settings,
                tmp_path,
                "case",
                "cancel",
                number,
                "--reason",
                "Surat ditarik pemohon",
                "--as",
                "tu1",
            )
            assert status == 0, output
            await no_outdated_buttons(users, cases, "a cancellation on the command line")
            return users, held

    users, held = asyncio.run(scenario())

    for key, message in zip(("ksd1", "ksd2"), held, strict=True):
        assert not {m.message_id: m for m in users[key].messages}[message.message_id].buttons
