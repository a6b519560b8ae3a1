"""The Bluesky transforms are pure: raw AppView JSON (from the sandbox's renderer) in."""

from __future__ import annotations

from collectors.bluesky import transform_feed_item, transform_post_view, transform_profile
from sandbox import bluesky as render
from sandbox.seed import build_world
from socialaudit.models import PostKind


def test_facets_are_read_by_utf8_byte_offsets() -> None:
    world = build_world()
    post = world.add_post(
        "bluesky:ana", "Café ☕ avec @kemi-a.sandbox.test — #Droits https://amnesty.org/fr ok"
    )
    normal = transform_feed_item(render.feed_item(world, post))
    assert normal.mentions == ["kemi-a.sandbox.test"]
    assert normal.hashtags == ["Droits"]
    assert normal.links == ["https://amnesty.org/fr"]
    assert normal.kind == PostKind.ORIGINAL and normal.conversation_id == normal.platform_id


def test_quote_with_media_reply_context_and_reposts() -> None:
    world = build_world()
    critic = world.add_post("bluesky:critic", "Hostile words.")
    quote = world.add_post(
        "bluesky:dev",
        "Look at this.",
        quote_of=critic,
        media=[{"type": "image", "alt": "A protest banner"}],
    )
    normal = transform_post_view(render.post_view(world, quote))
    assert normal.kind == PostKind.QUOTE
    assert normal.quote_of_id.endswith(critic.id)
    assert normal.media == [{"type": "image", "alt": "A protest banner"}]
    assert [r.text for r in normal.referenced] == ["Hostile words."]

    reply = world.add_post("bluesky:dev", "Reply.", reply_to=critic)
    world.delete_post(critic)  # the parent comes back as notFoundPost: no context, no crash
    normal = transform_feed_item(render.feed_item(world, reply))
    assert normal.kind == PostKind.REPLY and normal.referenced == []
    assert normal.reply_to_account_id == world.accounts["bluesky:critic"].id

    original = world.add_post("bluesky:kemi", "Worth reading.")
    repost = world.add_post("bluesky:dev", "", repost_of=original)
    normal = transform_feed_item(render.feed_item(world, repost))
    assert normal.kind == PostKind.REPOST and not normal.counted
    assert normal.platform_id.endswith(f"app.bsky.feed.repost/{repost.id}")
    assert normal.author_id == world.accounts["bluesky:dev"].id
    assert normal.repost_of_account_id == world.accounts["bluesky:kemi"].id


def test_profile() -> None:
    world = build_world()
    account = world.accounts["bluesky:ana"]
    profile = transform_profile(render.profile_detailed(world, account))
    assert profile.platform_id == account.id and profile.handle == account.handle
    assert "Opiniões pessoais." in profile.bio and profile.post_count > 0
    moved = transform_profile(render.profile_detailed(world, account) | {"postsCount": 999})
    assert moved.content_hash() == profile.content_hash()  # the count is not content


def test_an_invalid_handle_is_not_a_handle_change() -> None:
    world = build_world()
    view = render.profile_detailed(world, world.accounts["bluesky:ana"]) | {
        "handle": "handle.invalid"
    }
    assert transform_profile(view).handle == ""
