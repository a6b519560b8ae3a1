"""The sandbox speaks the platforms' shapes, plays its script, injects faults and counts."""

from __future__ import annotations

import time

import pytest
import requests
from atproto import Client, models
from atproto_client.models.utils import get_or_create
from mastodon import Mastodon

from sandbox.seed import build_world, people_csv
from sandbox.server import Sandbox
from socialaudit.cli import app


def strict(data: dict, model: type) -> object:
    """Parse as the SDK does, plus its optional checks of DIDs, CIDs, handles, URIs, dates."""
    return get_or_create(data, model, strict=True, strict_string_format=True)


def _bluesky_responses(box: Sandbox) -> int:
    """Fetch and strictly parse every Bluesky endpoint for every Bluesky account."""
    parsed = 0
    base = f"{box.url}/xrpc"
    world = box.world
    dids = [a.id for a in world.accounts.values() if a.platform == "bluesky"]
    for did in dids:
        response = requests.get(f"{base}/app.bsky.actor.getProfile", params={"actor": did})
        if response.status_code == 400:
            assert response.json()["error"] in {"AccountDeactivated", "AccountTakedown"}
            continue
        strict(response.json(), models.AppBskyActorDefs.ProfileViewDetailed)
        cursor = None
        uris = []
        while True:
            params = {"actor": did, "limit": 4, "filter": "posts_with_replies"}
            if cursor:
                params["cursor"] = cursor
            body = requests.get(f"{base}/app.bsky.feed.getAuthorFeed", params=params).json()
            feed = strict(body, models.AppBskyFeedGetAuthorFeed.Response)
            uris += [item.post.uri for item in feed.feed]
            parsed += len(feed.feed)
            cursor = feed.cursor
            if not cursor:
                break
        for start in range(0, len(uris), 25):
            body = requests.get(
                f"{base}/app.bsky.feed.getPosts", params={"uris": uris[start : start + 25]}
            ).json()
            strict(body, models.AppBskyFeedGetPosts.Response)
        body = requests.get(
            f"{base}/com.atproto.repo.listRecords",
            params={"repo": did, "collection": "app.bsky.feed.post", "limit": 100},
        ).json()
        records = strict(body, models.ComAtprotoRepoListRecords.Response)
        for record in records.records:
            strict(record.value, models.AppBskyFeedPost.Record)
    body = requests.get(f"{base}/app.bsky.actor.getProfiles", params={"actors": dids[:25]}).json()
    strict(body, models.AppBskyActorGetProfiles.Response)
    return parsed


def test_the_sdk_parses_every_bluesky_response_strictly_throughout_the_script(sandbox) -> None:
    assert _bluesky_responses(sandbox) > 30
    for _ in range(4):  # edits, deletions, handle change, deactivation, reactivation
        sandbox.world.advance(days=3)
        assert _bluesky_responses(sandbox) > 30


def test_bluesky_facets_use_utf8_byte_offsets(sandbox) -> None:
    client = Client(base_url=sandbox.url)
    hugo = sandbox.world.accounts["bluesky:hugo"]
    feed = client.get_author_feed(hugo.id, limit=100).feed
    post = next(item.post for item in feed if "Neuer Bericht" in item.post.record.text)
    raw = post.record.text.encode()
    spans = {
        raw[f.index.byte_start : f.index.byte_end].decode(): f.features[0].py_type
        for f in post.record.facets
    }
    assert spans == {
        "@kemi-a.sandbox.test": "app.bsky.richtext.facet#mention",
        "#Asyl": "app.bsky.richtext.facet#tag",
    }
    assert post.embed.external.uri.endswith("/documents/asylum/")


def test_the_world_has_the_people_and_accounts_the_brief_asks_for() -> None:
    world = build_world()
    registered = [a for a in world.accounts.values() if a.person]
    assert len(world.people) >= 12
    assert len(registered) >= 20
    assert {a.platform for a in registered} == {"x", "bluesky", "mastodon"}


def test_the_script_plays_lifecycle_events_as_the_clock_moves(sandbox) -> None:
    world = sandbox.world
    grace = world.accounts["bluesky:grace"]
    before = requests.get(
        f"{sandbox.url}/xrpc/app.bsky.actor.getProfile", params={"actor": grace.id}
    ).json()
    assert before["handle"] == "grace-kim.sandbox.test"
    answer = requests.post(f"{sandbox.url}/_sandbox/advance", params={"days": 2, "hours": 1})
    assert "Grace changes her Bluesky handle" in " ".join(answer.json()["events"])
    after = requests.get(
        f"{sandbox.url}/xrpc/app.bsky.actor.getProfile", params={"actor": grace.id}
    ).json()
    assert after["handle"] == "gracekim.sandbox.test"
    assert after["did"] == before["did"]
    with pytest.raises(ValueError):
        world.advance(hours=-1)


def test_faults_per_endpoint_with_each_platforms_rate_limit_headers(sandbox) -> None:
    world, url = sandbox.world, sandbox.url
    did = world.accounts["bluesky:ana"].id
    world.inject("bluesky.getProfile", "429", times=1, seconds=30)
    limited = requests.get(f"{url}/xrpc/app.bsky.actor.getProfile", params={"actor": did})
    assert limited.status_code == 429
    assert int(limited.headers["ratelimit-reset"]) >= int(time.time()) + 29
    assert limited.headers["ratelimit-remaining"] == "0"
    ok = requests.get(f"{url}/xrpc/app.bsky.actor.getProfile", params={"actor": did})
    assert ok.status_code == 200

    x_id = world.accounts["x:ana"].id
    requests.post(f"{url}/_sandbox/faults", params={"endpoint": "x.user_by_id", "kind": "429"})
    limited = requests.get(f"{url}/2/users/{x_id}")
    assert limited.status_code == 429 and "x-rate-limit-reset" in limited.headers
    world.inject("mastodon.account", "429")
    m_id = world.accounts["mastodon:ana"].id
    limited = requests.get(f"{url}/api/v1/accounts/{m_id}")
    assert limited.status_code == 429 and "T" in limited.headers["X-RateLimit-Reset"]

    world.inject("x.tweets", "500", times=2)
    assert requests.get(f"{url}/2/tweets", params={"ids": "1"}).status_code == 500
    assert requests.get(f"{url}/2/tweets", params={"ids": "1"}).status_code == 500
    assert requests.get(f"{url}/2/tweets", params={"ids": "1"}).status_code == 200

    world.inject("mastodon.account_lookup", "malformed")
    broken = requests.get(f"{url}/api/v1/accounts/lookup", params={"acct": "ana"})
    with pytest.raises(ValueError):
        broken.json()

    world.inject("bluesky.getProfiles", "slow", seconds=0.5)
    with pytest.raises(requests.Timeout):
        requests.get(f"{url}/xrpc/app.bsky.actor.getProfiles", params={"actors": did}, timeout=0.2)

    counts = requests.get(f"{url}/_sandbox/state").json()["counts"]
    assert counts["bluesky.getProfile"] == 2
    assert counts["x.tweets"] == 3
    assert world.calls("x.") == 4
    with pytest.raises(ValueError):
        world.inject("x.tweets", "teapot")


def test_x_endpoints_follow_the_v2_shapes(sandbox) -> None:
    world, url = sandbox.world, sandbox.url
    ana = world.accounts["x:ana"]
    for n in range(3):
        world.add_post("x:ana", f"Extra post {n} #Rights https://www.amnesty.org/en/")
    user = requests.get(
        f"{url}/2/users/by/username/ana_lima_sbx",
        params={"user.fields": "description,public_metrics,protected,url,entities,created_at"},
    ).json()["data"]
    assert user["id"] == ana.id and user["public_metrics"]["tweet_count"] > 0
    assert set(requests.get(f"{url}/2/users/{ana.id}").json()["data"]) == {
        "id",
        "name",
        "username",
    }
    page = requests.get(
        f"{url}/2/users/{ana.id}/tweets",
        params={"max_results": 5, "tweet.fields": "created_at,referenced_tweets"},
    ).json()
    assert page["meta"]["result_count"] == 5 and "next_token" in page["meta"]
    newest = page["meta"]["newest_id"]
    quiet = requests.get(f"{url}/2/users/{ana.id}/tweets", params={"since_id": newest}).json()
    assert quiet == {"meta": {"result_count": 0}}
    missing = requests.get(f"{url}/2/tweets", params={"ids": f"{newest},12345"}).json()
    assert [t["id"] for t in missing["data"]] == [newest]
    assert missing["errors"][0]["title"] == "Not Found Error"
    assert missing["errors"][0]["detail"] == "Could not find tweet with ids: [12345]."
    world.set_status("x:ana", "protected")
    hidden = requests.get(f"{url}/2/tweets", params={"ids": newest}).json()
    assert "data" not in hidden and hidden["errors"][0]["title"] == "Authorization Error"
    world.set_status("x:ana", "suspended")
    gone = requests.get(f"{url}/2/users/{ana.id}").json()
    assert gone["errors"][0]["title"] == "Forbidden"


def test_mastodon_py_reads_the_mastodon_endpoints(sandbox) -> None:
    api = Mastodon(api_base_url=sandbox.url, request_timeout=5)
    ana = api.account_lookup("ana@social.example")
    assert ana.statuses_count > 0 and "Amnesty" in ana.note
    first_page = api.account_statuses(ana.id, limit=2)
    second_page = api.fetch_next(first_page)
    assert len(first_page) == 2 and second_page
    assert second_page[0].id < first_page[-1].id
    # Walking forward in time from an old status, as a collector resumes with min_id.
    hugo = api.account_lookup("hugo@social.example")
    everything = api.account_statuses(hugo.id, limit=40)
    assert len(everything) == hugo.statuses_count == 9
    oldest = everything[-1]
    newer = api.account_statuses(hugo.id, min_id=oldest.id, limit=2)
    assert [s.id for s in newer] == [everything[-3].id, everything[-2].id]
    newest = api.fetch_previous(newer)
    assert [s.id for s in newest] == [everything[-5].id, everything[-4].id]
    sandbox.world.advance(hours=3)  # Luca's edit
    luca = api.account_lookup("luca@social.example")
    edited = next(s for s in api.account_statuses(luca.id) if s.edited_at)
    history = api.status_history(edited.id)
    assert len(history) == 2 and "Tuesday" in history[-1].content
    found = api.statuses([edited.id, "1"])
    assert [s.id for s in found] == [edited.id]


def test_people_csv_imports_into_the_registry(runner, cli_env, tmp_path) -> None:
    result = runner.invoke(app, ["sandbox", "people-csv"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "people.csv"
    path.write_text(result.output)
    assert people_csv(build_world()) == result.output
    imported = runner.invoke(app, ["people", "import", str(path)])
    assert imported.exit_code == 0, imported.output
    listed = runner.invoke(app, ["accounts", "list"])
    assert "24 accounts" in listed.output
    again = runner.invoke(app, ["people", "import", str(path)])
    assert again.exit_code == 0 and "24 accounts" in runner.invoke(app, ["accounts", "list"]).output


def test_every_rule_has_a_post_that_fires_and_a_hard_negative() -> None:
    from checks.registry import all_rules
    from sandbox.seed import rule_examples

    world = build_world()
    world.advance(days=21)  # every scripted post exists
    examples = rule_examples(world)
    codes = {rule.code for rule in all_rules()}
    assert {code for code, fires, _, _ in examples if fires} == codes
    assert {code for code, fires, _, _ in examples if not fires} == codes
    by_code = {(code, fires): post for code, fires, _, post in examples}
    # The lifecycle behind the mistake rule: one deleted for good, one deleted then corrected.
    assert by_code[("MST801", True)].deleted_at is not None
    assert by_code[("MST801", False)].deleted_at is not None
    assert any(
        p.text.startswith("Correction: the report says 300")
        for p in world.timeline(world.accounts["x:chloe"])
    )


def test_tweepy_reads_the_x_endpoints_through_a_transport_adapter(sandbox) -> None:
    import tweepy
    from requests.adapters import HTTPAdapter

    class ToSandbox(HTTPAdapter):
        def send(self, request, **kwargs):
            request.url = request.url.replace("https://api.twitter.com", sandbox.url, 1)
            return super().send(request, **kwargs)

    client = tweepy.Client(bearer_token="sandbox-bearer", return_type=dict)
    client.session.mount("https://api.twitter.com", ToSandbox())
    user = client.get_user(
        username="elena_g_sbx", user_fields=["description", "public_metrics", "protected"]
    )["data"]
    assert user["public_metrics"]["tweet_count"] == 5
    fields = ["created_at", "entities", "referenced_tweets", "in_reply_to_user_id", "lang"]
    pages = list(
        tweepy.Paginator(client.get_users_tweets, user["id"], max_results=5, tweet_fields=fields)
    )
    tweets = [t for page in pages for t in page.get("data", [])]
    assert len(tweets) == 5 and tweets[0]["created_at"].endswith("Z")
    luca = client.get_user(username="luca_r_sbx")["data"]
    timeline = client.get_users_tweets(
        luca["id"],
        max_results=100,
        tweet_fields=fields,
        expansions=["referenced_tweets.id", "referenced_tweets.id.author_id"],
    )
    reply = next(t for t in timeline["data"] if t["text"].startswith("That's not true"))
    assert reply["referenced_tweets"][0]["type"] == "replied_to"
    hostile = {t["id"]: t for t in timeline["includes"]["tweets"]}[
        reply["referenced_tweets"][0]["id"]
    ]
    assert "disgrace" in hostile["text"]
    assert {u["username"] for u in timeline["includes"]["users"]} >= {"loud_critic_sbx"}
    looked_up = client.get_tweets(ids=[reply["id"], "1234"])
    assert [t["id"] for t in looked_up["data"]] == [reply["id"]]
    assert looked_up["errors"][0]["title"] == "Not Found Error"
    sandbox.world.inject("x.user_by_username", "429", seconds=5)
    try:
        client.get_user(username="elena_g_sbx")
    except tweepy.TooManyRequests as limited:
        assert int(limited.response.headers["x-rate-limit-reset"]) > time.time()
    else:
        raise AssertionError("the injected 429 did not reach tweepy")


def test_socialaudit_sandbox_serves_until_stopped() -> None:
    import os
    import socket
    import subprocess
    import sys

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALAUDIT_")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from socialaudit.cli import main; main()",
            "sandbox",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                state = requests.get(f"{url}/_sandbox/state", timeout=1).json()
                break
            except requests.ConnectionError:
                assert proc.poll() is None, proc.stderr.read()
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert state["now"] == "2026-11-02T09:00:00+00:00"
        moved = requests.post(f"{url}/_sandbox/advance", params={"days": 1}).json()
        assert moved["now"] == "2026-11-03T09:00:00+00:00" and moved["events"]
        assert requests.get(f"{url}/2/users/by/username/ana_lima_sbx").json()["data"]["id"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    busy = subprocess.run(
        [
            sys.executable,
            "-c",
            "from socialaudit.cli import main; main()",
            "sandbox",
            "--port",
            "0",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert busy.returncode == 2 and "--port: expected 1-65535, got 0" in busy.stderr


def test_the_cli_moves_a_running_sandbox_and_injects_faults(sandbox, runner) -> None:
    moved = runner.invoke(app, ["sandbox", "advance", "--url", sandbox.url, "--hours", "2.5"])
    assert moved.exit_code == 0, moved.output
    assert "Luca edits a Mastodon post" in moved.output
    assert "sandbox clock: 2026-11-02T11:30:00+00:00" in moved.output
    faulted = runner.invoke(
        app, ["sandbox", "fault", "x.tweets", "500", "--url", sandbox.url, "--times", "2"]
    )
    assert faulted.exit_code == 0 and len(sandbox.world.faults["x.tweets"]) == 1
    unknown = runner.invoke(app, ["sandbox", "fault", "x.nothing", "500", "--url", sandbox.url])
    assert unknown.exit_code == 2 and "unknown endpoint 'x.nothing'" in unknown.output
    teapot = runner.invoke(app, ["sandbox", "fault", "x.tweets", "418", "--url", sandbox.url])
    assert teapot.exit_code == 2 and "fault kind must be one of" in teapot.output
    nobody = runner.invoke(
        app, ["sandbox", "advance", "--url", "http://127.0.0.1:9", "--hours", "1"]
    )
    assert nobody.exit_code == 2 and "no sandbox answers at http://127.0.0.1:9" in nobody.output


def test_a_long_x_post_comes_whole_in_note_tweet(sandbox) -> None:
    jonas = sandbox.world.accounts["x:jonas"]
    page = requests.get(
        f"{sandbox.url}/2/users/{jonas.id}/tweets",
        params={"max_results": 100, "tweet.fields": "note_tweet"},
    ).json()
    long_post = next(t for t in page["data"] if "note_tweet" in t)
    assert len(long_post["note_tweet"]["text"]) > 280
    assert long_post["text"].endswith("…") and len(long_post["text"]) <= 280


def test_sandbox_config_is_a_valid_configuration(runner, tmp_path) -> None:
    from socialaudit.config import load_settings

    printed = runner.invoke(app, ["sandbox", "config", "--url", "http://127.0.0.1:8811"])
    assert printed.exit_code == 0, printed.output
    path = tmp_path / "socialaudit.toml"
    path.write_text(printed.output)
    settings = load_settings(path, environ={})
    assert settings.platforms.bluesky.base_url == "http://127.0.0.1:8811"
    assert settings.politics[0].candidates == ["Jordan Vale"]
    assert settings.embargoes[0].lifts_at.isoformat() == "2026-11-11T09:00:00+00:00"
    assert settings.pending_positions[0].keywords
