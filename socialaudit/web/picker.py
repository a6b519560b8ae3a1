"""The week picker of every page: which weeks hold data, and where choosing one leads.

A page about a week (the report, the dashboard's last week, the queue, a person's findings)
is about one the organisation monitored: from the first week with a post or a finding to the
current week (or the last with data, if a clock ahead of this one stamped it). "Weekly
report" opens the latest week with data, not the calendar's last week (which in a quiet week,
or in the demo's invented world, is empty). A week outside that span
is refused where it enters with a page that names the span (`WeekOutOfRange`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlmodel import Session

from socialaudit.errors import NotFoundError
from socialaudit.models import Finding, Post
from socialaudit.weeks import Week


class WeekOutOfRange(NotFoundError):
    """A well-formed week that no page can show (before monitoring began, or not begun)."""


@dataclass(frozen=True)
class Span:
    """The weeks the app can show: `first` to `current`, `latest` the last one with data."""

    first: Week
    latest: Week
    current: Week

    def check(self, week: Week) -> Week:
        if not self.first <= week <= self.current:
            raise WeekOutOfRange(
                f"There is nothing to show for {week}: weeks from {self.first} to "
                f"{self.current} can be chosen."
            )
        return week


def span(session: Session, tz: str, now: datetime | None = None) -> Span:
    """From the first to the last week with a finding or a post (index look-ups only)."""
    current = Week.of(now or datetime.now(UTC), tz)
    row = session.exec(  # type: ignore[call-overload]
        sa.select(
            *(
                sa.select(aggregate).scalar_subquery()
                for aggregate in (
                    sa.func.min(Finding.week),
                    sa.func.max(Finding.week),
                    sa.func.min(Post.created_at),
                    sa.func.max(Post.created_at),
                )
            )
        )
    ).one()
    weeks = [Week.parse(w) for w in row[:2] if w]
    weeks += [Week.of(_aware(t), tz) for t in row[2:] if t is not None]
    if not weeks:
        return Span(current, current, current)
    # Data stamped by a clock ahead of this one (a sandbox's invented world) is still shown.
    return Span(min(weeks), max(weeks), max(current, *weeks))


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Picker:
    """The layout's week form: its target, the week shown, the span, the other query fields."""

    action: str
    selected: Week | None  # None: the page is not about one week (the queue, unfiltered)
    span: Span
    keep: tuple[tuple[str, str], ...] = ()

    def link(self, week: Week) -> str:
        if self.action == "/reports":
            return f"/reports/{week}"
        return f"{self.action}?{urlencode([*self.keep, ('week', str(week))])}"

    @property
    def previous(self) -> Week | None:
        if self.selected is None:
            return None
        week = self.selected.previous()
        return week if week >= self.span.first else None

    @property
    def next(self) -> Week | None:
        if self.selected is None:
            return None
        week = self.selected.next()
        return week if week <= self.span.current else None
