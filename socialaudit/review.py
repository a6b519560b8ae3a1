"""Reviewing findings: the comms team's decision on each one, shared by CLI and web app.

A finding marked false-positive is never raised again for the same subject and rule: the
checks skip any new finding whose fingerprint, or whose (rule, subject), was dismissed.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from socialaudit.errors import NotFoundError, UsageError
from socialaudit.models import Finding, FindingNote, ReviewStatus

DECISIONS = (
    ReviewStatus.FALSE_POSITIVE,
    ReviewStatus.ACKNOWLEDGED,
    ReviewStatus.RESOLVED,
    ReviewStatus.OPEN,
)


def set_review(
    session: Session, finding_id: int, status: str, by: str, note: str | None = None
) -> Finding:
    """Record a reviewer's decision on a finding (re-opening is allowed)."""
    if status not in {d.value for d in DECISIONS}:
        raise UsageError(
            f"--as: expected false-positive, acknowledged, resolved or open; got {status!r}"
        )
    finding = session.get(Finding, finding_id)
    if finding is None:
        raise NotFoundError(f"no finding with id {finding_id}")
    finding.review_status = status
    finding.reviewed_by = by
    finding.review_note = note or None
    finding.reviewed_at = datetime.now(UTC)
    session.add(finding)
    return finding


def add_note(
    session: Session, finding_id: int, author: str, text: str, kind: str = "disagree"
) -> FindingNote:
    text = text.strip()
    if not text:
        raise UsageError("note: write what you disagree with")
    if session.get(Finding, finding_id) is None:
        raise NotFoundError(f"no finding with id {finding_id}")
    note = FindingNote(finding_id=finding_id, author=author, kind=kind, text=text[:4000])
    session.add(note)
    return note
