"""Learned scorers, read in plain Python: hashed-free sparse logistic regression over words.

A scorer is a committed artefact `checks/models/<rule>.json.gz` written by `make train`
(`checks/train.py`, which is the only place scikit-learn is used), with its manifest beside it
(`<rule>.manifest.json`: data files, filter, hyper-parameters, cross-validated scores). At run
time it is a dictionary from feature to weight, a bias and a threshold:

    p = 1 / (1 + exp(-(bias + sum of the weights of the features present)))

The features are read from the normalised view of the text (`checks.normalize`: case and
accents folded, look-alike letters and leetspeak folded, hashtags split), so they work in any
language written with word separators:

- `w:<word>` every word, `p:<prefix>` the first five letters of a longer word (a cheap stem
  that any language's inflections share: "idiots", "idiotas", "Idioten" -> "idiot"),
  `b:<word> <word>` adjacent words;
- `x:<name>` signals a rule adds (the shipped profanity classifier's probability band).

`evidence` gives the spans of the present features that weigh most towards the verdict, so
the finding shows the words that carried it. Nothing is downloaded; a missing or unreadable
artefact means the rule runs without its learned part (logged once).
"""

from __future__ import annotations

import gzip
import json
import logging
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

MODELS = Path(__file__).resolve().parent / "models"
FEATURES_VERSION = 1
PREFIX = 5

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def features(text: str, extra: tuple[str, ...] = ()) -> dict[str, tuple[int, int]]:
    """Each feature of the (normalised) text with the span of its first occurrence."""
    found: dict[str, tuple[int, int]] = {}
    previous: tuple[str, int] | None = None
    for match in _WORD.finditer(text):
        word = match.group(0)
        start, end = match.span()
        if len(word) < 2:
            previous = None
            continue
        span = (start, end)
        found.setdefault("w:" + word, span)
        if len(word) > PREFIX:
            found.setdefault("p:" + word[:PREFIX], span)
        if previous is not None:
            found.setdefault(f"b:{previous[0]} {word}", (previous[1], end))
        previous = (word, start)
    for name in extra:
        found.setdefault("x:" + name, (0, 0))
    return found


def classifier_band(probability: float | None) -> tuple[str, ...]:
    """The profanity classifier's probability as features (bands that add up)."""
    if probability is None:
        return ()
    return tuple(f"apc>{b}" for b in ("0.5", "0.8", "0.95") if probability > float(b))


@dataclass(frozen=True)
class Verdict:
    probability: float
    spans: list[tuple[int, int]]  # in the normalised view, strongest first


@dataclass(frozen=True)
class Scorer:
    rule: str
    bias: float
    threshold: float
    weights: dict[str, float]
    # The strongest word present must weigh at least this much: a verdict is carried by a
    # word, not by a pile of common ones.
    evidence_floor: float = 0.0

    @classmethod
    def from_json(cls, data: dict) -> Scorer:
        if data.get("features_version") != FEATURES_VERSION:
            raise ValueError(f"features version {data.get('features_version')!r}")
        return cls(
            str(data["rule"]),
            float(data["bias"]),
            float(data["threshold"]),
            {str(k): float(v) for k, v in data["weights"].items()},
            float(data.get("evidence_floor", 0.0)),
        )

    def to_json(self) -> dict:
        return {
            "rule": self.rule,
            "features_version": FEATURES_VERSION,
            "bias": self.bias,
            "threshold": self.threshold,
            "weights": self.weights,
            "evidence_floor": self.evidence_floor,
        }

    def probability(self, found: dict[str, tuple[int, int]]) -> float:
        weights = self.weights
        z = self.bias
        for name in found:
            w = weights.get(name)
            if w is not None:
                z += w
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)

    def could_fire(self, text: str) -> bool:
        """False when no word, prefix or bigram of weight >= `evidence_floor` occurs in
        `text` even as a substring: then no verdict is possible and the features need not be
        computed (one pass of a C automaton, for most posts the whole cost)."""
        if self.evidence_floor <= 0:
            return True
        automaton = self._strong()
        return next(automaton.iter(text), None) is not None

    def _strong(self) -> Any:
        cached = self.__dict__.get("_automaton")
        if cached is None:
            import ahocorasick

            cached = ahocorasick.Automaton()
            for name, weight in self.weights.items():
                if weight >= self.evidence_floor and name[:2] in ("w:", "p:", "b:"):
                    cached.add_word(name[2:], True)
            if len(cached) == 0:
                cached.add_word("\x00", True)
            cached.make_automaton()
            object.__setattr__(self, "_automaton", cached)
        return cached

    def judge(
        self,
        text: str,
        extra: tuple[str, ...] = (),
        found: dict[str, tuple[int, int]] | None = None,
    ) -> Verdict | None:
        """The verdict when the score reaches the threshold, else None. `found` is the
        text's features when already computed (`features(text)`, without `extra`)."""
        if found is None:
            found = features(text, extra)
        elif extra:
            found = {**found, **{"x:" + name: (0, 0) for name in extra}}
        p = self.probability(found)
        if p < self.threshold:
            return None
        weights = self.weights
        carried = sorted(
            ((weights[n], span) for n, span in found.items() if weights.get(n, 0) > 0 and span[1]),
            key=lambda pair: -pair[0],
        )
        if not carried or carried[0][0] < self.evidence_floor:
            return None
        return Verdict(p, [span for _, span in carried[:3]])


# Set by the cross-validation harness (checks.eval_real) to score with a scorer fitted on the
# training folds instead of the committed one; None means "no scorer".
_OVERRIDES: dict[str, Scorer | None] = {}


def override(rule: str, scorer: Scorer | None) -> None:
    _OVERRIDES[rule] = scorer


def clear_overrides() -> None:
    _OVERRIDES.clear()


def scorer(rule: str) -> Scorer | None:
    """The rule's learned scorer: an override, else the committed artefact, else None."""
    if rule in _OVERRIDES:
        return _OVERRIDES[rule]
    return _committed(rule)


@cache
def _committed(rule: str) -> Scorer | None:
    path = MODELS / f"{rule.lower()}.json.gz"
    try:
        with gzip.open(path, "rt", encoding="utf-8") as file:
            return Scorer.from_json(json.load(file))
    except FileNotFoundError:
        log.warning("%s: no learned scorer at %s (run `make train`)", rule, path.name)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("%s: learned scorer unreadable (%s); running without it", rule, exc)
    return None
