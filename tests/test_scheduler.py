"""The service: job plan, recorded runs, one leader among processes, clean stops."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import Session, select

from socialaudit import jobs
from socialaudit.config import load_settings
from socialaudit.context import AppContext
from socialaudit.db import make_engine
from socialaudit.models import JobRun
from socialaudit.scheduler import plan


def test_plan_follows_the_configuration(tmp_path: Path) -> None:
    config = tmp_path / "socialaudit.toml"
    config.write_text("[scheduler]\npurge_at = 04:30:00\n[organisation]\ntimezone = 'Asia/Tokyo'\n")
    planned = {job.id: job for job in plan(load_settings(config, environ={}))}
    assert "purge" in planned
    trigger = str(planned["purge"].trigger)
    assert "hour='4'" in trigger and "minute='30'" in trigger
    assert str(planned["purge"].trigger.timezone) == "Asia/Tokyo"


def test_a_failing_job_is_recorded_and_does_not_raise(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCIALAUDIT_X_BEARER_TOKEN", "tok-very-secret-value")

    def boom(app: AppContext) -> str:
        raise RuntimeError("platform said no to tok-very-secret-value")

    monkeypatch.setitem(jobs.JOB_FUNCTIONS, "boom", boom)
    app = AppContext(settings=load_settings(environ={"SOCIALAUDIT_DATABASE_URL": db_url}))
    record = jobs.run_recorded(app, "boom-job", "boom")
    ok = jobs.run_recorded(app, "purge", "purge")
    app.close()
    assert record.status == "error"
    assert record.error == "RuntimeError: platform said no to ***"
    assert ok.status == "ok" and ok.summary == "deleted 0 rows"
    engine = make_engine(db_url)
    with Session(engine) as session:
        runs = session.exec(select(JobRun).order_by(JobRun.id)).all()
        assert [(r.job, r.status) for r in runs] == [("boom-job", "error"), ("purge", "ok")]
        assert all(r.finished_at is not None for r in runs)
    engine.dispose()


def _start(db_url: str, tmp_path: Path, name: str) -> tuple[subprocess.Popen, Path]:
    log = tmp_path / f"{name}.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALAUDIT_")}
    env["SOCIALAUDIT_DATABASE_URL"] = db_url
    proc = subprocess.Popen(
        [sys.executable, "-m", "socialaudit", "-v", "run", "--poll-seconds", "0.5"],
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
        env=env,
        cwd=tmp_path,
    )
    return proc, log


def _wait_for(log: Path, text: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log.read_text():
            return
        time.sleep(0.1)
    others = "".join(f"\n--- {p.name}\n{p.read_text()}" for p in log.parent.glob("*.log"))
    raise AssertionError(f"{text!r} not in {log.name} after {timeout}s:{others}")


def test_one_leader_and_a_hot_standby_that_takes_over(db_url: str, tmp_path: Path) -> None:
    first, first_log = _start(db_url, tmp_path, "first")
    second = None
    try:
        _wait_for(first_log, "leading: starting the scheduler")
        second, second_log = _start(db_url, tmp_path, "second")
        _wait_for(second_log, "waiting as a hot standby")
        time.sleep(1.5)  # several polls: the standby must not take over while the leader lives
        assert "leading" not in second_log.read_text()
        killed_at = time.monotonic()
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        _wait_for(second_log, "leading: starting the scheduler")
        assert time.monotonic() - killed_at < 60
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0
        assert "scheduler stopped" in second_log.read_text()
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
