"""Every recorded real response through its client library and collector, with exact values.

The recordings live outside the repository (`tests/collectors/recorded.py` says where and
how they are replayed); the expected values are in `recorded_expected.py`, written by
reading each body. A recording without an entry there fails: a new one needs its values.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

import pytest

from collectors.base import AccountUnavailable, NormalisedPost, Profile
from collectors.runner import collector_class
from socialaudit.models import pack_payload, unpack_payload
from tests.collectors import recorded_expected
from tests.collectors.recorded import names, recorded_dir
from tests.collectors.replay import Replayed, replay

EXPECTED: dict[str, dict[str, Any]] = {
    **recorded_expected.X,
    **getattr(recorded_expected, "BLUESKY", {}),
    **getattr(recorded_expected, "MASTODON", {}),
}
PLATFORMS = ("x", "bluesky", "mastodon")
RECORDINGS = [n for n in names() if n.split("/")[0] in PLATFORMS] or ["(recordings absent)"]


def _post_value(post: NormalisedPost, name: str) -> Any:
    if name == "created_at":
        return post.created_at.isoformat()
    if name == "referenced":
        return [r.platform_id for r in post.referenced]
    if name == "versions":
        return [(v.text, v.created_at.isoformat() if v.created_at else None) for v in post.versions]
    return asdict(replace(post, raw=None))[name] if name != "kind" else str(post.kind)


def _check_post(name: str, post: NormalisedPost, fields: dict[str, Any]) -> None:
    for field, expected in fields.items():
        if field == "referenced_texts":
            texts = {r.platform_id: r.text for r in post.referenced}
            assert set(texts) == set(expected), f"{name} {post.platform_id}: referenced"
            for ref_id, prefix in expected.items():
                assert texts[ref_id].startswith(prefix), f"{name} {ref_id}: {texts[ref_id]!r}"
            continue
        actual = _post_value(post, field)
        assert actual == expected, f"{name} {post.platform_id}.{field}: {actual!r}"


def _check_profile(name: str, profile: Profile, fields: dict[str, Any]) -> None:
    for field, expected in fields.items():
        actual = getattr(profile, field)
        assert actual == expected, f"{name} {profile.platform_id}.{field}: {actual!r}"


def check(name: str, out: Replayed, expected: dict[str, Any]) -> None:
    if "error" in expected:
        assert out.error is not None, f"{name}: no error raised"
        text = str(out.error)
        assert "\n" not in text, f"{name}: the error is not one line: {text!r}"
        for fragment in expected["error"]:
            assert fragment in text, f"{name}: {text!r}"
    else:
        assert out.error is None, f"{name}: {out.error}"
    if "posts" in expected:
        assert len(out.posts) == expected["posts"], f"{name}: {len(out.posts)} posts"
    if "profiles" in expected:
        assert len(out.profiles) == expected["profiles"], f"{name}: {len(out.profiles)}"
    if "missing" in expected:
        assert out.missing == expected["missing"], f"{name}: missing {out.missing}"
    if "since_id" in expected:
        assert out.since_id == expected["since_id"]
    if "unavailable" in expected:
        unavailable = {
            k: str(v.status) for k, v in out.profiles.items() if isinstance(v, AccountUnavailable)
        }
        assert unavailable == expected["unavailable"], f"{name}: {unavailable}"
    if "value" in expected:
        assert expected["value"](out.value), f"{name}: {out.value!r}"
    for item_id, fields in expected.get("items", {}).items():
        if item_id in out.posts:
            _check_post(name, out.posts[item_id], fields)
        elif item_id in out.profiles:
            profile = out.profiles[item_id]
            assert isinstance(profile, Profile), f"{name} {item_id}: {profile}"
            _check_profile(name, profile, fields)
        else:
            raise AssertionError(f"{name}: {item_id} was not stored")


@pytest.mark.parametrize("name", RECORDINGS)
def test_recorded_response_is_stored_as_posted(name: str) -> None:
    recorded_dir()  # skips with the reason (fails in CI) when the recordings are absent
    assert name in EXPECTED, f"{name}: no expected values written for this recording"
    check(name, replay(name), EXPECTED[name])


def test_every_recording_has_expected_values() -> None:
    recorded_dir()
    assert len(names()) == 73
    assert sorted(EXPECTED) == [n for n in names() if n.split("/")[0] in PLATFORMS]


# Thread facts Mastodon's collector adds from `status_context` after the transform; the store
# keeps them when a later transform has none (`collectors.store._LEARNT_ONCE`).
_FROM_CONTEXT = ("reply_root_id", "conversation_id")


@pytest.mark.parametrize("name", RECORDINGS)
def test_the_kept_payload_gives_the_same_post_again(name: str) -> None:
    """What `reprocess` reads back (compressed and unpacked) is today's transform's input."""
    recorded_dir()
    out = replay(name)
    platform = name.split("/")[0]
    cls = collector_class(platform)
    for post in out.posts.values():
        assert post.raw is not None, f"{name} {post.platform_id}: no raw payload"
        again = cls.post_from_raw(unpack_payload(pack_payload(post.raw)))
        values, expected = again.post_values(), post.post_values()
        for column in _FROM_CONTEXT:
            if values[column] is None:
                values[column] = expected[column]
        assert values == expected, f"{name} {post.platform_id}"
        assert [(v.key, v.text, v.poll) for v in again.versions] == [
            (v.key, v.text, v.poll) for v in post.versions
        ]
        assert again.poll == post.poll
    for profile in out.profiles.values():
        if isinstance(profile, Profile):
            assert profile.raw is not None, f"{name} {profile.platform_id}: no raw payload"
            again_profile = cls.profile_from_raw(unpack_payload(pack_payload(profile.raw)))
            assert again_profile == profile, f"{name} {profile.platform_id}"
