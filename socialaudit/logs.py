"""Logging set-up: one line per event, optionally JSON, never a secret.

Every record passes through a filter that replaces the value of any configured secret (read
from the environment variables listed in `config.SECRETS`) with `***`, so a token echoed in
an HTTP error or a URL cannot reach the log.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime

from socialaudit.config import SECRETS

_REDACTED = "***"


def secret_values(environ: dict[str, str] | None = None) -> list[str]:
    env = os.environ if environ is None else environ
    values = [env[spec.env] for spec in SECRETS.values() if env.get(spec.env)]
    # Longest first so a secret that contains another is replaced whole.
    return sorted({v for v in values if len(v) >= 4}, key=len, reverse=True)


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


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
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
        return json.dumps(payload, ensure_ascii=False, default=str)


def configure(verbose: int = 0, json_lines: bool = False) -> None:
    """Route logs to stderr at WARNING (default), INFO (-v) or DEBUG (-vv)."""
    level = logging.WARNING if verbose <= 0 else logging.INFO if verbose == 1 else logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactSecrets())
    if json_lines:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S")
        )
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_socialaudit", False):
            root.removeHandler(old)
    handler._socialaudit = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(max(level, logging.WARNING))
