"""SMTP over STARTTLS and implicit TLS with a login, against aiosmtpd with a fresh certificate.

The certificate is made in the test with `cryptography` (already locked, through atproto) and
trusted through `smtp.ca_file`, the way a relay with a private CA is configured.
"""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from reports.mailer import MailerUnavailable, SmtpMailer
from reports.nudges import send_nudges
from socialaudit.errors import ConfigError
from socialaudit.models import Nudge
from tests.reports.nudge_data import NOW, WEEK, seed_week, settings_for
from tests.smtp_server import SmtpServer, self_signed_cert

USER, PASSWORD = "audit-bot", "s3cret-Smtp-pass"


@pytest.fixture
def cert(tmp_path: Path) -> tuple[Path, Path]:
    return self_signed_cert(tmp_path)


def message() -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "audit@example.org"
    msg["To"] = "ana@example.org"
    msg["Subject"] = "hello"
    msg.set_content("hello")
    return msg


# aiosmtpd warns about AUTH without STARTTLS even over implicit TLS, which is encrypted.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_tls_with_login(security: str, cert: tuple[Path, Path], tmp_path: Path) -> None:
    with SmtpServer(security=security, cert=cert, credentials=(USER, PASSWORD)) as server:
        settings = settings_for(
            tmp_path,
            smtp={
                "port": server.port,
                "security": security,
                "username": USER,
                "ca_file": str(cert[0]),
            },
            environ={"SOCIALAUDIT_SMTP_PASSWORD": PASSWORD},
        )
        with SmtpMailer(settings) as mailer:
            mailer.send(message(), "ana")
    [received] = server.received
    assert received.tls and received.login == USER
    assert received.rcpt_tos == ["ana@example.org"]


def test_untrusted_certificate_is_refused(cert: tuple[Path, Path], tmp_path: Path) -> None:
    with SmtpServer(security="starttls", cert=cert) as server:
        settings = settings_for(tmp_path, smtp={"port": server.port, "security": "starttls"})
        with pytest.raises(MailerUnavailable, match="certificate not trusted"):
            SmtpMailer(settings).open()
    assert server.received == []


def test_wrong_password_is_one_clear_line_without_the_password(
    cert: tuple[Path, Path], tmp_path: Path
) -> None:
    wrong = "not-the-Password-1"
    with SmtpServer(security="starttls", cert=cert, credentials=(USER, PASSWORD)) as server:
        settings = settings_for(
            tmp_path,
            smtp={
                "port": server.port,
                "security": "starttls",
                "username": USER,
                "ca_file": str(cert[0]),
            },
            environ={"SOCIALAUDIT_SMTP_PASSWORD": wrong},
        )
        with pytest.raises(MailerUnavailable) as caught:
            SmtpMailer(settings).open()
    text = str(caught.value)
    assert "refused the login" in text and USER in text and "\n" not in text
    assert wrong not in text and PASSWORD not in text


def test_a_password_is_never_sent_in_clear(tmp_path: Path) -> None:
    settings = settings_for(
        tmp_path,
        smtp={"security": "none", "username": USER},
        environ={"SOCIALAUDIT_SMTP_PASSWORD": PASSWORD},
    )
    with pytest.raises(ConfigError, match="unencrypted"):
        SmtpMailer(settings)
    no_password = settings_for(tmp_path, smtp={"security": "starttls", "username": USER})
    with pytest.raises(ConfigError, match="SOCIALAUDIT_SMTP_PASSWORD"):
        SmtpMailer(no_password)


def test_a_week_of_nudges_over_starttls(
    engine: Engine, cert: tuple[Path, Path], tmp_path: Path
) -> None:
    seed_week(engine)
    with SmtpServer(security="starttls", cert=cert, credentials=(USER, PASSWORD)) as server:
        settings = settings_for(
            tmp_path,
            smtp={
                "port": server.port,
                "security": "starttls",
                "username": USER,
                "ca_file": str(cert[0]),
            },
            environ={"SOCIALAUDIT_SMTP_PASSWORD": PASSWORD},
        )
        summary = send_nudges(engine, settings, WEEK, now=NOW)
    assert summary.ok and summary.count("sent") == 3
    assert all(r.tls and r.login == USER for r in server.received)
    with Session(engine) as session:
        assert len(session.exec(select(Nudge)).all()) == 3
