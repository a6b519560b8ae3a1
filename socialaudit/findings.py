"""Writing a finding to the store, once: the one writer for the checks and for MST801.

Both `socialaudit.pipeline.check_runner` (every rule over posts and profiles) and
`socialaudit.pipeline.lifecycle` (MST801, raised when a deletion's window closes) go through
`write_finding`, so a finding is keyed the same way whoever raises it (DESIGN.md principle
2): its fingerprint is never stored twice, and a rule reviewed as a false positive on a
subject is not raised there again.
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from typing import Any

from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, select

from socialaudit.models import Finding, ReviewStatus


class Written(StrEnum):
    NEW = "new"
    KNOWN = "known"  # the same fingerprint is stored already
    SUPPRESSED = "suppressed"  # reviewed as a false positive on this subject


def fingerprint(rule: str, subject: str, evidence: list[dict[str, Any]] | None = None) -> str:
    """A stable hash of rule code, subject and evidence.

    Without evidence the subject alone decides: one finding per subject whatever its text
    (MST801, whose evidence is a deleted post's text that retention may redact).
    """
    if evidence is None:
        return hashlib.sha256(f"{rule}|{subject}".encode()).hexdigest()
    payload = json.dumps([rule, subject, evidence], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def write_finding(
    session: Session, finding: Finding, same_subject: ColumnElement[bool] | Any
) -> Written:
    """Add `finding` unless its fingerprint is stored or its rule was dismissed on the
    subject that `same_subject` (a condition on Finding) selects."""
    known = select(Finding.id).where(Finding.fingerprint == finding.fingerprint)
    if session.exec(known).first() is not None:
        return Written.KNOWN
    dismissed = select(Finding.id).where(
        Finding.rule_code == finding.rule_code,
        Finding.review_status == ReviewStatus.FALSE_POSITIVE,
        same_subject,
    )
    if session.exec(dismissed).first() is not None:
        return Written.SUPPRESSED
    session.add(finding)
    session.flush()
    return Written.NEW
