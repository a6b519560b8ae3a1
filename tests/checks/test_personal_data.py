"""CNF305 personal-data: numbers in every plausible plan, addresses by shape, e-mails, and
the hard negatives that stay silent. Invented examples; the real development set is scored
at the end when it is present."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from checks.engine import Engine, PostItem
from socialaudit.config import load_settings
from socialaudit.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT.parent / "shared" / "data" / "real" / "cnf305"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_settings(load_settings(None, environ={}))


def _evidence(engine: Engine, text: str, *, platform: str = "x", lang: str | None = None):
    item = PostItem("p", text=text, platform=platform, author="sam", lang=lang)
    results = [r for r in engine.check_batch([item])[0] if r.rule == "CNF305"]
    return [ev["text"] for r in results for ev in r.evidence]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        # US numbers in the ways people write them (the configured region is GB).
        ("Basements pumped for free! Call 403 288 1111 #floods", "403 288 1111"),
        ("For booking text (770)6482404 or use the link", "(770)6482404"),
        ("Book your next appointment: 212-2285577", "212-2285577"),
        ("Stranded passengers call 1-888-831-7176 for hotels", "1-888-831-7176"),
        ("Tell your rep (202 225-3031) to vote no", "202 225-3031"),
        # Vanity and hashtag numbers.
        ("Claims: call 1-800-621-FEMA today", "1-800-621-FEMA"),
        ("Lashes done right #2129441850 #saturday", "2129441850"),
        # Other countries' plans, with no language given.
        ("Numeri alternativi: 0789/69502 e 366/6617681", "0789/69502"),
        ("Centro de acopio (0295)2638052, favor RT", "(0295)2638052"),
        ("Precisamos de enfermeiros. Contato: Bia (55) 9155-2087", "(55) 9155-2087"),
        ("Informacion de rutas al 2210-2825", "2210-2825"),
        ("Relief goods needed, contact +63 223 5179", "+63 223 5179"),
        # A short local number after a word that says to call it.
        ("Pets left behind? Call 817-5292 for animal rescue", "817-5292"),
        # Two numbers side by side.
        ("Centro de acopio 04123824041 / 02123116584", "04123824041"),
    ],
)
def test_phone_numbers_in_every_plausible_plan(engine: Engine, text: str, number: str) -> None:
    assert any(number in found for found in _evidence(engine, text))


def test_post_language_adds_its_countries(engine: Engine) -> None:
    # 2125 5559 is a Costa Rican number; the platform's tag "es" adds CR to the plans read.
    assert _evidence(engine, "Rutas 2202 5559 tras el temblor", lang="es")


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Holiday open house at 724 W. 2nd Avenue, Milan", "724 W. 2nd Avenue"),
        ("Got it running @ 12206 Central Valley Rd", "12206 Central Valley Rd"),
        ("Lounge tonight (3979 BUFORD HWY NE ATL)", "3979 BUFORD HWY"),
        ("Happy Friday from 2419 N Artesian Ave!", "2419 N Artesian Ave"),
        ("B&B offerto in via D'Annunzio 92, Olbia", "via D'Annunzio 92"),
        ("Doação de sangue: Av. Pres. Vargas, 2291 - Santa Maria", "Av. Pres. Vargas, 2291"),
        ("Morri na Rua dos Andradas, 1925.", "Rua dos Andradas, 1925"),
        ("Il habite au 12 rue de la Paix", "12 rue de la Paix"),
        ("Er wohnt in der Hauptstraße 5 in Köln", "Hauptstraße 5"),
        ("Ze woont op Kerkstraat 12, Utrecht", "Kerkstraat 12"),
    ],
)
def test_street_addresses_by_shape(engine: Engine, text: str, address: str) -> None:
    assert address in _evidence(engine, text)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Ruft ihn an: 030 12345678", "030 12345678"),
        ("Bel haar op 06-12345678", "06-12345678"),
        ("اتصلوا على +20 10 1234 5678", "+20 10 1234 5678"),
        ("رقم هاتفه ٠١٠١٢٣٤٥٦٧٨", "٠١٠١٢٣٤٥٦٧٨"),
        ("Ligue para (11) 98765-4321", "(11) 98765-4321"),
        ("Vive en C/ Mayor, 5, Madrid", "C/ Mayor, 5"),
        ("Escríbele a ana [at] ejemplo [dot] com", "ana [at] ejemplo [dot] com"),
        ("contact: mguza(@)tribweb(.)com", "mguza(@)tribweb(.)com"),
        ("Geboren am 03.07.1990, sitzt seit Monaten in Haft", "Geboren am 03.07.1990"),
        ("Er wurde geboren am 3. März 1990 in Köln", "geboren am 3. März 1990"),
        ("nato il 12/03/1990 a Roma", "nato il 12/03/1990"),
    ],
)
def test_other_languages_and_scripts(engine: Engine, text: str, found: str) -> None:
    assert found in _evidence(engine, text)


def test_email_but_not_a_mastodon_account(engine: Engine) -> None:
    assert _evidence(engine, "Write to ana.lima@examplemail.com") == ["ana.lima@examplemail.com"]
    for text in (
        "Thanks @ana@mastodon.social for the thread",
        "cc @press_team@social.example.org and @sam@hachyderm.io",
        "Follow @ana@mastodon.social",
    ):
        assert _evidence(engine, text, platform="mastodon") == [], text
        assert _evidence(engine, text, platform="x") == [], text


@pytest.mark.parametrize(
    "text",
    [
        "Nous avons recueilli 1 250 000 signatures en 2026.",
        "Between 2012 2013 and 2014 the figures doubled.",
        "Tickets from $1,500 to $2,500 for the 2019-2020 season",
        "Case number 3837252 was closed last week",
        "Report index MDE 15/1234/2020 published today",
        "Opening hours 9-17, 10.30-12.30 on 15.07.2017",
        "Over 2500000 people displaced, 24/7 help needed",
        "We walked 5 miles down the road and 2 Supreme court judges agreed.",
        "Press enquiries: +44 20 7413 5566",
        "Text RED to 2899 to donate",
        "Shared via Facebook 2 days ago",
        "In 2019, 1,234,567 people; population 12.345.678 in 2020",
        "ISBN 978-3-16-148410-0",
        "Order #12345678 shipped",
        "Score 3-1, 2-0 and 4-2 tonight",
        "GPS 40.7128, -74.0060",
        "Article 19 of the ICCPR, resolution 2334 (2016)",
        "Meet me (at) the station at 5",
        "IBAN GB29 NWBK 6016 1331 9268 19",
        "Version 1.2.3.4567 released",
        "Decree 2023-1234 adopted",
        "Sentenced to 15 years on 12 03 2019",
        "Report MDE 24 5678 2023",
        "1500 2000 2500 3000 signatures and scores of 12 14 16 18 20",
        "Flight BA 2490 2491 cancelled",
        "The Universal Declaration, born on 10 December 1948",
    ],
)
def test_hard_negatives_stay_silent(engine: Engine, text: str) -> None:
    assert _evidence(engine, text) == []


def test_regions_are_checked_at_start_up(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[rules.CNF305]\nregions = ["GB", "Narnia"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"rules\.CNF305\.regions: 'Narnia' is not a country"):
        Engine.from_settings(load_settings(config, environ={}))
    config.write_text('[rules.CNF305]\nregions = "GB"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"rules\.CNF305\.regions: expected a list of strings"):
        Engine.from_settings(load_settings(config, environ={}))


def test_configured_regions_replace_the_default(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[rules.CNF305]\nregion = "GB"\nregions = ["GB"]\n', encoding="utf-8")
    narrow = Engine.from_settings(load_settings(config, environ={}))
    text = "Numeri: 0789/69502"
    assert _evidence(narrow, text) == []
    config.write_text('[rules.CNF305]\nregion = "GB"\nregions = ["IT"]\n', encoding="utf-8")
    italian = Engine.from_settings(load_settings(config, environ={}))
    assert _evidence(italian, text) == ["0789/69502"]


def test_the_identified_language_adds_its_countries(tmp_path: Path) -> None:
    # Only GB configured: an Italian post's number is read in Italy's plan because the
    # post is identified as Italian (no platform tag), a Portuguese one in Brazil's by its tag.
    config = tmp_path / "c.toml"
    config.write_text('[rules.CNF305]\nregion = "GB"\nregions = ["GB"]\n', encoding="utf-8")
    narrow = Engine.from_settings(load_settings(config, environ={}))
    italian = "Per gli aiuti chiamate il numero 0789 69502, grazie a tutti quanti"
    assert _evidence(narrow, italian) == ["0789 69502"]
    # Too few letters to tell a language: the platform's tag decides.
    assert _evidence(narrow, "Bia: (11) 98765-4321", lang="pt-BR") == ["(11) 98765-4321"]
    assert _evidence(narrow, "Bia: (11) 98765-4321") == []


def _real_items() -> tuple[list[dict], dict[str, bool]]:
    if not (REAL / "items.jsonl").exists():
        if IN_CI:
            pytest.fail(f"the real development set is required in CI: {REAL}")
        pytest.skip("the real development set (../shared/data/real/cnf305) is not here")
    with open(REAL / "items.jsonl", encoding="utf-8") as f:
        items = [json.loads(line) for line in f]
    with open(REAL / "labels.jsonl", encoding="utf-8") as f:
        labels = {(d := json.loads(line))["id"]: d["expected"] for line in f}
    return items, labels


def test_real_development_set(engine: Engine) -> None:
    items, labels = _real_items()
    posts = [PostItem(d["id"], text=d["text"], platform=d["platform"], author="u") for d in items]
    fired = {
        item.id
        for item, results in zip(posts, engine.check_batch(posts), strict=True)
        if any(r.rule == "CNF305" for r in results)
    }
    tp = sum(1 for i in fired if labels[i])
    precision = tp / len(fired)
    recall = tp / sum(labels.values())
    assert precision >= 0.95 and recall >= 0.9, (precision, recall)
