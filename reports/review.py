"""The review queue: the comms team's decision on each finding, kept on the finding itself.

A decision is one of `false-positive`, `acknowledged`, `resolved` (or `open` to undo one),
with who decided, when and an optional note. A false positive is never raised again for the
same rule and subject: `suppressed_subjects` gives the checks engine the set of
(rule code, subject) keys to skip, where the subject is the post for post rules and the
account for profile and thread rules (a profile rewritten word for word is the same subject).
Recording the same decision twice changes nothing, so the command is safe to repeat.

Every decision is also kept as a `ReviewDecision` with the states it replaced: the finding's
review history (notes included) and what Undo restores. A reviewer can also say that a post
breaks a rule the checks did not raise (`mark_missed`): with the decisions, the labels
`socialaudit eval export` writes for measuring the rules on the organisation's own posts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from socialaudit import aggregates
from socialaudit.errors import NotFoundError, UsageError
from socialaudit.models import (
    SEVERITY_RANK,
    Finding,
    FindingNote,
    MissedPost,
    Person,
    Post,
    ReviewDecision,
    ReviewStatus,
)

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
    session.add(
        ReviewDecision(
            finding_id=finding.id,
            at=stamp,
            actor=by,
            status=decision,
            note=note,
            previous=[_state(t) for t in targets],
        )
    )
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


def _state(finding: Finding) -> dict[str, object]:
    return {
        "id": finding.id,
        "status": finding.review_status,
        "by": finding.reviewed_by,
        "note": finding.review_note,
        "at": finding.reviewed_at.isoformat() if finding.reviewed_at else None,
    }


def latest_decision(session: Session, finding_id: int) -> ReviewDecision | None:
    return session.exec(
        select(ReviewDecision)
        .where(ReviewDecision.finding_id == finding_id)
        .order_by(col(ReviewDecision.id).desc())
        .limit(1)
    ).first()


def undo_decision(
    session: Session, decision_id: int, by: str, now: datetime | None = None
) -> ReviewDecision:
    """Put every finding a decision changed back as it was before, and mark it undone.

    Refused when the decision was undone already, or when a finding was decided again since
    (undoing would silently overwrite the later decision).
    """
    decision = session.get(ReviewDecision, decision_id)
    if decision is None:
        raise NotFoundError(f"decision {decision_id}: no such review decision")
    if decision.undone_at is not None:
        raise UsageError(
            f"decision {decision_id} was already undone by {decision.undone_by} "
            f"at {decision.undone_at:%Y-%m-%d %H:%M} UTC"
        )
    later = session.exec(
        select(ReviewDecision.id).where(
            col(ReviewDecision.id) > decision_id,
            col(ReviewDecision.undone_at).is_(None),
            col(ReviewDecision.finding_id).in_(
                [int(str(p["id"])) for p in decision.previous] or [decision.finding_id]
            ),
        )
    ).first()
    restored: list[tuple[Finding, dict[str, object]]] = []
    for before in decision.previous:
        finding = session.get(Finding, int(str(before["id"])))
        if finding is None:
            continue  # purged since: nothing left to restore
        if later is not None or finding.review_status != decision.status:
            raise UsageError(
                f"finding {finding.id} was decided again after this decision; "
                "open the finding to change it"
            )
        restored.append((finding, before))
    for finding, before in restored:
        at = before.get("at")
        finding.review_status = str(before["status"])
        finding.reviewed_by = str(before["by"]) if before.get("by") else None
        finding.review_note = str(before["note"]) if before.get("note") else None
        finding.reviewed_at = datetime.fromisoformat(str(at)) if at else None
        session.add(finding)
    decision.undone_at = now or datetime.now(UTC)
    decision.undone_by = by
    session.add(decision)
    session.flush()
    # The restored `reviewed_at` is older than the dashboard's last sync, which would not
    # see the change: these weeks and people are counted again now, in the same transaction.
    aggregates.refresh(session.connection(), {(f.week, f.person_id) for f, _ in restored})
    return decision


def review_history(session: Session, finding: Finding) -> list[dict[str, object]]:
    """Decisions (with their notes and whether they were undone) and notes on a finding,
    oldest first; a decision recorded before the history was kept shows as its last note."""
    decisions = session.exec(
        select(ReviewDecision)
        .where(ReviewDecision.finding_id == finding.id)
        .order_by(col(ReviewDecision.at), col(ReviewDecision.id))
    ).all()
    events: list[dict[str, object]] = [
        {
            "at": d.at,
            "who": d.actor,
            "what": d.status,
            "note": d.note,
            "decision_id": d.id,
            "undone_at": d.undone_at,
            "undone_by": d.undone_by,
            "others": max(0, len(d.previous) - 1),
        }
        for d in decisions
    ]
    if not decisions and finding.reviewed_at is not None:
        events.append(
            {
                "at": finding.reviewed_at,
                "who": finding.reviewed_by,
                "what": finding.review_status,
                "note": finding.review_note,
                "decision_id": None,
                "undone_at": None,
                "undone_by": None,
                "others": 0,
            }
        )
    for n in session.exec(select(FindingNote).where(FindingNote.finding_id == finding.id)).all():
        events.append(
            {
                "at": n.at,
                "who": n.author,
                "what": "I disagree" if n.kind == "disagree" else "note",
                "note": n.text,
                "decision_id": None,
                "undone_at": None,
                "undone_by": None,
                "others": 0,
            }
        )
    return sorted(events, key=lambda e: e["at"])  # type: ignore[arg-type, return-value]


def missable_rules() -> list[tuple[str, str]]:
    """(code, name) of the rules a post can be marked as a miss of: the post and thread
    rules that `scan` runs, so the export can score them."""
    from checks.engine import load_rule_modules
    from checks.registry import implemented_rules

    load_rule_modules()
    return [(r.code, r.name) for r in implemented_rules() if r.subject in ("post", "thread")]


def mark_missed(
    session: Session, post_id: int, rule_code: str, by: str, note: str | None = None
) -> tuple[MissedPost, bool]:
    """Record that `post_id` breaks `rule_code` though no finding said so; returns the row
    and whether it is new (marking it again only updates the note)."""
    code = rule_code.strip().upper()
    allowed = dict(missable_rules())
    if code not in allowed:
        raise UsageError(
            f"rule {rule_code!r}: expected a post rule, one of {', '.join(sorted(allowed))}"
        )
    by = by.strip()
    if not by:
        raise UsageError("--by: the name of whoever marks the miss must not be empty")
    if session.get(Post, post_id) is None:
        raise NotFoundError(f"post {post_id}: no such collected post")
    note = note.strip() if note and note.strip() else None
    row = session.exec(
        select(MissedPost).where(MissedPost.post_id == post_id, MissedPost.rule_code == code)
    ).first()
    if row is not None:
        row.note = note or row.note
        session.add(row)
        return row, False
    row = MissedPost(post_id=post_id, rule_code=code, marked_by=by, note=note)
    session.add(row)
    session.flush()
    return row, True


def unmark_missed(session: Session, post_id: int, rule_code: str) -> bool:
    """Take a miss back (marked by mistake); returns whether there was one."""
    row = session.exec(
        select(MissedPost).where(
            MissedPost.post_id == post_id, MissedPost.rule_code == rule_code.strip().upper()
        )
    ).first()
    if row is None:
        return False
    session.delete(row)
    return True


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
