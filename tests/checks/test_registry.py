"""The rule catalogue matches RULES.md and the decorator guards it."""

from __future__ import annotations

import pytest

from checks.policy import CLAUSES
from checks.registry import CATALOGUE, FAMILIES, SEVERITIES, SUBJECTS, get_rule, rule

# RULES.md's table as the contract: (code, name, subject, default severity).
CONTRACT = """
TRN101 missing-views-disclaimer profile medium
TRN102 missing-affiliation profile medium
TRN103 disclaimer-removed profile high
NPT201 political-endorsement post high
NPT202 amplifies-political-account post review
CNF301 confidential-marker post medium
CNF302 internal-link post high
CNF303 financial-information post high
CNF304 employee-information post high
CNF305 personal-data post high
EMB401 embargoed-content post high
PND402 pending-position post review
RSP501 disrespectful-language post medium
RSP502 hasty-reply post review
RSP503 heated-exchange thread review
LAW601 possible-defamation post review
LAW602 possible-contempt-of-court post review
CPY701 media-consent-check post review
MST801 deleted-without-correction post medium
"""


def test_catalogue_is_the_contract() -> None:
    expected = {tuple(line.split()) for line in CONTRACT.strip().splitlines()}
    actual = {(r.code, r.name, r.subject, r.severity) for r in CATALOGUE.values()}
    assert actual == expected


def test_every_entry_is_complete() -> None:
    for entry in CATALOGUE.values():
        assert entry.severity in SEVERITIES and entry.subject in SUBJECTS
        assert entry.code[:3] in FAMILIES
        assert entry.clause_keys and all(k in CLAUSES for k in entry.clause_keys)
        assert entry.clause_text and entry.instead.endswith(".")


def test_clause_titles_follow_rules_md() -> None:
    assert get_rule("NPT201").clause == "6 Be non-partisan; Do not share: endorsement"
    assert "correct them quickly" in get_rule("MST801").clause_text


def test_decorator_refuses_what_the_catalogue_does_not_say() -> None:
    with pytest.raises(ValueError, match="not in the catalogue"):
        rule("ZZZ999", "made-up")
    with pytest.raises(ValueError, match="named 'political-endorsement' in the catalogue"):
        rule("NPT201", "endorsement")
    with pytest.raises(ValueError, match="default severity is 'high'"):
        rule("NPT201", "political-endorsement", severity="info")
    with pytest.raises(KeyError, match="unknown rule code 'ZZZ999'"):
        get_rule("ZZZ999")
