"""The service's stop request, and waits that end as soon as it is made.

SIGTERM or SIGINT sets `STOP` (the service's signal handler). Long jobs read it between
accounts; every wait of the collectors (a rate-limit reset, a backoff) is an
`interruptible_sleep` on it, so a stop never waits out a reset up to 15 minutes away: the
wait ends at once with `StopRequested`, which the round catches to record where it stopped.

Core: imported by the collectors and the pipeline alike, importing nothing of theirs.
"""

from __future__ import annotations

import threading

STOP = threading.Event()


class StopRequested(BaseException):
    """A wait cut short by the stop request.

    A BaseException, like KeyboardInterrupt: no `except Exception` on the way (one account's
    error handling, the retry seam's wrapping) mistakes it for a failure of the call.
    """

    def __init__(self, seconds: float, endpoint: str | None = None, kind: str = "wait") -> None:
        self.wait = seconds
        self.endpoint = endpoint
        self.kind = kind
        super().__init__(self.describe())

    def describe(self) -> str:
        on = f" of {self.endpoint}" if self.endpoint else ""
        return f"stop requested during the {self.kind}{on} ({self.wait:.0f} s)"


def stop_requested() -> bool:
    """True once the service was asked to stop: finish the current account, then return."""
    return STOP.is_set()


def interruptible_sleep(seconds: float) -> None:
    """Sleep `seconds`, or raise StopRequested as soon as a stop is requested (at once if
    it already was)."""
    if STOP.wait(max(seconds, 0.0)):
        raise StopRequested(seconds)
