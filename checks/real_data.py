"""The real labelled sets and their cross-validation: loading, stratified folds, and scoring
a held-out fold through the production `scan` path after a trainer fitted the other folds.

Shared by `checks.eval_real` (which prints the figures) and `checks.train` (which records the
cross-validated scores of the model it ships), so that neither imports the other.
"""

from __future__ import annotations

import json
import random
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


def no_training(code: str, items: Sequence[Labelled]) -> Callable[[], None] | None:
    """Score without any learned part: the committed scorer was fitted on every fold, so
    leaving it in would score items it was trained on."""
    from checks import learned

    return lambda: learned.override(code, None)


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
    trainer: Trainer = no_training,
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
