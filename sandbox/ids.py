"""Identifiers shaped like the real platforms' ones, derived deterministically.

The collectors treat ids as opaque strings, but the atproto SDK validates DIDs, CIDs, TIDs and
AT-URIs when asked to (`strict_string_format`), and X and Mastodon ids sort by time. Making
them real-shaped here is what lets the tests say "the SDK parses every sandbox response".
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime

_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_X_EPOCH_MS = 1288834974657  # X's snowflake epoch


def _ms(moment: datetime) -> int:
    return int(moment.astimezone(UTC).timestamp() * 1000)


def x_snowflake(moment: datetime, sequence: int) -> str:
    """An X id: milliseconds since X's epoch, shifted, plus a sequence number."""
    return str(((_ms(moment) - _X_EPOCH_MS) << 22) | (sequence & 0x3FFFFF))


def mastodon_id(moment: datetime, sequence: int) -> str:
    """A Mastodon id: milliseconds since the Unix epoch shifted 16 bits, plus a sequence."""
    return str((_ms(moment) << 16) | (sequence & 0xFFFF))


def tid(moment: datetime, sequence: int) -> str:
    """An atproto record key (TID): 53 bits of microseconds and 10 of clock id, base32-sort."""
    micros = int(moment.astimezone(UTC).timestamp() * 1_000_000) + sequence
    value = (micros << 10) | (sequence & 0x3FF)
    chars = []
    for _ in range(13):
        chars.append(_TID_ALPHABET[value & 0x1F])
        value >>= 5
    return "".join(reversed(chars))


def did_plc(seed: str) -> str:
    """A did:plc identifier: 24 base32 characters."""
    digest = hashlib.sha256(seed.encode()).digest()
    return "did:plc:" + base64.b32encode(digest).decode().lower()[:24]


def cid_for(content: str) -> str:
    """A CIDv1 (dag-cbor, sha2-256) in base32, as the PDS gives a record of this content."""
    digest = hashlib.sha256(content.encode()).digest()
    raw = bytes([0x01, 0x71, 0x12, 0x20]) + digest
    return "b" + base64.b32encode(raw).decode().lower().rstrip("=")


def blob_cid(content: str) -> str:
    """A CIDv1 (raw, sha2-256) as the PDS gives an uploaded blob."""
    digest = hashlib.sha256(content.encode()).digest()
    raw = bytes([0x01, 0x55, 0x12, 0x20]) + digest
    return "b" + base64.b32encode(raw).decode().lower().rstrip("=")
