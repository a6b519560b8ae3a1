"""Benchmark: the review queue and the dashboard under 50 concurrent signed-in clients.

Data: the store of `bench/reports.py` (1,000 people, 100,000 posts and 5,000 findings in the
report week, 2,000 posts and 5,000 findings in each of the 51 weeks before: 260,000
findings) on a scratch PostgreSQL database created for the purpose and dropped afterwards.

Served by `socialaudit serve` (uvicorn, one process) in a subprocess on loopback; a reviewer
and a manager sign in through the login form. Load: `wrk` (C, cheap enough to leave the
server its share of this 2-core machine), 2 threads, 50 connections, 30 s per run, each
connection sending its next request as soon as the previous answer arrives. Each page is
run `--runs` times (default 3) after a warm-up; the table gives the median of the runs'
p50, p95, p99 and requests/s, and the errors (connection errors, timeouts, non-2xx/3xx).

    make bench-web
    .venv/bin/python -m bench.web --runs 3 --seconds 30 --connections 50
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlmodel import Session

from bench.reports import PG_URL, TZ, _postgres, populate
from socialaudit.db import make_engine, upgrade
from socialaudit.users import add_user
from socialaudit.web.security import SESSION_COOKIE

TARGET_P95_MS = 200.0
PASSWORD = "bench password, invented"
PAGES = {
    "review queue": ("bench-reviewer", "/review"),
    "dashboard": ("bench-manager", "/dashboard"),
}
# wrk's --latency prints p50/p75/p90/p99 only: this script reports p95 too, and the errors.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _server(url: str, port: int, workers: int = 1) -> Iterator[str]:
    """`socialaudit serve` on loopback until the block ends; yields its base URL."""
    env = {
        **os.environ,
        "SOCIALAUDIT_DATABASE_URL": url,
        "SOCIALAUDIT_ORGANISATION_TIMEZONE": TZ,
    }
    command = [sys.executable, "-m", "socialaudit", "serve", "--host", "127.0.0.1"]
    process = subprocess.Popen(
        [*command, "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{base}/login", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    raise RuntimeError("socialaudit serve exited at start-up") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _sign_in(base: str, name: str) -> str:
    """Sign in through the login form, as a browser does; returns the session cookie."""
    with httpx.Client(base_url=base, follow_redirects=False) as client:
        form = client.get("/login").text
        match = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert match, "no CSRF token on the login form"
        answer = client.post(
            "/login",
            data={"name": name, "password": PASSWORD, "csrf_token": match.group(1), "next": "/"},
        )
        if answer.status_code != 303:
            raise RuntimeError(f"sign-in of {name} failed: {answer.status_code}")
        return str(client.cookies[SESSION_COOKIE])


def _wrk(url: str, cookie: str, seconds: int, connections: int, script: Path) -> dict[str, Any]:
    command = [
        "wrk",
        "--latency",
        "-t",
        "2",
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        "-H",
        f"Cookie: {SESSION_COOKIE}={cookie}",
        url,
    ]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    match = re.search(r"^RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", out, re.MULTILINE)
    if not match:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    requests, micros, p50, p95, p99, errors, bad_status = map(int, match.groups())
    return {
        "requests": requests,
        "rps": requests / (micros / 1e6),
        "p50_ms": p50 / 1000,
        "p95_ms": p95 / 1000,
        "p99_ms": p99 / 1000,
        "errors": errors + bad_status,
    }


def bench(
    url: str, runs: int, seconds: int, connections: int, workers: int, script: Path
) -> dict[str, dict[str, Any]]:
    engine = make_engine(url)
    upgrade(engine)
    began = time.perf_counter()
    sizes = populate(engine)
    with (
        engine.begin() as conn
    ):  # committed: statistics analysed in a rolled-back transaction are lost
        conn.execute(sa.text("ANALYZE"))
    with Session(engine) as session:
        add_user(session, "bench-reviewer", "reviewer", PASSWORD)
        add_user(session, "bench-manager", "manager", PASSWORD)
        session.commit()
    engine.dispose()
    print(
        f"data: {sizes['people']} people, {sizes['posts']} posts, {sizes['findings']} findings "
        f"(loaded in {time.perf_counter() - began:.0f} s)",
        flush=True,
    )
    results: dict[str, dict[str, Any]] = {}
    with _server(url, _free_port(), workers) as base:
        for label, (user, path) in PAGES.items():
            cookie = _sign_in(base, user)
            check = httpx.get(base + path, cookies={SESSION_COOKIE: cookie}, timeout=60)
            if check.status_code != 200:
                raise RuntimeError(f"{path} as {user}: {check.status_code}")
            _wrk(base + path, cookie, 5, connections, script)  # warm-up, not counted
            print(f"{label}: load average {os.getloadavg()[0]:.2f} before the runs", flush=True)
            measured = [
                _wrk(base + path, cookie, seconds, connections, script) for _ in range(runs)
            ]
            summary = {
                key: statistics.median(run[key] for run in measured)
                for key in ("p50_ms", "p95_ms", "p99_ms", "rps")
            }
            summary["errors"] = sum(run["errors"] for run in measured)
            summary["requests"] = sum(run["requests"] for run in measured)
            summary["runs"] = measured
            results[label] = summary
            print(
                f"{label:13s} p50 {summary['p50_ms']:6.1f} ms  p95 {summary['p95_ms']:6.1f} ms  "
                f"p99 {summary['p99_ms']:6.1f} ms  {summary['rps']:7.1f} req/s  "
                f"errors {summary['errors']}  (median of {runs} runs of {seconds} s, "
                f"{connections} connections; p95 target {TARGET_P95_MS:.0f} ms: "
                f"{'met' if summary['p95_ms'] < TARGET_P95_MS else 'MISSED'})",
                flush=True,
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1, help="socialaudit serve --workers")
    parser.add_argument("--postgres-url", default=PG_URL)
    parser.add_argument("--out", type=Path, default=Path("bench/results/web.json"))
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit(
            "bench.web needs wrk, the HTTP load generator: install it with "
            "'apt-get install wrk' (Debian/Ubuntu) or 'brew install wrk', then run again."
        )
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "report.lua"
        script.write_text(WRK_SCRIPT, encoding="utf-8")
        with _postgres(args.postgres_url) as url:
            results = bench(url, args.runs, args.seconds, args.connections, args.workers, script)
    results["machine"] = {
        "workers": args.workers,
        "load_average_after": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
