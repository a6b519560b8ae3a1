"""Read models for the web pages and the JSON API (plain dicts, ready to render or serialise)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from checks.registry import get_rule
from socialaudit import platforms
from socialaudit.models import (
    SEVERITY_ORDER_SQL,
    Account,
    CollectionRun,
    Finding,
    FindingNote,
    Person,
    Post,
    PostOutcome,
    PostVersion,
    ProfileSnapshot,
)
from socialaudit.pipeline.jobs import running_jobs


def finding_summary(finding: Finding, person: Person, account: Account | None) -> dict[str, Any]:
    return {
        "id": finding.id,
        "rule": finding.rule_code,
        "name": finding.rule_name,
        "severity": finding.severity,
        "confidence": finding.confidence,
        "week": finding.week,
        "person": person.name,
        "platform": account.platform if account else None,
        "handle": account.handle if account else None,
        "message": finding.message,
        "evidence": [e.get("text", "") for e in finding.evidence],
        "status": finding.review_status,
        "reviewed_by": finding.reviewed_by,
        "review_note": finding.review_note,
        "created_at": finding.created_at.isoformat(),
    }


def list_findings(
    session: Session,
    *,
    week: str | None = None,
    rule: str | None = None,
    severity: str | None = None,
    person: str | None = None,
    status: str | None = None,
    person_id: int | None = None,
    limit: int = 500,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Findings most serious first (then by week and id), one page of `limit` at `offset`."""
    query = (
        select(Finding, Person, Account)
        .join(Person, Person.id == Finding.person_id)
        .outerjoin(Account, Account.id == Finding.account_id)
    )
    if week:
        query = query.where(Finding.week == week)
    if rule:
        query = query.where(Finding.rule_code == rule)
    if severity:
        query = query.where(Finding.severity == severity)
    if person:
        query = query.where(Person.name == person)
    if status:
        query = query.where(Finding.review_status == status)
    if person_id is not None:
        query = query.where(Finding.person_id == person_id)
    rank = sa.literal_column(SEVERITY_ORDER_SQL.format(column="finding.severity"))
    ordered = query.order_by(rank, Finding.week, Finding.id).offset(offset).limit(limit)
    return [finding_summary(f, p, a) for f, p, a in session.exec(ordered).all()]


def finding_detail(session: Session, finding: Finding) -> dict[str, Any]:
    """A finding with the post as archived and its history (versions, deletion, outcome)."""
    person = session.get(Person, finding.person_id)
    account = session.get(Account, finding.account_id) if finding.account_id else None
    assert person is not None
    detail = finding_summary(finding, person, account)
    rule = get_rule(finding.rule_code)
    detail.update(
        clause=rule.clause,
        clause_text=rule.clause_text,
        instead=rule.instead,
        doc=rule.doc,
        post=None,
        profile=None,
        history=[],
        notes=[],
    )
    if finding.post_id:
        post = session.get(Post, finding.post_id)
        if post is not None:
            detail["post"] = {
                "url": post.url,
                "text": post.text,
                "created_at": post.created_at.isoformat(),
                "kind": post.kind,
                "deleted_at": post.deleted_at.isoformat() if post.deleted_at else None,
                "deletion_cause": post.deletion_cause,
            }
            versions = session.exec(
                select(PostVersion)
                .where(PostVersion.post_id == post.id)
                .order_by(PostVersion.position)
            ).all()
            detail["history"] = [
                {"at": (v.created_at or v.seen_at).isoformat(), "event": "version", "text": v.text}
                for v in versions
            ]
            outcome = session.exec(
                select(PostOutcome).where(PostOutcome.post_id == post.id)
            ).first()
            if post.deleted_at:
                detail["history"].append(
                    {
                        "at": post.deleted_at.isoformat(),
                        "event": post.deletion_cause or "deleted",
                        "text": "",
                    }
                )
            if outcome is not None:
                detail["history"].append(
                    {"at": outcome.decided_at.isoformat(), "event": outcome.outcome, "text": ""}
                )
    if finding.snapshot_id:
        snap = session.get(ProfileSnapshot, finding.snapshot_id)
        if snap is not None:
            detail["profile"] = {
                "handle": snap.handle,
                "display_name": snap.display_name,
                "bio": snap.bio,
                "url": snap.url,
                "seen_at": snap.seen_at.isoformat(),
            }
    notes = session.exec(
        select(FindingNote).where(FindingNote.finding_id == finding.id).order_by(FindingNote.at)
    ).all()
    detail["notes"] = [
        {"author": n.author, "kind": n.kind, "text": n.text, "at": n.at.isoformat()} for n in notes
    ]
    return detail


def jobs_running(session: Session) -> list[dict[str, Any]]:
    """Jobs started and not finished (the same query as `socialaudit status`)."""
    return [
        {"job": job.job, "started_at": job.started_at.isoformat(), "host": job.host}
        for job in running_jobs(session)
    ]


def collection_state(session: Session) -> list[dict[str, Any]]:
    """Last collection per platform and accounts in error: what people expect to see.

    Part of every review queue build: the last run of each platform is read alone (not every
    run ever recorded, which grows by a dozen a day), and the accounts in error are counted
    for every platform in one query.
    """
    in_error = dict(
        session.exec(
            select(Account.platform, func.count())
            .where(Account.active, col(Account.status).not_in(["ok", "pending"]))
            .group_by(Account.platform)
        ).all()
    )
    state = []
    for platform in platforms.names():
        last = session.exec(
            select(CollectionRun)
            .where(CollectionRun.platform == platform)
            .order_by(col(CollectionRun.started_at).desc())
            .limit(1)
        ).first()
        state.append(
            {
                "platform": platform,
                "last_collection": last.started_at.isoformat() if last else None,
                "status": last.status if last else "never",
                "accounts_in_error": in_error.get(platform, 0),
            }
        )
    return state
