"""Delivering the outbox through the real bot: a blocked official, Telegram's flood control, a
flaky network, Telegram's 4,096-character limit, and English for those who chose it."""

import asyncio
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from sqlalchemy import select

from tests.bot.conftest import handled_so_far, linked, running_bot
from tests.conftest import letter
from tests.driving import MANIFEST, audit_rows, drive_to
from workflow.commands import AcceptManifest, Forward, Return, SubmitManifest
from workflow.db.models import OfficialRow, OutboxRow
from workflow.service.identity import IdentityService

DIR, KSD1, KASI1, OP2, TU1 = (1001, "Andi"), (1002, "Budi"), (1003, "Dewi"), (1005, "Gita"), (1009, "Indah")
LIMIT = 4096


def rows(sessions, **where) -> list[OutboxRow]:
    with sessions() as s:
        return list(s.scalars(select(OutboxRow).filter_by(**where).order_by(OutboxRow.id)))


def open_cases(cases, count: int) -> list[str]:
    """``count`` letters from different institutions, each a case whose step 1 goes to the Direktur."""
    return [cases.open_case(letter(f"470/{i}/DUKCAPIL"), "tu1").number for i in range(1, count + 1)]


def case_numbers_in(messages, numbers: list[str]) -> list[str]:
    return [n for m in messages for n in numbers if n in m.body]


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def record_sends(server) -> list[tuple[int, float]]:
    """The chat and monotonic time of every send that reached the server's flood control."""
    seen: list[tuple[int, float]] = []
    check = server.limiter.check

    def recording(chat_id: int) -> int | None:
        seen.append((chat_id, time.monotonic()))
        return check(chat_id)

    server.limiter.check = recording
    return seen


# -- late delivery -----------------------------------------------------------------------------


def test_a_step_message_sent_after_the_case_moved_on_names_its_own_step_and_has_no_buttons(server, office):
    cases, sessions, settings = office
    identity = IdentityService(sessions)
    server.user(*DIR, started=True)
    identity.redeem(identity.invite("dir", "adm", timedelta(hours=1)), DIR[0])
    number = cases.open_case(letter(), "tu1").number
    drive_to(cases, number, 3)  # before the bot ever ran: the Direktur's step-1 message is late

    async def scenario():
        async with running_bot(settings):
            return await server.user(DIR[0]).wait_for_message_async(contains=number)

    late = asyncio.run(scenario())

    assert late.text.startswith("📨 Langkah 1: Menerima surat izin")
    assert not late.buttons
    assert rows(sessions, recipient="dir")[0].status == "sent"


# -- a blocked official ------------------------------------------------------------------------


def test_a_kasubdit_who_blocked_the_bot_is_marked_unreachable_and_the_direktur_and_tu_are_told(
    server, office
):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            direktur = await linked(server, sessions, "dir", DIR)
            kasubdit = await linked(server, sessions, "ksd1", KSD1)
            tu = await linked(server, sessions, "tu1", TU1)
            kasubdit.block()
            number = (await asyncio.to_thread(cases.open_case, letter(), "tu1")).number
            await direktur.wait_for_message_async(contains="Langkah 1")

            await asyncio.to_thread(drive_to, cases, number, 2, kasubdit="ksd1")
            told = [await u.wait_for_message_async(contains="tidak dapat") for u in (direktur, tu)]
            return number, told

    number, told = asyncio.run(scenario())

    expected = (
        f"⚠️ Bot tidak dapat mengirim pesan kepada Budi Kasubdit (memblokir bot atau belum memulai). "
        f"Pesan untuk {number} tidak terkirim."
    )
    assert [m.text for m in told] == [expected, expected]
    assert [(r.kind, r.status) for r in rows(sessions, recipient="ksd1")] == [("step_assigned", "failed")]
    assert "blocked" in rows(sessions, recipient="ksd1")[0].last_error
    assert [(r.recipient, r.status) for r in rows(sessions, kind="official_unreachable")] == [
        ("dir", "sent"),
        ("tu1", "sent"),
    ]
    with sessions() as s:
        assert s.scalar(select(OfficialRow.unreachable_at).where(OfficialRow.key == "ksd1")) is not None
    assert [r.detail["official"] for r in audit_rows(sessions, action="unreachable")] == ["ksd1"]
    current = cases.view(number).case.current
    assert (current.step_no, current.assignee) == (2, "ksd1")


# -- flood control -----------------------------------------------------------------------------


def test_a_burst_to_one_chat_under_telegram_s_flood_control_arrives_whole_and_in_order(server, office):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):  # without the bot's per-chat limit: Telegram answers 429
            direktur = await linked(server, sessions, "dir", DIR)
            server.set_rate_limits(per_chat_rate=1.0, per_chat_burst=1, global_rate=None)

            numbers = await asyncio.to_thread(open_cases, cases, 3)
            for number in numbers:
                await direktur.wait_for_message_async(contains=number, timeout=15)
            return numbers, direktur.messages

    numbers, messages = asyncio.run(scenario())

    assert server.count("sendMessage", status=429) >= 1
    outbox_order = [r.payload["case_number"] for r in rows(sessions, recipient="dir")]
    assert case_numbers_in(messages, numbers) == outbox_order == numbers
    assert {r.status for r in rows(sessions)} == {"sent"}


def queue_notices(sessions, counts: dict[str, int]) -> None:
    """``counts[key]`` notices for each official, queued in turns (one each, then again): messages
    that render from their row alone, so the test measures sending, not rendering."""
    now = datetime.now(UTC)
    with sessions.begin() as s:
        for turn in range(max(counts.values())):
            for key, count in counts.items():
                if turn < count:
                    s.add(
                        OutboxRow(
                            created_at=now,
                            recipient=key,
                            kind="pin_reset",
                            case_id=None,
                            step_no=None,
                            dedupe_key=f"limits-{key}-{turn}",
                            payload={"official": key, "by": "adm"},
                            status="pending",
                            attempts=0,
                        )
                    )


def test_the_bot_keeps_to_telegram_s_global_and_per_chat_limits_and_is_never_answered_429(server, office):
    _, sessions, settings = office
    officials = {"dir": DIR, "ksd1": KSD1, "kasi1": KASI1, "op2": OP2, "tu1": TU1}
    counts = {"dir": 8, "ksd1": 3, "kasi1": 3, "op2": 3, "tu1": 3}  # the Direktur's chat is the busy one
    settings = settings.model_copy(update={"telegram_send_rate": 5})

    async def scenario():
        async with running_bot(settings, per_chat_rate=1.0):
            users = {key: await linked(server, sessions, key, who) for key, who in officials.items()}
            # Telegram's limits, tight: 1/s per chat after 3, and 5/s overall (the bot's own rate)
            server.set_rate_limits(per_chat_rate=1.0, per_chat_burst=3, global_rate=5.0, global_burst=5)
            sends = record_sends(server)

            await asyncio.to_thread(queue_notices, sessions, counts)
            users["tu1"].send("/bantuan")  # a handler's reply, in the middle of the outbox's sends
            await users["tu1"].wait_for_message_async(contains="Bot disposisi", timeout=20)
            for key, user in users.items():
                await server.wait_for_async(
                    lambda user=user, key=key: (
                        sum(m.body.startswith("🔑") for m in user.messages) == counts[key]
                    ),
                    timeout=30,
                )
            return sends

    sends = asyncio.run(scenario())

    assert server.count(status=429) == 0
    assert {r.status for r in rows(sessions, kind="pin_reset")} == {"sent"}
    assert len(sends) == sum(counts.values()) + 1  # each message sent once, the reply with them
    times = [at for _, at in sends]
    assert times[-1] - times[0] >= (len(sends) - 5) / 5 - 0.1  # 5/s overall after Telegram's burst
    direktur = [at for chat, at in sends if chat == DIR[0]]
    assert direktur[-1] - direktur[0] >= 8 - 3 - 0.1  # 1/s in one chat after Telegram's burst


def refuse_once(server, retry_after: int) -> list[tuple[float, int | None]]:
    """Telegram's flood control answers the next send 429 with ``retry_after``; every send that
    reaches it is recorded: its monotonic time and the 429's retry_after (None: accepted)."""
    seen: list[tuple[float, int | None]] = []
    check = server.limiter.check

    def refusing(chat_id: int) -> int | None:
        answer = retry_after if not seen else check(chat_id)
        seen.append((time.monotonic(), answer))
        return answer

    server.limiter.check = refusing
    return seen


def test_a_429_is_waited_out_for_its_retry_after_and_the_message_arrives_once(server, office):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            direktur = await linked(server, sessions, "dir", DIR)
            sends = refuse_once(server, retry_after=3)

            number = (await asyncio.to_thread(cases.open_case, letter(), "tu1")).number
            await direktur.wait_for_message_async(contains=number, timeout=15)
            await handled_so_far(direktur)  # nothing more was on its way
            return number, sends, direktur.messages

    number, sends, messages = asyncio.run(scenario())

    (refused, retry_after), (accepted, answer), *_ = sends
    assert (retry_after, answer) == (3, None)
    assert accepted - refused >= 3.0  # not a send to the chat before Telegram said it may
    assert server.count("sendMessage", status=429) == 1
    assert sum(number in m.body for m in messages) == 1
    (row,) = rows(sessions, recipient="dir")
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, None)


# -- a flaky network ---------------------------------------------------------------------------


def test_three_bad_gateways_are_retried_with_growing_backoff_and_the_messages_arrive_in_order(server, office):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            direktur = await linked(server, sessions, "dir", DIR)
            server.fail("sendMessage", times=3, status=502)
            loop = asyncio.get_running_loop()

            numbers = await asyncio.to_thread(open_cases, cases, 2)
            before = [cases.view(n).case for n in numbers]
            failures = []
            for k in (1, 2, 3):
                await server.wait_for_async(lambda k=k: server.count("sendMessage", 502) >= k, timeout=15)
                failures.append(loop.time())
            await direktur.wait_for_message_async(contains=numbers[0], timeout=15)
            arrived = loop.time()
            await direktur.wait_for_message_async(contains=numbers[1], timeout=5)
            return numbers, before, [*failures, arrived], direktur.messages

    numbers, before, times, messages = asyncio.run(scenario())

    gaps = [later - earlier for earlier, later in pairwise(times)]
    assert gaps[0] > 0.95 and gaps[1] > 1.95 and gaps[2] > 3.95  # 1, 2, then 4 seconds at least
    assert case_numbers_in(messages, numbers) == numbers
    first, second = rows(sessions, recipient="dir")
    assert (first.status, first.attempts, first.last_error) == ("sent", 4, None)
    assert second.status == "sent"
    assert [cases.view(n).case for n in numbers] == before


# -- Telegram's limit --------------------------------------------------------------------------


def note(tag: int) -> str:
    """A 1,000-character note with markup-like text and emoji (two UTF-16 units each)."""
    return f"[catatan {tag:02}] " + ('Cek <PKS> & "izin" 😀 ' * 60)[: 1000 - 14]


def test_long_notes_at_every_step_keep_every_message_within_telegram_s_limit(server, office):
    cases, sessions, settings = office
    moves = [
        ("dir", Forward(instruction="Untuk diproses", note=note(1), to="ksd1")),
        ("ksd1", Forward(instruction="Untuk diproses", note=note(2))),
        ("kasi1", Return(reason=note(3))),
        ("ksd1", Forward(instruction="Segera", note=note(4))),
        ("kasi1", Forward(instruction="Segera", note=note(5), to="op2")),
        ("op2", SubmitManifest(MANIFEST, note=note(6))),
        ("kasi1", Return(reason=note(7))),
        ("op2", SubmitManifest(MANIFEST, note=note(8))),
        ("kasi1", AcceptManifest(note=note(9))),
        ("ksd1", Forward(instruction="Untuk diperhatikan", note=note(10))),
    ]

    async def scenario():
        async with running_bot(settings) as app:
            users = {
                key: await linked(server, sessions, key, who)
                for key, who in (("dir", DIR), ("ksd1", KSD1), ("kasi1", KASI1), ("op2", OP2))
            }
            number = (await asyncio.to_thread(cases.open_case, letter(), "tu1")).number
            for actor, command in moves:
                await asyncio.to_thread(cases.act, number, actor, command)
                await app.bot_data.delivery.run_once(app.bot)  # each message rendered as the case stands
            direktur = users["dir"]
            step7 = await server.wait_for_async(
                lambda: next((m for m in direktur.messages if m.button("Riwayat")), None)
            )
            direktur.press(step7, "Diterima")
            step7 = await direktur.wait_for_edit_async(step7)
            await direktur.wait_for_message_async(contains="tetap Anda pegang")  # what he did, sent
            direktur.press(step7, "Riwayat")
            history = await direktur.wait_for_message_async(contains="Riwayat")
            return step7, history, {key: user.messages for key, user in users.items()}

    step7, history, received = asyncio.run(scenario())

    everything = [m for messages in received.values() for m in messages]
    assert max(utf16(m.body) for m in everything) <= LIMIT
    assert server.count(status=400) == 0
    assert {r.status for r in rows(sessions)} <= {"sent", "skipped"}
    assert "catatan sebelumnya ada di Riwayat" in step7.text and "[catatan 10]" in step7.text
    assert any("[catatan 01]" in m.body for m in received["ksd1"])  # early messages carry it in full
    assert utf16(history.text) <= LIMIT
    assert "catatan terlama tidak ditampilkan" in history.text
    assert "[catatan 10]" in history.text and "[catatan 01]" not in history.text
    assert 'Cek <PKS> & "izin" 😀' in history.text and "&lt;PKS&gt;" in history.html


def test_a_very_long_letter_purpose_is_cut_so_the_step_message_still_fits(server, office):
    cases, sessions, settings = office
    emoji = replace(letter("470/1/DUKCAPIL"), purpose="😀" * 2000)  # 2,000 characters, 4,000 UTF-16 units

    async def scenario():
        async with running_bot(settings):
            direktur = await linked(server, sessions, "dir", DIR)
            number = (await asyncio.to_thread(cases.open_case, emoji, "tu1")).number
            return await direktur.wait_for_message_async(contains=number)

    message = asyncio.run(scenario())

    assert "😀" * 100 in message.text and "😀" * 700 not in message.text
    assert [r.status for r in rows(sessions, recipient="dir")] == ["sent"]


def test_a_row_that_cannot_be_rendered_is_marked_failed_and_does_not_hold_back_the_others(server, office):
    cases, sessions, settings = office
    with sessions.begin() as s:  # a notice about a case that is not there
        s.add(
            OutboxRow(
                created_at=datetime.now(UTC),
                recipient="dir",
                kind="case_closed",
                case_id=None,
                step_no=1,
                dedupe_key="bogus",
                payload={"case_number": "LDK-1999-0001"},
                status="pending",
                attempts=0,
            )
        )

    async def scenario():
        async with running_bot(settings):
            direktur = await linked(server, sessions, "dir", DIR)
            number = (await asyncio.to_thread(cases.open_case, letter("470/2/DUKCAPIL"), "tu1")).number
            await direktur.wait_for_message_async(contains=number)
            return number

    number = asyncio.run(scenario())

    first, second = rows(sessions, recipient="dir")
    assert (first.payload["case_number"], first.status) == ("LDK-1999-0001", "failed")
    assert "cannot be rendered" in first.last_error
    assert (second.payload["case_number"], second.status) == (number, "sent")


# -- English -----------------------------------------------------------------------------------


def test_an_official_who_chose_english_gets_step_messages_and_buttons_in_english(server, office):
    cases, sessions, settings = office

    async def scenario():
        async with running_bot(settings):
            direktur = await linked(server, sessions, "dir", DIR)
            direktur.send("/bahasa en")
            chosen = await direktur.wait_for_message_async(contains="English")
            number = (await asyncio.to_thread(cases.open_case, letter(), "tu1")).number
            step1 = await direktur.wait_for_message_async(contains=number)

            direktur.press(step1, "Forward")
            picks = await direktur.wait_for_edit_async(step1)
            direktur.press(picks, "Back")
            menu = await direktur.wait_for_edit_async(picks)
            direktur.press(menu, "History")
            history = await direktur.wait_for_message_async(contains="History")
            return chosen, step1, picks, history

    chosen, step1, picks, history = asyncio.run(scenario())

    assert chosen.text == "Language set to English."
    assert step1.text.startswith("📨 Step 1: Receives the data-use permit letter and instructs the Kasubdit")
    assert "SOP time: 5 min" in step1.text
    assert step1.button_texts == ["Received", "Forward", "Note", "Reject", "Reassign", "History"]
    assert picks.button_texts[-1] == "Back"
    assert history.text.startswith("📜 History of")
