"""Helpers shared by the X and Mastodon collector tests: settings, counts, killed rounds."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from sandbox.world import World
from socialaudit.config import Settings, load_settings
from socialaudit.models import Account, Post
from tests.collectors.conftest import sandbox_environ

# Any non-placeholder token: the sandbox takes it, and the logs must never show it.
TOKEN = "sandbox-bearer-7f3a9c"


def environ(url: str, db_url: str, **overrides: str) -> dict[str, str]:
    return sandbox_environ(url, db_url, SOCIALAUDIT_X_BEARER_TOKEN=TOKEN, **overrides)


def settings_for(url: str, db_url: str, **overrides: str) -> Settings:
    return load_settings(environ=environ(url, db_url, **overrides))


def rows(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def post_by_text(engine: Engine, fragment: str) -> Post:
    with Session(engine) as session:
        return session.exec(select(Post).where(Post.text.contains(fragment))).one()


def post_by_id(engine: Engine, platform_id: str) -> Post:
    with Session(engine) as session:
        return session.exec(select(Post).where(Post.platform_id == platform_id)).one()


def account(engine: Engine, platform: str, handle: str) -> Account:
    with Session(engine) as session:
        return session.exec(
            select(Account).where(Account.platform == platform, Account.handle == handle)
        ).one()


def visible_posts(world: World, platform: str) -> int:
    return sum(
        len(world.timeline(a))
        for a in world.accounts.values()
        if a.platform == platform and a.person and a.status == "active"
    )


def replies_to_others(world: World, platform: str) -> int:
    """Visible replies by registered people to another account (Mastodon asks each's context)."""
    count = 0
    for post in world.posts.values():
        author = world.accounts[post.account]
        if post.platform != platform or not author.person or not world.visible(post):
            continue
        parent = world.post(platform, post.reply_to) if post.reply_to else None
        if parent is not None and parent.account != post.account:
            count += 1
    return count


def collect_in_subprocess(
    url: str, db_url: str, platform: str, world: World
) -> subprocess.Popen[bytes]:
    """`socialaudit collect` in its own process, patient enough to hang on a slow request."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALAUDIT_")}
    env |= environ(
        url, db_url, **{f"SOCIALAUDIT_PLATFORMS_{platform.upper()}_TIMEOUT_SECONDS": "120"}
    )
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from socialaudit.cli import main; main()",
            "collect",
            "--platform",
            platform,
            "--now",
            world.now.isoformat(),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def kill_when(proc: subprocess.Popen[bytes], world: World, endpoint: str, count: int) -> None:
    """SIGKILL the round once `endpoint` has been asked `count` times (no cleanup runs)."""
    deadline = time.monotonic() + 90
    while world.counts[endpoint] < count:
        assert proc.poll() is None, "the round finished before it could be killed"
        assert time.monotonic() < deadline, f"{endpoint} never reached {count} requests"
        time.sleep(0.05)
    proc.kill()
    proc.wait(timeout=30)
