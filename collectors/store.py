"""Saving what collectors return: idempotent upserts keyed by (platform, platform id).

Every function takes a session and leaves committing to the runner, which commits one
account (or one sweep batch) at a time, so a round killed half way loses only the account it
was on and the next round redoes that account without duplicates.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import fields, is_dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from collectors.base import NormalisedPost, Profile, Referenced
from socialaudit import platforms
from socialaudit.models import (
    Account,
    DeletionCause,
    Post,
    PostVersion,
    ProfileSnapshot,
    ReferencedPost,
    VersionChange,
)
from socialaudit.registry import record_handle_change

log = logging.getLogger(__name__)

# Causes that belong to the account, not the post: lifted when the account answers again.
ACCOUNT_LEVEL = (
    DeletionCause.ACCOUNT_PROTECTED,
    DeletionCause.ACCOUNT_SUSPENDED,
    DeletionCause.ACCOUNT_DEACTIVATED,
    DeletionCause.ACCOUNT_NOT_FOUND,
)


# Characters a database refuses in text: NUL (PostgreSQL) and lone surrogates (which no
# UTF-8 encoder writes). Stored as U+FFFD, the replacement character, so that one such post
# cannot stop an account's collection for good.
_REFUSED = re.compile("[\x00\ud800-\udfff]")


def storable(value: Any) -> Any:
    """`value` with every string in it (in lists, dicts and dataclasses too) made storable."""
    if isinstance(value, str):
        return _REFUSED.sub("\ufffd", value) if _REFUSED.search(value) else value
    if isinstance(value, list):
        return [storable(v) for v in value]
    if isinstance(value, dict):
        return {k: storable(v) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        # `raw` is kept as received (compressed bytes hold any character): the original of
        # what the text columns replace.
        return replace(
            value,
            **{f.name: storable(getattr(value, f.name)) for f in fields(value) if f.name != "raw"},
        )
    return value


class Upsert(StrEnum):
    NEW = "new"
    UPDATED = "updated"  # text or version changed, or a hidden post came back
    UNCHANGED = "unchanged"


def save_profile(session: Session, account: Account, profile: Profile, now: datetime) -> bool:
    """Record a handle change and a new snapshot when the profile reads differently.

    Returns True when a snapshot was added.
    """
    profile = storable(profile)
    if profile.handle and profile.handle.casefold() != account.handle.casefold():
        log.info("%s account %s is now %s", account.platform, account.handle, profile.handle)
        record_handle_change(session, account, profile.handle, seen_at=now)
    elif profile.handle and profile.handle != account.handle:
        # The same handle in the platform's own letter case (X gives `Ana_NGO` for a handle
        # registered as `ana_ngo`): no change of handle, only how it is shown.
        account.handle = profile.handle
        session.add(account)
    digest = profile.content_hash()
    latest = session.exec(
        select(ProfileSnapshot.content_hash)
        .where(ProfileSnapshot.account_id == account.id)
        .order_by(ProfileSnapshot.seen_at.desc(), ProfileSnapshot.id.desc())  # type: ignore[union-attr]
        .limit(1)
    ).first()
    if latest == digest:
        return False
    session.add(
        ProfileSnapshot(
            account_id=account.id,
            handle=profile.handle or account.handle,
            display_name=profile.display_name,
            bio=profile.bio,
            url=profile.url,
            fields=profile.fields,
            post_count=profile.post_count,
            content_hash=digest,
            seen_at=now,
            raw=profile.raw,
        )
    )
    return True


def save_referenced(
    session: Session, platform: str, refs: Iterable[Referenced], now: datetime
) -> None:
    """Upsert others' posts kept as context; the newest text wins."""
    refs = storable(list(refs))
    if not refs:
        return
    for ref in refs:
        row = session.exec(
            select(ReferencedPost).where(
                ReferencedPost.platform == platform, ReferencedPost.platform_id == ref.platform_id
            )
        ).first()
        if row is None:
            row = ReferencedPost(platform=platform, platform_id=ref.platform_id)
        row.author_id = ref.author_id or row.author_id
        row.author_handle = ref.author_handle or row.author_handle
        row.url = ref.url or row.url
        row.text = ref.text or row.text
        row.created_at = ref.created_at or row.created_at
        row.seen_at = now
        session.add(row)
    session.flush()


def change_of(
    before: tuple[str, list[str] | None] | None, text: str, poll: list[str] | None
) -> str | None:
    """What an edit changed, from the version before (text, poll); None for the first.

    A Mastodon edit that changed only the poll keeps its text: it is recorded as a poll
    edit, not as a text edit between two identical texts.
    """
    if before is None:
        return None
    if before[0] != text:
        return VersionChange.TEXT
    if poll is not None and before[1] != poll:
        return VersionChange.POLL
    return VersionChange.OTHER


def _add_version(
    session: Session,
    post: Post,
    key: str,
    text: str,
    at: datetime | None,
    *,
    poll: list[str] | None = None,
    raw: dict[str, Any] | None = None,
) -> bool:
    exists = session.exec(
        select(PostVersion.id).where(PostVersion.post_id == post.id, PostVersion.version_key == key)
    ).first()
    if exists is not None:
        return False
    last = session.exec(
        select(PostVersion.position, PostVersion.text, PostVersion.poll)
        .where(PostVersion.post_id == post.id)
        .order_by(PostVersion.position.desc())  # type: ignore[attr-defined]
        .limit(1)
    ).first()
    before = (last[1], last[2]) if last is not None else None
    session.add(
        PostVersion(
            post_id=post.id,
            version_key=key,
            position=last[0] + 1 if last is not None else 0,
            text=text,
            created_at=at,
            change=change_of(before, text, poll),
            poll=poll,
            raw=raw,
        )
    )
    return True


_LOOK = object()  # upsert_post: look the post up (the caller did not)

# Where a post names another by id: X names an edited post by any id of its edit chain (a
# reply to an edit points at the edit's id), while the store keeps it under the first.
_RELATIONS = ("reply_to_id", "reply_root_id", "quote_of_id", "repost_of_id", "conversation_id")


def _version_ids_name_post(platform: str) -> bool:
    """Whether any version's id of a post names it (the registry's `version_ids_name_post`)."""
    spec = platforms.PLATFORMS.get(platform)
    return spec is not None and spec.version_ids_name_post


def _chain_ids(session: Session, platform: str, ids: set[str]) -> dict[str, str]:
    """Of these ids, those that are a later version of a stored post -> that post's id."""
    if not ids or not _version_ids_name_post(platform):
        return {}
    rows = session.exec(
        select(PostVersion.version_key, Post.platform_id)
        .join(Post, Post.id == PostVersion.post_id)  # type: ignore[arg-type]
        .where(Post.platform == platform, PostVersion.version_key.in_(sorted(ids)))  # type: ignore[attr-defined]
    ).all()
    return {key: first for key, first in rows if key != first}


def _link_edit_chain(session: Session, post: Post) -> None:
    """Posts stored earlier that name this (X) post by a later id of its chain: point them at it."""
    if not _version_ids_name_post(post.platform):
        return
    later = set(
        session.exec(select(PostVersion.version_key).where(PostVersion.post_id == post.id)).all()
    ) - {post.platform_id}
    if not later:
        return
    for name in _RELATIONS:
        column = getattr(Post, name)
        session.exec(  # type: ignore[call-overload]
            sa.update(Post)
            .where(Post.platform == post.platform, column.in_(sorted(later)))
            .values({name: post.platform_id, "lifecycle_at": None})
        )


def existing_posts(session: Session, platform: str, ids: list[str]) -> dict[str, Post]:
    """The stored posts among `ids`, in a few queries (for upserting a page at once)."""
    found: dict[str, Post] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for post in session.exec(
            select(Post).where(Post.platform == platform, Post.platform_id.in_(chunk))  # type: ignore[attr-defined]
        ):
            found[post.platform_id] = post
    return found


def upsert_post(
    session: Session,
    account: Account,
    data: NormalisedPost,
    now: datetime,
    existing: Post | object | None = _LOOK,
) -> tuple[Post, Upsert]:
    """Insert or update one post; keep every text it had as a PostVersion.

    A post whose text or version key changed gets `checked_at = None` so the checks run on
    it again (and `lifecycle_at = None`, as every change the lifecycle reads does); a post
    seen again after it was marked deleted or hidden is restored. Pass
    `existing` (the stored row or None) when it was already looked up with `existing_posts`.
    """
    data = storable(data)
    named = {getattr(data, name) for name in _RELATIONS} - {None, data.platform_id}
    aliases = _chain_ids(session, account.platform, named)  # type: ignore[arg-type]
    if aliases:
        data = replace(
            data, **{n: aliases.get(getattr(data, n), getattr(data, n)) for n in _RELATIONS}
        )
    if existing is _LOOK:
        post = session.exec(
            select(Post).where(
                Post.platform == account.platform, Post.platform_id == data.platform_id
            )
        ).first()
    else:
        post = existing  # type: ignore[assignment]
    values = data.post_values()
    key = data.version_key or data.platform_id
    if post is None:
        post = Post(
            account_id=account.id,
            platform=account.platform,
            first_seen_at=now,
            last_seen_at=now,
            **values,
        )
        session.add(post)
        session.flush()
        history = [(v.key, v.text, v.created_at, v.poll, None) for v in data.versions]
        at = None if data.versions else data.created_at
        history.append((key, data.text, at, data.poll, data.raw))
        seen: set[str] = set()
        before: tuple[str, list[str] | None] | None = None
        for version_key, text, at, poll, raw in history:
            if version_key not in seen:
                seen.add(version_key)
                session.add(
                    PostVersion(
                        post_id=post.id,
                        version_key=version_key,
                        position=len(seen) - 1,
                        text=text,
                        created_at=at,
                        change=change_of(before, text, poll),
                        poll=poll,
                        raw=raw,
                    )
                )
                before = (text, poll)
        post.edited = data.edited or len(data.versions) > 0
        save_referenced(session, account.platform, data.referenced, now)
        if post.edited:
            session.flush()
            _link_edit_chain(session, post)
        return post, Upsert.NEW
    outcome = Upsert.UNCHANGED
    if post.deleted_at is not None:
        log.info("post %s is visible again (was %s)", post.platform_id, post.deletion_cause)
        post.deleted_at = None
        post.deletion_cause = None
        post.lifecycle_at = None
        outcome = Upsert.UPDATED
    changed = post.text != data.text or (post.version_key or post.platform_id) != key
    if changed:
        # Keep the text we had, then the platform's own history, then the new text.
        _add_version(session, post, post.version_key or post.platform_id, post.text, None)
        for version in data.versions:
            _add_version(
                session, post, version.key, version.text, version.created_at, poll=version.poll
            )
        _add_version(session, post, key, data.text, now, poll=data.poll, raw=data.raw)
        for name, value in values.items():
            if value is None and name in _LEARNT_ONCE:
                continue
            setattr(post, name, value)
        post.edited = True
        post.checked_at = None
        post.lifecycle_at = None
        outcome = Upsert.UPDATED
        session.flush()
        _link_edit_chain(session, post)
    if outcome != Upsert.UNCHANGED or post.last_seen_at < now:
        post.last_seen_at = now
        session.add(post)
    save_referenced(session, account.platform, data.referenced, now)
    return post, outcome


# Thread facts a collector may learn only at first sight (Mastodon's status_context): an
# edit seen later does not carry them again, and must not erase them.
_LEARNT_ONCE = ("reply_root_id", "conversation_id")


def mark_missing(session: Session, post: Post, cause: DeletionCause, now: datetime) -> bool:
    """Record that a post can no longer be seen, and why; True if that is news."""
    if post.deleted_at is not None and post.deletion_cause == cause:
        return False
    post.deleted_at = post.deleted_at or now
    post.deletion_cause = cause
    post.lifecycle_at = None
    session.add(post)
    return True


def hide_account_posts(
    session: Session, account: Account, cause: DeletionCause, now: datetime
) -> int:
    """The account cannot be read: its visible posts get the account's cause (not deleted)."""
    result = session.execute(
        sa.update(Post)
        .where(Post.account_id == account.id, Post.deleted_at.is_(None))  # type: ignore[union-attr]
        .values(deleted_at=now, deletion_cause=cause, lifecycle_at=None)
    )
    return int(result.rowcount or 0)


def restore_account_posts(session: Session, account: Account) -> int:
    """The account answers again: lift the account-level causes from its posts."""
    result = session.execute(
        sa.update(Post)
        .where(
            Post.account_id == account.id,
            Post.deletion_cause.in_([c.value for c in ACCOUNT_LEVEL]),  # type: ignore[union-attr]
        )
        .values(deleted_at=None, deletion_cause=None, lifecycle_at=None)
    )
    return int(result.rowcount or 0)
