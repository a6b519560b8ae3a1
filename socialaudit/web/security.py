"""Sign-in sessions, CSRF tokens, login throttling and who may see what.

Sessions are server-side: the cookie carries 32 random bytes, the database only their
SHA-256, so a leaked database cannot be replayed as cookies. A new token is issued at every
sign-in (no session fixation). Every state-changing request needs the session's CSRF token,
in the form (`csrf_token`) or in the `X-CSRF-Token` header for the JSON API; the sign-in form,
which has no session yet, uses a double-submit cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fastapi import Request
from sqlmodel import Session, col, select

from socialaudit.config import WebConfig
from socialaudit.models import User, UserRole, WebSession

SESSION_COOKIE = "sa_session"
LOGIN_CSRF_COOKIE = "sa_login_csrf"

# What each role may do. Admins may do everything.
PERMISSIONS: dict[str, set[str]] = {
    "findings": {UserRole.REVIEWER, UserRole.ADMIN},  # every finding, post text, review
    "dashboard": {UserRole.MANAGER, UserRole.REVIEWER, UserRole.ADMIN},
    "own": {UserRole.PERSON},  # own findings, nudges, disagreement notes
    "admin": {UserRole.ADMIN},
}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


@dataclass
class Principal:
    user: User
    session: WebSession | None  # None when signed in through the trusted proxy header

    def may(self, permission: str) -> bool:
        return self.user.role in PERMISSIONS[permission]


def start_session(db: Session, user: User, hours: float) -> str:
    """A fresh session for `user`; returns the cookie token (never stored in clear)."""
    token = new_token()
    now = datetime.now(UTC)
    db.add(
        WebSession(
            token_hash=token_hash(token),
            user_id=user.id,
            csrf_token=new_token(),
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    db.commit()
    return token


def load_session(db: Session, token: str | None) -> tuple[User, WebSession] | None:
    if not token:
        return None
    found = db.exec(  # one round trip: every request of a signed-in user pays it
        select(WebSession, User)
        .join(User, col(User.id) == WebSession.user_id)
        .where(WebSession.token_hash == token_hash(token))
    ).first()
    if found is None:
        return None
    row, user = found
    if row.expires_at <= datetime.now(UTC) or not user.active:
        return None
    return user, row


def end_session(db: Session, token: str | None) -> None:
    if token:
        row = db.exec(select(WebSession).where(WebSession.token_hash == token_hash(token))).first()
        if row is not None:
            db.delete(row)
            db.commit()


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def from_trusted_proxy(request: Request, config: WebConfig) -> bool:
    return client_ip(request) in set(config.trusted_proxies)


def is_https(request: Request, config: WebConfig) -> bool:
    if request.url.scheme == "https":
        return True
    forwarded = request.headers.get("x-forwarded-proto", "")
    return from_trusted_proxy(request, config) and forwarded.lower() == "https"


def secure_cookie(request: Request, config: WebConfig) -> bool:
    if config.secure_cookies == "always":
        return True
    if config.secure_cookies == "never":
        return False
    return is_https(request, config)


class LoginThrottle:
    """At most `limit` failed sign-ins per client address per `window` seconds."""

    def __init__(self, limit: int = 20, window: float = 300.0) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _trim(self, key: str, now: float) -> deque[float]:
        failures = self._failures[key]
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def blocked(self, key: str) -> bool:
        with self._lock:
            return len(self._trim(key, time.monotonic())) >= self.limit

    def failed(self, key: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._trim(key, now).append(now)
