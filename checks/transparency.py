"""Clause 1, Be transparent: profiles say who the person works for and that views are their own."""

from __future__ import annotations

from collections.abc import Iterator

from checks import lexicons
from checks.engine import Hit, ProfileItem, RuleContext
from checks.matching import Phrases, flatten
from checks.normalize import Text, normalize
from checks.registry import rule

DISCLAIMER = Phrases(flatten(lexicons.DISCLAIMERS))


def find_disclaimer(view: Text):
    """The first personal-views disclaimer in the view, in any supported language."""
    return DISCLAIMER.search(view)


def _bio_evidence(item: ProfileItem) -> list[dict]:
    return [{"field": "bio", "start": 0, "end": len(item.bio), "text": item.bio}]


def _in_scope(item: ProfileItem, ctx: RuleContext) -> bool:
    """Spokespeople always; other staff once their profile names the organisation."""
    if item.role == "spokesperson":
        return True
    return bool(ctx.org.names_org(item.bio_view) or ctx.org.names_org(item.name_view))


@rule("TRN101", "missing-views-disclaimer", confidence="high")
def missing_views_disclaimer(item: ProfileItem, ctx: RuleContext) -> Iterator[Hit]:
    """Flags a profile that does not say its views are personal.

    ## What it does
    Reads the bio and display name of a spokesperson (or of staff whose profile names the
    organisation) and fires when neither carries a personal-views disclaimer such as "Views
    are my own", "Tweets/views are my own" or "Personal account", in English, French,
    Spanish, German, Portuguese, Italian, Dutch or Arabic. Spelling tricks (zero-width
    characters, look-alike letters) do not hide a disclaimer, nor fake one.

    ## Why it matters
    Anything a recognised spokesperson says can be taken as the organisation's position. The
    policy asks to "distinguish between your personal views and those of Amnesty
    International, for example state in your Twitter profile 'Tweets/views are my own.'"

    ## Example
    Bio: "Campaigner at Amnesty International. Football, films and too much coffee."

    ## Instead
    "Campaigner at Amnesty International. Views my own."
    """
    if not _in_scope(item, ctx):
        return
    if find_disclaimer(item.bio_view) or find_disclaimer(item.name_view):
        return
    yield Hit("The profile has no personal-views disclaimer.", _bio_evidence(item))


@rule("TRN102", "missing-affiliation", confidence="medium")
def missing_affiliation(item: ProfileItem, ctx: RuleContext) -> Iterator[Hit]:
    """Flags a spokesperson's profile that never names the organisation.

    ## What it does
    Looks for the organisation's configured names and aliases, its handles and its domains in
    a spokesperson's bio, display name and profile link, and fires when none is there. A
    short capital alias such as "AI" is also everyday language ("AI ethics"), so it counts
    only as a section's name ("AI UK", "AIUSA") or "AI (International) Secretariat".

    ## Why it matters
    "If you regularly comment about Amnesty International or you are a recognized Amnesty
    International spokesperson, clearly identify your link to the organization." Readers
    should know who they are hearing from.

    ## Example
    Bio: "Human rights researcher. Views my own." (and no link to the organisation)

    ## Instead
    "Researcher @amnesty. Views my own."
    """
    if item.role != "spokesperson":
        return
    org = ctx.org
    if org.names_org(item.bio_view) or org.names_org(item.name_view):
        return
    if item.url and org.names_org(normalize(item.url)):
        return
    yield Hit(
        f"The profile (bio, name and link) never names {org.name}.",
        _bio_evidence(item),
    )


@rule("TRN103", "disclaimer-removed", confidence="high")
def disclaimer_removed(item: ProfileItem, ctx: RuleContext) -> Iterator[Hit]:
    """Flags a profile whose personal-views disclaimer has gone since the previous snapshot.

    ## What it does
    Compares the bio with the account's previous profile snapshot: fires when the earlier
    one had a personal-views disclaimer and this one has none.

    ## Why it matters
    Removing the disclaimer is a deliberate change that turns every later post into
    something that can be read as the organisation's view (clause 1, Be transparent).

    ## Example
    Before: "Press officer, Amnesty. Views my own." After: "Press officer, Amnesty."

    ## Instead
    Keep "Views my own" in the bio whatever else changes.
    """
    if item.previous_bio is None:
        return
    if find_disclaimer(item.bio_view) or find_disclaimer(item.name_view):
        return
    before = normalize(item.previous_bio)
    found = find_disclaimer(before)
    if found is None:
        return
    lost = before.evidence("previous_bio", found.start(), found.end())
    yield Hit(
        f'The bio used to say "{lost["text"]}" and no longer has a disclaimer.',
        [*_bio_evidence(item), lost],
    )
