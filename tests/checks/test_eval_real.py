"""`make eval-real`: cross-validation on the real development data (when it is there)."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks import eval_real
from checks.real_data import Labelled, folds_of
from tests.conftest import IN_CI

DATA = eval_real.DEFAULT_DATA


def _item(i: int, lang: str, expected: bool) -> Labelled:
    return Labelled({"id": str(i), "kind": "post", "text": "x"}, expected, lang, True)


def test_folds_are_stratified_and_fixed() -> None:
    items = [_item(i, lang, i % 2 == 0) for i, lang in enumerate(["en"] * 50 + ["fr"] * 20)]
    folds = folds_of(items, 5, seed=13)
    assert folds == folds_of(items, 5, seed=13)
    for k in range(5):
        members = [it for it, f in zip(items, folds, strict=True) if f == k]
        # each fold holds a fifth of every (language, label) stratum
        assert sum(1 for it in members if it.lang == "en" and it.expected) == 5
        assert sum(1 for it in members if it.lang == "fr" and not it.expected) == 2


def test_missing_data_folder_says_so(tmp_path: Path, capsys) -> None:
    assert eval_real.main(["--data", str(tmp_path / "absent")]) == 0
    assert "no real data folder" in capsys.readouterr().err
    assert eval_real.main(["--data", str(tmp_path / "absent"), "--require"]) == 2


@pytest.mark.skipif(
    not DATA.is_dir() and not IN_CI,
    reason="the real development data (../shared/data/real) is absent",
)
def test_scores_every_rule_per_language_on_the_real_data(capsys) -> None:
    assert eval_real.main(["--data", str(DATA), "--no-learned", "--rule", "CNF305"]) == 0
    out = capsys.readouterr().out
    assert "| CNF305 | all | 539 (234/305) |" in out
    assert "| CNF305 | en |" in out
