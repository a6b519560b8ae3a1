"""Rows for tests: a person with an account, posts, versions, a snapshot, findings, a nudge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from socialaudit.models import (
    Account,
    AccountStatus,
    Finding,
    HandleChange,
    Nudge,
    Person,
    Post,
    PostVersion,
    ProfileSnapshot,
)

BASE_TIME = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def make_person_with_posts(
    session: Session, name: str, posts: int = 3, platform: str = "x"
) -> tuple[Person, Account, list[Post]]:
    """Create a person with one account and `posts` posts, each with a version and a finding."""
    slug = name.split()[0].lower()
    person = Person(name=name, email=f"{slug}@example.org", team="Campaigns")
    session.add(person)
    session.flush()
    account = Account(
        person_id=person.id,
        platform=platform,
        platform_id=f"{slug}-id",
        handle=slug,
        status=AccountStatus.OK,
    )
    session.add(account)
    session.flush()
    session.add(HandleChange(account_id=account.id, old_handle=f"{slug}_old", new_handle=slug))
    snapshot = ProfileSnapshot(
        account_id=account.id,
        handle=slug,
        bio="Views my own.",
        content_hash=f"{slug}-hash",
        raw={"user": {"id": f"{slug}-id", "username": slug, "description": "Views my own."}},
    )
    session.add(snapshot)
    session.flush()
    created = []
    finding_ids = []
    for i in range(posts):
        post = Post(
            account_id=account.id,
            platform=platform,
            platform_id=f"{slug}-{i}",
            created_at=BASE_TIME + timedelta(hours=i),
            text=f"post {i} by {name}",
        )
        session.add(post)
        session.flush()
        session.add(
            PostVersion(
                post_id=post.id,
                version_key=f"{slug}-{i}-v0",
                text=post.text,
                raw={"tweet": {"id": post.platform_id, "text": post.text}},
            )
        )
        finding = Finding(
            fingerprint=f"{slug}-{i}",
            rule_code="RSP501",
            rule_name="disrespectful-language",
            severity="medium",
            subject_type="post",
            person_id=person.id,
            account_id=account.id,
            post_id=post.id,
            week="2026-W47",
        )
        session.add(finding)
        session.flush()
        finding_ids.append(finding.id)
        created.append(post)
    session.add(
        Finding(
            fingerprint=f"{slug}-profile",
            rule_code="TRN101",
            rule_name="missing-views-disclaimer",
            severity="medium",
            subject_type="profile",
            person_id=person.id,
            account_id=account.id,
            snapshot_id=snapshot.id,
            week="2026-W47",
        )
    )
    session.add(
        Nudge(
            person_id=person.id,
            week="2026-W47",
            message_id=f"<{slug}@example>",
            finding_ids=finding_ids,
        )
    )
    session.flush()
    return person, account, created
