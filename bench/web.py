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

Then the queue with writers (once, `--write-seconds`, default 60): of the `--connections`,
`--writers` (default 5) post review decisions through the JSON API as a signed-in reviewer
would (session cookie, `X-CSRF-Token` from `/api/csrf`, `Origin` of the app), each on a
random finding, cycling acknowledged / resolved / open so the queue keeps its size; the
others read the queue (signed in as another reviewer). A decision drops its writer's own
queue pages at once and has every other reviewer's rebuilt once the worker next reads the
data version (within a second), so this is the queue's cost while others are working it.
`--only-writes` skips the read-only runs.

    make bench-web
    .venv/bin/python -m bench.web --runs 3 --seconds 30 --connections 50
    .venv/bin/python -m bench.web --workers 2 --only-writes   # the issue's target
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
from socialaudit.search import index_missing
from socialaudit.users import add_user
from socialaudit.web.security import SESSION_COOKIE

TARGET_P95_MS = 200.0
PASSWORD = "bench password, invented"
PAGES = {
    "review queue": ("bench-reviewer", "/review"),
    # A search word and part of a name, folded (socialaudit/search.py) over postsearch.
    "queue search": ("bench-reviewer", "/review?q=petition&person=person+004"),
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


# The writers: one review decision per request, on a random finding of the range given as
# the script's arguments (first id, last id, CSRF token).
WRITER_SCRIPT = """
local first, last, statuses = 1, 1, {"acknowledged", "resolved", "open"}
init = function(args)
  first, last = tonumber(args[1]), tonumber(args[2])
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-CSRF-Token"] = args[3]
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
end
request = function()
  local id = math.random(first, last)
  local body = '{"status": "' .. statuses[math.random(1, 3)] .. '"}'
  return wrk.format(nil, "/api/findings/" .. id .. "/review", nil, body)
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


def _wrk_command(
    url: str,
    cookie: str,
    seconds: int,
    connections: int,
    script: Path,
    headers: tuple[str, ...] = (),
    args: tuple[str, ...] = (),
    threads: int = 2,
) -> list[str]:
    command = ["wrk", "--latency", "-t", str(min(threads, connections)), "-c", str(connections)]
    command += ["-d", f"{seconds}s", "--timeout", "10s", "-s", str(script)]
    for header in (f"Cookie: {SESSION_COOKIE}={cookie}", *headers):
        command += ["-H", header]
    return [*command, url, *(["--", *args] if args else [])]


def _wrk(url: str, cookie: str, seconds: int, connections: int, script: Path) -> dict[str, Any]:
    command = _wrk_command(url, cookie, seconds, connections, script)
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return _wrk_result(out)


def _wrk_result(out: str) -> dict[str, Any]:
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


def _csrf(base: str, cookie: str) -> str:
    answer = httpx.get(f"{base}/api/csrf", cookies={SESSION_COOKIE: cookie}, timeout=30)
    answer.raise_for_status()
    return str(answer.json()["csrf_token"])


def _with_writers(
    base: str, url: str, seconds: int, connections: int, writers: int, script: Path
) -> dict[str, Any]:
    """Readers of the queue and writers of review decisions at once, for `seconds`."""
    engine = make_engine(url)
    with engine.connect() as conn:
        first, last = conn.execute(sa.text("SELECT min(id), max(id) FROM finding")).one()
    engine.dispose()
    reader = _sign_in(base, "bench-reviewer")
    writer = _sign_in(base, "bench-writer")
    token = _csrf(base, writer)
    check = httpx.post(
        f"{base}/api/findings/{first}/review",
        json={"status": "acknowledged"},
        cookies={SESSION_COOKIE: writer},
        headers={"X-CSRF-Token": token, "Origin": base},
        timeout=30,
    )
    if check.status_code != 200:
        raise RuntimeError(f"a review decision was refused: {check.status_code} {check.text}")
    readers = subprocess.Popen(
        _wrk_command(
            f"{base}/review", reader, seconds, connections - writers, script.parent / "report.lua"
        ),
        stdout=subprocess.PIPE,
        text=True,
    )
    written = subprocess.run(
        _wrk_command(
            f"{base}/api/findings",
            writer,
            seconds,
            writers,
            script,
            headers=(f"Origin: {base}",),
            args=(str(first), str(last), token),
            threads=1,
        ),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    read, _ = readers.communicate(timeout=seconds + 60)
    if readers.returncode:
        raise RuntimeError("wrk (readers) failed")
    return {"readers": _wrk_result(read), "writers": _wrk_result(written)}


def bench(
    url: str,
    runs: int,
    seconds: int,
    connections: int,
    workers: int,
    script: Path,
    writers: int = 5,
    write_seconds: int = 60,
    only_writes: bool = False,
) -> dict[str, dict[str, Any]]:
    engine = make_engine(url)
    upgrade(engine)
    began = time.perf_counter()
    sizes = populate(engine)
    with Session(engine) as session:  # the posts' folded text, as `check` writes it
        index_missing(session)
        session.commit()
    with (
        engine.begin() as conn
    ):  # committed: statistics analysed in a rolled-back transaction are lost
        conn.execute(sa.text("ANALYZE"))
    with Session(engine) as session:
        add_user(session, "bench-reviewer", "reviewer", PASSWORD)
        add_user(session, "bench-manager", "manager", PASSWORD)
        add_user(session, "bench-writer", "reviewer", PASSWORD)
        session.commit()
    engine.dispose()
    print(
        f"data: {sizes['people']} people, {sizes['posts']} posts, {sizes['findings']} findings "
        f"(loaded in {time.perf_counter() - began:.0f} s)",
        flush=True,
    )
    results: dict[str, dict[str, Any]] = {}
    with _server(url, _free_port(), workers) as base:
        for label, (user, path) in ({} if only_writes else PAGES).items():
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
        if writers:
            _wrk(base + "/review", _sign_in(base, "bench-reviewer"), 5, connections, script)
            print(
                f"queue with writers: load average {os.getloadavg()[0]:.2f} before the run",
                flush=True,
            )
            mixed = _with_writers(
                base, url, write_seconds, connections, writers, script.parent / "writer.lua"
            )
            results["review queue with writers"] = mixed
            for role, run in mixed.items():
                print(
                    f"{role:8s} p50 {run['p50_ms']:6.1f} ms  p95 {run['p95_ms']:6.1f} ms  "
                    f"p99 {run['p99_ms']:6.1f} ms  {run['rps']:7.1f} req/s  "
                    f"errors {run['errors']} of {run['requests']}",
                    flush=True,
                )
            p95 = mixed["readers"]["p95_ms"]
            print(
                f"queue with {writers} writers of {connections} clients, {write_seconds} s, "
                f"{workers} workers: p95 of the queue {p95:.1f} ms, target {TARGET_P95_MS:.0f} ms: "
                f"{'met' if p95 < TARGET_P95_MS else 'MISSED'}",
                flush=True,
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1, help="socialaudit serve --workers")
    parser.add_argument("--writers", type=int, default=5, help="of the connections; 0: none")
    parser.add_argument("--write-seconds", type=int, default=60)
    parser.add_argument("--only-writes", action="store_true", help="skip the read-only runs")
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
        (Path(folder) / "writer.lua").write_text(WRITER_SCRIPT + WRK_SCRIPT, encoding="utf-8")
        if not 0 <= args.writers < args.connections:
            sys.exit("--writers: from 0 to one less than --connections")
        with _postgres(args.postgres_url) as url:
            results = bench(
                url,
                args.runs,
                args.seconds,
                args.connections,
                args.workers,
                script,
                writers=args.writers,
                write_seconds=args.write_seconds,
                only_writes=args.only_writes,
            )
    results["machine"] = {
        "workers": args.workers,
        "load_average_after": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
