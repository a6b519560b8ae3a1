"""`make train`: fit the learned scorers of RSP501 and NPT201 and commit them as small files.

Training data: the `train_ok` items of `../shared/data/real/<rule>/` (and, for RSP501, the
OLID lines of `olid-train.jsonl` that are not also curated items, at a lower weight: their
crowd labels are noisy). Items whose licence or source does not allow training
(`train_ok: false`) are never read here. The model is an L2 logistic regression
(scikit-learn, used only here) over the features of `checks.learned`; the threshold is the
lowest score whose out-of-fold precision on the training data reaches `PRECISION_FLOOR`
(inner stratified cross-validation), so it is chosen on development data, never on what is
scored. The weights are pruned to the strongest `MAX_FEATURES` and written as gzip JSON with
a manifest: the files and their sha256, the filter, the hyper-parameters and the scores of
`make eval-real`'s cross-validation with the same procedure.

    python -m checks.train [--data ../shared/data/real] [--rule RSP501]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from checks import learned
from checks.learned import MODELS, Scorer, classifier_band, features
from checks.normalize import normalize
from checks.real_data import DEFAULT_DATA, Labelled, cross_validate, folds_of, load_rule

LEARNED_RULES = ("RSP501", "NPT201")
HYPER = {
    "RSP501": {
        "C": 0.5,
        "extra_weight": 0.3,
        "precision_floor": 0.97,
        "max_features": 8_000,
        "evidence_floor": 0.8,
    },
    "NPT201": {
        "C": 0.5,
        "extra_weight": 0.0,
        "precision_floor": 0.97,
        "max_features": 5_000,
        "evidence_floor": 1.0,
    },
}
INNER_FOLDS = 4
SEED = 7


def _apc() -> Callable[[str], float]:
    from checks.classifier import offensive_probabilities

    return lambda text: offensive_probabilities([text])[0]


def item_features(rule: str, text: str, apc: Callable[[str], float] | None) -> dict:
    """The features the rule gives its scorer at run time, for one raw text."""
    extra = classifier_band(apc(text)) if rule == "RSP501" and apc is not None else ()
    return features(normalize(text).text, extra)


def _fit_weights(rows: list[dict], y: list[int], w: list[float], c: float) -> Scorer:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform([{name: 1 for name in row} for row in rows]).tocsr()
    x.indices = x.indices.astype("int32")  # liblinear takes 32-bit indices only
    x.indptr = x.indptr.astype("int32")
    model = LogisticRegression(C=c, max_iter=2000, solver="liblinear", class_weight="balanced")
    model.fit(x, y, sample_weight=w)
    weights = {name: float(model.coef_[0][i]) for name, i in vectorizer.vocabulary_.items()}
    return Scorer("", float(model.intercept_[0]), 0.5, weights)


def _threshold(scores: Sequence[float], y: Sequence[int], floor: float) -> float:
    """The lowest threshold whose precision over these (out-of-fold) scores is >= floor."""
    ranked = sorted(zip(scores, y, strict=True), key=lambda pair: -pair[0])
    tp = fp = 0
    best = ranked[0][0] if ranked else 0.5
    for score, label in ranked:
        tp += label
        fp += 1 - label
        if tp and tp / (tp + fp) >= floor:
            best = score
    return max(min(best, 0.99), 0.05)


def fit(rule: str, items: Sequence[Labelled], apc: Callable[[str], float] | None) -> Scorer:
    """A scorer fitted on `items` (train_ok only), its threshold chosen out of fold."""
    hyper = HYPER[rule]
    rows = [item_features(rule, it.text, apc) for it in items]
    y = [int(it.expected) for it in items]
    w = [
        hyper["extra_weight"] if it.item.get("id", "").startswith("olid-") else 1.0 for it in items
    ]
    curated = [
        i for i, it in enumerate(items) if not str(it.item.get("id", "")).startswith("olid-")
    ]
    # Out-of-fold scores of the curated items, to choose the threshold on.
    folds = folds_of([items[i] for i in curated], INNER_FOLDS, SEED)
    oof: dict[int, float] = {}
    for k in range(INNER_FOLDS):
        held = {curated[j] for j, f in enumerate(folds) if f == k}
        train = [i for i in range(len(items)) if i not in held]
        inner = _fit_weights(
            [rows[i] for i in train], [y[i] for i in train], [w[i] for i in train], hyper["C"]
        )
        inner = Scorer(rule, inner.bias, 0.0, inner.weights, hyper["evidence_floor"])
        for i in held:
            oof[i] = _score(inner, rows[i])
    threshold = _threshold(
        [oof[i] for i in curated], [y[i] for i in curated], hyper["precision_floor"]
    )
    full = _fit_weights(rows, y, w, hyper["C"])
    strongest = sorted(full.weights.items(), key=lambda kv: -abs(kv[1]))[: hyper["max_features"]]
    weights = {k: round(v, 4) for k, v in strongest if abs(v) >= 1e-3}
    return Scorer(rule, round(full.bias, 4), round(threshold, 4), weights, hyper["evidence_floor"])


def _score(scorer: Scorer, found: dict) -> float:
    """The probability, or 0 when no word present weighs `evidence_floor` (as at run time)."""
    words = (name for name in found if not name.startswith("x:"))
    top = max((scorer.weights.get(name, 0.0) for name in words), default=0.0)
    return scorer.probability(found) if top >= scorer.evidence_floor else 0.0


def cv_trainer(code: str, train: Sequence[Labelled]) -> Callable[[], None] | None:
    """For `make eval-real`: fit on the training folds and use that scorer for the next scans."""
    if code not in LEARNED_RULES:
        return None
    scorer = fit(code, [it for it in train if it.train_ok], _apc())
    return lambda: learned.override(code, scorer)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def train(data: Path, rule: str, folds: int = 5, seed: int = 13) -> dict:
    rules = load_rule(data, rule)
    if rules is None:
        raise SystemExit(f"train: no {rule.lower()} data under {data}")
    items = [it for it in rules.items if it.train_ok] + rules.extra
    scorer = fit(rule, items, _apc())
    outcome = cross_validate(rules, folds=folds, seed=seed, trainer=cv_trainer)
    learned.clear_overrides()
    MODELS.mkdir(exist_ok=True)
    path = MODELS / f"{rule.lower()}.json.gz"
    payload = json.dumps(scorer.to_json(), ensure_ascii=False, sort_keys=True).encode()
    path.write_bytes(gzip.compress(payload, mtime=0))
    folder = data / rule.lower()
    files = sorted(p for p in folder.iterdir() if p.suffix in (".jsonl", ".toml"))
    manifest = {
        "rule": rule,
        "artefact": path.name,
        "artefact_sha256": _sha256(path),
        "data": {p.name: _sha256(p) for p in files},
        "filter": "labels.jsonl train_ok == true"
        + ("; olid-train.jsonl lines without curated_id" if rules.extra else ""),
        "training_items": {
            "curated": sum(1 for it in rules.items if it.train_ok),
            "curated_not_train_ok_never_read": sum(1 for it in rules.items if not it.train_ok),
            "extra": len(rules.extra),
        },
        "model": "L2 logistic regression (liblinear, balanced classes) over checks.learned "
        "features: words, 5-letter prefixes, word bigrams"
        + (", profanity-classifier bands" if rule == "RSP501" else ""),
        "features_version": learned.FEATURES_VERSION,
        "hyper_parameters": {**HYPER[rule], "inner_folds": INNER_FOLDS, "seed": SEED},
        "features_kept": len(scorer.weights),
        "bias": scorer.bias,
        "threshold": scorer.threshold,
        "cross_validation": {
            "folds": folds,
            "seed": seed,
            "note": "make eval-real: fitted on the train_ok items of k-1 folds, scored on the "
            "k-th through the whole rule (patterns and lexicons included)",
            "scores": {
                key: {
                    "tp": s.tp,
                    "fp": s.fp,
                    "fn": s.fn,
                    "precision": round(s.precision, 3),
                    "recall": round(s.recall, 3),
                }
                for key, s in sorted(outcome.scores.items())
            },
        },
    }
    (MODELS / f"{rule.lower()}.manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--rule", action="append", choices=LEARNED_RULES)
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"train: no real data folder at {args.data}", file=sys.stderr)
        return 2
    for rule in args.rule or LEARNED_RULES:
        manifest = train(args.data, rule)
        overall = manifest["cross_validation"]["scores"]["all"]
        print(
            f"{rule}: {manifest['features_kept']} features, threshold {manifest['threshold']}, "
            f"CV precision {overall['precision']} recall {overall['recall']} -> "
            f"checks/models/{manifest['artefact']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
