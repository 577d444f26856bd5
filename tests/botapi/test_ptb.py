"""A real python-telegram-bot Application against the server, driven by users through the driver."""

import asyncio
import hashlib

import pytest
from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, RetryAfter, TimedOut
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from tests.botapi.conftest import build_app, polling

Context = ContextTypes.DEFAULT_TYPE


async def start(update: Update, context: Context) -> None:
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton("Setujui", callback_data="ok:1")]])
    code = context.args[0] if context.args else "-"
    await update.message.reply_html(f"<b>Selamat datang</b>, kode <code>{code}</code>", reply_markup=buttons)


async def approve(update: Update, context: Context) -> None:
    query = update.callback_query
    await query.answer("Disetujui", show_alert=True)
    await query.edit_message_text(f"Disetujui oleh {query.from_user.first_name}")


async def checksum(update: Update, context: Context) -> None:
    file = await update.message.document.get_file()
    data = bytes(await file.download_as_bytearray())
    await update.message.reply_text(f"sha256 {hashlib.sha256(data).hexdigest()}")
    await update.message.reply_document(data, filename="salinan.pdf", caption="Salinan")


async def ask_reason(update: Update, context: Context) -> None:
    await update.message.reply_text("Alasan penolakan?", reply_markup=ForceReply())


async def take_reason(update: Update, context: Context) -> None:
    asked = update.message.reply_to_message.text
    await update.message.reply_text(f"{asked} → {update.message.text}")


def test_start_shows_a_keyboard_and_a_press_is_answered_and_edits_the_message(server):
    andi = server.user(1001, "Andi")

    async def scenario():
        async with polling(server, CommandHandler("start", start), CallbackQueryHandler(approve)):
            andi.send("/start KODE42")
            welcome = await andi.wait_for_message_async("Selamat datang")
            query_id = andi.press(welcome, "Setujui")
            alert = await andi.wait_for_answer_async(query_id)
            edited = await andi.wait_for_edit_async(welcome)
        return welcome, alert, edited

    welcome, alert, edited = asyncio.run(scenario())

    assert welcome.text == "Selamat datang, kode KODE42"
    assert welcome.html == "<b>Selamat datang</b>, kode <code>KODE42</code>"
    assert welcome.button_texts == ["Setujui"]
    assert (alert.text, alert.show_alert) == ("Disetujui", True)
    assert edited.text == "Disetujui oleh Andi"
    assert edited.buttons == ()


def test_a_document_round_trips_through_get_file_and_back(server):
    andi = server.user(1001)
    content = b"%PDF-1.4 surat izin penggunaan data"

    async def scenario():
        async with polling(server, MessageHandler(filters.Document.ALL, checksum)):
            andi.send_document(content, "izin.pdf", caption="Surat izin")
            digest = await andi.wait_for_message_async("sha256")
            copy = await andi.wait_for_message_async(since=digest.message_id)
        return digest, copy

    digest, copy = asyncio.run(scenario())

    assert digest.text == f"sha256 {hashlib.sha256(content).hexdigest()}"
    assert copy.document["file_name"] == "salinan.pdf"
    assert andi.download(copy) == content
    assert server.count("getFile") == 1 and server.count("file") == 1


def test_a_force_reply_prompt_gets_its_answer(server):
    andi = server.user(1001)

    async def scenario():
        async with polling(
            server, CommandHandler("tolak", ask_reason), MessageHandler(filters.REPLY, take_reason)
        ):
            andi.send("/tolak")
            prompt = await andi.wait_for_message_async("Alasan")
            andi.reply(prompt, "Data tidak lengkap")
            return prompt, await andi.wait_for_message_async("→")

    prompt, answer = asyncio.run(scenario())

    assert prompt.force_reply
    assert answer.text == "Alasan penolakan? → Data tidak lengkap"


@pytest.mark.parametrize(
    ("setup", "description"),
    [
        ("never started", "Forbidden: bot can't initiate conversation with a user"),
        ("blocked", "Forbidden: bot was blocked by the user"),
    ],
)
def test_the_bot_is_forbidden_to_write(server, setup, description):
    user = server.user(1002)
    if setup == "blocked":
        user.send("/start")
        user.block()

    async def scenario():
        async with build_app(server) as app:
            await app.bot.send_message(1002, "Pengingat")

    with pytest.raises(Forbidden) as refused:
        asyncio.run(scenario())

    assert refused.value.message == description


# PTB 22 itself reads RetryAfter.retry_after when building the message, which warns (int → timedelta).
@pytest.mark.filterwarnings("ignore:.*retry_after.*")
def test_sending_too_fast_raises_retry_after(server):
    server.user(1001, started=True)
    server.set_rate_limits(per_chat_rate=1.0, per_chat_burst=1, global_rate=None)

    async def scenario():
        async with build_app(server) as app:
            await app.bot.send_message(1001, "satu")
            await app.bot.send_message(1001, "dua")

    with pytest.raises(RetryAfter) as refused:
        asyncio.run(scenario())

    # Reading .retry_after warns in PTB 22 (int now, timedelta later); the message carries the value.
    assert refused.value.message == "Flood control exceeded. Retry in 1 seconds"
    assert server.count("sendMessage", status=429) == 1


def test_an_identical_edit_raises_message_is_not_modified(server):
    server.user(1001, started=True)

    async def scenario():
        async with build_app(server) as app:
            sent = await app.bot.send_message(1001, "<b>Surat</b>", parse_mode="HTML")
            await sent.edit_text("<b>Surat</b>", parse_mode="HTML")

    with pytest.raises(BadRequest) as refused:
        asyncio.run(scenario())

    # PTB drops "Bad Request: " and capitalizes the rest (lowercasing everything after the first letter).
    assert refused.value.message.startswith("Message is not modified: specified new message content")


def test_4096_visible_characters_pass_with_tags_and_4097_are_too_long(server):
    andi = server.user(1001, started=True)
    fits = "<b>" + "a" * 4091 + "</b> &lt;&gt;&amp;&quot;"

    async def scenario():
        async with build_app(server) as app:
            await app.bot.send_message(1001, fits, parse_mode="HTML")
            await app.bot.send_message(1001, "<i>" + "a" * 4097 + "</i>", parse_mode="HTML")

    with pytest.raises(BadRequest, match="Message is too long"):
        asyncio.run(scenario())

    assert len(andi.last_message.text) == 4096


def test_a_call_that_never_answers_times_out_in_ptb(server):
    server.user(1001, started=True)
    server.hang("sendMessage")

    async def scenario():
        async with build_app(server, read_timeout=0.3) as app:
            with pytest.raises(TimedOut):
                await app.bot.send_message(1001, "halo")
            return await app.bot.send_message(1001, "halo lagi")

    assert asyncio.run(scenario()).text == "halo lagi"


def test_commands_set_through_ptb_are_stored_per_language(server):
    async def scenario():
        async with build_app(server) as app:
            await app.bot.set_my_commands([("start", "Mulai"), ("bantuan", "Bantuan")], language_code="id")
            return await app.bot.get_my_commands(language_code="id")

    commands = asyncio.run(scenario())

    assert [c.command for c in commands] == ["start", "bantuan"]
    assert server.commands("id")[1] == {"command": "bantuan", "description": "Bantuan"}
