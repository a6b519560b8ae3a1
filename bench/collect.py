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

Run: `make bench-collect` (or `.venv/bin/python -m bench.collect [--platform P]
[--database-url URL] [--repeats N]`); the minimums follow the collector's batch sizes, so
the X and Mastodon collectors are measured the same way once registered.
"""

from __future__ import annotations

import argparse
import importlib
import math
import statistics
import tempfile
import time
from pathlib import Path

from collectors.runner import collect_platform
from sandbox.seed import bulk_world, people_csv
from sandbox.server import Sandbox
from socialaudit import platforms
from socialaudit.config import load_settings
from socialaudit.db import make_engine, session_scope, upgrade
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


def one_repeat(database_url: str | None, platform: str) -> dict[str, tuple[int, int, float]]:
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
        engine.dispose()
        if database_url:
            from sqlmodel import SQLModel

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
        runs = [one_repeat(args.database_url, platform) for _ in range(args.repeats)]
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


if __name__ == "__main__":
    main()
