"""The client seam: backoff, rate-limit waits, give-up, call counting, no secrets."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from collectors.retry import (
    ApiError,
    ApiSeam,
    RetryHint,
    RetryPolicy,
    reset_from_epoch_header,
    reset_from_iso_header,
)


class RateLimited(Exception):
    pass


class Flaky(Exception):
    pass


def classify(error: BaseException) -> RetryHint | None:
    if isinstance(error, RateLimited):
        return RetryHint(wait=10.0, rate_limited=True)
    if isinstance(error, Flaky):
        return RetryHint()
    return None


def seam(**policy: float) -> tuple[ApiSeam, list[float]]:
    waits: list[float] = []
    values = {"max_retries": 3, "backoff_seconds": 2.0, "max_backoff_seconds": 60.0} | policy
    return ApiSeam("test", RetryPolicy(**values), classify, sleep=waits.append), waits


def failing(errors: list[BaseException], result: str = "done"):
    def call() -> str:
        if errors:
            raise errors.pop(0)
        return result

    return call


def test_transient_errors_back_off_exponentially_then_succeed() -> None:
    api, waits = seam()
    assert api.call("feed", failing([Flaky(), Flaky()])) == "done"
    assert waits == [2.0, 4.0]
    assert (api.budget.calls, api.budget.retries, api.budget.rate_limited) == (3, 2, 0)
    assert api.budget.by_endpoint == {"feed": 3}


def test_a_rate_limit_waits_for_the_reset_capped_by_the_longest_wait() -> None:
    api, waits = seam()
    assert api.call("feed", failing([RateLimited()])) == "done"
    assert waits == [11.0]  # the reset plus a second's margin
    assert api.budget.rate_limited == 1
    capped, capped_waits = seam(max_backoff_seconds=5.0)
    capped.call("feed", failing([RateLimited(), Flaky(), Flaky()]))
    assert capped_waits == [5.0, 4.0, 5.0]


def test_it_gives_up_after_max_retries_with_one_clear_error() -> None:
    api, waits = seam()
    with pytest.raises(ApiError) as raised:
        api.call("posts", failing([Flaky("boom")] * 10))
    assert str(raised.value) == "posts: Flaky: boom"
    assert isinstance(raised.value.cause, Flaky)
    assert api.budget.calls == 4 and len(waits) == 3


def test_errors_a_retry_cannot_fix_are_not_retried() -> None:
    api, waits = seam()
    with pytest.raises(ApiError):
        api.call("profile", failing([KeyError("nope")]))
    assert api.budget.calls == 1 and waits == []


def test_secrets_never_reach_the_error_message(monkeypatch) -> None:
    monkeypatch.setenv("SOCIALAUDIT_X_BEARER_TOKEN", "AAAAsecret-bearer-token")
    api, _ = seam(max_retries=0)
    with pytest.raises(ApiError) as raised:
        api.call("users", failing([Flaky("401 for token AAAAsecret-bearer-token")]))
    assert "secret-bearer" not in str(raised.value) and "***" in str(raised.value)


def test_reset_headers_in_epoch_seconds_and_iso_time() -> None:
    soon = time.time() + 30
    assert (
        28
        <= reset_from_epoch_header({"x-rate-limit-reset": str(int(soon))}, "x-rate-limit-reset")
        <= 30
    )
    assert reset_from_epoch_header({}, "x-rate-limit-reset") is None
    assert reset_from_epoch_header({"ratelimit-reset": "soon"}, "ratelimit-reset") is None
    iso = (datetime.now(UTC) + timedelta(seconds=60)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert 58 <= reset_from_iso_header({"X-RateLimit-Reset": iso}, "X-RateLimit-Reset") <= 60
    past = (datetime.now(UTC) - timedelta(seconds=60)).isoformat()
    assert reset_from_iso_header({"X-RateLimit-Reset": past}, "X-RateLimit-Reset") == 0.0


def test_a_stop_request_ends_a_rate_limit_wait_at_once() -> None:
    """The seam's own sleep (no `sleep=` given) waits on the stop event, not `time.sleep`:
    a 10-minute reset wait ends as soon as the service is asked to stop, with no retry."""
    from socialaudit.stopping import STOP, StopRequested

    def hour_long_limit(error: BaseException) -> RetryHint | None:
        return RetryHint(wait=3600.0, rate_limited=True) if isinstance(error, RateLimited) else None

    policy = RetryPolicy(max_retries=3, backoff_seconds=2.0, max_backoff_seconds=600.0)
    api = ApiSeam("test", policy, hour_long_limit)
    timer = threading.Timer(0.3, STOP.set)
    started = time.monotonic()
    timer.start()
    try:
        with pytest.raises(StopRequested) as raised:
            api.call("feed", failing([RateLimited(), RateLimited()]))
    finally:
        timer.cancel()
        STOP.clear()
    assert time.monotonic() - started < 5
    assert api.budget.calls == 1  # nothing is retried after the stop
    assert raised.value.endpoint == "feed" and raised.value.wait == 600.0
    assert "feed" in str(raised.value) and "600" in str(raised.value)


def test_a_backoff_after_a_stop_does_not_wait_at_all() -> None:
    from socialaudit.stopping import STOP, StopRequested

    api = ApiSeam("test", RetryPolicy(max_retries=3, backoff_seconds=30.0), classify)
    STOP.set()
    started = time.monotonic()
    try:
        with pytest.raises(StopRequested):
            api.call("feed", failing([Flaky()]))
    finally:
        STOP.clear()
    assert time.monotonic() - started < 1 and api.budget.calls == 1


class Wrapped(Exception):
    """A client library's network error holding the transport's error, as Mastodon.py's."""


def test_a_refused_connection_gives_up_after_three_tries_naming_the_cause() -> None:
    def classify_all(error: BaseException) -> RetryHint | None:
        return RetryHint()

    waits: list[float] = []
    api = ApiSeam(
        "mastodon",
        RetryPolicy(max_retries=5, backoff_seconds=2.0),
        classify_all,
        sleep=waits.append,
        url="http://127.0.0.1:9/",
    )

    def refused() -> None:
        try:
            raise ConnectionRefusedError(111, "Connection refused")
        except ConnectionRefusedError as exc:
            raise Wrapped("Could not complete request") from exc

    with pytest.raises(ApiError) as raised:
        api.call("accounts/lookup", refused)
    assert str(raised.value) == (
        "cannot reach Mastodon at http://127.0.0.1:9: connection refused, after 3 tries"
    )
    assert waits == [2.0, 4.0]  # the usual backoff, cut short
    assert api.budget.calls == 3


def test_other_transient_errors_still_get_every_retry() -> None:
    api, waits = seam(max_retries=5)
    with pytest.raises(ApiError) as raised:
        api.call("feed", failing([Flaky("502 bad gateway") for _ in range(6)]))
    assert len(waits) == 5 and "feed: Flaky: 502 bad gateway" in str(raised.value)
