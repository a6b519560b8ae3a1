"""Generated scan input: posts and profiles that read like a week of a staff's timelines.

Deterministic (seeded), streamed to a file line by line, so the benchmark input of any size
costs no memory to make. About one item in eight carries something a rule should catch, in
the proportions a real audit sees (mostly clean posts, a few replies to hostile accounts).
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

NAMES = [
    "Ana Lima",
    "Sam Okafor",
    "Li Wei",
    "Claire Dubois",
    "Pablo Martín",
    "Rania Haddad",
    "Kofi Asante",
    "Lena Krüger",
    "Jo Brennan",
    "Maya Rosen",
]
OPENERS = [
    "New report:",
    "Thread:",
    "Today",
    "Update:",
    "Heartbreaking:",
    "Good news!",
    "Reminder:",
    "Just back from the field.",
    "Huge thanks to everyone",
    "Breaking:",
    "Hoy",
    "Aujourd'hui",
    "Heute",
    "📢",
    "This week",
]
BODIES = [
    "the Westland government has detained {n} activists since January.",
    "we delivered {n} signatures to the embassy calling for Ahmed's release.",
    "survivors of the flood in Eastland camps still lack clean water.",
    "our researchers documented {n} cases of torture in Northland prisons.",
    "the UN Human Rights Council votes on the Eastland resolution this week.",
    "the march starts at 3pm at the town hall, bring a friend.",
    "journalists in Southland face jail for reporting on corruption.",
    "the death penalty is the ultimate cruel, inhuman and degrading punishment.",
    "presentamos nuestro informe sobre la violencia policial.",
    "nous demandons la libération immédiate des manifestants.",
    "wir fordern die Freilassung aller politischen Gefangenen.",
    "read the full briefing at https://www.amnesty.org/en/latest/news/2026/11/{n}/",
    "write to your MP about the arms trade treaty, whatever party.",
    "finally finished that book everyone was talking about.",
    "coffee first, then the 9am call with the Nairobi team.",
    "the court dismissed the case against the 12 activists. Justice!",
    "Vote for the resolution on refugee protection today, MEPs!",
]
TAGS = [
    "",
    "",
    "",
    " #FreeAhmed",
    " #WriteForRights",
    " #RefugeesWelcome",
    " #HumanRights",
    " #StopTorture",
    " #EndDeathPenalty",
]
TRIGGERS = [
    "Polls open! #VoteForJaneExample",
    "CONFIDENTIAL: draft strategy for next year, don't forward",
    "Call their lawyer directly on 020 7946 0321.",
    "Tough week: our fundraising income is down 18% and the deficit is now £3.2m.",
    "@critic_account you absolute clown, read the report.",
    "Can't believe my colleague @sam_example got a written warning.",
    "Notes: https://amnesty.sharepoint.com/sites/campaigns/notes",
    "Everyone should know that Mark Example stole money from the donors.",
    "The jury is out, but the defendant is guilty.",
    "This policy is garbage and the people who wrote it are stupid.",
]
HOSTILE = [
    "You people are pathetic liars, shame on you",
    "Shut up you moron",
    "you're a useless idiot",
    "Great thread, thanks!",
    "Where's the data from?",
]
BIOS = [
    "Campaigner at Amnesty International. Views my own.",
    "Researcher @amnesty. Tweets/views are my own",
    "Senior researcher, Amnesty International. East Asia and tech.",
    "Runner, reader, dog person.",
    "Portavoz de Amnistía Internacional. Las opiniones son mías.",
    "Chargée de campagne, Amnistie. Opinions personnelles.",
]


def _item(rng: random.Random, i: int) -> dict:
    start = datetime(2026, 11, 16, tzinfo=UTC)
    at = start + timedelta(seconds=i * 6)
    author = rng.choice(NAMES).split()[0].lower()
    if i % 20 == 0:
        return {
            "kind": "profile",
            "id": f"u{i}",
            "platform": "x",
            "handle": author,
            "display_name": author.title(),
            "bio": rng.choice(BIOS),
            "url": "",
        }
    if rng.random() < 0.08:
        text = rng.choice(TRIGGERS)
    else:
        text = f"{rng.choice(OPENERS)} {rng.choice(BODIES).format(n=rng.randint(2, 5000))}"
        text += rng.choice(TAGS)
    post: dict = {
        "kind": "post",
        "id": f"p{i}",
        "platform": rng.choice(["x", "bluesky"]),
        "author": author,
        "text": text,
        "created_at": at.isoformat(),
    }
    roll = rng.random()
    if roll < 0.15:
        post["reply_to_author"] = f"user{rng.randint(1, 300)}"
        post["reply_to_text"] = rng.choice(HOSTILE)
        post["reply_to_created_at"] = (at - timedelta(minutes=rng.randint(1, 90))).isoformat()
        post["conversation"] = f"c{rng.randint(1, 2000)}"
    elif roll < 0.2:
        post["links"] = [f"https://www.amnesty.org/en/latest/news/2026/11/{i}/"]
    elif roll < 0.23:
        post["media"] = [
            {
                "type": "photo",
                "alt": rng.choice(["Protesters at the embassy", "A chart of executions"]),
            }
        ]
    return post


def write(path: Path, count: int, seed: int = 5) -> Path:
    """Stream `count` generated items to `path` as JSON lines."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            out.write(json.dumps(_item(rng, i), ensure_ascii=False) + "\n")
    return path
