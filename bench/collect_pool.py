"""Benchmark: a collection round with several accounts in flight, against one at a time.

A Bluesky world of 1,000 registered accounts with 2 posts each, served by a sandbox that
answers every API call after 150 ms (a real platform's round trip; the sandbox answers
several clients at once). The round is a first collection: the handles resolved in batches
of 25, then one timeline page per account. It runs with `collection.concurrency` 1 (one
account at a time, as before) and with the pool sizes given, each on a fresh world and a
fresh SQLite database; reported: wall seconds, API calls (counted by the sandbox), 429
answers, the most calls in flight at once, and the speed-up against one at a time.

    make bench-collect-pool     # .venv/bin/python -m bench.collect_pool [--pool 8 16]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from collectors.runner import collect_platform
from sandbox.seed import bulk_world, people_csv
from sandbox.server import Sandbox
from socialaudit.config import load_settings
from socialaudit.db import make_engine, session_scope, upgrade
from socialaudit.registry import import_people_csv

ACCOUNTS = 1000
POSTS = 2
LATENCY = 0.150


def one_round(concurrency: int, accounts: int, latency: float) -> dict[str, float]:
    world = bulk_world(accounts, POSTS, "bluesky")
    with tempfile.TemporaryDirectory() as tmp, Sandbox(world, latency=latency) as box:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = make_engine(url)
        upgrade(engine)
        with session_scope(engine) as session:
            import_people_csv(session, people_csv(world))
        settings = load_settings(
            environ={
                "SOCIALAUDIT_DATABASE_URL": url,
                "SOCIALAUDIT_PLATFORMS_BLUESKY_BASE_URL": box.url,
                "SOCIALAUDIT_COLLECTION_CONCURRENCY": str(concurrency),
            }
        )
        started = time.perf_counter()
        run = collect_platform(engine, settings, "bluesky", now=world.now)
        elapsed = time.perf_counter() - started
        assert run.status == "ok", run.errors
        assert run.new_posts == accounts * POSTS
        engine.dispose()
        return {
            "seconds": elapsed,
            "calls": world.calls("bluesky."),
            "rate_limited": run.rate_limited,
            "peak": box.server.peak_in_flight,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=int, nargs="+", default=[8, 16])
    parser.add_argument("--accounts", type=int, default=ACCOUNTS)
    parser.add_argument("--latency", type=float, default=LATENCY)
    args = parser.parse_args()
    print(
        f"{args.accounts} Bluesky accounts, first collection, {args.latency * 1000:.0f} ms a call"
    )
    print()
    print("| accounts at a time | wall s | API calls | 429 | most in flight | speed-up |")
    print("|---:|---:|---:|---:|---:|---:|")
    base = None
    for concurrency in [1, *args.pool]:
        r = one_round(concurrency, args.accounts, args.latency)
        base = base or r["seconds"]
        print(
            f"| {concurrency} | {r['seconds']:.1f} | {r['calls']:g} | {r['rate_limited']:g} "
            f"| {r['peak']:g} | {base / r['seconds']:.1f}x |",
            flush=True,
        )


if __name__ == "__main__":
    main()
