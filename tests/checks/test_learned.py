"""The learned scorers: read in plain Python from small committed files, evidence included."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator

import pytest

from checks import learned
from checks.engine import Engine, PostItem
from checks.learned import MODELS, Scorer, features
from checks.normalize import normalize
from socialaudit.config import load_settings


@pytest.fixture
def engine() -> Iterator[Engine]:
    yield Engine.from_settings(load_settings(None, environ={}))
    learned.clear_overrides()


def test_features_are_words_prefixes_and_bigrams() -> None:
    found = features(normalize("Quelle bande d'Idiots!").text, ("apc>0.5",))
    assert {"w:quelle", "w:bande", "w:d'idiots", "p:quell", "b:quelle bande", "x:apc>0.5"} <= set(
        found
    )


def test_scorer_thresholds_and_shows_the_words_that_carried_it() -> None:
    scorer = Scorer("RSP501", -3.0, 0.5, {"w:frobnicator": 5.0, "w:the": -0.1})
    text = normalize("the frobnicator again").text
    verdict = scorer.judge(text)
    assert verdict is not None and verdict.probability > 0.8
    assert [text[s:e] for s, e in verdict.spans] == ["frobnicator"]
    assert scorer.judge(normalize("the weather again").text) is None
    assert Scorer.from_json(json.loads(json.dumps(scorer.to_json()))) == scorer


def test_rsp501_fires_on_the_learned_score_with_evidence(engine: Engine) -> None:
    learned.override("RSP501", Scorer("RSP501", -3.0, 0.5, {"p:frobn": 5.0}))
    post = PostItem("p1", text="Such a Frobnicating take", platform="x", lang="en")
    engine.prepare([post])
    found = [r for r in engine.check(post) if r.rule == "RSP501"]
    assert found and found[0].evidence[0]["text"] == "Frobnicating"
    learned.override("RSP501", None)
    assert not [
        r
        for r in engine.check(PostItem("p2", text="Such a Frobnicating take"))
        if r.rule == "RSP501"
    ]


@pytest.mark.parametrize("rule", ["rsp501", "npt201"])
def test_committed_artefacts_are_small_and_described(rule: str) -> None:
    path = MODELS / f"{rule}.json.gz"
    assert path.stat().st_size < 1_500_000
    manifest = json.loads((MODELS / f"{rule}.manifest.json").read_text())
    assert manifest["artefact_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert "train_ok" in manifest["filter"]
    assert manifest["cross_validation"]["scores"]["all"]["precision"] > 0
    data = json.loads(gzip.decompress(path.read_bytes()))
    scorer = Scorer.from_json(data)
    assert scorer.weights and 0 < scorer.threshold < 1
    assert learned.scorer(rule.upper()) is not None


def test_a_score_carried_by_an_accusation_is_left_to_law601(engine: Engine) -> None:
    learned.override("RSP501", Scorer("RSP501", -3.0, 0.5, {"w:liar": 5.0}, 0.5))
    post = PostItem("p1", text="Mark Example, a general in Freedonia, is a liar.", lang="en")
    engine.prepare([post])
    assert not [r for r in engine.check(post) if r.rule == "RSP501"]


def test_no_strong_word_no_verdict_and_no_features() -> None:
    scorer = Scorer("RSP501", 2.0, 0.5, {"w:the": 0.3, "w:frobnicator": 1.2}, 1.0)
    assert not scorer.could_fire("the weather is nice")
    assert scorer.judge(normalize("the weather").text) is None  # high bias, no carrying word
    assert scorer.could_fire("a frobnicator")
