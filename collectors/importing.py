"""What every archive import shares: the registered account it belongs to, and the save.

Imports fill the same tables as the collectors, through the same store (`upsert_post`,
`save_profile`, `mark_missing`), so an import run twice, or an import followed by a live
round, stores each post once. They leave the live collectors' resume points alone.
Only registered accounts are imported: an archive of anyone else is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from collectors.base import NormalisedPost, Profile
from collectors.store import Upsert, mark_missing, save_profile, upsert_post
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
        report.profile_changed = save_profile(session, account, profile, now)
    for data in posts:
        if data.author_id != account.platform_id:
            continue  # another account's post inside the export: not ours to keep
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
