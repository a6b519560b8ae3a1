"""`socialaudit report`, `socialaudit dashboard` and `socialaudit review`: what people read.

`report` and `dashboard` write files into `[reports] output_dir` (or `--output-dir`) and print
their paths; running them again for the same week rewrites the same bytes. `review` is the
comms team's queue: `review list` shows findings, `review ID --as DECISION` records a decision,
`review miss POST RULE` records a post that breaks a rule the checks did not raise.
"""

from __future__ import annotations

import getpass
import re
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from socialaudit.cli import console, get_app
from socialaudit.db import session_scope
from socialaudit.errors import UsageError
from socialaudit.weeks import Week


def report(
    ctx: typer.Context,
    week: Annotated[
        str | None,
        typer.Option(help="ISO week such as 2026-W47. Default: the last complete week."),
    ] = None,
    output_dir: Annotated[
        Path | None, typer.Option("--output-dir", "-o", help="Default: [reports] output_dir.")
    ] = None,
) -> None:
    """Write the weekly compliance report (HTML) and its findings (CSV, JSON)."""
    from reports import weekly

    app = get_app(ctx)
    chosen = Week.parse(week) if week else Week.last_complete(app.settings.organisation.timezone)
    for path in weekly.write(app.engine, app.settings, chosen, output_dir):
        console().print(escape(str(path)))


def dashboard(
    ctx: typer.Context,
    weeks: Annotated[int, typer.Option(help="How many weeks of trends, ending with --until.")] = 12,
    until: Annotated[
        str | None,
        typer.Option(help="Last ISO week shown. Default: the last complete week."),
    ] = None,
    output_dir: Annotated[
        Path | None, typer.Option("--output-dir", "-o", help="Default: [reports] output_dir.")
    ] = None,
) -> None:
    """Write the management dashboard: aggregate trends, no names, no post text."""
    from reports import dashboard as board

    app = get_app(ctx)
    last = Week.parse(until) if until else None
    path = board.write(app.engine, app.settings, weeks, last, output_dir)
    console().print(escape(str(path)))


def review(
    ctx: typer.Context,
    target: Annotated[
        str,
        typer.Argument(
            metavar="list|FINDING_ID|miss",
            help="'list', the finding to decide, or 'miss POST_ID RULE'.",
        ),
    ],
    rest: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[POST_ID RULE]",
            help="miss: the post (its number, as the web app shows it, or PLATFORM:ID) and "
            "the rule it breaks.",
            show_default=False,
        ),
    ] = None,
    as_: Annotated[
        str | None,
        typer.Option(
            "--as", help="false-positive, acknowledged or resolved (open undoes a decision)."
        ),
    ] = None,
    note: Annotated[str | None, typer.Option(help="Why, for the report.")] = None,
    by: Annotated[
        str | None, typer.Option(help="Who decided. Default: the current user name.")
    ] = None,
    week: Annotated[str | None, typer.Option(help="list: only this ISO week.")] = None,
    status: Annotated[
        str | None,
        typer.Option(help="list: only this review status (open, false-positive, ...)."),
    ] = None,
) -> None:
    """The review queue: 'review list [--week W] [--status open]', 'review ID --as DECISION',
    or 'review miss POST_ID RULE [--note WHY]'.

    A false positive is recorded for the rule and its subject (the post, or the account for
    profile and thread rules), so the checks never raise it again. A miss is a post that
    breaks a rule no finding raised: with the decisions, what 'eval export' writes.
    """
    from reports import review as queue

    engine = get_app(ctx).engine
    if target == "miss":
        if as_ is not None or week is not None or status is not None:
            raise UsageError("review miss: --as, --week and --status belong to other forms")
        if not rest or len(rest) != 2:
            raise UsageError("review miss: expected a post and a rule: review miss POST_ID RULE")
        who = by if by is not None else _current_user()
        with session_scope(engine) as session:
            post_id = _post_id(session, rest[0])
            row, new = queue.mark_missed(session, post_id, rest[1], who, note)
            code = row.rule_code
        verb = "recorded" if new else "already recorded:"
        console().print(f"{verb} post {post_id} as a miss of {code} by {escape(who)}")
        return
    if rest:
        raise UsageError(f"review {target}: unexpected {' '.join(rest)!r}")
    if target == "list":
        if as_ is not None or note is not None or by is not None:
            raise UsageError("review list: --as, --note and --by belong to 'review FINDING_ID'")
        chosen = str(Week.parse(week)) if week else None
        wanted = queue.parse_status(status)
        with session_scope(engine) as session:
            rows = queue.list_findings(session, chosen, wanted)
        table = Table(title=f"{len(rows)} findings")
        for column in ("id", "week", "severity", "rule", "person", "status", "decided by"):
            table.add_column(column)
        for finding, person in rows:
            table.add_row(
                str(finding.id),
                finding.week,
                finding.severity,
                f"{finding.rule_code} {finding.rule_name}",
                escape(person),
                finding.review_status,
                escape(finding.reviewed_by or ""),
            )
        console().print(table)
        return
    if week is not None or status is not None:
        raise UsageError("--week and --status belong to 'review list'")
    try:
        finding_id = int(target)
    except ValueError:
        raise UsageError(f"review: expected 'list' or a finding id, got {target!r}") from None
    if as_ is None:
        raise UsageError("review FINDING_ID: say the decision with --as")
    decision = queue.parse_decision(as_)
    who = by if by is not None else _current_user()
    with session_scope(engine) as session:
        finding, changed = queue.review_finding(session, finding_id, decision, who, note)
    verb = "recorded" if changed else "unchanged:"
    console().print(
        f"{verb} finding {finding.id} ({finding.rule_code}) as {decision.value} "
        f"by {escape(finding.reviewed_by or '')}"
    )


def _post_id(session: object, text: str) -> int:
    """A post by its number in the store, or by PLATFORM:PLATFORM_ID as the platform names it."""
    from sqlmodel import Session, select

    from socialaudit.errors import NotFoundError
    from socialaudit.models import Post

    assert isinstance(session, Session)
    if re.fullmatch(r"[0-9]+", text):
        if int(text) > 2**31 - 1 or int(text) < 1:
            raise NotFoundError(f"post {text}: no such collected post")
        return int(text)
    platform, _, platform_id = text.partition(":")
    if not platform_id:
        raise UsageError(f"review miss: expected a post number or PLATFORM:ID, got {text!r}")
    found = session.exec(
        select(Post.id).where(Post.platform == platform, Post.platform_id == platform_id)
    ).first()
    if found is None:
        raise NotFoundError(f"post {text}: no such collected post")
    return found


def _current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        raise UsageError("review: cannot tell who you are; say it with --by NAME") from None


def register(app: typer.Typer) -> None:
    app.command("report")(report)
    app.command("dashboard")(dashboard)
    app.command("review")(review)
