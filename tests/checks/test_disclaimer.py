"""TRN101: a disclaimer read from its grammar (what is disclaimed, whose it is, whom it does
not speak for) in every supported language, with paraphrased, third-person and misspelt
forms; and the hard cases that only look like one. Invented examples; the real development
set is scored at the end when it is present."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from checks.normalize import normalize
from checks.transparency import find_disclaimer

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT.parent / "shared" / "data" / "real" / "trn101"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.mark.parametrize(
    "bio",
    [
        "Press officer. Views my own.",
        "Researcher. Opinions expressed here are solely my own.",
        "Campaigner. Tweets, opinions & bad jokes belong to me!",
        "Editor. The views expressed are entirely her own.",
        "Analyst. My views do not represent those of my employer.",
        "Lecturer. Opinions not shared by my employers.",
        "Organiser. Not speaking on behalf of my employer.",
        "Writer. I tweet my views, no one else's.",
        "Reporter (these posts are my views, not the newsroom's).",
        "This is my private account.",
        "Personal account of a press officer.",
        "Representing myself.",
        "Opinons are my own.",
        "Veiws my own.",
        "Campagnes. Les opinions exprimées n'engagent que moi.",
        "Investigadora. Las opiniones son mías y no representan a mi empleador.",
        "Referentin. Tweets sind privat.",
        "Pesquisadora. As opiniões são minhas.",
        "Ricercatrice. Le opinioni espresse sono personali.",
        "Onderzoeker. Meningen zijn mijn eigen.",
        "باحث. الآراء الواردة شخصية.",
        "Meine Meinung.",
    ],
)
def test_disclaimers(bio: str) -> None:
    assert find_disclaimer(normalize(bio)) is not None


@pytest.mark.parametrize(
    "bio",
    [
        "Personal trainer and radio personality.",
        "Opinionated about coffee.",
        "My own boss. All pictures are my own.",
        "RTs ≠ endorsements.",
        "Retweets and likes are not endorsements.",
        "Views rarely my own.",
        "All opinions are those of my cats!",
        "Standard disclaimers apply.",
        "Privatdozent für Geschichte.",
        "Follow my personal account: @someone_else",
        "Blog about personal finance and private equity.",
        "View from the sixth floor.",
        "Have complete control over your own thoughts.",
        "Entrenador personal y fotógrafo.",
        "Meine Meinung zu Fußball: siehe Blog.",
        "Mi cuenta personal de Instagram: @otra_cuenta",
        "Posting about myself and my cats.",
        "Not affiliated with any company.",
        "I post my own art and photos.",
        "Sharing my thoughts on tech and design.",
    ],
)
def test_not_disclaimers(bio: str) -> None:
    assert find_disclaimer(normalize(bio)) is None


@pytest.mark.parametrize(
    "bio",
    [
        # paraphrased, in the third person, with other subjects and predicates
        "Her tweets are her own.",
        "Opinions are her own, not her employer's.",
        "Views expressed do not necessarily reflect those of my employer.",
        "Everything I say here is my own opinion.",
        "Tweets reflect my own views, not my organisation's.",
        "Thoughts = mine.",
        "Tweeting for myself.",
        "Ich twittere hier privat.",
        # the same kinds of language in the other languages
        "Les propos tenus ici n'engagent pas mon employeur.",
        "Ce compte est personnel.",
        "Mes tweets sont les miens.",
        "Las opiniones aquí expresadas son personales.",
        "Mis tuits no representan a mi empresa.",
        "Meine Meinung, nicht die meines Arbeitgebers.",
        "Tweets spiegeln meine persönliche Meinung wider.",
        "Äußerungen sind meine eigenen.",
        "As opiniões não representam a minha empresa.",
        "Conta pessoal.",
        "Le opinioni espresse non rappresentano il mio datore di lavoro.",
        "Account personale.",
        "Berichten zijn niet namens mijn werkgever.",
        "Mening is persoonlijk.",
        "حساب شخصي",
        "الآراء لا تمثل جهة عملي",
        "تغريداتي تعبر عن رأيي الشخصي",
        "آرائي تعبر عني فقط",
        "Las opiniones son solo mías.",
    ],
)
def test_disclaimers_by_kind_in_every_language(bio: str) -> None:
    assert find_disclaimer(normalize(bio)) is not None


def test_evidence_is_the_disclaiming_clause() -> None:
    bio = "Campaigner at Example. Football fan. Opinions are mine alone!"
    view = normalize(bio)
    found = find_disclaimer(view)
    assert found is not None
    assert view.evidence("bio", found.start(), found.end())["text"] == "Opinions are mine alone"


def test_real_development_set() -> None:
    if not (REAL / "items.jsonl").exists():
        if IN_CI:
            pytest.fail(f"the real development set is required in CI: {REAL}")
        pytest.skip("the real development set (../shared/data/real/trn101) is not here")
    with open(REAL / "items.jsonl", encoding="utf-8") as f:
        bios = {(d := json.loads(line))["id"]: d["bio"] for line in f}
    with open(REAL / "labels.jsonl", encoding="utf-8") as f:
        missing = {(d := json.loads(line))["id"]: d["expected"] for line in f}
    fired = {i for i, bio in bios.items() if find_disclaimer(normalize(bio)) is None}
    tp = sum(1 for i in fired if missing[i])
    precision, recall = tp / len(fired), tp / sum(missing.values())
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)
