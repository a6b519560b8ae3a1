"""Logging set-up: one line per event, optionally JSON, never a secret.

Every line is masked as a whole after it is formatted, so the message, its arguments, an
exception's text and traceback, a stack and extra fields all pass through it: the value of
any secret (the environment variables of `config.SECRETS`, and every secret read from a
file) is replaced with `***`, in the forms a server echoes it back in too (JSON- and
URL-escaped, base64). Python warnings are routed through the same handler, and an uncaught
exception's traceback is masked the same way.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import sys
import traceback
from datetime import UTC, datetime
from types import TracebackType
from urllib.parse import quote, quote_plus

from socialaudit.config import KNOWN_SECRETS, SECRETS
from socialaudit.display import for_terminal

_REDACTED = "***"


def _forms(value: str) -> set[str]:
    """`value` and the ways an echo can spell it: JSON- and URL-escaped, base64."""
    forms = {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]}
    forms |= {quote(value, safe=""), quote_plus(value), repr(value)[1:-1]}
    encoded = base64.b64encode(value.encode()).decode()
    forms |= {encoded, encoded.rstrip("=")}
    return forms


def secret_values(environ: dict[str, str] | None = None) -> list[str]:
    env = os.environ if environ is None else environ
    values = {env[spec.env] for spec in SECRETS.values() if env.get(spec.env)}
    values |= KNOWN_SECRETS
    forms = set().union(*(_forms(v) for v in values if len(v) >= 4)) if values else set()
    # Longest first so a secret that contains another is replaced whole.
    return sorted({f for f in forms if len(f) >= 4}, key=len, reverse=True)


def redact(text: str, secrets: list[str] | None = None) -> str:
    for value in secret_values() if secrets is None else secrets:
        text = text.replace(value, _REDACTED)
    return text


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        secrets = secret_values()
        if secrets:
            record.msg = redact(record.getMessage(), secrets)
            record.args = None
            if record.exc_text:
                record.exc_text = redact(record.exc_text, secrets)
        return True


class RedactingFormatter(logging.Formatter):
    """The plain format, masked after formatting: the traceback is made in `format`, after
    every filter has run, so only the finished line can be masked whole."""

    def format(self, record: logging.LogRecord) -> str:
        # Names and platform errors are others' text: no escape sequence reaches the terminal.
        return for_terminal(redact(super().format(record)))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(self._format(record))

    def _format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="seconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in getattr(record, "fields", {}).items():
            payload[key] = value
        if record.exc_info:
            payload["error"] = redact(self.formatException(record.exc_info))
        if record.stack_info:
            payload["stack"] = redact(self.formatStack(record.stack_info))
        # Masked before JSON escapes them, and again after (the caller masks the line).
        payload = {k: redact(v) if isinstance(v, str) else v for k, v in payload.items()}
        return json.dumps(payload, ensure_ascii=False, default=lambda o: redact(str(o)))


def _masked_excepthook(
    kind: type[BaseException], value: BaseException, tb: TracebackType | None
) -> None:
    sys.stderr.write(redact("".join(traceback.format_exception(kind, value, tb))))


def configure(verbose: int = 0, json_lines: bool = False) -> None:
    """Route logs to stderr at WARNING (default), INFO (-v) or DEBUG (-vv)."""
    level = logging.WARNING if verbose <= 0 else logging.INFO if verbose == 1 else logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactSecrets())
    if json_lines:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S")
        )
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_socialaudit", False):
            root.removeHandler(old)
    handler._socialaudit = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(max(level, logging.WARNING))
    logging.captureWarnings(True)  # warnings.warn(...) goes through the masked handler
    sys.excepthook = _masked_excepthook
