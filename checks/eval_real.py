"""Precision and recall of RSP501, NPT201, CNF305 and TRN101 on real labelled text, under
stratified k-fold cross-validation (`make eval-real`).

The data is the development set beside the repository (`../shared/data/real/<rule>/`, each
with `items.jsonl` in the scan format, `labels.jsonl` and a README); it is never copied into
the repository. Each rule's items are split into k folds (stratified by language and label,
fixed seed). For every fold, the learned scorers (`checks.learned`) and their thresholds are
fitted on the other k-1 folds only, from their `train_ok` items (plus, for RSP501, the OLID
lines not also in the curated set), and the held-out fold is scored through the same `scan`
path as production. Items with `train_ok: false` are scored but never trained on. NPT201 runs
twice: with the set's `parties.toml` as the `[[politics]]` config, and with no politics
configured at all.

    python -m checks.eval_real [--data ../shared/data/real] [--folds 5] [--seed 13] [-v]

Without the data folder it says so and exits 0 (nothing to score), or 2 with `--require`.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from checks.real_data import (
    DEFAULT_DATA,
    Labelled,
    Outcome,
    Trainer,
    cross_validate,
    load_rule,
    no_training,
)

RULES = ("RSP501", "NPT201", "CNF305", "TRN101")
TARGET_PRECISION = 0.90
TARGET_RECALL = 0.85
# Languages with fewer labelled items than this are listed but not held to the targets.
MIN_PER_LANGUAGE = 30


def _counts(items: Sequence[Labelled]) -> dict[str, tuple[int, int]]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for item in items:
        for key in ("all", item.lang):
            counts[key][0 if item.expected else 1] += 1
    return {k: (v[0], v[1]) for k, v in counts.items()}


def render(outcomes: Sequence[tuple[Outcome, dict[str, tuple[int, int]]]], folds: int) -> str:
    lines = [
        f"{folds}-fold cross-validation (stratified by language and label); targets: precision "
        f">= {TARGET_PRECISION}, recall >= {TARGET_RECALL} overall and per language with "
        f">= {MIN_PER_LANGUAGE} items",
        "",
        "| rule | lang | items (pos/neg) | TP | FP | FN | precision | recall | target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for outcome, counts in outcomes:
        keys = ["all", *sorted(k for k in outcome.scores if k != "all")]
        for key in keys:
            score = outcome.scores[key]
            pos, neg = counts.get(key, (0, 0))
            held = key == "all" or pos + neg >= MIN_PER_LANGUAGE
            meets = score.precision >= TARGET_PRECISION and score.recall >= TARGET_RECALL
            verdict = ("met" if meets else "MISSED") if held else "(few items)"
            lines.append(
                f"| {outcome.label} | {key} | {pos + neg} ({pos}/{neg}) | {score.tp} | "
                f"{score.fp} | {score.fn} | {score.precision:.2f} | {score.recall:.2f} | "
                f"{verdict} |"
            )
    return "\n".join(lines)


def default_trainer() -> Trainer:
    """The learned scorers' trainer (needs scikit-learn, imported only here)."""
    try:
        from checks.train import cv_trainer
    except ImportError:
        return no_training
    return cv_trainer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--rule", action="append", choices=RULES, help="only these rules")
    parser.add_argument(
        "--no-learned", action="store_true", help="score without the learned scorers"
    )
    parser.add_argument("--require", action="store_true", help="exit 2 when the data is absent")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"eval-real: no real data folder at {args.data}; nothing scored", file=sys.stderr)
        return 2 if args.require else 0
    if args.folds < 2:
        print("eval-real: --folds must be at least 2", file=sys.stderr)
        return 2
    trainer = no_training if args.no_learned else default_trainer()
    outcomes = []
    for code in args.rule or RULES:
        rules = load_rule(args.data, code)
        if rules is None:
            print(f"eval-real: no {code.lower()}/items.jsonl + labels.jsonl; skipped")
            continue
        counts = _counts(rules.items)
        runs = [(None, code)]
        if rules.config:
            runs.append(("", f"{code} (no politics configured)"))
        for config, label in runs:
            outcome = cross_validate(
                rules,
                folds=args.folds,
                seed=args.seed,
                trainer=trainer,
                config=config,
                label=label,
            )
            outcomes.append((outcome, counts))
            if args.verbose:
                print(f"\n{label}:\n" + "\n".join(outcome.misses))
    print(render(outcomes, args.folds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
