"""`make bench`: `socialaudit scan` over generated posts and profiles, on one core.

Runs the real command (`python -m socialaudit scan FILE`, findings to /dev/null) pinned to one
CPU, five times over 100,000 items, and reports the median. Two figures: the whole process
(interpreter start, imports, config, JSON parsing, every rule, JSON output) and the
steady-state rate (whole process minus the same command over an empty input, which is pure
start-up). Peak memory (max RSS) over 10,000 and 100,000 items shows the scan is streamed.

    python -m bench.scan [--items N] [--runs R]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.generate import write

CONFIG = """
[[politics]]
country = "GB"
parties = ["Example Party"]
candidates = ["Jane Example"]
accounts = ["@exampleparty"]
"""


def _command(path: Path, config: Path) -> list[str]:
    cmd = [sys.executable, "-m", "socialaudit", "--config", str(config), "scan", str(path)]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    return cmd


def _run(path: Path, config: Path) -> tuple[float, int, int]:
    """Seconds, max RSS in KiB, and the number of findings written."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALAUDIT_")}
    start = time.perf_counter()
    proc = subprocess.Popen(_command(path, config), stdout=subprocess.PIPE, env=env)
    findings = sum(1 for _ in proc.stdout)  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"scan failed with exit code {code}")
    return elapsed, usage.ru_maxrss, findings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = folder / "bench.toml"
        config.write_text(CONFIG)
        empty = folder / "empty.jsonl"
        empty.write_text("")
        small = write(folder / "small.jsonl", args.items // 10)
        big = write(folder / "items.jsonl", args.items)
        startup = statistics.median(_run(empty, config)[0] for _ in range(args.runs))
        runs = [_run(big, config) for _ in range(args.runs)]
        small_rss = max(_run(small, config)[1] for _ in range(2))
    times = [t for t, _, _ in runs]
    median = statistics.median(times)
    rss = max(r for _, r, _ in runs)
    findings = runs[0][2]
    whole = args.items / median
    steady = args.items / max(median - startup, 1e-9)
    print(f"items: {args.items:,} ({findings:,} findings), runs: {args.runs}, one core")
    print(f"wall time per run (s): {', '.join(f'{t:.2f}' for t in times)}")
    print(f"median wall time: {median:.2f} s; start-up alone (empty input): {startup:.2f} s")
    print(f"whole process: {whole:,.0f} items/s")
    print(f"steady state (minus start-up): {steady:,.0f} items/s")
    print(
        f"peak memory: {small_rss / 1024:.0f} MiB for {args.items // 10:,} items, "
        f"{rss / 1024:.0f} MiB for {args.items:,} items (ratio {rss / small_rss:.2f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
