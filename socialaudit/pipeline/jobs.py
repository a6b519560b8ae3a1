"""Thin jobs over the CLI's own functions, and their record in the store.

A scheduled job and its CLI command run the very same function; this module only adds the
bookkeeping (a JobRun row with status, summary and error). The stop flag that SIGTERM sets
is `socialaudit.stopping.STOP`: long jobs check it between accounts and every collector's
wait ends on it.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from socialaudit import logs
from socialaudit.context import AppContext
from socialaudit.models import JobRun
from socialaudit.stopping import STOP

log = logging.getLogger(__name__)

# Collections on different platforms run side by side (they wait on different networks), but
# the checks and the lifecycle outcomes after them read and write the same findings and
# outcomes: one job at a time does that step.
_ANALYSE = threading.Lock()


@dataclass(frozen=True)
class Outcome:
    """What a job returns when its result is not simply `ok`: the status to record
    (`partial`, `failed`, `stopped`), its one-line summary and, if any, the first error."""

    status: str
    summary: str
    error: str | None = None


def _purge(app: AppContext) -> str:
    from socialaudit.retention import purge

    result = purge(app.engine, app.settings.retention)
    return f"deleted {result.total} rows"


def _nudges(app: AppContext) -> str:
    from reports.nudges import send_nudges
    from socialaudit.weeks import Week

    week = Week.last_complete(app.settings.organisation.timezone)
    summary = send_nudges(app.engine, app.settings, week)
    counts = ", ".join(
        f"{summary.count(s)} {s}"
        for s in ("sent", "already-sent", "failed", "deferred")
        if summary.count(s)
    )
    if summary.error:
        raise RuntimeError(f"nudges for {week} stopped: {summary.error} ({counts})")
    return f"nudges for {week}: {counts or 'nothing due'}"


def _collect(app: AppContext, platform: str) -> Outcome:
    """A collection round on one platform, then the checks over what it brought in.

    The job's status is its round's: `ok`, `partial` (some accounts failed), `failed` (every
    account, or the round itself) or `stopped`."""
    from collectors.runner import collect
    from socialaudit import aggregates
    from socialaudit.pipeline.check_runner import run_checks
    from socialaudit.pipeline.lifecycle import update_outcomes

    runs = collect(app.engine, app.settings, platform=platform)
    with _ANALYSE:
        checked = run_checks(app.engine, app.settings)
        lifecycle = update_outcomes(app.engine, app.settings)
        aggregates.sync(app.engine)  # the dashboard's weekly counts, for what changed
    run = runs[0]
    summary = (
        f"{platform}: {run.status}, {run.new_posts} new, {run.deleted_posts} deleted, "
        f"{run.api_calls} API calls; {checked.new_findings + lifecycle.findings} new findings"
    )
    failed = {e["account_id"] for e in run.errors if "account_id" in e}
    if failed:
        summary += f"; {len(failed)} account(s) failed"
    first = run.errors[0] if run.errors else None
    error = f"{first.get('stage')}: {first.get('error')}" if first else None
    return Outcome(run.status, summary, error)


def _report(app: AppContext) -> str:
    from reports import weekly
    from socialaudit.weeks import Week

    week = Week.last_complete(app.settings.organisation.timezone)
    paths = weekly.write(app.engine, app.settings, week)
    return f"report for {week}: {paths[0]}"


def _dashboard(app: AppContext) -> str:
    from reports import dashboard

    return f"dashboard: {dashboard.write(app.engine, app.settings, weeks=12)}"


# Job kind -> function(app, *args) -> one-line summary (status `ok`) or an Outcome.
JOB_FUNCTIONS: dict[str, Callable[..., str | Outcome]] = {
    "collect": _collect,
    "dashboard": _dashboard,
    "nudges": _nudges,
    "report": _report,
    "purge": _purge,
}

_current: AppContext | None = None


def set_current_app(app: AppContext | None) -> None:
    """The service's AppContext, which jobs (stored by textual reference) run against."""
    global _current
    _current = app


def close_interrupted_runs(engine: Engine) -> list[JobRun]:
    """Close the runs a dead leader left open; return them (the new leader runs their jobs
    again at once).

    A run left `running` becomes `interrupted`; one still `queued` (submitted, waiting for a
    free worker, never started) becomes `missed`. Only the leader runs jobs and a new leader
    calls this before its first job, so any run still open belongs to a process that died
    (SIGKILL, power loss) and will never finish.
    """
    now = datetime.now(UTC)
    with Session(engine, expire_on_commit=False) as session:
        stale = _open_runs(session)
        for row in stale:
            started = row.status == "running"
            row.status = "interrupted" if started else "missed"
            row.error = f"its leader ({row.host or '?'}) stopped " + (
                "while it ran" if started else "before it started"
            )
            row.finished_at = now
            session.add(row)
        session.commit()
    return stale


def record_queued(engine: Engine, job_id: str) -> None:
    """A run submitted to the executor, waiting for a worker (the scheduler's executor
    records it before the job store moves the job's next run time on)."""
    with Session(engine) as session:
        session.add(JobRun(job=job_id, host=socket.gethostname(), status="queued"))
        session.commit()


def record_missed(engine: Engine, job_id: str, detail: str) -> None:
    """A run the scheduler gave up (later than `misfire_grace_minutes`), as `missed`."""
    now = datetime.now(UTC)
    with Session(engine) as session:
        row = _queued(session, job_id) or JobRun(job=job_id, host=socket.gethostname())
        row.status, row.error, row.finished_at = "missed", detail, now
        session.add(row)
        session.commit()


def _queued(session: Session, job_id: str) -> JobRun | None:
    return session.exec(
        select(JobRun)
        .where(JobRun.job == job_id, JobRun.status == "queued", col(JobRun.finished_at).is_(None))
        .order_by(col(JobRun.id))
    ).first()


def run_recorded(app: AppContext, job_id: str, kind: str, *args: object) -> JobRun:
    """Run one job, recording it; an exception is logged and recorded, never raised.

    The record is the run's `queued` row if the scheduler's executor wrote one, else new."""
    func = JOB_FUNCTIONS[kind]
    with Session(app.engine, expire_on_commit=False) as session:
        record = _queued(session, job_id) or JobRun(job=job_id, host=socket.gethostname())
        record.status = "running"
        record.started_at = datetime.now(UTC)
        session.add(record)
        session.commit()
        session.refresh(record)
    log.info("job %s started", job_id)
    try:
        result = func(app, *args)
        outcome = result if isinstance(result, Outcome) else Outcome("ok", result)
        record.status = outcome.status
        record.summary = outcome.summary
        if outcome.error:
            record.error = logs.redact(outcome.error)[:2000]
        if outcome.status in ("ok", "stopped"):
            log.info("job %s finished: %s", job_id, record.summary)
        else:
            log.warning("job %s %s: %s", job_id, outcome.status, record.summary)
    except Exception as exc:
        record.status = "error"
        record.error = logs.redact(f"{type(exc).__name__}: {exc}")[:2000]
        log.exception("job %s failed", job_id)
    if STOP.is_set() and record.status == "ok":
        record.status = "stopped"
    record.finished_at = datetime.now(UTC)
    with Session(app.engine, expire_on_commit=False) as session:
        session.add(record)
        session.commit()
    return record


def running_jobs(session: Session) -> list[JobRun]:
    """Jobs that started and have not finished, oldest first (`status` and the web app).

    A process killed in the middle of a job never records its end, so its row stays here
    until the next leader closes it (`close_interrupted_runs`); the start time and host shown
    with it tell such a row from a long job meanwhile. Runs still queued are not running.
    """
    return [run for run in _open_runs(session) if run.status != "queued"]


def _open_runs(session: Session) -> list[JobRun]:
    """Every run not finished, queued or running, oldest first."""
    return list(
        session.exec(
            select(JobRun)
            .where(col(JobRun.finished_at).is_(None))
            .order_by(col(JobRun.started_at), col(JobRun.id))
        ).all()
    )


def run_job(job_id: str, kind: str, *args: object) -> None:
    """The scheduler's entry point (referenced as 'socialaudit.pipeline.jobs:run_job')."""
    if _current is None:
        raise RuntimeError("no running service: run_job is called by the scheduler only")
    run_recorded(_current, job_id, kind, *args)
