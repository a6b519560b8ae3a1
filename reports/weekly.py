"""The weekly compliance report for the comms team: one HTML file, plus CSV and JSON.

`build` reads one ISO week from the store into a `WeeklyReport`: every figure and table is
counted in SQL (GROUP BY week, person, rule, severity), and only the rows the page shows are
read in full (the `PAGE_FINDINGS` most serious findings, with their text). `write` renders the
page and streams every finding of the week from SQL into the CSV and the JSON, a chunk at a
time, so the report's memory depends on the people audited, not on the posts or findings
stored. The page stays readable at 10,000 people: what needs attention first, then the most
serious findings, each table cut at `PAGE_ROWS` with a line saying how many more there are and
where they all are (the CSV, the JSON, the browser app's review queue).

`render_html` turns the report into one self-contained page (inline CSS and SVG charts, no
script, a Content-Security-Policy that forbids any fetch). Nothing in the output depends on the
clock: the same week over the same store renders byte for byte the same, so a rerun is a no-op
for readers. No pandas: an empty week's report costs the start-up of SQLAlchemy and Jinja2
only (matplotlib is imported when a chart is drawn).

Post text, bios, names, handles and URLs are untrusted: the template autoescapes them, links
pass `safe_url`, and bidi controls are shown as code points (`visible`).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import aliased

from checks.policy import motto
from reports import lifecycle, profiles
from reports.engagement import Engagement, engagement
from reports.links import account_url
from reports.output import write_atomic, write_atomic_chunks
from reports.templating import environment
from socialaudit import platforms
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
SEVERITIES = ("high", "medium", "review", "info")
PAGE_FINDINGS = 100  # finding cards on the page; every finding is in the CSV, JSON and queue
PAGE_ROWS = 200  # rows of each per-person or per-account table on the page
STREAM_CHUNK = 2_000  # findings read and written at a time into the CSV and JSON
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
TIME_FIELDS = ("post_created_at", "post_deleted_at", "reviewed_at", "created_at")

Rows = list[dict[str, Any]]


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
    """One week, counted. Tables are lists of plain dicts; `findings` holds only the page's
    cards (the most serious `PAGE_FINDINGS`, in report order) and `finding_count` all of them:
    the CSV and JSON stream the rest from the store (`write`)."""

    organisation: str
    timezone: str
    week: Week
    figures: list[Figure]
    by_rule: Rows
    findings: Rows
    profiles: Rows
    lifecycle: Rows
    engagement: Engagement
    engagement_people: Rows
    unavailable: Rows
    runs: Rows
    attention: Rows = field(default_factory=list)  # open findings per person
    failing: Rows = field(default_factory=list)  # profiles falling short
    registered_accounts: int = 0
    finding_count: int = 0
    queue_url: str = ""  # the browser app's review queue for this week
    # post id -> (message it replied to, its author), for evidence found in another reply
    contexts: dict[int, tuple[str, str]] = field(default_factory=dict)
    charts: dict[str, Markup] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.finding_count == 0 and self.engagement.posts == 0

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
        if not self.runs:
            return (
                f"No collection round ran in {self.week}, so nothing was collected: this "
                "week's figures cannot show what was posted."
            )
        rounds = sum(int(r["runs"]) for r in self.runs)
        return (
            f"{rounds} collection round{'s' if rounds != 1 else ''} ran in {self.week} and "
            "found no post from anyone audited, and no finding: nothing new to report."
        )


# --------------------------------------------------------------------------- reading


OUTSTANDING = (ReviewStatus.OPEN, ReviewStatus.ACKNOWLEDGED)  # not settled by a review


def failing_profiles(status: Rows) -> Rows:
    """The accounts whose profile falls short at the moment `status` was taken (None, a
    profile not seen yet, is not failing)."""
    return [r for r in status if r["disclaimer"] is False or r["affiliation"] is False or r["lost"]]


def audited_people(conn: Connection, end: datetime) -> set[int]:
    """The people audited by `end`: active, with an active account registered before `end`,
    or with anything of it from before `end` in the store (an archive import, a simulated
    clock, history collected on the first round), whichever comes first. The dashboard's
    rate counts the same people (`reports.dashboard`)."""
    seen_before_end = sa.or_(
        Account.created_at < end,
        sa.exists().where(ProfileSnapshot.account_id == Account.id, ProfileSnapshot.seen_at < end),
        sa.exists().where(Post.account_id == Account.id, Post.created_at < end),
    )
    return set(
        conn.scalars(
            sa.select(Person.id)
            .distinct()
            .join(Account, Account.person_id == Person.id)
            .where(Person.active, Account.active, seen_before_end)
        )
    )


def _headline(conn: Connection, week: Week, tz: str) -> dict[str, float | None]:
    start, end = week.bounds(tz)
    audited = audited_people(conn, end)
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
    failing = failing_profiles(profiles.status_rows(conn, end, week=str(week)))
    # Compliant: audited, and nothing needs attention at the week's end (no high or medium
    # finding this week, no finding left open, no profile falling short).
    attention = (flagged | owing | {r["person_id"] for r in failing}) & audited
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
    from checks.registry import get_rule  # the rule set loads only when a finding is shown

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


def _rank(column: Any, ranks: dict[Any, int]) -> Any:
    return sa.case(*((column == str(k), v) for k, v in ranks.items()), else_=-1)


def _findings_query(conn: Connection, week: Week) -> sa.Select[Any]:
    """The week's findings with what a card and a record need, in report order: not false
    positives first, most severe, most confident, by person, oldest post, id (in SQL, so a
    page or a stream reads only the rows it uses)."""
    # Someone else's posts, as context: the message replied to, the post reposted or quoted.
    replied = aliased(ReferencedPost)
    original = aliased(ReferencedPost)
    # Names sort by code point on both databases (SQLite's BINARY, PostgreSQL's "C").
    person = Person.name.collate("C") if conn.dialect.name == "postgresql" else Person.name
    return (
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
        .where(Finding.week == str(week))
        .order_by(
            sa.case((Finding.review_status == ReviewStatus.FALSE_POSITIVE, 1), else_=0),
            _rank(Finding.severity, SEVERITY_RANK).desc(),
            _rank(Finding.confidence, CONFIDENCE_RANK).desc(),
            person,
            Post.created_at.asc().nulls_last(),
            Finding.id,
        )
    )


def _finding_row(row: sa.Row[Any], facts: dict[tuple[str, str], dict[str, str]]) -> dict[str, Any]:
    """A finding row as a dict, with the rule's name, family, clause and action from the
    registry (looked up once per rule)."""
    values = row._asdict()
    key = (values["rule_code"], values["rule_name"])
    if key not in facts:
        facts[key] = _rule_facts(*key)
    values.update(facts[key])
    return values


def iter_findings(conn: Connection, week: Week, limit: int | None = None) -> Iterator[Rows]:
    """The week's findings in report order, `STREAM_CHUNK` at a time (a server-side cursor
    on PostgreSQL): the CSV and JSON writers hold one chunk, whatever the week holds."""
    stmt = _findings_query(conn, week)
    if limit is not None:
        stmt = stmt.limit(limit)
    result = conn.execution_options(stream_results=True, max_row_buffer=STREAM_CHUNK).execute(stmt)
    facts: dict[tuple[str, str], dict[str, str]] = {}
    for chunk in result.partitions(STREAM_CHUNK):
        yield [_finding_row(row, facts) for row in chunk]


def _evidence_contexts(conn: Connection, findings: Rows) -> dict[int, tuple[str, str]]:
    """The messages replied to by the posts evidence points at (a heated exchange's hostile
    words sit in another reply of the conversation than the finding's own post)."""
    ids = {
        item["post"]
        for row in findings
        if isinstance(row["evidence"], list)
        for item in row["evidence"]
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


BY_RULE_COLUMNS = ["rule_code", "rule_name", "family", *SEVERITIES, "total"]


def _by_rule(conn: Connection, week: Week) -> Rows:
    """Counted findings (false positives left out) per rule and severity, counted in SQL;
    rules with a high finding first, then medium, then review, then by total."""
    counts = conn.execute(
        sa.select(Finding.rule_code, Finding.rule_name, Finding.severity, sa.func.count(Finding.id))
        .where(Finding.week == str(week), Finding.review_status != ReviewStatus.FALSE_POSITIVE)
        .group_by(Finding.rule_code, Finding.rule_name, Finding.severity)
    ).all()
    table: dict[tuple[str, str, str], dict[str, Any]] = {}
    for code, stored_name, severity, n in counts:
        facts = _rule_facts(code, stored_name)
        key = (code, facts["rule_name"], facts["family"])
        row = table.setdefault(
            key,
            {
                "rule_code": code,
                "rule_name": key[1],
                "family": key[2],
                **dict.fromkeys(SEVERITIES, 0),
            },
        )
        if severity in SEVERITIES:
            row[severity] += n
    rows = [{**r, "total": sum(r[s] for s in SEVERITIES)} for r in table.values()]
    rows = [r for r in rows if r["total"] > 0]

    def rank(r: dict[str, Any]) -> int:
        return (r["high"] > 0) * 3 + (r["medium"] > 0) * 2 + (r["review"] > 0)

    return sorted(rows, key=lambda r: (-rank(r), -r["total"], r["rule_code"]))


ATTENTION_COLUMNS = ["person", *SEVERITIES, "total", "unreviewed", "weeks"]


def _attention(conn: Connection, week: Week) -> Rows:
    """Per person: the findings of this week or before that no review has settled yet,
    counted in SQL (per person, severity and status; the weeks joined per person), so the
    rows read are a few per person whatever the number of weeks."""
    outstanding = sa.and_(Finding.week <= str(week), Finding.review_status.in_(OUTSTANDING))
    counts = conn.execute(
        sa.select(Person.name, Finding.severity, Finding.review_status, sa.func.count(Finding.id))
        .join(Person, Person.id == Finding.person_id)
        .where(outstanding)
        .group_by(Person.name, Finding.severity, Finding.review_status)
    ).all()
    pairs = (
        sa.select(Person.name.label("name"), Finding.week.label("week"))
        .distinct()
        .join(Person, Person.id == Finding.person_id)
        .where(outstanding)
        .subquery()
    )
    weeks = {
        name: ", ".join(sorted(set(joined.split(","))))
        for name, joined in conn.execute(
            sa.select(pairs.c.name, sa.func.aggregate_strings(pairs.c.week, ",")).group_by(
                pairs.c.name
            )
        )
    }
    people: dict[str, dict[str, Any]] = {}
    for name, severity, status, n in counts:
        row = people.setdefault(
            name, {"person": name, **dict.fromkeys(SEVERITIES, 0), "total": 0, "unreviewed": 0}
        )
        if severity in SEVERITIES:
            row[severity] += n
            row["total"] += n
        if status == ReviewStatus.OPEN:
            row["unreviewed"] += n
    rows = [{**r, "weeks": weeks.get(r["person"], "")} for r in people.values()]
    return sorted(rows, key=lambda r: (-r["high"], -r["medium"], -r["total"], r["person"]))


def _people(conn: Connection) -> dict[int, tuple[str, str | None]]:
    return {
        pid: (name, team)
        for pid, name, team in conn.execute(sa.select(Person.id, Person.name, Person.team))
    }


def _unavailable(conn: Connection) -> Rows:
    return [
        row._asdict()
        for row in conn.execute(
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
            .order_by(Account.status, Person.name, Account.platform, Account.handle)
        )
    ]


def _runs(conn: Connection, start: datetime, end: datetime) -> Rows:
    """Collection rounds of the week per platform (a few rows a day)."""
    per: dict[str, dict[str, Any]] = {}
    for platform, status, rate_limited, errors, api_calls in conn.execute(
        sa.select(
            CollectionRun.platform,
            CollectionRun.status,
            CollectionRun.rate_limited,
            CollectionRun.errors,
            CollectionRun.api_calls,
        ).where(CollectionRun.started_at >= start, CollectionRun.started_at < end)
    ):
        row = per.setdefault(
            platform,
            {
                "platform": platform,
                "runs": 0,
                "failed": 0,
                "api_calls": 0,
                "rate_limited": 0,
                "errors": 0,
            },
        )
        row["runs"] += 1
        row["failed"] += status not in ("ok", "finished", "done", "running")
        row["api_calls"] += api_calls or 0
        row["rate_limited"] += int(rate_limited or 0)
        row["errors"] += len(errors) if isinstance(errors, list) else 0
    return [per[k] for k in sorted(per)]


def _queue_url(settings: Settings, week: Week) -> str:
    """The browser app's review queue for the week (absolute when `[web] public_url` is set,
    so the link also works from the file)."""
    base = (settings.web.public_url or "").rstrip("/")
    return f"{base}/review?week={week}"


def build(engine: Engine, settings: Settings, week: Week) -> WeeklyReport:
    """Read one week from the store and count everything the report shows (in SQL)."""
    tz = settings.organisation.timezone
    start, end = week.bounds(tz)
    with engine.connect() as conn:
        figures = _figures(_headline(conn, week, tz), _headline(conn, week.previous(), tz))
        by_rule = _by_rule(conn, week)
        total = conn.scalar(sa.select(sa.func.count(Finding.id)).where(Finding.week == str(week)))
        findings = [r for chunk in iter_findings(conn, week, PAGE_FINDINGS) for r in chunk]
        contexts = _evidence_contexts(conn, findings)
        people = _people(conn)
        attention = _attention(conn, week)
        registered = conn.scalar(
            sa.select(sa.func.count(Account.id))
            .join(Person, Person.id == Account.person_id)
            .where(Account.active, Person.active)
        )
        profile_rows = profiles.status_rows(conn, end, week=str(week))
        life = lifecycle.person_rows(conn, str(week))
        figures_engagement = engagement(conn, start, end, settings.organisation.handles)
        unavailable = _unavailable(conn)
        runs = _runs(conn, start, end)
    for row in profile_rows:
        row["person"] = people[row["person_id"]][0]
    profile_rows.sort(
        key=lambda r: (
            -(r["lost"] * 4 + (r["disclaimer"] is False) * 2 + (r["affiliation"] is False)),
            r["person"],
            r["platform"],
            r["handle"],
        )
    )
    life.sort(
        key=lambda r: (
            -r["deleted-without-correction"],
            -r["awaiting-correction"],
            r["person"],
        )
    )
    eng_people = sorted(
        (
            {**r, "person": people[r["person_id"]][0], "team": people[r["person_id"]][1]}
            for r in figures_engagement.per_person
            if r["person_id"] in people
        ),
        key=lambda r: r["person"],
    )
    report = WeeklyReport(
        organisation=settings.organisation.name,
        timezone=tz,
        week=week,
        figures=figures,
        by_rule=by_rule,
        findings=findings,
        profiles=profile_rows,
        lifecycle=life,
        engagement=figures_engagement,
        engagement_people=eng_people,
        unavailable=unavailable,
        runs=runs,
        attention=attention,
        failing=failing_profiles(profile_rows),
        registered_accounts=int(registered or 0),
        finding_count=int(total or 0),
        queue_url=_queue_url(settings, week),
        contexts=contexts,
    )
    if by_rule:
        worst = [next((s for s in SEVERITIES if r[s] > 0), "info") for r in by_rule]
        from reports import charts  # matplotlib: only when there is a chart to draw

        report.charts["by_rule"] = charts.hbar(
            [f"{r['rule_code']} {r['rule_name']}" for r in by_rule],
            [r["total"] for r in by_rule],
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


def _local(value: datetime | None, tz: str) -> str:
    """An instant as local date and time in the organisation's zone ("" when missing)."""
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def _clean(value: Any) -> Any:
    """A figure as JSON holds it: NaN as None."""
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def finding_record(row: dict[str, Any]) -> dict[str, Any]:
    """One finding as the CSV and JSON hold it (times ISO 8601 UTC)."""
    record = {key: row.get(key) for key in FINDING_FIELDS}
    for key in TIME_FIELDS:
        if record[key] is not None:
            record[key] = record[key].isoformat()
    return record


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> Any:
    """Untrusted text that a spreadsheet would run as a formula is prefixed with a quote."""
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _dumps(value: Any) -> str:
    # Compact, so the standard library's C encoder does the work (indenting is pure Python).
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class _Writers:
    """The CSV and the JSON document written side by side, one record at a time.

    The JSON is the document `{"figures", "findings", "organisation", "timezone", "week"}`
    with sorted keys, written in pieces so the findings never sit in memory together."""

    def __init__(self, report: WeeklyReport, csv_out: io.TextIOBase, json_out: io.TextIOBase):
        self.csv = csv.writer(csv_out, lineterminator="\n")
        self.csv.writerow(FINDING_FIELDS)
        self.json = json_out
        self.report = report
        figures = {
            f.label: {"value": _clean(f.value), "previous": _clean(f.previous)}
            for f in report.figures
        }
        json_out.write('{"figures":' + _dumps(figures) + ',"findings":[')
        self.first = True

    def add(self, record: dict[str, Any]) -> None:
        self.csv.writerow([_csv_cell(record[k]) for k in FINDING_FIELDS])
        self.json.write(("" if self.first else ",") + _dumps(record))
        self.first = False

    def close(self) -> None:
        r = self.report
        self.json.write(
            f'],"organisation":{_dumps(r.organisation)},"timezone":{_dumps(r.timezone)},'
            f'"week":{_dumps(str(r.week))}}}\n'
        )


def render_files(report: WeeklyReport, records: Iterable[dict[str, Any]]) -> tuple[str, str]:
    """The CSV and the JSON of `records` (`finding_record`s) as strings: what `write`
    streams into the files, for callers that hold the records already."""
    csv_out, json_out = io.StringIO(), io.StringIO()
    writers = _Writers(report, csv_out, json_out)
    for record in records:
        writers.add(record)
    writers.close()
    return csv_out.getvalue(), json_out.getvalue()


def _finding_views(report: WeeklyReport) -> list[dict[str, Any]]:
    tz = report.timezone
    views = []
    for row in report.findings:
        local = {
            key: _local(row[key], tz)
            for key in ("post_created_at", "post_deleted_at", "reviewed_at")
        }
        views.append(_card({**row, **local}, report.contexts))
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
        "platform_name": platforms.display_name(row["platform"]),
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


def _page(rows: Rows) -> Rows:
    return rows[:PAGE_ROWS]


def render_html(report: WeeklyReport, layout: str = "_layout.html.j2", **page: Any) -> str:
    """The report as one HTML file (`layout` the file's own), or as a page of the browser app
    (its layout, and that layout's `page` context: navigation, week picker)."""
    start = report.week.monday
    eng = report.engagement
    tz = report.timezone
    more = {
        name: max(0, len(rows) - PAGE_ROWS)
        for name, rows in (
            ("attention", report.attention),
            ("failing", report.failing),
            ("profiles", report.profiles),
            ("lifecycle", report.lifecycle),
            ("engagement_people", report.engagement_people),
            ("unavailable", report.unavailable),
        )
    }
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
        timezone=tz,
        figures=report.figures,
        by_rule=report.by_rule,
        findings=_finding_views(report),
        finding_count=report.finding_count,
        queue_url=report.queue_url,
        more=more,
        profiles=_page(report.profiles),
        lifecycle=_page(report.lifecycle),
        lifecycle_columns=[(key, lifecycle.LABELS[key]) for key in lifecycle.EVENTS],
        engagement=eng,
        share=Engagement.share,
        engagement_people=_page(report.engagement_people),
        unavailable=[
            {**r, "since": _local(r["status_changed_at"], tz)} for r in _page(report.unavailable)
        ],
        unavailable_count=len(report.unavailable),
        runs=report.runs,
        attention=_page(report.attention),
        failing=[{**r, "problems": _shortfalls(r)} for r in _page(report.failing)],
        figure=report.figure,
        charts=report.charts,
        motto=motto(),
    )


def write(
    engine: Engine, settings: Settings, week: Week, output_dir: Path | None = None
) -> list[Path]:
    """Build the week's report and write `report-WEEK.html`, `.csv` and `.json`; the CSV and
    JSON are streamed from the store, every finding of the week, a chunk at a time."""
    report = build(engine, settings, week)
    directory = output_dir or settings.reports.output_dir
    html = write_atomic(directory / f"{report.stem}.html", render_html(report))
    csv_path, json_path = directory / f"{report.stem}.csv", directory / f"{report.stem}.json"
    with (
        write_atomic_chunks(csv_path) as csv_out,
        write_atomic_chunks(json_path) as json_out,
        engine.connect() as conn,
    ):
        writers = _Writers(report, csv_out, json_out)
        for chunk in iter_findings(conn, week):
            for row in chunk:
                writers.add(finding_record(row))
        writers.close()
    return [html, csv_path, json_path]
