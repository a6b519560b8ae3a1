"""The weekly compliance report for the comms team: one HTML file, plus CSV and JSON.

`build` reads one ISO week from the store into a `WeeklyReport` (pandas does the counting),
`render_html` turns it into one self-contained page (inline CSS and SVG charts, no script, a
Content-Security-Policy that forbids any fetch), and `write` puts the HTML, CSV and JSON side
by side in `[reports] output_dir`. Nothing in the output depends on the clock: the same week
over the same store renders byte for byte the same, so a rerun is a no-op for readers.

Post text, bios, names, handles and URLs are untrusted: the template autoescapes them, links
pass `safe_url`, and bidi controls are shown as code points (`visible`).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.engine import Connection, Engine

from checks.policy import MOTTO
from checks.registry import get_rule
from reports import charts, lifecycle, profiles
from reports.engagement import Engagement, engagement
from reports.frames import plain, read
from reports.output import write_atomic
from reports.templating import environment
from socialaudit.config import Settings
from socialaudit.models import (
    SEVERITY_RANK,
    Account,
    AccountStatus,
    CollectionRun,
    DeletionCause,
    Finding,
    Person,
    Post,
    ProfileSnapshot,
    ReviewStatus,
)
from socialaudit.weeks import Week

CONFIDENCE_RANK = {"high": 2, "medium": 1, "low": 0}
FINDING_FIELDS = [
    "id",
    "week",
    "rule_code",
    "rule_name",
    "severity",
    "confidence",
    "family",
    "subject_type",
    "person",
    "team",
    "platform",
    "handle",
    "post_url",
    "post_created_at",
    "post_text",
    "post_deleted_at",
    "deletion_cause",
    "post_edited",
    "message",
    "evidence",
    "clause",
    "clause_text",
    "suggested_action",
    "review_status",
    "reviewed_by",
    "reviewed_at",
    "review_note",
    "created_at",
]


@dataclass(frozen=True)
class Figure:
    """A headline number with last week's for comparison."""

    label: str
    value: float | None
    previous: float | None
    percent: bool = False

    def show(self, value: float | None) -> str:
        if value is None:
            return "–"
        return f"{value:.0%}" if self.percent else f"{int(value):,}"

    @property
    def text(self) -> str:
        return self.show(self.value)

    @property
    def change(self) -> str:
        if self.value is None or self.previous is None:
            return "no comparison"
        delta = self.value - self.previous
        if self.percent:
            points = round(delta * 100)
            return "no change" if points == 0 else f"{points:+d} points"
        return "no change" if delta == 0 else f"{int(delta):+,d}"


@dataclass
class WeeklyReport:
    organisation: str
    timezone: str
    week: Week
    figures: list[Figure]
    by_rule: pd.DataFrame
    findings: pd.DataFrame
    profiles: pd.DataFrame
    lifecycle: pd.DataFrame
    engagement: Engagement
    engagement_people: pd.DataFrame
    unavailable: pd.DataFrame
    runs: pd.DataFrame
    charts: dict[str, Markup] = field(default_factory=dict)
    records: list[dict[str, Any]] | None = None  # finding_records, computed once

    @property
    def empty(self) -> bool:
        return self.findings.empty and self.engagement.posts == 0

    @property
    def stem(self) -> str:
        return f"report-{self.week}"


# --------------------------------------------------------------------------- reading


def _headline(conn: Connection, week: Week, tz: str) -> dict[str, float | None]:
    start, end = week.bounds(tz)
    # An account is audited for a week once it was registered, or once anything of it from
    # before the week's end is in the store (an archive import, a simulated clock, history
    # collected on the first round), whichever comes first.
    seen_before_end = sa.or_(
        Account.created_at < end,
        sa.exists().where(ProfileSnapshot.account_id == Account.id, ProfileSnapshot.seen_at < end),
        sa.exists().where(Post.account_id == Account.id, Post.created_at < end),
    )
    people = conn.scalar(
        sa.select(sa.func.count(sa.distinct(Person.id)))
        .join(Account, Account.person_id == Person.id)
        .where(Person.active, Account.active, seen_before_end)
    )
    posts = conn.scalar(
        sa.select(sa.func.count(Post.id)).where(Post.created_at >= start, Post.created_at < end)
    )
    deletions = conn.scalar(
        sa.select(sa.func.count(Post.id)).where(
            Post.deleted_at >= start,
            Post.deleted_at < end,
            Post.deletion_cause == DeletionCause.DELETED,
        )
    )
    counted = sa.and_(Finding.week == str(week), Finding.review_status != "false-positive")
    by_severity = dict(
        conn.execute(
            sa.select(Finding.severity, sa.func.count(Finding.id))
            .where(counted)
            .group_by(Finding.severity)
        ).all()
    )
    flagged = conn.scalar(
        sa.select(sa.func.count(sa.distinct(Finding.person_id))).where(
            counted, Finding.severity.in_(["high", "medium"])
        )
    )
    still_open = conn.scalar(
        sa.select(sa.func.count(Finding.id)).where(
            Finding.week == str(week), Finding.review_status == ReviewStatus.OPEN
        )
    )
    return {
        "people": people,
        "posts": posts,
        "findings": sum(by_severity.values()),
        "high": by_severity.get("high", 0),
        "medium": by_severity.get("medium", 0),
        "review": by_severity.get("review", 0) + by_severity.get("info", 0),
        "flagged": flagged,
        "compliance": None if not people else 1 - min(flagged, people) / people,
        "deletions": deletions,
        "open": still_open,
    }


def _figures(now: dict[str, Any], before: dict[str, Any]) -> list[Figure]:
    labels = [
        ("people", "People audited", False),
        ("posts", "Posts collected", False),
        ("findings", "Findings", False),
        ("high", "High severity", False),
        ("medium", "Medium severity", False),
        ("review", "For review", False),
        ("flagged", "People with a high or medium finding", False),
        ("compliance", "Compliance rate", True),
        ("deletions", "Posts deleted by their author", False),
        ("open", "Still open in the review queue", False),
    ]
    return [Figure(label, now[key], before[key], pct) for key, label, pct in labels]


def _rule_facts(code: str, stored_name: str) -> dict[str, str]:
    try:
        rule = get_rule(code)
    except KeyError:
        return {
            "rule_name": stored_name,
            "family": "other",
            "clause": "",
            "clause_text": "",
            "suggested_action": "",
        }
    return {
        "rule_name": rule.name,
        "family": rule.family,
        "clause": rule.clause,
        "clause_text": rule.clause_text,
        "suggested_action": rule.instead,
    }


def _findings(conn: Connection, week: Week) -> pd.DataFrame:
    frame = read(
        conn,
        sa.select(
            Finding.id,
            Finding.week,
            Finding.rule_code,
            Finding.rule_name,
            Finding.severity,
            Finding.confidence,
            Finding.subject_type,
            Person.name.label("person"),
            Person.team,
            Account.platform,
            Account.handle,
            Post.url.label("post_url"),
            Post.created_at.label("post_created_at"),
            Post.text.label("post_text"),
            Post.deleted_at.label("post_deleted_at"),
            Post.deletion_cause,
            Post.edited.label("post_edited"),
            ProfileSnapshot.bio,
            ProfileSnapshot.display_name,
            ProfileSnapshot.url.label("profile_url"),
            Finding.message,
            Finding.evidence,
            Finding.review_status,
            Finding.reviewed_by,
            Finding.reviewed_at,
            Finding.review_note,
            Finding.created_at,
        )
        .join(Person, Person.id == Finding.person_id)
        .outerjoin(Account, Account.id == Finding.account_id)
        .outerjoin(Post, Post.id == Finding.post_id)
        .outerjoin(ProfileSnapshot, ProfileSnapshot.id == Finding.snapshot_id)
        .where(Finding.week == str(week)),
        dates=["post_created_at", "post_deleted_at", "reviewed_at", "created_at"],
    )
    facts = pd.DataFrame(
        [_rule_facts(c, n) for c, n in zip(frame["rule_code"], frame["rule_name"], strict=True)],
        columns=["rule_name", "family", "clause", "clause_text", "suggested_action"],
        index=frame.index,
    )
    frame = frame.drop(columns=["rule_name"]).join(facts)
    frame["severity_rank"] = frame["severity"].map(SEVERITY_RANK).fillna(-1)
    frame["confidence_rank"] = frame["confidence"].map(CONFIDENCE_RANK).fillna(-1)
    frame["false_positive"] = frame["review_status"] == ReviewStatus.FALSE_POSITIVE
    return frame.sort_values(
        ["false_positive", "severity_rank", "confidence_rank", "person", "post_created_at", "id"],
        ascending=[True, False, False, True, True, True],
        na_position="last",
        kind="mergesort",
    ).reset_index(drop=True)


def _by_rule(findings: pd.DataFrame) -> pd.DataFrame:
    columns = ["rule_code", "rule_name", "family", "high", "medium", "review", "info", "total"]
    counted = findings[~findings["false_positive"]]
    if counted.empty:
        return pd.DataFrame(columns=columns)
    table = (
        counted.groupby(["rule_code", "rule_name", "family", "severity"])
        .size()
        .unstack("severity", fill_value=0)
        .reindex(columns=["high", "medium", "review", "info"], fill_value=0)
    )
    table["total"] = table.sum(axis=1)
    table = table.reset_index()
    table.columns.name = None
    table["rank"] = table[["high", "medium", "review", "info"]].apply(
        lambda r: (r["high"] > 0) * 3 + (r["medium"] > 0) * 2 + (r["review"] > 0), axis=1
    )
    return (
        table.sort_values(["rank", "total", "rule_code"], ascending=[False, False, True])
        .drop(columns=["rank"])
        .reset_index(drop=True)[columns]
    )


def _people(conn: Connection) -> pd.DataFrame:
    return read(
        conn,
        sa.select(Person.id.label("person_id"), Person.name.label("person"), Person.team),
    )


def _unavailable(conn: Connection) -> pd.DataFrame:
    return read(
        conn,
        sa.select(
            Person.name.label("person"),
            Account.platform,
            Account.handle,
            Account.status,
            Account.status_detail,
            Account.status_changed_at,
        )
        .join(Person, Person.id == Account.person_id)
        .where(Account.active, Person.active, Account.status != AccountStatus.OK)
        .order_by(Account.status, Person.name, Account.platform, Account.handle),
        dates=["status_changed_at"],
    )


def _runs(conn: Connection, start: datetime, end: datetime) -> pd.DataFrame:
    runs = read(
        conn,
        sa.select(
            CollectionRun.platform,
            CollectionRun.status,
            CollectionRun.rate_limited,
            CollectionRun.errors,
            CollectionRun.api_calls,
        ).where(CollectionRun.started_at >= start, CollectionRun.started_at < end),
    )
    columns = ["platform", "runs", "failed", "api_calls", "rate_limited", "errors"]
    if runs.empty:
        return pd.DataFrame(columns=columns)
    runs["failed"] = ~runs["status"].isin(["ok", "finished", "done", "running"])
    runs["error_count"] = runs["errors"].map(lambda e: len(e) if isinstance(e, list) else 0)
    return (
        runs.groupby("platform")
        .agg(
            runs=("status", "size"),
            failed=("failed", "sum"),
            api_calls=("api_calls", "sum"),
            rate_limited=("rate_limited", "sum"),
            errors=("error_count", "sum"),
        )
        .reset_index()
        .sort_values("platform")[columns]
    )


def build(engine: Engine, settings: Settings, week: Week) -> WeeklyReport:
    """Read one week from the store and count everything the report shows."""
    tz = settings.organisation.timezone
    start, end = week.bounds(tz)
    with engine.connect() as conn:
        figures = _figures(_headline(conn, week, tz), _headline(conn, week.previous(), tz))
        findings = _findings(conn, week)
        people = _people(conn)
        frames = profiles.load(conn, end)
        profile_table = profiles.status_at(frames, end, week=str(week))
        outcomes = lifecycle.outcomes_table(conn, [str(week)])
        figures_engagement = engagement(conn, start, end, settings.organisation.handles)
        unavailable = _unavailable(conn)
        runs = _runs(conn, start, end)
    profile_table = profile_table.merge(people[["person_id", "person"]], on="person_id")
    profile_table["order"] = (
        profile_table["lost"].astype(int) * 4
        + (profile_table["disclaimer"] == False).astype(int) * 2  # noqa: E712
        + (profile_table["affiliation"] == False).astype(int)  # noqa: E712
    )
    profile_table = profile_table.sort_values(
        ["order", "person", "platform", "handle"], ascending=[False, True, True, True]
    ).reset_index(drop=True)
    life = lifecycle.per_person(outcomes).merge(people, on="person_id")
    life = life.sort_values(
        ["deleted-without-correction", "awaiting-correction", "person"],
        ascending=[False, False, True],
    )
    eng_people = (
        figures_engagement.per_person.merge(people, on="person_id")
        .sort_values(["person"])
        .reset_index(drop=True)
    )
    report = WeeklyReport(
        organisation=settings.organisation.name,
        timezone=tz,
        week=week,
        figures=figures,
        by_rule=_by_rule(findings),
        findings=findings,
        profiles=profile_table,
        lifecycle=life.reset_index(drop=True),
        engagement=figures_engagement,
        engagement_people=eng_people,
        unavailable=unavailable,
        runs=runs,
    )
    if not report.by_rule.empty:
        worst = report.by_rule.apply(
            lambda r: next((s for s in ("high", "medium", "review", "info") if r[s] > 0), "info"),
            axis=1,
        )
        report.charts["by_rule"] = charts.hbar(
            [
                f"{c} {n}"
                for c, n in zip(
                    report.by_rule["rule_code"], report.by_rule["rule_name"], strict=True
                )
            ],
            report.by_rule["total"].tolist(),
            title=f"Findings by rule, {week}",
            colours=[charts.SEVERITY_COLOURS[s] for s in worst],
            xlabel="findings",
        )
    return report


# --------------------------------------------------------------------------- evidence


def highlight(text: str, evidence: Any) -> tuple[list[tuple[str, bool]], list[str]]:
    """Split `text` into (segment, is_evidence) pairs, plus evidence that has no place in it.

    An evidence item may give character offsets (`start`, `end`) into the text, or the
    matched words (`text`, `match` or `quote`), found case-insensitively. Anything else is
    listed as a note, so no evidence is ever dropped silently.
    """
    spans: list[tuple[int, int]] = []
    notes: list[str] = []
    items = evidence if isinstance(evidence, list) else ([evidence] if evidence else [])
    for item in items:
        if not isinstance(item, dict):
            notes.append(str(item))
            continue
        start, end = item.get("start"), item.get("end")
        quote = next(
            (item[k] for k in ("text", "match", "quote") if isinstance(item.get(k), str)), None
        )
        placed = isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)
        if placed and (quote is None or text[start:end].casefold() == quote.casefold()):
            spans.append((start, end))
            continue
        if quote:
            found = re.search(re.escape(quote), text, re.IGNORECASE)
            if found:
                spans.append(found.span())
                continue
        notes.append(
            "; ".join(f"{k}: {v}" for k, v in sorted(item.items(), key=lambda kv: str(kv[0])))
        )
    segments: list[tuple[str, bool]] = []
    position = 0
    for start, end in sorted(spans):
        start = max(start, position)
        if end <= start:
            continue
        if start > position:
            segments.append((text[position:start], False))
        segments.append((text[start:end], True))
        position = end
    if position < len(text):
        segments.append((text[position:], False))
    return segments, notes


# --------------------------------------------------------------------------- output


def _local(value: Any, tz: str) -> str:
    """An instant as local date and time in the organisation's zone ("" when missing)."""
    if value is None or pd.isna(value):
        return ""
    return pd.Timestamp(value).tz_convert(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def _clean(value: Any) -> Any:
    """pandas' missing values as None, timestamps as ISO 8601 UTC, numpy scalars as Python."""
    if isinstance(value, list | dict):
        return value
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def finding_records(report: WeeklyReport) -> list[dict[str, Any]]:
    """The findings as plain records, in report order: what CSV and JSON hold."""
    if report.records is None:
        frame = report.findings.reindex(columns=FINDING_FIELDS).copy()
        for column in ("post_created_at", "post_deleted_at", "reviewed_at", "created_at"):
            frame[column] = frame[column].map(lambda t: t.isoformat(), na_action="ignore")
        report.records = plain(frame)
    return report.records


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> Any:
    """Untrusted text that a spreadsheet would run as a formula is prefixed with a quote."""
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def render_csv(report: WeeklyReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FINDING_FIELDS)
    writer.writerows(
        [_csv_cell(record[k]) for k in FINDING_FIELDS] for record in finding_records(report)
    )
    return buffer.getvalue()


def render_json(report: WeeklyReport) -> str:
    document = {
        "organisation": report.organisation,
        "week": str(report.week),
        "timezone": report.timezone,
        "figures": {
            f.label: {"value": _clean(f.value), "previous": _clean(f.previous)}
            for f in report.figures
        },
        "findings": finding_records(report),
    }
    # Compact, so the standard library's C encoder does the work (indenting is pure Python).
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def _finding_views(report: WeeklyReport) -> list[dict[str, Any]]:
    tz = report.timezone
    frame = report.findings.copy()
    for column in ("post_created_at", "post_deleted_at", "reviewed_at"):
        if frame.empty:
            frame[column] = ""
            continue
        frame[column] = (
            pd.to_datetime(frame[column], utc=True)
            .dt.tz_convert(tz)
            .dt.strftime("%Y-%m-%d %H:%M")
            .fillna("")
        )
    views = []
    for row in plain(frame):
        if row["subject_type"] == "profile":
            subject, link = row["bio"] or "", row["profile_url"]
        else:
            subject, link = row["post_text"] or "", row["post_url"]
        segments, notes = highlight(subject, row["evidence"])
        views.append(
            {
                "id": row["id"],
                "rule_code": row["rule_code"],
                "rule_name": row["rule_name"],
                "severity": row["severity"],
                "confidence": row["confidence"],
                "family": row["family"],
                "subject_type": row["subject_type"],
                "person": row["person"],
                "team": row["team"] or "",
                "platform": row["platform"] or "",
                "handle": row["handle"] or "",
                "link": link,
                "posted": row["post_created_at"] or "",
                "deleted": row["post_deleted_at"] or "",
                "deletion_cause": row["deletion_cause"] or "",
                "edited": bool(row["post_edited"]),
                "segments": segments,
                "has_text": bool(subject),
                "notes": notes,
                "message": row["message"] or "",
                "clause": row["clause"],
                "clause_text": row["clause_text"],
                "action": row["suggested_action"],
                "review_status": row["review_status"],
                "reviewed_by": row["reviewed_by"] or "",
                "reviewed_at": row["reviewed_at"] or "",
                "review_note": row["review_note"] or "",
            }
        )
    return views


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return plain(frame)


def render_html(report: WeeklyReport) -> str:
    start = report.week.monday
    eng = report.engagement
    template = environment().get_template("weekly.html.j2")
    return template.render(
        report=report,
        organisation=report.organisation,
        week=str(report.week),
        previous_week=str(report.week.previous()),
        first_day=start.isoformat(),
        last_day=(start + timedelta(days=6)).isoformat(),
        timezone=report.timezone,
        figures=report.figures,
        by_rule=_records(report.by_rule),
        findings=_finding_views(report),
        profiles=_records(report.profiles),
        lifecycle=_records(report.lifecycle),
        lifecycle_columns=[(key, lifecycle.LABELS[key]) for key in lifecycle.EVENTS],
        engagement=eng,
        share=Engagement.share,
        engagement_people=_records(report.engagement_people),
        unavailable=[
            {**r, "since": _local(r["status_changed_at"], report.timezone)}
            for r in _records(report.unavailable)
        ],
        runs=_records(report.runs),
        charts=report.charts,
        motto=MOTTO,
    )


def write(
    engine: Engine, settings: Settings, week: Week, output_dir: Path | None = None
) -> list[Path]:
    """Build the week's report and write `report-WEEK.html`, `.csv` and `.json`."""
    report = build(engine, settings, week)
    directory = output_dir or settings.reports.output_dir
    return [
        write_atomic(directory / f"{report.stem}.html", render_html(report)),
        write_atomic(directory / f"{report.stem}.csv", render_csv(report)),
        write_atomic(directory / f"{report.stem}.json", render_json(report)),
    ]
