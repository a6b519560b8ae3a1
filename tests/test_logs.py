"""No secret reaches a log line, whatever path it takes: message, exception, traceback,
warning or a mail server's answer, in the plain format and in JSON lines."""

from __future__ import annotations

import base64
import json
import logging
import threading
import warnings
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.smtp import MISSING, AuthResult

from socialaudit import logs
from socialaudit.cli import app
from tests.smtp_server import CollectingHandler, SmtpServer, self_signed_cert

APP_PASSWORD = "abcd-efgh-ijkl-mnop"
BEARER = "AAAAbearer/with+odd=chars"


class _Echo(BaseHTTPRequestHandler):
    """Answers every request 400 with the request line, headers and body echoed back, as
    some platform errors do."""

    def _echo(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        echoed = f"{self.requestline} {dict(self.headers)} {body}"
        payload = json.dumps({"error": "InvalidRequest", "message": f"bad request: {echoed}"})
        data = payload.encode()
        self.send_response(400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _echo

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def echo_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _secret_forms(secret: str) -> list[str]:
    return [secret, json.dumps(secret)[1:-1], base64.b64encode(secret.encode()).decode()]


@pytest.mark.parametrize("log_json", [False, True], ids=["plain", "json"])
@pytest.mark.parametrize("from_file", [False, True], ids=["env", "file"])
def test_a_platform_that_echoes_the_password_does_not_put_it_in_the_log(
    runner, cli_env, echo_server, tmp_path: Path, monkeypatch, log_json, from_file
) -> None:
    monkeypatch.setenv("SOCIALAUDIT_PLATFORMS_BLUESKY_BASE_URL", echo_server)
    monkeypatch.setenv("SOCIALAUDIT_PLATFORMS_BLUESKY_LOGIN", "auditor.example.org")
    monkeypatch.setenv("SOCIALAUDIT_PLATFORMS_BLUESKY_MAX_RETRIES", "0")
    if from_file:
        secret_file = tmp_path / "bluesky-password"
        secret_file.write_text(APP_PASSWORD + "\n")
        monkeypatch.setenv("SOCIALAUDIT_PLATFORMS_BLUESKY_APP_PASSWORD_FILE", str(secret_file))
    else:
        monkeypatch.setenv("SOCIALAUDIT_BLUESKY_APP_PASSWORD", APP_PASSWORD)
    assert runner.invoke(app, ["people", "add", "Ana Lima"]).exit_code == 0
    added = runner.invoke(
        app, ["accounts", "add", "Ana Lima", "-p", "bluesky", "--handle", "ana.example.org"]
    )
    assert added.exit_code == 0, added.output
    args = ["-vv", *(["--log-json"] if log_json else []), "collect", "--platform", "bluesky"]
    result = runner.invoke(app, args)
    output = result.stderr + result.stdout
    assert "Traceback" in output or '"error"' in output  # the failure was logged in full
    assert "bad request" in output  # with the server's echo in it
    for form in _secret_forms(APP_PASSWORD):
        assert form not in output
    assert "***" in output


@pytest.mark.parametrize("log_json", [False, True], ids=["plain", "json"])
def test_exceptions_tracebacks_and_warnings_are_masked(monkeypatch, capsys, log_json: bool) -> None:
    monkeypatch.setenv("SOCIALAUDIT_X_BEARER_TOKEN", BEARER)
    logging.captureWarnings(False)  # pytest's own capture, undone so configure's can work
    logs.configure(2, log_json)
    log = logging.getLogger("socialaudit.test")
    try:
        raise RuntimeError(f"the server said: Authorization: Bearer {BEARER}")
    except RuntimeError:
        log.exception("request failed for %s", "x")
    log.warning("args too: %s", {"token": BEARER})
    warnings.warn(f"a library warning echoing {BEARER}", UserWarning, stacklevel=1)
    log.info("stack", stack_info=True, extra={"fields": {"header": f"Bearer {BEARER}"}})
    err = capsys.readouterr().err
    assert "the server said" in err and "args too" in err and "a library warning" in err
    for form in _secret_forms(BEARER):
        assert form not in err
    assert err.count("***") >= 3
    logging.captureWarnings(False)


class _EchoingAuth(CollectingHandler):
    """Answers AUTH with 535 and the client's own words, decoded, as a careless relay does."""

    async def auth_PLAIN(self, server, args):
        blob = args[1] if len(args) > 1 else ""
        said = base64.b64decode(blob).decode("utf-8", "replace").replace("\0", " ")
        await server.push(f"535 5.7.8 echo: {blob} = {said}")
        return AuthResult(success=False, handled=True)

    async def auth_LOGIN(self, server, args):
        user = base64.b64decode(args[1]).decode() if len(args) > 1 else ""
        password = await server.challenge_auth("Password:")
        if password is MISSING:
            return AuthResult(success=False, handled=True)
        shown = base64.b64encode(password).decode()
        await server.push(f"535 5.7.8 echo: {user} {password.decode()} ({shown})")
        return AuthResult(success=False, handled=True)


@pytest.mark.parametrize("log_json", [False, True], ids=["plain", "json"])
def test_the_smtp_login_echoed_by_the_server_is_masked(
    tmp_path: Path, monkeypatch, capsys, log_json: bool
) -> None:
    from reports.mailer import MailerUnavailable, SmtpMailer
    from tests.reports.nudge_data import settings_for

    password = "s3cret-smtp-pass"
    monkeypatch.setenv("SOCIALAUDIT_SMTP_PASSWORD", password)
    logs.configure(2, log_json)
    # The test server's own debug log of what it received is not ours to mask.
    monkeypatch.setattr(logging.getLogger("mail.log"), "disabled", True)
    server = SmtpServer(
        security="starttls", cert=self_signed_cert(tmp_path), credentials=("audit", "other")
    )
    server.controller.handler = _EchoingAuth(server.behaviour)
    with server:
        settings = settings_for(
            tmp_path,
            smtp={
                "port": server.port,
                "security": "starttls",
                "username": "audit",
                "ca_file": str(tmp_path / "smtp-cert.pem"),
            },
            environ={"SOCIALAUDIT_SMTP_PASSWORD": password},
        )
        mailer = SmtpMailer(settings)
        with pytest.raises(MailerUnavailable) as refused:
            mailer.open()
    logging.getLogger("socialaudit.test").error("nudges stopped: %s", refused.value)
    message = str(refused.value)
    assert "refused the login" in message and "echo:" in message
    plain = base64.b64encode(f"\0audit\0{password}".encode()).decode()
    err = capsys.readouterr().err
    for form in [*_secret_forms(password), plain]:
        assert form not in message
        assert form not in err
