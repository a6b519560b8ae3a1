"""What every archive import shares: the registered account it belongs to, and the save.

Imports fill the same tables as the collectors, through the same store (`upsert_post`,
`save_profile`, `mark_missing`), so an import run twice, or an import followed by a live
round, stores each post once. They leave the live collectors' resume points alone.
Only registered accounts are imported: an archive of anyone else is refused.
"""

from __future__ import annotations

import dataclasses
import importlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from collectors.base import NormalisedPost, Profile
from collectors.store import Upsert, mark_missing, save_profile, upsert_post
from socialaudit.config import Settings
from socialaudit.errors import NotFoundError, UsageError
from socialaudit.models import Account, DeletionCause, Post
from socialaudit.registry import same_handle


@dataclass
class ImportReport:
    """What an import did; a second import of the same archive reports only `unchanged`."""

    source: str
    platform: str
    handle: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    profile_changed: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.new or self.updated or self.deleted or self.profile_changed)


@dataclass
class ArchiveRead:
    """An export as read by a platform's archive reader (`PlatformSpec.archives`), before
    it is matched to a registered account: whose it is, and what it holds."""

    source: str
    account_id: str
    username: str | None
    # The posts, given the registered account's handle (some exports carry only its DID).
    posts: Callable[[str], Iterable[NormalisedPost]]
    profile: Profile | None = None
    deleted: dict[str, datetime] = field(default_factory=dict)


def archive_reader(path: str) -> Callable[[Settings, str], ArchiveRead]:
    """The reader function named "module:function" by an `ArchiveFormat`."""
    module_name, function_name = path.split(":")
    return getattr(importlib.import_module(module_name), function_name)


def import_archive(
    session: Session, platform: str, read: ArchiveRead, now: datetime
) -> ImportReport:
    """Save an export of a registered `platform` account; run again, it changes nothing."""
    account = registered_account(session, platform, read.account_id, read.username)
    report = ImportReport(read.source, platform, account.handle)
    return save_import(
        session,
        account,
        report,
        read.posts(account.handle),
        now,
        profile=read.profile,
        deleted=read.deleted,
    )


def registered_account(
    session: Session, platform: str, platform_id: str, handle: str | None = None
) -> Account:
    """The registered account with this platform id (or, not yet resolved, this handle)."""
    account = session.exec(
        select(Account).where(Account.platform == platform, Account.platform_id == platform_id)
    ).first()
    if account is None and handle:
        account = session.exec(
            select(Account).where(
                Account.platform == platform,
                same_handle(handle),
                Account.platform_id.is_(None),  # type: ignore[union-attr]
            )
        ).first()
        if account is not None:
            account.platform_id = platform_id  # the archive proves the stable id
            session.add(account)
    if account is None:
        who = f"{handle} ({platform_id})" if handle else platform_id
        raise NotFoundError(
            f"no registered {platform} account {who}; register it first with `socialaudit "
            f"accounts add PERSON --platform {platform} --handle ... --id {platform_id}`"
        )
    if not account.active:
        raise UsageError(f"{platform} account {account.handle} is not active; nothing imported")
    return account


_LANG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


def _without_nul(value: Any) -> Any:
    """PostgreSQL text cannot hold NUL, and it means nothing in a post: drop it."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(
            value,
            **{f.name: _without_nul(getattr(value, f.name)) for f in dataclasses.fields(value)},
        )
    return value


def storable(data: Any, what: str) -> Any:
    """`data` (a NormalisedPost or Profile from an archive) as the store's columns take it.

    An archive is the account holder's own file, not a platform's API: its strings may hold
    NUL, a language tag may be anything, an id may be any length. NUL is dropped, a language
    tag that is not one is left out, and a value longer than its column is one UsageError
    (PostgreSQL enforces the sizes, SQLite does not: both refuse the same archive).
    """
    changes = {
        f.name: _without_nul(getattr(data, f.name))
        for f in dataclasses.fields(data)
        if f.name != "versions"
    }
    if isinstance(data, NormalisedPost):
        lang = changes.get("lang")
        if lang is not None and (not isinstance(lang, str) or not _LANG.fullmatch(lang[:16])):
            changes["lang"] = None
        elif lang is not None:
            changes["lang"] = lang[:16]
        changes["versions"] = _without_nul(data.versions)
        columns = Post.__table__.columns  # type: ignore[attr-defined]
    else:
        from socialaudit.models import ProfileSnapshot

        columns = ProfileSnapshot.__table__.columns  # type: ignore[attr-defined]
    for name, value in changes.items():
        length = getattr(columns[name].type, "length", None) if name in columns else None
        if length and isinstance(value, str) and len(value) > length:
            raise UsageError(
                f"{what}: {name} is {len(value)} characters, more than the {length} stored"
            )
    return dataclasses.replace(data, **changes)


def save_import(
    session: Session,
    account: Account,
    report: ImportReport,
    posts: Iterable[NormalisedPost],
    now: datetime,
    *,
    profile: Profile | None = None,
    deleted: dict[str, datetime] | None = None,
) -> ImportReport:
    """Upsert the archive's posts (and profile); mark those the archive says were deleted."""
    if profile is not None:
        profile = storable(profile, f"{report.source}: the profile")
        report.profile_changed = save_profile(session, account, profile, now)
    for data in posts:
        if data.author_id != account.platform_id:
            continue  # another account's post inside the export: not ours to keep
        data = storable(data, f"{report.source}: post {data.platform_id[:40]!r}")
        when = (deleted or {}).get(data.platform_id)
        if when is not None:
            stored = session.exec(
                select(Post).where(
                    Post.platform == account.platform, Post.platform_id == data.platform_id
                )
            ).first()
            if stored is not None and stored.deleted_at is not None:
                report.unchanged += 1  # already known to be deleted: do not revive it
                continue
        post, result = upsert_post(session, account, data, now)
        if result == Upsert.NEW:
            report.new += 1
        elif result == Upsert.UPDATED:
            report.updated += 1
        else:
            report.unchanged += 1
        if when is not None and mark_missing(session, post, DeletionCause.DELETED, when):
            report.deleted += 1
    session.flush()
    return report
