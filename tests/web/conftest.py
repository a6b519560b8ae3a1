"""Cheap argon2 parameters for the web tests: they exercise the flow, not the work factor."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "socialaudit.users._HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
