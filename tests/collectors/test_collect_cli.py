"""`socialaudit collect` as a user runs it, against the sandbox."""

from __future__ import annotations

from sandbox.seed import people_csv
from socialaudit.cli import app
from tests.collectors.conftest import sandbox_environ


def test_collect_command_runs_a_round_and_reports_it(
    runner, cli_env, sandbox, tmp_path, monkeypatch
) -> None:
    for key, value in sandbox_environ(sandbox.url, cli_env["SOCIALAUDIT_DATABASE_URL"]).items():
        monkeypatch.setenv(key, value)
    csv = tmp_path / "people.csv"
    csv.write_text(people_csv(sandbox.world))
    assert runner.invoke(app, ["people", "import", str(csv)]).exit_code == 0
    now = sandbox.world.now.isoformat()
    result = runner.invoke(app, ["collect", "--platform", "bluesky", "--now", now])
    assert result.exit_code == 0, result.output
    assert "bluesky" in result.output and " ok " in result.output
    again = runner.invoke(
        app, ["collect", "--person", "Kemi Adeyemi", "--platform", "bluesky", "--now", now]
    )
    assert again.exit_code == 0, again.output


def test_collect_refuses_bad_input_with_one_line(runner, cli_env) -> None:
    bad_now = runner.invoke(app, ["collect", "--platform", "bluesky", "--now", "yesterday"])
    assert bad_now.exit_code == 2
    assert "--now: expected an ISO date and time, got 'yesterday'" in bad_now.output
    nobody = runner.invoke(app, ["collect", "--person", "Nobody Here"])
    assert nobody.exit_code == 2 and "no registered person called 'Nobody Here'" in nobody.output


def test_collect_exits_3_when_a_round_is_incomplete_and_keeps_what_it_saved(
    runner, cli_env, sandbox, tmp_path, monkeypatch
) -> None:
    environ = sandbox_environ(
        sandbox.url,
        cli_env["SOCIALAUDIT_DATABASE_URL"],
        SOCIALAUDIT_PLATFORMS_BLUESKY_MAX_RETRIES="0",
    )
    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    csv = tmp_path / "people.csv"
    csv.write_text(people_csv(sandbox.world))
    assert runner.invoke(app, ["people", "import", str(csv)]).exit_code == 0
    now = sandbox.world.now.isoformat()
    sandbox.world.inject("bluesky.getAuthorFeed", "500", skip=1)  # the second account fails
    result = runner.invoke(app, ["collect", "--platform", "bluesky", "--now", now])
    assert result.exit_code == 3, result.output
    assert "collection incomplete: bluesky partial" in result.output
    healed = runner.invoke(app, ["collect", "--platform", "bluesky", "--now", now])
    assert healed.exit_code == 0, healed.output
    assert "incomplete" not in healed.output


def test_a_platform_that_is_down_is_one_line_naming_the_cause(runner, cli_env, monkeypatch) -> None:
    """A refused connection: three tries with the usual backoff (2 s, 4 s), not the
    configured five retries (62 s), and a line that says what happened where."""
    import socket
    import time

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("SOCIALAUDIT_PLATFORMS_MASTODON_BASE_URL", url)
    assert runner.invoke(app, ["people", "add", "Ana Lima"]).exit_code == 0
    added = runner.invoke(
        app, ["accounts", "add", "Ana Lima", "-p", "mastodon", "--handle", "ana@social.example"]
    )
    assert added.exit_code == 0, added.output
    began = time.monotonic()
    result = runner.invoke(app, ["collect", "--platform", "mastodon"])
    elapsed = time.monotonic() - began
    assert result.exit_code == 3, result.output
    assert (
        f"mastodon ana@social.example: resolve: cannot reach Mastodon at {url}: "
        "connection refused, after 3 tries" in result.stdout
    )
    assert "NetworkError" not in result.output
    assert 6.0 <= elapsed < 20.0
