"""ISO weeks in the organisation's time zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialaudit.errors import UsageError
from socialaudit.weeks import Week


def test_parse_and_format() -> None:
    assert str(Week.parse("2026-W47")) == "2026-W47"
    assert Week.parse("2026-W01").monday.isoformat() == "2025-12-29"
    with pytest.raises(UsageError, match="expected an ISO week such as 2026-W47"):
        Week.parse("2026-47")
    with pytest.raises(UsageError, match="2025 has no week 53"):
        Week.parse("2025-W53")


def test_week_follows_the_organisation_time_zone() -> None:
    sunday_night_london = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    assert str(Week.of(sunday_night_london, "Europe/London")) == "2026-W47"
    assert str(Week.of(sunday_night_london, "Asia/Tokyo")) == "2026-W48"


def test_bounds_are_local_midnights() -> None:
    start, end = Week.parse("2026-W13").bounds("Europe/London")  # clocks change on 29 March
    assert start == datetime(2026, 3, 23, 0, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 29, 23, 0, tzinfo=UTC)


def test_last_complete_week() -> None:
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    assert str(Week.last_complete("Europe/London", now)) == "2026-W47"


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    )
)
def test_every_moment_lies_within_its_week(moment: datetime) -> None:
    week = Week.of(moment, "America/New_York")
    start, end = week.bounds("America/New_York")
    assert start <= moment < end
    assert week.next().previous() == week
