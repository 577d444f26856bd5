"""Updates as Telegram delivers them: getUpdates with offsets and long polling, or a webhook."""

import asyncio
import threading
import time

import httpx
from aiohttp import web

from botapi.background import Background


def test_updates_stay_until_confirmed_by_a_higher_offset(api, server):
    andi = server.user(1001)
    andi.send("/start")
    andi.send("halo")

    _, first = api("getUpdates")
    _, again = api("getUpdates", offset=first["result"][0]["update_id"] + 1)
    _, after = api("getUpdates", offset=first["result"][1]["update_id"] + 1)

    assert [u["message"]["text"] for u in first["result"]] == ["/start", "halo"]
    assert [u["message"]["text"] for u in again["result"]] == ["halo"]
    assert after["result"] == []


def test_a_command_carries_a_bot_command_entity_and_the_user(api, server):
    server.user(1001, "Andi", language_code="id").send("/start KODE123")

    _, body = api("getUpdates")
    message = body["result"][0]["message"]

    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert message["from"] == {"id": 1001, "is_bot": False, "first_name": "Andi", "language_code": "id"}
    assert message["chat"] == {"id": 1001, "type": "private", "first_name": "Andi"}


def test_limit_and_a_negative_offset(api, server):
    andi = server.user(1001)
    for i in range(5):
        andi.send(f"m{i}")

    _, limited = api("getUpdates", limit=2)
    _, last_two = api("getUpdates", offset=-2)

    assert [u["message"]["text"] for u in limited["result"]] == ["m0", "m1"]
    assert [u["message"]["text"] for u in last_two["result"]] == ["m3", "m4"]


def test_a_long_poll_returns_as_soon_as_a_user_writes(api, server):
    andi = server.user(1001)
    answered: list = []
    waiting = threading.Thread(target=lambda: answered.append(api("getUpdates", timeout=5)))
    waiting.start()
    server.wait_for(lambda: server.count("getUpdates") == 0 and server.store.poll_generation == 1)

    started = time.monotonic()
    andi.send("halo")  # while the poll is held open
    waiting.join(timeout=10)

    assert answered[0][1]["result"][0]["message"]["text"] == "halo"
    assert time.monotonic() - started < 2


def test_a_long_poll_with_nothing_to_say_ends_at_its_timeout(api):
    started = time.monotonic()
    _, body = api("getUpdates", timeout=1)

    assert body["result"] == []
    assert 0.9 < time.monotonic() - started < 3


def test_a_newer_get_updates_ends_the_older_with_409(api, server):
    older: list = []
    waiting = threading.Thread(target=lambda: older.append(api("getUpdates", timeout=5)))
    waiting.start()
    server.wait_for(lambda: server.count("getUpdates") == 0 and server.store.poll_generation == 1)

    api("getUpdates", timeout=0)
    waiting.join(timeout=5)

    assert older[0][0] == 409
    assert older[0][1]["description"] == (
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
    )


def test_allowed_updates_filters_what_is_queued(api, server):
    andi = server.user(1001, started=True)
    api("getUpdates", allowed_updates=["callback_query"])

    andi.send("ignored")

    assert server.store.updates == []


def test_blocking_the_bot_sends_my_chat_member(api, server):
    server.user(1001).send("/start")
    _, pending = api("getUpdates")
    api("getUpdates", offset=pending["result"][-1]["update_id"] + 1)

    server.user(1001).block()
    _, body = api("getUpdates")

    member = body["result"][0]["my_chat_member"]
    assert (member["old_chat_member"]["status"], member["new_chat_member"]["status"]) == ("member", "kicked")


def receiver(status: int = 200):
    """A webhook endpoint on its own background server, recording what it got."""
    received: list[tuple[dict, str | None]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append((await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        return web.Response(status=status)

    def make() -> web.Application:
        app = web.Application()
        app.router.add_post("/hook", hook)
        return app

    background = Background("webhook-receiver")
    port = background.start(make, "127.0.0.1", 0)
    return background, f"http://127.0.0.1:{port}/hook", received


def test_a_webhook_receives_updates_with_the_secret_token(api, server):
    background, url, received = receiver()
    try:
        api("setWebhook", url=url, secret_token="s3cret-Token_1")
        conflict = api("getUpdates")

        server.user(1001).send("/start")
        server.wait_for(lambda: received)
        server.wait_for(lambda: server.webhook["pending_update_count"] == 0)
    finally:
        background.stop()

    assert received[0][0]["message"]["text"] == "/start"
    assert received[0][1] == "s3cret-Token_1"
    assert conflict[0] == 409
    assert server.webhook["url"] == url


def test_a_failing_webhook_keeps_the_update_and_reports_the_error(api, server):
    background, url, received = receiver(status=500)
    try:
        api("setWebhook", url=url)
        server.user(1001).send("/start")
        server.wait_for(lambda: len(received) >= 2)
        info = server.webhook
    finally:
        background.stop()

    api("deleteWebhook")
    _, body = api("getUpdates")

    assert info["last_error_message"] == "Wrong response from the webhook: 500 Internal Server Error"
    assert info["pending_update_count"] == 1
    assert body["result"][0]["message"]["text"] == "/start"


def test_stopping_releases_a_waiting_long_poll(server):
    outcome: list = []

    def poll() -> None:
        outcome.append(
            httpx.post(f"{server.api_url}{server.token}/getUpdates", json={"timeout": 30}, timeout=35)
        )

    waiting = threading.Thread(target=poll)
    waiting.start()
    server.wait_for(lambda: server.store.poll_generation == 1)
    started = time.monotonic()

    server.stop()
    waiting.join(timeout=10)

    assert outcome[0].json() == {"ok": True, "result": []}
    assert time.monotonic() - started < 5


def test_the_async_wait_does_not_block_its_loop(server):
    andi = server.user(1001)

    async def scenario() -> list[str]:
        ticks: list[str] = []

        async def tick() -> None:
            await asyncio.sleep(0.05)
            ticks.append("loop ran")
            andi.send("halo")

        asyncio.get_running_loop().create_task(tick())
        await server.wait_for_async(lambda: server.store.updates, timeout=5)
        return ticks

    assert asyncio.run(scenario()) == ["loop ran"]
