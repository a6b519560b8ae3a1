"""Leadership: of several `socialaudit run` processes on one database, one runs the jobs.

No home-made cluster: on PostgreSQL the leader holds a session-level advisory lock on a
connection it keeps open; when the process dies, PostgreSQL drops the connection and the
lock with it, and a standby's next attempt succeeds. On SQLite (one machine by nature) an OS
file lock next to the database file does the same, released by the kernel when the process
dies.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa
from filelock import FileLock, Timeout
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)

# A fixed 64-bit key for the advisory lock: "socialaudit" scheduler leadership.
ADVISORY_KEY = 0x50C1A1A0D17


class LeaderLock(Protocol):
    def try_acquire(self) -> bool:
        """Become the leader if nobody is; never blocks."""
        ...

    def held(self) -> bool:
        """Still the leader? (False once the lock's connection or file is gone.)"""
        ...

    def release(self) -> None: ...


class PostgresLeaderLock:
    def __init__(self, engine: Engine, key: int = ADVISORY_KEY) -> None:
        self.engine = engine
        self.key = key
        self._conn: Connection | None = None

    def try_acquire(self) -> bool:
        if self._conn is not None:
            return self.held()
        conn = self.engine.connect()
        try:
            got = conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key})
            acquired = bool(got.scalar())
            conn.commit()
        except Exception:
            conn.close()
            raise
        if acquired:
            self._conn = conn
        else:
            conn.close()
        return acquired

    def held(self) -> bool:
        if self._conn is None:
            return False
        try:
            row = self._conn.execute(
                sa.text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND pid = pg_backend_pid() AND granted "
                    "AND ((classid::bigint << 32) | objid::bigint) = :k"
                ),
                {"k": self.key},
            ).scalar()
            self._conn.commit()
            return bool(row)
        except Exception:
            log.warning("lost the leadership connection", exc_info=True)
            self._conn = None
            return False

    def release(self) -> None:
        if self._conn is None:
            return
        try:
            self._conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
            self._conn.commit()
        except Exception:
            log.debug("advisory unlock failed; closing the connection", exc_info=True)
        finally:
            self._conn.close()
            self._conn = None


class FileLeaderLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        # Not thread-local: the heartbeat thread must see the lock the main thread took.
        self._lock = FileLock(str(path), thread_local=False)

    def try_acquire(self) -> bool:
        if self._lock.is_locked:
            return True
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            return False
        return True

    def held(self) -> bool:
        return self._lock.is_locked and self.path.exists()

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)


def leader_lock(engine: Engine) -> LeaderLock:
    """The right lock for the database behind `engine`."""
    url = engine.url
    if url.get_backend_name() == "postgresql":
        return PostgresLeaderLock(engine)
    database = url.database or ""
    if not database or database == ":memory:":
        raise ValueError("the scheduler needs a file-backed SQLite database or PostgreSQL")
    return FileLeaderLock(Path(database).with_suffix(".leader.lock"))
