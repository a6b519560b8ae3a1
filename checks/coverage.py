"""What the rules can and cannot see with the configuration given, said to the person.

A rule that depends on configuration (NPT201 and NPT202 on `[[politics]]`) is asked, with a
few invented posts of each kind of endorsement, whether it recognises them as configured:
the answer is the engine's own, so it stays true whatever the rules learn to read. `draft`
and `rules` print it; no politics configured is a warning, never silence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from checks.engine import Engine, PostItem
from socialaudit.config import Settings

# Names no configuration is expected to hold: the endorsements of people and parties the
# organisation did not list.
_UNLISTED_PARTY = "Lantern Party"
_UNLISTED_PERSON = "Mara Quillon"


@dataclass
class Coverage:
    """Kinds of endorsement the configured rules recognise, and those they do not."""

    detected: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = ["Endorsements (NPT201, NPT202) with this configuration:"]
        out += [f"  detected: {kind}" for kind in self.detected]
        out += [f"  NOT detected: {kind}" for kind in self.missed]
        out += [f"Warning: {w}" for w in self.warnings]
        return out


def _compact(name: str) -> str:
    return re.sub(r"\W+", "", name.title())


def _probes(settings: Settings) -> list[tuple[str, str, PostItem]]:
    """(kind of endorsement, the rule that should see it, an invented post of that kind)."""
    candidates = [c for entry in settings.politics for c in entry.candidates]
    parties = [p for entry in settings.politics for p in entry.parties]
    accounts = sorted({a.strip().lstrip("@") for e in settings.politics for a in e.accounts})
    now = datetime.now(UTC)

    def post(text: str, **extra: str) -> PostItem:
        return PostItem("probe", text=text, platform="x", author="probe", created_at=now, **extra)

    probes: list[tuple[str, str, PostItem]] = []
    if parties:
        party = parties[0]
        probes.append(
            (
                f'an appeal to vote for a configured party ("Vote for {party}")',
                "NPT201",
                post(f"Vote for {party} on Thursday!"),
            )
        )
        probes.append(
            (
                f'a voting hashtag for a configured party ("#Vote{_compact(party)}")',
                "NPT201",
                post(f"Polls open today #Vote{_compact(party)}"),
            )
        )
    if candidates:
        person = candidates[0]
        probes.append(
            (
                f'an appeal to re-elect a configured candidate ("Re-elect {person}")',
                "NPT201",
                post(f"Re-elect {person} on Thursday!"),
            )
        )
    if accounts and accounts[0]:
        account = accounts[0]
        probes.append(
            (
                f"a repost of a configured political account (@{account})",
                "NPT202",
                post("Worth a read.", reposted_from=account),
            )
        )
    probes.append(
        (
            f'an appeal to vote for a party that is not configured ("Vote for the '
            f'{_UNLISTED_PARTY}")',
            "NPT201",
            post(f"Vote for the {_UNLISTED_PARTY} on Thursday!"),
        )
    )
    probes.append(
        (
            f'an appeal to vote for a person who is not configured ("Vote for {_UNLISTED_PERSON}")',
            "NPT201",
            post(f"Vote for {_UNLISTED_PERSON} on Thursday!"),
        )
    )
    probes.append(
        (
            "a voting hashtag for a party that is not configured "
            f'("#Vote{_compact(_UNLISTED_PARTY)}")',
            "NPT201",
            post(f"Polls open today #Vote{_compact(_UNLISTED_PARTY)}"),
        )
    )
    return probes


def endorsement_coverage(engine: Engine, settings: Settings) -> Coverage:
    """Ask the engine (built from `settings`) which kinds of endorsement it recognises."""
    coverage = Coverage()
    probes = _probes(settings)
    results = engine.check_batch([item for _, _, item in probes])
    for (kind, code, _), found in zip(probes, results, strict=True):
        if any(r.rule == code for r in found):
            coverage.detected.append(kind)
        else:
            coverage.missed.append(kind)
    if not settings.politics:
        coverage.warnings.append(
            "no [[politics]] configured: no party, candidate or political account is known, "
            "so endorsements that name them only indirectly (a surname, a pronoun, a campaign "
            "handle or hashtag) and reposts of political accounts (NPT202) are not checked. "
            "Add [[politics]] parties, candidates and accounts to the config."
        )
    else:
        if not any(entry.candidates for entry in settings.politics):
            coverage.warnings.append(
                "no candidates configured: endorsements of a person by surname or pronoun "
                "are not checked."
            )
        if not any(entry.accounts for entry in settings.politics):
            coverage.warnings.append(
                "no political accounts configured: reposts and quotes of party or "
                "candidate accounts (NPT202) are not checked."
            )
    disabled = {"NPT201", "NPT202"} & set(settings.rules.disabled)
    for code in sorted(disabled):
        coverage.warnings.append(f"{code} is disabled in [rules] disabled.")
    return coverage
