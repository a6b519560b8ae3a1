"""What the store keeps of what the collectors read, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, select

from collectors.base import Profile
from collectors.store import save_profile
from socialaudit.models import Account, HandleChange
from socialaudit.registry import PersonInput, add_account, find_account, upsert_person

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_handle_in_the_platforms_letter_case_is_not_a_handle_change(engine) -> None:
    with Session(engine) as session:
        person, _ = upsert_person(session, PersonInput(name="Ana Example"))
        account, _ = add_account(session, person, "x", "ana_ngo", platform_id="101")
        session.commit()
        save_profile(session, account, Profile(platform_id="101", handle="Ana_NGO"), NOW)
        session.commit()
        assert session.exec(select(HandleChange)).all() == []
        assert account.handle == "Ana_NGO"  # shown as the platform writes it
        # Registering or finding it again, in any case, is the same account.
        again, changed = add_account(session, person, "x", "ANA_ngo")
        assert again.id == account.id and not changed
        assert find_account(session, "x", "ana_NGO").id == account.id
        assert len(session.exec(select(Account)).all()) == 1
        # A different handle is a change.
        save_profile(session, account, Profile(platform_id="101", handle="Ana_Elsewhere"), NOW)
        session.commit()
        changes = session.exec(select(HandleChange)).all()
        assert [(c.old_handle, c.new_handle) for c in changes] == [("Ana_NGO", "Ana_Elsewhere")]


def test_a_nul_in_a_post_is_stored_as_the_replacement_character(engine) -> None:
    """PostgreSQL refuses U+0000 in text: the post is stored, the account carries on."""
    from collectors.base import NormalisedPost, Referenced, Version
    from collectors.store import upsert_post
    from socialaudit.models import Post, PostVersion, ProfileSnapshot, ReferencedPost

    with Session(engine) as session:
        person, _ = upsert_person(session, PersonInput(name="Ana Example"))
        account, _ = add_account(session, person, "x", "ana_ngo", platform_id="101")
        session.commit()
        post = NormalisedPost(
            platform_id="9001",
            author_id="101",
            created_at=NOW,
            text="before\x00after \ud83d",
            links=["https://example.org/\x00"],
            media=[{"type": "image", "alt": "a\x00b"}],
            versions=[Version(key="9000", text="first\x00", created_at=NOW)],
            version_key="9001",
            referenced=[Referenced(platform_id="77", text="their\x00words")],
        )
        upsert_post(session, account, post, NOW)
        save_profile(
            session, account, Profile(platform_id="101", handle="ana_ngo", bio="b\x00"), NOW
        )
        session.commit()
        stored = session.exec(select(Post)).one()
        assert stored.text == "before\ufffdafter \ufffd"
        assert stored.links == ["https://example.org/\ufffd"]
        assert stored.media == [{"type": "image", "alt": "a\ufffdb"}]
        texts = [v.text for v in session.exec(select(PostVersion).order_by(PostVersion.position))]
        assert texts == ["first\ufffd", "before\ufffdafter \ufffd"]
        assert session.exec(select(ReferencedPost)).one().text == "their\ufffdwords"
        assert session.exec(select(ProfileSnapshot)).one().bio == "b\ufffd"


def _tweet(tweet_id: str, text: str, **values):
    from collectors.base import NormalisedPost

    return NormalisedPost(
        platform_id=tweet_id, author_id="101", created_at=NOW, text=text, **values
    )


def test_replies_and_quotes_to_an_edited_post_find_it_by_any_id_of_its_chain(engine) -> None:
    """X names an edited post by the id of the version replied to; the store by the first."""
    from collectors.store import upsert_post
    from collectors.x import transform_tweet
    from socialaudit.models import Post

    first, edit = "1700000000000000001", "1700000000000000099"
    with Session(engine) as session:
        person, _ = upsert_person(session, PersonInput(name="Ana Example"))
        account, _ = add_account(session, person, "x", "ana_ngo", platform_id="101")
        session.commit()
        # A reply seen before the edited post is: it names the edit's id.
        upsert_post(
            session,
            account,
            _tweet(
                "1700000000000000200",
                "Early reply",
                kind="reply",
                reply_to_id=edit,
                reply_root_id=edit,
                conversation_id=edit,
            ),
            NOW,
        )
        edited = transform_tweet(
            {
                "id": edit,
                "text": "Edited",
                "author_id": "101",
                "created_at": "2026-03-02T09:05:00.000Z",
                "conversation_id": edit,
                "edit_history_tweet_ids": [first, edit],
            }
        )
        assert edited.platform_id == first and edited.conversation_id == first
        upsert_post(session, account, edited, NOW)
        # A quote seen after it: named by the edit's id too.
        upsert_post(
            session,
            account,
            _tweet("1700000000000000300", "Quote", kind="quote", quote_of_id=edit),
            NOW,
        )
        session.commit()
        rows = {p.platform_id: p for p in session.exec(select(Post))}
        assert rows["1700000000000000200"].reply_to_id == first
        assert rows["1700000000000000200"].reply_root_id == first
        assert rows["1700000000000000200"].conversation_id == first
        assert rows["1700000000000000300"].quote_of_id == first
        assert rows[first].conversation_id == first


def _status(content: str, options: list[str], edited_at: str | None = None) -> dict:
    """A Mastodon Status with a poll, reduced to the fields the transform reads."""
    return {
        "id": "113000000000000001",
        "created_at": "2026-03-01T10:00:00.000Z",
        "edited_at": edited_at,
        "content": content,
        "account": {"id": "42", "url": "https://social.example/@ana"},
        "poll": {"id": "7", "options": [{"title": t, "votes_count": 0} for t in options]},
    }


def test_an_edit_of_the_poll_alone_is_recorded_as_a_poll_edit(engine) -> None:
    """Mastodon lets an author edit a poll's options: the text is the same, not a text edit."""
    from collectors.mastodon import transform_status
    from collectors.store import upsert_post
    from socialaudit.models import Post, PostVersion, VersionChange

    with Session(engine) as session:
        person, _ = upsert_person(session, PersonInput(name="Ana Example"))
        account, _ = add_account(session, person, "mastodon", "ana@social.example")
        account.platform_id = "42"
        session.commit()
        rounds = [
            _status("<p>Tea or coffee?</p>", ["tea", "coffee"]),
            _status("<p>Tea or coffee?</p>", ["tea", "coffee", "water"], "2026-03-01T10:05:00Z"),
            _status("<p>Tea or coffee, really?</p>", ["tea", "coffee", "water"], "2026-03-01T11Z"),
            _status("<p>Tea or coffee, really?</p>", ["tea", "coffee", "water"], "2026-03-01T12Z"),
        ]
        for status in rounds:
            upsert_post(session, account, transform_status(status), NOW)
            session.commit()
        versions = session.exec(select(PostVersion).order_by(PostVersion.position)).all()
        assert [(v.text, v.change) for v in versions] == [
            ("Tea or coffee?", None),
            ("Tea or coffee?", VersionChange.POLL),
            ("Tea or coffee, really?", VersionChange.TEXT),
            ("Tea or coffee, really?", VersionChange.OTHER),  # e.g. a content warning
        ]
        assert versions[1].poll == ["tea", "coffee", "water"]
        assert all(v.raw is not None for v in versions)  # each version's JSON as received
        post = session.exec(select(Post)).one()
        assert post.edited and post.text == "Tea or coffee, really?"


def test_a_poll_edit_seen_first_in_the_history_is_a_poll_edit(engine) -> None:
    """First sight of an edited post: its versions come from `status_history`."""
    from collectors.mastodon import transform_status
    from collectors.store import upsert_post
    from socialaudit.models import PostVersion, VersionChange

    with Session(engine) as session:
        person, _ = upsert_person(session, PersonInput(name="Ana Example"))
        account, _ = add_account(session, person, "mastodon", "ana@social.example")
        session.commit()
        current = _status("<p>Tea?</p>", ["tea", "mint"], "2026-03-01T10:05:00Z")
        history = [
            {"content": "<p>Tea?</p>", "created_at": "2026-03-01T10:00:00Z", "poll": p}
            for p in ({"options": [{"title": "tea"}]}, current["poll"])
        ]
        upsert_post(session, account, transform_status(current, history), NOW)
        session.commit()
        versions = session.exec(select(PostVersion).order_by(PostVersion.position)).all()
        assert [(v.text, v.change, v.poll) for v in versions] == [
            ("Tea?", None, ["tea"]),
            ("Tea?", VersionChange.POLL, ["tea", "mint"]),
        ]
        # Only the version the platform answered with has a payload (with the history).
        assert versions[0].raw is None and versions[1].raw is not None
        assert len(versions[1].raw["history"]) == 2
