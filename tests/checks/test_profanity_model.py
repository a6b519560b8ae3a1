"""The shipped classifier read in plain Python gives the package's own probabilities."""

from __future__ import annotations

import io
import json
import pickle
from pathlib import Path

import pytest

from checks import classifier
from checks.profanity_model import ModelFormatError, ProfanityModel, _ModelUnpickler

EVAL = Path(__file__).parent / "eval"


def _eval_texts() -> list[str]:
    texts = []
    for path in sorted(EVAL.rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            data = json.loads(line)
            texts += [data.get("text", ""), data.get("bio", ""), data.get("reply_to_text", "")]
    return [t for t in texts if t]


def test_same_probabilities_as_the_package() -> None:
    from profanity_check import predict_prob

    texts = [
        *_eval_texts(),
        "",
        "!!!",
        "YOU ABSOLUTE CLOWN",
        "Ça suffit, espèce d'idiot",
        "word " * 500,
        "idiot idiot idiot moron",
    ]
    expected = [float(p) for p in predict_prob(texts)]
    got = ProfanityModel.load().probabilities(texts)
    assert len(texts) > 500
    assert max(abs(a - b) for a, b in zip(got, expected, strict=True)) < 1e-9
    # The set holds both kinds of text, so the comparison covers both ends of the scale.
    assert min(got) < 0.1 and max(got) > 0.9


def test_the_classifier_uses_it_without_scikit_learn() -> None:
    probs = classifier.offensive_probabilities(["you pathetic idiot", "thanks for reading"])
    assert probs[0] > 0.9 > 0.5 > probs[1]
    assert classifier._predictor().__self__.__class__ is ProfanityModel  # type: ignore[attr-defined]


def test_the_reader_refuses_classes_it_does_not_expect() -> None:
    class Sneaky:
        def __reduce__(self):
            import os

            return (os.getcwd, ())

    stream = io.BytesIO(pickle.dumps(Sneaky(), protocol=4))
    with pytest.raises(ModelFormatError, match="unexpected class"):
        _ModelUnpickler(stream).load()


def test_a_model_of_another_shape_falls_back_to_the_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from profanity_check import predict_prob

    def refuse(cls):
        raise ModelFormatError("unexpected class sklearn.Something")

    monkeypatch.setattr(ProfanityModel, "load", classmethod(refuse))
    classifier._predictor.cache_clear()
    try:
        texts = ["you pathetic idiot", "thanks for reading"]
        assert classifier.offensive_probabilities(texts) == [float(p) for p in predict_prob(texts)]
    finally:
        classifier._predictor.cache_clear()
