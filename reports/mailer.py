"""Where a composed nudge goes: an SMTP server, or `.eml` files for a dry run.

Failures come in two kinds, because the nudge run treats them differently:
`MessageRefused` is about one message (a 5xx for that recipient): the run moves on to the next
person. `MailerUnavailable` is about the connection (cannot connect, TLS or login failed, a
421, the server hung up): the run stops and leaves everyone not yet sent to the next run.
Neither ever carries the SMTP password.
"""

from __future__ import annotations

import base64
import logging
import smtplib
import socket
import ssl
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import Protocol

from socialaudit.config import Settings, register_secret
from socialaudit.errors import ConfigError, SocialAuditError
from socialaudit.logs import redact

log = logging.getLogger(__name__)


class MailerUnavailable(SocialAuditError):
    """The mail server cannot be used now; nothing more can be sent in this run."""


class MessageRefused(Exception):
    """The server refused this one message; others may still go through."""


class Mailer(Protocol):
    def open(self) -> None: ...

    def send(self, message: EmailMessage, name: str) -> str: ...

    def close(self) -> None: ...


class SmtpMailer:
    """One SMTP connection for the whole run, opened on the first message.

    `security` is `starttls` (upgrade on the submission port), `tls` (implicit TLS, port 465)
    or `none` (a local relay). Certificates are always verified, against `smtp.ca_file` when
    set. A password is never sent over an unencrypted connection.
    """

    def __init__(self, settings: Settings) -> None:
        self.config = settings.smtp
        self.username = self.config.username
        password = settings.secret("smtp_password")
        self._password = password.get_secret_value() if password else None
        if self.username and self._password:
            # AUTH PLAIN sends this string, base64-encoded; a relay may echo it in its refusal.
            register_secret(
                base64.b64encode(f"\0{self.username}\0{self._password}".encode()).decode()
            )
        if self.username and self._password is None:
            raise ConfigError(
                "smtp.username is set but there is no password: set SOCIALAUDIT_SMTP_PASSWORD "
                "or smtp.password_file"
            )
        if self.username and self.config.security == "none":
            raise ConfigError(
                "smtp.security: 'none' would send the SMTP password unencrypted; use "
                "'starttls' or 'tls', or remove smtp.username"
            )
        self._smtp: smtplib.SMTP | None = None

    def _tls_context(self) -> ssl.SSLContext:
        cafile = str(self.config.ca_file) if self.config.ca_file else None
        try:
            return ssl.create_default_context(cafile=cafile)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(f"smtp.ca_file: cannot load the CA bundle ({exc})") from None

    def _where(self) -> str:
        return f"{self.config.host}:{self.config.port} ({self.config.security})"

    def _connect(self) -> smtplib.SMTP:
        host, port, timeout = self.config.host, self.config.port, self.config.timeout_seconds
        smtp: smtplib.SMTP | None = None
        try:
            if self.config.security == "tls":
                smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=self._tls_context())
            else:
                smtp = smtplib.SMTP(host, port, timeout=timeout)
                if self.config.security == "starttls":
                    smtp.ehlo()
                    if not smtp.has_extn("starttls"):
                        raise MailerUnavailable(
                            f"mail server {self._where()} does not offer STARTTLS; set "
                            "smtp.security to 'tls' or 'none' if that is intended"
                        )
                    smtp.starttls(context=self._tls_context())
            smtp.ehlo_or_helo_if_needed()
            if self.username and self._password is not None:
                smtp.login(self.username, self._password)
        except smtplib.SMTPAuthenticationError as exc:
            self._quietly_close(smtp)
            raise MailerUnavailable(
                f"mail server {self._where()} refused the login for smtp.username "
                f"{self.username!r}: {exc.smtp_code} {_text(exc.smtp_error)}"
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            self._quietly_close(smtp)
            if isinstance(exc, MailerUnavailable):
                raise
            raise MailerUnavailable(
                f"cannot use mail server {self._where()}: {_describe(exc)}"
            ) from None
        log.info("connected to mail server %s", self._where())
        return smtp

    def open(self) -> None:
        """Connect (and log in) now, before any nudge is claimed in the database."""
        if self._smtp is None:
            self._smtp = self._connect()

    def send(self, message: EmailMessage, name: str) -> str:
        """Hand `message` to the server; return once the server accepted it."""
        self.open()
        assert self._smtp is not None
        try:
            refused = self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            if any(code == 421 for code, _ in exc.recipients.values()):
                self._drop()
                raise MailerUnavailable(
                    f"mail server {self._where()} is closing the connection (421)"
                ) from None
            self._reset()
            codes = "; ".join(f"{c} {_text(r)}" for c, r in exc.recipients.values())
            raise MessageRefused(f"recipient refused: {codes}") from None
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
            if exc.smtp_code == 421 or exc.smtp_code < 500:
                self._drop()
                raise MailerUnavailable(
                    f"mail server {self._where()} is not accepting mail now: "
                    f"{exc.smtp_code} {_text(exc.smtp_error)}"
                ) from None
            self._reset()
            raise MessageRefused(
                f"message refused: {exc.smtp_code} {_text(exc.smtp_error)}"
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            # Disconnected, timed out, 421 anywhere else: we cannot tell whether this message
            # was accepted, so it counts as not sent and is sent again next run.
            self._drop()
            raise MailerUnavailable(
                f"lost the mail server {self._where()}: {_describe(exc)}"
            ) from None
        if refused:  # only possible with several recipients; a nudge has one
            raise MessageRefused(f"recipient refused: {refused}")
        return f"accepted by {self.config.host}"

    def _reset(self) -> None:
        try:
            if self._smtp is not None:
                self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def _drop(self) -> None:
        self._quietly_close(self._smtp)
        self._smtp = None

    @staticmethod
    def _quietly_close(smtp: smtplib.SMTP | None) -> None:
        if smtp is None:
            return
        try:
            smtp.close()
        except (smtplib.SMTPException, OSError):
            log.debug("error while closing the SMTP connection", exc_info=True)

    def close(self) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (smtplib.SMTPException, OSError):
            log.debug("error while quitting the SMTP session", exc_info=True)
        finally:
            self._drop()

    def __enter__(self) -> SmtpMailer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class OutboxMailer:
    """`--dry-run`: each message becomes `OUTBOX/WEEK/NAME.eml`; a rerun overwrites it."""

    def __init__(self, outbox: Path, week: str) -> None:
        self.folder = outbox / week
        self.written: list[Path] = []

    def open(self) -> None:
        return None

    def send(self, message: EmailMessage, name: str) -> str:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"{name}.eml"
            tmp = path.with_suffix(".eml.tmp")
            tmp.write_bytes(bytes(message))
            tmp.replace(path)
        except OSError as exc:
            raise MailerUnavailable(
                f"nudges.outbox: cannot write to {self.folder} ({exc.strerror or exc})"
            ) from None
        self.written.append(path)
        return str(path)

    def close(self) -> None:
        return None


def _text(value: bytes | str) -> str:
    """A server's answer for a message: one line, any secret it echoes masked."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return redact(" ".join(value.split()))


def _describe(exc: BaseException) -> str:
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS certificate not trusted ({exc.verify_message}); see smtp.ca_file"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return redact(str(exc)) or type(exc).__name__
