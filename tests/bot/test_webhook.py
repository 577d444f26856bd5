"""Webhook mode: the secret token, repeated updates, malformed bodies, and /healthz; polling mode's
/healthz."""

import asyncio
import json
import logging
import socket

import httpx
from sqlalchemy import func, select

from bot.app import serve
from tests.bot.conftest import link
from workflow.db.models import ProcessedUpdateRow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def webhook_settings(settings, port):
    return settings.model_copy(
        update={
            "webhook_url": f"http://127.0.0.1:{port}/telegram",
            "webhook_secret": _secret("s3cret_TOKEN-1"),
            "webhook_port": port,
        }
    )


def _secret(value):
    from pydantic import SecretStr

    return SecretStr(value)


async def serving(settings, timeout: float = 15.0):
    """Start the bot and wait until it listens (on its webhook port, else its health port)."""
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, stop))
    port = settings.webhook_port if settings.webhook_url else settings.health_port
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        if task.done():
            task.result()  # raises what stopped it
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"the bot did not listen on port {port} within {timeout} s") from None
            await asyncio.sleep(0.05)
            continue
        writer.close()
        await writer.wait_closed()
        return stop, task


def update(update_id: int, user_id: int, text: str) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1795560000,
            "text": text,
            "chat": {"id": user_id, "type": "private", "first_name": "X"},
            "from": {"id": user_id, "is_bot": False, "first_name": "X"},
        },
    }


def test_the_webhook_takes_updates_from_telegram_with_the_secret(server, office):
    _, sessions, settings = office
    port = free_port()
    settings = webhook_settings(settings, port)

    async def scenario():
        stop, task = await serving(settings)
        try:
            direktur = link(server, sessions, "dir", 1001, "Andi")  # the server posts it to our webhook
            return await direktur.wait_for_message_async(contains="Selamat datang")
        finally:
            stop.set()
            await task

    welcome = asyncio.run(scenario())

    assert "Dr. Andi Direktur" in welcome.text
    assert server.webhook["url"] == f"http://127.0.0.1:{port}/telegram"


def test_a_missing_or_wrong_secret_gets_403_and_a_repeated_update_is_processed_once(server, office):
    _, _, settings = office
    port = free_port()
    settings = webhook_settings(settings, port)
    stranger = server.user(666, "Stranger", started=True)
    later = server.user(667, "Later", started=True)
    url = f"http://127.0.0.1:{port}/telegram"

    async def scenario():
        stop, task = await serving(settings)
        try:
            async with httpx.AsyncClient() as client:
                missing = await client.post(url, json=update(1, 666, "halo"))
                wrong = await client.post(
                    url, json=update(1, 666, "halo"), headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
                )
                good = {"X-Telegram-Bot-Api-Secret-Token": "s3cret_TOKEN-1"}
                first = await client.post(url, json=update(7, 666, "halo"), headers=good)
                again = await client.post(url, json=update(7, 666, "halo"), headers=good)
                junk = await client.post(url, content=b"not json", headers=good)
                after = await client.post(url, json=update(8, 667, "halo"), headers=good)
                # the bot handles updates in the order they came: once the later one is answered, a
                # repeat that had been taken would have been answered too
                await later.wait_for_message_async(contains="belum terdaftar")
                health = await client.get(f"http://127.0.0.1:{port}/healthz")
            return missing, wrong, first, again, junk, after, health
        finally:
            stop.set()
            await task

    missing, wrong, first, again, junk, after, health = asyncio.run(scenario())

    assert (missing.status_code, wrong.status_code) == (403, 403)
    assert (first.status_code, again.status_code, junk.status_code, after.status_code) == (200, 200, 400, 200)
    assert len([m for m in stranger.messages if "belum terdaftar" in m.text]) == 1
    assert health.status_code == 200
    assert health.json()["database"] == "ok" and "outbox_pending" in health.json()


def test_healthz_answers_in_polling_mode_too(server, office):
    _, _, settings = office
    port = free_port()
    settings = settings.model_copy(update={"health_port": port})

    async def scenario():
        stop, task = await serving(settings)
        try:
            async with httpx.AsyncClient() as client:
                return await client.get(f"http://127.0.0.1:{port}/healthz")
        finally:
            stop.set()
            await task

    health = asyncio.run(scenario())

    assert health.status_code == 200
    report = health.json()
    swept = report.pop("sla_sweep_age_seconds")  # the first sweep runs half a second after the start
    assert swept is None or 0 <= swept < 5  # tests/bot/test_health.py follows it
    assert report == {
        "status": "ok",
        "database": "ok",
        "outbox_pending": 0,
        "outbox_oldest_seconds": 0,
    }


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


#: Bodies Telegram never sends, each with the status it gets.
MALFORMED = {
    "a JSON array": (b"[1, 2, 3]", 400),
    "a JSON string": (b'"update"', 400),
    "null": (b"null", 400),
    "not UTF-8": (b'{"update_id": 1, "message": "\xff"}', 400),
    "update_id as text": (json.dumps(update(7, 666, "halo") | {"update_id": "7"}).encode(), 400),
    "update_id true": (json.dumps(update(1, 666, "halo") | {"update_id": True}).encode(), 400),
    "update_id past 64 bits": (json.dumps(update(2**64, 666, "halo")).encode(), 400),
    "a negative update_id": (json.dumps(update(-5, 666, "halo")).encode(), 400),
    "message as text": (json.dumps({"update_id": 8, "message": "halo"}).encode(), 400),
    "text as a number": (
        json.dumps(
            update(9, 666, "halo") | {"message": update(9, 666, "")["message"] | {"text": 5}}
        ).encode(),
        400,
    ),
    "chat id as text": (
        json.dumps(
            update(10, 666, "halo")
            | {"message": update(10, 666, "x")["message"] | {"chat": {"id": "666", "type": "private"}}}
        ).encode(),
        400,
    ),
    "an update the bot never asked for": (
        json.dumps({"update_id": 11, "edited_message": update(11, 666, "halo")["message"]}).encode(),
        400,
    ),
    "a callback query without its id": (
        json.dumps(
            {"update_id": 12, "callback_query": {"from": {"id": 666, "is_bot": False, "first_name": "X"}}}
        ).encode(),
        400,
    ),
    "nested 40 deep": (f'{{"update_id": 13, "message": {_nested(40)}}}'.encode(), 400),
    "nested 100,000 deep": (f'{{"update_id": 14, "x": {_nested(100_000)}}}'.encode(), 400),
    "over a megabyte": (json.dumps(update(15, 666, "x" * 1_100_000)).encode(), 413),
}


def test_a_malformed_body_gets_400_one_warning_and_no_trace_and_the_next_update_is_processed(
    server, office, caplog
):
    _, sessions, settings = office
    port = free_port()
    settings = webhook_settings(settings, port)
    stranger = server.user(666, "Stranger", started=True)
    url = f"http://127.0.0.1:{port}/telegram"
    good = {"X-Telegram-Bot-Api-Secret-Token": "s3cret_TOKEN-1", "Content-Type": "application/json"}

    async def scenario():
        stop, task = await serving(settings)
        try:
            async with httpx.AsyncClient(timeout=10) as client:
                answers = {}
                for name, (body, _) in MALFORMED.items():
                    caplog.clear()
                    response = await client.post(url, content=body, headers=good)
                    answers[name] = response.status_code, list(caplog.records), stored(sessions)
                caplog.clear()
                after = await client.post(url, json=update(99, 666, "halo"), headers=good)
                reply = await stranger.wait_for_message_async(contains="belum terdaftar")
                return answers, after, reply, list(caplog.records)
        finally:
            stop.set()
            await task

    with caplog.at_level(logging.INFO):
        answers, after, reply, records = asyncio.run(scenario())

    for name, (status, logged, kept) in answers.items():
        assert status == MALFORMED[name][1], name
        warnings = [r for r in logged if r.name == "bot.web" and r.levelno == logging.WARNING]
        assert len(warnings) == 1 and warnings[0].exc_info is None, (name, [r.getMessage() for r in logged])
        assert not [r for r in logged if r.levelno >= logging.ERROR], name
        assert kept == 0, name  # no update id taken in
    assert after.status_code == 200 and "belum terdaftar" in reply.text
    assert stored(sessions) == 1
    assert not [r for r in records if r.levelno >= logging.ERROR]


def stored(sessions) -> int:
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(ProcessedUpdateRow))
