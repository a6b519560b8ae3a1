"""The review queue: the comms team's decision on each finding, kept on the finding itself.

A decision is one of `false-positive`, `acknowledged`, `resolved` (or `open` to undo one),
with who decided, when and an optional note. A false positive is never raised again for the
same rule and subject: `suppressed_subjects` gives the checks engine the set of
(rule code, subject) keys to skip, where the subject is the post for post rules and the
account for profile and thread rules (a profile rewritten word for word is the same subject).
Recording the same decision twice changes nothing, so the command is safe to repeat.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlmodel import Session, select

from socialaudit import aggregates
from socialaudit.errors import NotFoundError, UsageError
from socialaudit.models import SEVERITY_RANK, Finding, FindingNote, Person, ReviewStatus

DECISIONS = (
    ReviewStatus.FALSE_POSITIVE,
    ReviewStatus.ACKNOWLEDGED,
    ReviewStatus.RESOLVED,
    ReviewStatus.OPEN,
)
SubjectKey = tuple[str, str, int | None]


def parse_decision(text: str) -> ReviewStatus:
    try:
        return ReviewStatus(text.strip().lower())
    except ValueError:
        choices = ", ".join(d.value for d in DECISIONS)
        raise UsageError(f"--as: expected one of {choices}, got {text!r}") from None


def parse_status(text: str | None) -> ReviewStatus | None:
    if text is None:
        return None
    try:
        return ReviewStatus(text.strip().lower())
    except ValueError:
        choices = ", ".join(s.value for s in ReviewStatus)
        raise UsageError(f"--status: expected one of {choices}, got {text!r}") from None


def subject_key(finding: Finding) -> SubjectKey:
    """What a finding is about, for "never raised again for the same subject and rule"."""
    if finding.subject_type == "post" and finding.post_id is not None:
        return (finding.rule_code, "post", finding.post_id)
    return (finding.rule_code, "account", finding.account_id)


def suppressed_subjects(session: Session) -> set[SubjectKey]:
    """(rule code, "post"|"account", id) keys the checks engine must not raise again."""
    rows = session.exec(
        select(Finding).where(Finding.review_status == ReviewStatus.FALSE_POSITIVE)
    ).all()
    return {subject_key(f) for f in rows}


def review_finding(
    session: Session,
    finding_id: int,
    decision: ReviewStatus,
    by: str,
    note: str | None = None,
    now: datetime | None = None,
) -> tuple[Finding, bool]:
    """Record a decision; returns the finding and whether anything changed.

    A false positive is recorded on every finding with the same rule and subject, so none of
    them stays in the queue and the checks engine has one consistent answer.
    """
    finding = session.get(Finding, finding_id)
    if finding is None:
        raise NotFoundError(
            f"finding {finding_id}: no such finding (see 'socialaudit review list')"
        )
    by = by.strip()
    if not by:
        raise UsageError("--by: the name of whoever decided must not be empty")
    note = note.strip() if note and note.strip() else None
    if (finding.review_status, finding.reviewed_by, finding.review_note) == (
        decision,
        by,
        note,
    ):
        return finding, False
    targets = [finding]
    if decision == ReviewStatus.FALSE_POSITIVE:
        key = subject_key(finding)
        same_rule = session.exec(
            select(Finding).where(
                Finding.rule_code == finding.rule_code,
                Finding.person_id == finding.person_id,
                Finding.id != finding.id,
            )
        ).all()
        targets += [f for f in same_rule if subject_key(f) == key]
    stamp = now or datetime.now(UTC)
    for target in targets:
        target.review_status = decision
        target.reviewed_by = by
        target.review_note = note
        target.reviewed_at = stamp
        session.add(target)
    session.flush()
    # The dashboard's counts of these weeks and people, in the same transaction.
    aggregates.refresh(session.connection(), {(t.week, t.person_id) for t in targets})
    return finding, True


def list_findings(
    session: Session, week: str | None = None, status: ReviewStatus | None = None
) -> Sequence[tuple[Finding, str]]:
    """Findings with their person's name, most serious first, then oldest first."""
    query = select(Finding, Person.name).join(Person, Person.id == Finding.person_id)
    if week is not None:
        query = query.where(Finding.week == week)
    if status is not None:
        query = query.where(Finding.review_status == status)
    rows = session.exec(query).all()
    return sorted(
        rows,
        key=lambda row: (-SEVERITY_RANK.get(row[0].severity, -1), row[0].week, row[0].id),
    )


def add_note(
    session: Session, finding_id: int, author: str, text: str, kind: str = "disagree"
) -> FindingNote:
    """A person's "I disagree" (or a reviewer's comment) on a finding, for the reviewers."""
    text = text.strip()
    if not text:
        raise UsageError("note: write what you disagree with")
    if session.get(Finding, finding_id) is None:
        raise NotFoundError(f"finding {finding_id}: no such finding")
    note = FindingNote(finding_id=finding_id, author=author, kind=kind, text=text[:4000])
    session.add(note)
    return note
