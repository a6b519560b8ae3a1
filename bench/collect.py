"""API calls per collection round against the sandbox, against the minimum batch sizes allow.

A world of 100 registered accounts (Bluesky by default) with 10 watched posts each (1,000
posts): a first collection (the minimum: resolve handles a batch at a time, one timeline page
each), then:

- no change: the minimum is reading every profile, ceil(100 / profile batch) calls
  (Bluesky getProfiles: 4);
- 10 new posts (one each in 10 accounts): profiles plus one timeline page per account with
  news;
- 5 deletions among the 1,000 watched posts (5 accounts): profiles plus the look-ups of the
  5 accounts' 50 watched posts, ceil(50 / look-up batch) calls (Bluesky getPosts: 2).

Each scenario runs 5 times on a fresh world and a fresh database; the table gives the
median API calls (counted by the sandbox, which is what the platform would bill), the
ratio to the minimum and the median wall time of the round.

After the rounds, the database's size per post is measured with the platform payloads kept
(every post version's and profile snapshot's JSON as received, compressed) and again with
them set to NULL, after a VACUUM each (SQLite: the file; PostgreSQL: the tables' total
relation size after VACUUM FULL): the payload's cost per post, and the ratio.

Run: `make bench-collect` (or `.venv/bin/python -m bench.collect [--platform P]
[--database-url URL] [--repeats N]`); the minimums follow the collector's batch sizes, so
the X and Mastodon collectors are measured the same way once registered.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, func, select

from collectors.runner import collect_platform
from sandbox.seed import bulk_world, people_csv
from sandbox.server import Sandbox
from socialaudit import platforms
from socialaudit.config import load_settings
from socialaudit.db import make_engine, session_scope, upgrade
from socialaudit.models import Post, PostVersion, ProfileSnapshot, unpack_payload
from socialaudit.registry import import_people_csv

ACCOUNTS = 100
POSTS_PER_ACCOUNT = 10
REPEATS = 5


def minimums(platform: str) -> dict[str, int]:
    """The fewest calls the platform's batch sizes allow for each round."""
    module_name, class_name = platforms.get(platform).collector.split(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    profiles = math.ceil(ACCOUNTS / cls.profile_batch)
    return {
        "first collection": profiles + ACCOUNTS,  # resolve by handle, one timeline page each
        "no change": profiles,
        "10 new posts": profiles + 10,
        "5 deletions in 1,000 watched posts": profiles
        + math.ceil(5 * POSTS_PER_ACCOUNT / cls.lookup_batch),
    }


def _size(engine: Engine) -> int:
    """Bytes the database takes, compacted first."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("VACUUM")
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
            size = conn.exec_driver_sql("PRAGMA page_size").scalar_one()
        return int(pages) * int(size)
    tables = sorted(SQLModel.metadata.tables)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f"VACUUM FULL {', '.join(tables)}")
        return sum(
            int(conn.execute(sa.text("SELECT pg_total_relation_size(:t)"), {"t": t}).scalar_one())
            for t in tables
        )


def database_sizes(engine: Engine) -> dict[str, float]:
    """The database with and without the kept payloads, and what the payloads are."""
    with Session(engine) as session:
        posts = session.exec(select(func.count()).select_from(Post)).one()
        packed = [
            bytes(raw)
            for (raw,) in session.execute(
                sa.text("SELECT raw FROM postversion WHERE raw IS NOT NULL")
            )
        ]
    with_payloads = _size(engine)
    with engine.begin() as conn:
        conn.execute(sa.update(PostVersion).values(raw=None))
        conn.execute(sa.update(ProfileSnapshot).values(raw=None))
    without = _size(engine)
    json_bytes = sum(
        len(json.dumps(unpack_payload(p), ensure_ascii=False, separators=(",", ":")))
        for p in packed
    )
    return {
        "posts": posts,
        "with": with_payloads / posts,
        "without": without / posts,
        "payload json": json_bytes / max(len(packed), 1),
        "payload stored": sum(len(p) for p in packed) / max(len(packed), 1),
    }


def one_repeat(
    database_url: str | None, platform: str, sizes: list[dict[str, float]]
) -> dict[str, tuple[int, int, float]]:
    world = bulk_world(ACCOUNTS, POSTS_PER_ACCOUNT, platform)
    with tempfile.TemporaryDirectory() as tmp, Sandbox(world) as box:
        url = database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = make_engine(url)
        upgrade(engine)
        with session_scope(engine) as session:
            import_people_csv(session, people_csv(world))
        settings = load_settings(
            environ={
                "SOCIALAUDIT_DATABASE_URL": url,
                f"SOCIALAUDIT_PLATFORMS_{platform.upper()}_BASE_URL": box.url,
                # A bench token for platforms that need one; the sandbox does not check it.
                "SOCIALAUDIT_X_BEARER_TOKEN": "bench-sandbox-bearer",
            }
        )

        def round_() -> tuple[int, int, float]:
            world.reset_counts()
            started = time.perf_counter()
            run = collect_platform(engine, settings, platform, now=world.now)
            elapsed = time.perf_counter() - started
            assert run.status == "ok", run.errors
            served = world.calls(f"{platform}.")
            assert run.api_calls == served, "the budget disagrees with the server"
            return served, run.posts_read, elapsed

        results = {"first collection": round_()}
        results["no change"] = round_()
        keys = [a.key for a in world.accounts.values()]
        for key in keys[:10]:
            world.add_post(key, "A new post for the benchmark.")
        results["10 new posts"] = round_()
        for key in keys[20:25]:
            world.delete_post(world.timeline(world.accounts[key])[3])
        results["5 deletions in 1,000 watched posts"] = round_()
        sizes.append(database_sizes(engine))
        engine.dispose()
        if database_url:
            SQLModel.metadata.drop_all(engine)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="Default: a scratch SQLite file per repeat.")
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument(
        "--platform",
        choices=platforms.names(),
        action="append",
        help="Repeat for several platforms (default: bluesky).",
    )
    args = parser.parse_args()
    for platform in args.platform or ["bluesky"]:
        sizes: list[dict[str, float]] = []
        runs = [one_repeat(args.database_url, platform, sizes) for _ in range(args.repeats)]
        least = minimums(platform)
        print(
            f"{ACCOUNTS} {platform} accounts, {ACCOUNTS * POSTS_PER_ACCOUNT} watched posts, "
            f"median of {args.repeats} runs"
        )
        print()
        print("| round | API calls | minimum | ratio | posts read | wall time |")
        print("|---|---:|---:|---:|---:|---:|")
        for name in runs[0]:
            calls = statistics.median(r[name][0] for r in runs)
            read = statistics.median(r[name][1] for r in runs)
            seconds = statistics.median(r[name][2] for r in runs)
            if name in least:
                ratio = f"{calls / least[name]:.2f}"
                floor = str(least[name])
            else:
                ratio, floor = "", ""
            print(f"| {name} | {calls:g} | {floor} | {ratio} | {read:g} | {seconds:.2f} s |")
        print()
        size = {k: statistics.median(s[k] for s in sizes) for k in sizes[0]}
        print(
            f"database size per post ({size['posts']:g} posts, payloads of versions and "
            f"snapshots): {size['without']:.0f} bytes without the payloads, "
            f"{size['with']:.0f} with: x{size['with'] / size['without']:.2f}; a post "
            f"version's payload is {size['payload json']:.0f} bytes of JSON, "
            f"{size['payload stored']:.0f} stored"
        )
        print()


if __name__ == "__main__":
    main()
