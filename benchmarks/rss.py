"""Bot memory: the resident set of the real ``disposisi run`` process, idle after start, after one
case, and after the first digest chart; and what the imports cost.

Run by hand from the repository root (the project installed):

    python benchmarks/rss.py              # the bot's VmRSS / VmHWM at the three moments
    python benchmarks/rss.py --imports    # the RSS each heavy package adds to a bare interpreter

The bot is ``disposisi run`` itself (the console script beside this Python; ``python -m bot run``
without it) in a process of its own, configured by the environment only (no ``.env``: the
temporary directory is its working directory): a migrated SQLite file with the test roster
(``tests/data/roster.toml``), the project's Bot API server (``botapi``) on loopback in this
process, the office open round the clock. Read from ``/proc/PID/status`` (``VmRSS``: resident now,
``VmHWM``: the peak): (1) 5 s after its first ``getUpdates``, before anybody writes to it; (2) after
the Direktur and a Kasubdit linked their accounts, a case was opened (by the service layer, as
``disposisi case new`` does) and the Direktur forwarded it by its buttons, once the Kasubdit's
step-2 message has arrived; (3) after the Direktur sent ``/digest`` and the chart (a photo) has
arrived. Prints the table row of docs/benchmarks.md.
"""

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.machine import machine, stamp

HEAVY = (
    "telegram",
    "telegram.ext",
    "sqlalchemy.orm",
    "alembic.command",
    "pydantic",
    "jinja2",
    "babel.dates",
    "apscheduler.schedulers.asyncio",
    "aiohttp",
    "cryptography.hazmat.primitives.asymmetric.ed25519",
    "matplotlib.figure",
    "fpdf",
    "psycopg",
    "typer",
    "workflow.service.cases",
    "bot.app",
    "bot.cli",
)
_PROBE = (
    "import sys, importlib\n"
    "def rss():\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmRSS:'): return int(line.split()[1])\n"
    "base = rss()\n"
    "if sys.argv[1] != '-': importlib.import_module(sys.argv[1])\n"
    "print(rss() - base, rss())\n"
)


def status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of ``pid``, in KiB."""
    with open(f"/proc/{pid}/status") as f:
        return {
            k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in f) if k in ("VmRSS", "VmHWM")
        }


def mib(kib: int) -> str:
    return f"{kib / 1024:.0f} MiB ({kib * 1024 / 1e6:.0f} MB)"


def imports() -> None:
    """The RSS each module adds to a bare interpreter, each in a fresh process."""
    print(f"{'module':<52} {'adds':>9} {'process':>9}")
    for module in ("-", *HEAVY):
        out = subprocess.run([sys.executable, "-c", _PROBE, module], capture_output=True, text=True, cwd=ROOT)
        if out.returncode:
            print(f"{module:<52} failed: {out.stderr.strip().splitlines()[-1]}")
            continue
        added, total = (int(x) for x in out.stdout.split())
        print(
            f"{module if module != '-' else '(bare python)':<52} {added / 1024:7.1f} M {total / 1024:7.1f} M"
        )


def bot_command() -> list[str]:
    script = Path(sys.executable).with_name("disposisi")
    return [str(script), "run"] if script.exists() else [sys.executable, "-m", "bot", "run"]


async def scenario(server, sessions, cases, pid: int) -> dict[str, dict[str, int]]:
    from tests.bot.conftest import link
    from tests.conftest import letter

    seen = {}
    await server.wait_for_async(lambda: server.count("getUpdates") > 0, timeout=60)
    await asyncio.sleep(5)
    seen["idle after start"] = status(pid)
    direktur = link(server, sessions, "dir", 1001, "Andi")
    kasubdit = link(server, sessions, "ksd1", 1002, "Budi")
    for user in (direktur, kasubdit):
        await user.wait_for_message_async(contains="Selamat datang", timeout=30)
    number = (await asyncio.to_thread(cases.open_case, letter(), "tu1", sop_id="ldk", assignee="dir")).number
    m = await direktur.wait_for_message_async(contains="Langkah 1", timeout=30)
    direktur.press(m, "Teruskan")
    m = await direktur.wait_for_edit_async(m, timeout=30)
    direktur.press(m, "Untuk diproses")
    m = await direktur.wait_for_edit_async(m, timeout=30)
    direktur.press(m, "Kepada Budi Kasubdit")
    await kasubdit.wait_for_message_async(contains=number, timeout=30)
    await asyncio.sleep(2)
    seen["after one case (a forward)"] = status(pid)
    direktur.send("/digest")
    await server.wait_for_async(lambda: server.count("sendPhoto") > 0, timeout=60)
    await asyncio.sleep(2)
    seen["after the first digest chart"] = status(pid)
    return seen


def measure() -> dict[str, dict[str, int]]:
    from botapi import BotApiServer
    from tests.bot.conftest import TOKEN
    from tests.conftest import HERE, SIGNING_KEY_FILE, TEST_AUDIT_KEY, WIB, build_services
    from workflow.roster import load_roster
    from workflow.sopfile import load_sops

    tmp = Path(tempfile.mkdtemp(prefix="disposisi-rss-"))
    url = f"sqlite:///{tmp}/bot.db"
    sops = load_sops()
    roster = load_roster(HERE / "data" / "roster.toml", {r.key for s in sops.values() for r in s.roles}, WIB)
    cases, sessions, engine = build_services(url, sops, roster, lambda: datetime.now(UTC), migrate=True)
    with BotApiServer(TOKEN) as server:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(tmp),
            "DATABASE_URL": url,
            "AUDIT_KEY": TEST_AUDIT_KEY.decode(),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": server.base_url,
            "SIGNING_KEY_FILE": str(SIGNING_KEY_FILE),
            "OFFICE_CALENDAR": "24/7",
            "HEALTH_PORT": "0",
            "POLL_TIMEOUT_SECONDS": "10",
        }
        proc = subprocess.Popen(
            bot_command(), cwd=tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        try:
            seen = asyncio.run(asyncio.wait_for(scenario(server, sessions, cases, proc.pid), timeout=180))
        except BaseException:
            proc.terminate()
            print(proc.communicate(timeout=30)[0].decode()[-3000:], file=sys.stderr)
            raise
        proc.terminate()
        proc.wait(timeout=30)
    engine.dispose()
    shutil.rmtree(tmp, ignore_errors=True)
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--imports", action="store_true", help="what each heavy package adds")
    args = parser.parse_args()
    print(machine())
    print(f"start {stamp()}")
    if args.imports:
        imports()
        return
    started = time.monotonic()
    seen = measure()
    for moment, values in seen.items():
        print(f"{moment:<32} VmRSS {mib(values['VmRSS'])}, VmHWM {mib(values['VmHWM'])}")
    idle = seen["idle after start"]["VmRSS"]
    after = seen["after the first digest chart"]
    print(f"\n{stamp()} (at the end; {time.monotonic() - started:.0f} s):")
    print(
        f"| bot RSS idle after start / after one case and the first digest chart | <= 120 MB / report | "
        f"148 MB idle | idle {mib(idle)}; after a case {mib(seen['after one case (a forward)']['VmRSS'])}; "
        f"after the chart {mib(after['VmRSS'])}, peak {mib(after['VmHWM'])} | "
        f"{'met' if idle * 1024 <= 120e6 else 'missed'} |"
    )


if __name__ == "__main__":
    main()
