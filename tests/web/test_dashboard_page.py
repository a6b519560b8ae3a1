"""The web dashboard keeps groups of at least five under subtraction (its figures are the
report's: reports/dashboard.py), read off the page a manager gets."""

from __future__ import annotations

import itertools
import re

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from socialaudit.users import add_user
from tests.reports.test_dashboard_differencing import SIZES, _seed
from tests.web.test_app import client_for, sign_in


@pytest.mark.parametrize("last", SIZES)
def test_the_page_shows_no_group_the_whole_minus_which_is_small(engine: Engine, last: int) -> None:
    _seed(engine, (6, 5, last))
    with Session(engine) as session:
        add_user(session, "max", "manager", "correct horse battery")
        session.commit()
    with client_for(engine) as client:
        sign_in(client, "max")
        page = client.get("/dashboard")
    assert page.status_code == 200
    table = page.text.split('<section id="groups">')[1].split("</table>")[0]
    rows = dict(
        re.findall(r'<tr><td>(?:<bdi>)?([^<]+)(?:</bdi>)?</td><td class="n">(\d+)</td>', table)
    )
    whole = int(rows.pop("whole organisation"))
    assert whole == 11 + last
    shown = [int(n) for n in rows.values()]
    assert all(n >= 5 for n in shown), rows
    for n in range(1, len(shown) + 1):
        for subset in itertools.combinations(shown, n):
            left = whole - sum(subset)
            assert left == 0 or left >= 5, (rows, subset)
