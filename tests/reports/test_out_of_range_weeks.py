"""Weeks outside the calendar's reach: a 4xx page in the browser, a one-line error and exit 2
on the command line, never a traceback (the first and last years overflowed `date`)."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from socialaudit.cli import app
from socialaudit.errors import UsageError
from socialaudit.weeks import Week
from tests.web.seed import seed_web
from tests.web.test_app import client_for, sign_in

OUT_OF_RANGE = [
    "0001-W01",
    "9999-W52",
    "9999-W01",
    "2262-W20",
    "0000-W01",
    "1969-W52",
    "2026-W00",
    "2026-W54",
]


@pytest.mark.parametrize("text", OUT_OF_RANGE)
def test_week_parse_refuses_weeks_out_of_range(text: str) -> None:
    with pytest.raises(UsageError, match=r"^week: "):
        Week.parse(text)


@pytest.mark.parametrize(
    "args",
    [
        ["dashboard", "--weeks", "260", "--until", "1970-W01"],
        ["dashboard", "--until", "2261-W52"],
        ["report", "--week", "2261-W52"],
        ["report", "--week", "1970-W01"],
    ],
)
def test_the_first_and_last_weeks_allowed_are_written(
    runner: CliRunner, cli_env: dict, args: list[str]
) -> None:
    result = runner.invoke(app, [*args, "-o", "out"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("text", OUT_OF_RANGE)
def test_report_page_for_a_week_out_of_range_is_a_400_page(engine: Engine, text: str) -> None:
    seed_web(engine)
    with client_for(engine) as client:
        sign_in(client, "rita")
        response = client.get(f"/reports/{text}")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "week: " in response.text and "Traceback" not in response.text


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--week", "0001-W01"],
        ["report", "--week", "9999-W52"],
        ["dashboard", "--until", "0001-W01"],
        ["dashboard", "--until", "9999-W52"],
        ["review", "list", "--week", "9999-W52"],
    ],
)
def test_cli_week_out_of_range_is_one_line_and_exit_2(
    runner: CliRunner, cli_env: dict, args: list[str]
) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "expected a year from 1970 to 2261" in lines[0], result.output
    assert "Traceback" not in result.output


def test_out_of_range_ids_and_sizes_get_a_4xx_page_with_the_headers(engine: Engine) -> None:
    seed_web(engine)
    paths = {
        "/findings/0": 422,
        "/findings/-1": 422,
        "/findings/99999999999": 422,
        "/findings/2147483647": 404,
        "/findings/1e3": 422,
        "/reports/2026-W47%00": 400,
        "/dashboard?weeks=0": 422,
        "/dashboard?weeks=99999999999999999999": 422,
        "/review?page=0": 422,
        "/review?page=99999999999999999999999": 422,
        "/no-such-page": 404,
    }
    with client_for(engine) as client:
        sign_in(client, "ada")
        for path, status in paths.items():
            response = client.get(path)
            assert response.status_code == status, path
            assert response.headers["content-type"].startswith("text/html"), path
            assert response.headers["X-Content-Type-Options"] == "nosniff", path
            assert response.headers["Content-Security-Policy"].startswith("default-src"), path
