"""The weekly nudge: one private, gentle e-mail to each spokesperson who had something to fix.

The policy's own tone ("it's mostly common-sense", "don't be put off"): each item says what was
seen (a short excerpt and a link), the clause in one sentence and one thing to do instead; a
line on what went well when there is one; "If in doubt, don't post." It goes to the person
alone, never in copy to anyone.

Who gets one for week W: active people with `nudges` on and an e-mail address, with at least
one finding of week W at or above `[nudges] min_severity` (default medium, so `review` and
`info` never nudge), not marked false-positive, from a rule that is not disabled. A finding
about a post the person has since deleted is left out (deleting it was the right thing, and it
is counted under "what went well"). A deletion itself (MST801, deleted without correction) is
nudged only when the policy asks for a correction: a reviewer acknowledged the finding (the
post was a mistake to correct, not just removed) and the post carried no other finding (taking
down a flagged post is the right thing, never scolded). Findings on the same post or profile
make one item: the text once, each clause once, one suggestion per clause.

Exactly once. A `Nudge` row per (person, week) means "the server accepted it". For each
person the row is inserted in a transaction that is committed only after the SMTP server
accepted the message, and rolled back on any failure, so a refusal, a dropped connection or a
crash leaves that person (and everyone after) to the next run. The uncommitted insert holds
the unique (person, week) key, so a second run at the same time waits on it and then skips
that person instead of sending again. The one window left is between the server's "250 OK"
and our commit (a single local write): if the process dies exactly there, the next run sends
that nudge again. We accept that rare duplicate rather than mark a nudge "sending" before the
SMTP transaction, because a marker left by a crash cannot say whether the message went out,
and the only safe reading of it would be to never send that week at all.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from html import unescape as html_unescape
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from checks.mistakes import Outcome as PostFate
from checks.registry import get_rule
from reports import nudge_texts
from reports.lifecycle import CORRECTED
from reports.links import account_url
from reports.mailer import Mailer, MailerUnavailable, MessageRefused, OutboxMailer, SmtpMailer
from reports.templating import environment
from socialaudit import platforms
from socialaudit.config import Settings
from socialaudit.display import isolated, without_bidi
from socialaudit.errors import UsageError
from socialaudit.models import (
    SEVERITY_RANK,
    Account,
    DeletionCause,
    Finding,
    Nudge,
    Person,
    Post,
    PostKind,
    PostOutcome,
    ProfileSnapshot,
    ReferencedPost,
    ReviewStatus,
    Severity,
    utcnow,
)
from socialaudit.registry import email_problem, find_person
from socialaudit.weeks import Week

log = logging.getLogger(__name__)

EXCERPT_CHARS = 180
TEMPLATE_DIR = "nudges"
# A deleted post is still worth a nudge for this rule: the deletion is the finding.
ABOUT_DELETION = {"MST801"}


# --- what a nudge holds -------------------------------------------------------------------


@dataclass(frozen=True)
class NudgeItem:
    """One thing worth a look, ready for a template (already in the person's language)."""

    finding_id: int
    rule_code: str
    subject: str  # post, profile or thread
    platform: str
    day: int | None
    month: str | None
    excerpt: str
    url: str | None
    deleted: bool
    clause: str
    suggestion: str
    finding_ids: tuple[int, ...] = ()  # every finding this item stands for (same subject)


@dataclass(frozen=True)
class WentWell:
    """What the store can tell went well that week (the policy's clauses 4 and 9)."""

    replies: int = 0  # replies the person posted: a dialogue, not a monologue
    corrected: int = 0  # posts corrected (edited, openly, or after deleting them) that week
    taken_down: int = 0  # posts with a high finding that the person deleted that week

    @property
    def any(self) -> bool:
        return bool(self.replies or self.corrected or self.taken_down)


@dataclass
class Outcome:
    person: str
    status: str  # sent, written, already-sent, skipped, deferred, failed
    detail: str = ""
    items: int = 0


@dataclass
class NudgeSummary:
    """What a run did, person by person; the CLI prints it and the scheduler logs it."""

    week: str
    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)
    error: str | None = None  # the mail server problem that stopped the run, if any
    disabled: bool = False

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def ok(self) -> bool:
        """Everything due was delivered (or written); nothing failed or was cut short."""
        return self.error is None and not any(o.status == "failed" for o in self.outcomes)


@dataclass
class _Candidate:
    person_id: int
    name: str
    email: str
    language: str
    findings: list[Finding]


# --- choosing the findings ----------------------------------------------------------------


def nudge_worthy(settings: Settings) -> list[str]:
    """The severities at or above `[nudges] min_severity`."""
    floor = SEVERITY_RANK[Severity(settings.nudges.min_severity)]
    return [s.value for s, rank in SEVERITY_RANK.items() if rank >= floor]


def _due_findings(
    session: Session, settings: Settings, week: Week, person_id: int | None
) -> dict[int, list[Finding]]:
    query = (
        select(Finding)
        .outerjoin(Post, Post.id == Finding.post_id)  # type: ignore[arg-type]
        .where(
            Finding.week == str(week),
            Finding.severity.in_(nudge_worthy(settings)),  # type: ignore[attr-defined]
            Finding.review_status != ReviewStatus.FALSE_POSITIVE,
            Finding.rule_code.not_in(settings.rules.disabled),  # type: ignore[attr-defined]
            # A post the person took down themselves needs no nudge (MST801 is the deletion).
            (Post.deletion_cause.is_(None))  # type: ignore[union-attr]
            | (Post.deletion_cause != DeletionCause.DELETED)
            | Finding.rule_code.in_(ABOUT_DELETION),  # type: ignore[attr-defined]
            # The deletion is nudged only when the policy asks for a correction (see above).
            Finding.rule_code.not_in(ABOUT_DELETION)  # type: ignore[attr-defined]
            | (
                (Finding.review_status == ReviewStatus.ACKNOWLEDGED) & ~_other_finding_on_the_post()
            ),
        )
        .order_by(Finding.person_id, Finding.id)
    )
    if person_id is not None:
        query = query.where(Finding.person_id == person_id)
    by_person: dict[int, list[Finding]] = {}
    for finding in session.exec(query).all():
        try:
            get_rule(finding.rule_code)
        except KeyError:
            log.warning(
                "finding %s has unknown rule code %r; left out of the nudge",
                finding.id,
                finding.rule_code,
            )
            continue
        by_person.setdefault(finding.person_id, []).append(finding)
    for findings in by_person.values():
        findings.sort(key=lambda f: (-SEVERITY_RANK.get(Severity(f.severity), 0), f.id))
    return by_person


def _other_finding_on_the_post() -> Any:
    """EXISTS: another finding (not a false positive, not about the deletion) on the post."""
    other = aliased(Finding)
    return (
        select(other.id)
        .where(
            other.post_id == Finding.post_id,
            other.id != Finding.id,
            other.review_status != ReviewStatus.FALSE_POSITIVE,
            other.rule_code.not_in(ABOUT_DELETION),  # type: ignore[attr-defined]
        )
        .exists()
    )


def _why_not(person: Person) -> str | None:
    if not person.active:
        return "removed from the registry"
    if not person.nudges:
        return "opted out of nudges"
    if not (person.email or "").strip():
        return "no e-mail address"
    if email_problem(person.email or ""):
        return "e-mail address not valid (see 'socialaudit people add --email')"
    return None


def _went_well(session: Session, person_id: int, start: datetime, end: datetime) -> WentWell:
    accounts = select(Account.id).where(Account.person_id == person_id)
    replies = session.exec(
        select(func.count(Post.id)).where(
            Post.account_id.in_(accounts),  # type: ignore[attr-defined]
            Post.kind == PostKind.REPLY,
            Post.created_at >= start,
            Post.created_at < end,
        )
    ).one()
    # Corrections and flagged posts taken down, as the store decided them (PostOutcome), so
    # the nudge says what the report and the web app say.
    outcomes = select(func.count(PostOutcome.id)).where(
        PostOutcome.person_id == person_id,
        PostOutcome.event_at >= start,  # type: ignore[operator]
        PostOutcome.event_at < end,  # type: ignore[operator]
    )
    corrected = session.exec(
        outcomes.where(PostOutcome.outcome.in_([str(o) for o in CORRECTED]))  # type: ignore[attr-defined]
    ).one()
    taken_down = session.exec(
        outcomes.where(PostOutcome.outcome == PostFate.DELETED_AFTER_FLAG)
    ).one()
    return WentWell(int(replies), int(corrected), int(taken_down))


# --- what was seen ------------------------------------------------------------------------


def _span(evidence: list[dict[str, Any]], text: str) -> tuple[int, int] | None:
    """Where the first piece of evidence sits in `text`, if the evidence says."""
    for item in evidence or []:
        if not isinstance(item, dict):
            continue
        start, end = item.get("start"), item.get("end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text):
            return start, end
        for key in ("text", "match", "span"):
            value = item.get(key)
            if isinstance(value, str) and value and (found := text.find(value)) >= 0:
                return found, found + len(value)
    return None


def excerpt(text: str, evidence: list[dict[str, Any]] | None = None) -> str:
    """At most EXCERPT_CHARS of `text`, whitespace folded, centred on the evidence if any."""
    span = _span(evidence or [], text)
    if len(" ".join(text.split())) <= EXCERPT_CHARS:
        return " ".join(text.split())
    start = 0
    if span is not None:
        middle = (span[0] + span[1]) // 2
        start = max(0, min(middle - EXCERPT_CHARS // 2, len(text) - EXCERPT_CHARS))
    window = text[start : start + EXCERPT_CHARS]
    if start > 0:
        window = window.split(None, 1)[-1] if " " in window.strip() else window
    if start + EXCERPT_CHARS < len(text):
        cut = window.rsplit(None, 1)[0] if " " in window.strip() else window
        window = cut if len(cut) > EXCERPT_CHARS // 2 else window
    body = " ".join(window.split())
    return ("…" if start > 0 else "") + body + ("…" if start + EXCERPT_CHARS < len(text) else "")


def profile_url(account: Account) -> str | None:
    """The public page of a profile, from its platform and handle."""
    return account_url(account.platform, account.handle, account.platform_id, account.instance)


def _reposted_text(session: Session, post: Post) -> str:
    """A repost has no words of its own: the original's, as archived ("" if not)."""
    if post.kind != PostKind.REPOST or not post.repost_of_id:
        return ""
    original = session.exec(
        select(ReferencedPost).where(
            ReferencedPost.platform == post.platform,
            ReferencedPost.platform_id == post.repost_of_id,
        )
    ).first()
    return original.text if original is not None else ""


def _item(session: Session, finding: Finding, language: str, tz: ZoneInfo) -> NudgeItem:
    rule = get_rule(finding.rule_code)
    account = session.get(Account, finding.account_id) if finding.account_id else None
    text, url, when, deleted = finding.message, None, None, False
    if finding.post_id is not None and (post := session.get(Post, finding.post_id)) is not None:
        account = account or session.get(Account, post.account_id)
        text, when = post.text or _reposted_text(session, post), post.created_at
        deleted = post.deletion_cause == DeletionCause.DELETED
        url = None if deleted else post.url
    elif finding.snapshot_id is not None and (
        snapshot := session.get(ProfileSnapshot, finding.snapshot_id)
    ):
        text = snapshot.bio or snapshot.display_name or ""
        when = snapshot.seen_at
        url = profile_url(account) if account else None
    local = when.astimezone(tz) if when else None
    platform = account.platform if account else ""
    return NudgeItem(
        finding_id=int(finding.id or 0),
        rule_code=rule.code,
        subject=finding.subject_type,
        platform=platforms.display_name(platform),
        day=local.day if local else None,
        month=nudge_texts.month(local.month, language) if local else None,
        excerpt=isolated(excerpt(text or "", finding.evidence)),
        url=url,
        deleted=deleted,
        # One sentence: the rule's first clause (NPT201's second only restates it).
        clause=nudge_texts.clause_summary(rule.clause_keys[0], language),
        suggestion=nudge_texts.instead(rule.code, language),
    )


def _subject_key(finding: Finding) -> tuple[str, int | None]:
    """Findings about the same post or the same profile make one item."""
    if finding.post_id is not None:
        return ("post", finding.post_id)
    if finding.snapshot_id is not None:
        return ("snapshot", finding.snapshot_id)
    return (f"finding-{finding.subject_type}", finding.id)


def group_by_subject(findings: list[Finding]) -> list[list[Finding]]:
    """The findings per subject, in the order of each subject's most serious finding."""
    groups: dict[tuple[str, int | None], list[Finding]] = {}
    for finding in findings:  # already most serious first
        groups.setdefault(_subject_key(finding), []).append(finding)
    return list(groups.values())


def _merged_item(
    session: Session, findings: list[Finding], language: str, tz: ZoneInfo
) -> NudgeItem:
    """One item for one subject: its text once, each clause once with one suggestion."""
    items = [_item(session, finding, language, tz) for finding in findings]
    clauses: list[str] = []
    suggestions: list[str] = []
    for item in items:
        if item.clause in clauses:
            continue  # the same clause twice (TRN101 and TRN103 on one bio): one instruction
        clauses.append(item.clause)
        if item.suggestion not in suggestions:
            suggestions.append(item.suggestion)
    return replace(
        items[0],
        clause=" ".join(clauses),
        suggestion=" ".join(suggestions),
        finding_ids=tuple(item.finding_id for item in items),
    )


# --- the message --------------------------------------------------------------------------


def available_languages() -> set[str]:
    """Languages with both a text and an HTML template."""
    names = set(environment().list_templates())
    return {
        name.split("/")[1].split(".")[0]
        for name in names
        if name.startswith(f"{TEMPLATE_DIR}/")
        and name.endswith(".txt")
        and name.replace(".txt", ".html") in names
    }


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(context: dict[str, Any], language: str) -> Rendered:
    """Subject, text and HTML of a nudge, through the one Jinja2 environment."""
    env = environment()
    module = env.get_template(f"{TEMPLATE_DIR}/{language}.txt").make_module(context)
    # The subject is a top-level {% set %} (so autoescaped Markup); a header is plain text.
    subject = " ".join(html_unescape(str(module.subject)).split())
    text = str(module).strip() + "\n"
    html = env.get_template(f"{TEMPLATE_DIR}/{language}.html").render(
        {**context, "subject": subject}
    )
    return Rendered(subject, text, html)


def sender_address(sender: str) -> Address:
    """`smtp.sender` ("Name <address>" or an address) as a header object."""
    display, address = parseaddr(sender)
    return Address(display_name=display, addr_spec=address)


def _message_domain(sender: str) -> str | None:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or None if "@" in address else None


def build_message(
    settings: Settings,
    *,
    person_id: int,
    name: str,
    email: str,
    week: Week,
    language: str,
    rendered: Rendered,
    now: datetime,
) -> EmailMessage:
    """The e-mail: multipart/alternative, text first, HTML second; one recipient only."""
    message = EmailMessage()
    message["Subject"] = rendered.subject
    # Header objects from validated parts: a display name holding a comma, "<...@...>" or
    # parentheses is quoted as a display name, never read as an address or a comment.
    message["From"] = sender_address(settings.smtp.sender)
    message["To"] = Address(display_name=without_bidi(name), addr_spec=email)
    message["Date"] = format_datetime(now)
    # Short enough not to be folded onto a second line (the Nudge row links it to the week).
    message["Message-ID"] = make_msgid(
        idstring="nudge", domain=_message_domain(settings.smtp.sender)
    )
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: auto-responders stay quiet
    if settings.nudges.reply_to:  # replies go to people, not to the sending address
        message["Reply-To"] = settings.nudges.reply_to
    if settings.nudges.list_unsubscribe:
        message["List-Unsubscribe"] = f"<{settings.nudges.list_unsubscribe}>"
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    # After the parts exist: making the message multipart moves Content-* headers into them.
    message["Content-Language"] = language
    return message


def compose(
    session: Session, settings: Settings, candidate: _Candidate, week: Week, now: datetime
) -> tuple[EmailMessage, list[int]]:
    """The message for one person and the ids of the findings it mentions."""
    tz_name = settings.organisation.timezone
    tz = ZoneInfo(tz_name)
    language = nudge_texts.language_of(candidate.language, available_languages())
    subjects = group_by_subject(candidate.findings)
    shown = subjects[: settings.nudges.max_items]
    items = [_merged_item(session, findings, language, tz) for findings in shown]
    start, end = week.bounds(tz_name)
    sunday = week.monday + timedelta(days=6)
    context = {
        "language": language,
        "name": isolated(candidate.name),
        "organisation": settings.organisation.name,
        "week": str(week),
        "start_day": week.monday.day,
        "start_month": nudge_texts.month(week.monday.month, language),
        "end_day": sunday.day,
        "end_month": nudge_texts.month(sunday.month, language),
        "items": items,
        "count": len(items),
        "more": len(subjects) - len(items),
        "went_well": _went_well(session, candidate.person_id, start, end),
        "motto": nudge_texts.motto(language),
        "unsubscribe": settings.nudges.list_unsubscribe,
        "page_url": settings.nudges.page_url,
    }
    rendered = render(context, language)
    message = build_message(
        settings,
        person_id=candidate.person_id,
        name=candidate.name,
        email=candidate.email,
        week=week,
        language=language,
        rendered=rendered,
        now=now,
    )
    return message, [finding_id for item in items for finding_id in item.finding_ids]


def file_name(name: str, person_id: int) -> str:
    """A safe, stable .eml file name for a person: ascii slug plus id."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-") or "person"
    return f"{slug}-{person_id}"


# --- the run ------------------------------------------------------------------------------


def _sent_this_calendar_week(
    session: Session, person_id: int, settings: Settings, now: datetime
) -> int:
    """Nudges this person was sent in the current calendar week (the `max_per_week` cap)."""
    tz = settings.organisation.timezone
    start, end = Week.of(now, tz).bounds(tz)
    return session.exec(
        select(func.count(Nudge.id)).where(
            Nudge.person_id == person_id, Nudge.sent_at >= start, Nudge.sent_at < end
        )
    ).one()


def _plan(
    session: Session, settings: Settings, week: Week, person: str | None, summary: NudgeSummary
) -> list[_Candidate]:
    person_id = find_person(session, person).id if person else None
    due = _due_findings(session, settings, week, person_id)
    if person_id is not None and person_id not in due:
        named = session.get(Person, person_id)
        summary.outcomes.append(
            Outcome(
                named.name if named else str(person), "skipped", "nothing to nudge about this week"
            )
        )
        return []
    already = set(session.exec(select(Nudge.person_id).where(Nudge.week == str(week))).all())
    candidates = []
    for pid in sorted(due):
        someone = session.get(Person, pid)
        if someone is None:
            continue
        findings = due[pid]
        if pid in already:
            summary.outcomes.append(Outcome(someone.name, "already-sent", "", len(findings)))
            continue
        reason = _why_not(someone)
        if reason is not None:
            summary.outcomes.append(Outcome(someone.name, "skipped", reason, len(findings)))
            continue
        candidates.append(
            _Candidate(pid, someone.name, (someone.email or "").strip(), someone.language, findings)
        )
    return candidates


def send_nudges(
    engine: Engine,
    settings: Settings,
    week: Week,
    *,
    dry_run: bool = False,
    person: str | None = None,
    now: datetime | None = None,
    mailer: Mailer | None = None,
) -> NudgeSummary:
    """Send (or, with `dry_run`, write to the outbox) week `week`'s nudges; safe to rerun.

    The scheduler calls this; `socialaudit nudge` is a thin layer over it. A mail server that
    cannot be reached or drops the connection stops the run (`summary.error`); everyone not
    sent is sent by the next run. Raises UsageError for a week that has not ended yet (its
    findings are not complete) unless `dry_run`, and for an unknown `person`.
    """
    clock_given = now is not None
    now = now or utcnow()
    summary = NudgeSummary(week=str(week), dry_run=dry_run)
    tz = settings.organisation.timezone
    if not dry_run and week.bounds(tz)[1] > now:
        raise UsageError(
            f"week {week} has not ended yet; nudges are sent for complete weeks "
            "(use --dry-run to preview)"
        )
    if not settings.nudges.enabled and not dry_run:
        summary.disabled = True
        return summary
    with Session(engine, expire_on_commit=False) as session:
        candidates = _plan(session, settings, week, person, summary)
    if not candidates:
        return summary
    if settings.nudges.max_per_week == 0:
        summary.outcomes += [
            Outcome(c.name, "skipped", "nudges.max_per_week is 0", len(c.findings))
            for c in candidates
        ]
        return summary
    if mailer is None:
        mailer = (
            OutboxMailer(settings.nudges.outbox, str(week)) if dry_run else SmtpMailer(settings)
        )
    try:
        mailer.open()
    except MailerUnavailable as exc:
        mailer.close()
        summary.error = str(exc)
        _defer_rest(summary, candidates, "mail server unavailable")
        return summary
    try:
        _deliver(engine, settings, week, candidates, mailer, dry_run, now, summary, clock_given)
    finally:
        mailer.close()
    return summary


def _deliver(
    engine: Engine,
    settings: Settings,
    week: Week,
    candidates: list[_Candidate],
    mailer: Mailer,
    dry_run: bool,
    now: datetime,
    summary: NudgeSummary,
    clock_given: bool = False,
) -> None:
    for index, candidate in enumerate(candidates):
        with Session(engine, expire_on_commit=False) as session:
            sent = _sent_this_calendar_week(session, candidate.person_id, settings, now)
            if sent >= settings.nudges.max_per_week:
                summary.outcomes.append(
                    Outcome(
                        candidate.name,
                        "deferred",
                        f"already had {sent} this week (nudges.max_per_week)",
                        len(candidate.findings),
                    )
                )
                continue
            message, finding_ids = compose(session, settings, candidate, week, now)
            name = file_name(candidate.name, candidate.person_id)
            if dry_run:
                try:
                    where = mailer.send(message, name)
                except MailerUnavailable as exc:
                    summary.error = str(exc)
                    _defer_rest(summary, candidates[index:], "outbox not writable")
                    return
                summary.outcomes.append(Outcome(candidate.name, "written", where, len(finding_ids)))
                continue
            # Claim (person, week) in a transaction committed only once the server accepted.
            row = Nudge(
                person_id=candidate.person_id,
                week=str(week),
                message_id=str(message["Message-ID"]),
                finding_ids=finding_ids,
                sent_at=now,
            )
            session.add(row)
            try:
                session.flush()
            except IntegrityError:
                session.rollback()
                summary.outcomes.append(
                    Outcome(candidate.name, "already-sent", "by another run", len(finding_ids))
                )
                continue
            try:
                mailer.send(message, name)
            except MessageRefused as exc:
                session.rollback()
                log.warning("nudge for %s refused: %s", candidate.name, exc)
                summary.outcomes.append(
                    Outcome(candidate.name, "failed", str(exc), len(finding_ids))
                )
                continue
            except MailerUnavailable as exc:
                session.rollback()
                log.warning("mail server unavailable, stopping: %s", exc)
                summary.error = str(exc)
                _defer_rest(summary, candidates[index:], "mail server unavailable")
                return
            except BaseException:
                session.rollback()
                raise
            # When the server accepted it; on a given clock (replays, tests), that clock, so the
            # weekly cap counts in the same calendar as the run.
            row.sent_at = now if clock_given else utcnow()
            session.add(row)
            session.commit()
            log.info("nudge for %s, week %s, sent (%s)", candidate.name, week, row.message_id)
            summary.outcomes.append(
                Outcome(candidate.name, "sent", candidate.email, len(finding_ids))
            )


def _defer_rest(summary: NudgeSummary, rest: list[_Candidate], why: str) -> None:
    for candidate in rest:
        summary.outcomes.append(
            Outcome(candidate.name, "deferred", f"{why}; sent next run", len(candidate.findings))
        )
