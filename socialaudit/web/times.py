"""Instants as the person looking at the page reads them: in their own time zone.

The store and the JSON API keep instants in UTC (ISO 8601, to the microsecond, for machines).
A page shows them in the viewer's zone: a person's own configured zone when the signed-in user
is a registered person, otherwise the organisation's, to the minute and with the zone's
abbreviation, so "14:03 CET" on a Spanish spokesperson's page is the time on their own clock.
The conversion is zoneinfo's (the IANA database, daylight saving included), never an offset
worked out by hand.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from markupsafe import Markup

SHOWN = "%Y-%m-%d %H:%M %Z"


def zone(name: str | None, fallback: str) -> ZoneInfo:
    """`name`'s zone, else `fallback`'s: a person's zone is checked on entry, but a row written
    before that check (or an empty one) must not make their page fail."""
    for candidate in (name, fallback):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def instant(value: datetime | str) -> datetime:
    """An aware UTC datetime from a stored datetime or an ISO 8601 string (naive means UTC,
    as the store writes it)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class Clock:
    """Formats instants for one viewer; the pages call it as `when(value)`."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz

    @property
    def name(self) -> str:
        return self.tz.key

    def text(self, value: datetime | str | None) -> str:
        """`2026-11-20 14:03 CET`: local, to the minute, with the zone; "" for no instant."""
        if value is None or value == "":
            return ""
        return instant(value).astimezone(self.tz).strftime(SHOWN)

    def __call__(self, value: datetime | str | None) -> Markup:
        """A `<time>` element: the local text shown, the exact UTC instant in `datetime`."""
        if value is None or value == "":
            return Markup("")
        moment = instant(value)
        return Markup('<time datetime="%s">%s</time>') % (
            moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            moment.astimezone(self.tz).strftime(SHOWN),
        )
