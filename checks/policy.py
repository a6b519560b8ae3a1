"""The policy pack's clauses: what findings quote and nudges summarise.

The text is Amnesty International's social media policy, kept here as data the project owns
(the copy under `shared/policy/` is the source it was read from, not a runtime dependency).
Each clause has the words a finding quotes and one plain sentence for a nudge.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Clause:
    key: str
    title: str
    text: str
    summary: str


MOTTO = "If in doubt, don't post."

_CLAUSES = [
    Clause(
        "1",
        "1 Be transparent",
        "If you regularly comment about Amnesty International or you are a recognized Amnesty "
        "International spokesperson, clearly identify your link to the organization. "
        "Distinguish between your personal views and those of Amnesty International, for "
        'example state in your Twitter profile "Tweets/views are my own."',
        "Say in your profile that you work for the organisation and that your views are your own.",
    ),
    Clause(
        "2",
        "2 Be engaging",
        "The most popular Twitter users sound like real people – the social media community "
        "knows how to spot PR and spin.",
        "Find your own voice rather than repeating official posts word for word.",
    ),
    Clause(
        "3",
        "3 Be responsible",
        "Use good judgement. Do nothing to damage Amnesty International's standing as a "
        "non-partisan, non-profit organization or to otherwise jeopardize its reputation. Keep "
        "this statement in mind: if it doesn't feel right, it probably isn't.",
        "Use good judgement: if it doesn't feel right, it probably isn't.",
    ),
    Clause(
        "4",
        "4 Be responsive",
        "Social media is a two-way conversation. Ensure you are engaged in a dialogue, not a "
        "monologue.",
        "Keep it a conversation: answer questions and recognise good contributions.",
    ),
    Clause(
        "5",
        "5 Act within the law",
        "If you break the law on a blog or microblog (for example, by posting something "
        "defamatory or in contempt of court) you may face legal (civil or criminal) "
        "proceedings. In some cases Amnesty International as an organization may also be held "
        "legally responsible, even if you state that opinions expressed on your social profile "
        "are your own.",
        "Avoid anything that could be defamatory or in contempt of court.",
    ),
    Clause(
        "6",
        "6 Be non-partisan",
        "You may not advocate on behalf of a political candidate or political party if you "
        "affiliate your account with Amnesty International or are a recognized Amnesty "
        "International spokesperson.",
        "Don't advocate for a political party or candidate from an account linked to the "
        "organisation.",
    ),
    Clause(
        "7",
        "7 Respect copyright law and confidentiality",
        "Only post things you have legal permission to post. Remember to respect people's "
        "dignity and right to privacy when posting photos or videos footage without their "
        "permission.",
        "Only post what you may post, and respect people's dignity and privacy in photos and "
        "videos.",
    ),
    Clause(
        "8",
        "8 Be respectful",
        "Always remember to maintain a level of professionalism when dealing with dissenting "
        "opinions or attacks from your followers on social networks. Respect your colleagues "
        'and talk to people online as you would to "real people" in professional situations. '
        "Do not post anything you would not like to see quoted in the media. Try not to be "
        "overtly personal with responses and consequently, do not react in haste.",
        "Stay professional with people who disagree, and don't react in haste.",
    ),
    Clause(
        "9",
        "9 Respond to mistakes",
        "If you make an error, do not delete your content as a solution – be up front about "
        "your mistakes and correct them quickly.",
        "If you get something wrong, correct it openly rather than deleting it.",
    ),
    Clause(
        "10",
        "10 Don't be baited",
        "It's easy to get into a heated argument on the Internet; there are people who will "
        "post inflammatory comments just to incite a reaction. By being thoughtful, remaining "
        "calm and only responding with measured comments you can openly deal with such "
        "situations. Seek support when you need it from your colleagues.",
        "Some people post to provoke: stay calm, step back, and ask colleagues for support.",
    ),
    Clause(
        "ok-to-post",
        # The embargo rule enforces this list's "(and non-embargoed)": said first, so a card
        # for a breach never reads as if the post were "OK to post".
        "Share only non-embargoed material",
        "Publicly available (and non-embargoed) Amnesty International press releases, "
        "statements or other publicly released information.",
        "Share only what has been published; wait until an embargo lifts.",
    ),
    Clause(
        "might-be-problematic",
        "Might be problematic",
        "Consult your manager or an appropriate member of staff before sharing this type of "
        "information: legislation or advocacy positions pending approval by Amnesty "
        "International.",
        "Check with your manager before posting about positions that are still pending.",
    ),
    Clause(
        "dns-financial",
        "Do not share: financial information",
        "Do not share: Amnesty International financial information.",
        "Don't share the organisation's financial information.",
    ),
    Clause(
        "dns-people",
        "Do not share: sensitive information about people",
        "Do not share: any sensitive or confidential information about people or "
        "organizations obtained in the course of your work for Amnesty International.",
        "Don't share sensitive or confidential information about people.",
    ),
    Clause(
        "dns-employee",
        "Do not share: employee information",
        "Do not share: any employee information.",
        "Don't share information about colleagues' employment.",
    ),
    Clause(
        "dns-internal",
        "Do not share: internal communications",
        "Do not share: Amnesty International internal communications.",
        "Don't share internal communications or links to internal systems.",
    ),
    Clause(
        "dns-endorsement",
        "Do not share: endorsement",
        "Do not share: endorsement of political parties or their candidates.",
        "Don't endorse political parties or their candidates.",
    ),
]

CLAUSES: dict[str, Clause] = {c.key: c for c in _CLAUSES}


def clause(key: str) -> Clause:
    try:
        return CLAUSES[key]
    except KeyError:
        raise KeyError(f"no policy clause {key!r}; known: {', '.join(CLAUSES)}") from None
