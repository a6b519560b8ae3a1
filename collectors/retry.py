"""The client seam: every API call of every collector goes through `ApiSeam.call`.

Retries, backoff, rate-limit waits and the count of API calls live here once (STYLE 6), so
the X, Bluesky and Mastodon collectors differ only in how they read their library's
exceptions: each passes a `classify` function that says whether an error is worth retrying
and, for a rate limit, how long until the platform's window resets. The retry loop itself is
tenacity's. Waits are logged, never printed; messages never carry a secret. A wait ends at
once when the service is asked to stop (`socialaudit.stopping`): the call then raises
StopRequested, naming the endpoint and the wait, and is not retried.
"""

from __future__ import annotations

import logging
import re
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from tenacity import RetryCallState, Retrying, retry_if_exception

from socialaudit import platforms
from socialaudit.config import PlatformConfig
from socialaudit.logs import redact
from socialaudit.stopping import StopRequested, interruptible_sleep

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class RetryHint:
    """How to retry an error: after `wait` seconds (a rate limit's reset) or with backoff."""

    wait: float | None = None
    rate_limited: bool = False


Classifier = Callable[[BaseException], RetryHint | None]


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 5
    backoff_seconds: float = 2.0
    max_backoff_seconds: float = 900.0

    @classmethod
    def from_config(cls, config: PlatformConfig) -> RetryPolicy:
        return cls(config.max_retries, config.backoff_seconds, config.max_backoff_seconds)

    def backoff(self, attempt: int) -> float:
        """Exponential: backoff, 2x, 4x ... capped at max_backoff_seconds."""
        return min(self.backoff_seconds * 2 ** max(attempt - 1, 0), self.max_backoff_seconds)


@dataclass
class ApiBudget:
    """What a round cost on one platform: requests sent (retries included), by endpoint."""

    calls: int = 0
    retries: int = 0
    rate_limited: int = 0
    waited_seconds: float = 0.0
    by_endpoint: Counter[str] = field(default_factory=Counter)
    # Posts the platform returned (X bills reads per post); counted by the collector.
    posts_read: int = 0
    # The latest rate-limit headers per endpoint path, where the platform sends them.
    rate_limits: dict[str, dict[str, str]] = field(default_factory=dict)


# A platform that refuses connections or whose name does not resolve is down (or mistyped):
# it gets this many tries in all, with the usual backoff, not the full `max_retries`.
UNREACHABLE_TRIES = 3
_HOST_PORT = re.compile(r"host='([^']+)', port=(\d+)")
_URL = re.compile(r"https?://[^\s'\"()]+")


def _chain(error: BaseException) -> list[BaseException]:
    """The error, what caused it, and exceptions held in its arguments (client libraries
    wrap the transport's error in either)."""
    seen: list[BaseException] = []
    todo = [error]
    while todo and len(seen) < 20:
        current = todo.pop(0)
        if any(current is s for s in seen):
            continue
        seen.append(current)
        todo.extend(e for e in (current.__cause__, current.__context__) if e is not None)
        todo.extend(a for a in current.args if isinstance(a, BaseException))
    return seen


def unreachable(error: BaseException) -> str | None:
    """Why the platform could not be reached at all ("connection refused", "host not
    found"), or None for any other failure (time-outs and 5xx are retried as usual)."""
    for link in _chain(error):
        if isinstance(link, ConnectionRefusedError):
            return "connection refused"
        if isinstance(link, socket.gaierror):
            return "host not found"
    text = " ".join(str(link) for link in _chain(error)).lower()
    if "connection refused" in text:
        return "connection refused"
    if "name or service not known" in text or "nodename nor servname" in text:
        return "host not found"
    if "failed to resolve" in text or "temporary failure in name resolution" in text:
        return "host not found"
    return None


def _where(error: BaseException, url: str | None) -> str | None:
    """The address the call went to: the configured base URL, else the one in the error."""
    if url:
        return url.rstrip("/")
    text = " ".join(str(link) for link in _chain(error))
    if found := _URL.search(text):
        return found.group(0).rstrip(".,;:")
    if found := _HOST_PORT.search(text):
        return f"{found.group(1)}:{found.group(2)}"
    return None


class ApiError(Exception):
    """An API call that failed for good (after retries, or not worth retrying)."""

    def __init__(
        self,
        endpoint: str,
        cause: BaseException,
        *,
        platform: str | None = None,
        url: str | None = None,
        tries: int | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.cause = cause
        why = unreachable(cause) if platform else None
        if why is not None:
            name = platforms.display_name(platform)
            where = _where(cause, url)
            at = f" at {redact(where)}" if where else ""
            after = f", after {tries} {'try' if tries == 1 else 'tries'}" if tries else ""
            super().__init__(f"cannot reach {name}{at}: {why}{after}")
            return
        detail = redact(str(cause) or type(cause).__name__).splitlines()
        first = detail[0][:300] if detail else type(cause).__name__
        super().__init__(f"{endpoint}: {type(cause).__name__}: {first}")


def seconds_until(reset: float | datetime | None, *, now: float | None = None) -> float | None:
    """Seconds from now until a reset given as epoch seconds or an aware datetime."""
    if reset is None:
        return None
    now = time.time() if now is None else now
    epoch = reset.timestamp() if isinstance(reset, datetime) else float(reset)
    return max(epoch - now, 0.0)


def reset_from_epoch_header(headers: Any, name: str) -> float | None:
    """Seconds until the epoch-seconds reset in header `name` (X, Bluesky)."""
    value = headers.get(name) if headers is not None else None
    try:
        return seconds_until(float(value)) if value is not None else None
    except ValueError:
        return None


def reset_from_iso_header(headers: Any, name: str) -> float | None:
    """Seconds until the ISO-8601 reset in header `name` (Mastodon's X-RateLimit-Reset)."""
    value = headers.get(name) if headers is not None else None
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return seconds_until(moment)


class ApiSeam:
    """Calls a client-library function with retries; counts every request in `budget`."""

    def __init__(
        self,
        platform: str,
        policy: RetryPolicy,
        classify: Classifier,
        *,
        budget: ApiBudget | None = None,
        sleep: Callable[[float], None] = interruptible_sleep,
        url: str | None = None,
    ) -> None:
        self.platform = platform
        self.url = url
        self.policy = policy
        self.classify = classify
        self.budget = budget if budget is not None else ApiBudget()
        self.sleep = sleep
        self._wait_kind = "backoff"
        self._lock = threading.Lock()

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        hint = self.classify(error) if error is not None else None
        if hint is not None and hint.wait is not None:
            # A second past the announced reset: reset times are whole seconds.
            wait = min(hint.wait + 1.0, self.policy.max_backoff_seconds)
            self._wait_kind = "rate-limit wait"
        else:
            wait = self.policy.backoff(state.attempt_number)
            self._wait_kind = "backoff"
        with self._lock:
            self.budget.retries += 1
            self.budget.waited_seconds += wait
        log.info(
            "%s: %s failed (%s); retry %d/%d in %.1fs",
            self.platform,
            state.fn.__name__ if state.fn else "call",
            type(error).__name__,
            state.attempt_number,
            self.policy.max_retries,
            wait,
        )
        return wait

    def call(self, endpoint: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`fn(*args, **kwargs)`, retried per the policy; raises ApiError when it gives up."""

        def attempt() -> T:
            with self._lock:  # several accounts' calls may be in flight (collection pool)
                self.budget.calls += 1
                self.budget.by_endpoint[endpoint] += 1
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                hint = self.classify(exc)
                if hint is not None and hint.rate_limited:
                    with self._lock:
                        self.budget.rate_limited += 1
                raise

        def sleep(seconds: float) -> None:
            try:
                self.sleep(seconds)
            except StopRequested:
                log.info("%s: stop requested during the wait of %s", self.platform, endpoint)
                raise StopRequested(seconds, endpoint, self._wait_kind) from None

        def give_up(state: RetryCallState) -> bool:
            """After max_retries retries, or UNREACHABLE_TRIES tries of a platform down."""
            if state.attempt_number >= self.policy.max_retries + 1:
                return True
            error = state.outcome.exception() if state.outcome else None
            return (
                error is not None
                and state.attempt_number >= UNREACHABLE_TRIES
                and unreachable(error) is not None
            )

        tries = 0

        def counted() -> T:
            nonlocal tries
            tries += 1
            return attempt()

        attempt.__name__ = counted.__name__ = endpoint
        retrying = Retrying(
            stop=give_up,
            retry=retry_if_exception(lambda exc: self.classify(exc) is not None),
            wait=self._wait,
            sleep=sleep,
            reraise=True,
        )
        try:
            return retrying(counted)
        except ApiError:
            raise
        except Exception as exc:
            raise ApiError(
                endpoint, exc, platform=self.platform, url=self.url, tries=tries
            ) from exc
