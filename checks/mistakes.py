"""Clause 9, "Respond to mistakes": what people do with a post after publishing it.

For every post that changed after publication (edited, deleted, or gone for another reason)
this module decides one lifecycle outcome from the person's own later posts. It is pure: it
sees plain values, never the database, so `socialaudit check`, the tests and the reports all
get the same answer for the same history.

Outcomes:
- ``corrected-by-edit``: a platform edit (X edit chain, Mastodon history, a Bluesky record
  rewritten in place);
- ``corrected-openly``: a self-reply or self-quote with correction cues, or a new post that
  repeats the original with changes;
- ``deleted-then-corrected``: deleted, and a correction followed within the window;
- ``deleted-without-correction``: deleted, and the window passed with no correction (MST801);
- ``deleted-after-flag``: the deleted post carried a high-severity finding: deleting a
  confidential or partisan post is the right move, counted apart and never nudged;
- ``awaiting-correction``: deleted, window still open;
- ``account-protected`` / ``account-suspended`` / ``account-deactivated`` /
  ``account-not-found`` / ``original-deleted`` / ``unavailable``: the collectors could not see
  the post for a reason that is not the person's deletion; never counted as one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from rapidfuzz import fuzz

from checks.registry import lifecycle_rule

DEFAULT_WINDOW = timedelta(hours=48)
# A new post "repeats the deleted one with changes" when it is this similar but not the same.
SIMILAR_AT_LEAST = 70.0
SAME_ABOVE = 99.5


class Outcome(StrEnum):
    CORRECTED_BY_EDIT = "corrected-by-edit"
    CORRECTED_OPENLY = "corrected-openly"
    DELETED_THEN_CORRECTED = "deleted-then-corrected"
    DELETED_WITHOUT_CORRECTION = "deleted-without-correction"
    DELETED_AFTER_FLAG = "deleted-after-flag"
    AWAITING_CORRECTION = "awaiting-correction"
    ACCOUNT_PROTECTED = "account-protected"
    ACCOUNT_SUSPENDED = "account-suspended"
    ACCOUNT_DEACTIVATED = "account-deactivated"
    ACCOUNT_NOT_FOUND = "account-not-found"
    ORIGINAL_DELETED = "original-deleted"
    UNAVAILABLE = "unavailable"


# Outcomes that are not the person's doing: reported for completeness, never counted.
NOT_A_DELETION = {
    "account-protected": Outcome.ACCOUNT_PROTECTED,
    "account-suspended": Outcome.ACCOUNT_SUSPENDED,
    "account-deactivated": Outcome.ACCOUNT_DEACTIVATED,
    "account-not-found": Outcome.ACCOUNT_NOT_FOUND,
    "original-deleted": Outcome.ORIGINAL_DELETED,
    "unknown-error": Outcome.UNAVAILABLE,
}

# First-person correction cues, per language. "Update:" alone announces news, it does not
# correct anything, so it is not here; "update: I got ..." is.
_CUES = [
    # English
    r"\bcorrection\b",
    r"\bcorrected\b",
    r"\bi was wrong\b",
    r"\bi misspoke\b",
    r"\bmy (?:mistake|bad|error)\b",
    r"\bto clarify\b",
    r"\berratum\b",
    r"\bi got (?:it|that|this) wrong\b",
    r"\bupdate: i got\b",
    r"\bi stand corrected\b",
    r"\bi made (?:a|an) (?:mistake|error)\b",
    r"\bshould have said\b",
    r"\bi meant\b",
    r"\bapologi[sz]e for the error\b",
    # French
    r"\brectificatif\b",
    r"\bcorrectif\b",
    r"\bje me suis tromp[ée]e?\b",
    r"\bmon erreur\b",
    r"\bpour clarifier\b",
    r"\bpr[ée]cision\s*:",
    r"\bj'ai fait une erreur\b",
    r"\berratum\b",
    # Spanish
    r"\bcorrecci[óo]n\b",
    r"\bme equivoqu[ée]\b",
    r"\bestaba equivocad[oa]\b",
    r"\bmi error\b",
    r"\bpara aclarar\b",
    r"\bfe de erratas\b",
    r"\bme expres[ée] mal\b",
    r"\bcometí un error\b",
]
CUE = re.compile("|".join(_CUES), re.IGNORECASE)

# A cue about someone else's mistake: "correction to @bbc", "the minister was wrong",
# "@paper got it wrong", "their mistake". Such a post corrects the record, not oneself.
_OTHERS = re.compile(
    r"(?:correction|correcci[óo]n|rectificatif)\s+(?:to|of|for|a|à|de|del|au)\s+(?:@|the\b|la\b|le\b|el\b)"
    r"|@\w[\w.\-]*\s+(?:got it wrong|was wrong|is wrong|se trompe|se equivoc)"
    r"|\b(?:their|his|her|its) (?:mistake|error)\b"
    r"|\bthe \w+ (?:was|were|got it) wrong\b",
    re.IGNORECASE,
)


def is_self_correction(text: str) -> bool:
    """Does `text` read as the author correcting their own earlier post?"""
    return bool(CUE.search(text)) and not _OTHERS.search(text)


@dataclass(frozen=True)
class PostState:
    """What the lifecycle needs to know about one post of the person."""

    id: str
    created_at: datetime
    text: str
    kind: str = "original"
    reply_to_id: str | None = None
    quote_of_id: str | None = None
    deleted_at: datetime | None = None
    deletion_cause: str | None = None
    edited: bool = False
    edited_at: datetime | None = None
    high_finding: bool = False


@dataclass(frozen=True)
class Decision:
    post_id: str
    outcome: Outcome
    correction_id: str | None = None
    time_to_delete: timedelta | None = None
    time_to_correct: timedelta | None = None


def _similar(a: str, b: str) -> float:
    return fuzz.token_set_ratio(a.casefold(), b.casefold())


def _corrections(post: PostState, others: Iterable[PostState], until: datetime) -> list[PostState]:
    """The person's later posts that correct `post`, oldest first, up to `until`."""
    found = []
    for other in others:
        if other.id == post.id or other.created_at < post.created_at or other.created_at > until:
            continue
        if other.deletion_cause == "deleted":
            continue
        points_at = post.id in (other.reply_to_id, other.quote_of_id)
        if points_at and is_self_correction(other.text):
            found.append(other)
            continue
        if other.kind in ("reply", "repost") and not points_at:
            continue
        similarity = _similar(post.text, other.text)
        # A deleted post re-posted with changes is a correction; otherwise a similar post
        # must also say it corrects something.
        changed_repeat = post.deleted_at is not None and similarity < SAME_ABOVE
        if similarity >= SIMILAR_AT_LEAST and (changed_repeat or is_self_correction(other.text)):
            found.append(other)
    return sorted(found, key=lambda p: p.created_at)


@lifecycle_rule(
    "MST801",
    "deleted-without-correction",
    params={"window_hours": DEFAULT_WINDOW.total_seconds() / 3600},
)
def decide(
    post: PostState, later: Sequence[PostState], now: datetime, window: timedelta = DEFAULT_WINDOW
) -> Decision | None:
    """The outcome for `post` given the person's other posts; None if nothing happened.

    ## What it does
    Follows every post that changed after publication. When the person deleted a post and
    no correction followed within the window (default 48 hours after the deletion: an edit,
    a self-reply or self-quote saying "correction", "I was wrong", "rectificatif",
    "corrección"..., or a new post repeating the deleted one with changes), it raises
    MST801 once the window has passed. A post that vanished because the account went
    protected, suspended or deactivated, or whose original was deleted, is never counted;
    deleting a post that carried a high-severity finding is the right move and is counted
    apart ("deleted-after-flag"), never raised.

    ## Why it matters
    Clause 9, "Respond to mistakes": "If you make an error, do not delete your content as a
    solution – be up front about your mistakes and correct them quickly." A silent deletion
    leaves screenshots in circulation with no correction beside them.

    ## Example
    Monday 10:00 "1,200 people are held in the camp" is deleted at 11:00; nothing follows by
    Wednesday 11:00. A reply "Correction: it is 1,020" (or the post re-posted with the right
    figure) within the window makes it "deleted-then-corrected" instead.

    ## Instead
    Correct openly: edit the post, or reply to it with "Correction: ...". "Update: the march
    starts at 3pm" announces news and is not a correction; correcting someone else's mistake
    is not a self-correction.
    """
    if post.deletion_cause and post.deletion_cause != "deleted":
        return Decision(post.id, NOT_A_DELETION.get(post.deletion_cause, Outcome.UNAVAILABLE))
    if post.deleted_at is not None:
        time_to_delete = post.deleted_at - post.created_at
        if post.high_finding:
            return Decision(post.id, Outcome.DELETED_AFTER_FLAG, time_to_delete=time_to_delete)
        deadline = post.deleted_at + window
        corrections = _corrections(post, later, until=deadline)
        if corrections:
            first = corrections[0]
            return Decision(
                post.id,
                Outcome.DELETED_THEN_CORRECTED,
                first.id,
                time_to_delete,
                first.created_at - post.created_at,
            )
        if now >= deadline:
            return Decision(
                post.id, Outcome.DELETED_WITHOUT_CORRECTION, time_to_delete=time_to_delete
            )
        return Decision(post.id, Outcome.AWAITING_CORRECTION, time_to_delete=time_to_delete)
    corrections = _corrections(post, later, until=post.created_at + window)
    if corrections:
        return Decision(
            post.id,
            Outcome.CORRECTED_OPENLY,
            corrections[0].id,
            time_to_correct=corrections[0].created_at - post.created_at,
        )
    if post.edited:
        took = post.edited_at - post.created_at if post.edited_at else None
        return Decision(post.id, Outcome.CORRECTED_BY_EDIT, time_to_correct=took)
    return None
