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
import json
import random
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checks.engine import Engine
from checks.evaluate import Score
from checks.scan import scan_lines
from socialaudit.config import load_settings

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "real"
RULES = ("RSP501", "NPT201", "CNF305", "TRN101")
TARGET_PRECISION = 0.90
TARGET_RECALL = 0.85
# Languages with fewer labelled items than this are listed but not held to the targets.
MIN_PER_LANGUAGE = 30


@dataclass
class Labelled:
    """One item of a real set: the scan input line, its label and what the label says."""

    item: dict[str, Any]
    expected: bool
    lang: str
    train_ok: bool
    note: str = ""

    @property
    def text(self) -> str:
        return str(self.item.get("text") or self.item.get("bio") or "")


@dataclass
class RuleSet:
    code: str
    items: list[Labelled]
    # Extra training lines (RSP501: OLID), never scored.
    extra: list[Labelled] = field(default_factory=list)
    config: str = ""  # TOML text of the config to scan with


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as file:
        return [json.loads(line) for line in file if line.strip()]


def load_rule(data: Path, code: str) -> RuleSet | None:
    folder = data / code.lower()
    if not (folder / "items.jsonl").is_file() or not (folder / "labels.jsonl").is_file():
        return None
    labels = {row["id"]: row for row in _read_jsonl(folder / "labels.jsonl")}
    items = []
    for raw in _read_jsonl(folder / "items.jsonl"):
        label = labels[raw["id"]]
        items.append(
            Labelled(
                raw,
                bool(label["expected"]),
                str(label.get("lang") or "?"),
                bool(label.get("train_ok", False)),
                str(label.get("note") or ""),
            )
        )
    extra: list[Labelled] = []
    olid = folder / "olid-train.jsonl"
    if olid.is_file():
        for row in _read_jsonl(olid):
            if row.get("curated_id"):  # the same text is a curated item: never train on it
                continue
            item = {k: row[k] for k in ("id", "kind", "platform", "author", "text", "created_at")}
            extra.append(Labelled(item, bool(row["expected"]), str(row.get("lang") or "en"), True))
    config = ""
    parties = folder / "parties.toml"
    if parties.is_file():
        config = parties.read_text(encoding="utf-8")
    return RuleSet(code, items, extra, config)


def folds_of(items: Sequence[Labelled], k: int, seed: int) -> list[int]:
    """A fold number per item, stratified by (language, label), with a fixed seed."""
    strata: dict[tuple[str, bool], list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        strata[(item.lang, item.expected)].append(i)
    rng = random.Random(seed)
    fold = [0] * len(items)
    offset = 0
    for key in sorted(strata):
        members = strata[key]
        rng.shuffle(members)
        for j, i in enumerate(members):
            fold[i] = (offset + j) % k
        offset += len(members)
    return fold


# A trainer takes the training items and returns a function that installs what it fitted
# (the learned scorer and its threshold) for the next scans; None when the rule learns nothing.
Trainer = Callable[[str, Sequence[Labelled]], Callable[[], None] | None]


def _no_training(code: str, items: Sequence[Labelled]) -> Callable[[], None] | None:
    return None


def _engine(config: str) -> Engine:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "config.toml"
        path.write_text(config, encoding="utf-8")
        return Engine.from_settings(load_settings(path, environ={}))


def _scan_fired(engine: Engine, code: str, items: Iterable[Labelled]) -> dict[str, bool]:
    lines = (json.dumps(item.item) for item in items)
    return {
        item.id: any(r.rule == code for r in results)
        for item, results in scan_lines(lines, engine, code)
    }


@dataclass
class Outcome:
    code: str
    label: str
    scores: dict[str, Score]  # "all" and per language
    misses: list[str]


def cross_validate(
    rules: RuleSet,
    *,
    folds: int,
    seed: int,
    trainer: Trainer = _no_training,
    config: str | None = None,
    label: str | None = None,
) -> Outcome:
    assignment = folds_of(rules.items, folds, seed)
    fired: dict[str, bool] = {}
    for k in range(folds):
        train = [it for it, f in zip(rules.items, assignment, strict=True) if f != k]
        train = [it for it in train if it.train_ok] + rules.extra
        install = trainer(rules.code, train)
        if install is not None:
            install()
        engine = _engine(rules.config if config is None else config)
        held_out = [it for it, f in zip(rules.items, assignment, strict=True) if f == k]
        fired.update(_scan_fired(engine, rules.code, held_out))
    scores: dict[str, Score] = defaultdict(Score)
    misses = []
    for item in rules.items:
        got = fired[str(item.item["id"])]
        for key in ("all", item.lang):
            score = scores[key]
            if got and item.expected:
                score.tp += 1
            elif got:
                score.fp += 1
            elif item.expected:
                score.fn += 1
        if got != item.expected:
            kind = "FP" if got else "FN"
            misses.append(f"{kind} {item.item['id']} [{item.lang}] {item.text[:100]!r}")
    return Outcome(rules.code, label or rules.code, dict(scores), misses)


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
        return _no_training
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
    trainer = _no_training if args.no_learned else default_trainer()
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
