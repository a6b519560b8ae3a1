"""Bluesky through the atproto SDK: profiles by DID, author feeds, batch post look-ups.

The public AppView (`https://public.api.bsky.app`) needs no login; `[platforms.bluesky]
base_url` points elsewhere (the sandbox in tests and the demo). An app-password login is
optional: `[platforms.bluesky] login` plus SOCIALAUDIT_BLUESKY_APP_PASSWORD (or its file).

Platform facts the collector relies on (PLATFORMS.md): `getProfiles` takes 25 actors and
leaves out those it cannot show, so each one left out is asked for alone to learn why
(`AccountDeactivated`, `AccountTakedown`, "Profile not found"); the author feed has no
`since`, so it is paged until a page holds a known post; `getPosts` takes 25 URIs and leaves
deleted posts out; `postsCount` leaves reposts out; a record rewritten in place keeps its
URI and gets a new CID, which is the version key. The transform functions below are pure:
raw AppView JSON in, the store's shapes out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from atproto import Client
from atproto_client.exceptions import (
    BadRequestError,
    NetworkError,
    RateLimitExceededError,
    RequestErrorBase,
    RequestException,
)
from atproto_client.models.utils import get_model_as_dict
from atproto_client.request import Request
from pydantic import ValidationError

from collectors.base import (
    AccountRef,
    AccountUnavailable,
    Collector,
    Lookup,
    NormalisedPost,
    Profile,
    Referenced,
    Timeline,
)
from collectors.retry import ApiError, RetryHint, seconds_until
from socialaudit import platforms
from socialaudit.config import Settings
from socialaudit.models import AccountStatus, DeletionCause, PostKind
from socialaudit.stopping import interruptible_sleep

log = logging.getLogger(__name__)

PLATFORM = platforms.get("bluesky")
PUBLIC_APPVIEW = "https://public.api.bsky.app"
PAGE_SIZE = 100

# XRPC error names -> the account status they prove.
_ACCOUNT_ERRORS = {
    "AccountDeactivated": AccountStatus.DEACTIVATED,
    "AccountTakedown": AccountStatus.SUSPENDED,
    "BlockedActor": AccountStatus.PROTECTED,
    "BlockedByActor": AccountStatus.PROTECTED,
}


# -- transform: raw AppView JSON -> store shapes (pure) ------------------------------------


def parse_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"a Bluesky time without a zone: {value!r}")
    return moment


def did_of(uri: str) -> str:
    """The repository (author) DID of an AT-URI."""
    return uri.removeprefix("at://").split("/", 1)[0]


def web_url(handle: str, uri: str) -> str:
    return PLATFORM.post_url(handle, uri) or ""


def transform_profile(view: dict[str, Any]) -> Profile:
    """app.bsky.actor.defs#profileViewDetailed -> Profile.

    A handle that no longer verifies reads `handle.invalid`; it is not a new handle, so it
    is given as empty (the store keeps the last good one).
    """
    handle = view["handle"]
    return Profile(
        platform_id=view["did"],
        handle="" if handle == "handle.invalid" else handle,
        display_name=view.get("displayName") or None,
        bio=view.get("description") or None,
        url=view.get("website") or None,
        fields=[],
        post_count=view.get("postsCount"),
        raw={"profile": view},
    )


def _facets(record: dict[str, Any]) -> tuple[list[str], list[str], list[str]]:
    """Links, mentions (handles as written) and tags; spans are UTF-8 byte offsets."""
    raw = record.get("text", "").encode()
    links, mentions, tags = [], [], []
    for facet in record.get("facets") or []:
        index = facet.get("index", {})
        span = raw[index.get("byteStart", 0) : index.get("byteEnd", 0)].decode(errors="replace")
        for feature in facet.get("features", []):
            kind = feature.get("$type", "")
            if kind.endswith("#link"):
                links.append(feature["uri"])
            elif kind.endswith("#mention"):
                mentions.append(span.lstrip("@") or feature["did"])
            elif kind.endswith("#tag"):
                tags.append(feature["tag"])
    tags.extend(t for t in record.get("tags") or [] if t not in tags)
    return links, mentions, tags


def _media(embed: dict[str, Any] | None) -> tuple[list[dict[str, Any]], list[str], str | None]:
    """Media (with alt text), link-card URIs and the quoted post's URI of a record's embed."""
    if not embed:
        return [], [], None
    kind = embed.get("$type", "")
    if kind == "app.bsky.embed.images":
        return [{"type": "image", "alt": i.get("alt", "")} for i in embed["images"]], [], None
    if kind == "app.bsky.embed.video":
        return [{"type": "video", "alt": embed.get("alt") or ""}], [], None
    if kind == "app.bsky.embed.external":
        external = embed["external"]
        return [], [external["uri"]], None
    if kind == "app.bsky.embed.record":
        return [], [], embed["record"]["uri"]
    if kind == "app.bsky.embed.recordWithMedia":
        media, links, _ = _media(embed.get("media"))
        return media, links, embed["record"]["record"]["uri"]
    return [], [], None


def _referenced_view(view: dict[str, Any] | None) -> Referenced | None:
    """A post view or embedded viewRecord as context; None for notFound/blocked/detached."""
    if not view or "uri" not in view or "author" not in view:
        return None
    record = view.get("record") or view.get("value") or {}
    author = view["author"]
    return Referenced(
        platform_id=view["uri"],
        author_id=author["did"],
        author_handle=author.get("handle"),
        url=web_url(author.get("handle") or author["did"], view["uri"]),
        text=record.get("text", ""),
        created_at=parse_time(record["createdAt"]) if record.get("createdAt") else None,
    )


def transform_post_view(
    view: dict[str, Any], reply_context: dict[str, Any] | None = None
) -> NormalisedPost:
    """app.bsky.feed.defs#postView (and a feed item's `reply`) -> NormalisedPost."""
    record = view["record"]
    author = view["author"]
    links, mentions, tags = _facets(record)
    media, card_links, quote_uri = _media(record.get("embed"))
    links.extend(link for link in card_links if link not in links)
    reply = record.get("reply")
    kind = PostKind.ORIGINAL
    if reply:
        kind = PostKind.REPLY
    elif quote_uri:
        kind = PostKind.QUOTE
    referenced: list[Referenced] = []
    for context in (reply_context or {}).get("parent"), (reply_context or {}).get("root"):
        ref = _referenced_view(context)
        if ref is not None and ref.author_id != author["did"]:
            referenced.append(ref)
    embed_view = view.get("embed") or {}
    quoted_view = embed_view.get("record")
    if quoted_view and embed_view.get("$type", "").startswith("app.bsky.embed.recordWithMedia"):
        quoted_view = quoted_view.get("record")
    ref = _referenced_view(quoted_view) if quote_uri else None
    if ref is not None and ref.author_id != author["did"]:
        referenced.append(ref)
    return NormalisedPost(
        platform_id=view["uri"],
        author_id=author["did"],
        created_at=parse_time(record["createdAt"]),
        text=record.get("text", ""),
        url=web_url(author["handle"], view["uri"]),
        lang=(record.get("langs") or [None])[0],
        kind=kind,
        reply_to_id=reply["parent"]["uri"] if reply else None,
        reply_to_account_id=did_of(reply["parent"]["uri"]) if reply else None,
        reply_root_id=reply["root"]["uri"] if reply else None,
        quote_of_id=quote_uri,
        conversation_id=reply["root"]["uri"] if reply else view["uri"],
        links=links,
        mentions=mentions,
        hashtags=tags,
        media=media,
        version_key=view["cid"],
        referenced=referenced,
        raw={"post": view, "reply": reply_context} if reply_context else {"post": view},
    )


def transform_feed_item(item: dict[str, Any]) -> NormalisedPost:
    """app.bsky.feed.defs#feedViewPost -> NormalisedPost (a repost becomes its own row)."""
    reason = item.get("reason") or {}
    if reason.get("$type") == "app.bsky.feed.defs#reasonRepost":
        original = item["post"]
        by = reason["by"]
        uri = reason.get("uri") or f"{original['uri']}#repost-by-{by['did']}"
        return NormalisedPost(
            platform_id=uri,
            author_id=by["did"],
            created_at=parse_time(reason["indexedAt"]),
            kind=PostKind.REPOST,
            repost_of_id=original["uri"],
            repost_of_account_id=original["author"]["did"],
            conversation_id=original["uri"],
            version_key=reason.get("cid"),
            counted=False,  # postsCount leaves reposts out
            referenced=[r for r in [_referenced_view(original)] if r is not None],
            raw={"feed_item": item},
        )
    post = transform_post_view(item["post"], item.get("reply"))
    post.raw = {"feed_item": item}
    return post


def from_raw(raw: dict[str, Any]) -> NormalisedPost:
    """A kept payload (a feed item, or a post view with its reply context) -> the post."""
    if "feed_item" in raw:
        return transform_feed_item(raw["feed_item"])
    return transform_post_view(raw["post"], raw.get("reply"))


# -- fetch: the SDK behind the seam ------------------------------------------------------


def _xrpc_error(error: BaseException) -> tuple[str, str]:
    response = getattr(error, "response", None)
    content = getattr(response, "content", None)
    return (getattr(content, "error", "") or "", getattr(content, "message", "") or "")


class BlueskyCollector(Collector):
    platform = PLATFORM.name
    profile_batch = 25
    lookup_batch = 25
    lookup_reposts = False  # getPosts takes post URIs only; a repost is checked by its original
    reposts_counted = False  # postsCount counts post records only

    def __init__(
        self, settings: Settings, *, sleep: Callable[[float], None] = interruptible_sleep
    ) -> None:
        super().__init__(settings, sleep=sleep)
        self.client = Client(
            base_url=self.config.base_url or PUBLIC_APPVIEW,
            request=Request(timeout=self.config.timeout_seconds),
        )
        password = settings.secret("bluesky_app_password")
        if self.config.login and password is not None:
            self.seam.call(
                "createSession",
                self.client.login,
                self.config.login,
                password.get_secret_value(),
                fetch_bsky_profile=False,
            )

    @staticmethod
    def classify(error: BaseException) -> RetryHint | None:
        if isinstance(error, RateLimitExceededError):
            wait = error.retry_after
            if wait is None:
                wait = seconds_until(error.reset_at)
            return RetryHint(wait=wait, rate_limited=True)
        if isinstance(error, NetworkError):  # transport, time-out, 502
            return RetryHint()
        if isinstance(error, RequestException) and not isinstance(error, BadRequestError):
            status = error.response.status_code if error.response is not None else 500
            return RetryHint() if status >= 500 else None
        if isinstance(error, ValueError) and not isinstance(error, ValidationError):
            return RetryHint()  # a truncated or malformed JSON body
        return None

    def _unavailable(self, error: ApiError, actor: str) -> AccountUnavailable | None:
        cause = error.cause
        if not isinstance(cause, RequestErrorBase) or isinstance(cause, RequestException):
            return None
        name, message = _xrpc_error(cause)
        if name in _ACCOUNT_ERRORS:
            return AccountUnavailable(_ACCOUNT_ERRORS[name], message or name)
        if isinstance(cause, BadRequestError) and "not found" in message.lower():
            return AccountUnavailable(AccountStatus.NOT_FOUND, f"{actor}: {message}")
        return None

    def _profile(self, actor: str) -> Profile:
        try:
            view = self.seam.call("getProfile", self.client.get_profile, actor)
        except ApiError as error:
            problem = self._unavailable(error, actor)
            if problem is not None:
                raise problem from None
            raise
        return transform_profile(get_model_as_dict(view))

    def resolve(self, account: AccountRef) -> Profile:
        return self._profile(account.handle)

    def _profiles(self, actors: list[str]) -> dict[str, Profile | AccountUnavailable]:
        """getProfiles for up to 25 actors (DIDs or handles), keyed by the actor as asked."""
        answer = self.seam.call("getProfiles", self.client.get_profiles, actors)
        found: dict[str, Profile | AccountUnavailable] = {}
        for view in answer.profiles:
            profile = transform_profile(get_model_as_dict(view))
            found[profile.platform_id] = found[profile.handle] = profile
        for actor in actors:
            if actor in found:
                continue
            try:  # left out of the batch: ask alone to learn why
                found[actor] = self._profile(actor)
            except AccountUnavailable as problem:
                found[actor] = problem
        return {actor: found[actor] for actor in actors}

    def resolve_many(
        self, accounts: Sequence[AccountRef]
    ) -> dict[int, Profile | AccountUnavailable]:
        found = self._profiles([a.handle for a in accounts])
        return {a.id: found[a.handle] for a in accounts}

    def fetch_profiles(
        self, accounts: Sequence[AccountRef]
    ) -> dict[str, Profile | AccountUnavailable]:
        return self._profiles([a.platform_id for a in accounts if a.platform_id])

    def fetch_posts(
        self, account: AccountRef, *, known: Callable[[str], bool], max_pages: int
    ) -> Timeline:
        actor = account.platform_id or account.handle
        timeline = Timeline(complete=False)
        cursor: str | None = None
        while timeline.pages < max_pages:
            try:
                page = self.seam.call(
                    "getAuthorFeed",
                    self.client.get_author_feed,
                    actor,
                    cursor=cursor,
                    filter="posts_with_replies",
                    limit=PAGE_SIZE,
                )
            except ApiError as error:
                problem = self._unavailable(error, actor)
                if problem is not None:
                    raise problem from None
                raise
            timeline.pages += 1
            reached_known = False
            for item in page.feed:
                raw = get_model_as_dict(item)
                post = transform_feed_item(raw)
                pinned = (raw.get("reason") or {}).get("$type", "").endswith("#reasonPin")
                if known(post.platform_id) and not pinned:
                    reached_known = True
                timeline.posts.append(post)
            cursor = page.cursor
            if reached_known or not cursor or not page.feed:
                timeline.complete = True
                break
        return timeline

    def lookup_posts(self, ids: Sequence[str]) -> Lookup:
        answer = self.seam.call("getPosts", self.client.get_posts, list(ids))
        lookup = Lookup()
        for view in answer.posts:
            post = transform_post_view(get_model_as_dict(view))
            lookup.found[post.platform_id] = post
        for uri in ids:
            if uri not in lookup.found:
                lookup.missing[uri] = DeletionCause.DELETED
        return lookup

    @staticmethod
    def post_from_raw(raw: dict[str, Any]) -> NormalisedPost:
        return from_raw(raw)

    @staticmethod
    def profile_from_raw(raw: dict[str, Any]) -> Profile:
        return transform_profile(raw["profile"])

    def close(self) -> None:
        self.client.request.close()
