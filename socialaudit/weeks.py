"""ISO weeks in the organisation's time zone: the unit of reports, findings and nudges.

A week is written `2026-W47`. It runs from Monday 00:00 to the next Monday 00:00 in the
organisation's time zone, so a post at 23:30 on Sunday in London belongs to that week even
though it is Monday in UTC+2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from socialaudit.errors import UsageError

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
# Weeks a report can be about: none before 1970 (the dashboard's 260 weeks back stay within
# reach), none after 2261 (the dashboard's pandas timestamps end in April 2262; `date` itself
# ends in 9999).
FIRST_YEAR, LAST_YEAR = 1970, 2261


@dataclass(frozen=True, order=True)
class Week:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Week:
        match = _WEEK.match(text.strip())
        if not match:
            raise UsageError(f"week: expected an ISO week such as 2026-W47, got {text!r}")
        year, number = int(match.group(1)), int(match.group(2))
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise UsageError(
                f"week: expected a year from {FIRST_YEAR} to {LAST_YEAR}, got {text!r}"
            )
        try:
            date.fromisocalendar(year, number, 1)
        except ValueError:
            raise UsageError(f"week: {year} has no week {number}") from None
        return cls(year, number)

    @classmethod
    def of(cls, moment: datetime, tz: str) -> Week:
        """The week that `moment` (aware) falls in, in time zone `tz`."""
        local = moment.astimezone(ZoneInfo(tz))
        iso = local.isocalendar()
        return cls(iso.year, iso.week)

    @classmethod
    def last_complete(cls, tz: str, now: datetime | None = None) -> Week:
        """The most recent week that has ended (the default for reports and nudges)."""
        now = now or datetime.now(UTC)
        return cls.of(now, tz).previous()

    def __str__(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    def bounds(self, tz: str) -> tuple[datetime, datetime]:
        """[start, end) of the week as aware UTC datetimes."""
        zone = ZoneInfo(tz)
        start = datetime.combine(self.monday, datetime.min.time(), zone)
        end = datetime.combine(self.monday + timedelta(days=7), datetime.min.time(), zone)
        return start.astimezone(UTC), end.astimezone(UTC)

    def previous(self, weeks: int = 1) -> Week:
        iso = (self.monday - timedelta(weeks=weeks)).isocalendar()
        return Week(iso.year, iso.week)

    def next(self, weeks: int = 1) -> Week:
        iso = (self.monday + timedelta(weeks=weeks)).isocalendar()
        return Week(iso.year, iso.week)
