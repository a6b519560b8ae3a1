"""Benchmark: the weekly report and the 52-week dashboard over a large invented store.

Data (bulk-inserted, invented): 1,000 people in 23 teams with one account and one profile
snapshot each; in the report week 100,000 posts (replies to questions, copies of official
posts, deletions, edits) and 5,000 findings; in each of the 51 weeks before it 2,000 posts
and 5,000 findings, so the dashboard reads 52 weeks of findings (260,000 rows).

Timed: `reports.weekly.write` (read, count, render HTML, stream CSV + JSON, write) for the
week and `reports.dashboard.write` for 52 weeks, each run `--runs` times in this process
(median wall and CPU, with the ratio to the 5-second budget), then again each in a fresh
process as the CLI runs it (imports included: median CPU, wall, and peak memory, VmHWM), and
`socialaudit report` of an empty week through the CLI (the start-up floor, CPU seconds of
the child). `--scale 5 10` multiplies the people and posts (5,000 findings a week stay).
After the bulk load the dashboard's weekly aggregates are counted once, as `check` would have
kept them. Runs on SQLite and on a scratch PostgreSQL database created for the purpose and
dropped afterwards.

    make bench-reports            # both backends, 1x
    .venv/bin/python -m bench.reports --backend sqlite --runs 5 [--scale 1 5 10]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from reports import dashboard, weekly
from socialaudit.config import load_settings
from socialaudit.db import make_engine, upgrade
from socialaudit.models import (
    Account,
    CollectionRun,
    Finding,
    Person,
    Post,
    ProfileSnapshot,
    ReferencedPost,
)
from socialaudit.weeks import Week

WEEK = Week.parse("2026-W47")
EMPTY_WEEK = Week.parse("2025-W10")  # long before the data: an empty report, the start-up floor
PEOPLE = 1000
POSTS_IN_WEEK = 100_000
FINDINGS_PER_WEEK = 5_000
DASHBOARD_WEEKS = 52
POSTS_PER_OLDER_WEEK = 2_000
BUDGET_SECONDS = 5.0
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TZ = "Europe/London"
RULES = [
    ("NPT201", "political-endorsement", "high"),
    ("NPT202", "amplifies-political-account", "review"),
    ("CNF301", "confidential-marker", "medium"),
    ("CNF303", "financial-information", "high"),
    ("CNF305", "personal-data", "high"),
    ("PND402", "pending-position", "review"),
    ("RSP501", "disrespectful-language", "medium"),
    ("RSP502", "hasty-reply", "review"),
    ("LAW601", "possible-defamation", "review"),
    ("MST801", "deleted-without-correction", "medium"),
]
PROFILE_RULES = [
    ("TRN101", "missing-views-disclaimer", "medium"),
    ("TRN102", "missing-affiliation", "medium"),
]
WORDS = [
    "rights",
    "protest",
    "justice",
    "release",
    "detained",
    "campaign",
    "report",
    "freedom",
    "speech",
    "vote",
    "court",
    "today",
    "our",
    "team",
    "urges",
    "government",
    "torture",
    "refugees",
    "climate",
    "action",
    "petition",
    "sign",
    "read",
]


def _text(rng: random.Random, words: int = 18) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _insert(conn: sa.Connection, table: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Bulk insert; returns the ids in order (ids are assigned consecutively from max+1)."""
    first = (conn.scalar(sa.select(sa.func.max(table.id))) or 0) + 1
    for offset in range(0, len(rows), 20_000):
        conn.execute(table.__table__.insert(), rows[offset : offset + 20_000])
    return list(range(first, first + len(rows)))


def populate(engine: Engine, seed: int = 7) -> dict[str, int]:
    rng = random.Random(seed)
    start, _ = WEEK.bounds(TZ)
    earliest = WEEK.previous(DASHBOARD_WEEKS - 1).bounds(TZ)[0]
    teams = [f"Team {i:02d}" for i in range(20)] + ["Press", "Legal", "Board"]
    weights = [8] * 20 + [1, 1, 1]  # three teams end up smaller than five people
    with engine.begin() as conn:
        person_ids = _insert(
            conn,
            Person,
            [
                {
                    "name": f"Bench Person {i:04d}",
                    "email": f"bench{i}@example.org",
                    "team": rng.choices(teams, weights)[0] if i > 2 else teams[-1 - i],
                    "role": "spokesperson",
                    "active": True,
                    "nudges": True,
                    "timezone": "UTC",
                    "language": "en",
                    "created_at": earliest - timedelta(days=30),
                }
                for i in range(PEOPLE)
            ],
        )
        account_ids = _insert(
            conn,
            Account,
            [
                {
                    "person_id": pid,
                    "platform": "x",
                    "platform_id": f"bench-{pid}",
                    "handle": f"bench{pid}",
                    "active": True,
                    "status": "ok" if pid % 97 else "protected",
                    "created_at": earliest - timedelta(days=30),
                }
                for pid in person_ids
            ],
        )
        person_of = dict(zip(account_ids, person_ids, strict=True))
        snapshot_ids = _insert(
            conn,
            ProfileSnapshot,
            [
                {
                    "account_id": aid,
                    "handle": f"bench{aid}",
                    "bio": "Campaigner. Views my own." if aid % 4 else "Campaigner.",
                    "fields": [],
                    "content_hash": f"h{aid}",
                    "seen_at": earliest - timedelta(days=1),
                }
                for aid in account_ids
            ],
        )
        official = [
            {
                "platform": "x",
                "platform_id": f"official-{i}",
                "author_handle": "amnesty",
                "text": _text(rng, 25),
                "created_at": start + timedelta(hours=i),
                "seen_at": start + timedelta(hours=i),
            }
            for i in range(50)
        ]
        questions = [
            {
                "platform": "x",
                "platform_id": f"question-{i}",
                "author_handle": f"asker{i}",
                "text": _text(rng, 10) + "?",
                "created_at": start + timedelta(minutes=3 * i),
                "seen_at": start + timedelta(minutes=3 * i),
            }
            for i in range(2000)
        ]
        _insert(conn, ReferencedPost, official + questions)

        posts: list[dict[str, Any]] = []

        def add_posts(count: int, week_start: datetime, prefix: str, busy: bool) -> None:
            for i in range(count):
                aid = account_ids[i % len(account_ids)]
                created = week_start + timedelta(seconds=rng.randrange(7 * 86400 - 1))
                kind, reply_to, text = "original", None, _text(rng)
                roll = rng.random()
                if busy and roll < 0.25:
                    kind, reply_to = "reply", f"question-{rng.randrange(2000)}"
                elif busy and roll < 0.26:
                    text = official[rng.randrange(50)]["text"]
                elif roll < 0.30:
                    kind = "repost"
                deleted = rng.random() < 0.01
                posts.append(
                    {
                        "account_id": aid,
                        "platform": "x",
                        "platform_id": f"{prefix}-{i}",
                        "url": f"https://x.example/bench/status/{prefix}-{i}",
                        "created_at": created,
                        "text": text,
                        "kind": kind,
                        "reply_to_id": reply_to,
                        "links": [],
                        "mentions": [],
                        "hashtags": [],
                        "media": [],
                        "edited": rng.random() < 0.02,
                        "first_seen_at": created,
                        "last_seen_at": created,
                        "deleted_at": created + timedelta(hours=3) if deleted else None,
                        "deletion_cause": (
                            rng.choice(["deleted", "deleted", "account-protected"])
                            if deleted
                            else None
                        ),
                    }
                )

        add_posts(POSTS_IN_WEEK, start, "w", busy=True)
        for back in range(1, DASHBOARD_WEEKS):
            week = WEEK.previous(back)
            add_posts(POSTS_PER_OLDER_WEEK, week.bounds(TZ)[0], str(week), busy=False)
        post_ids = _insert(conn, Post, posts)

        findings: list[dict[str, Any]] = []
        by_week: dict[str, list[int]] = {}
        for pid, row in zip(post_ids, posts, strict=True):
            by_week.setdefault(str(Week.of(row["created_at"], TZ)), []).append(pid)
        account_of_post = {pid: row["account_id"] for pid, row in zip(post_ids, posts, strict=True)}
        for back in range(DASHBOARD_WEEKS):
            label = str(WEEK.previous(back))
            checked = WEEK.previous(back).bounds(TZ)[0] + timedelta(days=1)
            candidates = by_week.get(label, [])
            for n in range(FINDINGS_PER_WEEK):
                if n % 10 == 0:
                    aid = account_ids[(n // 10) % len(account_ids)]
                    code, name, severity = PROFILE_RULES[(n // 10) % 2]
                    post_id, snapshot_id, subject = (
                        None,
                        snapshot_ids[aid - account_ids[0]],
                        "profile",
                    )
                else:
                    post_id = candidates[rng.randrange(len(candidates))]
                    aid = account_of_post[post_id]
                    code, name, severity = RULES[rng.randrange(len(RULES))]
                    snapshot_id, subject = None, "post"
                findings.append(
                    {
                        "fingerprint": f"{label}-{n}",
                        "rule_code": code,
                        "rule_name": name,
                        "severity": severity,
                        "confidence": "medium",
                        "subject_type": subject,
                        "person_id": person_of[aid],
                        "account_id": aid,
                        "post_id": post_id,
                        "snapshot_id": snapshot_id,
                        "message": "",
                        "evidence": [{"start": 0, "end": 8}],
                        "week": label,
                        "created_at": checked + timedelta(seconds=n),
                        "review_status": "open" if n % 50 else "false-positive",
                    }
                )
        _insert(conn, Finding, findings)
        _insert(
            conn,
            CollectionRun,
            [
                {
                    "platform": "x",
                    "started_at": start + timedelta(hours=2 * i),
                    "finished_at": start + timedelta(hours=2 * i, minutes=5),
                    "status": "ok",
                    "accounts": PEOPLE,
                    "api_calls": 30,
                    "rate_limited": i % 3 == 0,
                    "errors": [],
                }
                for i in range(84)
            ],
        )
    return {"people": PEOPLE, "posts": len(posts), "findings": len(findings)}


def _median(fn: Callable[[], Any], runs: int) -> tuple[float, list[float], float]:
    """Median wall time, every run's wall time, and the median CPU time of this process.

    CPU time is reported too because the machine may be shared: it is what the work costs
    this process (for PostgreSQL, the server's share is not in it), whatever else runs.
    """
    times, cpu = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    return statistics.median(times), times, statistics.median(cpu)


def peak_mib() -> float:
    """This process's peak resident memory (VmHWM: a forked child's ru_maxrss carries the
    parent's maximum over `exec`)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(what: str, url: str, out: str) -> None:
    """One `report` or `dashboard` in a fresh interpreter, as the CLI runs it (imports
    included); prints CPU, wall and peak memory as a JSON line."""
    began, began_cpu = time.perf_counter(), time.process_time()
    from reports import dashboard, weekly
    from socialaudit.config import load_settings
    from socialaudit.db import make_engine

    engine = make_engine(url)
    settings = load_settings(environ={"SOCIALAUDIT_ORGANISATION_TIMEZONE": TZ})
    if what == "report":
        weekly.write(engine, settings, WEEK, Path(out))
    elif what == "empty":
        weekly.write(engine, settings, EMPTY_WEEK, Path(out))
    else:
        dashboard.write(engine, settings, DASHBOARD_WEEKS, WEEK, Path(out))
    print(
        json.dumps(
            {
                "wall": time.perf_counter() - began,
                "cpu": time.process_time() - began_cpu,
                "peak_mib": peak_mib(),
            }
        )
    )


def _children(what: str, url: str, out: str, runs: int) -> dict[str, float]:
    """Medians over `runs` fresh processes (start-up included)."""
    results = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-m", "bench.reports", "--child", what, url, out],
            check=True,
            capture_output=True,
            text=True,
        )
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {
        key: round(statistics.median(r[key] for r in results), 3)
        for key in ("wall", "cpu", "peak_mib")
    }


def _cli_start(url: str, out: str, runs: int) -> dict[str, float]:
    """`socialaudit report` of an empty week through the CLI, in a fresh process each run:
    the start-up floor (imports, settings, database), children's CPU seconds from rusage."""
    cpu, wall = [], []
    env = {**os.environ, "SOCIALAUDIT_DATABASE_URL": url}
    env.pop("SOCIALAUDIT_CONFIG", None)
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "socialaudit", "report", "--week", str(EMPTY_WEEK), "-o", out],
            check=True,
            capture_output=True,
            env=env,
        )
        wall.append(time.perf_counter() - began)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return {"wall": round(statistics.median(wall), 3), "cpu": round(statistics.median(cpu), 3)}


@contextmanager
def _sqlite() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{folder}/bench.db"


@contextmanager
def _postgres(admin_url: str) -> Iterator[str]:
    name = f"socialaudit_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def scaled_populate(engine: Engine, scale: int) -> dict[str, int]:
    """`populate` with `scale` times the people and the posts (findings stay per week)."""
    global PEOPLE, POSTS_IN_WEEK, POSTS_PER_OLDER_WEEK
    saved = PEOPLE, POSTS_IN_WEEK, POSTS_PER_OLDER_WEEK
    PEOPLE, POSTS_IN_WEEK, POSTS_PER_OLDER_WEEK = (n * scale for n in saved)
    try:
        return populate(engine)
    finally:
        PEOPLE, POSTS_IN_WEEK, POSTS_PER_OLDER_WEEK = saved


def bench(url: str, backend: str, runs: int, scale: int = 1) -> dict[str, Any]:
    engine = make_engine(url)
    upgrade(engine)
    began = time.perf_counter()
    sizes = scaled_populate(engine, scale)
    loaded = time.perf_counter() - began
    if backend == "postgres":
        with engine.begin() as conn:  # committed: statistics of a rolled-back ANALYZE are lost
            conn.execute(sa.text("ANALYZE"))
    aggregated = None
    try:
        from socialaudit import aggregates
    except ImportError:  # a tree from before the weekly aggregates
        pass
    else:
        # `check` keeps the aggregates current; bulk inserts bypass it, so count them once.
        began = time.perf_counter()
        aggregates.sync(engine)
        aggregated = round(time.perf_counter() - began, 2)
    settings = load_settings(environ={"SOCIALAUDIT_ORGANISATION_TIMEZONE": TZ})
    with tempfile.TemporaryDirectory() as out:
        report_median, report_runs, report_cpu = _median(
            lambda: weekly.write(engine, settings, WEEK, Path(out)), runs
        )
        board_median, board_runs, board_cpu = _median(
            lambda: dashboard.write(engine, settings, DASHBOARD_WEEKS, WEEK, Path(out)), runs
        )
        html_size = (Path(out) / f"report-{WEEK}.html").stat().st_size
        csv_size = (Path(out) / f"report-{WEEK}.csv").stat().st_size
        fresh = {what: _children(what, url, out, runs) for what in ("report", "dashboard")}
        start = _cli_start(url, out, runs)
    engine.dispose()
    return {
        "backend": backend,
        "scale": scale,
        **sizes,
        "load_seconds": round(loaded, 2),
        "aggregates_built_seconds": aggregated,
        "report_median": round(report_median, 3),
        "report_runs": [round(t, 3) for t in report_runs],
        "report_cpu_median": round(report_cpu, 3),
        "report_html_bytes": html_size,
        "report_csv_bytes": csv_size,
        "dashboard_median": round(board_median, 3),
        "dashboard_runs": [round(t, 3) for t in board_runs],
        "dashboard_cpu_median": round(board_cpu, 3),
        "report_process": fresh["report"],
        "dashboard_process": fresh["dashboard"],
        "empty_report_cli": start,
        "load_average": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:5])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", type=int, nargs="+", default=[1])
    parser.add_argument("--postgres-url", default=PG_URL)
    parser.add_argument("--out", type=Path, default=Path("bench/results/reports.json"))
    args = parser.parse_args()
    results = []
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    for scale in args.scale:
        for backend in backends:
            context = _sqlite() if backend == "sqlite" else _postgres(args.postgres_url)
            with context as url:
                result = bench(url, backend, args.runs, scale)
            results.append(result)
            tag = f"{backend:8s} {scale:>2d}x"
            print(
                f"{tag} data: {result['people']} people, {result['posts']} posts, "
                f"{result['findings']} findings (loaded in {result['load_seconds']} s; "
                f"aggregates built in {result['aggregates_built_seconds']} s; "
                f"load average {result['load_average']})"
            )
            for what in ("report", "dashboard"):
                median = result[f"{what}_median"]
                fresh = result[f"{what}_process"]
                print(
                    f"{tag} {what:9s} median of {args.runs}: {median:.2f} s "
                    f"({median / BUDGET_SECONDS:.0%} of the {BUDGET_SECONDS:.0f} s budget), "
                    f"CPU {result[f'{what}_cpu_median']:.2f} s, runs {result[f'{what}_runs']}; "
                    f"fresh process: CPU {fresh['cpu']:.2f} s, wall {fresh['wall']:.2f} s, "
                    f"peak {fresh['peak_mib']:.0f} MiB"
                )
            start = result["empty_report_cli"]
            print(
                f"{tag} empty-week `socialaudit report`: CPU {start['cpu']:.2f} s, "
                f"wall {start['wall']:.2f} s; report HTML {result['report_html_bytes']:,} bytes, "
                f"CSV {result['report_csv_bytes']:,} bytes"
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
