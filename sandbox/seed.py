"""The seeded world: invented staff, their accounts and posts, and a three-week script.

Every person, handle, phone number and address here is invented (handles on `.test` and
`.example` domains, phone numbers from the UK's drama range). The posts are written to make
each rule in `policy/RULES.md` fire at least once and to give each a hard negative that must
not fire; the script (`SCRIPT`) plays out every lifecycle case the collectors must record:
edits, deletions, deleted-then-corrected, a flagged post deleted, corrections by reply,
quote and edit, a repost whose original is deleted, a Bluesky record rewritten in place, a
bio losing its disclaimer, a handle change, an account going protected, one suspended, one
deactivated (and back) and one deactivated for good.

`DEMO_CONFIG` is the configuration that matches this world (parties, embargo, pending
position); `socialaudit sandbox config` prints it with the sandbox's URL filled in.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sandbox.world import (
    ACTIVE,
    DEACTIVATED,
    PROTECTED,
    SUSPENDED,
    SandboxPerson,
    SandboxPost,
    World,
)

# A Monday, so the script's days fall in known ISO weeks (2026-W45 .. 2026-W48).
DEFAULT_START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
EMBARGO_LIFTS = timedelta(days=9)
OFFICIAL = "https://www.amnesty.org/en"

D = timedelta(days=1)
H = timedelta(hours=1)
M = timedelta(minutes=1)

DISCLAIMER = {
    "en": "Views my own.",
    "fr": "Opinions personnelles.",
    "es": "Opiniones personales.",
    "de": "Meine Meinung.",
    "pt": "Opiniões pessoais.",
    "it": "Opinioni personali.",
    "ar": "الآراء شخصية.",
}

# (name, email, team, role, timezone, language, {platform: handle})
PEOPLE: list[tuple[str, str, str, str, str, str, dict[str, str]]] = [
    (
        "Ana Lima",
        "ana.lima@staff.example",
        "Campaigns",
        "spokesperson",
        "Europe/Lisbon",
        "pt",
        {"x": "ana_lima_sbx", "bluesky": "ana-lima.sandbox.test", "mastodon": "ana"},
    ),
    (
        "Ben Okafor",
        "ben.okafor@staff.example",
        "Press",
        "spokesperson",
        "Europe/London",
        "en",
        {"x": "ben_okafor_sbx", "bluesky": "ben-okafor.sandbox.test"},
    ),
    (
        "Chloé Martin",
        "chloe.martin@staff.example",
        "Research",
        "spokesperson",
        "Europe/Paris",
        "fr",
        {"x": "chloe_m_sbx", "mastodon": "chloe"},
    ),
    (
        "Dev Patel",
        "dev.patel@staff.example",
        "Digital",
        "staff",
        "Europe/London",
        "en",
        {"bluesky": "dev-patel.sandbox.test", "mastodon": "dev"},
    ),
    (
        "Elena García",
        "elena.garcia@staff.example",
        "Americas",
        "spokesperson",
        "America/Mexico_City",
        "es",
        {"x": "elena_g_sbx", "bluesky": "elena-garcia.sandbox.test"},
    ),
    (
        "Farid Haddad",
        "farid.haddad@staff.example",
        "Middle East",
        "spokesperson",
        "Asia/Beirut",
        "ar",
        {"x": "farid_h_sbx", "mastodon": "farid"},
    ),
    (
        "Grace Kim",
        "grace.kim@staff.example",
        "Fundraising",
        "staff",
        "Europe/London",
        "en",
        {"x": "grace_kim_sbx", "bluesky": "grace-kim.sandbox.test"},
    ),
    (
        "Hugo Weber",
        "hugo.weber@staff.example",
        "Law and Policy",
        "spokesperson",
        "Europe/Berlin",
        "de",
        {"bluesky": "hugo-weber.sandbox.test", "mastodon": "hugo"},
    ),
    (
        "Isla Murray",
        "isla.murray@staff.example",
        "People",
        "staff",
        "Europe/London",
        "en",
        {"x": "isla_m_sbx"},
    ),
    (
        "Jonas Berg",
        "jonas.berg@staff.example",
        "Crisis Response",
        "spokesperson",
        "Europe/Oslo",
        "en",
        {"x": "jonas_b_sbx", "bluesky": "jonas-berg.sandbox.test"},
    ),
    (
        "Kemi Adeyemi",
        "kemi.adeyemi@staff.example",
        "Africa",
        "spokesperson",
        "Africa/Lagos",
        "en",
        {"bluesky": "kemi-a.sandbox.test", "mastodon": "kemi"},
    ),
    (
        "Luca Rossi",
        "luca.rossi@staff.example",
        "Media",
        "staff",
        "Europe/Rome",
        "it",
        {"x": "luca_r_sbx", "mastodon": "luca"},
    ),
]

BIOS = {
    "Ana Lima": "Campaigner at Amnesty International. {d}",
    "Ben Okafor": "Press officer, Amnesty International UK. {d}",
    "Chloé Martin": "Chercheuse chez Amnistie internationale. {d}",
    "Dev Patel": "Digital team @ Amnesty. {d}",
    # TRN102: a disclaimer but no affiliation anywhere in the profile
    "Elena García": "Derechos humanos en las Américas. {d}",
    "Farid Haddad": "Amnesty International, Middle East. {d}",
    "Grace Kim": "Fundraising at Amnesty International. {d}",
    "Hugo Weber": "Recht und Politik bei Amnesty International. {d}",
    "Isla Murray": "People team at Amnesty. {d}",
    # TRN101: names the organisation, no personal-views disclaimer
    "Jonas Berg": "Crisis response at Amnesty International.",
    "Kemi Adeyemi": "Africa researcher, Amnesty International. {d}",
    "Luca Rossi": "Media, Amnesty International Italia. {d}",
}

POLITICS = {
    "country": "GB",
    "parties": ["Progress Alliance"],
    "candidates": ["Jordan Vale"],
    "accounts": ["@ProgressAlliance", "@progressalliance.sandbox.test", "@progress@social.example"],
}
EMBARGO = {
    "title": "State of Rights Report 2027",
    "url": f"{OFFICIAL}/documents/state-of-rights-2027/",
    "keywords": ["state of rights report 2027"],
}
PENDING = {"topic": "Digital identity cards", "keywords": ["digital ID cards", "digital ID card"]}

ORDINARY = [
    "Our researchers documented {n} cases this month. Read more: {official}/latest/news/",
    "Thank you to everyone who signed the petition for the release of prisoners of conscience.",
    "Heading to the vigil this evening. #HumanRights",
    "New briefing out today on the right to protest: {official}/documents/protest/",
    "Good conversation at the panel on refugee rights today.",
    "Reminder: our annual write-a-thon starts next month. #WriteForRights",
]


def _person_accounts(world: World) -> dict[str, dict[str, str]]:
    keys: dict[str, dict[str, str]] = {}
    for name, email, team, role, tz, lang, handles in PEOPLE:
        person = world.add_person(SandboxPerson(name, email, team, role, tz, lang))
        slug = name.split()[0].lower().replace("é", "e")
        keys[name] = {}
        for platform, handle in handles.items():
            bio = BIOS[name].format(d=DISCLAIMER.get(lang, DISCLAIMER["en"]))
            url = f"{OFFICIAL}/about-us/" if name not in ("Elena García", "Jonas Berg") else None
            fields: list[tuple[str, str]] = []
            if platform == "mastodon":
                fields = [("Work", "https://www.amnesty.org"), ("Pronouns", "they/them")]
            account = world.add_account(
                platform,
                slug,
                handle,
                name,
                person=person,
                bio=bio,
                url=url,
                fields=fields,
            )
            keys[name][platform] = account.key
    return keys


def _outsiders(world: World) -> None:
    world.add_account(
        "x",
        "party",
        "ProgressAlliance",
        "Progress Alliance",
        bio="The official account of the Progress Alliance party.",
    )
    world.add_account(
        "x",
        "candidate",
        "JordanValeMP",
        "Jordan Vale",
        bio="Progress Alliance candidate for Riverside.",
    )
    world.add_account("x", "critic", "loud_critic_sbx", "Loud Critic", bio="I say what I think.")
    world.add_account(
        "bluesky",
        "party",
        "progressalliance.sandbox.test",
        "Progress Alliance",
        bio="Official account.",
    )
    world.add_account("bluesky", "critic", "critic.sandbox.test", "A Critic", bio="Opinions.")
    world.add_account(
        "mastodon", "critic", "critic", "Critic", bio="Contrarian.", instance="other.example"
    )
    world.add_account("mastodon", "party", "progress", "Progress Alliance", bio="Party news.")


def build_world(start: datetime = DEFAULT_START) -> World:
    """The seeded world at `start`, with its script scheduled over the following weeks."""
    world = World(start)
    acc = _person_accounts(world)
    _outsiders(world)
    post = world.add_post

    # Ordinary history for every registered account: the quiet majority of posts.
    for n, (_name, platforms) in enumerate(acc.items()):
        for key in platforms.values():
            for i in range(3):
                text = ORDINARY[(n + i) % len(ORDINARY)].format(n=12 + n, official=OFFICIAL)
                post(key, text, ago=(6 - i) * D + n * H)

    # -- rules, each with a hard negative --------------------------------------------------
    # NPT201 political-endorsement / negative: a resolution is not a party.
    post(acc["Ana Lima"]["x"], "Vote for Jordan Vale on Thursday! #VoteProgress", ago=2 * D)
    post(
        acc["Ana Lima"]["bluesky"],
        f"Vote for the resolution at the Human Rights Council today. #EndTorture "
        f"{OFFICIAL}/latest/news/resolution/",
        ago=2 * D + 2 * H,
    )
    # NPT202 amplifies-political-account / negative: reposting a colleague.
    party_x = post("x:party", "Our manifesto launches today. Join us!", ago=3 * D)
    post(acc["Ben Okafor"]["x"], "", repost_of=party_x, ago=3 * D - H)
    party_bsky = post("bluesky:party", "Progress Alliance: our plan for Riverside.", ago=3 * D)
    post(acc["Jonas Berg"]["bluesky"], "", repost_of=party_bsky, ago=3 * D - 2 * H)
    kemi_report = post(
        acc["Kemi Adeyemi"]["bluesky"],
        f"Our new report on forced evictions is out. {OFFICIAL}/documents/evictions/",
        ago=4 * D,
    )
    post(acc["Dev Patel"]["bluesky"], "", repost_of=kemi_report, ago=4 * D - H)
    # CNF301 confidential-marker / negative: reporting on a leak, with an official link.
    post(
        acc["Dev Patel"]["mastodon"],
        "Internal memo, do not forward: the regional restructuring goes ahead next month.",
        ago=2 * D,
    )
    post(
        acc["Chloé Martin"]["x"],
        f"The leaked 'confidential' police report confirms the abuses we documented: "
        f"{OFFICIAL}/documents/police-abuses/",
        ago=2 * D,
    )
    # CNF302 internal-link / negative: an official link.
    post(
        acc["Grace Kim"]["x"],
        "Draft campaign plan is here if you want to comment: "
        "https://amnesty.sharepoint.com/sites/campaigns/plan-2027.docx",
        ago=1 * D,
    )
    post(
        acc["Grace Kim"]["x"],
        f"Our campaign plan for 2027 is public: {OFFICIAL}/campaigns/",
        ago=1 * D - 3 * H,
    )
    # CNF303 financial-information / negative: the same kind of figure, officially sourced.
    post(
        acc["Grace Kim"]["bluesky"],
        "Between us: our fundraising budget is down 12% this year, a £2.4m deficit for the "
        "organisation.",
        ago=2 * D,
    )
    post(
        acc["Grace Kim"]["bluesky"],
        f"Donations to Amnesty rose 8% last year, see our published accounts: "
        f"{OFFICIAL}/about-us/finances/",
        ago=2 * D - 5 * H,
    )
    # CNF304 employee-information / negative: a colleague named, no HR facts.
    post(
        acc["Isla Murray"]["x"],
        "Sad to say @ben_okafor_sbx is on sick leave again and facing a disciplinary next week.",
        ago=1 * D,
    )
    post(acc["Isla Murray"]["x"], "Congratulations @chloe_m_sbx on the new report!", ago=20 * H)
    # CNF305 personal-data / negative: the organisation's public contacts.
    post(
        acc["Farid Haddad"]["x"],
        "Families can reach the detainee's lawyer on +44 7700 900123 or nadia.lawyer@mail.example",
        ago=1 * D,
    )
    post(
        acc["Farid Haddad"]["x"],
        "Journalists: contact press@amnesty.org or +44 20 7413 5566.",
        ago=1 * D - 4 * H,
    )
    # EMB401 embargoed-content (before the lift) / negative: after the lift (scripted below).
    post(
        acc["Jonas Berg"]["x"],
        f"Sneak peek: the State of Rights Report 2027 shows detentions doubled {EMBARGO['url']}",
        ago=2 * D,
    )
    # PND402 pending-position / negative: identity in another sense.
    post(
        acc["Hugo Weber"]["mastodon"],
        "Digital ID cards will put millions of people at risk of exclusion.",
        ago=1 * D,
    )
    post(
        acc["Hugo Weber"]["mastodon"],
        "Identity and dignity go together in every asylum case.",
        ago=1 * D - H,
    )
    # RSP501 disrespectful-language / negative: strong words about an act, not a person.
    critic_bsky = post("bluesky:critic", "Amnesty staff are useless hypocrites.", ago=30 * H)
    post(
        acc["Kemi Adeyemi"]["bluesky"],
        "You are an idiot and a liar, go away.",
        reply_to=critic_bsky,
        ago=26 * H,
    )
    post(
        acc["Kemi Adeyemi"]["bluesky"],
        "This attack on press freedom is a disgrace and must be investigated.",
        ago=20 * H,
    )
    # RSP502 hasty-reply (3 minutes after a hostile post) / negative: a calm, later reply.
    critic_x = post("x:critic", "You people are a disgrace and liars, shut up.", ago=10 * H)
    post(
        acc["Luca Rossi"]["x"],
        "That's not true and you know it.",
        reply_to=critic_x,
        ago=10 * H - 3 * M,
    )
    question = post("x:candidate", "Will Amnesty publish the data behind the report?", ago=9 * H)
    post(
        acc["Luca Rossi"]["x"],
        f"Yes, the data is here: {OFFICIAL}/documents/data/",
        reply_to=question,
        ago=7 * H,
    )
    # RSP503 heated-exchange: four replies to a hostile account within hours.
    previous: SandboxPost | None = None
    for i in range(4):
        taunt = post(
            "mastodon:critic",
            f"Pathetic answer number {i + 1}, you clowns.",
            reply_to=previous,
            ago=(8 - i) * H,
        )
        previous = post(
            acc["Kemi Adeyemi"]["mastodon"],
            f"I have answered this already, point {i + 1}.",
            reply_to=taunt,
            ago=(8 - i) * H - 10 * M,
        )
    # RSP503 negative: the same number of replies to a colleague asking friendly questions.
    previous = None
    for i in range(4):
        question = post(
            acc["Luca Rossi"]["mastodon"],
            f"Quick question {i + 1} about the launch?",
            reply_to=previous,
            ago=(8 - i) * H,
        )
        previous = post(
            acc["Hugo Weber"]["mastodon"],
            f"Good question, answer {i + 1} is yes.",
            reply_to=question,
            ago=(8 - i) * H - 20 * M,
        )
    # LAW601 possible-defamation / negative: a state, not a private person.
    post(
        acc["Elena García"]["x"],
        "John Smithers, the landlord on Calle Mayor, is a thief and a fraudster.",
        ago=3 * D,
    )
    post(
        acc["Elena García"]["x"],
        "The government tortured him and must answer for it.",
        ago=3 * D - H,
    )
    # LAW602 possible-contempt-of-court / negative: observing the trial.
    post(
        acc["Farid Haddad"]["mastodon"],
        "The defendant in the Harbour Street trial is clearly guilty, whatever the jury says.",
        ago=2 * D,
    )
    post(
        acc["Farid Haddad"]["mastodon"],
        "We are observing the Harbour Street trial against fair-trial standards.",
        ago=2 * D - H,
    )
    # CPY701 media-consent-check / negative: a chart, and an official photo.
    post(
        acc["Dev Patel"]["bluesky"],
        "Seen today at the border camp.",
        media=[{"type": "image", "alt": "Children detained behind a fence at the border camp"}],
        ago=1 * D,
    )
    post(
        acc["Dev Patel"]["bluesky"],
        "Detentions by year, from our report.",
        media=[{"type": "image", "alt": "Bar chart of detention figures by year"}],
        ago=20 * H,
    )
    post(
        acc["Elena García"]["bluesky"],
        "Protesters in the capital today (video).",
        media=[{"type": "video", "alt": "Protesters marching with banners"}],
        ago=22 * H,
    )
    # A long X post (over 280 characters: the API gives it whole in note_tweet.text).
    post(
        acc["Jonas Berg"]["x"],
        "Back from the border crossing. Families told us about days without water, children "
        "sleeping in the open and no access to lawyers. We are documenting every account and "
        "will publish our findings with the evidence, so that the authorities can be held to "
        "their obligations under international law. Thank you to everyone who spoke to us.",
        ago=4 * D,
    )
    # An external link card and a multilingual post with mentions and tags (facets).
    post(
        acc["Chloé Martin"]["x"],
        "Rapport sur les défenseurs : lisez-le ! #Droits",
        ago=5 * D,
        lang="fr",
    )
    post(
        acc["Hugo Weber"]["bluesky"],
        "Neuer Bericht – lesenswert, @kemi-a.sandbox.test! #Asyl",
        link_card={
            "uri": f"{OFFICIAL}/documents/asylum/",
            "title": "Asylum report",
            "description": "Our findings.",
        },
        ago=5 * D,
        lang="de",
    )

    _script(world, acc)
    return world


def _script(world: World, acc: dict[str, dict[str, str]]) -> None:
    """The lifecycle events, at fixed offsets from the start."""
    post = world.add_post
    made: dict[str, SandboxPost] = {}

    def at(offset: timedelta, description: str) -> Callable:
        def register(action: Callable[[World], None]) -> Callable[[World], None]:
            world.at(offset, description, action)
            return action

        return register

    # Posts that later change, published before the start.
    made["ben_deleted"] = post(
        acc["Ben Okafor"]["x"], "The minister lied to parliament about the arms sales.", ago=1 * D
    )
    made["ana_wrong"] = post(
        acc["Ana Lima"]["bluesky"],
        "Over 5,000 people were detained last year, says our report.",
        ago=1 * D,
    )
    made["elena_rewrite"] = post(
        acc["Elena García"]["bluesky"], "Join our webinar on Tuesday at 5pm.", ago=6 * H
    )
    made["hugo_quote_src"] = post(
        acc["Hugo Weber"]["bluesky"], "The asylum ruling is due on Friday.", ago=8 * H
    )
    made["luca_edit"] = post(
        acc["Luca Rossi"]["mastodon"], "Our office will be closed on Monday.", ago=1 * H
    )
    made["isla_original"] = post(
        acc["Isla Murray"]["x"], "We are hiring: a new role on the People team.", ago=2 * D
    )
    post(acc["Luca Rossi"]["x"], "", repost_of=made["isla_original"], ago=2 * D - H)

    @at(10 * M, "Ana edits her X post within the edit window")
    def _ana_edit(w: World) -> None:
        made["ana_x_edit"] = post(acc["Ana Lima"]["x"], "Our new report is out todya.")
        w.edit_post(made["ana_x_edit"], "Our new report is out today.")

    @at(2 * H, "Luca edits a Mastodon post (edited_at, history)")
    def _luca_edit(w: World) -> None:
        w.edit_post(made["luca_edit"], "Our office will be closed on Monday and Tuesday.")

    @at(5 * H, "Elena's Bluesky record is rewritten in place (same URI, new CID)")
    def _elena_rewrite(w: World) -> None:
        w.edit_post(made["elena_rewrite"], "Join our webinar on Wednesday at 5pm.")

    @at(6 * H, "Ana corrects her Bluesky post with a self-reply")
    def _ana_reply(w: World) -> None:
        post(
            acc["Ana Lima"]["bluesky"],
            "Correction: it was over 500 people, not 5,000. Sorry for the error.",
            reply_to=made["ana_wrong"],
        )

    @at(12 * H, "Hugo corrects his Bluesky post with a quote")
    def _hugo_quote(w: World) -> None:
        post(
            acc["Hugo Weber"]["bluesky"],
            "Correction: the ruling is now due on Monday.",
            quote_of=made["hugo_quote_src"],
        )

    @at(14 * H, "Chloé posts a wrong figure on X")
    def _chloe_wrong(w: World) -> None:
        made["chloe_wrong"] = post(
            acc["Chloé Martin"]["x"], "The report says 3,000 people were detained."
        )

    @at(1 * D, "Ben deletes a post without correcting it")
    def _deletions(w: World) -> None:
        w.delete_post(made["ben_deleted"])

    # After the day-1 round has seen the wrong figure: a post deleted before any round saw
    # it leaves nothing to decide.
    @at(1 * D + 1 * H, "Chloé deletes her wrong figure")
    def _chloe_deletes(w: World) -> None:
        w.delete_post(made["chloe_wrong"])

    @at(1 * D + 3 * H, "Chloé posts the correction of the deleted post")
    def _chloe_fix(w: World) -> None:
        post(acc["Chloé Martin"]["x"], "Correction: the report says 300 people were detained.")

    @at(1 * D + 4 * H, "Kemi deletes the report post that Dev reposted; Isla deletes hers")
    def _original_deleted(w: World) -> None:
        for candidate in w.posts.values():
            if (
                candidate.account == acc["Kemi Adeyemi"]["bluesky"]
                and "evictions" in candidate.text
            ):
                w.delete_post(candidate)
        w.delete_post(made["isla_original"])

    @at(1 * D + 5 * H, "Grace deletes her flagged SharePoint link (deleted after a flag)")
    def _grace_deletes(w: World) -> None:
        for candidate in w.posts.values():
            if candidate.account == acc["Grace Kim"]["x"] and "sharepoint" in candidate.text:
                w.delete_post(candidate)

    @at(2 * D, "Grace changes her Bluesky handle")
    def _handle(w: World) -> None:
        w.update_profile(acc["Grace Kim"]["bluesky"], handle="gracekim.sandbox.test")

    @at(3 * D, "Ben's Bluesky bio loses its disclaimer")
    def _bio(w: World) -> None:
        w.update_profile(
            acc["Ben Okafor"]["bluesky"], bio="Press officer, Amnesty International UK."
        )

    @at(4 * D, "Isla's X account goes protected")
    def _protected(w: World) -> None:
        w.set_status(acc["Isla Murray"]["x"], PROTECTED)

    @at(5 * D, "Farid's Mastodon account is suspended")
    def _suspended(w: World) -> None:
        w.set_status(acc["Farid Haddad"]["mastodon"], SUSPENDED)

    @at(6 * D, "Hugo deactivates his Bluesky account")
    def _deactivated(w: World) -> None:
        w.set_status(acc["Hugo Weber"]["bluesky"], DEACTIVATED)

    @at(7 * D, "Ana deactivates her Mastodon account for good")
    def _deactivated_for_good(w: World) -> None:
        w.set_status(acc["Ana Lima"]["mastodon"], DEACTIVATED)

    @at(8 * D, "Hugo reactivates his Bluesky account (his posts reappear)")
    def _reactivated(w: World) -> None:
        w.set_status(acc["Hugo Weber"]["bluesky"], ACTIVE)

    @at(EMBARGO_LIFTS + 2 * H, "The report is public: Jonas shares it after the embargo")
    def _after_embargo(w: World) -> None:
        post(acc["Jonas Berg"]["x"], f"Out now: the State of Rights Report 2027. {EMBARGO['url']}")

    # Ordinary posting across three weeks, so every weekly report has something.
    for day in range(1, 21):

        @at(day * D + 3 * H, f"day {day}: ordinary posts")
        def _daily(w: World, day: int = day) -> None:
            for n, platforms in enumerate(acc.values()):
                if (n + day) % 4:
                    continue
                for key in platforms.values():
                    if w.accounts[key].status == ACTIVE:
                        post(
                            key,
                            ORDINARY[(n + day) % len(ORDINARY)].format(
                                n=day + n, official=OFFICIAL
                            ),
                        )


# What the checks should make of the world, rule by rule: (code, fires, account key, where).
# `where` is "profile" or a fragment of the post's text; posts made by the script exist
# once the clock has passed their time (see `rule_examples`).
EXPECTED: list[tuple[str, bool, str, str]] = [
    ("TRN101", True, "bluesky:jonas", "profile"),
    ("TRN101", False, "bluesky:ana", "profile"),
    ("TRN102", True, "x:elena", "profile"),
    ("TRN102", False, "x:ana", "profile"),
    ("TRN103", True, "bluesky:ben", "profile"),
    ("TRN103", False, "bluesky:grace", "profile"),
    ("NPT201", True, "x:ana", "Vote for Jordan Vale"),
    ("NPT201", False, "bluesky:ana", "Vote for the resolution"),
    ("NPT202", True, "x:ben", "repost:Our manifesto launches today"),
    ("NPT202", True, "bluesky:jonas", "repost:Progress Alliance: our plan"),
    ("NPT202", False, "bluesky:dev", "repost:forced evictions"),
    ("CNF301", True, "mastodon:dev", "Internal memo, do not forward"),
    ("CNF301", False, "x:chloe", "leaked 'confidential' police report"),
    ("CNF302", True, "x:grace", "amnesty.sharepoint.com"),
    ("CNF302", False, "x:grace", "Our campaign plan for 2027 is public"),
    ("CNF303", True, "bluesky:grace", "£2.4m deficit"),
    ("CNF303", False, "bluesky:grace", "Donations to Amnesty rose 8%"),
    ("CNF304", True, "x:isla", "sick leave again"),
    ("CNF304", False, "x:isla", "Congratulations @chloe_m_sbx"),
    ("CNF305", True, "x:farid", "+44 7700 900123"),
    ("CNF305", False, "x:farid", "press@amnesty.org"),
    ("EMB401", True, "x:jonas", "Sneak peek: the State of Rights Report 2027"),
    ("EMB401", False, "x:jonas", "Out now: the State of Rights Report 2027"),
    ("PND402", True, "mastodon:hugo", "Digital ID cards"),
    ("PND402", False, "mastodon:hugo", "Identity and dignity"),
    ("RSP501", True, "bluesky:kemi", "You are an idiot and a liar"),
    ("RSP501", False, "bluesky:kemi", "This attack on press freedom"),
    ("RSP502", True, "x:luca", "That's not true and you know it."),
    ("RSP502", False, "x:luca", "Yes, the data is here"),
    ("RSP503", True, "mastodon:kemi", "I have answered this already, point 4."),
    ("RSP503", False, "mastodon:hugo", "Good question, answer 4 is yes."),
    ("LAW601", True, "x:elena", "John Smithers"),
    ("LAW601", False, "x:elena", "The government tortured him"),
    ("LAW602", True, "mastodon:farid", "is clearly guilty"),
    ("LAW602", False, "mastodon:farid", "We are observing the Harbour Street trial"),
    ("CPY701", True, "bluesky:dev", "Seen today at the border camp."),
    ("CPY701", False, "bluesky:dev", "Detentions by year"),
    ("MST801", True, "x:ben", "The minister lied to parliament"),
    ("MST801", False, "x:chloe", "The report says 3,000 people were detained."),
]


def rule_examples(world: World) -> list[tuple[str, bool, str, SandboxPost | None]]:
    """`EXPECTED` with each post found in the world (None for a profile example).

    Raises LookupError for an example whose post does not exist (yet).
    """
    found = []
    for code, fires, key, where in EXPECTED:
        if where == "profile":
            if key not in world.accounts:
                raise LookupError(f"{code}: no account {key}")
            found.append((code, fires, key, None))
            continue
        repost = where.startswith("repost:")
        fragment = where.removeprefix("repost:")
        matches = []
        for candidate in world.posts.values():
            if candidate.account != key or bool(candidate.repost_of) != repost:
                continue
            shown = candidate
            if repost:
                shown = world.post(candidate.platform, candidate.repost_of or "")  # type: ignore[assignment]
            texts = [shown.text, *(text for _, text in shown.history)] if shown else []
            if any(fragment in text for text in texts):
                matches.append(candidate)
        if len(matches) != 1:
            raise LookupError(f"{code}: {len(matches)} posts of {key} match {where!r}")
        found.append((code, fires, key, matches[0]))
    return found


def people_csv(world: World) -> str:
    """The registry CSV (README "People CSV") for the world's people and handles."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "name",
            "email",
            "team",
            "role",
            "nudges",
            "timezone",
            "language",
            "x",
            "bluesky",
            "mastodon",
        ]
    )
    for person in world.people:
        handles: dict[str, list[str]] = {"x": [], "bluesky": [], "mastodon": []}
        for key in person.accounts:
            account = world.accounts[key]
            handles[account.platform].append(account.acct)
        writer.writerow(
            [
                person.name,
                person.email,
                person.team,
                person.role,
                "yes",
                person.timezone,
                person.language,
                " ".join(handles["x"]),
                " ".join(handles["bluesky"]),
                " ".join(handles["mastodon"]),
            ]
        )
    return out.getvalue()


def demo_config(url: str, start: datetime = DEFAULT_START) -> str:
    """TOML for the demo: platforms pointed at the sandbox, politics, embargo, pending."""
    lifts = (start + EMBARGO_LIFTS).strftime("%Y-%m-%dT%H:%M:%SZ")

    def toml_list(values: list[str]) -> str:
        return "[" + ", ".join(f'"{v}"' for v in values) + "]"

    return "\n".join(
        [
            "# socialaudit configuration for the local sandbox (socialaudit sandbox config)",
            "[platforms.x]",
            f'base_url = "{url}"',
            "[platforms.bluesky]",
            f'base_url = "{url}"',
            "[platforms.mastodon]",
            f'base_url = "{url}"',
            "",
            "[[politics]]",
            f'country = "{POLITICS["country"]}"',
            f"parties = {toml_list(POLITICS['parties'])}",
            f"candidates = {toml_list(POLITICS['candidates'])}",
            f"accounts = {toml_list(POLITICS['accounts'])}",
            "",
            "[[embargoes]]",
            f'title = "{EMBARGO["title"]}"',
            f'url = "{EMBARGO["url"]}"',
            f"keywords = {toml_list(EMBARGO['keywords'])}",
            f"lifts_at = {lifts}",
            "",
            "[[pending_positions]]",
            f'topic = "{PENDING["topic"]}"',
            f"keywords = {toml_list(PENDING['keywords'])}",
            "",
        ]
    )


def bulk_world(
    accounts: int,
    posts_per_account: int,
    platform: str = "bluesky",
    start: datetime = DEFAULT_START,
) -> World:
    """A plain world for benchmarks: `accounts` people with one account and N posts each."""
    world = World(start)
    for i in range(accounts):
        person = world.add_person(
            SandboxPerson(f"Bench Person {i:03d}", f"bench{i:03d}@staff.example", "Bench")
        )
        handle = {
            "bluesky": f"bench{i:03d}.sandbox.test",
            "x": f"bench_{i:03d}",
            "mastodon": f"bench{i:03d}",
        }[platform]
        key = world.add_account(
            platform,
            f"bench{i:03d}",
            handle,
            f"Bench {i:03d}",
            person=person,
            bio="Amnesty International. Views my own.",
        ).key
        for j in range(posts_per_account):
            world.add_post(
                key, f"Bench post {j} of account {i}.", ago=timedelta(hours=1 + j * 6 + i % 5)
            )
    return world
