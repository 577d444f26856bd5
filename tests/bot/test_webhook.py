"""Webhook mode: the secret token, repeated updates, and /healthz; polling mode's /healthz."""

import asyncio
import socket

import httpx

from bot.app import serve
from tests.bot.conftest import link


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


async def serving(settings):
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, stop))
    await asyncio.sleep(0.5)
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
                await stranger.wait_for_message_async(contains="belum terdaftar")
                await asyncio.sleep(0.5)  # a second reply, if the repeat were processed, would come now
                health = await client.get(f"http://127.0.0.1:{port}/healthz")
            return missing, wrong, first, again, junk, health
        finally:
            stop.set()
            await task

    missing, wrong, first, again, junk, health = asyncio.run(scenario())

    assert (missing.status_code, wrong.status_code) == (403, 403)
    assert (first.status_code, again.status_code, junk.status_code) == (200, 200, 400)
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
