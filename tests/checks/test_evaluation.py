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
