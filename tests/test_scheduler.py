"""The service: job plan, recorded runs, one leader among processes, clean stops."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import distinct
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from sandbox.seed import people_csv
from socialaudit.config import load_settings
from socialaudit.context import AppContext
from socialaudit.db import make_engine, session_scope
from socialaudit.models import CollectionRun, JobRun, Post
from socialaudit.pipeline import jobs
from socialaudit.pipeline.scheduler import next_runs, plan
from socialaudit.registry import import_people_csv
from tests.collectors.conftest import sandbox_environ
from tests.collectors.rounds import visible_posts


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


def test_a_run_later_than_the_misfire_grace_is_recorded_as_missed(
    db_url: str, tmp_path: Path
) -> None:
    from datetime import timedelta

    from apscheduler.triggers.date import DateTrigger

    from socialaudit.pipeline.scheduler import RUN_JOB, build_scheduler

    settings = load_settings(
        environ={
            "SOCIALAUDIT_DATABASE_URL": db_url,
            "SOCIALAUDIT_SCHEDULER_MISFIRE_GRACE_MINUTES": "1",
        }
    )
    engine = make_engine(db_url)
    scheduler = build_scheduler(settings, engine)
    scheduler.start(paused=True)
    try:
        late = datetime.now(UTC) - timedelta(hours=2)
        scheduler.add_job(RUN_JOB, DateTrigger(late), args=["purge", "purge"], id="purge")
        scheduler.resume()
        deadline = time.monotonic() + 30
        while not _runs(engine, "purge") or _runs(engine, "purge")[0].status == "queued":
            assert time.monotonic() < deadline, _runs(engine, "purge")
            time.sleep(0.05)
    finally:
        scheduler.shutdown(wait=True)
    [run] = _runs(engine, "purge")  # the queued row, closed: not a second one
    assert run.status == "missed" and run.finished_at is not None
    assert run.error is not None and "missed its run at" in run.error
    engine.dispose()


def test_a_job_store_from_before_the_pipeline_package_keeps_its_jobs(
    db_url: str, tmp_path: Path
) -> None:
    """Stored jobs naming socialaudit.jobs:run_job (the module's old place) are renamed in
    place, next run time kept, instead of being dropped by APScheduler as unimportable."""
    import pickle

    import sqlalchemy as sa

    from socialaudit.pipeline.scheduler import (
        JOBSTORE_TABLE,
        LEGACY_RUN_JOB,
        RUN_JOB,
        build_scheduler,
        install_plan,
        rename_stored_jobs,
    )

    settings = load_settings(environ={"SOCIALAUDIT_DATABASE_URL": db_url})
    engine = make_engine(db_url)
    scheduler = build_scheduler(settings, engine)
    scheduler.start(paused=True)
    install_plan(scheduler, plan(settings))
    scheduler.shutdown(wait=False)
    before = next_runs(engine)
    with engine.begin() as conn:  # what an older release left in the store
        for job_id, blob in conn.execute(sa.text(f"SELECT id, job_state FROM {JOBSTORE_TABLE}")):
            state = pickle.loads(blob)
            state["func"] = LEGACY_RUN_JOB
            conn.execute(
                sa.text(f"UPDATE {JOBSTORE_TABLE} SET job_state = :s WHERE id = :i"),
                {"s": pickle.dumps(state), "i": job_id},
            )

    assert rename_stored_jobs(engine) == len(before) > 0
    assert rename_stored_jobs(engine) == 0
    scheduler = build_scheduler(settings, engine)
    scheduler.start(paused=True)
    try:
        stored = scheduler.get_jobs()
    finally:
        scheduler.shutdown(wait=False)
    assert {job.id for job in stored} == set(before)
    assert {job.func_ref for job in stored} == {RUN_JOB}
    assert next_runs(engine) == before
    engine.dispose()


def _start(
    db_url: str, tmp_path: Path, name: str, environ: dict[str, str] | None = None
) -> tuple[subprocess.Popen, Path]:
    log = tmp_path / f"{name}.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALAUDIT_")}
    env["SOCIALAUDIT_DATABASE_URL"] = db_url
    env |= environ or {}
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


def _count(engine, model: type) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def _runs(engine, job: str) -> list[JobRun]:
    with Session(engine) as session:
        return list(session.exec(select(JobRun).where(JobRun.job == job).order_by(JobRun.id)))


def _bluesky_service(db_url: str, sandbox, **overrides: str) -> tuple[Engine, dict[str, str]]:
    """The sandbox's people registered, and a service environment collecting Bluesky only."""
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        import_people_csv(session, people_csv(sandbox.world))
    environ = sandbox_environ(
        sandbox.url,
        db_url,
        SOCIALAUDIT_PLATFORMS_X_ENABLED="false",
        SOCIALAUDIT_PLATFORMS_MASTODON_ENABLED="false",
        **overrides,
    )
    return engine, environ


def test_a_collect_job_is_recorded_with_its_rounds_status(
    db_url: str, sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A round with every account failing is a failed job, one with some failing a partial
    one, never `ok`."""
    monkeypatch.chdir(tmp_path)
    world = sandbox.world
    engine, environ = _bluesky_service(
        db_url, sandbox, SOCIALAUDIT_REPORTS_OUTPUT_DIR=str(tmp_path / "reports")
    )
    app = AppContext(settings=load_settings(environ=environ))
    accounts = sum(1 for a in world.accounts.values() if a.platform == "bluesky" and a.person)
    try:
        world.inject("bluesky.getAuthorFeed", "500", times=4 * accounts)  # 3 retries each
        failed = jobs.run_recorded(app, "collect-bluesky", "collect", "bluesky")
        world.inject("bluesky.getAuthorFeed", "500", times=4)  # the first account only
        partial = jobs.run_recorded(app, "collect-bluesky", "collect", "bluesky")
        ok = jobs.run_recorded(app, "collect-bluesky", "collect", "bluesky")
    finally:
        app.close()
    assert failed.status == "failed", failed.summary
    assert failed.error is not None and "500" in failed.error
    assert partial.status == "partial", partial.summary
    assert partial.summary is not None and "1 account(s) failed" in partial.summary
    assert ok.status == "ok", ok.error
    with Session(engine) as session:
        recorded = session.exec(select(JobRun.status).order_by(JobRun.id)).all()
        rounds = session.exec(select(CollectionRun.status).order_by(CollectionRun.id)).all()
    assert recorded == rounds == ["failed", "partial", "ok"]
    engine.dispose()


def test_a_leader_killed_mid_collection_loses_nothing_and_coalesces_missed_runs(
    db_url: str, sandbox, tmp_path: Path
) -> None:
    """SIGKILL in the middle of a scheduled round, down for several intervals, restarted:
    the posts are all there once, the dead run is marked, and the missed runs make one run."""
    interval = 8.0
    world = sandbox.world
    engine, environ = _bluesky_service(
        db_url,
        sandbox,
        SOCIALAUDIT_PLATFORMS_BLUESKY_TIMEOUT_SECONDS="120",
        SOCIALAUDIT_SCHEDULER_COLLECT_EVERY_HOURS=str(interval / 3600),
        SOCIALAUDIT_SCHEDULER_COLLECT_JITTER_MINUTES="0",
        SOCIALAUDIT_REPORTS_OUTPUT_DIR=str(tmp_path / "reports"),
    )
    world.inject("bluesky.getAuthorFeed", "slow", seconds=60, skip=3)  # the 4th account hangs

    first, first_log = _start(db_url, tmp_path, "first", environ)
    try:
        deadline = time.monotonic() + 90
        while world.counts["bluesky.getAuthorFeed"] < 4:
            assert first.poll() is None, first_log.read_text()
            assert time.monotonic() < deadline, "the scheduled round never started"
            time.sleep(0.05)
        first.kill()  # SIGKILL: no cleanup, no finally
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
    saved = _count(engine, Post)
    assert 0 < saved < visible_posts(world, "bluesky")
    time.sleep(2.5 * interval)  # down long enough to miss two runs or more

    second, second_log = _start(db_url, tmp_path, "second", environ)
    try:
        _wait_for(second_log, "leading: starting the scheduler")
        leading = datetime.now(UTC)
        deadline = time.monotonic() + 90
        while not [r for r in _runs(engine, "collect-bluesky")[1:] if r.finished_at]:
            assert second.poll() is None, second_log.read_text()
            assert time.monotonic() < deadline, "no run after the restart"
            time.sleep(0.05)
        next_run = next_runs(engine)["collect-bluesky"]
        assert next_run is not None
        # Watch until just before the next regular run: nothing else may start meanwhile.
        time.sleep(max(0.0, min(3.0, (next_run - datetime.now(UTC)).total_seconds() - 0.5)))
        runs = _runs(engine, "collect-bluesky")
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=60) == 0
    finally:
        if second.poll() is None:
            second.kill()
            second.wait()

    assert "1 job run(s) of a previous leader never finished" in second_log.read_text()
    assert runs[0].status == "interrupted"
    after = [r for r in runs[1:] if r.started_at < next_run]
    assert len(after) == 1, [(r.started_at, r.status) for r in runs]  # coalesced: one run
    assert after[0].status == "ok", after[0].error
    # Caught up at once, not an interval after the restart (as a replaced job would be).
    assert (after[0].started_at - leading).total_seconds() < interval / 2
    with Session(engine) as session:
        posts = session.exec(select(func.count()).select_from(Post)).one()
        distinct_ids = session.exec(select(func.count(distinct(Post.platform_id)))).one()
        rounds = session.exec(select(CollectionRun.status).order_by(CollectionRun.id)).all()
    assert posts == distinct_ids == visible_posts(world, "bluesky")
    assert rounds[:2] == ["interrupted", "ok"]
    engine.dispose()


def test_jobs_queued_or_running_on_a_leader_that_dies_run_at_once_on_the_standby(
    db_url: str, sandbox, tmp_path: Path
) -> None:
    """Three collections due at once on two workers: two run (each stuck in a slow first
    request), the third waits in the executor's queue. The leader is killed; the standby
    that takes over records the waiting run as `missed`, the two running as `interrupted`,
    and runs all three at once, not an interval (two hours) later."""
    world = sandbox.world
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        import_people_csv(session, people_csv(world))
    environ = sandbox_environ(
        sandbox.url,
        db_url,
        SOCIALAUDIT_X_BEARER_TOKEN="sandbox-tok-1",
        SOCIALAUDIT_SCHEDULER_COLLECT_JITTER_MINUTES="0",
        SOCIALAUDIT_REPORTS_OUTPUT_DIR=str(tmp_path / "reports"),
        **{
            f"SOCIALAUDIT_PLATFORMS_{p}_TIMEOUT_SECONDS": "120"
            for p in ("X", "BLUESKY", "MASTODON")
        },
    )
    for first in ("x.users_by", "bluesky.getProfiles", "mastodon.account_lookup"):
        world.inject(first, "slow", seconds=60)  # once each: the first round's first call
    platforms = {"x": "x.", "bluesky": "bluesky.", "mastodon": "mastodon."}
    first, first_log = _start(db_url, tmp_path, "first", environ)
    second = None
    try:
        deadline = time.monotonic() + 90
        while sum(world.calls(prefix) > 0 for prefix in platforms.values()) < 2:
            assert first.poll() is None, first_log.read_text()
            assert time.monotonic() < deadline, "the first rounds never started"
            time.sleep(0.05)
        # Kill only once the leader has recorded all three runs (two running, one queued).
        while True:
            with Session(engine) as session:
                open_runs = session.exec(
                    select(JobRun.job).where(JobRun.finished_at.is_(None))
                ).all()
            if len(set(open_runs)) >= 3:
                break
            assert first.poll() is None, first_log.read_text()
            assert time.monotonic() < deadline, ("runs never recorded", open_runs)
            time.sleep(0.05)
        waiting = [p for p, prefix in platforms.items() if world.calls(prefix) == 0]
        assert len(waiting) == 1, waiting  # both workers busy: one job waits in the queue
        first.kill()
        first.wait(timeout=30)
        # The waiting job's slow first call was meant for the dead leader's round; the
        # standby's rounds answer at the sandbox's normal pace.
        with world.lock:
            world.faults.clear()

        # Taken before the standby starts (the first leader is dead): a fast standby starts
        # its runs in the same instant it logs that it leads.
        leading = datetime.now(UTC)
        second, second_log = _start(db_url, tmp_path, "second", environ)
        _wait_for(second_log, "leading: starting the scheduler")
        deadline = time.monotonic() + 180  # generous: CI runs this beside the whole suite
        while True:
            with Session(engine) as session:
                done = session.exec(
                    select(JobRun.job).where(
                        JobRun.started_at >= leading, JobRun.finished_at.is_not(None)
                    )
                ).all()
            if set(done) >= {f"collect-{p}" for p in platforms}:
                break
            assert second.poll() is None, second_log.read_text()
            assert time.monotonic() < deadline, (done, second_log.read_text())
            time.sleep(0.1)
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=60) == 0
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
    with Session(engine) as session:
        before = session.exec(
            select(JobRun).where(JobRun.started_at < leading).order_by(JobRun.job)
        ).all()
        after = session.exec(select(JobRun).where(JobRun.started_at >= leading)).all()
    lost = {run.job: run.status for run in before}
    assert lost == {
        f"collect-{p}": "missed" if p in waiting else "interrupted" for p in platforms
    }, lost
    assert all(run.finished_at is not None and run.error for run in before)
    assert sorted(run.job for run in after) == sorted(f"collect-{p}" for p in platforms)
    assert all((run.started_at - leading).total_seconds() < 60 for run in after)
    text = second_log.read_text()
    assert "3 job run(s) of a previous leader never finished" in text
    assert f"job collect-{waiting[0]} was missed by the previous leader: running it now" in text
    engine.dispose()


def test_sigterm_mid_collection_stops_after_the_account_in_hand(
    db_url: str, sandbox, tmp_path: Path
) -> None:
    world = sandbox.world
    engine, environ = _bluesky_service(
        db_url, sandbox, SOCIALAUDIT_PLATFORMS_BLUESKY_TIMEOUT_SECONDS="60"
    )
    world.inject("bluesky.getAuthorFeed", "slow", seconds=3, skip=2)  # the 3rd account is slow
    proc, log = _start(db_url, tmp_path, "service", environ)
    try:
        deadline = time.monotonic() + 90
        while world.counts["bluesky.getAuthorFeed"] < 3:  # a fresh install collects at once
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the first round never started"
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = log.read_text()
    assert "stop requested; the remaining accounts wait for the next round" in text
    assert world.counts["bluesky.getAuthorFeed"] == 3  # no account started after the stop
    with Session(engine) as session:
        job = session.exec(select(JobRun).where(JobRun.job == "collect-bluesky")).one()
        round_ = session.exec(select(CollectionRun)).one()
        posts = session.exec(select(func.count()).select_from(Post)).one()
    assert job.status == "stopped" and job.finished_at is not None
    assert round_.status == "stopped"
    assert 0 < posts < visible_posts(world, "bluesky")  # what was collected before the stop is kept
    engine.dispose()


def test_sigterm_during_a_rate_limit_wait_stops_within_seconds(
    db_url: str, sandbox, tmp_path: Path
) -> None:
    """The third feed is rate-limited for ten minutes (waits allowed up to 15): SIGTERM
    during the wait ends the round, the job and the service within seconds, and the round
    records the account and the wait it stopped in."""
    world = sandbox.world
    engine, environ = _bluesky_service(
        db_url,
        sandbox,
        SOCIALAUDIT_PLATFORMS_BLUESKY_MAX_BACKOFF_SECONDS="900",
        SOCIALAUDIT_REPORTS_OUTPUT_DIR=str(tmp_path / "reports"),
    )
    world.inject("bluesky.getAuthorFeed", "429", seconds=600, skip=2)
    proc, log = _start(db_url, tmp_path, "service", environ)
    try:
        _wait_for(log, "(RateLimitExceededError); retry 1/3 in 60")  # waiting for the reset
        signalled = datetime.now(UTC)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert world.counts["bluesky.getAuthorFeed"] == 3  # the rate-limited call is not retried
    with Session(engine) as session:
        job = session.exec(select(JobRun).where(JobRun.job == "collect-bluesky")).one()
        round_ = session.exec(select(CollectionRun)).one()
    assert round_.status == "stopped" and job.status == "stopped"
    assert round_.finished_at is not None
    assert (round_.finished_at - signalled).total_seconds() < 5
    [where] = round_.errors
    assert where["stage"] == "stopped" and "rate-limit wait of getAuthorFeed" in where["error"]
    assert f"{round_.accounts - 2} account(s) left for the next round" in where["error"]
    engine.dispose()
