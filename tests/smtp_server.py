"""A real SMTP server in the test process (aiosmtpd), with the failures a run must survive.

`SmtpServer` listens on 127.0.0.1 and a free port and keeps every accepted message. It can
refuse one recipient (550), answer 421 or hang up once N messages have been accepted, offer
STARTTLS or implicit TLS with a certificate made on the spot, and require a login.
"""

from __future__ import annotations

import datetime as dt
import email
import ipaddress
import socket
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    tls: bool
    login: str | None


@dataclass
class Behaviour:
    refuse: set[str] = field(default_factory=set)  # recipients answered with 550
    fail_after: int | None = None  # after this many accepted messages, DATA gets 421
    drop_after: int | None = None  # after this many accepted messages, hang up at DATA


class CollectingHandler:
    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.received: list[Received] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address in self.behaviour.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        count = len(self.received)
        if self.behaviour.drop_after is not None and count >= self.behaviour.drop_after:
            server.transport.abort()
            return "250 OK"  # never reaches the client: the connection is gone
        if self.behaviour.fail_after is not None and count >= self.behaviour.fail_after:
            return "421 4.3.2 Service shutting down"
        message = email.message_from_bytes(envelope.content, policy=default)
        login = session.auth_data.login.decode() if session.auth_data else None
        self.received.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                message,  # type: ignore[arg-type]
                session.ssl is not None
                or server.transport.get_extra_info("ssl_object") is not None,
                login,
            )
        )
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def self_signed_cert(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1/localhost and its key, made with `cryptography`."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)

    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class SmtpServer:
    """`with SmtpServer() as server:` ... `server.received`, `server.port`."""

    def __init__(
        self,
        behaviour: Behaviour | None = None,
        *,
        security: str = "none",
        cert: tuple[Path, Path] | None = None,
        credentials: tuple[str, str] | None = None,
    ) -> None:
        self.behaviour = behaviour or Behaviour()
        self.handler = CollectingHandler(self.behaviour)
        self.port = free_port()
        self.security = security
        kwargs: dict[str, Any] = {}
        context = None
        if security in {"starttls", "tls"}:
            assert cert is not None, "TLS needs a certificate"
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*cert)
        if security == "starttls":
            kwargs.update(tls_context=context, require_starttls=True)
        elif security == "tls":
            kwargs.update(ssl_context=context)
        if credentials is not None:
            user, password = credentials

            def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
                ok = (
                    isinstance(auth_data, LoginPassword)
                    and auth_data.login.decode() == user
                    and auth_data.password.decode() == password
                )
                return AuthResult(success=ok, handled=False, auth_data=auth_data)

            kwargs.update(authenticator=authenticate, auth_required=True)
            if security == "tls":
                # aiosmtpd only counts STARTTLS as TLS for AUTH; implicit TLS is encrypted too.
                kwargs.update(auth_require_tls=False)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **kwargs)

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()
