"""`socialaudit run`: every step on its own clock, one leader among several processes.

APScheduler 3.x keeps the jobs in its SQLAlchemy job store on our own database, so a
restarted or standby process sees when each job last ran and coalesces missed runs into one.
Jobs are planned from `[scheduler]` and `[platforms]` at every start (`replace_existing`), and
a job no longer in the plan is removed.
"""

from __future__ import annotations

import logging
import pickle
import signal
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from socialaudit import platforms, stopping
from socialaudit.config import Settings
from socialaudit.context import AppContext
from socialaudit.leader import leader_lock
from socialaudit.models import JobRun
from socialaudit.pipeline import jobs

log = logging.getLogger(__name__)

JOBSTORE_TABLE = "apscheduler_jobs"
# Every planned job runs this function, stored by reference in the job store; job stores
# written before the pipeline package hold the old reference (`rename_stored_jobs`).
RUN_JOB = "socialaudit.pipeline.jobs:run_job"
LEGACY_RUN_JOB = "socialaudit.jobs:run_job"


@dataclass
class PlannedJob:
    id: str
    kind: str
    trigger: BaseTrigger
    args: list[Any] = field(default_factory=list)
    # First run as soon as the job is new, rather than one interval later: a fresh install
    # collects at once.
    at_once: bool = False


def plan(settings: Settings) -> list[PlannedJob]:
    """The jobs this configuration asks for (only kinds the service knows how to run)."""
    cfg = settings.scheduler
    tz = settings.organisation.timezone
    planned: list[PlannedJob] = []
    if "collect" in jobs.JOB_FUNCTIONS:
        for name in platforms.names():
            if settings.platforms.section(name).enabled:
                planned.append(
                    PlannedJob(
                        f"collect-{name}",
                        "collect",
                        IntervalTrigger(
                            hours=cfg.collect_every_hours,
                            jitter=cfg.collect_jitter_minutes * 60 or None,
                            timezone=tz,
                        ),
                        [name],
                        at_once=True,
                    )
                )
    weekly = {"report": cfg.report_at, "dashboard": cfg.dashboard_at, "nudges": cfg.nudges_at}
    for kind, at in weekly.items():
        if kind in jobs.JOB_FUNCTIONS:
            planned.append(
                PlannedJob(
                    kind,
                    kind,
                    CronTrigger(
                        day_of_week=cfg.report_day, hour=at.hour, minute=at.minute, timezone=tz
                    ),
                )
            )
    planned.append(
        PlannedJob(
            "purge",
            "purge",
            CronTrigger(hour=cfg.purge_at.hour, minute=cfg.purge_at.minute, timezone=tz),
        )
    )
    return planned


class RecordingExecutor(ThreadPoolExecutor):
    """The thread pool, recording each run as `queued` the moment it is submitted.

    APScheduler moves a job's next run time on in the job store right after submitting it,
    so a leader that dies with the run still waiting for a free worker (or running) would
    leave no trace of it, and the next leader would run the job only an interval later.
    The row written here, before that move, is what the next leader finds open
    (`close_interrupted_runs`) and runs again at once (`Service.run`).
    """

    def __init__(self, engine: Engine, max_workers: int) -> None:
        super().__init__(max_workers=max_workers)
        self.engine = engine

    def _do_submit_job(self, job: Job, run_times: list[datetime]) -> None:
        if job.func_ref == RUN_JOB:
            try:
                jobs.record_queued(self.engine, job.id)
            except Exception:  # the run itself still records its row when it starts
                log.warning("could not record job %s as queued", job.id, exc_info=True)
        super()._do_submit_job(job, run_times)


def build_scheduler(settings: Settings, engine: Engine) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=JOBSTORE_TABLE)},
        executors={"default": RecordingExecutor(engine, max_workers=2)},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": settings.scheduler.misfire_grace_minutes * 60,
        },
        timezone=settings.organisation.timezone,
    )

    def on_event(event: JobExecutionEvent) -> None:
        if event.code == EVENT_JOB_MISSED:
            when = event.scheduled_run_time
            log.warning("job %s missed its run at %s", event.job_id, when)
            try:
                jobs.record_missed(engine, event.job_id, f"missed its run at {when}")
            except Exception:
                log.warning("could not record the missed run of %s", event.job_id, exc_info=True)
        else:
            log.error("job %s raised %s", event.job_id, type(event.exception).__name__)

    scheduler.add_listener(on_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED)
    return scheduler


def run_lost_at_once(scheduler: BaseScheduler, lost: list[JobRun]) -> None:
    """Jobs whose run a dead leader left queued or running run again now (once each),
    rather than at their next regular time. The scheduler must be started (paused)."""
    now = datetime.now(UTC)
    for job_id, status in {run.job: run.status for run in lost}.items():
        job = scheduler.get_job(job_id)
        if job is None or job.next_run_time is None:
            continue  # no longer planned, or paused
        log.warning("job %s was %s by the previous leader: running it now", job_id, status)
        if job.next_run_time > now:
            job.modify(next_run_time=now)


def _trigger_key(trigger: BaseTrigger) -> tuple[object, ...]:
    """What makes two triggers the same schedule (an interval's start date does not)."""
    if isinstance(trigger, IntervalTrigger):
        return ("interval", trigger.interval, trigger.jitter, str(trigger.timezone))
    return (type(trigger).__name__, str(trigger), trigger.jitter, str(trigger.timezone))


def install_plan(scheduler: BaseScheduler, planned: list[PlannedJob]) -> None:
    """Make the job store hold exactly the planned jobs.

    A job whose schedule did not change is left as stored, with its next run time: after a
    crash or a stop, the runs it missed in the meantime are then coalesced into one run as
    soon as the scheduler resumes (replacing it would silently skip them). The scheduler must
    be started (paused is enough): only then does `get_jobs` read the job store.
    """
    stored = {job.id: job for job in scheduler.get_jobs()}
    wanted = {job.id for job in planned}
    for job in planned:
        args = (job.id, job.kind, *job.args)
        existing = stored.get(job.id)
        if (
            existing is not None
            and existing.args == args
            and _trigger_key(existing.trigger) == _trigger_key(job.trigger)
        ):
            continue
        extra = {"next_run_time": datetime.now(UTC)} if job.at_once and existing is None else {}
        scheduler.add_job(
            RUN_JOB,
            job.trigger,
            args=list(args),
            id=job.id,
            name=job.id,
            replace_existing=True,
            **extra,
        )
    for existing in stored.values():
        if existing.id not in wanted:
            log.info("removing job %s: no longer in the configuration", existing.id)
            existing.remove()


def rename_stored_jobs(engine: Engine) -> int:
    """Point stored jobs at `RUN_JOB` where they still name `LEGACY_RUN_JOB`; return how many.

    APScheduler drops a stored job whose function it cannot import, and with it the next
    run time that makes runs missed across an upgrade coalesce into one; renaming the
    reference in place keeps it. Called by the leader before its scheduler reads the store.
    """
    if JOBSTORE_TABLE not in sa.inspect(engine).get_table_names():
        return 0
    renamed = 0
    with engine.begin() as conn:
        query = f"SELECT id, job_state FROM {JOBSTORE_TABLE}"  # noqa: S608 - a constant
        for job_id, blob in conn.execute(sa.text(query)).all():
            # APScheduler's own pickled job state, in our database (its job store reads it
            # back the same way).
            state = pickle.loads(blob)  # noqa: S301
            if state.get("func") != LEGACY_RUN_JOB:
                continue
            state["func"] = RUN_JOB
            update = f"UPDATE {JOBSTORE_TABLE} SET job_state = :state WHERE id = :id"  # noqa: S608
            conn.execute(
                sa.text(update),
                {"state": pickle.dumps(state, pickle.HIGHEST_PROTOCOL), "id": job_id},
            )
            renamed += 1
    if renamed:
        log.info("%d stored job(s) now run %s", renamed, RUN_JOB)
    return renamed


def next_runs(engine: Engine) -> dict[str, datetime | None]:
    """Next run time per job, read from the job store (empty before the first `run`)."""
    if JOBSTORE_TABLE not in sa.inspect(engine).get_table_names():
        return {}
    with engine.connect() as conn:
        query = f"SELECT id, next_run_time FROM {JOBSTORE_TABLE}"  # noqa: S608 - a constant
        rows = conn.execute(sa.text(query)).all()
    return {
        row[0]: datetime.fromtimestamp(row[1], UTC) if row[1] is not None else None for row in rows
    }


class Service:
    """Wait to lead, then run the scheduler until stopped or leadership is lost."""

    def __init__(
        self, app: AppContext, poll_seconds: float = 5.0, heartbeat_seconds: float = 10.0
    ) -> None:
        self.app = app
        self.poll_seconds = poll_seconds
        self.heartbeat_seconds = heartbeat_seconds
        self.stopping = threading.Event()
        self.scheduler: BackgroundScheduler | None = None

    def request_stop(self, *_: object) -> None:
        """Signal handler: stop leading; running jobs finish their current account, and a
        collector waiting out a rate limit or a backoff stops waiting at once."""
        log.info("stop requested: finishing the current account of any running job")
        self.stopping.set()
        stopping.STOP.set()

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self.request_stop)
        signal.signal(signal.SIGINT, self.request_stop)

    def run(self) -> None:
        engine = self.app.engine
        lock = leader_lock(engine)
        announced = False
        while not self.stopping.is_set():
            if lock.try_acquire():
                break
            if not announced:
                log.info("another process leads; waiting as a hot standby")
                announced = True
            self.stopping.wait(self.poll_seconds)
        if self.stopping.is_set():
            lock.release()
            return
        log.info("leading: starting the scheduler")
        stopping.STOP.clear()  # a stop asked of an earlier service in this process is not ours
        jobs.set_current_app(self.app)
        self.scheduler = build_scheduler(self.app.settings, engine)
        try:
            lost = jobs.close_interrupted_runs(self.app.engine)
            if lost:
                log.warning("%d job run(s) of a previous leader never finished", len(lost))
            rename_stored_jobs(engine)
            # Paused first: the plan is compared with the job store before anything is due.
            self.scheduler.start(paused=True)
            install_plan(self.scheduler, plan(self.app.settings))
            run_lost_at_once(self.scheduler, lost)
            self.scheduler.resume()
            # The main thread keeps the leadership heartbeat; a stop requested at any moment
            # (even before the scheduler started) ends this loop.
            while not self.stopping.wait(self.heartbeat_seconds):
                if not lock.held():
                    log.error("leadership lost: stopping the scheduler")
                    break
        finally:
            if self.scheduler.running:
                self.scheduler.shutdown(wait=True)
            jobs.set_current_app(None)
            lock.release()
            log.info("scheduler stopped")
