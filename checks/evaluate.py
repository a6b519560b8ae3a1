"""Precision and recall per rule over a labelled evaluation set (`make eval`).

The set is a folder of JSON-lines files plus a `config.toml`. Each line is a `scan` input
object with one more key, `expect`: the rule codes that must fire on it (an empty list: none
may). To keep the files readable, `kind` defaults to "post", `id` to file:line, `platform` to
"x", `author` to "eval" and `created_at` to 2026-11-20T09:30:00Z. Lines are fed through the
same streaming `scan` path, file by file in name order, so thread and profile-history rules see
earlier lines. A `note` key is ignored.

An item may also say which rules were judged on it, `judged`: only those are scored on it
(a reviewed post was judged for the rules a reviewer confirmed, dismissed or marked as missed,
not for every other rule). `socialaudit eval export` writes such a file from the review queue's
decisions; give it as the path (a `.jsonl` file instead of a folder) with the organisation's
configuration, so the rules are measured on its own staff's posts:

    python -m checks.evaluate tests/checks/eval
    python -m checks.evaluate --allow-missing tests/checks/eval/blind-2
    python -m checks.evaluate --allow-missing --config socialaudit.toml reviewed.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from checks.engine import Engine
from checks.registry import get_rule, implemented_rules
from checks.scan import scan_lines
from socialaudit.config import load_settings

DEFAULTS = {"platform": "x", "author": "eval", "created_at": "2026-11-20T09:30:00Z"}
TARGET_PRECISION = 0.9
TARGET_RECALL = 0.85


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Evaluation:
    items: int
    scores: dict[str, Score]
    misses: list[str]

    def meets_targets(self) -> list[str]:
        """Rules that miss the targets (every high-severity rule must meet them)."""
        failing = []
        for code, score in sorted(self.scores.items()):
            if get_rule(code).severity != "high":
                continue
            if score.precision < TARGET_PRECISION or score.recall < TARGET_RECALL:
                failing.append(code)
        return failing


def _files(path: Path) -> list[Path]:
    return [path] if path.is_file() else sorted(path.glob("*.jsonl"))


def _lines(
    folder: Path, expected: dict[str, set[str]], judged: dict[str, set[str]] | None = None
) -> Iterator[str]:
    for path in _files(folder):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            data = json.loads(line)
            expect = data.pop("expect")
            only = data.pop("judged", None)
            data.pop("note", None)
            data.setdefault("kind", "post")
            data.setdefault("id", f"{path.stem}:{number}")
            if data["kind"] == "post":
                for key, value in DEFAULTS.items():
                    data.setdefault(key, value)
            else:
                data.setdefault("platform", "x")
            expected[data["id"]] = set(expect)
            if only is not None and judged is not None:
                judged[data["id"]] = set(only)
            yield json.dumps(data)


def evaluate(folder: Path, config: Path | None = None) -> Evaluation:
    """Score every rule on the labelled items of `folder` (or of one `.jsonl` file), with
    `config` (default: the folder's `config.toml`; for a file, `./socialaudit.toml` if there
    is one, else the built-in defaults)."""
    if config is None and folder.is_dir():
        config = folder / "config.toml"
    settings = load_settings(config if config is not None else "", environ={})
    engine = Engine.from_settings(settings)
    expected: dict[str, set[str]] = {}
    judged: dict[str, set[str]] = {}
    scores = {info.code: Score() for info in implemented_rules()}
    misses: list[str] = []
    count = 0
    for item, results in scan_lines(_lines(folder, expected, judged), engine, str(folder)):
        if item.id in judged and not judged[item.id]:
            continue  # context only (an earlier reply, an earlier profile): not scored
        count += 1
        fired = {r.rule for r in results}
        want = expected[item.id]
        for code in judged.get(item.id, scores):
            if code not in scores:
                continue
            score = scores[code]
            if code in fired and code in want:
                score.tp += 1
            elif code in fired:
                score.fp += 1
                misses.append(f"FP {code} {item.id}: {getattr(item, 'text', '')[:90]!r}")
            elif code in want:
                score.fn += 1
                text = getattr(item, "text", None) or getattr(item, "bio", "")
                misses.append(f"FN {code} {item.id}: {text[:90]!r}")
    return Evaluation(count, scores, misses)


def render(evaluation: Evaluation) -> str:
    lines = [
        f"{evaluation.items} labelled items",
        "",
        "| rule | name | severity | support | TP | FP | FN | precision | recall |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for code, score in sorted(evaluation.scores.items()):
        info = get_rule(code)
        lines.append(
            f"| {code} | {info.name} | {info.severity} | {score.tp + score.fn} | {score.tp} | "
            f"{score.fp} | {score.fn} | {score.precision:.2f} | {score.recall:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a folder of .jsonl files, or one file")
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="the configuration the rules run with (default: the folder's config.toml)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    parser.add_argument(
        "--allow-missing",
        action="store_true",
        help="a held-out set need not have positive examples of every rule",
    )
    args = parser.parse_args(argv)
    evaluation = evaluate(args.folder, args.config)
    print(render(evaluation))
    support = Counter({c: s.tp + s.fn for c, s in evaluation.scores.items()})
    if args.verbose:
        print("\n".join(["", *evaluation.misses]))
    failing = evaluation.meets_targets()
    if failing:
        print(
            f"\nbelow target (precision {TARGET_PRECISION}, recall {TARGET_RECALL}): "
            + ", ".join(failing),
            file=sys.stderr,
        )
        return 1
    empty = [c for c, n in support.items() if n == 0]
    if empty and not args.allow_missing:
        print(f"\nno positive examples for: {', '.join(empty)}", file=sys.stderr)
        return 1
    print(
        f"\nevery high-severity rule meets precision >= {TARGET_PRECISION} and "
        f"recall >= {TARGET_RECALL}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
