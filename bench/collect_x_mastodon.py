"""API calls per collection round on X and Mastodon, against the minimum the batches allow.

A world of 100 registered accounts with 10 watched posts each (1,000 posts) on one platform;
after a first full collection, three rounds:

- no change: the minimum is reading every profile: X `get_users` takes 100 ids (1 call);
  Mastodon has one `account` call per account (100);
- 10 new posts (one each in 10 accounts): profiles plus one timeline page per account with
  news;
- 5 deletions among the 1,000 watched posts (5 accounts): profiles plus the look-ups of the
  5 accounts' 50 watched posts: X `get_tweets` 100 ids a call (1), Mastodon
  `statuses(ids)` 20 a call (3).

Each scenario runs 5 times on a fresh world and database; the table gives the median API
calls (counted by the sandbox, which is what the platform sees and X bills), the ratio to the
minimum, the median posts read and the median wall time of the round.

Run: `make bench-collect-x-mastodon` (or `.venv/bin/python -m bench.collect_x_mastodon`).
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
REPEATS = 5
BATCHES = {"x": (100, 100), "mastodon": (1, 20)}  # (profiles, look-ups) per call
SCENARIOS = ("no change", "10 new posts", "5 deletions in 1,000 watched posts")


def minimums(platform: str) -> dict[str, int]:
    profile_batch, lookup_batch = BATCHES[platform]
    profiles = math.ceil(ACCOUNTS / profile_batch)
    return {
        "no change": profiles,
        "10 new posts": profiles + 10,
        "5 deletions in 1,000 watched posts": profiles
        + math.ceil(5 * POSTS_PER_ACCOUNT / lookup_batch),
    }


def one_repeat(platform: str, database_url: str | None) -> dict[str, tuple[int, int, float]]:
    world = bulk_world(ACCOUNTS, POSTS_PER_ACCOUNT, platform=platform)
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
                "SOCIALAUDIT_X_BEARER_TOKEN": "bench-bearer-token-1",
            }
        )

        def round_() -> tuple[int, int, float]:
            world.reset_counts()
            started = time.perf_counter()
            run = collect_platform(engine, settings, platform, now=world.now)
            elapsed = time.perf_counter() - started
            assert run.status == "ok", run.errors
            assert run.api_calls == world.calls(f"{platform}."), "budget disagrees with server"
            return world.calls(f"{platform}."), run.posts_read, elapsed

        round_()  # the first collection
        results = {"no change": round_()}
        keys = [a.key for a in world.accounts.values()]
        for key in keys[:10]:
            world.add_post(key, "A new post for the benchmark.")
        results["10 new posts"] = round_()
        for key in keys[20:25]:
            world.delete_post(world.timeline(world.accounts[key])[3])
        results["5 deletions in 1,000 watched posts"] = round_()
        engine.dispose()
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a scratch SQLite file per repeat")
    parser.add_argument("--platform", choices=sorted(BATCHES), action="append")
    args = parser.parse_args()
    print("| platform | scenario | minimum | median calls | ratio | posts read | median s |")
    print("|---|---|---|---|---|---|---|")
    for platform in args.platform or sorted(BATCHES, reverse=True):
        runs = [one_repeat(platform, args.database_url) for _ in range(REPEATS)]
        for scenario, minimum in minimums(platform).items():
            calls = statistics.median(r[scenario][0] for r in runs)
            read = statistics.median(r[scenario][1] for r in runs)
            seconds = statistics.median(r[scenario][2] for r in runs)
            print(
                f"| {platform} | {scenario} | {minimum} | {calls:g} | {calls / minimum:.2f} "
                f"| {read:g} | {seconds:.2f} |"
            )


if __name__ == "__main__":
    main()
