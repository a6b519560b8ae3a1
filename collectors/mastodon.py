"""Mastodon through Mastodon.py: accounts by id on their home instance, statuses, look-ups.

Each account is read on its own instance (`https://INSTANCE`, from its `user@instance`
handle) unless `[platforms.mastodon] base_url` sends every request to one place (the
sandbox, or an organisation's own instance). Clients are built with
`ratelimit_method="throw"` so waits happen once, at the seam; a
`collectors.http.RewritingAdapter` on the shared session records the `X-RateLimit-*` headers,
whose ISO-8601 reset is what the seam waits for after a 429.

Platform facts the collector relies on (PLATFORMS.md): bios (`note`) and profile `fields`
are HTML and are read as text with their link targets kept; `statuses_count` includes
boosts; an edit leaves `statuses_count` alone, sets `edited_at`, and `status_history` lists
every version, original first; `statuses(ids)` (Mastodon 4.3+) leaves missing ids out, and
an instance without it answers 404, after which each id is asked alone (`status(id)` -> 404).

Timelines: the newest page (40) comes first, so a round with few new posts costs one call
and sees recent edits too; when that page does not reach back to the resume point, the gap
is walked forward from it with `min_id` (Link rel="prev") until it meets the newest page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import requests
from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

from collectors.base import (
    AccountRef,
    AccountUnavailable,
    Collector,
    Lookup,
    NormalisedPost,
    Profile,
    Referenced,
    Timeline,
    Version,
    reading,
)
from collectors.http import RewritingAdapter
from collectors.retry import ApiError, RetryHint, reset_from_iso_header
from socialaudit import platforms
from socialaudit.config import Settings
from socialaudit.models import AccountStatus, DeletionCause, PostKind
from socialaudit.stopping import interruptible_sleep

log = logging.getLogger(__name__)

PAGE_SIZE = 40  # Mastodon's largest statuses page
LOOKUP_BATCH = 20  # ids per statuses(ids) call
PLATFORM = platforms.get("mastodon")
LIMIT_HEADERS = PLATFORM.rate_limit_headers


# -- transform: raw Mastodon JSON -> store shapes (pure) -----------------------------------


def mention_name(href: str, home: str | None) -> str | None:
    """`user` or `user@server` from a mention's profile link (`https://server/@user`).

    The server is left out when it is the author's own (`home`), as Mastodon writes a local
    mention; a remote one is kept whole, since the h-card shows only `@user`.
    """
    parts = urlsplit(href)
    path = parts.path.rstrip("/")
    user = path.rsplit("/@", 1)[-1] if "/@" in path else None
    if user is None and "/users/" in path:
        user = path.rsplit("/users/", 1)[-1]
    if not user or "/" in user or not parts.hostname:
        return None
    if "@" in user:  # already whole (`/@user@server`, as some servers link remote users)
        return user
    return user if home and parts.hostname.lower() == home.lower() else f"{user}@{parts.hostname}"


class _HtmlText(HTMLParser):
    """Mastodon's HTML as the reader sees it; a link shows its target, not its shortened label.

    Hashtags keep their visible text (`#tag`); mentions are written whole (`@user` for the
    author's own server, `@user@server` for another); other links are written as their full
    `href` (Mastodon hides parts of long URLs in `invisible` spans) and listed. A quote's
    fallback paragraph (`<p class="quote-inline">RE: <link></p>`, which the server adds for
    clients that cannot show quotes) is left out: the quote is recorded as such.
    """

    def __init__(self, home: str | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.home = home
        self.parts: list[str] = []
        self.links: list[str] = []
        self._in_link = 0
        self._skip_p = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        if self._skip_p:
            self._skip_p += tag == "p"
            return
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p" and "quote-inline" in classes:
            self._skip_p = 1
        elif tag == "p" and self.parts:
            self.parts.append("\n\n")
        elif tag == "a":
            href = values.get("href") or ""
            if self._in_link:
                self._in_link += 1
            elif href and "mention" in classes and "hashtag" not in classes:
                name = mention_name(href, self.home)
                if name is not None:
                    self.parts.append(f"@{name}")
                    self._in_link = 1
            elif href and "mention" not in classes and "hashtag" not in classes:
                self.parts.append(href)
                self.links.append(href)
                self._in_link = 1

    def handle_endtag(self, tag: str) -> None:
        if self._skip_p:
            self._skip_p -= tag == "p"
        elif tag == "a" and self._in_link:
            self._in_link -= 1

    def handle_data(self, data: str) -> None:
        if not self._in_link and not self._skip_p:
            self.parts.append(data)


def html_to_text(html: str | None, home: str | None = None) -> tuple[str, list[str]]:
    """Mastodon HTML -> (plain text, link targets); `home` is the author's server."""
    parser = _HtmlText(home)
    parser.feed(html or "")
    parser.close()
    return "".join(parser.parts).strip(), parser.links


def home_server(account: dict[str, Any]) -> str | None:
    """The server an account lives on, from its profile URL (`https://server/@user`)."""
    return urlsplit(account.get("url") or "").hostname or None


def parse_time(value: str | datetime) -> datetime:
    if isinstance(value, datetime):
        moment = value
    else:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"a Mastodon time without a zone: {value!r}")
    return moment.astimezone(UTC)


def version_stamp(value: str | datetime) -> str:
    """A version key from a time (edited_at, or created_at for the original)."""
    return parse_time(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def transform_account(account: dict[str, Any], instance: str | None = None) -> Profile:
    """A Mastodon Account entity -> Profile; bio and fields as text, links kept.

    The handle is `user@instance` as registered: an instance gives its own users' `acct`
    without the domain, so the home instance is added back.
    """
    acct = account.get("acct") or account["username"]
    if "@" not in acct and instance:
        acct = f"{acct}@{instance}"
    home = home_server(account)
    bio, _ = html_to_text(account.get("note"), home)
    fields, url = [], None
    for item in account.get("fields") or []:
        value, links = html_to_text(item.get("value"), home)
        fields.append(
            {
                "name": item.get("name", ""),
                "value": value,
                "verified": bool(item.get("verified_at")),
            }
        )
        url = url or (links[0] if links else None)
    return Profile(
        platform_id=str(account["id"]),
        handle=acct,
        display_name=account.get("display_name") or None,
        bio=bio or None,
        url=url,
        fields=fields,
        post_count=account.get("statuses_count"),
        protected=False,  # `locked` gates followers, not the visibility of public posts
        raw={"account": account, "instance": instance},
    )


def account_problem(account: dict[str, Any]) -> AccountUnavailable | None:
    if account.get("suspended"):
        return AccountUnavailable(AccountStatus.SUSPENDED, "the account is suspended")
    return None


def _status_text(status: dict[str, Any], home: str | None = None) -> tuple[str, list[str]]:
    home = home or home_server(status.get("account") or {})
    text, links = html_to_text(status.get("content"), home)
    spoiler = status.get("spoiler_text") or ""
    return (f"{spoiler}\n\n{text}" if spoiler and text else spoiler or text), links


def poll_options(entity: dict[str, Any]) -> list[str] | None:
    """The poll's options as written (a Status or a StatusEdit), None without a poll."""
    poll = entity.get("poll")
    if not poll:
        return None
    return [str(option.get("title") or "") for option in poll.get("options") or []]


def _mention(mention: dict[str, Any], home: str | None) -> str:
    """A Mention entity as written in the text: `user` on the author's server, else whole.

    `acct` is relative to the server that answered, which need not be the author's.
    """
    name = mention_name(mention.get("url") or "", home)
    return name or mention.get("acct") or mention.get("username") or ""


def _referenced(status: dict[str, Any]) -> Referenced:
    text, _ = _status_text(status)
    account = status.get("account") or {}
    return Referenced(
        platform_id=str(status["id"]),
        author_id=str(account["id"]) if account.get("id") is not None else None,
        author_handle=account.get("acct"),
        url=status.get("url") or status.get("uri"),
        text=text,
        created_at=parse_time(status["created_at"]) if status.get("created_at") else None,
    )


def transform_status(
    status: dict[str, Any], history: Sequence[dict[str, Any]] | None = None
) -> NormalisedPost:
    """A Status entity (and, for an edited one, its `status_history`) -> NormalisedPost."""
    author = str(status["account"]["id"])
    created = parse_time(status["created_at"])
    key = version_stamp(status.get("edited_at") or status["created_at"])
    reblog = status.get("reblog")
    if reblog:
        return NormalisedPost(
            platform_id=str(status["id"]),
            author_id=author,
            created_at=created,
            url=reblog.get("url") or reblog.get("uri"),
            kind=PostKind.REPOST,
            repost_of_id=str(reblog["id"]),
            repost_of_account_id=str(reblog["account"]["id"]),
            version_key=key,
            referenced=[_referenced(reblog)],
            raw={"status": status},
        )
    text, links = _status_text(status)
    card = status.get("card") or {}
    if card.get("url") and card["url"] not in links:
        links.append(card["url"])
    quote = status.get("quote") or {}
    quoted = quote.get("quoted_status")
    quote_id = str(quoted["id"]) if quoted else None
    kind = PostKind.ORIGINAL
    if status.get("in_reply_to_id"):
        kind = PostKind.REPLY
    elif quote_id:
        kind = PostKind.QUOTE
    versions = [
        Version(
            key=version_stamp(v["created_at"]),
            text=_status_text(v)[0],
            created_at=parse_time(v["created_at"]),
            poll=poll_options(v),
        )
        for v in (history or [])[:-1]  # the last entry is the current text
    ]
    referenced = [_referenced(quoted)] if quoted else []
    return NormalisedPost(
        platform_id=str(status["id"]),
        author_id=author,
        created_at=created,
        text=text,
        url=status.get("url") or status.get("uri"),
        lang=status.get("language"),
        kind=kind,
        reply_to_id=str(status["in_reply_to_id"]) if status.get("in_reply_to_id") else None,
        reply_to_account_id=str(status["in_reply_to_account_id"])
        if status.get("in_reply_to_account_id")
        else None,
        quote_of_id=quote_id,
        links=links,
        mentions=[
            _mention(m, home_server(status["account"])) for m in status.get("mentions") or []
        ],
        hashtags=[t["name"] for t in status.get("tags") or []],
        media=[
            {
                "type": "video" if m.get("type") in ("video", "gifv") else m.get("type", "image"),
                "alt": m.get("description") or "",
            }
            for m in status.get("media_attachments") or []
        ],
        version_key=key,
        versions=versions,
        edited=status.get("edited_at") is not None,
        referenced=referenced,
        poll=poll_options(status),
        raw={"status": status, "history": list(history)} if history else {"status": status},
    )


# -- fetch: Mastodon.py behind the seam ----------------------------------------------------


class MastodonCollector(Collector):
    platform = PLATFORM.name
    profile_batch = 1  # accounts(ids) is recent and per instance: one account a call
    lookup_batch = LOOKUP_BATCH
    lookup_reposts = True  # a boost has its own status id
    reposts_counted = True  # statuses_count includes boosts

    def __init__(
        self, settings: Settings, *, sleep: Callable[[float], None] = interruptible_sleep
    ) -> None:
        super().__init__(settings, sleep=sleep)
        token = settings.secret("mastodon_access_token")
        self._token = token.get_secret_value() if token is not None else None
        self.session = requests.Session()
        self.adapter = RewritingAdapter(
            prefix="",
            base_url=None,
            timeout=self.config.timeout_seconds,
            limit_headers=LIMIT_HEADERS,
        )
        for scheme in ("http://", "https://"):
            self.session.mount(scheme, self.adapter)
        self.budget.rate_limits = self.adapter.limits
        self._clients: dict[str, Mastodon] = {}
        self._batch_lookup = True  # until an instance says statuses(ids) is unknown
        self._instances: set[str] = set()

    def classify(self, error: BaseException) -> RetryHint | None:  # type: ignore[override]
        if isinstance(error, MastodonRatelimitError):
            wait = reset_from_iso_header(
                {k.lower(): v for k, v in self.adapter.last_limits.items()}, "x-ratelimit-reset"
            )
            return RetryHint(wait=wait, rate_limited=True)
        if isinstance(error, MastodonNetworkError | MastodonServerError):
            return RetryHint()  # transport, time-out, 5xx
        if isinstance(error, MastodonNotFoundError | MastodonUnauthorizedError):
            return None
        if isinstance(error, MastodonAPIError) and "Could not parse" in str(error):
            return RetryHint()  # a truncated or malformed JSON body
        return None

    def client(self, instance: str | None) -> Mastodon:
        base = self.config.base_url or (f"https://{instance}" if instance else None)
        if base is None:
            raise ValueError("a Mastodon account needs an instance (user@instance)")
        if base not in self._clients:
            self._clients[base] = Mastodon(
                api_base_url=base,
                access_token=self._token,
                ratelimit_method="throw",
                request_timeout=self.config.timeout_seconds,
                session=self.session,
            )
        return self._clients[base]

    def _account(
        self, ref: AccountRef, endpoint: str, fn: Callable[[str], Any], arg: str
    ) -> Profile:
        try:
            account = self.seam.call(endpoint, fn, arg)
        except ApiError as error:
            if isinstance(error.cause, MastodonNotFoundError):
                status = AccountStatus.NOT_FOUND
                if endpoint == "account":  # an id that answered before
                    status = AccountStatus.DEACTIVATED
                raise AccountUnavailable(status, f"{arg}: not found on the instance") from None
            raise
        with reading(endpoint):
            problem = account_problem(account)
            if problem is not None:
                raise problem
            return transform_account(account, ref.instance)

    def resolve(self, account: AccountRef) -> Profile:
        client = self.client(account.instance)
        self._instances.add(account.instance or "")
        return self._account(account, "account_lookup", client.account_lookup, account.handle)

    def fetch_profiles(
        self, accounts: Sequence[AccountRef]
    ) -> dict[str, Profile | AccountUnavailable]:
        found: dict[str, Profile | AccountUnavailable] = {}
        for ref in accounts:
            if not ref.platform_id:
                continue
            self._instances.add(ref.instance or "")
            client = self.client(ref.instance)
            try:
                found[ref.platform_id] = self._account(
                    ref, "account", client.account, ref.platform_id
                )
            except AccountUnavailable as problem:
                found[ref.platform_id] = problem
        return found

    def _page(self, fn: Callable, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        try:
            page = self.seam.call("account_statuses", fn, *args, **kwargs)
        except ApiError as error:
            if isinstance(error.cause, MastodonNotFoundError):
                raise AccountUnavailable(
                    AccountStatus.DEACTIVATED, "not found on the instance"
                ) from None
            raise
        page = page or []
        self.budget.posts_read += len(page)
        return page

    def _normalise(self, client: Mastodon, status: dict[str, Any], known: bool) -> NormalisedPost:
        history = None
        if status.get("edited_at") and not status.get("reblog") and not known:
            # First sight of an edited post: its earlier texts are only in the history.
            history = self.seam.call("status_history", client.status_history, status["id"])
        post = transform_status(status, history)
        if not known and post.reply_to_account_id and post.reply_to_account_id != post.author_id:
            self._thread_context(client, post)
        return post

    def _thread_context(self, client: Mastodon, post: NormalisedPost) -> None:
        """A new reply to someone else: its conversation and the message it answers.

        A Mastodon status names only its parent's id, yet the thread rules need the words
        replied to (RSP502, RSP503) and which conversation the reply belongs to (RSP503). One
        `status_context` call per new reply to another account gives both: the first
        ancestor is the conversation's root, the last one the parent.
        """
        try:
            context = self.seam.call("status_context", client.status_context, post.platform_id)
        except ApiError as error:
            if isinstance(error.cause, MastodonNotFoundError):
                return  # gone since the timeline was read: the next sweep says so
            raise
        ancestors = (context or {}).get("ancestors") or []
        if not ancestors:
            return
        post.reply_root_id = post.conversation_id = str(ancestors[0]["id"])
        parent = ancestors[-1]
        if str(parent["id"]) == post.reply_to_id:
            post.referenced.append(_referenced(parent))

    def fetch_posts(
        self, account: AccountRef, *, known: Callable[[str], bool], max_pages: int
    ) -> Timeline:
        client = self.client(account.instance)
        timeline = Timeline(complete=False, since_id=account.since_id)
        seen: dict[str, dict[str, Any]] = {}
        since = int(account.since_id) if account.since_id else None
        page = self._page(client.account_statuses, account.platform_id, limit=PAGE_SIZE)
        timeline.pages = 1
        newest_page = page
        for status in page:
            seen[str(status["id"])] = status
        oldest = min((int(s["id"]) for s in page), default=None)
        if since is None:
            # First collection: page back in time until a known post or the end.
            while (
                len(page) == PAGE_SIZE
                and not any(known(str(s["id"])) for s in page)
                and timeline.pages < max_pages
            ):
                page = self._page(client.fetch_next, page)
                timeline.pages += 1
                for status in page:
                    seen[str(status["id"])] = status
            timeline.complete = len(page) < PAGE_SIZE or any(known(str(s["id"])) for s in page)
        elif oldest is not None and len(newest_page) == PAGE_SIZE and oldest > since:
            # More new posts than one page holds: walk forward from the resume point.
            page = self._page(
                client.account_statuses, account.platform_id, min_id=since, limit=PAGE_SIZE
            )
            timeline.pages += 1
            while page and timeline.pages < max_pages:
                for status in page:
                    seen[str(status["id"])] = status
                if len(page) < PAGE_SIZE or max(int(s["id"]) for s in page) >= oldest:
                    break
                page = self._page(client.fetch_previous, page)
                timeline.pages += 1
            timeline.complete = (
                not page or len(page) < PAGE_SIZE or (max(int(s["id"]) for s in page) >= oldest)
            )
        else:
            timeline.complete = True
        ordered = sorted(seen.values(), key=lambda s: int(s["id"]), reverse=True)
        for status in ordered:
            timeline.posts.append(self._normalise(client, status, known(str(status["id"]))))
        if ordered and (since is None or int(ordered[0]["id"]) > since):
            timeline.since_id = str(ordered[0]["id"])
        return timeline

    def lookup_posts(self, ids: Sequence[str]) -> Lookup:
        lookup = Lookup()
        instances = sorted(self._instances) if not self.config.base_url else [""]
        pending = list(ids)
        for instance in instances or [""]:
            if not pending:
                break
            client = self.client(instance or None)
            for status in self._lookup_on(client, pending):
                post = transform_status(status)
                lookup.found[post.platform_id] = post
            pending = [i for i in pending if i not in lookup.found]
        # Found on no instance the round read: gone (statuses(ids) and status(id) agree).
        for status_id in pending:
            lookup.missing[status_id] = DeletionCause.DELETED
        return lookup

    def _lookup_on(self, client: Mastodon, ids: list[str]) -> list[dict[str, Any]]:
        if self._batch_lookup:
            try:
                found = self.seam.call("statuses", client.statuses, ids) or []
                self.budget.posts_read += len(found)
                return list(found)
            except ApiError as error:
                if not isinstance(error.cause, MastodonNotFoundError):
                    raise
                log.info("mastodon: statuses(ids) unsupported here; asking one id at a time")
                self._batch_lookup = False
        found = []
        for status_id in ids:
            try:
                found.append(self.seam.call("status", client.status, status_id))
                self.budget.posts_read += 1
            except ApiError as error:
                if not isinstance(error.cause, MastodonNotFoundError):
                    raise
        return found

    @staticmethod
    def post_from_raw(raw: dict[str, Any]) -> NormalisedPost:
        return transform_status(raw["status"], raw.get("history"))

    @staticmethod
    def profile_from_raw(raw: dict[str, Any]) -> Profile:
        return transform_account(raw["account"], raw.get("instance"))

    def close(self) -> None:
        self.session.close()
