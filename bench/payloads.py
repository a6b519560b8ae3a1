"""The kept payloads of real posts: their JSON and stored sizes, from the recorded responses.

The collection bench's sandbox posts are alike and close to the compression dictionary, so
they compress better than real ones. This reads the real responses in
`../shared/data/recorded/` (never copied into the repository; absent, it says so and stops),
runs each post through its platform's transform as the collectors do, and packs the payload
the transform attaches (`NormalisedPost.raw`) as the store does: median bytes of JSON, of
plain zlib and of what is stored (zlib with the preset dictionary), per platform. The derived
columns' size is given as the JSON of the post's values, for scale.

Run: `.venv/bin/python -m bench.payloads [--recorded DIR]`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import zlib
from pathlib import Path
from typing import Any

from collectors.base import NormalisedPost
from collectors.bluesky import transform_feed_item, transform_post_view
from collectors.mastodon import transform_status
from collectors.x import Includes, transform_tweet
from socialaudit.models import pack_payload

RECORDED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "recorded"


def posts_of(platform: str, body: Any) -> list[NormalisedPost]:
    """The posts a response body holds, transformed as the collector would."""
    if platform == "x" and isinstance(body, dict) and isinstance(body.get("data"), list):
        includes = Includes(body.get("includes"))
        return [transform_tweet(t, includes) for t in body["data"] if "text" in t]
    if platform == "bluesky" and isinstance(body, dict):
        if isinstance(body.get("feed"), list):
            return [transform_feed_item(item) for item in body["feed"]]
        if isinstance(body.get("posts"), list):
            return [transform_post_view(view) for view in body["posts"]]
    if platform == "mastodon" and isinstance(body, list):
        return [transform_status(s) for s in body if isinstance(s, dict) and "content" in s]
    return []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recorded", type=Path, default=RECORDED)
    args = parser.parse_args()
    if not args.recorded.is_dir():
        sys.exit(f"no recorded responses at {args.recorded}: nothing to measure")
    print("| platform | posts | JSON | plain zlib | stored | derived columns (JSON) |")
    print("|---|---:|---:|---:|---:|---:|")
    for platform in ("x", "bluesky", "mastodon"):
        sizes: list[tuple[int, int, int, int]] = []
        for path in sorted((args.recorded / platform).glob("*.json")):
            if path.name.endswith(".meta.json"):
                continue
            try:
                posts = posts_of(platform, json.loads(path.read_text(encoding="utf-8")))
            except (KeyError, TypeError, ValueError):
                continue  # an error body, or a shape the collectors do not store
            for post in posts:
                text = json.dumps(post.raw, ensure_ascii=False, separators=(",", ":")).encode()
                derived = json.dumps(post.post_values(), default=str, ensure_ascii=False)
                sizes.append(
                    (
                        len(text),
                        len(zlib.compress(text, 6)),
                        len(pack_payload(post.raw)),
                        len(derived),
                    )
                )
        if not sizes:
            continue
        medians = [statistics.median(s[i] for s in sizes) for i in range(4)]
        print(f"| {platform} | {len(sizes)} | " + " | ".join(f"{m:,.0f} B" for m in medians) + " |")


if __name__ == "__main__":
    main()
