"""Policy packs: the organisation and its policy as data, one folder per organisation.

The rules are the engine; what they look for is the pack's. A pack is a folder holding
`pack.toml` (who the organisation is: its name, aliases, handles, domains and public
contacts, the policy's title and motto), `clauses.toml` (the clause texts findings quote and
nudges summarise) and `vocabulary/<RULE>.toml` (each rule's words, per language, beside the
rule that reads them). `[organisation] policy_pack` names one: a pack shipped with the
package (a folder of `policies/`) by its name, or any folder by its path. A second
organisation is a new folder; the code does not change.

The vocabulary is compiled into the rules once per process (`checks.lexicons`), so a process
checks with one pack: `use` says so in one line if asked for another after that.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socialaudit.errors import ConfigError

# A checkout keeps the packs at the top of the project; an installed wheel beside this module
# (pyproject.toml force-includes `policies` as `socialaudit/policies`).
_PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEARCH_PATH = (_PROJECT_ROOT / "policies", Path(__file__).resolve().parent / "policies")

ORGANISATION_KEYS = (
    "name",
    "names",
    "handles",
    "official_domains",
    "internal_domains",
    "public_contacts",
)
# The pack of a configuration that names none (`[organisation] policy_pack`).
DEFAULT = "amnesty"
_RULE_FILE = re.compile(r"^[A-Z]{3}[0-9]{3}$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class ClauseText:
    key: str
    title: str
    text: str
    summary: str


@dataclass(frozen=True)
class PolicyPack:
    """One organisation's pack, read and checked."""

    name: str
    folder: Path
    title: str
    motto: str
    organisation: dict[str, Any]
    clauses: tuple[ClauseText, ...]
    # every vocabulary name (PROFANITY, ENDORSE_BEFORE, ...) -> its entries
    vocabulary: dict[str, Any] = field(repr=False)
    # vocabulary name -> the rule file that holds it ("RSP501")
    owners: dict[str, str] = field(repr=False)


def shipped() -> list[str]:
    """The names of the packs that ship with the project."""
    names: set[str] = set()
    for root in SEARCH_PATH:
        if root.is_dir():
            names.update(p.name for p in root.iterdir() if (p / "pack.toml").is_file())
    return sorted(names)


def locate(ref: str, base: Path | None = None) -> Path:
    """The folder `ref` names: a shipped pack's name, or a path (relative to `base`)."""
    ref = ref.strip()
    if not ref:
        raise ConfigError("expected the name of a policy pack or the path of its folder")
    if _NAME.match(ref) and "/" not in ref and ref not in {".", ".."}:
        for root in SEARCH_PATH:
            if (root / ref / "pack.toml").is_file():
                return (root / ref).resolve()
    folder = Path(ref).expanduser()
    if not folder.is_absolute() and base is not None:
        folder = base / folder
    if (folder / "pack.toml").is_file():
        return folder.resolve()
    known = ", ".join(shipped()) or "none"
    raise ConfigError(
        f"no such policy pack: expected a shipped pack's name ({known}) or a folder "
        f"holding pack.toml, got {ref!r}"
    )


_CACHE: dict[Path, PolicyPack] = {}


def load(ref: str, base: Path | None = None) -> PolicyPack:
    """Read and check the pack `ref` names (cached per folder); ConfigError, one line, when
    it is missing or malformed."""
    folder = locate(ref, base)
    if folder not in _CACHE:
        _CACHE[folder] = _read(folder)
    return _CACHE[folder]


def _toml(file: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"policy pack {file}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"policy pack {file}: cannot read the file: {exc}") from None


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _entries(value: Any, depth: int = 0) -> bool:
    """A list of strings, or a table of them (per language), or a table of such tables."""
    if _strings(value):
        return True
    return (
        isinstance(value, dict)
        and depth < 2
        and all(isinstance(k, str) and _entries(v, depth + 1) for k, v in value.items())
    )


def _read(folder: Path) -> PolicyPack:
    meta = _toml(folder / "pack.toml")
    where = f"policy pack {folder / 'pack.toml'}"
    unknown = set(meta) - {"pack", "organisation"}
    if unknown:
        raise ConfigError(
            f"{where}: unknown table {sorted(unknown)[0]!r} (expected pack, organisation)"
        )
    head = meta.get("pack", {})
    title, motto = head.get("title"), head.get("motto", "")
    if not isinstance(title, str) or not title.strip() or not isinstance(motto, str):
        raise ConfigError(f"{where}: [pack] needs title (a string) and may give motto (a string)")
    organisation = meta.get("organisation", {})
    if not isinstance(organisation, dict):
        raise ConfigError(f"{where}: [organisation] must be a table")
    for key, value in organisation.items():
        if key not in ORGANISATION_KEYS:
            raise ConfigError(
                f"{where}: organisation.{key}: unknown key "
                f"(expected {', '.join(ORGANISATION_KEYS)})"
            )
        if key == "name" and not (isinstance(value, str) and value.strip()):
            raise ConfigError(f"{where}: organisation.name: expected a string")
        if key != "name" and not _strings(value):
            raise ConfigError(f"{where}: organisation.{key}: expected a list of strings")
    if "name" not in organisation:
        raise ConfigError(f"{where}: organisation.name: this key is required")

    clauses_file = folder / "clauses.toml"
    if not clauses_file.is_file():
        raise ConfigError(f"policy pack {folder}: clauses.toml is missing")
    raw = _toml(clauses_file).get("clause", [])
    clauses: list[ClauseText] = []
    for i, entry in enumerate(raw if isinstance(raw, list) else []):
        parts = {k: entry.get(k) for k in ("key", "title", "text", "summary")}
        if not isinstance(entry, dict) or not all(isinstance(v, str) and v for v in parts.values()):
            raise ConfigError(
                f"policy pack {clauses_file}: clause {i + 1}: needs key, title, text and summary"
            )
        clauses.append(ClauseText(**parts))  # type: ignore[arg-type]
    if not clauses:
        raise ConfigError(f"policy pack {clauses_file}: no [[clause]] tables")

    vocabulary: dict[str, Any] = {}
    owners: dict[str, str] = {}
    words = folder / "vocabulary"
    for file in sorted(words.glob("*.toml")) if words.is_dir() else []:
        if not _RULE_FILE.match(file.stem):
            raise ConfigError(
                f"policy pack {file}: a vocabulary file is named after its rule, "
                "such as RSP501.toml"
            )
        for name, value in _toml(file).items():
            if name in owners:
                raise ConfigError(
                    f"policy pack {file}: {name} is also in {owners[name]}.toml; keep it in one"
                )
            if not _entries(value):
                raise ConfigError(
                    f"policy pack {file}: {name}: expected a list of strings, or a table of "
                    "them per language"
                )
            vocabulary[name] = value
            owners[name] = file.stem
    return PolicyPack(
        folder.name, folder, title, motto, organisation, tuple(clauses), vocabulary, owners
    )


_ACTIVE: PolicyPack | None = None
_COMPILED = False


def use(pack: PolicyPack) -> None:
    """Make `pack` the one this process checks with. After the rules compiled another
    pack's vocabulary, that is a ConfigError: a process checks with one pack."""
    global _ACTIVE
    if _ACTIVE is not None and _COMPILED and _ACTIVE.folder != pack.folder:
        raise ConfigError(
            f"organisation.policy_pack: this process already checks with the pack "
            f"{_ACTIVE.name!r} ({_ACTIVE.folder}); run another process for {pack.name!r}"
        )
    _ACTIVE = pack


def active() -> PolicyPack:
    """The pack in use: the one `use` set, else the configured default."""
    global _ACTIVE
    if _ACTIVE is None:
        _ACTIVE = load(DEFAULT)
    return _ACTIVE


def compiled() -> PolicyPack:
    """The active pack, marked as compiled into the rules (called by `checks.lexicons`)."""
    global _COMPILED
    pack = active()
    _COMPILED = True
    return pack
