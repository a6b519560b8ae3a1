"""`socialaudit run` (the scheduler service) and `socialaudit status` (how it is doing)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session, col, func, select

from socialaudit import platforms
from socialaudit.cli import console, get_app
from socialaudit.models import (
    Account,
    AccountStatus,
    CollectionRun,
    Finding,
    JobRun,
    Person,
    ReviewStatus,
)
from socialaudit.pipeline.jobs import running_jobs
from socialaudit.pipeline.scheduler import Service, next_runs, plan


def run(
    ctx: typer.Context,
    poll_seconds: Annotated[
        float, typer.Option(help="How often a standby tries to take over leadership.")
    ] = 5.0,
) -> None:
    """Run every job on its schedule until SIGTERM/SIGINT; a second process waits as standby."""
    service = Service(get_app(ctx), poll_seconds=poll_seconds)
    service.install_signal_handlers()
    service.run()


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "-"


def status(ctx: typer.Context) -> None:
    """Last and next run of each job, the last collection per platform, what needs attention."""
    app = get_app(ctx)
    engine = app.engine
    upcoming = next_runs(engine)
    planned = [job.id for job in plan(app.settings)]
    out = console()
    with Session(engine) as session:
        jobs = Table(title="jobs")
        for column in ("job", "last run", "result", "next run"):
            jobs.add_column(column)
        for job_id in sorted(set(planned) | set(upcoming)):
            last = session.exec(
                select(JobRun).where(JobRun.job == job_id).order_by(col(JobRun.started_at).desc())
            ).first()
            result = "-"
            if last is not None:
                result = (
                    last.status
                    + (f": {last.summary}" if last.summary else "")
                    + (f": {last.error}" if last.error else "")
                )
            jobs.add_row(
                job_id,
                _when(last.started_at if last else None),
                result,
                _when(upcoming.get(job_id)),
            )
        out.print(jobs)
        running = running_jobs(session)
        out.print(
            "jobs running: "
            + (
                ", ".join(
                    f"{job.job} (since {_when(job.started_at)} on {job.host or '?'})"
                    for job in running
                )
                or "none"
            )
        )

        since = datetime.now(UTC) - timedelta(days=1)
        runs = Table(title="collection")
        for column in (
            "platform",
            "last round",
            "status",
            "accounts",
            "new",
            "updated",
            "deleted",
            "errors",
            "API calls (24 h)",
            "rate-limited (24 h)",
        ):
            runs.add_column(column)
        for platform in platforms.names():
            last_run = session.exec(
                select(CollectionRun)
                .where(CollectionRun.platform == platform)
                .order_by(col(CollectionRun.started_at).desc())
            ).first()
            calls, limited = session.exec(
                select(
                    func.coalesce(func.sum(CollectionRun.api_calls), 0),
                    func.coalesce(func.sum(CollectionRun.rate_limited), 0),
                ).where(CollectionRun.platform == platform, CollectionRun.started_at >= since)
            ).one()
            if last_run is None:
                runs.add_row(
                    platform, "never", "-", "-", "-", "-", "-", "-", str(calls), str(limited)
                )
                continue
            runs.add_row(
                platform,
                _when(last_run.started_at),
                last_run.status,
                str(last_run.accounts),
                str(last_run.new_posts),
                str(last_run.updated_posts),
                str(last_run.deleted_posts),
                str(len(last_run.errors)),
                str(calls),
                str(limited),
            )
        out.print(runs)

        troubled = session.exec(
            select(Account, Person)
            .join(Person)
            .where(
                Account.active,
                col(Account.status).not_in([AccountStatus.OK, AccountStatus.PENDING]),
            )
            .order_by(Person.name)
        ).all()
        if troubled:
            accounts = Table(title="accounts needing attention")
            for column in ("person", "platform", "handle", "status", "detail"):
                accounts.add_column(column)
            for account, person in troubled:
                accounts.add_row(
                    person.name,
                    account.platform,
                    account.handle,
                    account.status,
                    account.status_detail or "",
                )
            out.print(accounts)
        else:
            out.print("accounts needing attention: none")
        open_findings = session.exec(
            select(func.count())
            .select_from(Finding)
            .where(Finding.review_status == ReviewStatus.OPEN)
        ).one()
        out.print(f"open findings: {open_findings}")
