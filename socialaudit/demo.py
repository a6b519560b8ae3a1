"""`socialaudit demo`: the whole pipeline on the local sandbox, with the embedded database.

Starts the sandbox on loopback, registers its invented people, plays four weeks of its world
(a collection round and the checks every day, with edits, deletions and corrections
happening between rounds), then writes the weekly reports, the dashboard and the nudges (as
`.eml` files, dry run). No network beyond loopback, no credentials. It calls the very
functions the CLI and the scheduler call.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, func, select

from collectors.runner import collect
from reports import dashboard, weekly
from reports.nudges import send_nudges
from sandbox.seed import DEFAULT_START, build_world, demo_config, people_csv
from sandbox.server import Sandbox
from socialaudit import aggregates
from socialaudit.config import load_settings
from socialaudit.db import ensure_schema, make_engine
from socialaudit.models import Post, PostOutcome
from socialaudit.pipeline.check_runner import run_checks
from socialaudit.pipeline.lifecycle import update_outcomes
from socialaudit.registry import import_people_csv
from socialaudit.weeks import Week

log = logging.getLogger(__name__)
SANDBOX_TOKEN = "sandbox-demo-bearer"  # noqa: S105 - the local sandbox accepts any token


@dataclass
class DemoResult:
    database: Path
    config: Path
    reports: list[Path] = field(default_factory=list)
    dashboard: Path | None = None
    nudges: list[Path] = field(default_factory=list)
    rounds: int = 0
    findings: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)


def run_demo(
    output: Path, days: int = 28, say: Callable[[str], None] = lambda _: None
) -> DemoResult:
    """Play `days` days of the sandbox world into a fresh database under `output`."""
    if output.exists():
        shutil.rmtree(output)
    output.mkdir(parents=True)
    world = build_world(DEFAULT_START)
    with Sandbox(world) as box:
        config = output / "socialaudit.toml"
        database = output / "socialaudit.db"
        config.write_text(
            demo_config(box.url)
            + f'\n[database]\nurl = "sqlite:///{database}"\n'
            + f'\n[reports]\noutput_dir = "{output / "reports"}"\n'
            + f'\n[nudges]\noutbox = "{output / "outbox"}"\n'
            + 'reply_to = "comms@example.org"\npage_url = "http://127.0.0.1:8000/me"\n',
            encoding="utf-8",
        )
        # The sandbox wants a bearer token like X does, but checks none: this one is a
        # stand-in, not a credential.
        settings = load_settings(config, environ={"SOCIALAUDIT_X_BEARER_TOKEN": SANDBOX_TOKEN})
        engine = make_engine(settings.database.sqlalchemy_url)
        ensure_schema(engine)
        result = DemoResult(database=database, config=config)
        with Session(engine) as session:
            imported = import_people_csv(session, people_csv(world))
            session.commit()
        say(
            f"registered {imported.created} people and {imported.accounts_added} accounts "
            f"from the sandbox at {box.url}"
        )
        for day in range(days):
            collect(engine, settings, now=world.now)
            checked = run_checks(engine, settings)
            lifecycle = update_outcomes(engine, settings, now=world.now)
            aggregates.sync(engine)
            result.rounds += 1
            result.findings += checked.new_findings + lifecycle.findings
            if day % 7 == 6:
                say(f"{world.now:%Y-%m-%d}: {result.findings} findings so far")
            world.advance(days=1)
        with Session(engine) as session:
            rows = session.exec(
                select(PostOutcome.outcome, func.count()).group_by(PostOutcome.outcome)
            ).all()
            earliest = session.exec(select(func.min(Post.created_at))).one()
        result.outcomes = {outcome: count for outcome, count in rows}
        tz = settings.organisation.timezone
        # From the week of the oldest post collected (the history the first round found), so
        # the findings on that history are in a report too.
        first = Week.of(min(earliest or DEFAULT_START, DEFAULT_START), tz)
        last = Week.of(world.now - timedelta(days=1), tz)
        weeks = [first]
        while weeks[-1] < last:
            weeks.append(weeks[-1].next())
        for week in weeks:
            result.reports.extend(weekly.write(engine, settings, week))
            summary = send_nudges(engine, settings, week, dry_run=True, now=world.now)
            result.nudges.extend(
                Path(o.detail) for o in summary.outcomes if o.status == "written" and o.detail
            )
        result.dashboard = dashboard.write(engine, settings, weeks=len(weeks), until=last)
        engine.dispose()
    return result
