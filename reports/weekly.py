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
from sqlalchemy.orm import aliased

from checks.policy import MOTTO
from checks.registry import get_rule
from reports import charts, lifecycle, profiles
from reports.engagement import Engagement, engagement
from reports.frames import plain, read
from reports.links import account_url
from reports.nudge_texts import PLATFORM_NAMES
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
    ReferencedPost,
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
    key: str = ""

    def show(self, value: float | None) -> str:
        if value is None:
            return "–"
        if self.percent:
            # Floored: 99.6% is not "100%" (a rate is 100% only when nothing needs attention).
            return f"{math.floor(value * 100 + 1e-9)}%"
        return f"{int(value):,}"

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
    attention: pd.DataFrame = field(default_factory=pd.DataFrame)  # open findings per person
    failing: pd.DataFrame = field(default_factory=pd.DataFrame)  # profiles falling short
    registered_accounts: int = 0
    # post id -> (message it replied to, its author), for evidence found in another reply
    contexts: dict[int, tuple[str, str]] = field(default_factory=dict)
    charts: dict[str, Markup] = field(default_factory=dict)
    records: list[dict[str, Any]] | None = None  # finding_records, computed once

    @property
    def empty(self) -> bool:
        return self.findings.empty and self.engagement.posts == 0

    @property
    def stem(self) -> str:
        return f"report-{self.week}"

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)

    @property
    def why_empty(self) -> str | None:
        """Why a week has no posts and no findings, in words (None when it has some)."""
        if not self.empty:
            return None
        if not self.figure("people").value:
            return (
                f"Nobody was registered for auditing yet in {self.week}: monitoring had not "
                "begun, so there is nothing to report."
            )
        if self.runs.empty:
            return (
                f"No collection round ran in {self.week}, so nothing was collected: this "
                "week's figures cannot show what was posted."
            )
        rounds = int(self.runs["runs"].sum())
        return (
            f"{rounds} collection round{'s' if rounds != 1 else ''} ran in {self.week} and "
            "found no post from anyone audited, and no finding: nothing new to report."
        )


# --------------------------------------------------------------------------- reading


OUTSTANDING = (ReviewStatus.OPEN, ReviewStatus.ACKNOWLEDGED)  # not settled by a review


def failing_profiles(status: pd.DataFrame) -> pd.DataFrame:
    """The accounts whose profile falls short at the moment `status` was taken."""
    if status.empty:
        return status
    short = (
        (status["disclaimer"] == False)  # noqa: E712 - None (unseen) is not failing
        | (status["affiliation"] == False)  # noqa: E712
        | status["lost"].astype(bool)
    )
    return status[short]


def _headline(
    conn: Connection, week: Week, tz: str, frames: profiles.ProfileFrames
) -> dict[str, float | None]:
    start, end = week.bounds(tz)
    # An account is audited for a week once it was registered, or once anything of it from
    # before the week's end is in the store (an archive import, a simulated clock, history
    # collected on the first round), whichever comes first.
    seen_before_end = sa.or_(
        Account.created_at < end,
        sa.exists().where(ProfileSnapshot.account_id == Account.id, ProfileSnapshot.seen_at < end),
        sa.exists().where(Post.account_id == Account.id, Post.created_at < end),
    )
    audited = set(
        conn.scalars(
            sa.select(Person.id)
            .distinct()
            .join(Account, Account.person_id == Person.id)
            .where(Person.active, Account.active, seen_before_end)
        )
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
    flagged = set(
        conn.scalars(
            sa.select(Finding.person_id)
            .distinct()
            .where(counted, Finding.severity.in_(["high", "medium"]))
        )
    )
    # Findings of this week or before that no review has settled (ISO week labels sort).
    outstanding = sa.and_(Finding.week <= str(week), Finding.review_status.in_(OUTSTANDING))
    pending = dict(
        conn.execute(
            sa.select(Finding.review_status, sa.func.count(Finding.id))
            .where(outstanding)
            .group_by(Finding.review_status)
        ).all()
    )
    owing = set(conn.scalars(sa.select(Finding.person_id).distinct().where(outstanding)))
    failing = failing_profiles(profiles.status_at(frames, end, week=str(week)))
    # Compliant: audited, and nothing needs attention at the week's end (no high or medium
    # finding this week, no finding left open, no profile falling short).
    attention = (flagged | owing | set(failing["person_id"].tolist())) & audited
    people = len(audited)
    return {
        "people": people,
        "posts": posts,
        "findings": sum(by_severity.values()),
        "high": by_severity.get("high", 0),
        "medium": by_severity.get("medium", 0),
        "review": by_severity.get("review", 0) + by_severity.get("info", 0),
        "flagged": len(flagged & audited),
        "compliance": None if not people else 1 - len(attention) / people,
        "deletions": deletions,
        "open": sum(pending.values()),
        "unreviewed": pending.get(ReviewStatus.OPEN, 0),
        "failing": len(failing),
    }


def _figures(now: dict[str, Any], before: dict[str, Any]) -> list[Figure]:
    labels = [
        ("open", "Findings needing attention (all weeks to date)", False),
        ("unreviewed", "… of which nobody has reviewed yet", False),
        ("failing", "Profiles falling short", False),
        ("compliance", "Compliance rate", True),
        ("people", "People audited", False),
        ("posts", "Posts collected", False),
        ("findings", "Findings this week", False),
        ("high", "High severity", False),
        ("medium", "Medium severity", False),
        ("review", "For review", False),
        ("flagged", "People with a high or medium finding", False),
        ("deletions", "Posts deleted by their author", False),
    ]
    return [Figure(label, now[key], before[key], pct, key) for key, label, pct in labels]


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
    # Someone else's posts, as context: the message replied to, the post reposted or quoted.
    replied = aliased(ReferencedPost)
    original = aliased(ReferencedPost)
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
            Post.kind.label("post_kind"),
            Account.platform_id.label("account_platform_id"),
            Account.instance.label("account_instance"),
            replied.text.label("reply_to_text"),
            replied.author_handle.label("reply_to_author"),
            original.text.label("original_text"),
            original.author_handle.label("original_author"),
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
        .outerjoin(
            replied,
            sa.and_(replied.platform == Post.platform, replied.platform_id == Post.reply_to_id),
        )
        .outerjoin(
            original,
            sa.and_(
                original.platform == Post.platform,
                original.platform_id == sa.func.coalesce(Post.repost_of_id, Post.quote_of_id),
            ),
        )
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


def _evidence_contexts(conn: Connection, findings: pd.DataFrame) -> dict[int, tuple[str, str]]:
    """The messages replied to by the posts evidence points at (a heated exchange's hostile
    words sit in another reply of the conversation than the finding's own post)."""
    ids = {
        item["post"]
        for evidence in findings["evidence"]
        if isinstance(evidence, list)
        for item in evidence
        if isinstance(item, dict) and isinstance(item.get("post"), int)
    }
    if not ids:
        return {}
    rows = conn.execute(
        sa.select(Post.id, ReferencedPost.text, ReferencedPost.author_handle)
        .join(
            ReferencedPost,
            sa.and_(
                ReferencedPost.platform == Post.platform,
                ReferencedPost.platform_id == Post.reply_to_id,
            ),
        )
        .where(Post.id.in_(sorted(ids)))
    ).all()
    return {int(pid): (text or "", author or "") for pid, text, author in rows}


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


ATTENTION_COLUMNS = ["person", "high", "medium", "review", "info", "total", "unreviewed", "weeks"]


def _attention(conn: Connection, week: Week) -> pd.DataFrame:
    """Per person: the findings of this week or before that no review has settled yet."""
    rows = read(
        conn,
        sa.select(
            Person.name.label("person"),
            Finding.severity,
            Finding.review_status,
            Finding.week,
        )
        .join(Person, Person.id == Finding.person_id)
        .where(Finding.week <= str(week), Finding.review_status.in_(OUTSTANDING)),
    )
    if rows.empty:
        return pd.DataFrame(columns=ATTENTION_COLUMNS)
    table = (
        rows.groupby(["person", "severity"])
        .size()
        .unstack("severity", fill_value=0)
        .reindex(columns=["high", "medium", "review", "info"], fill_value=0)
    )
    table["total"] = table.sum(axis=1)
    table["unreviewed"] = (
        rows[rows["review_status"] == ReviewStatus.OPEN].groupby("person").size()
    ).reindex(table.index, fill_value=0)
    table["weeks"] = rows.groupby("person")["week"].agg(lambda w: ", ".join(sorted(set(w))))
    table = table.reset_index()
    table.columns.name = None
    return table.sort_values(
        ["high", "medium", "total", "person"], ascending=[False, False, False, True]
    ).reset_index(drop=True)[ATTENTION_COLUMNS]


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
        frames = profiles.load(conn, end)
        figures = _figures(
            _headline(conn, week, tz, frames), _headline(conn, week.previous(), tz, frames)
        )
        findings = _findings(conn, week)
        contexts = _evidence_contexts(conn, findings)
        people = _people(conn)
        attention = _attention(conn, week)
        registered = conn.scalar(
            sa.select(sa.func.count(Account.id))
            .join(Person, Person.id == Account.person_id)
            .where(Account.active, Person.active)
        )
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
        attention=attention,
        failing=failing_profiles(profile_table).reset_index(drop=True),
        registered_accounts=int(registered or 0),
        contexts=contexts,
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
        views.append(_card(row, report.contexts))
    return views


# Where evidence was found, when not in the text shown (checks' `field` names, in words).
FIELD_WORDS = {
    "reply_to_text": "the message replied to",
    "reposted_from": "the account reposted",
    "quoted_from": "the account quoted",
    "previous_bio": "the bio as it read before",
    "display_name": "the display name",
    "url": "the profile's website",
    "bio": "the bio",
}


def _field_words(name: str) -> str:
    if name in FIELD_WORDS:
        return FIELD_WORDS[name]
    if name.startswith("media"):
        return "an image or video description"
    if name.startswith("links"):
        return "a link in the post"
    return "the post"


def _evidence_words(item: Any) -> str:
    """One piece of evidence with no place in the text shown, as a sentence (no field names)."""
    if not isinstance(item, dict):
        return f"Noted: “{item}”"
    quote = next(
        (item[k] for k in ("text", "match", "quote") if isinstance(item.get(k), str)), None
    )
    where = _field_words(str(item.get("field", "")))
    if quote:
        return f"Found in {where}: “{quote}”"
    words = [
        str(v)
        for k, v in sorted(item.items(), key=lambda kv: str(kv[0]))
        if k not in {"start", "end", "field", "post"} and isinstance(v, str | int | float)
    ]
    return f"Noted in {where}: " + ", ".join(f"“{w}”" for w in words) if words else ""


def _strip_action(message: str, action: str) -> str:
    """The finding's message without the suggested action it may end with (shown apart)."""
    message, action = message.strip(), (action or "").strip()
    if action and message.endswith(action) and len(message) > len(action):
        return message[: -len(action)].rstrip()
    return message


def _card(row: dict[str, Any], contexts: dict[int, tuple[str, str]]) -> dict[str, Any]:
    """One finding as the report's card shows it: words, never the store's field names."""
    profile = row["subject_type"] == "profile"
    evidence = row["evidence"]
    items = evidence if isinstance(evidence, list) else ([evidence] if evidence else [])
    own, replied, source, elsewhere = [], [], [], []
    reply_text, reply_author = row.get("reply_to_text") or "", row.get("reply_to_author") or ""
    for item in items:
        where = item.get("field") if isinstance(item, dict) else None
        if where == "reply_to_text":
            # A heated exchange's hostile words may sit in another reply's parent message.
            other, quote = item.get("post"), str(item.get("text") or "")
            if isinstance(other, int) and other in contexts and quote not in reply_text:
                reply_text, reply_author = contexts[other]
            replied.append(item)
        elif where in ("reposted_from", "quoted_from"):
            source.append(item)
        elif where in (None, "text", "bio"):
            own.append(item)
        else:  # another field: marked where its words appear in the text, else said below
            own.append({k: v for k, v in item.items() if k not in ("start", "end")})
    original = row.get("original_text") or ""
    kind = row.get("post_kind") or ""
    if profile:
        subject = row["bio"] or row["display_name"] or ""
        link = None
    elif kind == "repost" and not (row["post_text"] or "").strip():
        subject = original  # a repost's words are the original's
        original = ""
        link = row["post_url"]
    else:
        subject = row["post_text"] or ""
        link = row["post_url"]
    # Evidence `highlight` cannot place is said in words below, never as "key: value" notes.
    segments, _ = highlight(subject, own)
    reply_segments = highlight(reply_text, replied)[0] if reply_text else []
    if not reply_text:
        elsewhere += replied
    elsewhere += [i for i in own if _evidence_words(i) and not _placed(i, subject)]
    elsewhere += [i for i in replied if reply_text and not _placed(i, reply_text)]
    author = row.get("original_author") or ""
    source_words = [q for i in source if (q := i.get("text") if isinstance(i, dict) else None)]
    return {
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
        "platform_name": PLATFORM_NAMES.get(row["platform"] or "", row["platform"] or ""),
        "handle": row["handle"] or "",
        "account_link": account_url(
            row["platform"], row["handle"], row["account_platform_id"], row["account_instance"]
        ),
        "link": link,
        "posted": row["post_created_at"] or "",
        "deleted": row["post_deleted_at"] or "",
        "deletion_cause": row["deletion_cause"] or "",
        "edited": bool(row["post_edited"]),
        "kind": kind,
        "repost_of": (author or (source_words[0] if source_words else ""))
        if kind == "repost"
        else "",
        "quoted": (original, author) if kind == "quote" and original else None,
        "segments": segments,
        "has_text": bool(subject),
        "reply": {"author": reply_author, "segments": reply_segments} if reply_text else None,
        "notes": [w for w in (_evidence_words(i) for i in elsewhere) if w],
        "message": _strip_action(row["message"] or "", row["suggested_action"]),
        "clause": row["clause"],
        "clause_text": row["clause_text"],
        "action": row["suggested_action"],
        "review_status": row["review_status"],
        "reviewed_by": row["reviewed_by"] or "",
        "reviewed_at": row["reviewed_at"] or "",
        "review_note": row["review_note"] or "",
    }


def _shortfalls(row: dict[str, Any]) -> str:
    """What a failing profile lacks, in words."""
    problems = []
    if row.get("lost"):
        problems.append("removed the views disclaimer")
    elif row.get("disclaimer") is not None and not row["disclaimer"]:
        problems.append("no views disclaimer")
    if row.get("affiliation") is not None and not row["affiliation"]:
        problems.append("does not say they work for the organisation")
    return "; ".join(problems)


def _placed(item: Any, text: str) -> bool:
    """Whether `highlight` can mark this evidence in `text`."""
    segments, notes = highlight(text, [item])
    return not notes and any(marked for _, marked in segments)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return plain(frame)


def render_html(report: WeeklyReport, layout: str = "_layout.html.j2", **page: Any) -> str:
    """The report as one HTML file (`layout` the file's own), or as a page of the browser app
    (its layout, and that layout's `page` context: navigation, week picker)."""
    start = report.week.monday
    eng = report.engagement
    template = environment().get_template("weekly.html.j2")
    return template.render(
        layout=layout,
        **page,
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
        attention=_records(report.attention),
        failing=[{**r, "problems": _shortfalls(r)} for r in _records(report.failing)],
        figure=report.figure,
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
