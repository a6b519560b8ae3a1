"""Run one recorded response through its collector: the library parses, the transform reads.

`replay(name)` picks, from the recording's request, the collector method (or, for endpoints
the collectors do not call, the client library's method followed by the collector's
transform) that reads that endpoint, and gives back what would be stored: posts keyed by
platform id, profiles keyed by platform id, missing posts with their cause, or the error
the collector raised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from atproto_client.models.utils import get_model_as_dict

from collectors.base import AccountRef, AccountUnavailable, Lookup, NormalisedPost, Profile
from collectors.bluesky import BlueskyCollector, transform_feed_item, transform_post_view
from collectors.bluesky_repo import RepoRecord, transform_record
from collectors.mastodon import MastodonCollector, transform_account, transform_status
from collectors.retry import ApiError
from collectors.x import XCollector, transform_tweet
from socialaudit.config import load_settings
from tests.collectors.conftest import sandbox_environ
from tests.collectors.recorded import REPLAY_URL, Recording, ReplayAdapter, httpx_replay, load
from tests.collectors.rounds import TOKEN


@dataclass
class Replayed:
    posts: dict[str, NormalisedPost] = field(default_factory=dict)
    profiles: dict[str, Profile | AccountUnavailable] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)
    error: BaseException | None = None
    value: Any = None  # what a library call gave, for endpoints with no transform
    requests: list[str] = field(default_factory=list)
    since_id: str | None = None

    def add(self, *posts: NormalisedPost) -> None:
        for post in posts:
            assert post.platform_id not in self.posts, f"{post.platform_id} stored twice"
            self.posts[post.platform_id] = post

    def add_lookup(self, lookup: Lookup) -> None:
        for post in lookup.found.values():
            self.posts.setdefault(post.platform_id, post)
        self.missing.update({k: str(v) for k, v in lookup.missing.items()})


def settings(platform: str):
    environ = sandbox_environ(
        REPLAY_URL,
        "sqlite://",
        SOCIALAUDIT_X_BEARER_TOKEN=TOKEN,
        **{f"SOCIALAUDIT_PLATFORMS_{platform.upper()}_MAX_RETRIES": "0"},
    )
    if platform == "x":  # tweepy's host stays api.twitter.com: the replay is mounted there
        environ.pop("SOCIALAUDIT_PLATFORMS_X_BASE_URL")
    return load_settings(environ=environ)


def _ids(recording: Recording, key: str) -> list[str]:
    asked = recording.query.get(key)
    if isinstance(asked, str):
        return asked.split(",")
    if isinstance(asked, list):
        return [str(a) for a in asked]
    return []


def replay(name: str) -> Replayed:
    recording = load(name)
    platform = name.split("/", 1)[0]
    runner = {"x": _x, "bluesky": _bluesky, "mastodon": _mastodon}[platform]
    out = Replayed()
    try:
        runner(recording, out)
    except (ApiError, AccountUnavailable) as error:
        out.error = error
    return out


# -- X -------------------------------------------------------------------------------------


def _x(recording: Recording, out: Replayed) -> None:
    collector = XCollector(settings("x"))
    adapter = ReplayAdapter(recording)
    collector.client.session.mount("https://api.twitter.com", adapter)
    out.requests = adapter.requests
    path = recording.path.split("?")[0].split()[0]
    body = recording.json
    if path.startswith("/2/tweets/search/") or path.endswith(("/tweets", "/liked_tweets")):
        if path.startswith("/2/users/"):  # a timeline page, as fetch_posts reads it
            user_id = path.split("/")[3]
            ref = AccountRef(id=1, platform="x", handle="h", platform_id=user_id)
            timeline = collector.fetch_posts(ref, known=lambda _: False, max_pages=1)
            out.add(*timeline.posts)
            out.since_id = timeline.since_id
        else:  # search pages have the timeline's shape: data, includes, meta
            ref = AccountRef(id=1, platform="x", handle="h", platform_id="0")
            timeline = collector.fetch_posts(ref, known=lambda _: False, max_pages=1)
            out.add(*timeline.posts)
            out.since_id = timeline.since_id
    elif path == "/2/tweets":
        ids = _ids(recording, "ids") or [t["id"] for t in body.get("data") or []]
        out.add_lookup(collector.lookup_posts(ids))
    elif path.startswith("/2/tweets/"):
        answer = collector.client.get_tweet(path.rsplit("/", 1)[-1])
        out.add(transform_tweet(answer["data"]))
    elif path.startswith("/2/users/by/username/"):
        handle = path.rsplit("/", 1)[-1]
        profile = collector.resolve(AccountRef(id=1, platform="x", handle=handle))
        out.profiles[profile.platform_id] = profile
    elif path == "/2/users/by":
        handles = _ids(recording, "usernames")
        refs = [AccountRef(id=i, platform="x", handle=h) for i, h in enumerate(handles)]
        for value in collector.resolve_many(refs).values():
            if isinstance(value, Profile):
                out.profiles[value.platform_id] = value
    elif path == "/2/users":
        ids = _ids(recording, "ids")
        refs = [
            AccountRef(id=i, platform="x", handle="h", platform_id=u) for i, u in enumerate(ids)
        ]
        out.profiles.update(collector.fetch_profiles(refs))
    else:
        raise AssertionError(f"{recording.name}: no X reader for {path}")


# -- Bluesky -------------------------------------------------------------------------------


def _bluesky(recording: Recording, out: Replayed) -> None:
    collector = BlueskyCollector(settings("bluesky"))
    collector.client.request._client = httpx_replay(recording, out.requests)
    client = collector.client
    method = recording.path.rsplit("/", 1)[-1]
    query = recording.query
    if recording.status >= 400:
        # An XRPC error, met where the collector reads a profile.
        collector.resolve(AccountRef(id=1, platform="bluesky", handle="someone.bsky.social"))
    elif method == "app.bsky.feed.getAuthorFeed":
        ref = AccountRef(id=1, platform="bluesky", handle=query["actor"])
        timeline = collector.fetch_posts(ref, known=lambda _: False, max_pages=1)
        out.add(*timeline.posts)
        out.value = timeline
    elif method == "app.bsky.feed.getListFeed":
        page = client.app.bsky.feed.get_list_feed({"list": query["list"], "limit": 25})
        out.add(*(transform_feed_item(get_model_as_dict(item)) for item in page.feed))
        out.value = page.cursor
    elif method == "app.bsky.feed.searchPosts":
        page = client.app.bsky.feed.search_posts({"q": query["q"]})
        out.add(*(transform_post_view(get_model_as_dict(view)) for view in page.posts))
        out.value = page.cursor
    elif method == "app.bsky.feed.getQuotes":
        page = client.app.bsky.feed.get_quotes({"uri": query["uri"]})
        out.add(*(transform_post_view(get_model_as_dict(view)) for view in page.posts))
    elif method == "app.bsky.feed.getPostThread":
        thread = get_model_as_dict(client.get_post_thread(query["uri"]).thread)
        out.add(transform_post_view(thread["post"]))
        for reply in thread.get("replies") or []:
            out.add(transform_post_view(reply["post"], {"parent": thread["post"]}))
    elif method == "app.bsky.feed.getPosts":
        uris = query["uris"] if isinstance(query["uris"], list) else [query["uris"]]
        out.add_lookup(collector.lookup_posts(uris))
    elif method == "app.bsky.actor.getProfiles":
        actors = query["actors"] if isinstance(query["actors"], list) else [query["actors"]]
        refs = [AccountRef(id=i, platform="bluesky", handle=a) for i, a in enumerate(actors)]
        found = collector.resolve_many(refs)
        out.value = [found[r.id] for r in refs]
        for profile in out.value:
            out.profiles[profile.platform_id] = profile
    elif method == "app.bsky.actor.getProfile":
        profile = collector.resolve(AccountRef(id=1, platform="bluesky", handle=query["actor"]))
        out.profiles[profile.platform_id] = profile
    elif method == "com.atproto.repo.getRecord":
        answer = client.com.atproto.repo.get_record(
            {"repo": query["repo"], "collection": query["collection"], "rkey": query["rkey"]}
        )
        value = get_model_as_dict(answer.value)
        out.add(transform_record(RepoRecord(answer.uri, answer.cid, value), query["repo"]))
    elif method == "com.atproto.identity.resolveHandle":
        out.value = client.resolve_handle(query["handle"]).did
    else:
        raise AssertionError(f"{recording.name}: no Bluesky reader for {method}")


# -- Mastodon ------------------------------------------------------------------------------


def _mastodon(recording: Recording, out: Replayed) -> None:
    collector = MastodonCollector(settings("mastodon"))
    adapter = ReplayAdapter(recording)
    collector.session.mount(REPLAY_URL, adapter)
    out.requests = adapter.requests
    client = collector.client("replay.test")
    path = recording.path.removeprefix("/api/v1/")
    parts = path.split("/")
    host = recording.meta["request"]["host"].split(":")[0]
    if recording.status >= 400:
        if parts[0] == "statuses":  # a status that cannot be read: the deletion sweep's view
            out.add_lookup(collector.lookup_posts([parts[1] if len(parts) > 1 else "0"]))
        else:  # refused where the collector reads a profile
            ref = AccountRef(id=1, platform="mastodon", handle=f"someone@{host}", platform_id="1")
            out.profiles.update(collector.fetch_profiles([ref]))
            collector.resolve(ref)
    elif parts[0] == "accounts" and len(parts) == 3 and parts[2] == "statuses":
        out.add(*(transform_status(s) for s in client.account_statuses(parts[1])))
    elif parts[0] == "timelines":
        statuses = (
            client.timeline_hashtag(parts[2]) if parts[1] == "tag" else client.timeline_public()
        )
        out.add(*(transform_status(s) for s in statuses))
    elif parts[0] == "statuses" and len(parts) == 3 and parts[2] == "context":
        context = client.status_context(parts[1])
        out.add(*(transform_status(s) for s in context["ancestors"] + context["descendants"]))
    elif parts[0] == "statuses" and len(parts) == 3 and parts[2] == "history":
        out.value = client.status_history(parts[1])
    elif parts[0] == "statuses" and len(parts) == 3 and parts[2] == "source":
        out.value = client.status_source(parts[1])
    elif parts[0] == "statuses":  # a status entity (GET, or the answer to a POST)
        out.add(transform_status(client.status(parts[1] if len(parts) > 1 else "1")))
    elif parts[0] == "polls":
        out.value = client.poll(parts[1])
    elif path == "accounts/lookup":
        ref = AccountRef(id=1, platform="mastodon", handle=recording.query["acct"], instance=host)
        profile = collector.resolve(ref)
        out.profiles[profile.platform_id] = profile
    elif path == "accounts/search":
        for account in client.account_search(recording.query["q"]):
            profile = transform_account(account, host)
            out.profiles[profile.platform_id] = profile
    elif path == "accounts":
        for account in client.accounts(recording.query["id[]"]):
            profile = transform_account(account, host)
            out.profiles[profile.platform_id] = profile
    elif parts[0] == "accounts" and len(parts) == 2:
        ref = AccountRef(
            id=1, platform="mastodon", handle=f"u@{host}", platform_id=parts[1], instance=host
        )
        out.profiles.update(collector.fetch_profiles([ref]))
    else:
        raise AssertionError(f"{recording.name}: no Mastodon reader for {path}")
