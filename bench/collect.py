"""API calls per collection round against the sandbox, against the minimum batch sizes allow.

A world of 100 registered Bluesky accounts with 10 watched posts each (1,000 posts): a
first collection (the minimum: resolve handles 25 a call, one feed page each), then:

- no change: the minimum is reading every profile, ceil(100 / 25) getProfiles calls;
- 10 new posts (one each in 10 accounts): profiles plus one feed page per account with news;
- 5 deletions among the 1,000 watched posts (5 accounts): profiles plus the look-ups of the
  5 accounts' watched posts, ceil(50 / 25) getPosts calls.

Each scenario runs 5 times on a fresh world and a fresh database; the table gives the
median API calls (counted by the sandbox, which is what the platform would bill), the
ratio to the minimum and the median wall time of the round.

Run: `make bench-collect` (or `.venv/bin/python -m bench.collect [--database-url URL]`).
"""

from __future__ import annotations

import argparse
import math
import statistics
import tempfile
import time
from pathlib import Path

from collectors.runner import collect_platform
from sandbox.seed import bulk_world, people_csv
from sandbox.server import Sandbox
from socialaudit.config import load_settings
from socialaudit.db import make_engine, session_scope, upgrade
from socialaudit.registry import import_people_csv

ACCOUNTS = 100
POSTS_PER_ACCOUNT = 10
PROFILE_BATCH = LOOKUP_BATCH = 25
REPEATS = 5


def minimums() -> dict[str, int]:
    profiles = math.ceil(ACCOUNTS / PROFILE_BATCH)
    return {
        "first collection": profiles + ACCOUNTS,  # resolve by handle, one feed page each
        "no change": profiles,
        "10 new posts": profiles + 10,
        "5 deletions in 1,000 watched posts": profiles
        + math.ceil(5 * POSTS_PER_ACCOUNT / LOOKUP_BATCH),
    }


def one_repeat(database_url: str | None) -> dict[str, tuple[int, float]]:
    world = bulk_world(ACCOUNTS, POSTS_PER_ACCOUNT)
    with tempfile.TemporaryDirectory() as tmp, Sandbox(world) as box:
        url = database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = make_engine(url)
        upgrade(engine)
        with session_scope(engine) as session:
            import_people_csv(session, people_csv(world))
        settings = load_settings(
            environ={
                "SOCIALAUDIT_DATABASE_URL": url,
                "SOCIALAUDIT_PLATFORMS_BLUESKY_BASE_URL": box.url,
            }
        )

        def round_() -> tuple[int, float]:
            world.reset_counts()
            started = time.perf_counter()
            run = collect_platform(engine, settings, "bluesky", now=world.now)
            elapsed = time.perf_counter() - started
            assert run.status == "ok", run.errors
            assert run.api_calls == world.calls("bluesky."), "the budget disagrees with the server"
            return world.calls("bluesky."), elapsed

        results = {"first collection": round_()}
        results["no change"] = round_()
        keys = [a.key for a in world.accounts.values()]
        for key in keys[:10]:
            world.add_post(key, "A new post for the benchmark.")
        results["10 new posts"] = round_()
        for key in keys[20:25]:
            world.delete_post(world.timeline(world.accounts[key])[3])
        results["5 deletions in 1,000 watched posts"] = round_()
        engine.dispose()
        if database_url:
            from sqlmodel import SQLModel

            SQLModel.metadata.drop_all(engine)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="Default: a scratch SQLite file per repeat.")
    parser.add_argument("--repeats", type=int, default=REPEATS)
    args = parser.parse_args()
    runs = [one_repeat(args.database_url) for _ in range(args.repeats)]
    least = minimums()
    print(
        f"{ACCOUNTS} Bluesky accounts, {ACCOUNTS * POSTS_PER_ACCOUNT} watched posts, "
        f"median of {args.repeats} runs"
    )
    print()
    print("| round | API calls | minimum | ratio | wall time |")
    print("|---|---:|---:|---:|---:|")
    for name in runs[0]:
        calls = statistics.median(r[name][0] for r in runs)
        seconds = statistics.median(r[name][1] for r in runs)
        if name in least:
            ratio = f"{calls / least[name]:.2f}"
            floor = str(least[name])
        else:
            ratio, floor = "", ""
        print(f"| {name} | {calls:g} | {floor} | {ratio} | {seconds:.2f} s |")


if __name__ == "__main__":
    main()
