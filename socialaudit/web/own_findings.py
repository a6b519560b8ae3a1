"""What a person sees of their own findings: their own words apart from anyone else's.

The person's page (`/me`) and `/api/me/findings` read this. Each finding is shown with what
the person wrote (the post's text, date, platform and a link to it, or the profile's bio),
and apart from it, labelled as someone else's words, the message it answered: the hasty-reply
rules (RSP502, RSP503) find their evidence in the *other* account's message, and a page that
showed it under "what you wrote" would put a stranger's insult in the person's mouth.

A finding of severity `review` ("might be problematic: a human decides", RULES.md) is not
shown until a reviewer confirmed it (acknowledged or resolved): "check with legal" is the comms
team's question to ask, not an accusation to put before the person on the audit's say-so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, col, select

from checks.registry import get_rule
from reports import nudge_texts
from reports.i18n import N_, Language, platform_name
from reports.links import account_url
from socialaudit.models import (
    SEVERITY_ORDER_SQL,
    Account,
    DeletionCause,
    Finding,
    FindingNote,
    Post,
    PostKind,
    ProfileSnapshot,
    ReferencedPost,
    ReviewStatus,
    Severity,
)

# The reviewer's decisions that confirm a finding (RULES.md: for `review`, a human decides).
CONFIRMED = (ReviewStatus.ACKNOWLEDGED, ReviewStatus.RESOLVED)
# Evidence found in the message replied to, not in the person's own words.
CONTEXT_FIELDS = {"reply_to_text"}

STATUS_TEXT = {
    ReviewStatus.OPEN: N_("Not looked at by the comms team yet"),
    ReviewStatus.ACKNOWLEDGED: N_("Confirmed by the comms team"),
    ReviewStatus.RESOLVED: N_("Resolved"),
    ReviewStatus.FALSE_POSITIVE: N_("The comms team looked again: nothing wrong after all"),
}
# The row's heading, by subject and by whether its date is known.
WHERE = {
    ("profile", True): N_("Your profile on %(platform)s, seen %(day)s"),
    ("profile", False): N_("Your profile on %(platform)s"),
    ("post", True): N_("Your post on %(platform)s, %(day)s"),
    ("post", False): N_("Your post on %(platform)s"),
}


def visible(severity: str, status: str) -> bool:
    """A `review` finding only once a reviewer confirmed it; every other one at once."""
    return severity != Severity.REVIEW or status in CONFIRMED


def visible_to_the_person(finding: Finding) -> bool:
    return visible(finding.severity, finding.review_status)


@dataclass
class Segment:
    """A piece of the person's own text; `marked` when it is what the rule saw."""

    text: str
    marked: bool = False


@dataclass
class OwnFinding:
    """One row of the person's page, in their language."""

    id: int
    week: str
    rule: str
    severity: str
    severity_text: str
    status: str
    status_text: str
    subject: str  # post, profile or thread
    where: str  # "Your post on X, November 16, 2026"
    when: str | None  # date and time in the person's time zone
    platform: str
    own_text: list[Segment]
    own_label: str  # "What you wrote", "What you reposted", "Your profile"
    url: str | None
    deleted: bool
    context_text: str | None  # someone else's words the post answered, if the rule saw them
    context_author: str | None
    context_url: str | None
    clause: str
    suggestion: str
    disagreements: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "week": self.week,
            "rule": self.rule,
            "severity": self.severity,
            "status": self.status,
            "subject": self.subject,
            "platform": self.platform,
            "when": self.when,
            "own_text": "".join(s.text for s in self.own_text),
            "url": self.url,
            "deleted": self.deleted,
            "context": (
                {"text": self.context_text, "author": self.context_author}
                if self.context_text
                else None
            ),
            "clause": self.clause,
            "suggestion": self.suggestion,
        }


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _marked(text: str, evidence: list[dict[str, Any]]) -> list[Segment]:
    """The text cut around the evidence found in it (field `text`), first span only."""
    for item in evidence or []:
        if not isinstance(item, dict) or item.get("field", "text") != "text":
            continue
        start, end = item.get("start"), item.get("end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
            return [
                s
                for s in (
                    Segment(text[:start]),
                    Segment(text[start:end], True),
                    Segment(text[end:]),
                )
                if s.text
            ]
    return [Segment(text)] if text else []


def _context(
    session: Session, finding: Finding, post: Post | None
) -> tuple[str | None, str | None, str | None]:
    """The other account's message the finding's evidence came from, with its author."""
    other = [
        e
        for e in finding.evidence or []
        if isinstance(e, dict) and e.get("field") in CONTEXT_FIELDS
    ]
    if not other:
        return None, None, None
    if post is not None and post.reply_to_id:
        parent = session.exec(
            select(ReferencedPost).where(
                ReferencedPost.platform == post.platform,
                ReferencedPost.platform_id == post.reply_to_id,
            )
        ).first()
        if parent is not None and parent.text:
            return parent.text, parent.author_handle, parent.url
    words = " … ".join(str(e.get("text", "")) for e in other if e.get("text"))
    return words or None, None, None


def own_findings(
    session: Session, person_id: int, language: Language, timezone: str | None
) -> list[OwnFinding]:
    """The person's findings they may see, most serious first, in their language."""
    import sqlalchemy as sa

    rank = sa.literal_column(SEVERITY_ORDER_SQL.format(column="finding.severity"))
    findings = session.exec(
        select(Finding)
        .where(Finding.person_id == person_id)
        .order_by(rank, col(Finding.week).desc(), Finding.id)
    ).all()
    tz = zone(timezone)
    rows = []
    for finding in findings:
        if not visible_to_the_person(finding):
            continue
        rows.append(_row(session, finding, language, tz))
    return rows


def _row(session: Session, finding: Finding, language: Language, tz: ZoneInfo) -> OwnFinding:
    rule = get_rule(finding.rule_code)
    account = session.get(Account, finding.account_id) if finding.account_id else None
    post = session.get(Post, finding.post_id) if finding.post_id else None
    snapshot = session.get(ProfileSnapshot, finding.snapshot_id) if finding.snapshot_id else None
    own_label = language.gettext("What you wrote")
    text, when, url, deleted = "", None, None, False
    if post is not None:
        account = account or session.get(Account, post.account_id)
        when, url = post.created_at, post.url
        deleted = post.deletion_cause == DeletionCause.DELETED
        text = post.text
        if post.kind == PostKind.REPOST:
            own_label = language.gettext("What you reposted (someone else's post, shared by you)")
            original = session.exec(
                select(ReferencedPost).where(
                    ReferencedPost.platform == post.platform,
                    ReferencedPost.platform_id == post.repost_of_id,
                )
            ).first()
            text = original.text if original is not None else text
    elif snapshot is not None:
        own_label = language.gettext("Your profile")
        text = snapshot.bio or snapshot.display_name or ""
        when = snapshot.seen_at
        url = (
            account_url(account.platform, account.handle, account.platform_id, account.instance)
            if account
            else None
        )
    platform = platform_name(account.platform if account else (post.platform if post else ""))
    local = when.astimezone(tz) if isinstance(when, datetime) else None
    day = language.full_date(local) if local else None
    context_text, context_author, context_url = _context(session, finding, post)
    notes = session.exec(
        select(FindingNote)
        .where(FindingNote.finding_id == finding.id, FindingNote.kind == "disagree")
        .order_by(col(FindingNote.at))
    ).all()
    subject = "profile" if finding.subject_type == "profile" else "post"
    where = language.gettext(WHERE[(subject, day is not None)]) % {"platform": platform, "day": day}
    return OwnFinding(
        id=int(finding.id or 0),
        week=finding.week,
        rule=rule.code,
        severity=finding.severity,
        severity_text=language.severity(finding.severity),
        status=finding.review_status,
        status_text=language.gettext(STATUS_TEXT[ReviewStatus(finding.review_status)]),
        subject=finding.subject_type,
        where=where,
        when=language.moment(local) if local else None,
        platform=platform,
        own_text=_marked(text, finding.evidence) if text else [],
        own_label=own_label,
        url=None if deleted else url,
        deleted=deleted,
        context_text=context_text,
        context_author=context_author,
        context_url=context_url,
        clause=nudge_texts.clause_summary(rule.clause_keys[0], language.code),
        suggestion=nudge_texts.instead(rule.code, language.code),
        disagreements=[
            {
                "text": note.text,
                "at": language.moment(note.at.astimezone(tz)),
            }
            for note in notes
        ],
    )
