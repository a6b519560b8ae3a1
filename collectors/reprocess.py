"""`socialaudit reprocess`: today's transforms over the kept payloads, repairing stored rows.

Every post version and profile snapshot keeps the platform's JSON as received (`raw`). When
a transform is fixed (an entity left encoded, a permalink not recognised), the posts stored
before the fix still hold what the old transform made of them; this re-derives their columns
from the payloads, with no network, and marks what changed for `check` (`checked_at = None`).

It is idempotent: a post whose columns already equal today's transform is not written, so a
second run changes nothing. Identities are never rewritten: a post whose payload now gives
another platform id or version key (a fix to edit chains, say) is counted as such and left
for the next collection round to resolve through the usual upsert. Thread facts a collector
learns only at first sight (Mastodon's `status_context`) are kept when the payload lacks
them, as `collectors.store.upsert_post` keeps them. Work is committed a batch at a time, so a
run stopped half way keeps what it repaired and the next run carries on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from collectors.base import Collector, NormalisedPost
from collectors.runner import collector_class
from collectors.store import _LEARNT_ONCE, _RELATIONS, _chain_ids, change_of, storable
from socialaudit import platforms
from socialaudit.models import Account, Post, PostVersion, ProfileSnapshot, ReferencedPost

log = logging.getLogger(__name__)
BATCH = 200
# Post columns that are the post's identity or the store's bookkeeping, never re-derived.
_IDENTITY = ("platform_id", "version_key")


@dataclass
class ReprocessResult:
    posts_read: int = 0
    posts_repaired: int = 0
    versions_repaired: int = 0
    snapshots_read: int = 0
    snapshots_repaired: int = 0
    referenced_repaired: int = 0
    without_payload: int = 0  # posts stored before payloads were kept (or from archives)
    identity_changed: list[str] = field(default_factory=list)  # "platform:id" left alone
    failed: list[str] = field(default_factory=list)  # "platform:id: what the transform raised"

    @property
    def changed(self) -> int:
        return self.posts_repaired + self.versions_repaired + self.snapshots_repaired


def reprocess(
    engine: Engine,
    *,
    platform: str | None = None,
    since: datetime | None = None,
    batch: int = BATCH,
) -> ReprocessResult:
    """Re-derive posts and snapshots of `platform` (all) whose payload was kept since `since`.

    `since` selects by when the version or snapshot was stored (`seen_at`): what a transform
    of that time wrote.
    """
    names = [platform] if platform else platforms.names()
    result = ReprocessResult()
    for name in names:
        cls = collector_class(name)
        _reprocess_posts(engine, name, cls, since, batch, result)
        _reprocess_snapshots(engine, name, cls, since, batch, result)
    log.info(
        "reprocess: %s posts read, %s repaired (%s versions), %s snapshots read, %s repaired",
        result.posts_read,
        result.posts_repaired,
        result.versions_repaired,
        result.snapshots_read,
        result.snapshots_repaired,
    )
    return result


def _post_ids(session: Session, platform: str, since: datetime | None) -> list[int]:
    query = (
        select(PostVersion.post_id)
        .join(Post, Post.id == PostVersion.post_id)  # type: ignore[arg-type]
        .where(Post.platform == platform, col(PostVersion.raw).is_not(None))
        .distinct()
    )
    if since is not None:
        query = query.where(PostVersion.seen_at >= since)
    return sorted(session.exec(query).all())


def _reprocess_posts(
    engine: Engine,
    platform: str,
    cls: type[Collector],
    since: datetime | None,
    batch: int,
    result: ReprocessResult,
) -> None:
    with Session(engine) as session:
        ids = _post_ids(session, platform, since)
        total = session.exec(
            select(sa.func.count()).select_from(Post).where(Post.platform == platform)
        ).one()
        if since is None:
            result.without_payload += total - len(ids)
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        with Session(engine) as session:
            posts = session.exec(select(Post).where(col(Post.id).in_(chunk))).all()
            versions: dict[int, list[PostVersion]] = {}
            for version in session.exec(
                select(PostVersion)
                .where(col(PostVersion.post_id).in_(chunk))
                .order_by(col(PostVersion.post_id), col(PostVersion.position))
            ):
                versions.setdefault(version.post_id, []).append(version)
            for post in posts:
                result.posts_read += 1
                _repair_post(session, cls, post, versions.get(post.id or 0, []), result)
            session.commit()


def _derive(
    derive: Callable[[dict[str, Any]], Any],
    raw: dict[str, Any],
    where: str,
    result: ReprocessResult,
) -> Any:
    """The transform over one payload; what it cannot read is recorded, never raised."""
    try:
        return storable(derive(raw))
    except Exception as error:  # one unreadable payload must not stop the run
        line = " ".join(str(error).split()) or type(error).__name__
        result.failed.append(f"{where}: {type(error).__name__}: {line}")
        return None


def _repair_post(
    session: Session,
    cls: type[Collector],
    post: Post,
    versions: list[PostVersion],
    result: ReprocessResult,
) -> None:
    where = f"{post.platform}:{post.platform_id}"
    current_key = post.version_key or post.platform_id
    kept = [v for v in versions if v.raw is not None]
    current = next((v for v in reversed(kept) if v.version_key == current_key), None)
    repaired = False
    derived: dict[str, NormalisedPost] = {}
    for version in kept:
        data = _derive(cls.post_from_raw, version.raw or {}, where, result)
        if data is not None:
            derived[version.version_key] = data
    if current is not None and current.version_key in derived:
        data = derived[current.version_key]
        if (data.platform_id, data.version_key or data.platform_id) != (
            post.platform_id,
            current_key,
        ):
            result.identity_changed.append(where)
        else:
            repaired = _repair_columns(session, post, data)
            repaired = _repair_referenced(session, post.platform, data, result) or repaired
            # Versions the payload's own history gives (Mastodon): their texts re-derived too.
            for earlier in data.versions:
                derived.setdefault(
                    earlier.key,
                    NormalisedPost(
                        platform_id=post.platform_id,
                        author_id=data.author_id,
                        created_at=data.created_at,
                        text=earlier.text,
                        poll=earlier.poll,
                    ),
                )
    before: tuple[str, list[str] | None] | None = None
    for version in versions:
        data = derived.get(version.version_key)
        if data is not None and (version.text, version.poll) != (data.text, data.poll):
            version.text, version.poll = data.text, data.poll
            session.add(version)
            result.versions_repaired += 1
            repaired = True
        # What each edit changed follows from the (repaired) texts; the first has none.
        change = change_of(before, version.text, version.poll)
        if before is not None and version.change != change:
            version.change = change
            session.add(version)
            repaired = True
        before = (version.text, version.poll)
    if repaired:
        post.checked_at = None  # `check` reads it again
        post.lifecycle_at = None  # and decides its outcome again
        session.add(post)
        result.posts_repaired += 1


def _repair_columns(session: Session, post: Post, data: NormalisedPost) -> bool:
    """Set the derived columns that today's transform gives differently; True if any."""
    values = data.post_values()
    named = {values[n] for n in _RELATIONS} - {None, post.platform_id}
    aliases = _chain_ids(session, post.platform, named)  # an edit's id -> the post's
    for name in _RELATIONS:
        values[name] = aliases.get(values[name], values[name])
    # An edit the store saw (a Bluesky record rewritten in place) is not in one payload.
    values["edited"] = post.edited or values["edited"]
    changed = False
    for name, value in values.items():
        if name in _IDENTITY or (value is None and name in _LEARNT_ONCE):
            continue
        if getattr(post, name) != value:
            setattr(post, name, value)
            changed = True
    return changed


def _repair_referenced(
    session: Session, platform: str, data: NormalisedPost, result: ReprocessResult
) -> bool:
    """Others' posts kept as this post's context: their text re-derived (seen_at untouched)."""
    changed = False
    for ref in data.referenced:
        row = session.exec(
            select(ReferencedPost).where(
                ReferencedPost.platform == platform, ReferencedPost.platform_id == ref.platform_id
            )
        ).first()
        if row is not None and ref.text and row.text != ref.text:
            row.text = ref.text
            session.add(row)
            result.referenced_repaired += 1
            changed = True
    return changed


def _reprocess_snapshots(
    engine: Engine,
    platform: str,
    cls: type[Collector],
    since: datetime | None,
    batch: int,
    result: ReprocessResult,
) -> None:
    with Session(engine) as session:
        query = (
            select(ProfileSnapshot.id)
            .join(Account, Account.id == ProfileSnapshot.account_id)  # type: ignore[arg-type]
            .where(Account.platform == platform, col(ProfileSnapshot.raw).is_not(None))
        )
        if since is not None:
            query = query.where(ProfileSnapshot.seen_at >= since)
        ids = sorted(session.exec(query).all())
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        with Session(engine) as session:
            rows = session.exec(
                select(ProfileSnapshot, Account.handle)
                .join(Account, Account.id == ProfileSnapshot.account_id)  # type: ignore[arg-type]
                .where(col(ProfileSnapshot.id).in_(chunk))
            ).all()
            for snapshot, handle in rows:
                result.snapshots_read += 1
                where = f"{platform}:profile:{snapshot.id}"
                profile = _derive(cls.profile_from_raw, snapshot.raw or {}, where, result)
                if profile is None:
                    continue
                values = {
                    "handle": profile.handle or snapshot.handle or handle,
                    "display_name": profile.display_name,
                    "bio": profile.bio,
                    "url": profile.url,
                    "fields": profile.fields,
                    "post_count": profile.post_count,
                    "content_hash": profile.content_hash(),
                }
                if any(getattr(snapshot, k) != v for k, v in values.items()):
                    for name, value in values.items():
                        setattr(snapshot, name, value)
                    snapshot.checked_at = None
                    session.add(snapshot)
                    result.snapshots_repaired += 1
            session.commit()
