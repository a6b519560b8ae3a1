"""The sandbox's Bluesky answers carry what the real AppView's do: cursors, reasons, views."""

from __future__ import annotations

import re

import requests

from sandbox.world import ACTIVE


def _feed(box, did, cursor=None, limit=1):
    params = {"actor": did, "limit": limit, "filter": "posts_with_replies"}
    if cursor:
        params["cursor"] = cursor
    return requests.get(f"{box.url}/xrpc/app.bsky.feed.getAuthorFeed", params=params).json()


def test_the_cursor_is_a_bare_timestamp_and_pages_lose_nothing(sandbox) -> None:
    world = sandbox.world
    account = next(a for a in world.accounts.values() if a.platform == "bluesky" and a.person)
    for _ in range(3):  # three posts in the same millisecond
        world.add_post(account.key, "Same moment.")
    expected = [p.id for p in world.timeline(account)]
    seen, cursors, cursor = [], [], None
    while True:
        page = _feed(sandbox, account.id, cursor)
        seen += [item["post"]["uri"].rsplit("/", 1)[-1] for item in page["feed"]]
        cursor = page.get("cursor")
        if not cursor:
            break
        cursors.append(cursor)
    assert len(seen) == len(expected)  # every item once, none skipped at a tie
    bare = [c for c in cursors if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z", c)]
    assert bare, cursors
    assert all("::" in c for c in cursors if c not in bare)  # ties: the epoch-ms::key form


def test_views_have_no_type_and_reposts_vary_like_the_real_ones(sandbox) -> None:
    world = sandbox.world
    views = [
        item["post"]
        for a in world.accounts.values()
        if a.platform == "bluesky" and a.status == ACTIVE
        for item in _feed(sandbox, a.id, limit=100).get("feed", [])
    ]
    assert views and all("$type" not in v and "$type" not in v["author"] for v in views)
    for account in world.accounts.values():
        if account.platform == "bluesky" and account.person:
            original = next(p for p in world.timeline(account) if not p.repost_of)
            for _ in range(4):
                world.add_post(account.key, "", repost_of=original)
            break
    reasons = [
        item["reason"]
        for a in world.accounts.values()
        if a.platform == "bluesky" and a.status == ACTIVE
        for item in _feed(sandbox, a.id, limit=100).get("feed", [])
        if "reason" in item
    ]
    assert any("uri" in r for r in reasons) and any("uri" not in r for r in reasons)
