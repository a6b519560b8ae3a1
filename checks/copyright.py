"""Clause 7, Respect copyright law and confidentiality: consent for photos and videos of people."""

from __future__ import annotations

import re
from collections.abc import Iterator

from checks import lexicons
from checks.engine import Hit, PostItem, RuleContext
from checks.matching import Phrases, alternation
from checks.normalize import normalize
from checks.registry import rule

PEOPLE = Phrases(lexicons.PEOPLE_IN_MEDIA, shared=False)
VISUAL = {"photo", "image", "picture", "video", "gif", "animated_gif"}
_CREDIT = alternation(lexicons.MEDIA_CREDIT_CUES)


def _official_source(item: PostItem, ctx: RuleContext) -> bool:
    org = ctx.org
    if org.is_org_account(item.reposted_from) or org.is_org_account(item.quoted_from):
        return True
    if org.official_link(item):
        return True
    credit = re.search(rf"(?:{_CREDIT})\s*\S*", item.view.plain)
    if credit is None:
        return False
    tail = normalize(item.view.original[credit.start() :])
    return org.names_org(tail) is not None


@rule("CPY701", "media-consent-check", confidence="low")
def media_consent_check(item: PostItem, ctx: RuleContext) -> Iterator[Hit]:
    """Flags photos or video of people that did not come from an official source.

    ## What it does
    Fires when a post carries a photo or a video whose description (alt text) or caption
    shows people whose consent and dignity matter (detainees, children, victims, protesters,
    refugees, crowds), unless it reposts or quotes the organisation's own account, links an
    official page, or credits the organisation ("Photo: " and one of its configured names).

    ## Why it matters
    Clause 7: "Only post things you have legal permission to post. Remember to respect
    people's dignity and right to privacy when posting photos or videos footage without their
    permission." Faces of protesters or detainees can put them at risk.

    ## Example
    A phone photo captioned "Children outside the detention centre this morning".

    ## Instead
    Use the organisation's published photos, or blur faces and get consent.
    """
    visuals = [(i, m) for i, m in enumerate(item.media) if str(m.get("type", "")).lower() in VISUAL]
    if not visuals:
        return
    evidence = None
    for i, media in visuals:
        alt = str(media.get("alt") or "")
        if alt:
            view = normalize(alt)
            match = PEOPLE.search(view)
            if match:
                evidence = view.evidence(f"media[{i}].alt", match.start(), match.end())
                break
    if evidence is None:
        match = PEOPLE.search(item.view)
        if match:
            evidence = item.view.evidence("text", match.start(), match.end())
    if evidence is None or _official_source(item, ctx):
        return
    yield Hit(
        f'The post shares a photo or video of people ("{evidence["text"]}") that is not '
        "from an official source.",
        [evidence],
    )
