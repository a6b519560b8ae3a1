"""X API v2 endpoints in the documented shapes (users, user timelines, tweet look-up).

As the real API does: fields beyond the defaults appear only when asked for with
`user.fields`, `tweet.fields`, `media.fields` and `expansions`; missing, suspended and
protected resources come back as HTTP 200 with `errors[]` entries ("Not Found Error",
"Forbidden", "Authorization Error") and `data` left out when nothing was found; timelines
take `since_id` (exclusive), `max_results` 5-100 and `pagination_token`; the text carries
t.co links that `entities.urls` expand; an edit is a new id in `edit_history_tweet_ids`.
"""

from __future__ import annotations

import hashlib
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sandbox.server import PlatformApi, Query, Response, first, route
from sandbox.world import DEACTIVATED, PROTECTED, SUSPENDED, SandboxAccount, SandboxPost
from sandbox.world import World as _World

USER_DEFAULT = ("id", "name", "username")
TWEET_DEFAULT = ("id", "text", "edit_history_tweet_ids")
TIMELINE_CAP = 3200


def iso(moment: datetime) -> str:
    """X's times: whole seconds, always written `.000Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def escape(text: str) -> str:
    """X escapes `&`, `<` and `>` in a post's text (never in bios or names)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# Pagination tokens are opaque base-36 strings; these prefixes tell the sandbox which way.
_NEXT, _PREVIOUS = "7140dibdnow9c", "77qpymm88g5ha"


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out or "0"


def page_token(tweet_id: str, *, previous: bool = False) -> str:
    return (_PREVIOUS if previous else _NEXT) + _b36(int(tweet_id))


def read_token(token: str) -> tuple[str, int] | None:
    """('next' | 'previous', boundary id) of a token this sandbox gave, else None."""
    for prefix, way in ((_NEXT, "next"), (_PREVIOUS, "previous")):
        if token.startswith(prefix) and len(token) > len(prefix):
            try:
                return way, int(token[len(prefix) :], 36)
            except ValueError:
                return None
    return None


def permalink(world: _World, post: SandboxPost) -> str:
    """A post's permalink as X writes it in entities: twitter.com and the author's name."""
    return f"https://twitter.com/{world.accounts[post.account].handle}/status/{post.current_id}"


def _fields(query: Query, name: str) -> set[str]:
    raw = first(query, name) or ""
    return {f.strip() for f in raw.split(",") if f.strip()}


def _tco(url: str) -> str:
    return "https://t.co/" + hashlib.sha256(url.encode()).hexdigest()[:10]


def _problem(title: str, detail: str, value: str, parameter: str, kind: str) -> dict[str, Any]:
    problem_type = {
        "Not Found Error": "https://api.twitter.com/2/problems/resource-not-found",
        "Forbidden": "https://api.twitter.com/2/problems/resource-not-found",
        "Authorization Error": "https://api.twitter.com/2/problems/not-authorized-for-resource",
    }[title]
    return {
        "value": value,
        "detail": detail,
        "title": title,
        "resource_type": kind,
        "parameter": parameter,
        "resource_id": value,
        "type": problem_type,
    }


def _user_problem(account: SandboxAccount | None, value: str, parameter: str) -> dict | None:
    by = "username" if parameter in ("username", "usernames") else "id"
    if account is None or account.status == DEACTIVATED:
        return _problem(
            "Not Found Error",
            f"Could not find user with {by}: [{value}].",
            value,
            parameter,
            "user",
        )
    if account.status == SUSPENDED:
        return _problem(
            "Forbidden", f"User has been suspended: [{value}].", value, parameter, "user"
        )
    return None


def _entities_for(text: str, world: _World | None = None) -> tuple[str, dict[str, Any]]:
    """Replace URLs with t.co links; return the shown text and its entities."""
    shown = text
    urls = []
    for match in re.finditer(r"https?://[^\s<>\"']+", text):
        url = match.group(0).rstrip(".,;:!?)")
        shown = shown.replace(url, _tco(url), 1)
    for match in re.finditer(r"https://t\.co/[0-9a-f]{10}", shown):
        original = next(
            (
                u.group(0).rstrip(".,;:!?)")
                for u in re.finditer(r"https?://[^\s<>\"']+", text)
                if _tco(u.group(0).rstrip(".,;:!?)")) == match.group(0)
            ),
            match.group(0),
        )
        display = re.sub(r"^https?://(www\.)?", "", original)
        urls.append(
            {
                "start": match.start(),
                "end": match.end(),
                "url": match.group(0),
                "expanded_url": original,
                "display_url": display[:26] + ("…" if len(display) > 26 else ""),
            }
        )
    entities: dict[str, Any] = {}
    if urls:
        entities["urls"] = urls
    mentions = []
    for m in re.finditer(r"(?<![\w@])@(\w{1,15})", shown):
        mention: dict[str, Any] = {"start": m.start(), "end": m.end(), "username": m.group(1)}
        target = world.account_by_handle("x", m.group(1)) if world is not None else None
        if target is not None:
            mention["username"] = target.handle  # X gives the canonical case
            mention["id"] = target.id
        mentions.append(mention)
    if mentions:
        entities["mentions"] = mentions
    tags = [
        {"start": m.start(), "end": m.end(), "tag": m.group(1)}
        for m in re.finditer(r"(?<![\w#])#(\w+)", shown)
        if not shown[max(0, m.start() - 13) : m.start()].endswith("t.co/")
    ]
    if tags:
        entities["hashtags"] = tags
    return shown, entities


def user_object(world: _World, account: SandboxAccount, fields: set[str]) -> dict[str, Any]:
    full: dict[str, Any] = {
        "id": account.id,
        "name": account.display_name,
        "username": account.handle,
        "created_at": iso(account.created_at),
        "description": account.bio,
        "protected": account.status == PROTECTED,
        "verified": False,
        "public_metrics": {
            "followers_count": account.followers,
            "following_count": account.following,
            "tweet_count": world.post_count(account, reposts=True),
            "listed_count": 3,
            "like_count": 42,
        },
        "profile_image_url": f"https://pbs.twimg.com/profile_images/{account.id}/a_normal.jpg",
    }
    entities: dict[str, Any] = {}
    if account.url:
        full["url"] = _tco(account.url)
        entities["url"] = {
            "urls": [
                {
                    "start": 0,
                    "end": 23,
                    "url": _tco(account.url),
                    "expanded_url": account.url,
                    "display_url": re.sub(r"^https?://(www\.)?", "", account.url),
                }
            ]
        }
    else:
        full["url"] = ""
    _, description_entities = _entities_for(account.bio)
    if description_entities:
        entities["description"] = description_entities
    if entities:
        full["entities"] = entities
    return {k: v for k, v in full.items() if k in USER_DEFAULT or k in fields}


def _media_key(post: SandboxPost, n: int) -> str:
    kind = "7" if post.media[n].get("type") == "video" else "3"
    return f"{kind}_{post.id}{n}"


def media_object(post: SandboxPost, n: int, fields: set[str]) -> dict[str, Any]:
    media = post.media[n]
    video = media.get("type") == "video"
    full = {
        "media_key": _media_key(post, n),
        "type": "video" if video else "photo",
        "alt_text": media.get("alt", ""),
        "width": 1200,
        "height": 800,
    }
    if video:
        full["preview_image_url"] = f"https://pbs.twimg.com/ext_tw_video_thumb/{post.id}/pu.jpg"
        full["duration_ms"] = 30000
    else:
        full["url"] = f"https://pbs.twimg.com/media/{post.id}{n}.jpg"
    return {k: v for k, v in full.items() if k in ("media_key", "type") or k in fields}


def tweet_object(world: _World, post: SandboxPost, fields: set[str]) -> dict[str, Any]:
    author = world.accounts[post.account]
    text = post.text
    original = world.post("x", post.repost_of) if post.repost_of else None
    if original is not None:
        text = f"RT @{world.accounts[original.account].handle}: {original.text}"
    referenced = []
    parent = world.post("x", post.reply_to) if post.reply_to else None
    if parent is not None:
        referenced.append({"type": "replied_to", "id": parent.current_id})
    quoted = world.post("x", post.quote_of) if post.quote_of else None
    if quoted is not None:
        referenced.append({"type": "quoted", "id": quoted.current_id})
        # The quoted post's permalink ends the text, and like every link it is an entity.
        text = f"{text} {permalink(world, quoted)}"
    media_link = None
    if post.media and original is None:
        # So does a link to the post's own media: .../status/<id>/photo/1 (or /video/1).
        kind = "video" if post.media[0].get("type") == "video" else "photo"
        media_link = f"{permalink(world, post)}/{kind}/1"
        text = f"{text} {media_link}"
    shown, entities = _entities_for(text, world)
    if media_link is not None:
        for url in entities.get("urls", []):
            if url["expanded_url"] == media_link:
                url["media_key"] = _media_key(post, 0)
                extra = [
                    {**url, "media_key": _media_key(post, n)} for n in range(1, len(post.media))
                ]
                entities["urls"].extend(extra)
                break
    if original is not None:
        referenced.append({"type": "retweeted", "id": original.current_id})
    root = post
    while root.reply_to and world.post("x", root.reply_to) is not None:
        root = world.post("x", root.reply_to)  # type: ignore[assignment]
    editable_until = post.created_at + timedelta(minutes=30)
    full: dict[str, Any] = {
        "id": post.current_id,
        "text": escape(shown),
        "edit_history_tweet_ids": list(post.edit_ids),
        "author_id": author.id,
        "created_at": iso(post.edited_at or post.created_at),
        "lang": post.lang,
        "conversation_id": root.id,
        "possibly_sensitive": False,
        "reply_settings": "everyone",
        "edit_controls": {
            "edits_remaining": max(0, 5 - post.version),
            "is_edit_eligible": original is None,
            "editable_until": iso(editable_until),
        },
        "public_metrics": {
            "retweet_count": 0,
            "reply_count": sum(1 for p in world.posts.values() if p.reply_to == post.id),
            "like_count": 0,
            "quote_count": 0,
            "bookmark_count": 0,
            "impression_count": 100,
        },
    }
    if entities:
        full["entities"] = entities
    if referenced:
        full["referenced_tweets"] = referenced
    if parent is not None:
        full["in_reply_to_user_id"] = world.accounts[parent.account].id
    if post.media and original is None:
        full["attachments"] = {"media_keys": [_media_key(post, n) for n in range(len(post.media))]}
    if len(post.text) > 280 and original is None:
        full["note_tweet"] = {"text": escape(post.text)}
        full["text"] = escape(shown[:277] + "…")
    return {k: v for k, v in full.items() if k in TWEET_DEFAULT or k in fields}


def _includes(world: _World, posts: list[SandboxPost], query: Query) -> dict[str, Any]:
    expansions = _fields(query, "expansions")
    tweet_fields = _fields(query, "tweet.fields")
    user_fields = _fields(query, "user.fields")
    media_fields = _fields(query, "media.fields")
    includes: dict[str, Any] = {}
    if "attachments.media_keys" in expansions:
        media = [
            media_object(p, n, media_fields)
            for p in posts
            if not p.repost_of
            for n in range(len(p.media))
        ]
        if media:
            includes["media"] = media
    referenced: list[SandboxPost] = []
    if "referenced_tweets.id" in expansions:
        for post in posts:
            for ref in (post.reply_to, post.quote_of, post.repost_of):
                target = world.post("x", ref) if ref else None
                if (
                    target is not None
                    and world.visible(target)
                    and target not in referenced
                    and world.accounts[target.account].status != PROTECTED
                ):
                    referenced.append(target)
        if referenced:
            includes["tweets"] = [tweet_object(world, p, tweet_fields) for p in referenced]
    users: list[SandboxAccount] = []
    if "author_id" in expansions:
        users.extend(world.accounts[p.account] for p in posts)
    if "referenced_tweets.id.author_id" in expansions:
        users.extend(world.accounts[p.account] for p in referenced)
    if "in_reply_to_user_id" in expansions:
        for post in posts:
            parent = world.post("x", post.reply_to) if post.reply_to else None
            if parent is not None:
                users.append(world.accounts[parent.account])
    if users:
        unique = {u.key: u for u in users}
        includes["users"] = [user_object(world, u, user_fields) for u in unique.values()]
    return includes


def _reference_errors(world: _World, posts: list[SandboxPost], query: Query) -> list[dict]:
    """What X says, next to `data`, of referenced posts it cannot include (deleted, protected)."""
    if "referenced_tweets.id" not in _fields(query, "expansions"):
        return []
    errors = []
    for post in posts:
        for ref in (post.reply_to, post.quote_of, post.repost_of):
            target = world.post("x", ref) if ref else None
            if ref is None or (target is not None and world.visible(target)):
                if target is None or world.accounts[target.account].status != PROTECTED:
                    continue
                value = target.current_id
                problem = _problem(
                    "Authorization Error",
                    f"Sorry, you are not authorized to see the Tweet with referenced_tweets.id: "
                    f"[{value}].",
                    value,
                    "referenced_tweets.id",
                    "tweet",
                )
                problem["section"] = "includes"
            else:
                value = target.current_id if target is not None else ref
                problem = _problem(
                    "Not Found Error",
                    f"Could not find tweet with referenced_tweets.id: [{value}].",
                    value,
                    "referenced_tweets.id",
                    "tweet",
                )
            if problem not in errors:
                errors.append(problem)
    return errors


def _single_user(
    world: _World, account: SandboxAccount | None, value: str, parameter: str, query: Query
) -> Response:
    problem = _user_problem(account, value, parameter)
    if problem is not None:
        return Response(200, {"errors": [problem]})
    assert account is not None
    return Response(200, {"data": user_object(world, account, _fields(query, "user.fields"))})


@route("GET", r"/2/users/by/username/(?P<username>\w{1,15})", "x.user_by_username")
def user_by_username(world: _World, match: re.Match[str], query: Query) -> Response:
    name = match.group("username")
    return _single_user(world, world.account_by_handle("x", name), name, "username", query)


@route("GET", r"/2/users/(?P<id>[0-9]+)", "x.user_by_id")
def user_by_id(world: _World, match: re.Match[str], query: Query) -> Response:
    user_id = match.group("id")
    return _single_user(world, world.account_by_id("x", user_id), user_id, "id", query)


def _many_users(world: _World, values: list[str], parameter: str, query: Query) -> Response:
    if not values or len(values) > 100:
        return Response(
            400,
            {
                "errors": [
                    {
                        "parameters": {parameter: values},
                        "message": f"{parameter} must have between 1 and 100 items",
                    }
                ],
                "title": "Invalid Request",
                "detail": "One or more parameters to your request was invalid.",
                "type": "https://api.twitter.com/2/problems/invalid-request",
            },
        )
    data, errors = [], []
    for value in values:
        account = (
            world.account_by_handle("x", value)
            if parameter == "usernames"
            else world.account_by_id("x", value)
        )
        problem = _user_problem(account, value, parameter)
        if problem is not None:
            errors.append(problem)
        else:
            assert account is not None
            data.append(user_object(world, account, _fields(query, "user.fields")))
    body: dict[str, Any] = {}
    if data:
        body["data"] = data
    if errors:
        body["errors"] = errors
    return Response(200, body)


def _split(query: Query, name: str) -> list[str]:
    return [v for v in (first(query, name) or "").split(",") if v]


@route("GET", r"/2/users", "x.users")
def users(world: _World, match: re.Match[str], query: Query) -> Response:
    return _many_users(world, _split(query, "ids"), "ids", query)


@route("GET", r"/2/users/by", "x.users_by")
def users_by(world: _World, match: re.Match[str], query: Query) -> Response:
    return _many_users(world, _split(query, "usernames"), "usernames", query)


@route("GET", r"/2/users/(?P<id>[0-9]+)/tweets", "x.user_tweets")
def user_tweets(world: _World, match: re.Match[str], query: Query) -> Response:
    user_id = match.group("id")
    account = world.account_by_id("x", user_id)
    problem = _user_problem(account, user_id, "id")
    if problem is not None:
        return Response(200, {"errors": [problem]})
    assert account is not None
    if account.status == PROTECTED:
        return Response(
            200,
            {
                "errors": [
                    _problem(
                        "Authorization Error",
                        f"Sorry, you are not authorized to see the user with id: [{user_id}].",
                        user_id,
                        "id",
                        "user",
                    )
                ]
            },
        )
    try:
        max_results = int(first(query, "max_results", "10") or 10)
    except ValueError:
        max_results = 0
    if not 5 <= max_results <= 100:
        return Response(
            400,
            {
                "errors": [
                    {
                        "parameters": {"max_results": [first(query, "max_results")]},
                        "message": "The `max_results` query parameter value "
                        f"[{first(query, 'max_results')}] is not between 5 and 100",
                    }
                ],
                "title": "Invalid Request",
                "detail": "One or more parameters to your request was invalid.",
                "type": "https://api.twitter.com/2/problems/invalid-request",
            },
        )
    posts = world.timeline(account)[:TIMELINE_CAP]
    since_id = first(query, "since_id")
    if since_id:
        posts = [p for p in posts if int(p.current_id) > int(since_id)]
    token = first(query, "pagination_token")
    way = None
    if token:
        parsed = read_token(token)
        if parsed is None:
            return Response(
                400,
                {
                    "errors": [
                        {
                            "parameters": {"pagination_token": [token]},
                            "message": "The `pagination_token` query parameter value "
                            f"[{token}] is not valid",
                        }
                    ],
                    "title": "Invalid Request",
                    "detail": "One or more parameters to your request was invalid.",
                    "type": "https://api.twitter.com/2/problems/invalid-request",
                },
            )
        way, boundary = parsed
        if way == "next":
            posts = [p for p in posts if int(p.current_id) < boundary]
        else:  # the page just newer than the one that gave the token
            newer = [p for p in posts if int(p.current_id) > boundary]
            posts = newer[-max_results:] + [p for p in posts if int(p.current_id) <= boundary]
    page = posts[:max_results]
    if not page:
        return Response(200, {"meta": {"result_count": 0}})
    meta: dict[str, Any] = {
        "result_count": len(page),
        "newest_id": page[0].current_id,
        "oldest_id": page[-1].current_id,
    }
    if len(posts) > max_results:
        meta["next_token"] = page_token(page[-1].current_id)
    if token:  # every page but the first can go back
        meta["previous_token"] = page_token(page[0].current_id, previous=True)
    body: dict[str, Any] = {
        "data": [tweet_object(world, p, _fields(query, "tweet.fields")) for p in page],
        "meta": meta,
    }
    includes = _includes(world, page, query)
    if includes:
        body["includes"] = includes
    errors = _reference_errors(world, page, query)
    if errors:
        body["errors"] = errors
    return Response(200, body)


def _tweet_problem(world: _World, value: str) -> tuple[SandboxPost | None, dict | None]:
    post = world.post("x", value)
    if post is not None and world.visible(post):
        author = world.accounts[post.account]
        if author.status == PROTECTED:
            return None, _problem(
                "Authorization Error",
                f"Sorry, you are not authorized to see the Tweet with ids: [{value}].",
                value,
                "ids",
                "tweet",
            )
        return post, None
    return None, _problem(
        "Not Found Error", f"Could not find tweet with ids: [{value}].", value, "ids", "tweet"
    )


@route("GET", r"/2/tweets", "x.tweets")
def tweets(world: _World, match: re.Match[str], query: Query) -> Response:
    values = _split(query, "ids")
    if not values or len(values) > 100:
        return _many_users(world, values, "ids", query)  # the same "1 to 100 items" error
    found, errors = [], []
    for value in values:
        post, problem = _tweet_problem(world, value)
        if problem is not None:
            errors.append(problem)
        elif post is not None:
            found.append(post)
    body: dict[str, Any] = {}
    if found:
        body["data"] = [tweet_object(world, p, _fields(query, "tweet.fields")) for p in found]
        includes = _includes(world, found, query)
        if includes:
            body["includes"] = includes
        errors.extend(_reference_errors(world, found, query))
    if errors:
        body["errors"] = errors
    return Response(200, body)


@route("GET", r"/2/tweets/(?P<id>[0-9]+)", "x.tweet")
def tweet(world: _World, match: re.Match[str], query: Query) -> Response:
    post, problem = _tweet_problem(world, match.group("id"))
    if problem is not None:
        problem["parameter"] = "id"
        problem["detail"] = problem["detail"].replace("ids:", "id:")
        return Response(200, {"errors": [problem]})
    assert post is not None
    body: dict[str, Any] = {"data": tweet_object(world, post, _fields(query, "tweet.fields"))}
    includes = _includes(world, [post], query)
    if includes:
        body["includes"] = includes
    return Response(200, body)


class XApi(PlatformApi):
    prefix = "x."

    def __init__(self) -> None:
        self.routes = [
            users_by,
            user_by_username,
            user_tweets,
            user_by_id,
            users,
            tweets,
            tweet,
        ]

    def rate_limited(self, world: _World, fault: Any) -> Response:
        reset = int(time.time() + fault.seconds)
        return Response(
            429,
            {
                "title": "Too Many Requests",
                "detail": "Too Many Requests",
                "type": "about:blank",
                "status": 429,
            },
            {
                "x-rate-limit-limit": "900",
                "x-rate-limit-remaining": "0",
                "x-rate-limit-reset": str(reset),
            },
        )

    def limit_headers(self, world: _World, endpoint: str) -> dict[str, str]:
        """X sends its window on every answer: 900 requests per 15 minutes per endpoint."""
        return {
            "x-rate-limit-limit": "900",
            "x-rate-limit-remaining": str(max(0, 900 - world.counts[endpoint])),
            "x-rate-limit-reset": str(int(time.time()) + 900),
        }

    def server_error(self, world: _World) -> Response:
        return Response(
            500,
            {
                "title": "Internal Server Error",
                "detail": "Internal Server Error",
                "type": "about:blank",
                "status": 500,
            },
        )


API = XApi()
