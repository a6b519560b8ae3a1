"""Web app users: local accounts with argon2-hashed passwords, and the audit log.

Kept apart from the web framework so the CLI (`socialaudit users ...`) and the app share it.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlmodel import Session, select

from socialaudit.errors import NotFoundError, UsageError
from socialaudit.models import AuditLog, Person, User, UserRole

_HASHER = PasswordHasher()
MIN_PASSWORD = 12
# Verified against when the user does not exist, has no password or is locked, so that such
# a sign-in takes as long as a wrong password and does not reveal which names exist: made
# with the hasher's own parameters (cached per parameters, the hasher can be replaced).
_DUMMY_HASHES: dict[tuple[object, ...], str] = {}


def _dummy_hash() -> str:
    h = _HASHER
    key = (h.time_cost, h.memory_cost, h.parallelism, h.hash_len, h.salt_len, h.type)
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = h.hash("not-a-real-password-" + "x" * 16)
    return _DUMMY_HASHES[key]


def _verify_nothing(password: str) -> None:
    """The work of checking a password, with no account behind it."""
    with contextlib.suppress(VerificationError):
        _HASHER.verify(_dummy_hash(), password)


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"password: at least {MIN_PASSWORD} characters, please")
    return _HASHER.hash(password)


def add_user(
    session: Session, name: str, role: str, password: str | None, person: str | None = None
) -> User:
    """Create (or update the role, person and password of) a web user."""
    name = name.strip()
    if not name:
        raise UsageError("name: a user needs a name")
    if role not in {r.value for r in UserRole}:
        raise UsageError(f"role: expected one of reviewer, manager, person, admin; got {role!r}")
    person_id = None
    if role == UserRole.PERSON:
        if not person:
            raise UsageError("--person: a 'person' user must be linked to a registered person")
        from socialaudit.registry import find_person

        person_id = find_person(session, person).id
    user = session.exec(select(User).where(User.name == name)).first()
    if user is None:
        user = User(name=name, role=role)
    user.role, user.person_id, user.active = role, person_id, True
    if password is not None:
        user.password_hash = hash_password(password)
    session.add(user)
    session.flush()
    return user


def authenticate(
    session: Session,
    name: str,
    password: str,
    attempts: int,
    lockout: timedelta,
    now: datetime | None = None,
) -> User | None:
    """The user if the password is right and the account is not locked, else None.

    Each failure counts; after `attempts` failures in a row the account is locked for
    `lockout`, whatever password is tried.
    """
    now = now or datetime.now(UTC)
    _dummy_hash()  # made before the clock that counts matters: the first sign-in too
    user = session.exec(select(User).where(User.name == name, User.active)).first()
    if user is None or user.password_hash is None:
        _verify_nothing(password)
        return None
    if user.locked_until is not None and user.locked_until > now:
        _verify_nothing(password)  # as long as a wrong password: no hint that it is locked
        return None
    try:
        _HASHER.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        user.failed_logins += 1
        if user.failed_logins >= attempts:
            user.locked_until = now + lockout
            user.failed_logins = 0
        session.add(user)
        session.commit()
        return None
    user.failed_logins = 0
    user.locked_until = None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    session.add(user)
    session.commit()
    return user


def find_user(session: Session, name: str) -> User:
    user = session.exec(select(User).where(User.name == name)).first()
    if user is None:
        raise NotFoundError(f"no web user called {name!r} (see 'socialaudit users list')")
    return user


def person_of(session: Session, user: User) -> Person | None:
    return session.get(Person, user.person_id) if user.person_id else None


def audit(
    session: Session, actor: str, action: str, target: str | None = None, detail: str | None = None
) -> None:
    """Record an action; committed with the caller's transaction."""
    session.add(AuditLog(actor=actor, action=action, target=target, detail=detail))
