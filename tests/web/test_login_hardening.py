"""Sign-in reveals nothing by its time, and its throttle holds across `serve` workers."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher, extract_parameters
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from socialaudit.config import load_settings
from socialaudit.models import LoginFailure, User
from socialaudit.users import add_user, authenticate
from socialaudit.web.app import create_app
from socialaudit.web.security import LoginThrottle
from tests.web.seed import PASSWORD, seed_web
from tests.web.test_app import login_token

LOCKOUT = timedelta(minutes=15)


class CountingHasher(PasswordHasher):
    """Records the parameters of every hash verified."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=2048, parallelism=1)
        self.verified: list[tuple[int, int, int]] = []

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        p = extract_parameters(hash if isinstance(hash, str) else hash.decode())
        self.verified.append((p.time_cost, p.memory_cost, p.parallelism))
        return super().verify(hash, password)


def _seed_users(engine: Engine) -> None:
    with Session(engine) as session:
        add_user(session, "open", "reviewer", PASSWORD)
        add_user(session, "locked", "reviewer", PASSWORD)
        add_user(session, "proxy-only", "reviewer", None)
        locked = session.exec(select(User).where(User.name == "locked")).one()
        locked.locked_until = datetime.now(UTC) + LOCKOUT
        session.add(locked)
        session.commit()


def test_every_refused_sign_in_verifies_one_hash_with_the_same_parameters(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    hasher = CountingHasher()
    monkeypatch.setattr("socialaudit.users._HASHER", hasher)
    _seed_users(engine)
    own = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    with Session(engine) as session:
        for name, password in (
            ("nobody", "wrong password!"),
            ("locked", "wrong password!"),
            ("locked", PASSWORD),  # even the right password: locked is locked
            ("proxy-only", "wrong password!"),
            ("open", "wrong password!"),
        ):
            hasher.verified.clear()
            assert authenticate(session, name, password, 5, LOCKOUT) is None, name
            assert hasher.verified == [own], name


def test_a_locked_account_answers_as_slowly_as_a_wrong_password(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Measured with a real (if light) work factor. The tries take turns, so a busy machine
    slows every kind alike, and the fastest of each counts (the least disturbed by others'
    jobs). Before, a locked account took no hash at all: a few per cent of a wrong password."""
    monkeypatch.setattr(
        "socialaudit.users._HASHER", PasswordHasher(time_cost=2, memory_cost=16384, parallelism=1)
    )
    _seed_users(engine)
    names = ("open", "locked", "nobody", "proxy-only")
    times: dict[str, list[float]] = {name: [] for name in names}
    with Session(engine) as session:
        for _ in range(9):
            for name in names:
                start = time.perf_counter()
                authenticate(session, name, "wrong password!", 10_000, LOCKOUT)
                times[name].append(time.perf_counter() - start)
    wrong = min(times["open"])
    for name in names[1:]:
        assert min(times[name]) > 0.4 * wrong, (name, min(times[name]), wrong)


def _worker(engine: Engine) -> TestClient:
    """One `serve` worker: its own app (and, before, its own throttle) on the shared store."""
    settings = load_settings(environ={})
    return TestClient(create_app(settings, engine), follow_redirects=False)


def test_the_login_throttle_is_shared_by_workers(engine: Engine) -> None:
    seed_web(engine)
    limit = max(load_settings(environ={}).web.login_attempts * 4, 10)
    with _worker(engine) as first, _worker(engine) as second:
        for attempt in range(limit):
            worker = (first, second)[attempt % 2]
            token = login_token(worker)
            refused = worker.post(
                "/login",
                data={
                    "name": f"guess{attempt}",
                    "password": "wrong password!",
                    "csrf_token": token,
                },
            )
            assert refused.status_code == 401, attempt
        for worker in (first, second):
            token = login_token(worker)
            blocked = worker.post(
                "/login", data={"name": "rita", "password": PASSWORD, "csrf_token": token}
            )
            assert blocked.status_code == 429
            assert "Too many attempts" in blocked.text


def test_throttle_forgets_failures_after_its_window(engine: Engine) -> None:
    throttle = LoginThrottle(limit=2, window=60)
    start = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    with Session(engine) as session:
        throttle.failed(session, "192.0.2.1", now=start)
        throttle.failed(session, "192.0.2.1", now=start + timedelta(seconds=10))
        assert throttle.blocked(session, "192.0.2.1", now=start + timedelta(seconds=20))
        assert not throttle.blocked(session, "192.0.2.2", now=start + timedelta(seconds=20))
        assert not throttle.blocked(session, "192.0.2.1", now=start + timedelta(seconds=71))
        throttle.failed(session, "192.0.2.3", now=start + timedelta(seconds=200))
        # Old rows are deleted as new failures come: the table holds the window only.
        assert session.exec(select(LoginFailure.client)).all() == ["192.0.2.3"]
