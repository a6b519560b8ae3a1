"""Config loading: strict, one clear line per problem, secrets only from env or files."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from pydantic import BaseModel

from socialaudit.cli import app
from socialaudit.config import Settings, load_settings
from socialaudit.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "config.example.toml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "socialaudit.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(environ={})
    assert settings.source == "(defaults)"
    assert settings.database.url == "sqlite:///data/socialaudit.db"
    assert settings.collection.watch_days == 14


def test_example_config_is_valid_and_equals_defaults() -> None:
    settings = load_settings(EXAMPLE, environ={})
    assert settings.source == str(EXAMPLE)
    assert settings.model_dump() == Settings().model_dump()


def _keys(model: type[BaseModel], prefix: str = "") -> set[str]:
    keys = set()
    for name, field in model.model_fields.items():
        annotation = field.annotation
        args = getattr(annotation, "__args__", ())
        inner = args[0] if args and isinstance(args[0], type) else annotation
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            keys |= _keys(inner, f"{prefix}{name}.")
        else:
            keys.add(f"{prefix}{name}")
    return keys


def test_example_config_documents_every_key() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    missing = []
    for key in sorted(_keys(Settings)):
        leaf = key.rsplit(".", 1)[-1]
        section = key.split(".")[0]
        if not re.search(rf"^#?\s*{re.escape(leaf)}\s*=", text, re.M) or (
            f"[{section}" not in text and f"[[{section}" not in text
        ):
            missing.append(key)
    assert not missing, f"keys not documented in config.example.toml: {missing}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[database]\nurl = 42\n", r"database\.url: .*string"),
        ('[collection]\nwatch_days = "two weeks"\n', r"collection\.watch_days: .*integer"),
        ("[collection]\nwatch_days = 0\n", r"collection\.watch_days: .*greater than or equal"),
        ("[organisaton]\nname = 'x'\n", r"unknown key 'organisaton'; did you mean 'organisation'"),
        ("[database]\nurll = 'sqlite://'\n", r"unknown key 'database\.urll'; did you mean 'url'"),
        ("[database]\nurl = 'not a url'\n", r"database\.url: expected a database URL"),
        ("[database]\nurl = 'mysql://u@h/db'\n", r"database\.url: expected a sqlite:// or "),
        ("[database]\nurl = 'postgresql://u@h'\n", r"database\.url: expected a database name"),
        ("[organisation]\ntimezone = 'Mars/Base'\n", r"organisation\.timezone: expected an IANA"),
        ("[smtp]\nsecurity = 'ssl'\n", r"smtp\.security: .*'starttls', 'tls' or 'none'"),
        (
            "[platforms.x]\nbearer_token = 'abc123'\n",
            r"platforms\.x\.bearer_token: secrets are not read from the config file; set "
            r"SOCIALAUDIT_X_BEARER_TOKEN",
        ),
        ("[rules]\nRSP50 = {minutes = 3}\n", r"unknown key 'rules\.RSP50'"),
        ("[rules.RSP502]\nseverity = 'urgent'\n", r"rules\.RSP502\.severity' must be one of"),
        (
            "[[embargoes]]\ntitle = 'x'\nlifts_at = 2026-01-01T00:00:00\n",
            r"embargoes\.0\.lifts_at: expected a date and time with offset",
        ),
        ("[[politics]]\nparties = ['x']\n", r"politics\.0\.country: this key is required"),
        ("[database\nurl = 1\n", r"not valid TOML"),
        ("[smtp]\nsender = 'Audit, no address'\n", r"smtp\.sender: expected an address such as"),
        ("[smtp]\nsender = 'a@b.org\\r\\nBcc: c@d.org'\n", r"smtp\.sender: expected an address"),
    ],
)
def test_bad_config_names_the_key(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_settings(path, environ={})
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(str(path)) or "not valid TOML" in message
    assert re.search(expected, message), message


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"config file not found: .*nope\.toml"):
        load_settings(tmp_path / "nope.toml", environ={})


def test_config_path_from_environment(tmp_path: Path) -> None:
    path = write(tmp_path, "[collection]\nwatch_days = 3\n")
    assert load_settings(environ={"SOCIALAUDIT_CONFIG": str(path)}).collection.watch_days == 3


def test_environment_overrides_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[database]\nurl = 'sqlite:///a.db'\n[platforms.x]\nmax_retries = 1\n")
    settings = load_settings(
        path,
        environ={
            "SOCIALAUDIT_DATABASE_URL": "postgresql://u@db.example/audit",
            "SOCIALAUDIT_PLATFORMS_X_MAX_RETRIES": "7",
            "SOCIALAUDIT_NUDGES_ENABLED": "false",
        },
    )
    assert settings.database.url == "postgresql://u@db.example/audit"
    assert settings.database.sqlalchemy_url.startswith("postgresql+psycopg://")
    assert settings.platforms.x.max_retries == 7
    assert settings.nudges.enabled is False


def test_bad_environment_override_names_the_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"platforms\.x\.max_retries: .*integer"):
        load_settings(environ={"SOCIALAUDIT_PLATFORMS_X_MAX_RETRIES": "many"})


@pytest.mark.parametrize("value", ["changeme", "<your-token-here>", "xxxxxxxx", "  TODO ", ""])
def test_placeholder_secret_in_environment_is_refused(value: str) -> None:
    with pytest.raises(
        ConfigError, match="SOCIALAUDIT_X_BEARER_TOKEN: the X API bearer token is a placeholder"
    ):
        load_settings(environ={"SOCIALAUDIT_X_BEARER_TOKEN": value})


def test_placeholder_secret_in_file_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "smtp-password"
    secret.write_text("changeme\n")
    path = write(tmp_path, f"[smtp]\npassword_file = '{secret}'\n")
    with pytest.raises(ConfigError, match=r"smtp\.password_file: the SMTP password is a placeh"):
        load_settings(path, environ={})


def test_unreadable_secret_file_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, f"[smtp]\npassword_file = '{tmp_path / 'absent'}'\n")
    with pytest.raises(ConfigError, match=r"smtp\.password_file: cannot read the SMTP password"):
        load_settings(path, environ={})


def test_real_secrets_are_read_and_hidden(tmp_path: Path) -> None:
    secret = tmp_path / "token"
    secret.write_text("s3cr3t-token-value\n")
    path = write(tmp_path, f"[platforms.mastodon]\naccess_token_file = '{secret}'\n")
    settings = load_settings(path, environ={})
    token = settings.secret("mastodon_access_token")
    assert token is not None and token.get_secret_value() == "s3cr3t-token-value"
    assert "s3cr3t" not in repr(settings) and "s3cr3t" not in repr(token)
    assert settings.secret("x_bearer_token") is None


def test_database_password_hidden_in_safe_url() -> None:
    settings = load_settings(
        environ={"SOCIALAUDIT_DATABASE_URL": "postgresql://audit:hunter22@db/audit"}
    )
    assert "hunter22" not in settings.database.safe_url
    assert "hunter22" in settings.database.sqlalchemy_url


def test_example_parses_as_toml() -> None:
    assert "database" in tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[collection]\nwatch_days = 'x'\n", "collection.watch_days"),
        ("[nope]\n", "unknown key 'nope'"),
        ("[database]\nurl = 'oracle://x/y'\n", "database.url"),
    ],
)
def test_cli_reports_config_error_in_one_line(
    tmp_path: Path, runner, monkeypatch: pytest.MonkeyPatch, text: str, expected: str
) -> None:
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, text)
    result = runner.invoke(app, ["--config", str(path), "people", "list"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("socialaudit: error: ")
    assert expected in lines[0]
    assert "Traceback" not in result.output


def test_cli_missing_config_file(tmp_path: Path, runner) -> None:
    result = runner.invoke(app, ["--config", str(tmp_path / "absent.toml"), "people", "list"])
    assert result.exit_code == 2
    assert "config file not found" in result.stderr


def test_cli_placeholder_secret(tmp_path: Path, runner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOCIALAUDIT_SMTP_PASSWORD", "changeme")
    result = runner.invoke(app, ["people", "list"])
    assert result.exit_code == 2
    assert "SOCIALAUDIT_SMTP_PASSWORD: the SMTP password is a placeholder" in result.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[platforms.x]\nbase_url = 'not a url'\n", "platforms.x.base_url: expected an http://"),
        (
            "[platforms.bluesky]\nbase_url = 'ftp://files.example'\n",
            "platforms.bluesky.base_url: expected an http://",
        ),
        (
            "[platforms.mastodon]\nbase_url = 'https://host:port/'\n",
            "platforms.mastodon.base_url: expected an http://",
        ),
        ("[web]\ntrusted_proxies = ['not-an-ip']\n", "web.trusted_proxies: expected IP addresses"),
        ("[rules.RSP502]\nminuts = 5\n", "rules.RSP502.minuts: RSP502 has no threshold 'minuts'"),
        ("[rules.RSP502]\nminutes = nan\n", "rules.RSP502.minutes: expected"),
        ("[rules.RSP502]\nminutes = inf\n", "rules.RSP502.minutes: expected"),
    ],
)
@pytest.mark.parametrize("command", [["people", "list"], ["run"], ["status"]])
def test_the_whole_config_is_checked_before_any_command_starts(
    tmp_path: Path,
    runner,
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    expected: str,
    command: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOCIALAUDIT_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    path = write(tmp_path, text)
    result = runner.invoke(app, ["--config", str(path), *command])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("socialaudit: error: "), result.stderr
    assert expected in lines[0]
    assert not (tmp_path / "db.sqlite").exists()  # refused before the database was opened


def test_valid_urls_and_proxy_networks_are_accepted(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[platforms.x]\nbase_url = 'http://127.0.0.1:8080/x'\n"
        "[web]\ntrusted_proxies = ['10.0.0.0/8', '::1', '192.168.1.7']\n",
    )
    settings = load_settings(path, environ={})
    assert settings.platforms.x.base_url == "http://127.0.0.1:8080/x"
    assert settings.web.trusted_proxies == ["10.0.0.0/8", "::1", "192.168.1.7"]


def test_unknown_environment_variable_warns_with_the_closest_key(
    caplog: pytest.LogCaptureFixture,
) -> None:
    environ = {
        "SOCIALAUDIT_DATABSE_URL": "sqlite:///elsewhere.db",
        "SOCIALAUDIT_X_TOKEN": "a-real-looking-token-value",
        "SOCIALAUDIT_ZZZ": "1",
        "SOCIALAUDIT_TEST_POSTGRES_URL": "postgresql://x/y",
        "SOCIALAUDIT_COLLECTION_WATCH_DAYS": "9",
    }
    with caplog.at_level("WARNING", logger="socialaudit.config"):
        settings = load_settings(None, environ=environ)
    assert settings.collection.watch_days == 9
    assert caplog.messages == [
        "unknown environment variable SOCIALAUDIT_DATABSE_URL is ignored; "
        "did you mean SOCIALAUDIT_DATABASE_URL?",
        "unknown environment variable SOCIALAUDIT_X_TOKEN is ignored; "
        "did you mean SOCIALAUDIT_X_BEARER_TOKEN?",
        "unknown environment variable SOCIALAUDIT_ZZZ is ignored",
    ]
    assert "a-real-looking-token-value" not in caplog.text


def test_cli_warns_of_a_misspelt_environment_variable(
    tmp_path: Path, runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOCIALAUDIT_REPORTS_MIN_GROUP_SIZ", "7")
    result = runner.invoke(app, ["rules", "RSP502"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 1
    assert warnings[0].endswith(
        "unknown environment variable SOCIALAUDIT_REPORTS_MIN_GROUP_SIZ is ignored; "
        "did you mean SOCIALAUDIT_REPORTS_MIN_GROUP_SIZE?"
    )
