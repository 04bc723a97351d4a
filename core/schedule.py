"""Schedule strings: the ``schedule`` of a source and the award config's ``pull_schedule``.

Grammar (times are wall-clock in the scheduler's time zone, Asia/Shanghai by default)::

    hourly [:MM]                  every hour at minute MM (default :00)
    daily HH:MM                   every day
    weekly DAY[,DAY...] HH:MM     DAY: mon tue wed thu fri sat sun
    monthly D HH:MM               day D of the month, 1-28 (every month has it)

A :class:`Schedule` becomes cron fields for APScheduler's ``CronTrigger``; it is parsed
when a source is loaded, so a typo fails with the file's name, not at 06:00 on Monday.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class ScheduleError(ValueError):
    """A schedule string outside the grammar; the message shows the accepted forms."""


@dataclass(frozen=True)
class Schedule:
    text: str
    minute: int
    hour: int | None = None  # None: every hour
    day_of_week: str | None = None  # "mon,thu"
    day: int | None = None  # day of month

    def cron_fields(self) -> dict[str, str]:
        """Keyword arguments for ``apscheduler.triggers.cron.CronTrigger``."""
        fields = {"minute": str(self.minute), "second": "0"}
        fields["hour"] = "*" if self.hour is None else str(self.hour)
        if self.day_of_week:
            fields["day_of_week"] = self.day_of_week
        if self.day is not None:
            fields["day"] = str(self.day)
        return fields


_FORMS = "hourly [:MM] | daily HH:MM | weekly mon[,thu] HH:MM | monthly D HH:MM (D 1-28)"


def _clock(text: str, value: str) -> tuple[int, int]:
    match = _TIME.match(value)
    if not match:
        raise ScheduleError(f"schedule {text!r}: {value!r} is not a time HH:MM; use {_FORMS}")
    return int(match.group(1)), int(match.group(2))


def parse_schedule(text: str) -> Schedule:
    """Parse one schedule string; raise :class:`ScheduleError` naming the accepted forms."""
    words = text.strip().lower().split()
    if not words:
        raise ScheduleError(f"schedule is empty; use {_FORMS}")
    head, rest = words[0], words[1:]
    if head == "hourly" and len(rest) <= 1:
        minute = 0
        if rest:
            if not re.fullmatch(r":[0-5]\d", rest[0]):
                raise ScheduleError(f"schedule {text!r}: minute must look like :MM; use {_FORMS}")
            minute = int(rest[0][1:])
        return Schedule(text, minute=minute)
    if head == "daily" and len(rest) == 1:
        hour, minute = _clock(text, rest[0])
        return Schedule(text, minute=minute, hour=hour)
    if head == "weekly" and len(rest) == 2:
        days = rest[0].split(",")
        bad = [d for d in days if d not in DAYS]
        if bad or not days:
            raise ScheduleError(
                f"schedule {text!r}: unknown day(s) {bad}; days are {' '.join(DAYS)}"
            )
        hour, minute = _clock(text, rest[1])
        return Schedule(text, minute=minute, hour=hour, day_of_week=",".join(days))
    if head == "monthly" and len(rest) == 2:
        if not rest[0].isdigit() or not 1 <= int(rest[0]) <= 28:
            raise ScheduleError(
                f"schedule {text!r}: day of month must be 1-28 (every month has it); use {_FORMS}"
            )
        hour, minute = _clock(text, rest[1])
        return Schedule(text, minute=minute, hour=hour, day=int(rest[0]))
    raise ScheduleError(f"schedule {text!r} not understood; use {_FORMS}")


__all__ = ["DAYS", "Schedule", "ScheduleError", "parse_schedule"]
