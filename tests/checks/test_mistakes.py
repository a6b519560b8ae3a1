"""Lifecycle outcomes: deletion versus correction, with the hard negatives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from checks.mistakes import Outcome, PostState, decide, is_self_correction

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)
ORIGINAL = "The report on detention conditions in Freedonia is out: 1,200 people held."


def post(id: str, text: str = ORIGINAL, at: timedelta = timedelta(0), **kw: object) -> PostState:
    return PostState(id=id, created_at=T0 + at, text=text, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "Correction: it is 1,020 people, not 1,200.",
        "I was wrong about the figure, sorry: 1,020.",
        "My mistake, the number is 1,020.",
        "To clarify: the report covers 2025 only.",
        "Update: I got the date wrong, it is Tuesday.",
        "Rectificatif : il s'agit de 1 020 personnes.",
        "Je me suis trompée sur le chiffre.",
        "Corrección: son 1.020 personas.",
        "Me equivoqué con la cifra, perdón.",
    ],
)
def test_correction_cues(text: str) -> None:
    assert is_self_correction(text)


@pytest.mark.parametrize(
    "text",
    [
        "Update: the march starts at 3pm at the square.",
        "Correction to @dailypaper: the report says 1,020 people, not 1,200.",
        "@newsdesk got it wrong, the report covers 2025.",
        "The ministry was wrong to deny the figures.",
        "Their mistake was to ignore the evidence.",
        "Great turnout today!",
    ],
)
def test_not_self_corrections(text: str) -> None:
    assert not is_self_correction(text)


def test_edit_is_a_correction_by_edit() -> None:
    edited = post("1", edited=True, edited_at=T0 + timedelta(minutes=12))
    decision = decide(edited, [], now=T0 + 100 * H)
    assert decision is not None and decision.outcome == Outcome.CORRECTED_BY_EDIT
    assert decision.time_to_correct == timedelta(minutes=12)


def test_self_reply_with_cue_corrects_openly() -> None:
    original = post("1")
    reply = post("2", "Correction: it is 1,020 people.", 2 * H, kind="reply", reply_to_id="1")
    decision = decide(original, [original, reply], now=T0 + 3 * H)
    assert decision is not None
    assert (decision.outcome, decision.correction_id) == (Outcome.CORRECTED_OPENLY, "2")
    assert decision.time_to_correct == 2 * H


def test_update_announcing_news_is_not_a_correction() -> None:
    original = post("1", "The march starts at 2pm.")
    reply = post("2", "Update: the march starts at 3pm.", H, kind="reply", reply_to_id="1")
    assert decide(original, [original, reply], now=T0 + 72 * H) is None


def test_correcting_someone_else_is_not_a_self_correction() -> None:
    original = post("1")
    quote = post("2", "Correction to @dailypaper: it's 1,020.", H, kind="quote", quote_of_id="1")
    assert decide(original, [original, quote], now=T0 + 72 * H) is None


@pytest.mark.parametrize(
    ("hours_after_deletion", "expected"),
    [
        (47, Outcome.DELETED_THEN_CORRECTED),
        (49, Outcome.DELETED_WITHOUT_CORRECTION),
    ],
)
def test_window_boundary(hours_after_deletion: int, expected: Outcome) -> None:
    deleted = post("1", deleted_at=T0 + H, deletion_cause="deleted")
    repost = post("2", ORIGINAL.replace("1,200", "1,020"), H + hours_after_deletion * H)
    decision = decide(deleted, [deleted, repost], now=T0 + 60 * H)
    assert decision is not None and decision.outcome == expected
    assert decision.time_to_delete == H
    if expected == Outcome.DELETED_THEN_CORRECTED:
        assert decision.correction_id == "2"
        assert decision.time_to_correct == H + 47 * H


def test_identical_repost_is_not_a_correction() -> None:
    deleted = post("1", deleted_at=T0 + H, deletion_cause="deleted")
    same = post("2", ORIGINAL, 2 * H)
    decision = decide(deleted, [deleted, same], now=T0 + 60 * H)
    assert decision is not None and decision.outcome == Outcome.DELETED_WITHOUT_CORRECTION


def test_unrelated_post_is_not_a_correction() -> None:
    deleted = post("1", deleted_at=T0 + H, deletion_cause="deleted")
    other = post("2", "Join us on Saturday for the letter-writing marathon!", 2 * H)
    decision = decide(deleted, [deleted, other], now=T0 + 60 * H)
    assert decision is not None and decision.outcome == Outcome.DELETED_WITHOUT_CORRECTION


def test_window_still_open() -> None:
    deleted = post("1", deleted_at=T0 + H, deletion_cause="deleted")
    decision = decide(deleted, [deleted], now=T0 + 10 * H)
    assert decision is not None and decision.outcome == Outcome.AWAITING_CORRECTION


def test_deleting_a_flagged_post_is_the_right_move() -> None:
    deleted = post("1", deleted_at=T0 + H, deletion_cause="deleted", high_finding=True)
    decision = decide(deleted, [deleted], now=T0 + 100 * H)
    assert decision is not None and decision.outcome == Outcome.DELETED_AFTER_FLAG


@pytest.mark.parametrize(
    ("cause", "expected"),
    [
        ("account-protected", Outcome.ACCOUNT_PROTECTED),
        ("account-suspended", Outcome.ACCOUNT_SUSPENDED),
        ("account-deactivated", Outcome.ACCOUNT_DEACTIVATED),
        ("original-deleted", Outcome.ORIGINAL_DELETED),
        ("unknown-error", Outcome.UNAVAILABLE),
    ],
)
def test_other_causes_are_never_deletions(cause: str, expected: Outcome) -> None:
    gone = post("1", deleted_at=T0 + H, deletion_cause=cause)
    decision = decide(gone, [gone], now=T0 + 100 * H)
    assert decision is not None and decision.outcome == expected
