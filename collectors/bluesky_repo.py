"""A Bluesky repository export as posts: a CAR file, or a DID read record by record.

A CAR file (`com.atproto.sync.getRepo`, or the app's "Export my data") is read with the
atproto SDK's reader (`atproto_core.car.CAR`, on libipld). The SDK has no walker for the
repository's Merkle Search Tree, so `walk_mst` below is one: from the signed commit (the CAR
root) to the tree's root node, left subtree first, then each entry (key = the previous key's
first `p` bytes + `k`, value = the record's CID) and its right subtree. Keys are
`collection/rkey`, so each record gets its AT-URI back.

For a DID, `com.atproto.repo.listRecords` on `[platforms.bluesky] base_url` (the account's
PDS) pages through `app.bsky.feed.post` and `app.bsky.feed.repost`, through the SDK.

Records become posts through the live collector's own transform (`transform_post_view`),
so an imported post and a collected one are the same row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from atproto import CAR, Client
from atproto_client.models.utils import get_model_as_dict
from atproto_client.request import Request
from atproto_core.cid import CID
from atproto_core.exceptions import InvalidCARFile

from collectors.base import NormalisedPost
from collectors.bluesky import PUBLIC_APPVIEW, parse_time, transform_post_view
from collectors.importing import ArchiveRead
from socialaudit.config import Settings
from socialaudit.errors import UsageError
from socialaudit.models import PostKind

POST = "app.bsky.feed.post"
REPOST = "app.bsky.feed.repost"


@dataclass
class RepoRecord:
    uri: str
    cid: str
    value: dict[str, Any]


def _cid(link: Any) -> str:
    """A CID link as libipld decodes it (raw bytes) or as a CID object -> its string form."""
    if isinstance(link, bytes):
        return str(CID.from_decoded_bytes(link))
    return str(link)


def walk_mst(blocks: dict[str, Any], node_cid: str) -> Iterator[tuple[str, str]]:
    """(key, record CID) of every entry under the MST node, in key order."""
    stack: list[tuple[str, int, bytes]] = [(node_cid, -1, b"")]
    seen: set[str] = set()
    # Explicit stack instead of recursion: a deep tree must not hit the recursion limit.
    while stack:
        cid, index, last = stack.pop()
        node = blocks.get(cid)
        if node is None:
            raise UsageError(f"the repository export is incomplete: no block {cid}")
        if not isinstance(node, dict):
            raise UsageError(f"the repository export is malformed: block {cid} is no tree node")
        entries = node.get("e") or []
        if index == -1:
            if cid in seen:  # CIDs are not re-hashed on reading: a crafted file can loop
                raise UsageError(f"the repository export is malformed: node {cid} repeats")
            seen.add(cid)
            stack.append((cid, 0, b""))
            if node.get("l"):
                stack.append((_cid(node["l"]), -1, b""))
            continue
        if index >= len(entries):
            continue
        entry = entries[index]
        key = last[: entry["p"]] + entry["k"]
        stack.append((cid, index + 1, key))
        if entry.get("t"):
            stack.append((_cid(entry["t"]), -1, b""))
        yield key.decode(), _cid(entry["v"])


_RECORD_KEY = re.compile(r"[a-zA-Z0-9.-]{1,128}/[A-Za-z0-9._:~-]{1,512}")
# What a malformed block (a field of the wrong type, a missing key) raises as it is read.
_MALFORMED = (KeyError, IndexError, TypeError, ValueError, AttributeError, OverflowError)


def read_car(data: bytes) -> tuple[str, list[RepoRecord]]:
    """The repository's DID and its post and repost records, from CAR bytes."""
    try:
        car = CAR.from_bytes(data)
    except (InvalidCARFile, *_MALFORMED) as exc:
        raise UsageError(f"not a CAR file: {str(exc)[:200]!r}") from None
    try:
        return _records(car)
    except _MALFORMED as exc:
        what = f"no {exc}" if isinstance(exc, KeyError) else str(exc)[:200]
        raise UsageError(f"the repository export is malformed ({what!r})") from None
    except RecursionError:
        raise UsageError("the repository export is nested too deeply") from None


def records_as_posts(
    records: list[RepoRecord], did: str, handle: str | None
) -> list[NormalisedPost]:
    """Every record through `transform_record`; a malformed one is one UsageError."""
    posts = []
    for record in records:
        try:
            posts.append(transform_record(record, did, handle))
        except _MALFORMED as exc:
            what = f"no {exc}" if isinstance(exc, KeyError) else str(exc)[:200]
            raise UsageError(f"record {record.uri[:200]!r}: malformed ({what!r})") from None
    return posts


def _records(car: Any) -> tuple[str, list[RepoRecord]]:
    blocks = {str(cid): block for cid, block in car.blocks.items()}
    commit = blocks.get(str(car.root))
    if not isinstance(commit, dict) or "did" not in commit or "data" not in commit:
        raise UsageError("the CAR file's root is not a repository commit")
    did = commit["did"]
    if not isinstance(did, str) or not did.startswith("did:") or len(did) > 128:
        raise UsageError(f"the CAR file's commit names no DID (got {str(did)[:60]!r})")
    records = []
    for key, cid in walk_mst(blocks, _cid(commit["data"])):
        # A record key is collection/rkey in a small character set (the AT-URI it becomes is
        # a post's platform id, at most 255 characters).
        if not _RECORD_KEY.fullmatch(key) or len(f"at://{did}/{key}") > 255:
            raise UsageError(f"the repository export is malformed: record key {key[:80]!r}")
        collection = key.split("/", 1)[0]
        if collection not in (POST, REPOST):
            continue
        value = blocks.get(cid)
        if not isinstance(value, dict):
            raise UsageError(f"the repository export is incomplete: no record {key}")
        records.append(RepoRecord(f"at://{did}/{key}", cid, value))
    return did, records


def list_records(settings: Settings, did: str) -> list[RepoRecord]:
    """Every post and repost record of `did`, from its PDS, through the SDK."""
    config = settings.platforms.bluesky
    client = Client(
        base_url=config.base_url or PUBLIC_APPVIEW,
        request=Request(timeout=config.timeout_seconds),
    )
    records = []
    try:
        for collection in (POST, REPOST):
            cursor = None
            while True:
                page = client.com.atproto.repo.list_records(
                    {"repo": did, "collection": collection, "limit": 100, "cursor": cursor}
                )
                for record in page.records:
                    value = get_model_as_dict(record.value)
                    records.append(RepoRecord(record.uri, record.cid, value))
                cursor = page.cursor
                if not cursor or not page.records:
                    break
    finally:
        client.request.close()
    return records


def transform_record(record: RepoRecord, did: str, handle: str | None = None) -> NormalisedPost:
    """A repository record -> NormalisedPost, as the live collector would store it."""
    if record.value.get("$type") == REPOST or record.uri.split("/")[3] == REPOST:
        subject = record.value.get("subject") or {}
        original = subject.get("uri", "")
        return NormalisedPost(
            platform_id=record.uri,
            author_id=did,
            created_at=parse_time(record.value["createdAt"]),
            kind=PostKind.REPOST,
            repost_of_id=original or None,
            repost_of_account_id=original.removeprefix("at://").split("/", 1)[0] or None,
            conversation_id=original or None,
            version_key=record.cid,
            counted=False,
        )
    view = {
        "uri": record.uri,
        "cid": record.cid,
        "author": {"did": did, "handle": handle or did},
        "record": record.value,
    }
    return transform_post_view(view)


def read_repo_file(path: Path, max_bytes: int | None = None) -> tuple[str, list[RepoRecord]]:
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    if max_bytes is not None and path.stat().st_size > max_bytes:
        raise UsageError(
            f"{path}: over the limit of {max_bytes // (1024 * 1024)} MiB; refused "
            "(raise [imports] max_uncompressed_mb if the export is genuine)"
        )
    try:
        return read_car(path.read_bytes())
    except UsageError as exc:
        raise UsageError(f"{path}: {exc}") from None


def repo_import(settings: Settings, source: str) -> ArchiveRead:
    """`socialaudit import bluesky-repo SOURCE`: a CAR file, or a DID whose records are read
    from its PDS; the platform registry's reader for this format."""
    from atproto_client.exceptions import AtProtocolError

    if source.startswith("did:"):
        try:
            records = list_records(settings, source)
        except AtProtocolError as exc:
            raise UsageError(f"{source}: the PDS refused listRecords ({exc})") from None
        did = source
    else:
        limit = settings.imports.max_uncompressed_mb
        did, records = read_repo_file(Path(source), max_bytes=limit * 1024 * 1024)
    return ArchiveRead(source, did, None, lambda handle: records_as_posts(records, did, handle))
