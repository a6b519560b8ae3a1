"""Sign-in sessions, CSRF tokens, login throttling and who may see what.

Sessions are server-side: the cookie carries 32 random bytes, the database only their
SHA-256, so a leaked database cannot be replayed as cookies. A new token is issued at every
sign-in (no session fixation). Every state-changing request needs the session's CSRF token,
in the form (`csrf_token`) or in the `X-CSRF-Token` header for the JSON API; the sign-in form,
which has no session yet, and sign-ins through the trusted proxy header, which have none at
all, use a double-submit cookie (a random token in a cookie another site can neither read nor
send on a cross-site post, repeated in the form or header). On top of the token, a write whose
`Origin` (or, without one, `Referer`) names another origin than the app's public URL is
refused: browsers always tell where a post comes from.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote, urlsplit

from fastapi import Request
from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from socialaudit.config import WebConfig
from socialaudit.models import LoginFailure, User, UserRole, WebSession

SESSION_COOKIE = "sa_session"
LOGIN_CSRF_COOKIE = "sa_login_csrf"
PROXY_CSRF_COOKIE = "sa_csrf"  # "__Host-" prefixed when Secure: no sibling host can set it
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# On every response (`app.SecurityHeaders`), the 500 page included (`routes.errors`), which
# the server's outermost error handler sends past the app's middleware.
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")

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
    """At most `limit` failed sign-ins per client address per `window` seconds.

    Counted in the database (`LoginFailure`), so the workers of `serve --workers N` share one
    count instead of allowing N times the attempts.
    """

    def __init__(self, limit: int = 20, window: float = 300.0) -> None:
        self.limit = limit
        self.window = timedelta(seconds=window)

    @staticmethod
    def _key(client: str) -> str:
        return client[:64]

    def blocked(self, db: Session, client: str, now: datetime | None = None) -> bool:
        since = (now or datetime.now(UTC)) - self.window
        failures = db.exec(
            select(func.count())
            .select_from(LoginFailure)
            .where(LoginFailure.client == self._key(client), col(LoginFailure.at) > since)
        ).one()
        return failures >= self.limit

    def failed(self, db: Session, client: str, now: datetime | None = None) -> None:
        now = now or datetime.now(UTC)
        db.execute(delete(LoginFailure).where(col(LoginFailure.at) <= now - self.window))
        db.add(LoginFailure(client=self._key(client), at=now))
        db.commit()


def origin_of(url: str | None) -> str | None:
    """`scheme://host[:port]` of a URL, lower-cased, default port left out; None if not one."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return None
    host = parts.hostname
    if ":" in host:  # IPv6
        host = f"[{host}]"
    if port is not None and port != {"http": 80, "https": 443}[parts.scheme]:
        host = f"{host}:{port}"
    return f"{parts.scheme}://{host}"


def public_origin(request: Request, config: WebConfig) -> str | None:
    """The origin browsers use for the app: `[web] public_url`, else the request's own."""
    if config.public_url:
        return origin_of(config.public_url)
    scheme = "https" if is_https(request, config) else "http"
    return origin_of(f"{scheme}://{request.headers.get('host', '')}")


def cross_site(request: Request, config: WebConfig) -> str | None:
    """Why a write is refused as coming from another site, or None when it is not.

    A browser sends `Origin` with every post (`null` from sandboxed or privacy-stripped
    contexts, refused too); when it is missing, `Referer` is read. A request with neither
    comes from a script, not a browser a forged page could drive: the token alone guards it.
    """
    expected = public_origin(request, config)
    for header in ("origin", "referer"):
        value = request.headers.get(header)
        if value is not None:
            if expected is not None and origin_of(value) == expected:
                return None
            return f"the request comes from another site ({header} does not match the app)"
    return None


def proxy_csrf_cookie(request: Request, config: WebConfig) -> str:
    return ("__Host-" if secure_cookie(request, config) else "") + PROXY_CSRF_COOKIE


def proxy_csrf_token(request: Request, config: WebConfig) -> str:
    """The double-submit token of a proxy sign-in: the cookie's, or a new one to set."""
    current = request.cookies.get(proxy_csrf_cookie(request, config), "")
    if _TOKEN.fullmatch(current):
        return current
    fresh: str | None = getattr(request.state, "new_csrf", None)
    if fresh is None:
        fresh = request.state.new_csrf = new_token()
    return fresh


_UNSAFE_IN_PATH = re.compile(r"[\\\x00-\x20\x7f]")  # backslash, controls, whitespace


def safe_redirect(target: str | None, default: str = "/") -> str:
    """`target` if it is a path on this site, else `default`.

    Browsers read a backslash as a slash and drop tabs and newlines, so `/\\evil.example`
    or `/\t/evil.example` lead to another host as `//evil.example` does; decoding (once or
    more, as proxies do) must not make one either. A path only: no scheme, no host.
    """
    if not target:
        return default
    decoded, previous = target, None
    for _ in range(5):  # %252F... decodes one level at a time
        if _UNSAFE_IN_PATH.search(decoded):
            return default
        if not decoded.startswith("/") or decoded.startswith("//"):
            return default
        parts = urlsplit(decoded)
        if parts.scheme or parts.netloc:
            return default
        if decoded == previous:
            return target
        previous, decoded = decoded, unquote(decoded)
    return default
