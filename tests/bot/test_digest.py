"""The daily SLA digest through the real bot: the morning delivery with its chart, and /digest."""

import asyncio
from datetime import time, timedelta

from sqlalchemy import select

from tests.bot.conftest import running_bot
from workflow.db.models import DigestRow, OutboxRow
from workflow.service.identity import IdentityService

PNG = b"\x89PNG\r\n\x1a\n"
DIR, KASI1, ADM = (1001, "Andi"), (1003, "Dewi"), (1011, "Joko")


def linked(server, sessions, key: str, who: tuple[int, str]):
    """An official whose account was linked before the bot started."""
    identity = IdentityService(sessions)
    user = server.user(*who, started=True)
    identity.redeem(identity.invite(key, "adm", timedelta(hours=1)), who[0])
    return user


async def photo_after(server, user, message):
    return await server.wait_for_async(
        lambda: next((m for m in user.messages if m.photo and m.message_id > message.message_id), None)
    )


def test_a_digest_official_receives_the_days_digest_and_then_its_chart(server, office):
    _, sessions, settings = office  # 24/7: every day is a working day
    settings = settings.model_copy(update={"digest_time": time(0, 0)})  # due whenever the test runs
    direktur = linked(server, sessions, "dir", DIR)  # the roster's only official with digest = true

    async def scenario():
        async with running_bot(settings, sweep_interval=60.0, digest_interval=0.2):
            text = await direktur.wait_for_message_async(contains="Ringkasan SLA", timeout=15)
            return text, await photo_after(server, direktur, text)

    text, chart = asyncio.run(scenario())

    assert "Bulan berjalan" in text.text
    assert direktur.download(chart).startswith(PNG)
    with sessions() as session:
        assert len(session.scalars(select(DigestRow)).all()) == 1
        sent = session.scalars(select(OutboxRow).where(OutboxRow.kind == "digest")).one()
    assert (sent.recipient, sent.status) == ("dir", "sent")


def test_digest_command_answers_digest_officials_and_the_admin_and_refuses_others(server, office):
    _, sessions, settings = office
    direktur = linked(server, sessions, "dir", DIR)  # digest = true
    kasi = linked(server, sessions, "kasi1", KASI1)
    admin = linked(server, sessions, "adm", ADM)  # the admin, without digest = true

    async def scenario():
        async with running_bot(settings):
            kasi.send("/digest")
            refused = await kasi.wait_for_message_async(contains="hanya untuk")
            answers = []
            for user in (direktur, admin):
                user.send("/digest")
                text = await user.wait_for_message_async(contains="Ringkasan SLA", timeout=10)
                answers.append((text, await photo_after(server, user, text)))
            return refused, answers

    refused, answers = asyncio.run(scenario())

    assert "Bulan berjalan" not in refused.text and not any(m.photo for m in kasi.messages)
    for user, (text, chart) in zip((direktur, admin), answers, strict=True):
        assert "Hari kerja sebelumnya" in text.text
        assert user.download(chart).startswith(PNG)
    with sessions() as session:  # the live figures are stored nowhere
        assert session.scalars(select(DigestRow)).all() == []


def test_the_digest_runs_daily_at_digest_time_and_follows_the_sweeps_switch(office):
    _, _, settings = office
    settings = settings.model_copy(update={"digest_time": time(6, 45)})

    async def jobs(**options):
        async with running_bot(settings, **options) as app:
            return {job.name: job for job in app.job_queue.jobs()}

    quiet = asyncio.run(jobs())  # the bot tests' default: no sweep, so no digest either
    scheduled = asyncio.run(jobs(sweep_interval=60.0))

    assert "digest" not in quiet and "digest-catch-up" not in quiet
    daily = scheduled["digest"].job
    assert daily.misfire_grace_time is None and daily.coalesce
    first = daily.next_run_time.astimezone(settings.tz)
    assert (first.hour, first.minute) == (6, 45)
    assert "digest-catch-up" in scheduled
