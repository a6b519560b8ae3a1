"""The sandbox's X answers carry what the real API's do: escaped text, permalinks, tokens."""

from __future__ import annotations

import re

import requests

from sandbox.x import read_token


def _timeline(box, account, **params):
    params = {"max_results": "5", "tweet.fields": "created_at,entities", **params}
    return requests.get(f"{box.url}/2/users/{account.id}/tweets", params=params).json()


def test_pages_have_opaque_tokens_and_go_back_with_previous_token(sandbox) -> None:
    world = sandbox.world
    account = max(
        (a for a in world.accounts.values() if a.platform == "x"),
        key=lambda a: len(world.timeline(a)),
    )
    first = _timeline(sandbox, account)
    token = first["meta"]["next_token"]
    assert re.fullmatch(r"[0-9a-z]{20,}", token) and not token.isdigit()
    assert "previous_token" not in first["meta"]  # a first page has next_token only
    second = _timeline(sandbox, account, pagination_token=token)
    assert int(second["data"][0]["id"]) < int(first["data"][-1]["id"])
    back = _timeline(sandbox, account, pagination_token=second["meta"]["previous_token"])
    assert [t["id"] for t in back["data"]] == [t["id"] for t in first["data"]]
    assert read_token("not-a-token") is None
    bad = requests.get(
        f"{sandbox.url}/2/users/{account.id}/tweets", params={"pagination_token": "zz"}
    )
    assert bad.status_code == 400


def test_text_is_escaped_times_whole_and_links_real(sandbox) -> None:
    world = sandbox.world
    author = next(a for a in world.accounts.values() if a.platform == "x" and a.person)
    other = next(a for a in world.accounts.values() if a.platform == "x" and a.key != author.key)
    theirs = world.add_post(other.key, "Theirs.")
    quote = world.add_post(
        author.key, "Fish & chips <3", quote_of=theirs, media=[{"type": "image", "alt": "A"}]
    )
    body = requests.get(
        f"{sandbox.url}/2/tweets",
        params={"ids": quote.id, "tweet.fields": "created_at,entities,attachments"},
    ).json()
    tweet = body["data"][0]
    assert tweet["text"].startswith("Fish &amp; chips &lt;3 https://t.co/")
    assert tweet["created_at"].endswith(":00.000Z") or tweet["created_at"].endswith(".000Z")
    expanded = [u["expanded_url"] for u in tweet["entities"]["urls"]]
    assert expanded == [
        f"https://twitter.com/{other.handle}/status/{theirs.id}",
        f"https://twitter.com/{author.handle}/status/{quote.id}/photo/1",
    ]
    assert tweet["entities"]["urls"][1]["media_key"] == tweet["attachments"]["media_keys"][0]
