"""Prints, as it happens, what each scripted official receives and does."""

import asyncio
import re
import time
from html import unescape

from bot.templating import text_macros
from botapi.driver import ChatMessage, User

__all__ = ["Narrator"]

_TAG = re.compile(r"<[^>]+>")


def _gist(message: ChatMessage, width: int = 96) -> str:
    """The first line of a message; of a question (a prompt to reply to), the question itself, its
    last line."""
    lines = [line.strip() for line in unescape(_TAG.sub("", message.body)).splitlines() if line.strip()]
    line = (lines[-1] if message.force_reply else lines[0]) if lines else ""
    return line if len(line) <= width else line[: width - 1] + "…"


class Narrator:
    """Watches the chats of the demo's officials and prints each new bot message once."""

    def __init__(self, people: dict[str, User], tz) -> None:
        self._people = people
        self._seen: dict[str, int] = dict.fromkeys(people, 0)
        self._say = text_macros("cli/demo.txt", tz)
        self._t0 = time.monotonic()

    @property
    def elapsed(self) -> float:
        """Seconds since the demo started."""
        return time.monotonic() - self._t0

    def pressed(self, who: str, label: str) -> None:
        print(self._say.pressed(self.elapsed, who, label), flush=True)

    def sent(self, who: str, text: str) -> None:
        print(self._say.sent(self.elapsed, who, text), flush=True)

    def replied(self, who: str, text: str) -> None:
        print(self._say.replied(self.elapsed, who, text), flush=True)

    def note(self, text: str) -> None:
        self.flush()  # what arrived before the note, first
        print(self._say.note(self.elapsed, text), flush=True)

    def flush(self) -> None:
        """Print the messages that arrived since the last look."""
        for who, user in self._people.items():
            for message in user.messages:
                if message.message_id > self._seen[who]:
                    self._seen[who] = message.message_id
                    shown = _gist(message)
                    if message.document:
                        shown = f"📎 {message.document.get('file_name', 'document')} {shown}".strip()
                    print(self._say.received(self.elapsed, who, shown), flush=True)

    async def watch(self) -> None:
        """Print arrivals until cancelled."""
        try:
            while True:
                self.flush()
                await asyncio.sleep(0.05)
        finally:
            self.flush()
