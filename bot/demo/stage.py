"""Sets the stage: a temporary database, the project's Bot API server, the real bot, the office."""

import asyncio
import re
import secrets
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bot.app import build_application, running
from bot.demo.narrator import Narrator
from bot.demo.script import SCENARIOS, Office, choose_pin, register
from bot.runtime import check_prefixes, signing_keys
from bot.settings import Settings
from bot.templating import render_text, text_macros
from botapi import BotApiServer
from workflow.db.migrate import upgrade
from workflow.db.session import make_engine, make_session_factory
from workflow.keys import generate_key
from workflow.roster import load_roster
from workflow.service.cases import CaseService
from workflow.service.identity import IdentityService
from workflow.service.pins import Pins
from workflow.service.roster import RosterService
from workflow.signature import signature_problems
from workflow.sop import SHIPPED_SOPS, Sop
from workflow.sopfile import load_sop
from workflow.timeline import display_name

__all__ = ["run_demo"]

#: How often the demo's SLA sweep looks for late steps, in seconds.
SWEEP_INTERVAL = 1.0
TOKEN = "777000:DEMO-token-for-the-local-server-only"
ROSTER = Path(__file__).parent / "roster.toml"
#: Who plays which roster entry, by the name the narration uses, with a Telegram user id.
CAST = {
    "Direktur": ("direktur", 5001),
    "Kasubdit": ("kasubdit", 5002),
    "Kasi": ("kasi", 5003),
    "Operator": ("operator2", 5005),
    "TU": ("tu", 5006),
}


def _demo_sop(folder: Path, sop_id: str) -> Path:
    """The shipped SOP ``sop_id`` alone, with every minute of SOP time shortened to a second."""
    shipped = next(f for f in sorted(SHIPPED_SOPS.glob("*.toml")) if load_sop(f).id == sop_id)
    text = re.sub(r'sla = "(\d+)m"', r'sla = "\1s"', shipped.read_text(encoding="utf-8"))
    path = folder / f"{sop_id}-demo.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run_demo(scenario: str, sop_id: str = "ldk") -> int:
    """Run one scenario of the shipped SOP ``sop_id`` end to end; returns a process exit status.

    The bot runs that SOP alone, so ``/baru`` asks no choice."""
    with tempfile.TemporaryDirectory(prefix="disposisi-demo-") as tmp, BotApiServer(TOKEN) as server:
        settings = Settings(
            _env_file=None,
            database_url=f"sqlite:///{tmp}/demo.db",
            audit_key=secrets.token_hex(32),
            telegram_bot_token=TOKEN,
            telegram_api_base_url=server.base_url,
            sop_path=_demo_sop(Path(tmp), sop_id),
            telegram_bot_username="disposisi_demo_bot",
            office_calendar="24/7",  # the demo runs at any hour; its SOP minutes are seconds
            signing_key_file=Path(tmp) / "signing.pem",
        )
        generate_key(settings.signing_key_file)
        sop = load_sop(settings.sop_path)
        check_prefixes(settings, {sop.id: sop})
        say = text_macros("cli/demo.txt", settings.tz)
        print(say.banner(scenario, sop, tmp), flush=True)
        engine = make_engine(settings.database_url)
        upgrade(engine)
        sessions = make_session_factory(engine, settings.audit_key.get_secret_value().encode())
        roster = load_roster(ROSTER, {r.key for r in sop.roles}, settings.tz)
        RosterService(sessions).import_roster(roster, "demo")
        cases = CaseService(
            sessions, {sop.id: sop}, tz=settings.tz, prefix=settings.case_prefix, seal=signing_keys(settings)
        )
        try:
            number, seconds = asyncio.run(_play(scenario, settings, server, sessions, sop))
        finally:
            engine.dispose()
        view = cases.view(number)
        print(say.finished(number, view.case.state.value, seconds), flush=True)
        sig = view.case.signature
        signer = display_name(view.directory, sig.signer, sig.acting_for) if sig else None
        held = signature_problems(view.case, signing_keys(settings))
        text = render_text("cli/case_show.txt", settings.tz, view=view, signer=signer, sig_problems=held)
        print(text, end="", flush=True)
        engine.dispose()
    return 0


async def _play(
    scenario: str, settings: Settings, server: BotApiServer, sessions, sop: Sop
) -> tuple[str, float]:
    """Link the officials, then play the scenario; the case number and the seconds it took."""
    identity, pins = IdentityService(sessions), Pins(sessions, {sop.id: sop})
    people = {}
    for who, (_, telegram_id) in CAST.items():
        people[who] = server.user(telegram_id, who)
    narrator = Narrator(people, settings.tz)
    ttl = timedelta(hours=settings.invite_ttl_hours)
    office = Office(
        people, narrator, server, lambda key: pins.issue_code(key, "admin", ttl), _today(settings), sop
    )
    script = SCENARIOS[sop.id][scenario]
    # One case in a few seconds: a daily digest arriving mid-script would only interrupt it; the
    # SLA sweep looks every second, since a minute of SOP time is a second here.
    app = build_application(settings, sweep_interval=SWEEP_INTERVAL, digest_interval=None)
    async with running(app):
        watcher = asyncio.create_task(narrator.watch())
        try:
            for who, (key, _) in CAST.items():
                code = await asyncio.to_thread(identity.invite, key, "demo", timedelta(minutes=10))
                office.send(who, f"/start {code}", shown="/start <invitation>")
                await office.received(who, "Selamat datang")
            started = time.monotonic()
            if script.signs:
                await choose_pin(office)
            number = await register(office)
            await script.play(office)
            await asyncio.sleep(0.3)
            return number, time.monotonic() - started
        finally:
            watcher.cancel()
            await asyncio.gather(watcher, return_exceptions=True)


def _today(settings: Settings):
    from datetime import UTC, datetime

    return datetime.now(UTC).astimezone(settings.tz).date()
