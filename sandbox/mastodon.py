"""Mastodon REST endpoints in the documented entity shapes (Account, Status, StatusEdit).

As a Mastodon 4.3 server does: bios and posts are HTML; timelines page by `max_id`,
`since_id` and `min_id` with a `Link` header (`rel="next"` carries max_id, `rel="prev"`
min_id); an unknown or deleted account or status is 404 `{"error": "Record not found"}`; a
suspended account still answers with `suspended: true` and no statuses; `statuses?id[]=`
leaves out what it cannot show; `edited_at` is null until the first edit and
`/history` lists the versions oldest first.
"""

from __future__ import annotations

import html
import re
import time
from datetime import UTC, datetime
from typing import Any

from sandbox.server import PlatformApi, Query, Response, first, request_base, route
from sandbox.world import DEACTIVATED, PROTECTED, SUSPENDED, SandboxAccount, SandboxPost
from sandbox.world import World as _World


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{moment.microsecond // 1000:03d}Z"
    )


def _not_found() -> Response:
    return Response(404, {"error": "Record not found"})


def _html(world: _World, text: str) -> str:
    """Text to Mastodon's HTML: paragraphs, linked URLs, mentions and hashtags."""
    base = request_base()
    out = []
    for paragraph in text.split("\n\n"):
        escaped = html.escape(paragraph, quote=False)
        escaped = re.sub(
            r"https?://[^\s<>\"']+",
            lambda m: (
                f'<a href="{m.group(0)}" rel="nofollow noopener" target="_blank">'
                f'<span class="invisible">{m.group(0).split("//")[0]}//</span>'
                f"<span>{m.group(0).split('//', 1)[1]}</span></a>"
            ),
            escaped,
        )
        escaped = re.sub(
            r"(?<![\w#/])#(\w+)",
            lambda m: (
                f'<a href="{base}/tags/{m.group(1).lower()}" class="mention hashtag" rel="tag">'
                f"#<span>{m.group(1)}</span></a>"
            ),
            escaped,
        )
        escaped = re.sub(
            r"(?<![\w@/])@(\w+)(@[\w.-]+\w)?",
            lambda m: (
                f'<span class="h-card" translate="no"><a href="{base}/@{m.group(1)}" '
                f'class="u-url mention">@<span>{m.group(1)}</span></a></span>'
            ),
            escaped,
        )
        out.append("<p>" + escaped.replace("\n", "<br />") + "</p>")
    return "".join(out)


def account_entity(world: _World, account: SandboxAccount) -> dict[str, Any]:
    base = request_base()
    suspended = account.status == SUSPENDED
    last = world.timeline(account)
    entity: dict[str, Any] = {
        "id": account.id,
        "username": account.handle,
        "acct": account.handle,
        "display_name": "" if suspended else account.display_name,
        "locked": account.status == PROTECTED,
        "bot": False,
        "discoverable": True,
        "indexable": True,
        "group": False,
        "created_at": iso(account.created_at.replace(hour=0, minute=0, second=0, microsecond=0)),
        "note": "" if suspended else _html(world, account.bio),
        "url": f"{base}/@{account.handle}",
        "uri": f"{base}/users/{account.handle}",
        "avatar": f"{base}/avatars/original/missing.png",
        "avatar_static": f"{base}/avatars/original/missing.png",
        "header": f"{base}/headers/original/missing.png",
        "header_static": f"{base}/headers/original/missing.png",
        "followers_count": 0 if suspended else account.followers,
        "following_count": 0 if suspended else account.following,
        "statuses_count": 0 if suspended else world.post_count(account, reposts=True),
        "last_status_at": last[0].created_at.date().isoformat() if last and not suspended else None,
        "hide_collections": False,
        "noindex": False,
        "emojis": [],
        "roles": [],
        "fields": []
        if suspended
        else [
            {
                "name": name,
                "value": _html(world, value)[3:-4],
                # a link the server found linking back to the profile (an outsider's own
                # site, here) has been verified
                "verified_at": iso(account.created_at)
                if account.person is None and value.startswith("https://")
                else None,
            }
            for name, value in account.fields
        ],
        # fields a Mastodon 4.5/4.6 server adds to every account
        "avatar_description": "",
        "header_description": "",
        "show_media": True,
        "show_media_replies": True,
        "show_featured": True,
        "feature_approval": {"automatic": [], "manual": [], "current_user": "missing"},
    }
    if suspended:
        entity["suspended"] = True
        entity["limited"] = False
    return entity


def _media(world: _World, post: SandboxPost) -> list[dict[str, Any]]:
    base = request_base()
    out = []
    for n, media in enumerate(post.media):
        kind = "video" if media.get("type") == "video" else "image"
        ext = "mp4" if kind == "video" else "jpg"
        out.append(
            {
                "id": f"{post.id}{n}",
                "type": kind,
                "url": f"{base}/system/media_attachments/files/{post.id}{n}/original.{ext}",
                "preview_url": f"{base}/system/media_attachments/files/{post.id}{n}/small.jpg",
                "remote_url": None,
                "preview_remote_url": None,
                "text_url": None,
                "meta": {
                    "original": {"width": 1200, "height": 800, "size": "1200x800", "aspect": 1.5},
                    "small": {"width": 600, "height": 400, "size": "600x400", "aspect": 1.5},
                },
                "description": media.get("alt") or None,
                "blurhash": "UFG*|bof00Rj~qxuIUWB9FRjxuWB-;ofRjWB",
            }
        )
    return out


def _application(post: SandboxPost) -> dict[str, Any]:
    """The app a status was posted with: the web interface (no website) or a client's."""
    if int(post.id) % 2:
        return {"name": "Tusky", "website": "https://tusky.app"}
    return {"name": "Web", "website": None}


def status_entity(world: _World, post: SandboxPost) -> dict[str, Any]:
    base = request_base()
    account = world.accounts[post.account]
    original = world.post("mastodon", post.repost_of) if post.repost_of else None
    parent = world.post("mastodon", post.reply_to) if post.reply_to else None
    mentions = []
    for name in post.mentions:
        target = world.account_by_handle("mastodon", name.split("@")[0])
        if target is not None:
            mentions.append(
                {
                    "id": target.id,
                    "username": target.handle,
                    "url": f"{base}/@{target.handle}",
                    "acct": target.handle,
                }
            )
    entity: dict[str, Any] = {
        "id": post.id,
        "created_at": iso(post.created_at),
        "in_reply_to_id": parent.id if parent else None,
        "in_reply_to_account_id": world.accounts[parent.account].id if parent else None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": None if original else post.lang,
        "uri": f"{base}/users/{account.handle}/statuses/{post.id}",
        "url": None if original else f"{base}/@{account.handle}/{post.id}",
        "replies_count": sum(1 for p in world.posts.values() if p.reply_to == post.id),
        "reblogs_count": 0,
        "favourites_count": 0,
        "edited_at": iso(post.edited_at) if post.edited_at else None,
        "content": "" if original else _html(world, post.text),
        "reblog": status_entity(world, original) if original else None,
        "application": None if original else _application(post),
        "account": account_entity(world, account),
        "media_attachments": [] if original else _media(world, post),
        "mentions": [] if original else mentions,
        "tags": []
        if original
        else [{"name": t.lower(), "url": f"{base}/tags/{t.lower()}"} for t in post.tags],
        "emojis": [],
        "card": None,
        "poll": None,
        # what a Mastodon 4.5/4.6 server adds to every status
        "quotes_count": 0,
        "quote": None,
        "quote_approval": {
            "automatic": ["public"],
            "manual": [],
            "current_user": "automatic",
        },
        "tagged_collections": [],
    }
    if post.link_card and not original:
        entity["card"] = {
            "url": post.link_card["uri"],
            "title": post.link_card.get("title", ""),
            "description": post.link_card.get("description", ""),
            "type": "link",
            "author_name": "",
            "author_url": "",
            "provider_name": "",
            "provider_url": "",
            "html": "",
            "width": 0,
            "height": 0,
            "image": f"{base}/system/preview_cards/images/{post.id}/original.jpg",
            "embed_url": "",
            "blurhash": "UFG*|bof00Rj~qxuIUWB9FRjxuWB-;ofRjWB",
        }
    if post.quote_of:
        quoted = world.post("mastodon", post.quote_of)
        visible = quoted is not None and world.visible(quoted)
        entity["quote"] = {
            "state": "accepted" if visible else "deleted",
            "quoted_status": status_entity(world, quoted) if visible and quoted else None,
        }
    return entity


def _account(world: _World, account_id: str) -> SandboxAccount | None:
    account = world.account_by_id("mastodon", account_id)
    if account is None or account.status == DEACTIVATED:
        return None
    return account


@route("GET", r"/api/v1/accounts/lookup", "mastodon.account_lookup")
def account_lookup(world: _World, match: re.Match[str], query: Query) -> Response:
    acct = (first(query, "acct") or "").lstrip("@")
    account = world.account_by_handle("mastodon", acct)
    if account is None:
        account = world.account_by_handle("mastodon", acct.split("@")[0])
    if account is None or account.status == DEACTIVATED:
        return _not_found()
    return Response(200, account_entity(world, account))


@route("GET", r"/api/v1/accounts/(?P<id>[0-9]+)", "mastodon.account")
def account(world: _World, match: re.Match[str], query: Query) -> Response:
    found = _account(world, match.group("id"))
    if found is None:
        return _not_found()
    return Response(200, account_entity(world, found))


def _int(query: Query, name: str) -> int | None:
    value = first(query, name)
    return int(value) if value and value.isdigit() else None


@route("GET", r"/api/v1/accounts/(?P<id>[0-9]+)/statuses", "mastodon.account_statuses")
def account_statuses(world: _World, match: re.Match[str], query: Query) -> Response:
    found = _account(world, match.group("id"))
    if found is None:
        return _not_found()
    if found.status == SUSPENDED:
        return Response(200, [])
    limit = max(1, min(40, _int(query, "limit") or 20))
    posts = world.timeline(found)  # newest first
    if (first(query, "exclude_replies") or "").lower() == "true":
        posts = [p for p in posts if not p.reply_to]
    if (first(query, "exclude_reblogs") or "").lower() == "true":
        posts = [p for p in posts if not p.repost_of]
    if (first(query, "only_media") or "").lower() == "true":
        posts = [p for p in posts if p.media]
    max_id, since_id, min_id = _int(query, "max_id"), _int(query, "since_id"), _int(query, "min_id")
    if max_id is not None:
        posts = [p for p in posts if int(p.id) < max_id]
    if since_id is not None:
        posts = [p for p in posts if int(p.id) > since_id]
    if min_id is not None:
        posts = [p for p in posts if int(p.id) > min_id]
        page = list(reversed(list(reversed(posts))[:limit]))  # the page just after min_id
    else:
        page = posts[:limit]
    headers = {}
    if page:
        base = f"{request_base()}/api/v1/accounts/{found.id}/statuses"
        headers["Link"] = (
            f'<{base}?limit={limit}&max_id={page[-1].id}>; rel="next", '
            f'<{base}?limit={limit}&min_id={page[0].id}>; rel="prev"'
        )
    return Response(200, [status_entity(world, p) for p in page], headers)


def _status(world: _World, status_id: str) -> SandboxPost | None:
    post = world.post("mastodon", status_id)
    if post is None or not world.visible(post):
        return None
    if world.accounts[post.account].status == SUSPENDED:
        return None
    return post


@route("GET", r"/api/v1/statuses/(?P<id>[0-9]+)", "mastodon.status")
def status(world: _World, match: re.Match[str], query: Query) -> Response:
    post = _status(world, match.group("id"))
    return _not_found() if post is None else Response(200, status_entity(world, post))


@route("GET", r"/api/v1/statuses/(?P<id>[0-9]+)/history", "mastodon.status_history")
def status_history(world: _World, match: re.Match[str], query: Query) -> Response:
    post = _status(world, match.group("id"))
    if post is None:
        return _not_found()
    author = account_entity(world, world.accounts[post.account])
    versions = [*post.history, (post.edited_at or post.created_at, post.text)]
    return Response(
        200,
        [
            {
                "content": _html(world, text),
                "spoiler_text": "",
                "sensitive": False,
                "created_at": iso(at),
                "account": author,
                # a history version's media keep no description (alt text)
                "media_attachments": [m | {"description": None} for m in _media(world, post)],
                "emojis": [],
            }
            for at, text in versions
        ],
    )


@route("GET", r"/api/v1/statuses/(?P<id>[0-9]+)/context", "mastodon.status_context")
def status_context(world: _World, match: re.Match[str], query: Query) -> Response:
    """The visible thread around a status: ancestors oldest first, then descendants."""
    post = _status(world, match.group("id"))
    if post is None:
        return _not_found()
    ancestors: list[SandboxPost] = []
    parent = _status(world, post.reply_to) if post.reply_to else None
    while parent is not None:
        ancestors.insert(0, parent)
        parent = _status(world, parent.reply_to) if parent.reply_to else None
    descendants: list[SandboxPost] = []
    frontier = [post.id]
    while frontier:
        children = sorted(
            (
                p
                for p in world.posts.values()
                if p.platform == "mastodon" and p.reply_to in frontier and _status(world, p.id)
            ),
            key=lambda p: (p.created_at, p.id),
        )
        descendants.extend(children)
        frontier = [p.id for p in children]
    return Response(
        200,
        {
            "ancestors": [status_entity(world, p) for p in ancestors],
            "descendants": [status_entity(world, p) for p in descendants],
        },
    )


@route("GET", r"/api/v1/statuses", "mastodon.statuses")
def statuses(world: _World, match: re.Match[str], query: Query) -> Response:
    wanted = query.get("id[]", []) + query.get("id", [])
    found = [p for p in (_status(world, i) for i in wanted) if p is not None]
    return Response(200, [status_entity(world, p) for p in found])


class MastodonApi(PlatformApi):
    prefix = "mastodon."

    def __init__(self) -> None:
        self.routes = [
            account_lookup,
            account_statuses,
            account,
            status_history,
            status_context,
            status,
            statuses,
        ]

    def rate_limited(self, world: _World, fault: Any) -> Response:
        reset = datetime.fromtimestamp(time.time() + fault.seconds, UTC)
        return Response(
            429,
            {"error": "Too many requests"},
            {
                "X-RateLimit-Limit": "300",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": reset.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            },
        )

    def limit_headers(self, world: _World, endpoint: str) -> dict[str, str]:
        """Mastodon sends its window on every answer: 300 requests per 5 minutes."""
        reset = datetime.fromtimestamp(time.time() + 300, UTC)
        return {
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": str(max(0, 300 - world.calls(self.prefix))),
            "X-RateLimit-Reset": reset.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        }

    def server_error(self, world: _World) -> Response:
        return Response(500, {"error": "We're sorry, but something went wrong on our end."})


API = MastodonApi()
