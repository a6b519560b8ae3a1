"""The service over simulated days: every job runs at its time, in order, with its results.

The wall clock of every thread (scheduler, executor, collectors, sandbox) is moved with
time-machine from one due time to the next, so eight days of schedule take seconds. The
sandbox world is advanced to the same moment before each wake-up, so collections see the
world as it is then: its scripted edits, deletions and corrections happen between rounds.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine
from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
    JobEvent,
)
from apscheduler.schedulers.base import STATE_RUNNING, BaseScheduler
from sqlmodel import Session, func, select

from sandbox.seed import demo_config, people_csv
from socialaudit.config import load_settings
from socialaudit.context import AppContext
from socialaudit.db import session_scope
from socialaudit.models import CollectionRun, Finding, JobRun, Nudge, Post, PostOutcome
from socialaudit.pipeline.scheduler import Service, build_scheduler
from socialaudit.registry import import_people_csv
from tests.smtp_server import SmtpServer

PLATFORMS = ("x", "bluesky", "mastodon")


class Watch:
    """Counts submitted and finished job executions, to know when the scheduler is idle."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: Counter[int] = Counter()

    def __call__(self, event: JobEvent) -> None:
        with self.lock:
            self.counts[event.code] += 1

    def idle(self) -> bool:
        with self.lock:
            done = self.counts[EVENT_JOB_EXECUTED] + self.counts[EVENT_JOB_ERROR]
            return self.counts[EVENT_JOB_SUBMITTED] == done

    def trouble(self) -> int:
        with self.lock:
            return (
                self.counts[EVENT_JOB_ERROR]
                + self.counts[EVENT_JOB_MISSED]
                + self.counts[EVENT_JOB_MAX_INSTANCES]
            )


def _until(condition, what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def _expected(start: datetime, end: datetime) -> list[tuple[datetime, str]]:
    """The plan, worked out by hand: collections at start and every 12 h, purge daily at
    03:00, and on Mondays the report at 07:00, the dashboard at 07:30, the nudges at 09:00
    (Europe/London is on UTC in November)."""
    runs: list[tuple[datetime, str]] = []
    at = start
    while at <= end:
        runs += [(at, f"collect-{p}") for p in PLATFORMS]
        at += timedelta(hours=12)
    day = start.replace(hour=0, minute=0)
    while day <= end:
        for hour, minute, job in [(3, 0, "purge")] + (
            [(7, 0, "report"), (7, 30, "dashboard"), (9, 0, "nudges")] if day.weekday() == 0 else []
        ):
            moment = day.replace(hour=hour, minute=minute)
            if start < moment <= end:
                runs.append((moment, job))
        day += timedelta(days=1)
    return sorted(runs)


def test_eight_simulated_days_run_every_job_in_order(
    db_url: str, sandbox, tmp_path: Path, monkeypatch
) -> None:
    world = sandbox.world
    start = world.now  # Monday 2026-11-02 09:00 UTC
    end = start + timedelta(days=7, hours=1)  # past the next Monday's nudges
    monkeypatch.chdir(tmp_path)
    with SmtpServer() as smtp:
        config = tmp_path / "socialaudit.toml"
        config.write_text(
            demo_config(sandbox.url)
            + f'\n[database]\nurl = "{db_url}"\n'
            + '[organisation]\ntimezone = "Europe/London"\n'
            + "[scheduler]\ncollect_every_hours = 12\ncollect_jitter_minutes = 0\n"
            + f'[reports]\noutput_dir = "{tmp_path / "reports"}"\n'
            + f'[nudges]\noutbox = "{tmp_path / "outbox"}"\n'
            + f'[smtp]\nhost = "127.0.0.1"\nport = {smtp.port}\nsecurity = "none"\n',
            encoding="utf-8",
        )
        settings = load_settings(config, environ={"SOCIALAUDIT_X_BEARER_TOKEN": "sandbox-tok-1"})
        app = AppContext(settings=settings)
        with session_scope(app.engine) as session:
            import_people_csv(session, people_csv(world))

        watch = Watch()

        def build_watched(*args, **kwargs):  # the watch hears the very first submissions
            built = build_scheduler(*args, **kwargs)
            built.add_listener(watch)
            return built

        monkeypatch.setattr("socialaudit.pipeline.scheduler.build_scheduler", build_watched)
        service = Service(app, poll_seconds=0.05, heartbeat_seconds=0.1)
        with time_machine.travel(start, tick=True) as clock:
            thread = threading.Thread(target=service.run, daemon=True)
            thread.start()
            _until(
                lambda: (
                    service.scheduler is not None and service.scheduler.state == STATE_RUNNING
                ),  # resumed: the plan is in
                "the scheduler",
            )
            scheduler: BaseScheduler = service.scheduler
            try:
                while True:
                    # Nothing due any more (so submitted), and everything submitted finished.
                    _until(
                        lambda: (
                            all(j.next_run_time > datetime.now(UTC) for j in scheduler.get_jobs())
                            and watch.idle()
                        ),
                        "the running jobs",
                    )
                    due = min(job.next_run_time for job in scheduler.get_jobs())
                    if due > end:
                        break
                    clock.move_to(due)
                    if due > world.now:
                        world.advance(minutes=(due - world.now).total_seconds() / 60)
                    scheduler.wakeup()
                    _until(
                        lambda due=due: all(j.next_run_time > due for j in scheduler.get_jobs()),
                        f"the jobs due at {due}",
                    )
            finally:
                service.request_stop()
                thread.join(timeout=60)
        assert not thread.is_alive()
        assert watch.trouble() == 0
        received = len(smtp.received)

    engine = app.engine
    with Session(engine) as session:
        runs = session.exec(select(JobRun).order_by(JobRun.started_at, JobRun.id)).all()
        by_minute = sorted(
            (r.started_at.astimezone(UTC).replace(second=0, microsecond=0), r.job) for r in runs
        )
        assert by_minute == _expected(start, end)
        assert {r.status for r in runs} == {"ok"}, [(r.job, r.error) for r in runs if r.error]
        monday = [r.job for r in runs if r.job in ("report", "dashboard", "nudges")]
        assert monday == ["report", "dashboard", "nudges"]

        # Results in the store, per job kind.
        expected_rounds = sum(1 for _, job in _expected(start, end) if job == "collect-x")
        assert expected_rounds == 15
        for platform in PLATFORMS:
            rounds = session.exec(
                select(CollectionRun.status).where(CollectionRun.platform == platform)
            ).all()
            assert rounds == ["ok"] * expected_rounds, platform
            posts = session.exec(
                select(func.count()).select_from(Post).where(Post.platform == platform)
            ).one()
            assert posts > 0, platform
        codes = set(session.exec(select(Finding.rule_code)).all())
        assert {"TRN101", "NPT201", "CNF305", "MST801"} <= codes
        outcomes = set(session.exec(select(PostOutcome.outcome)).all())
        assert {"corrected-by-edit", "corrected-openly", "deleted-without-correction"} <= outcomes
        sent = session.exec(select(func.count()).select_from(Nudge)).one()
    assert sent == received > 0
    summaries = {r.job: r.summary for r in runs}
    assert "2026-W45" in summaries["report"]
    assert (tmp_path / "reports" / "report-2026-W45.html").is_file()
    assert list((tmp_path / "reports").glob("dashboard-*.html"))
    app.close()


def test_weekly_jobs_missed_during_an_outage_run_once_when_the_service_is_back(
    db_url: str, tmp_path: Path, monkeypatch
) -> None:
    """Down from 06:00 to 11:30 on a Monday: the report, dashboard and nudges still go out."""
    monkeypatch.chdir(tmp_path)
    environ = {
        "SOCIALAUDIT_DATABASE_URL": db_url,
        "SOCIALAUDIT_REPORTS_OUTPUT_DIR": str(tmp_path / "reports"),
        "SOCIALAUDIT_NUDGES_OUTBOX": str(tmp_path / "outbox"),
        **{f"SOCIALAUDIT_PLATFORMS_{p.upper()}_ENABLED": "false" for p in PLATFORMS},
    }
    settings = load_settings(environ=environ)
    monday = datetime(2026, 11, 9, 6, 0, tzinfo=UTC)
    with time_machine.travel(monday, tick=True) as clock:
        for moment in (monday, monday.replace(hour=11, minute=30)):
            clock.move_to(moment)
            app = AppContext(settings=settings)
            service = Service(app, poll_seconds=0.05, heartbeat_seconds=0.1)
            thread = threading.Thread(target=service.run, daemon=True)
            thread.start()
            _until(
                lambda service=service: (
                    service.scheduler is not None and service.scheduler.state == STATE_RUNNING
                ),
                "the scheduler",
            )
            scheduler = service.scheduler
            _until(
                lambda scheduler=scheduler: all(
                    j.next_run_time > datetime.now(UTC) for j in scheduler.get_jobs()
                ),
                "the jobs due",
            )
            expected = 0 if moment == monday else 3  # nothing due at 06:00; all three at 11:30
            _until(lambda app=app, n=expected: _finished_runs(app) == n, "the missed jobs")
            service.request_stop()
            thread.join(timeout=60)
            app.close()
    engine_app = AppContext(settings=settings)
    with Session(engine_app.engine) as session:
        runs = session.exec(select(JobRun).order_by(JobRun.id)).all()
    engine_app.close()
    assert sorted(r.job for r in runs) == ["dashboard", "nudges", "report"]
    assert all(r.status == "ok" for r in runs), [(r.job, r.error) for r in runs]
    assert all(r.started_at >= monday.replace(hour=11, minute=30) for r in runs)
    assert (tmp_path / "reports" / "report-2026-W45.html").is_file()


def _finished_runs(app: AppContext) -> int:
    with Session(app.engine) as session:
        return session.exec(
            select(func.count()).select_from(JobRun).where(JobRun.finished_at.is_not(None))
        ).one()
