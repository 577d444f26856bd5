"""The daily SLA digest through the real bot: the morning delivery with its chart, and /digest."""

import asyncio
from datetime import time, timedelta
from pathlib import Path

from sqlalchemy import select, update

from tests.bot.conftest import running_bot
from tests.conftest import SEAL, WIB, letter
from workflow.db.models import DigestRow, OfficialRow, OutboxRow
from workflow.service.cases import CaseService
from workflow.service.identity import IdentityService
from workflow.sopfile import load_sops

PNG = b"\x89PNG\r\n\x1a\n"
DIR, KASI1, ADM, KSD1 = (1001, "Andi"), (1003, "Dewi"), (1011, "Joko"), (1002, "Budi")
SOPS = Path(__file__).parent.parent / "sops"


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


def sop_folder(tmp_path, **extra: str):
    """Test SOPs (``tests/sops``) in a folder of their own, each with ``extra[id]`` (TOML lines)
    written before its first table."""
    folder = tmp_path / "sops"
    folder.mkdir()
    for sop_id, lines in extra.items():
        text = (SOPS / f"{sop_id}.toml").read_text()
        cut = text.index("\n[")
        (folder / f"{sop_id}.toml").write_text(f"{text[:cut]}\n{lines}\n{text[cut:]}")
    return folder


def test_each_official_receives_the_sections_of_the_sops_that_send_to_their_role(
    server, office, clock, tmp_path
):
    _, sessions, settings = office
    folder = sop_folder(
        tmp_path,
        pickup='daily_digest = { to = ["kasi"] }',
        release4='daily_digest = { send = true, to = ["direktur"] }',
        mini="daily_digest = { send = false }",
    )
    settings = settings.model_copy(update={"digest_time": time(0, 0), "sop_path": folder})
    with sessions() as session, session.begin():  # ksd1, a Kasubdit, asks for it: no SOP sends to him
        session.execute(
            update(OfficialRow).where(OfficialRow.key.in_(["kasi1", "ksd1"])).values(receives_digest=True)
        )
    # the cases start on the files as the bot loads them: ``daily_digest`` is part of a definition
    cases = CaseService(sessions, load_sops(folder), tz=WIB, clock=clock, seal=SEAL)
    pickup = cases.open_case(letter(number="470/1"), "tu1", sop_id="pickup", assignee="op1").number
    release = cases.open_case(letter(number="470/2"), "tu1", sop_id="release4", assignee="op1").number
    cases.open_case(letter(number="470/3"), "tu1", sop_id="mini", assignee="dir")
    direktur, kasi = linked(server, sessions, "dir", DIR), linked(server, sessions, "kasi1", KASI1)
    kasubdit = linked(server, sessions, "ksd1", KSD1)

    async def scenario():
        async with running_bot(settings, sweep_interval=60.0, digest_interval=0.2):
            texts = [
                await u.wait_for_message_async(contains="Ringkasan SLA", timeout=15) for u in (direktur, kasi)
            ]
            charts = [await photo_after(server, u, t) for u, t in zip((direktur, kasi), texts, strict=True)]
            kasubdit.send("/digest")
            refused = await kasubdit.wait_for_message_async(contains="hanya untuk")
            return texts, charts, refused

    (to_direktur, to_kasi), charts, refused = asyncio.run(scenario())

    assert "Rilis empat langkah (SOP T.4)" in to_direktur.text and release in to_direktur.text
    assert "Pengambilan data" not in to_direktur.text and pickup not in to_direktur.text
    assert "Pengambilan data (SOP T.5)" in to_kasi.text and pickup in to_kasi.text
    assert "Rilis empat langkah" not in to_kasi.text
    assert not any("Uji singkat" in t.text for t in (to_direktur, to_kasi))  # send = false
    assert all(u.download(c).startswith(PNG) for u, c in zip((direktur, kasi), charts, strict=True))
    assert "hanya untuk" in refused.text  # /digest: nothing for him either
    assert not any("Bulan berjalan" in (m.text or "") or m.photo for m in kasubdit.messages)
    with sessions() as session:
        sent = session.scalars(select(OutboxRow).where(OutboxRow.kind == "digest")).all()
    assert sorted((o.recipient, tuple(o.payload["sops"]), o.status) for o in sent) == [
        ("dir", ("release4",), "sent"),
        ("kasi1", ("pickup",), "sent"),
    ]
