"""Sandbox answers to the requests the collectors make, for every recorded endpoint.

`served(box, endpoint)` asks the running sandbox what a collector would ask (with the query
parameters the collector sends), once for each account of the seeded world (and each of
their posts where the endpoint takes one), so that between them the answers show every kind
of post the world has: replies, quotes, reposts, media, link cards, edits, mentions.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import requests

from collectors import x as xc
from sandbox.server import Sandbox
from sandbox.world import ACTIVE, SandboxAccount, World


def _accounts(world: World, platform: str) -> list[SandboxAccount]:
    return [a for a in world.accounts.values() if a.platform == platform and a.status == ACTIVE]


def _x_params() -> dict[str, str]:
    return {
        "tweet.fields": ",".join(xc.TWEET_FIELDS),
        "expansions": ",".join(xc.EXPANSIONS),
        "media.fields": ",".join(xc.MEDIA_FIELDS),
        "user.fields": ",".join(xc.USER_FIELDS),
    }


def _edit_one(world: World, platform: str) -> None:
    """Make sure the world holds an edited post (the seed edits later, by its script)."""
    for account in _accounts(world, platform):
        for post in world.timeline(account):
            if post.history:
                return
    for account in _accounts(world, platform):
        for post in world.timeline(account):
            if not post.repost_of:
                world.edit_post(post, post.text + " (edited)")
                return


Answer = tuple[int, dict[str, str], Any]


def _answer(response: requests.Response) -> Answer:
    return response.status_code, dict(response.headers), response.json()


def served(box: Sandbox, endpoint: str) -> Iterator[Answer]:
    """(status, headers, JSON body) of every sandbox answer for one recorded endpoint."""
    world = box.world
    get = requests.get
    url = box.url
    platform = endpoint.split(".", 1)[0]
    _edit_one(world, platform)
    accounts = _accounts(world, platform)
    if endpoint == "x.user_by_username":
        for account in accounts:
            yield _answer(get(f"{url}/2/users/by/username/{account.handle}", params=_x_params()))
    elif endpoint == "x.users_by":
        names = ",".join(a.handle for a in accounts)
        yield _answer(get(f"{url}/2/users/by", params={"usernames": names, **_x_params()}))
    elif endpoint == "x.users":
        ids = [a.id for a in world.accounts.values() if a.platform == "x"]
        ids = ",".join([*ids, "93071130"])  # and an id no account has
        yield _answer(get(f"{url}/2/users", params={"ids": ids, **_x_params()}))
    elif endpoint == "x.user_tweets":
        for account in accounts:
            params = {"max_results": "5", **_x_params()}
            answer = _answer(get(f"{url}/2/users/{account.id}/tweets", params=params))
            yield answer
            token = (answer[2].get("meta") or {}).get("next_token")
            if token:  # a second page, which has a previous_token
                params["pagination_token"] = token
                yield _answer(get(f"{url}/2/users/{account.id}/tweets", params=params))
    elif endpoint == "x.tweets":
        for account in accounts:
            ids = ",".join(p.current_id for p in world.timeline(account))
            if ids:
                yield _answer(get(f"{url}/2/tweets", params={"ids": ids, **_x_params()}))
    elif endpoint.startswith("bluesky."):
        yield from _bluesky(box, endpoint, accounts)
    else:
        yield from _mastodon(box, endpoint, accounts)


def _bluesky(box: Sandbox, endpoint: str, accounts: list[SandboxAccount]) -> Iterator[Answer]:
    base = f"{box.url}/xrpc"
    get = requests.get
    if endpoint == "bluesky.getProfile":
        for account in accounts:
            yield _answer(get(f"{base}/app.bsky.actor.getProfile", params={"actor": account.id}))
    elif endpoint == "bluesky.getProfiles":
        actors = [a.id for a in accounts][:25]
        yield _answer(get(f"{base}/app.bsky.actor.getProfiles", params={"actors": actors}))
    elif endpoint == "bluesky.getAuthorFeed":
        for account in accounts:
            params = {"actor": account.id, "limit": 3, "filter": "posts_with_replies"}
            yield _answer(get(f"{base}/app.bsky.feed.getAuthorFeed", params=params))
            params["limit"] = 100
            yield _answer(get(f"{base}/app.bsky.feed.getAuthorFeed", params=params))
    elif endpoint == "bluesky.getPosts":
        for account in accounts:
            uris = [
                f"at://{account.id}/app.bsky.feed.post/{p.id}"
                for p in box.world.timeline(account)
                if not p.repost_of
            ][:25]
            if uris:
                yield _answer(get(f"{base}/app.bsky.feed.getPosts", params={"uris": uris}))
    elif endpoint == "bluesky.error":
        yield _answer(get(f"{base}/app.bsky.actor.getProfile", params={"actor": "nobody.invalid"}))
    else:
        raise KeyError(endpoint)


def _mastodon(box: Sandbox, endpoint: str, accounts: list[SandboxAccount]) -> Iterator[Answer]:
    base = f"{box.url}/api/v1"
    get = requests.get
    world = box.world
    for account in accounts:
        statuses = world.timeline(account)
        if endpoint == "mastodon.account_lookup":
            yield _answer(get(f"{base}/accounts/lookup", params={"acct": account.handle}))
        elif endpoint == "mastodon.account":
            yield _answer(get(f"{base}/accounts/{account.id}"))
        elif endpoint == "mastodon.account_statuses":
            yield _answer(get(f"{base}/accounts/{account.id}/statuses", params={"limit": 40}))
        elif endpoint == "mastodon.status":
            for status in statuses:
                yield _answer(get(f"{base}/statuses/{status.id}"))
        elif endpoint == "mastodon.status_history":
            for status in statuses:
                if status.history:
                    yield _answer(get(f"{base}/statuses/{status.id}/history"))
        elif endpoint == "mastodon.status_history_unedited":
            for status in statuses:
                if not status.history and not status.repost_of:
                    yield _answer(get(f"{base}/statuses/{status.id}/history"))
        elif endpoint == "mastodon.status_context":
            for status in statuses:
                if status.reply_to:
                    yield _answer(get(f"{base}/statuses/{status.id}/context"))
        elif endpoint == "mastodon.error":
            yield _answer(get(f"{base}/statuses/1"))
            return
        else:
            raise KeyError(endpoint)


def enrich(world: World) -> None:
    """Add to the world one post of every kind the platforms have, on each platform.

    Someone else's post (with a link, a mention, a tag and a photo, itself a reply) is
    quoted, replied to and reposted; the author posts media, a link card, a long text, a
    quote with media, a reply to a reply, and a reply whose parent is then deleted.
    """
    outsider = next(a for a in _accounts(world, "mastodon") if a.person is None)
    world.update_profile(outsider.key, fields=[("Site", f"https://{outsider.handle}.example/")])
    for platform in ("x", "bluesky", "mastodon"):
        keys = [a.key for a in _accounts(world, platform) if a.person]
        author, other = keys[0], keys[1]
        other_handle = world.accounts[other].handle
        author_handle = world.accounts[author].handle
        world.update_profile(
            other, bio=f"Researcher. #rights @{author_handle} https://www.amnesty.org/en/"
        )
        first = world.add_post(
            author,
            "Something to answer #rights https://www.amnesty.org/en/",
            media=[{"type": "image", "alt": "A poster"}],
        )
        theirs = world.add_post(
            other,
            f"@{author_handle} worth reading & quoting #rights https://www.amnesty.org/en/",
            reply_to=first,
            media=[{"type": "image", "alt": "A banner"}],
        )
        video = world.add_post(other, "A clip.", media=[{"type": "video", "alt": "A march"}])
        card = world.add_post(
            other,
            "See https://www.amnesty.org/en/latest/",
            link_card={"uri": "https://www.amnesty.org/en/latest/", "title": "Latest"},
        )
        world.add_post(author, "A photo.", media=[{"type": "image", "alt": "A banner"}])
        world.add_post(author, "A video.", media=[{"type": "video", "alt": ""}])
        world.add_post(
            author,
            "Read https://www.amnesty.org/en/latest/ today",
            link_card={"uri": "https://www.amnesty.org/en/latest/", "title": "Latest"},
        )
        world.add_post(author, "Quoting this.", quote_of=theirs)
        world.add_post(author, "Quoting a clip.", quote_of=video)
        world.add_post(author, "Quoting a card.", quote_of=card)
        with_photo = world.add_post(
            author,
            "Quoting with a photo.",
            quote_of=theirs,
            media=[{"type": "image", "alt": "A chart"}],
        )
        world.add_post(author, "Quoting a quote.", quote_of=with_photo)
        plain = world.add_post(other, f"Plain quote @{author_handle}.", quote_of=card)
        world.add_post(author, "Quoting a plain quote.", quote_of=plain)
        carded = world.add_post(
            other,
            "Quote and card https://www.amnesty.org/en/latest/",
            quote_of=first,
            link_card={"uri": "https://www.amnesty.org/en/latest/", "title": "Latest"},
        )
        for parent in (plain, carded):
            reply = world.add_post(author, f"@{other_handle} On your quote.", reply_to=parent)
            world.add_post(author, "And more.", reply_to=reply)
        world.add_post(
            author, "Quoting with a clip.", quote_of=card, media=[{"type": "video", "alt": ""}]
        )
        world.add_post(
            author,
            "Quoting with a card https://www.amnesty.org/en/latest/",
            quote_of=theirs,
            link_card={"uri": "https://www.amnesty.org/en/latest/", "title": "Latest"},
        )
        agree = world.add_post(author, f"@{other_handle} I agree.", reply_to=theirs)
        world.add_post(
            other,
            f"@{author_handle} More https://www.amnesty.org/en/latest/",
            reply_to=agree,
            link_card={"uri": "https://www.amnesty.org/en/latest/", "title": "Latest"},
        )
        world.add_post(author, f"@{other_handle} Nice card.", reply_to=card)
        world.add_post(author, f"@{other_handle} Nice quote.", reply_to=with_photo)
        doomed = world.add_post(other, "Soon gone.")
        world.add_post(author, f"@{other_handle} Why?", reply_to=doomed)
        world.delete_post(doomed)
        outsiders = [a.key for a in _accounts(world, platform) if a.person is None]
        stranger = [world.add_post(outsiders[0], "A stranger's view.")] if outsiders else []
        for target in (theirs, video, card, first, with_photo, theirs, *stranger):
            world.add_post(author, "", repost_of=target)
        world.add_post(author, "Long thoughts & more. " * 20)
        world.advance(hours=1)
