"""Bluesky XRPC endpoints in the AppView's shapes (lexicons app.bsky.* and com.atproto.*).

Behaviour the collectors rely on, as the real AppView does it: `getProfiles` and `getPosts`
leave out what they cannot show (no error); `getProfile` and `getAuthorFeed` answer 400 with
`AccountDeactivated`, `AccountTakedown` or `InvalidRequest` ("Profile not found"); the feed
has no `since`, only a cursor; `postsCount` counts post records, not reposts; a repost of a
deleted post drops out of the feed; a record rewritten in place keeps its URI, gets a new CID.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sandbox import ids
from sandbox.server import PlatformApi, Query, Response, first, route
from sandbox.world import DEACTIVATED, SUSPENDED, SandboxAccount, SandboxPost
from sandbox.world import World as _World

POST_COLLECTION = "app.bsky.feed.post"
REPOST_COLLECTION = "app.bsky.feed.repost"
CDN = "https://cdn.bsky.example"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{moment.microsecond // 1000:03d}Z"
    )


def _error(status: int, error: str, message: str) -> Response:
    return Response(status, {"error": error, "message": message})


def post_uri(world: _World, post: SandboxPost) -> str:
    collection = REPOST_COLLECTION if post.repost_of else POST_COLLECTION
    return f"at://{world.accounts[post.account].id}/{collection}/{post.id}"


def parse_uri(uri: str) -> tuple[str, str, str] | None:
    match = re.fullmatch(r"at://([^/]+)/([^/]+)/([^/]+)", uri)
    return (match.group(1), match.group(2), match.group(3)) if match else None


def find_post(world: _World, uri: str) -> SandboxPost | None:
    parts = parse_uri(uri)
    if parts is None:
        return None
    did, _collection, rkey = parts
    post = world.post("bluesky", rkey)
    if post is None or world.accounts[post.account].id != did:
        return None
    return post


def _odd(seed: str) -> bool:
    """A fixed coin toss per id: half the world shows one real variant, half the other."""
    return int(hashlib.sha256(seed.encode()).hexdigest(), 16) % 2 == 1


def _labels(account: SandboxAccount) -> list[dict[str, Any]]:
    """Self-labels, as some real authors carry (`!no-unauthenticated`)."""
    if not _odd(account.id):
        return []
    return [
        {
            "src": account.id,
            "uri": f"at://{account.id}/app.bsky.actor.profile/self",
            "cid": ids.cid_for(f"{account.id}/profile"),
            "val": "!no-unauthenticated",
            "cts": iso(account.created_at),
        }
    ]


def _associated(account: SandboxAccount) -> dict[str, Any]:
    return {
        "chat": {"allowIncoming": "following"},
        "activitySubscription": {"allowSubscriptions": "followers"},
    }


def _verification(account: SandboxAccount) -> dict[str, Any]:
    return {"verifications": [], "verifiedStatus": "none", "trustedVerifierStatus": "none"}


def profile_basic(account: SandboxAccount) -> dict[str, Any]:
    """app.bsky.actor.defs#profileViewBasic; views carry no `$type` on the real AppView."""
    return {
        "did": account.id,
        "handle": account.handle,
        "displayName": account.display_name,
        "avatar": f"{CDN}/avatar/{account.id}.jpg",
        "associated": _associated(account),
        "labels": _labels(account),
        "createdAt": iso(account.created_at),
        "verification": _verification(account),
    }


def profile_detailed(world: _World, account: SandboxAccount) -> dict[str, Any]:
    view: dict[str, Any] = {
        "did": account.id,
        "handle": account.handle,
        "displayName": account.display_name,
        "description": account.bio,
        "avatar": f"{CDN}/avatar/{account.id}.jpg",
        "followersCount": account.followers,
        "followsCount": account.following,
        "postsCount": world.post_count(account, reposts=False),
        "indexedAt": iso(account.created_at),
        "createdAt": iso(account.created_at),
        "banner": f"{CDN}/banner/{account.id}.jpg",
        "labels": _labels(account),
        "associated": {
            "lists": 0,
            "feedgens": 0,
            "starterPacks": 0,
            "labeler": False,
            **_associated(account),
        },
        "verification": _verification(account),
    }
    pinned = next((p for p in world.timeline(account) if not p.repost_of), None)
    if pinned is not None and _odd(account.id + "/pin"):
        view["pinnedPost"] = _strong_ref(world, pinned)
    if account.url:
        view["website"] = account.url
    return view


def _facets(world: _World, post: SandboxPost) -> list[dict[str, Any]]:
    """Rich-text facets with UTF-8 byte offsets, as the official app writes them."""
    text = post.text
    facets: list[dict[str, Any]] = []

    def span(start: int, end: int) -> dict[str, int]:
        return {
            "byteStart": len(text[:start].encode()),
            "byteEnd": len(text[:end].encode()),
        }

    for match in re.finditer(r"https?://[^\s<>\"']+", text):
        uri = match.group(0).rstrip(".,;:!?)")
        end = match.start() + len(uri)
        facets.append(
            {
                "index": span(match.start(), end),
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": uri}],
            }
        )
    for match in re.finditer(r"(?<![\w@])@([a-z0-9][a-z0-9.-]*[a-z0-9])", text, re.IGNORECASE):
        target = world.account_by_handle("bluesky", match.group(1))
        if target is None:
            continue  # the app only makes a facet for a handle that resolves
        facets.append(
            {
                "$type": "app.bsky.richtext.facet",  # the app types mention facets, not links
                "index": span(match.start(), match.end()),
                "features": [{"$type": "app.bsky.richtext.facet#mention", "did": target.id}],
            }
        )
    for match in re.finditer(r"(?<![\w#])#(\w+)", text):
        facets.append(
            {
                "index": span(match.start(), match.end()),
                "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": match.group(1)}],
            }
        )
    return facets


def _blob(seed: str, mime: str, size: int) -> dict[str, Any]:
    return {"$type": "blob", "ref": {"$link": ids.blob_cid(seed)}, "mimeType": mime, "size": size}


def _strong_ref(world: _World, post: SandboxPost) -> dict[str, str]:
    return {"uri": post_uri(world, post), "cid": record_cid(world, post)}


def _media_record(post: SandboxPost) -> dict[str, Any] | None:
    images = [m for m in post.media if m.get("type", "image") == "image"]
    videos = [m for m in post.media if m.get("type") == "video"]
    if videos:
        return {
            "$type": "app.bsky.embed.video",
            "video": _blob(f"{post.id}-video", "video/mp4", 1_048_576),
            "alt": videos[0].get("alt", ""),
            "aspectRatio": {"width": 1280, "height": 720},
        }
    if images:
        return {
            "$type": "app.bsky.embed.images",
            "images": [
                {
                    "alt": image.get("alt", ""),
                    "image": _blob(f"{post.id}-{n}", "image/jpeg", 204_800),
                    "aspectRatio": {"width": 1200, "height": 800},
                }
                for n, image in enumerate(images)
            ],
        }
    if post.link_card:
        return {
            "$type": "app.bsky.embed.external",
            "external": {
                "uri": post.link_card["uri"],
                "title": post.link_card.get("title", ""),
                "description": post.link_card.get("description", ""),
                "thumb": _blob(f"{post.id}-card", "image/jpeg", 102_400),
            },
        }
    return None


def record(world: _World, post: SandboxPost) -> dict[str, Any]:
    """The app.bsky.feed.post record as stored in the author's repository."""
    value: dict[str, Any] = {
        "$type": "app.bsky.feed.post",
        "text": post.text,
        "createdAt": iso(post.created_at),
        "langs": [post.lang],
    }
    facets = _facets(world, post)
    if facets:
        value["facets"] = facets
    if post.reply_to:
        parent = world.post("bluesky", post.reply_to)
        if parent is not None:
            root = parent
            while root.reply_to and world.post("bluesky", root.reply_to) is not None:
                root = world.post("bluesky", root.reply_to)  # type: ignore[assignment]
            value["reply"] = {
                "root": _strong_ref(world, root),
                "parent": _strong_ref(world, parent),
            }
    media = _media_record(post)
    quoted = world.post("bluesky", post.quote_of) if post.quote_of else None
    if quoted is not None:
        quote = {"$type": "app.bsky.embed.record", "record": _strong_ref(world, quoted)}
        if media is not None:
            value["embed"] = {
                "$type": "app.bsky.embed.recordWithMedia",
                "record": quote,
                "media": media,
            }
        else:
            value["embed"] = quote
    elif media is not None:
        value["embed"] = media
    return value


def record_cid(world: _World, post: SandboxPost) -> str:
    return ids.cid_for(f"{post.account}/{post.id}/{post.version}/{post.text}")


def _media_view(post: SandboxPost, media: dict[str, Any]) -> dict[str, Any]:
    kind = media["$type"]
    if kind == "app.bsky.embed.images":
        return {
            "$type": "app.bsky.embed.images#view",
            "images": [
                {
                    "thumb": f"{CDN}/thumb/{image['image']['ref']['$link']}.jpg",
                    "fullsize": f"{CDN}/full/{image['image']['ref']['$link']}.jpg",
                    "alt": image["alt"],
                    "aspectRatio": image["aspectRatio"],
                }
                for image in media["images"]
            ],
        }
    if kind == "app.bsky.embed.video":
        cid = media["video"]["ref"]["$link"]
        return {
            "$type": "app.bsky.embed.video#view",
            "cid": cid,
            "playlist": f"{CDN}/video/{cid}/playlist.m3u8",
            "thumbnail": f"{CDN}/video/{cid}/thumbnail.jpg",
            "alt": media.get("alt", ""),
            "aspectRatio": media["aspectRatio"],
        }
    external = {k: v for k, v in media["external"].items() if k != "thumb"}
    if "thumb" in media["external"]:
        external["thumb"] = f"{CDN}/thumb/{media['external']['thumb']['ref']['$link']}.jpg"
    return {"$type": "app.bsky.embed.external#view", "external": external}


def _quoted_view(world: _World, ref: dict[str, str], depth: int = 0) -> dict[str, Any]:
    quoted = find_post(world, ref["uri"])
    if quoted is None or not world.visible(quoted):
        return {"$type": "app.bsky.embed.record#viewNotFound", "uri": ref["uri"], "notFound": True}
    author = world.accounts[quoted.account]
    value = record(world, quoted)
    view = {
        "$type": "app.bsky.embed.record#viewRecord",
        "uri": post_uri(world, quoted),
        "cid": record_cid(world, quoted),
        "author": profile_basic(author),
        "value": value,
        "labels": [],
        "indexedAt": indexed_at(quoted),
        "replyCount": 0,
        "repostCount": 0,
        "likeCount": 0,
        "quoteCount": 0,
    }
    embed = _embed_view(world, quoted, value, depth + 1) if depth < 2 else None
    if embed is not None:
        view["embeds"] = [embed]
    return view


def _embed_view(
    world: _World, post: SandboxPost, value: dict[str, Any], depth: int = 0
) -> dict[str, Any] | None:
    embed = value.get("embed")
    if embed is None:
        return None
    kind = embed["$type"]
    if kind == "app.bsky.embed.record":
        return {
            "$type": "app.bsky.embed.record#view",
            "record": _quoted_view(world, embed["record"], depth),
        }
    if kind == "app.bsky.embed.recordWithMedia":
        return {
            "$type": "app.bsky.embed.recordWithMedia#view",
            "record": {  # untyped here, unlike a bare record#view
                "record": _quoted_view(world, embed["record"]["record"], depth),
            },
            "media": _media_view(post, embed["media"]),
        }
    return _media_view(post, embed)


def indexed_at(post: SandboxPost) -> str:
    """When the AppView indexed a post: just after it was written, or, as for a real client
    whose clock runs ahead, a little before the `createdAt` the record claims."""
    offset = timedelta(seconds=-3 if _odd(post.id + "/clock") else 1)
    return iso(post.created_at + offset)


def post_view(world: _World, post: SandboxPost) -> dict[str, Any]:
    author = world.accounts[post.account]
    value = record(world, post)
    replies = sum(1 for p in world.posts.values() if p.reply_to == post.id and world.visible(p))
    view: dict[str, Any] = {
        "uri": post_uri(world, post),
        "cid": record_cid(world, post),
        "author": profile_basic(author),
        "record": value,
        "replyCount": replies,
        "repostCount": 0,
        "likeCount": 0,
        "quoteCount": 0,
        "indexedAt": indexed_at(post),
        "labels": [],
    }
    embed = _embed_view(world, post, value)
    if embed is not None:
        view["embed"] = embed
    return view


def _reply_ref(world: _World, strong_ref: dict[str, str]) -> dict[str, Any]:
    target = find_post(world, strong_ref["uri"])
    if target is None or not world.visible(target):
        return {
            "$type": "app.bsky.feed.defs#notFoundPost",
            "uri": strong_ref["uri"],
            "notFound": True,
        }
    return {"$type": "app.bsky.feed.defs#postView", **post_view(world, target)}


def feed_item(world: _World, post: SandboxPost) -> dict[str, Any]:
    if post.repost_of:
        original = world.post("bluesky", post.repost_of)
        assert original is not None
        item: dict[str, Any] = {
            "post": post_view(world, original),
            "reason": {
                "$type": "app.bsky.feed.defs#reasonRepost",
                "by": profile_basic(world.accounts[post.account]),
                "indexedAt": iso(post.created_at),
            },
        }
        if _odd(post.id):  # the repost record's uri/cid: sent since 2025-07, not before
            item["reason"]["uri"] = post_uri(world, post)
            item["reason"]["cid"] = record_cid(world, post)
        return item
    item = {"post": post_view(world, post)}
    reply = item["post"]["record"].get("reply")
    if reply:
        item["reply"] = {
            "root": _reply_ref(world, reply["root"]),
            "parent": _reply_ref(world, reply["parent"]),
        }
        parent = find_post(world, reply["parent"]["uri"])
        grandparent = world.post("bluesky", parent.reply_to) if parent and parent.reply_to else None
        if grandparent is not None:
            item["reply"]["grandparentAuthor"] = profile_basic(world.accounts[grandparent.account])
    return item


def _unavailable(account: SandboxAccount | None) -> Response | None:
    if account is None:
        return _error(400, "InvalidRequest", "Profile not found")
    if account.status == DEACTIVATED:
        return _error(400, "AccountDeactivated", "Account is deactivated")
    if account.status == SUSPENDED:
        return _error(400, "AccountTakedown", "Account has been suspended")
    return None


def _actor(world: _World, actor: str | None) -> SandboxAccount | None:
    if not actor:
        return None
    if actor.startswith("did:"):
        return world.account_by_id("bluesky", actor)
    return world.account_by_handle("bluesky", actor)


@route("GET", r"/xrpc/app\.bsky\.actor\.getProfile", "bluesky.getProfile")
def get_profile(world: _World, match: re.Match[str], query: Query) -> Response:
    account = _actor(world, first(query, "actor"))
    problem = _unavailable(account)
    if problem is not None:
        return problem
    assert account is not None
    return Response(200, profile_detailed(world, account))


@route("GET", r"/xrpc/app\.bsky\.actor\.getProfiles", "bluesky.getProfiles")
def get_profiles(world: _World, match: re.Match[str], query: Query) -> Response:
    actors = query.get("actors", [])
    if len(actors) > 25:
        return _error(400, "InvalidRequest", "Error: actors must not have more than 25 elements")
    profiles = []
    for actor in actors:
        account = _actor(world, actor)
        if account is not None and _unavailable(account) is None:
            profiles.append(profile_detailed(world, account))
    return Response(200, {"profiles": profiles})


_FILTERS = {
    "posts_with_replies",
    "posts_no_replies",
    "posts_with_media",
    "posts_and_author_threads",
    "posts_with_video",
}


def _cursor(post: SandboxPost, following: SandboxPost | None) -> str:
    """The AppView's cursor: a bare timestamp of the last item, the fraction's trailing zeros
    dropped (2025); where the next item has the same time, the older `<epoch ms>::<cid>`
    form (2023) that tells them apart."""
    if following is not None and following.created_at == post.created_at:
        return f"{int(post.created_at.timestamp() * 1000)}::{post.id}"
    stamp = iso(post.created_at)
    head, _, fraction = stamp[:-1].partition(".")
    fraction = fraction.rstrip("0")
    return f"{head}.{fraction}Z" if fraction else f"{head}Z"


def _older_than(post: SandboxPost, cursor: str) -> bool:
    if "::" in cursor:
        millis, _, rkey = cursor.partition("::")
        mine = int(post.created_at.timestamp() * 1000)
        return (mine, post.id) < (int(millis), rkey)
    return post.created_at < datetime.fromisoformat(cursor.replace("Z", "+00:00"))


@route("GET", r"/xrpc/app\.bsky\.feed\.getAuthorFeed", "bluesky.getAuthorFeed")
def get_author_feed(world: _World, match: re.Match[str], query: Query) -> Response:
    account = _actor(world, first(query, "actor"))
    problem = _unavailable(account)
    if problem is not None:
        return problem
    assert account is not None
    feed_filter = first(query, "filter", "posts_with_replies") or "posts_with_replies"
    if feed_filter not in _FILTERS:
        return _error(400, "InvalidRequest", f"Invalid filter: {feed_filter}")
    try:
        limit = int(first(query, "limit", "50") or 50)
    except ValueError:
        return _error(400, "InvalidRequest", "limit must be an integer")
    if not 1 <= limit <= 100:
        return _error(400, "InvalidRequest", "limit must be between 1 and 100")
    cursor = first(query, "cursor")
    posts = world.timeline(account)
    if feed_filter == "posts_no_replies":
        posts = [p for p in posts if not p.reply_to]
    elif feed_filter == "posts_with_media":
        posts = [p for p in posts if p.media and not p.repost_of]
    elif feed_filter == "posts_with_video":
        posts = [p for p in posts if any(m.get("type") == "video" for m in p.media)]
    elif feed_filter == "posts_and_author_threads":
        posts = [
            p
            for p in posts
            if not p.reply_to or (world.post("bluesky", p.reply_to) or p).account == account.key
        ]
    if cursor:
        posts = [p for p in posts if _older_than(p, cursor)]
    page = posts[:limit]
    body: dict[str, Any] = {"feed": [feed_item(world, p) for p in page]}
    if len(posts) > limit:
        body["cursor"] = _cursor(page[-1], posts[limit])
    return Response(200, body)


@route("GET", r"/xrpc/app\.bsky\.feed\.getPosts", "bluesky.getPosts")
def get_posts(world: _World, match: re.Match[str], query: Query) -> Response:
    uris = query.get("uris", [])
    if len(uris) > 25:
        return _error(400, "InvalidRequest", "Error: uris must not have more than 25 elements")
    views = []
    for uri in uris:
        post = find_post(world, uri)
        if post is not None and not post.repost_of and world.visible(post):
            views.append(post_view(world, post))
    return Response(200, {"posts": views})


@route("GET", r"/xrpc/com\.atproto\.repo\.listRecords", "bluesky.listRecords")
def list_records(world: _World, match: re.Match[str], query: Query) -> Response:
    account = _actor(world, first(query, "repo"))
    if account is None or account.status in (DEACTIVATED, SUSPENDED):
        return _error(400, "InvalidRequest", f"Could not find repo: {first(query, 'repo')}")
    collection = first(query, "collection") or ""
    limit = max(1, min(100, int(first(query, "limit", "50") or 50)))
    reverse = (first(query, "reverse", "false") or "false").lower() == "true"
    cursor = first(query, "cursor")
    wanted_repost = collection == REPOST_COLLECTION
    if collection not in (POST_COLLECTION, REPOST_COLLECTION):
        return Response(200, {"records": []})
    posts = sorted(
        (
            p
            for p in world.posts.values()
            if p.account == account.key
            and p.deleted_at is None
            and p.created_at <= world.now
            and bool(p.repost_of) == wanted_repost
        ),
        key=lambda p: p.id,
        reverse=not reverse,
    )
    if cursor:
        posts = [p for p in posts if (p.id > cursor if reverse else p.id < cursor)]
    page = posts[:limit]
    records = []
    for post in page:
        if wanted_repost:
            original = world.post("bluesky", post.repost_of or "")
            value: dict[str, Any] = {
                "$type": "app.bsky.feed.repost",
                "subject": {
                    "uri": f"at://{world.accounts[original.account].id}/{POST_COLLECTION}/"
                    f"{original.id}"
                    if original
                    else "",
                    "cid": record_cid(world, original) if original else "",
                },
                "createdAt": iso(post.created_at),
            }
        else:
            value = record(world, post)
        records.append(
            {"uri": post_uri(world, post), "cid": record_cid(world, post), "value": value}
        )
    body: dict[str, Any] = {"records": records}
    if len(posts) > limit:
        body["cursor"] = page[-1].id
    return Response(200, body)


def _jwt(claims: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'typ': 'at+jwt', 'alg': 'ES256K'})}.{part(claims)}.c2FuZGJveA"


@route("POST", r"/xrpc/com\.atproto\.server\.createSession", "bluesky.createSession")
def create_session(world: _World, match: re.Match[str], query: Query) -> Response:
    """An app-password session; no didDoc, so the SDK stays pointed at the sandbox."""
    now = int(time.time())
    did = ids.did_plc("sandbox:auditor")
    return Response(
        200,
        {
            "did": did,
            "handle": "auditor.sandbox.example",
            "accessJwt": _jwt(
                {"scope": "com.atproto.appPass", "sub": did, "iat": now, "exp": now + 7200}
            ),
            "refreshJwt": _jwt(
                {"scope": "com.atproto.refresh", "sub": did, "iat": now, "exp": now + 86400}
            ),
            "active": True,
        },
    )


class BlueskyApi(PlatformApi):
    prefix = "bluesky."

    def __init__(self) -> None:
        self.routes = [
            get_profile,
            get_profiles,
            get_author_feed,
            get_posts,
            list_records,
            create_session,
        ]

    def rate_limited(self, world: _World, fault: Any) -> Response:
        reset = int(time.time() + fault.seconds)
        return Response(
            429,
            {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
            {
                "ratelimit-limit": "3000",
                "ratelimit-remaining": "0",
                "ratelimit-reset": str(reset),
                "ratelimit-policy": "3000;w=300",
            },
        )

    def limit_headers(self, world: _World, endpoint: str) -> dict[str, str]:
        """The PDS sends its window on every answer: 3,000 requests per 5 minutes."""
        return {
            "RateLimit-Limit": "3000",
            "RateLimit-Remaining": str(max(0, 3000 - world.calls(self.prefix))),
            "RateLimit-Reset": str(int(time.time()) + 300),
            "RateLimit-Policy": "3000;w=300",
        }


API = BlueskyApi()
