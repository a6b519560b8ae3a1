"""No platform is named outside its own modules and the registry (`socialaudit.platforms`).

A platform is one collector module, one sandbox module and one registry entry; everything
else iterates the registry. So this test reads the service's code and fails on any string
literal or identifier that names a platform, with the file and line to fix.

What counts as naming a platform: an identifier with a part (split at "_" and at case
changes) that is a platform's name or brand ("bluesky", "mastodon", "twitter", "bsky", or
"x"/"X" as one part of a longer identifier: `x_archive`, `XConfig`, `Platform.X`); a string
literal equal to a platform's name ("x"), holding a brand as a word, holding "X" as a word
(case-sensitive: "the X API"), or holding a platform's web host ("x.com"). Comments and
docstrings are prose and are not read; nor are the tests, the sandbox (it stands in for the
platforms, one module each), the docs, the migrations (they record history) and the
benchmarks (tooling, like the tests).

A platform's own modules are `collectors/NAME.py` and the archive readers named after it
(`collectors/NAME_*.py`); `socialaudit/platforms.py` is the registry.
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The service's code: every package but the sandbox (and the tests, docs, migrations, bench).
PACKAGES = ("socialaudit", "collectors", "reports", "checks")
REGISTRY = ROOT / "socialaudit" / "platforms.py"
TEMPLATES = ROOT / "reports" / "templates"

BRANDS = {"x": ("twitter",), "bluesky": ("bsky",), "mastodon": ()}
# Words that name a platform wherever they stand ("x" alone is too common a word for that).
WORDS = {w for name, brands in BRANDS.items() for w in (name, *brands) if len(w) > 1}
HOSTS = ("x.com", "twitter.com", "bsky.app", "bsky.social", "mastodon.social")

# Words of the policy's own vocabulary, not references to a platform: the texts people write
# say "twitter" ("my Twitter profile"), and the rules must read them. (file, literal) pairs.
ALLOWED: dict[tuple[str, str], str] = {
    ("checks/lexicons.py", "twitter"): "a word people write in a bio ('twitter account')",
    ("checks/endorsement.py", "*"): "the stop-word list of bios holds 'twitter' as a word",
    ("checks/policy.py", "*"): "the policy's text quotes its own example ('your Twitter profile')",
    ("checks/normalize.py", "x"): "a confusable letter mapped to Latin 'x'",
    ("checks/profanity_model.py", "x"): "a struct type code",
    ("socialaudit/users.py", "x"): "padding for a dummy password",
    ("reports/charts.py", "x"): "matplotlib's x axis",
    # A post needs some platform tag; the rules never branch on it.
    ("checks/coverage.py", "x"): "the platform tag of the rules' probe posts",
    ("checks/evaluate.py", "x"): "the default platform tag of the evaluation files' lines",
}


def _own(path: Path) -> bool:
    rel = path.relative_to(ROOT)
    if path == REGISTRY:
        return True
    if rel.parts[0] == "collectors":
        stem = path.stem
        return any(stem == name or stem.startswith(name + "_") for name in BRANDS)
    return False


def _parts(identifier: str) -> list[str]:
    """`x_archive` -> [x, archive]; `XConfig` -> [X, Config]; `PLATFORM_NAMES` -> [...]."""
    out = []
    for chunk in identifier.split("_"):
        out += re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+", chunk) or ([chunk] if chunk else [])
    return out


def identifier_names_platform(identifier: str) -> bool:
    parts = _parts(identifier)
    if any(p.lower() in WORDS for p in parts):
        return True
    return len(parts) > 1 and any(p.lower() == "x" for p in parts)


_WORD = re.compile(rf"\b({'|'.join(sorted(WORDS))})\b", re.IGNORECASE)
_X_WORD = re.compile(r"(?<![\w.-])X(?![\w.-])")


def literal_names_platform(value: str) -> bool:
    if value.strip().lower() in BRANDS:
        return True
    if _WORD.search(value) or _X_WORD.search(value):
        return True
    return any(host in value.lower() for host in HOSTS)


def _docstring_lines(source: str) -> set[int]:
    """Lines of module, class and function docstrings (prose, like comments)."""
    import ast

    lines: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                lines.update(range(first.lineno, (first.end_lineno or 0) + 1))
    return lines


def _literal_value(token: str) -> str:
    import ast

    try:
        value = ast.literal_eval(token)
    except (ValueError, SyntaxError):
        return token  # an f-string: its text, braces and all
    return value if isinstance(value, str) else ""


def python_mentions(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    docs = _docstring_lines(source)
    rel = str(path.relative_to(ROOT))
    found = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        line = tok.start[0]
        if tok.type == tokenize.NAME and identifier_names_platform(tok.string):
            found.append(f"{rel}:{line}: identifier {tok.string}")
        elif tok.type == tokenize.STRING and line not in docs:
            value = _literal_value(tok.string)
            if literal_names_platform(value) and not _allowed(rel, value):
                found.append(f"{rel}:{line}: string {tok.string[:60]}")
        elif (
            tok.type == getattr(tokenize, "FSTRING_MIDDLE", -1)
            and literal_names_platform(tok.string)
            and not _allowed(rel, tok.string)
        ):
            found.append(f"{rel}:{line}: f-string text {tok.string[:60]!r}")
    return found


def _allowed(rel: str, value: str) -> bool:
    if (rel, "*") in ALLOWED:
        return True
    return (rel, value.strip().lower()) in ALLOWED or any(
        r == rel and w != "*" and re.search(rf"\b{re.escape(w)}\b", value, re.IGNORECASE)
        for r, w in ALLOWED
    )


def template_mentions(path: Path) -> list[str]:
    """Templates: a platform named in a tag's or expression's literal text (not prose)."""
    rel = str(path.relative_to(ROOT))
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for literal in re.findall(r"<option>([^<{]*)</option>|[\"']([^\"'{}<>]*)[\"']", line):
            value = next((v for v in literal if v), "")
            if value and value.strip().lower() in BRANDS:
                found.append(f"{rel}:{number}: {value!r}")
    return found


def _code_files() -> list[Path]:
    files = []
    for package in PACKAGES:
        files += sorted((ROOT / package).rglob("*.py"))
    return [f for f in files if not _own(f)]


def test_the_detector_sees_what_it_should() -> None:
    """The definitions above, on the forms they are meant to catch and to leave alone."""
    for hit in ("x_archive", "XConfig", "BlueskyCollector", "MASTODON", "bsky_url", "PLATFORM_X"):
        assert identifier_names_platform(hit), hit
    for miss in ("x", "ax", "index", "platform", "Xml", "exit", "xs"):
        assert not identifier_names_platform(miss), miss
    for hit in ("x", "bluesky", "Mastodon", "the X API", "https://x.com/a", "on Twitter"):
        assert literal_names_platform(hit), hit
    for miss in ("X-Request-Id", "max", "%x", "1.x", "xx", "platform", "index.X"):
        assert not literal_names_platform(miss), miss


def test_no_platform_is_named_outside_its_modules_and_the_registry() -> None:
    found = [m for path in _code_files() for m in python_mentions(path)]
    found += [m for path in sorted(TEMPLATES.rglob("*.htm*")) for m in template_mentions(path)]
    assert not found, (
        "a platform is named outside its own modules and socialaudit/platforms.py; "
        "read it from the registry instead:\n" + "\n".join(found)
    )


@pytest.mark.parametrize("name", sorted(BRANDS))
def test_every_platform_has_its_three_parts(name: str) -> None:
    """One collector module, one sandbox module, one registry entry."""
    from socialaudit import platforms

    spec = platforms.get(name)
    assert (ROOT / "collectors" / f"{name}.py").is_file()
    assert (ROOT / "sandbox" / f"{name}.py").is_file()
    assert spec.collector.startswith(f"collectors.{name}:")
