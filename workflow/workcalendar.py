"""Working-time arithmetic. For now every minute counts; office hours come later."""

from datetime import datetime, timedelta
from typing import Protocol

__all__ = ["Continuous", "WorkCalendar"]


class WorkCalendar(Protocol):
    """Adds and measures working time between UTC instants."""

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant when ``duration`` of working time after ``start`` has passed."""
        ...

    def working_time(self, start: datetime, end: datetime) -> timedelta:
        """The working time between two instants."""
        ...


class Continuous:
    """A calendar in which every minute is a working minute (24/7)."""

    def add(self, start: datetime, duration: timedelta) -> datetime:
        return start + duration

    def working_time(self, start: datetime, end: datetime) -> timedelta:
        return max(end - start, timedelta())
