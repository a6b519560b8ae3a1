"""The policy pack's clauses: what findings quote and nudges summarise.

The texts are the pack's (`policies/<pack>/clauses.toml`, read by `socialaudit.packs`); the
rules cite clauses by key (`checks.registry`), so every pack gives the keys the rules cite.
They are read from the pack in use each time they are asked for: unlike the vocabulary they
are not compiled into anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from socialaudit import packs


@dataclass(frozen=True)
class Clause:
    key: str
    title: str
    text: str
    summary: str


def clauses() -> dict[str, Clause]:
    """Every clause of the pack in use, by key, in the pack's order."""
    return {c.key: Clause(c.key, c.title, c.text, c.summary) for c in packs.active().clauses}


def clause(key: str) -> Clause:
    found = clauses()
    try:
        return found[key]
    except KeyError:
        pack = packs.active()
        raise KeyError(
            f"no policy clause {key!r} in the pack {pack.name!r} ({pack.folder / 'clauses.toml'}); "
            f"known: {', '.join(found)}"
        ) from None


def motto() -> str:
    """The pack's motto, which every person-facing text ends with."""
    return packs.active().motto


def __getattr__(name: str) -> Any:
    # `MOTTO` and `CLAUSES` as the reports and tests import them, read from the pack in use.
    if name == "MOTTO":
        return motto()
    if name == "CLAUSES":
        return clauses()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
