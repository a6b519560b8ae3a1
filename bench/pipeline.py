"""Benchmark: `check` over a large store, 10,000 new posts at a time.

Data: `bench.reports.populate` (invented) at 1x is 1,000 people and about 200,000 posts
(100,000 in the report week), all stamped as checked; then 10,000 new unchecked posts in the
week after it, a quarter of them replies (to someone else's question, to a post in the store,
and conversations of several replies by one account to another), so the referenced-post and
thread look-ups are exercised, and one in twenty with a phone number, so findings are
written. `--scale 5 10` multiplies the people and the posts.

Timed: what `socialaudit check` does, `run_checks` then `update_outcomes`, each run in a fresh
child process, so its peak memory (VmHWM) is that of the check alone. Between runs the
new posts' findings and outcomes are deleted and their `checked_at` and `lifecycle_at`
cleared, so every run does the same work. Before the first run every outcome of the store is
decided once, as earlier runs of `check` would have left it, so the outcome pass is timed as
it runs on a live store: deciding what the new posts can change. Reported: median CPU and
wall seconds of each part, SQL statements per new post (a `before_cursor_execute` count),
peak memory (after the rules, and after the outcomes); on SQLite and PostgreSQL.

    make bench-pipeline                                  # 1x, both backends, 3 runs
    .venv/bin/python -m bench.pipeline --scale 1 5 10 --backend postgres
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench import reports
from socialaudit.models import Account, Finding, Post, PostOutcome, ProfileSnapshot

NEW_POSTS = 10_000
PREFIX = "new-"
OPTIONAL = (
    "reply_to_id",
    "reply_to_account_id",
    "conversation_id",
    "reply_root_id",
    "quote_of_id",
)


def _scaled_populate(engine: sa.Engine, scale: int) -> dict[str, int]:
    saved = reports.PEOPLE, reports.POSTS_IN_WEEK, reports.POSTS_PER_OLDER_WEEK
    reports.PEOPLE = saved[0] * scale
    reports.POSTS_IN_WEEK = saved[1] * scale
    reports.POSTS_PER_OLDER_WEEK = saved[2] * scale
    try:
        return reports.populate(engine)
    finally:
        reports.PEOPLE, reports.POSTS_IN_WEEK, reports.POSTS_PER_OLDER_WEEK = saved


def add_new_posts(engine: sa.Engine, count: int = NEW_POSTS, seed: int = 11) -> None:
    """Stamp the store as checked, then add `count` unchecked posts in the following week."""
    rng = random.Random(seed)
    start = reports.WEEK.bounds(reports.TZ)[1]
    with engine.begin() as conn:
        stamp = start - timedelta(hours=1)
        conn.execute(sa.update(Post).values(checked_at=stamp))
        conn.execute(sa.update(ProfileSnapshot).values(checked_at=stamp))
        accounts = conn.execute(sa.select(Account.id, Account.platform_id)).all()
        old = conn.execute(
            sa.select(Post.platform_id).order_by(Post.id.desc()).limit(5000)
        ).scalars()
        old_ids = list(old)
        rows: list[dict[str, Any]] = []
        for i in range(count):
            aid, _ = accounts[i % len(accounts)]
            created = start + timedelta(seconds=rng.randrange(3 * 86400))
            row: dict[str, Any] = {
                "account_id": aid,
                "platform": "x",
                "platform_id": f"{PREFIX}{i}",
                "url": f"https://x.example/bench/status/{PREFIX}{i}",
                "created_at": created,
                "text": reports._text(rng),
                "kind": "original",
                "links": [],
                "mentions": [],
                "hashtags": [],
                "media": [],
                "first_seen_at": created,
                "last_seen_at": created,
                **dict.fromkeys(OPTIONAL),
            }
            roll = rng.random()
            if roll < 0.10:  # a reply to someone else's question
                row |= {"kind": "reply", "reply_to_id": f"question-{rng.randrange(2000)}"}
            elif roll < 0.15:  # a reply to a post in the store
                row |= {"kind": "reply", "reply_to_id": rng.choice(old_ids)}
            elif roll < 0.25:  # one of several replies in a conversation with someone
                other = accounts[(i * 7) % len(accounts)][1]
                conversation = f"conv-{aid}-{i % 3}"
                row |= {
                    "kind": "reply",
                    "reply_to_id": f"question-{rng.randrange(2000)}",
                    "reply_to_account_id": other,
                    "conversation_id": conversation,
                    "reply_root_id": conversation,
                }
            elif roll < 0.28:
                row |= {"kind": "quote", "quote_of_id": rng.choice(old_ids)}
            if rng.random() < 0.05:  # something to find (CNF305, a phone number), so
                row["text"] += f" Call me on 07911 {rng.randrange(100000, 999999)}"  # findings
            rows.append(row)
        for offset in range(0, len(rows), 5000):
            conn.execute(Post.__table__.insert(), rows[offset : offset + 5000])


def reset(engine: sa.Engine) -> None:
    """Undo a check of the new posts, so the next run does the same work."""
    new = sa.select(Post.id).where(Post.platform_id.like(f"{PREFIX}%"))
    with engine.begin() as conn:
        conn.execute(sa.delete(Finding).where(Finding.post_id.in_(new)))
        conn.execute(sa.delete(PostOutcome).where(PostOutcome.post_id.in_(new)))
        conn.execute(
            sa.update(Post)
            .where(Post.platform_id.like(f"{PREFIX}%"))
            .values(checked_at=None, lifecycle_at=None)
        )


def peak_mib() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux carries a forked
    child's maximum over `exec`, so ru_maxrss would report the parent that built the store."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _now() -> Any:
    """The moment every timed `check` runs at: four days after the report week."""
    return reports.WEEK.bounds(reports.TZ)[1] + timedelta(days=4)


def child(url: str) -> None:
    """One timed `check` (as the CLI runs it); prints a JSON line."""
    from socialaudit.config import load_settings
    from socialaudit.db import make_engine
    from socialaudit.pipeline.check_runner import run_checks
    from socialaudit.pipeline.lifecycle import update_outcomes

    engine = make_engine(url)
    statements = [0]

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _count(*_: Any) -> None:
        statements[0] += 1

    settings = load_settings(environ={"SOCIALAUDIT_ORGANISATION_TIMEZONE": reports.TZ})
    now = _now()
    out: dict[str, Any] = {}
    began, began_cpu = time.perf_counter(), time.process_time()
    summary = run_checks(engine, settings)
    out["checks_wall"] = time.perf_counter() - began
    out["checks_cpu"] = time.process_time() - began_cpu
    out["checks_statements"] = statements[0]
    out["checks_peak_mib"] = peak_mib()
    began, began_cpu = time.perf_counter(), time.process_time()
    update_outcomes(engine, settings, now=now)
    out["outcomes_wall"] = time.perf_counter() - began
    out["outcomes_cpu"] = time.process_time() - began_cpu
    out["statements"] = statements[0]
    out["posts"] = summary.posts
    out["findings"] = summary.new_findings
    out["peak_mib"] = peak_mib()
    print(json.dumps(out))


def bench(url: str, backend: str, scale: int, runs: int) -> dict[str, Any]:
    from socialaudit.db import make_engine, upgrade

    engine = make_engine(url)
    upgrade(engine)
    began = time.perf_counter()
    sizes = _scaled_populate(engine, scale)
    # The store as earlier runs of `check` left it: every outcome decided once.
    from socialaudit.config import load_settings
    from socialaudit.pipeline.lifecycle import update_outcomes

    settings = load_settings(environ={"SOCIALAUDIT_ORGANISATION_TIMEZONE": reports.TZ})
    first = time.process_time()
    update_outcomes(engine, settings, now=_now())
    sizes["first_outcomes_cpu"] = round(time.process_time() - first, 2)
    add_new_posts(engine)
    if backend == "postgres":
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
    loaded = time.perf_counter() - began
    results = []
    for n in range(runs):
        if n:
            reset(engine)
        proc = subprocess.run(
            [sys.executable, "-m", "bench.pipeline", "--child", url],
            check=True,
            capture_output=True,
            text=True,
        )
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    engine.dispose()

    def med(key: str) -> float:
        return round(statistics.median(r[key] for r in results), 3)

    posts = results[0]["posts"]
    return {
        "backend": backend,
        "scale": scale,
        **sizes,
        "new_posts": posts,
        "new_findings": results[0]["findings"],
        "load_seconds": round(loaded, 1),
        "checks_cpu": med("checks_cpu"),
        "checks_wall": med("checks_wall"),
        "outcomes_cpu": med("outcomes_cpu"),
        "outcomes_wall": med("outcomes_wall"),
        "check_cpu": round(med("checks_cpu") + med("outcomes_cpu"), 3),
        "check_wall": round(med("checks_wall") + med("outcomes_wall"), 3),
        "checks_statements_per_post": round(results[0]["checks_statements"] / max(posts, 1), 3),
        "statements_per_post": round(results[0]["statements"] / max(posts, 1), 3),
        "checks_peak_mib": round(max(r["checks_peak_mib"] for r in results), 1),
        "peak_mib": round(max(r["peak_mib"] for r in results), 1),
        "runs": results,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--scale", type=int, nargs="+", default=[1])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres-url", default=reports.PG_URL)
    parser.add_argument("--out", type=Path, default=Path("bench/results/pipeline.json"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results = []
    print(
        "| backend | scale | posts in store | check CPU s (rules + outcomes) | check wall s "
        "| posts/s (rules) | SQL/post (rules; all) | peak MiB (rules; all) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for scale in args.scale:
        for backend in backends:
            context = (
                reports._sqlite() if backend == "sqlite" else reports._postgres(args.postgres_url)
            )
            with context as url:
                r = bench(url, backend, scale, args.runs)
            results.append(r)
            rate = r["new_posts"] / r["checks_wall"] if r["checks_wall"] else 0
            print(
                f"| {backend} | {scale}x | {r['posts']:,} | {r['check_cpu']:.2f} "
                f"({r['checks_cpu']:.2f} + {r['outcomes_cpu']:.2f}) | {r['check_wall']:.2f} "
                f"| {rate:,.0f} | {r['checks_statements_per_post']:.2f}; "
                f"{r['statements_per_post']:.2f} "
                f"| {r['checks_peak_mib']:.0f}; {r['peak_mib']:.0f} |",
                flush=True,
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
