"""OK to post: only non-embargoed material; and "Might be problematic": pending positions."""

from __future__ import annotations

from collections.abc import Iterator

from checks.engine import Hit, PostItem, RuleContext
from checks.matching import host_of
from checks.registry import rule


def _same_url(a: str, b: str) -> bool:
    """Same page, ignoring scheme, "www.", a trailing slash and the query string."""

    def key(url: str) -> str:
        url = url.strip().split("#", 1)[0].split("?", 1)[0].rstrip("/")
        host = host_of(url).removeprefix("www.")
        path = url.split("://", 1)[-1].split("/", 1)[1] if "/" in url.split("://", 1)[-1] else ""
        return f"{host}/{path.lower()}"

    return key(a) == key(b)


@rule("EMB401", "embargoed-content", confidence="high")
def embargoed_content(item: PostItem, ctx: RuleContext) -> Iterator[Hit]:
    """Flags a post about embargoed material before the embargo lifts.

    ## What it does
    For each entry of the embargo register (`[[embargoes]] title, url, keywords, lifts_at`),
    fires when a post made before `lifts_at` links the embargoed URL or carries its title or
    one of its key phrases. After the lift time the same post is fine.

    ## Why it matters
    The policy's "OK to post" covers only "publicly available (and non-embargoed)" material.
    Breaking an embargo burns the trust of journalists and partners and can put researchers
    and sources at risk.

    ## Example
    At 08:00 on launch day: "Our Annual report 2027 is out tomorrow: shocking figures on
    executions" (the embargo lifts at 00:01 the next day).

    ## Instead
    Schedule the post for after the embargo lifts.
    """
    if not ctx.org.embargoes or item.created_at is None:
        return
    view = item.view
    for embargo in ctx.org.embargoes:
        if item.created_at >= embargo.lifts_at:
            continue
        evidence = None
        if embargo.url:
            for link, ev in item.all_links:
                if _same_url(link, embargo.url):
                    evidence = ev
                    break
        if evidence is None:
            match = embargo.phrases.search(view)
            if match:
                evidence = view.evidence("text", match.start(), match.end())
        if evidence is not None:
            yield Hit(
                f'"{embargo.title}" is under embargo until '
                f"{embargo.lifts_at.isoformat()}; the post refers to it.",
                [evidence],
            )
            return


@rule("PND402", "pending-position", confidence="medium")
def pending_position(item: PostItem, ctx: RuleContext) -> Iterator[Hit]:
    """Flags a post on a position the organisation has not approved yet.

    ## What it does
    Fires when a post mentions a topic or key phrase of a position listed under
    `[[pending_positions]]`: legislation or advocacy positions still pending approval.

    ## Why it matters
    The policy lists "legislation or advocacy positions pending approval by Amnesty
    International" as "might be problematic: consult your manager or an appropriate member
    of staff before sharing". A spokesperson's words can pre-empt the decision.

    ## Example
    "Personally I think our new sex work policy goes too far."

    ## Instead
    Ask your manager before posting, or wait until the position is published.
    """
    view = item.view
    for pending in ctx.org.pending:
        match = pending.phrases.search(view)
        if match:
            ev = view.evidence("text", match.start(), match.end())
            yield Hit(
                f'The post touches "{pending.topic}", a position still pending approval.',
                [ev],
            )
            return
