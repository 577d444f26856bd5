"""The roster as the engine sees it: who holds which role, who reports to whom, who stands in."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from workflow.roster import Official, StandIn

__all__ = ["Directory"]


@dataclass(frozen=True)
class Directory:
    """A read-only view of officials and stand-ins, built by the service per action."""

    officials: dict[str, Official]
    stand_ins: tuple[StandIn, ...] = ()
    unreachable: frozenset[str] = frozenset()  # Telegram refused them (403): blocked the bot

    @classmethod
    def of(
        cls, officials: Iterable[Official], stand_ins: Iterable[StandIn] = (), unreachable: Iterable[str] = ()
    ) -> "Directory":
        """Build from plain lists."""
        return cls({o.key: o for o in officials}, tuple(stand_ins), frozenset(unreachable))

    def get(self, key: str | None) -> Official | None:
        """The official with this key, active or not."""
        return self.officials.get(key) if key else None

    def is_active(self, key: str | None) -> bool:
        """Whether the key names an active official."""
        official = self.get(key)
        return official is not None and official.active

    def is_unreachable(self, key: str | None) -> bool:
        """Whether the bot cannot reach this official (the last message to them was refused)."""
        return key in self.unreachable

    def holders(self, role: str) -> list[str]:
        """Active officials holding a role, in key order."""
        return sorted(k for k, o in self.officials.items() if o.active and o.role == role)

    def standing_in_for(self, actor: str, absent: str, now: datetime) -> StandIn | None:
        """The stand-in order under which ``actor`` acts for ``absent`` at ``now``, if any."""
        if not self.is_active(actor):
            return None
        return next(
            (s for s in self.stand_ins if s.official == actor and s.for_key == absent and s.covers(now)),
            None,
        )

    def stand_ins_for(self, absent: str, now: datetime) -> list[str]:
        """Active officials standing in for ``absent`` at ``now``."""
        return sorted(
            {
                s.official
                for s in self.stand_ins
                if s.for_key == absent and s.covers(now) and self.is_active(s.official)
            }
        )

    def name(self, key: str | None) -> str:
        """The display name, or the key when unknown."""
        official = self.get(key)
        return official.name if official else (key or "-")
