"""Errors the CLI turns into one clear line and a documented exit code.

Anything a user can get wrong (a config key, a CSV row, a person's name) raises one of these
with a message that names the thing and says what was expected, so the CLI never has to show a
traceback for bad input.
"""

from __future__ import annotations


class SocialAuditError(Exception):
    """Base for errors that are the user's to fix; `exit_code` is what the CLI returns."""

    exit_code = 2


class ConfigError(SocialAuditError):
    """The configuration file or an environment override is missing, malformed or unsafe."""


class UsageError(SocialAuditError):
    """A command was given something it cannot act on (unknown person, bad CSV row, ...)."""


class NotFoundError(UsageError):
    """A named person, account or finding does not exist."""
