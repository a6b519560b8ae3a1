"""X through tweepy (API v2): users in batches of 100, timelines by since_id, tweet look-ups.

The client is `tweepy.Client(bearer_token=..., return_type=dict, wait_on_rate_limit=False)`:
raw JSON in, and rate-limit waits left to the seam (which reads the reset from tweepy's
`TooManyRequests`). tweepy fixes its host and sends without a time-out, so a
`collectors.http.RewritingAdapter` mounted on `client.session` redirects
`https://api.twitter.com` to `[platforms.x] base_url` when set, applies
`timeout_seconds`, and records the `x-rate-limit-*` headers of every response.

Platform facts the collector relies on (PLATFORMS.md): `public_metrics.tweet_count` is the
cheap trigger and counts retweets; timelines take `since_id` (exclusive) and pages of at most
100; a deleted post does not raise: `get_tweets` answers 200 with an `errors[]` entry ("Not
Found Error"; "Authorization Error" when the author is protected); an edit is a new id
appended to `edit_history_tweet_ids`, so a post is the chain's first id and the version key
its newest. X bills reads per post returned: the round's `posts_read` is that figure.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import requests
import tweepy

from collectors.base import (
    AccountRef,
    AccountUnavailable,
    Collector,
    Lookup,
    NormalisedPost,
    Profile,
    Referenced,
    Timeline,
    reading,
)
from collectors.http import mount
from collectors.retry import ApiError, RetryHint, seconds_until
from socialaudit import platforms
from socialaudit.config import Settings
from socialaudit.errors import ConfigError
from socialaudit.models import AccountStatus, DeletionCause, PostKind
from socialaudit.stopping import interruptible_sleep

log = logging.getLogger(__name__)
# tweepy logs request headers, bearer token included, at DEBUG: never let them through.
logging.getLogger("tweepy.client").setLevel(logging.INFO)

X_API = "https://api.twitter.com"
PAGE_SIZE = 100
PLATFORM = platforms.get("x")
LIMIT_HEADERS = PLATFORM.rate_limit_headers
USER_FIELDS = ["description", "url", "public_metrics", "protected", "created_at", "entities"]
TWEET_FIELDS = [
    "created_at",
    "lang",
    "author_id",
    "conversation_id",
    "in_reply_to_user_id",
    "referenced_tweets",
    "entities",
    "attachments",
    "edit_history_tweet_ids",
    "public_metrics",
    "note_tweet",
]
EXPANSIONS = ["attachments.media_keys", "referenced_tweets.id", "referenced_tweets.id.author_id"]
MEDIA_FIELDS = ["alt_text", "type", "url"]
_X_EPOCH_MS = 1288834974657


# -- transform: raw API v2 JSON -> store shapes (pure) -------------------------------------


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def snowflake_time(tweet_id: str) -> datetime:
    """When an X id was minted, in whole seconds as the API's `created_at` gives it.

    The first id of an edit chain is when the post was made; the API's `created_at` of a
    version is the same moment truncated to the second (true of every recorded tweet).
    """
    return datetime.fromtimestamp(((int(tweet_id) >> 22) + _X_EPOCH_MS) // 1000, UTC)


# A post's permalink in any form X has written it: twitter.com or x.com, a username or
# `i` / `i/web`, optionally `/photo/N` or `/video/N` for one of its media.
_PERMALINK = re.compile(
    r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(?:i/web|i|[A-Za-z0-9_]{1,15})"
    r"/status(?:es)?/(?P<id>[0-9]+)(?P<media>/(?:photo|video)/[0-9]+)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)


def permalink_id(url: str) -> str | None:
    """The post id a permalink points at (None when the URL is not a post's permalink)."""
    match = _PERMALINK.match(url or "")
    return match.group("id") if match else None


def _own_link(url: dict[str, Any], own: set[str], quoted: str | None) -> bool:
    """Whether a URL entity is the post's own media, a link to itself, or its quote.

    X appends such links to the text (`…/status/<id>/photo/1`, `…/i/web/status/<id>` after
    a cut long text, the quoted post's permalink); they are not links the author wrote.
    """
    if url.get("media_key"):
        return True
    target = permalink_id(url.get("expanded_url") or "")
    return target is not None and (target in own or target == quoted)


def status_url(tweet_id: str, username: str | None = None) -> str:
    return PLATFORM.post_url(username or "", tweet_id) or ""


def _expanded_url(user: dict[str, Any]) -> str | None:
    urls = ((user.get("entities") or {}).get("url") or {}).get("urls") or []
    if urls:
        return urls[0].get("expanded_url") or urls[0].get("url")
    return user.get("url") or None


def _expand(
    text: str, entities: dict[str, Any], own: set[str] | None = None, quoted: str | None = None
) -> str:
    """t.co links written out; the post's own media, self and quote links taken out."""
    cut = False
    for url in entities.get("urls") or []:
        if not url.get("url"):
            continue
        if own is not None and _own_link(url, own, quoted):
            text = text.replace(url["url"], "")
            cut = True
        elif url.get("expanded_url"):
            text = text.replace(url["url"], url["expanded_url"])
    return text.rstrip() if cut else text


def tweet_text(tweet: dict[str, Any]) -> str:
    """The text as written: a long post's `note_tweet`, HTML entities decoded.

    X escapes `&`, `<` and `>` in post text (`&amp;`), never in bios or names.
    """
    return html.unescape((tweet.get("note_tweet") or {}).get("text") or tweet.get("text", ""))


def transform_user(user: dict[str, Any]) -> Profile:
    """A v2 user object (with USER_FIELDS) -> Profile; t.co links in the bio expanded."""
    description = _expand(
        user.get("description") or "", (user.get("entities") or {}).get("description") or {}
    )
    return Profile(
        platform_id=user["id"],
        handle=user["username"],
        display_name=user.get("name") or None,
        bio=description or None,
        url=_expanded_url(user),
        post_count=(user.get("public_metrics") or {}).get("tweet_count"),
        protected=bool(user.get("protected")),
        raw={"user": user},
    )


class Includes:
    """The `includes` of a response, indexed: media by key, tweets and users by id."""

    def __init__(self, includes: dict[str, Any] | None) -> None:
        includes = includes or {}
        self.media = {m["media_key"]: m for m in includes.get("media") or []}
        self.tweets = {t["id"]: t for t in includes.get("tweets") or []}
        self.users = {u["id"]: u for u in includes.get("users") or []}

    def username(self, user_id: str | None) -> str | None:
        user = self.users.get(user_id or "")
        return user.get("username") if user else None

    def of(self, tweet: dict[str, Any], tweet_ids: list[str]) -> dict[str, Any]:
        """The part of the includes that `transform_tweet` reads for this tweet.

        Kept with the tweet as its raw payload: the whole `includes` of a page would repeat
        a hundred tweets' media and authors in every post's payload.
        """
        tweets = [self.tweets[i] for i in dict.fromkeys(tweet_ids) if i in self.tweets]
        authors = [tweet.get("author_id"), *(t.get("author_id") for t in tweets)]
        keys = (tweet.get("attachments") or {}).get("media_keys") or []
        part: dict[str, Any] = {
            "media": [self.media[k] for k in keys if k in self.media],
            "tweets": tweets,
            "users": [self.users[a] for a in dict.fromkeys(authors) if a in self.users],
        }
        return {name: items for name, items in part.items() if items}


def _referenced(tweet: dict[str, Any], includes: Includes) -> Referenced:
    author = tweet.get("author_id")
    chain = tweet.get("edit_history_tweet_ids") or [tweet["id"]]
    entities = (tweet.get("note_tweet") or {}).get("entities") or tweet.get("entities") or {}
    quoted = {r["type"]: r["id"] for r in tweet.get("referenced_tweets") or []}.get("quoted")
    return Referenced(
        platform_id=chain[0],
        author_id=author,
        author_handle=includes.username(author),
        url=status_url(chain[0], includes.username(author)),
        text=_expand(tweet_text(tweet), entities, {tweet["id"], *chain}, quoted),
        created_at=parse_time(tweet["created_at"]) if tweet.get("created_at") else None,
    )


def transform_tweet(tweet: dict[str, Any], includes: Includes | None = None) -> NormalisedPost:
    """A v2 tweet object (with TWEET_FIELDS and EXPANSIONS) -> NormalisedPost.

    The post is the edit chain's first id; its version key the newest; a retweet is its own
    row (kind repost, no text of its own) pointing at the original; long posts take their
    text from `note_tweet`; t.co links are expanded in the text and listed in `links`.
    """
    includes = includes or Includes(None)
    chain = tweet.get("edit_history_tweet_ids") or [tweet["id"]]
    note = tweet.get("note_tweet") or {}
    entities = note.get("entities") or tweet.get("entities") or {}
    refs = {r["type"]: r["id"] for r in tweet.get("referenced_tweets") or []}
    author = tweet.get("author_id", "")
    kind = PostKind.ORIGINAL
    if "retweeted" in refs:
        kind = PostKind.REPOST
    elif "replied_to" in refs:
        kind = PostKind.REPLY
    elif "quoted" in refs:
        kind = PostKind.QUOTE
    own = {tweet["id"], *chain}
    links = [
        u["expanded_url"]
        for u in entities.get("urls") or []
        if u.get("expanded_url") and not _own_link(u, own, refs.get("quoted"))
    ]
    links = list(dict.fromkeys(links))  # one entity per occurrence: a link written twice
    media = []
    for key in (tweet.get("attachments") or {}).get("media_keys") or []:
        item = includes.media.get(key, {})
        video = item.get("type") in ("video", "animated_gif")
        media.append({"type": "video" if video else "image", "alt": item.get("alt_text") or ""})
    referenced = [
        _referenced(includes.tweets[i], includes) for i in refs.values() if i in includes.tweets
    ]
    referenced = [r for r in referenced if r.author_id != author]
    text = _expand(tweet_text(tweet), entities, own, refs.get("quoted"))
    original = includes.tweets.get(refs.get("retweeted", ""), {})
    # A version's created_at is when that version was written; the post was made when its
    # chain's first id was (the id's time, in the API's whole seconds).
    if len(chain) == 1 and tweet.get("created_at"):
        created = parse_time(tweet["created_at"])
    else:
        first = includes.tweets.get(chain[0], {}).get("created_at")
        created = parse_time(first) if first else snowflake_time(chain[0])
    # An edited post is its chain's first id, also where X names it by a later one (an
    # edited root's conversation_id is its newest id).
    conversation = tweet.get("conversation_id")
    if conversation in chain:
        conversation = chain[0]
    return NormalisedPost(
        platform_id=chain[0],
        author_id=author,
        created_at=created,
        text="" if kind == PostKind.REPOST else text,
        url=status_url(chain[0], includes.username(author)),
        lang=tweet.get("lang"),
        kind=kind,
        reply_to_id=refs.get("replied_to"),
        reply_to_account_id=tweet.get("in_reply_to_user_id"),
        reply_root_id=conversation if "replied_to" in refs else None,
        quote_of_id=refs.get("quoted"),
        repost_of_id=refs.get("retweeted"),
        repost_of_account_id=original.get("author_id"),
        conversation_id=conversation,
        links=[] if kind == PostKind.REPOST else links,
        mentions=[m["username"] for m in entities.get("mentions") or []],
        hashtags=[h["tag"] for h in entities.get("hashtags") or []],
        media=media,
        version_key=chain[-1],
        edited=len(chain) > 1,
        referenced=referenced,
        raw={"tweet": tweet, "includes": includes.of(tweet, [*refs.values(), chain[0]])},
    )


def user_problem(error: dict[str, Any], *, by_id: bool) -> AccountUnavailable:
    """An `errors[]` entry about a user -> what it proves about the account."""
    title = error.get("title", "")
    detail = error.get("detail") or title
    if title == "Authorization Error":
        return AccountUnavailable(AccountStatus.PROTECTED, detail)
    if title == "Forbidden" or "suspended" in detail.lower():
        return AccountUnavailable(AccountStatus.SUSPENDED, detail)
    # An id that answered before and is now "not found" is a deactivated account; a
    # username never seen is simply not found.
    status = AccountStatus.DEACTIVATED if by_id else AccountStatus.NOT_FOUND
    return AccountUnavailable(status, detail)


def tweet_cause(error: dict[str, Any]) -> DeletionCause:
    """An `errors[]` entry about a tweet -> why it cannot be seen."""
    title = error.get("title", "")
    if title == "Not Found Error":
        return DeletionCause.DELETED
    if title == "Authorization Error":
        return DeletionCause.ACCOUNT_PROTECTED
    if "suspended" in (error.get("detail") or "").lower():
        return DeletionCause.ACCOUNT_SUSPENDED
    return DeletionCause.UNKNOWN_ERROR


# -- fetch: tweepy behind the seam ---------------------------------------------------------


class XCollector(Collector):
    platform = PLATFORM.name
    profile_batch = 100
    lookup_batch = 100
    lookup_reposts = True  # a retweet has its own id that get_tweets answers for
    reposts_counted = True  # tweet_count includes retweets

    def __init__(
        self, settings: Settings, *, sleep: Callable[[float], None] = interruptible_sleep
    ) -> None:
        super().__init__(settings, sleep=sleep)
        token = settings.secret("x_bearer_token")
        if token is None:
            raise ConfigError(
                "platforms.x: no bearer token; set SOCIALAUDIT_X_BEARER_TOKEN or "
                "platforms.x.bearer_token_file, or set [platforms.x] enabled = false"
            )
        self.client = tweepy.Client(
            bearer_token=token.get_secret_value(), return_type=dict, wait_on_rate_limit=False
        )
        self.adapter = mount(
            self.client.session,
            prefix=X_API,
            base_url=self.config.base_url,
            timeout=self.config.timeout_seconds,
            limit_headers=LIMIT_HEADERS,
        )
        self.budget.rate_limits = self.adapter.limits

    @staticmethod
    def classify(error: BaseException) -> RetryHint | None:
        if isinstance(error, tweepy.TooManyRequests):
            reset = getattr(error, "reset_time", None)
            return RetryHint(wait=seconds_until(reset), rate_limited=True)
        if isinstance(error, tweepy.TwitterServerError):
            return RetryHint()
        if isinstance(error, requests.RequestException | ValueError):
            return RetryHint()  # transport, time-out, truncated or malformed JSON
        return None

    def _read(self, answer: dict[str, Any]) -> None:
        data = answer.get("data")
        count = len(data) if isinstance(data, list) else int(data is not None)
        self.budget.posts_read += count + len((answer.get("includes") or {}).get("tweets") or [])

    def _call(self, endpoint: str, fn: Callable[..., dict[str, Any]], *args: Any, **kw: Any):
        answer = self.seam.call(endpoint, fn, *args, **kw)
        if not isinstance(answer, dict):
            raise ApiError(endpoint, ValueError("the response is not a JSON object"))
        return answer

    def resolve(self, account: AccountRef) -> Profile:
        answer = self._call(
            "get_user",
            self.client.get_user,
            username=account.handle.lstrip("@"),
            user_fields=USER_FIELDS,
        )
        if answer.get("data"):
            with reading("get_user"):
                return transform_user(answer["data"])
        errors = answer.get("errors") or [{"title": "Not Found Error", "detail": account.handle}]
        raise user_problem(errors[0], by_id=False)

    def resolve_many(
        self, accounts: Sequence[AccountRef]
    ) -> dict[int, Profile | AccountUnavailable]:
        """Up to 100 handles in one `get_users(usernames=...)` call."""
        names = {a.handle.lstrip("@").lower(): a.id for a in accounts}
        answer = self._call(
            "get_users", self.client.get_users, usernames=list(names), user_fields=USER_FIELDS
        )
        found: dict[int, Profile | AccountUnavailable] = {}
        with reading("get_users"):
            for user in answer.get("data") or []:
                if user["username"].lower() in names:
                    found[names[user["username"].lower()]] = transform_user(user)
            for error in answer.get("errors") or []:
                key = str(error.get("value") or error.get("resource_id") or "").lower()
                if key in names:
                    found[names[key]] = user_problem(error, by_id=False)
        return found

    def fetch_profiles(
        self, accounts: Sequence[AccountRef]
    ) -> dict[str, Profile | AccountUnavailable]:
        ids = [a.platform_id for a in accounts if a.platform_id]
        answer = self._call("get_users", self.client.get_users, ids=ids, user_fields=USER_FIELDS)
        found: dict[str, Profile | AccountUnavailable] = {}
        with reading("get_users"):
            for user in answer.get("data") or []:
                found[user["id"]] = transform_user(user)
            for error in answer.get("errors") or []:
                user_id = str(error.get("resource_id") or error.get("value") or "")
                if user_id in ids and user_id not in found:
                    found[user_id] = user_problem(error, by_id=True)
        return found

    def fetch_posts(
        self, account: AccountRef, *, known: Callable[[str], bool], max_pages: int
    ) -> Timeline:
        user_id = account.platform_id or ""
        timeline = Timeline(complete=False, since_id=account.since_id)
        token: str | None = None
        while timeline.pages < max_pages:
            params: dict[str, Any] = {
                "max_results": PAGE_SIZE,
                "tweet_fields": TWEET_FIELDS,
                "expansions": EXPANSIONS,
                "media_fields": MEDIA_FIELDS,
                "user_fields": ["username"],
            }
            if account.since_id:
                params["since_id"] = account.since_id
            if token:
                params["pagination_token"] = token
            answer = self._call("get_users_tweets", self.client.get_users_tweets, user_id, **params)
            timeline.pages += 1
            self._read(answer)
            if "data" not in answer and answer.get("errors"):
                raise user_problem(answer["errors"][0], by_id=True)
            includes = Includes(answer.get("includes"))
            for tweet in answer.get("data") or []:
                timeline.posts.append(transform_tweet(tweet, includes))
                newest = tweet["id"]
                if timeline.since_id is None or int(newest) > int(timeline.since_id):
                    timeline.since_id = newest
            token = (answer.get("meta") or {}).get("next_token")
            if not token:
                timeline.complete = True
                break
        return timeline

    def lookup_posts(self, ids: Sequence[str]) -> Lookup:
        answer = self._call(
            "get_tweets",
            self.client.get_tweets,
            list(ids),
            tweet_fields=TWEET_FIELDS,
            expansions=EXPANSIONS,
            media_fields=MEDIA_FIELDS,
        )
        self._read(answer)
        includes = Includes(answer.get("includes"))
        lookup = Lookup()
        wanted = set(ids)
        for tweet in answer.get("data") or []:
            post = transform_tweet(tweet, includes)
            # Asked by any id of the chain (the stored first id); answered under the same.
            for asked in {post.platform_id, tweet["id"], *tweet.get("edit_history_tweet_ids", [])}:
                if asked in wanted:
                    lookup.found[asked] = post
        for error in answer.get("errors") or []:
            tweet_id = str(error.get("resource_id") or error.get("value") or "")
            if tweet_id in wanted and tweet_id not in lookup.found:
                lookup.missing[tweet_id] = tweet_cause(error)
        return lookup

    @staticmethod
    def post_from_raw(raw: dict[str, Any]) -> NormalisedPost:
        return transform_tweet(raw["tweet"], Includes(raw.get("includes")))

    @staticmethod
    def profile_from_raw(raw: dict[str, Any]) -> Profile:
        return transform_user(raw["user"])

    def close(self) -> None:
        self.client.session.close()
