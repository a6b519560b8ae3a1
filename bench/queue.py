"""Benchmark: the review queue's read model with filters, search and sorts, in process.

Data: the store of `bench/reports.py` (1,000 people, 202,000 posts, 260,000 findings), its
posts folded into `postsearch` first (timed: what migration 0014 costs such a store). Each
query builds one queue page (51 rows, as `/review` asks) in a fresh session, `--runs` times
(default 7); the table gives the median wall time, the median CPU time of this process (the
database server's share is not in it) and the SQL statements per page, and each query's
median as a ratio of the default page's (open findings, most serious first), which is what
`bench/web.py` measures under 50 clients. The ratios carry over to a loaded machine better
than the times do. `bench/web.py` needs `wrk`; this needs nothing but the databases.

    .venv/bin/python -m bench.queue --backend both --runs 7
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from bench.reports import PG_URL, _postgres, _sqlite, populate
from socialaudit.db import make_engine, upgrade
from socialaudit.models import Finding, Person, Post
from socialaudit.search import index_missing
from socialaudit.web import queries
from socialaudit.web.queue import QueueQuery, page

QUERIES: dict[str, QueueQuery] = {
    "default (open, by severity)": QueueQuery(),
    "person=person 0042": QueueQuery(person="person 0042"),
    "rule=rsp501": QueueQuery(rule="rsp501"),
    "q=petition (common word)": QueueQuery(q="petition"),
    "q=bench person 0042": QueueQuery(q="bench person 0042"),
    "q=zzqx (no match)": QueueQuery(q="zzqx"),
    "sort=posted desc": QueueQuery(sort="posted", descending=True),
    "sort=person": QueueQuery(sort="person"),
    "disputed only": QueueQuery(disputed=True),
}


def _measure(engine: sa.Engine, build: Any, runs: int) -> dict[str, Any]:
    statements = [0]

    def count(*_: Any) -> None:
        statements[0] += 1

    sa.event.listen(engine, "before_cursor_execute", count)
    walls, cpus, per_page = [], [], []
    try:
        for _ in range(runs):
            statements[0] = 0
            with Session(engine) as session:
                began, began_cpu = time.perf_counter(), time.process_time()
                build(session)
                walls.append(time.perf_counter() - began)
                cpus.append(time.process_time() - began_cpu)
            per_page.append(statements[0])
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return {
        "median_ms": round(statistics.median(walls) * 1000, 1),
        "cpu_ms": round(statistics.median(cpus) * 1000, 1),
        "statements": max(per_page),
        "runs_ms": [round(w * 1000, 1) for w in walls],
    }


def bench(url: str, backend: str, runs: int, reuse: bool = False) -> dict[str, Any]:
    engine = make_engine(url)
    upgrade(engine)
    if reuse:  # a store this script (or bench/reports.py) filled before
        with Session(engine) as session:
            sizes = {
                name: session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                for name, table in (("people", Person), ("posts", Post), ("findings", Finding))
            }
    else:
        sizes = populate(engine)
    began = time.perf_counter()
    with Session(engine) as session:
        folded = index_missing(session)
        session.commit()
    fold_seconds = time.perf_counter() - began
    if backend == "postgres":
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
    result: dict[str, Any] = {
        "backend": backend,
        **sizes,
        "folded_posts": folded,
        "fold_seconds": round(fold_seconds, 1),
        "load_average": round(os.getloadavg()[0], 2),
        "queries": {},
    }
    result["queries"]["before: queries.list_findings (open)"] = _measure(
        engine,
        lambda s: queries.list_findings(s, status="open", limit=51),
        runs,
    )
    for label, query in QUERIES.items():
        result["queries"][label] = _measure(
            engine, lambda s, q=query: page(s, q, limit=51, offset=0), runs
        )
    engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--postgres-url", default=PG_URL)
    parser.add_argument("--out", type=Path, default=Path("bench/results/queue.json"))
    parser.add_argument(
        "--sqlite-file",
        type=Path,
        default=None,
        help="SQLite only: this file, filled with the bench store on first use and kept",
    )
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    if args.sqlite_file is not None:
        backends = ["sqlite"]
    results = []
    for backend in backends:
        if args.sqlite_file is not None:
            reuse = args.sqlite_file.is_file()
            result = bench(f"sqlite:///{args.sqlite_file}", backend, args.runs, reuse)
            results.append(result)
            _print(result)
            continue
        context = _sqlite() if backend == "sqlite" else _postgres(args.postgres_url)
        with context as url:
            result = bench(url, backend, args.runs)
        results.append(result)
        _print(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


def _print(result: dict[str, Any]) -> None:
    print(
        f"{result['backend']}: {result['people']} people, {result['posts']} posts, "
        f"{result['findings']} findings; {result['folded_posts']} posts folded in "
        f"{result['fold_seconds']} s; load average {result['load_average']}"
    )
    base = result["queries"]["default (open, by severity)"]["median_ms"] or 0.1
    for label, row in result["queries"].items():
        print(
            f"  {label:38s} median {row['median_ms']:7.1f} ms  CPU {row['cpu_ms']:7.1f} ms  "
            f"{row['statements']:2d} statements  {row['median_ms'] / base:5.1f}x default"
        )


if __name__ == "__main__":
    main()
