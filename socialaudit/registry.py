"""Who may be collected: registered people and their accounts, and erasing them.

Only people in this registry are ever collected (DESIGN principle 7). Every function here
takes a session and leaves committing to the caller, so the CLI can make a CSV import all or
nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select

from socialaudit import platforms
from socialaudit.errors import NotFoundError, UsageError
from socialaudit.models import (
    Account,
    CompressedJSON,
    HandleChange,
    Person,
    Role,
    User,
)

_TRUE = {"1", "true", "yes", "y", "on"}
_FALSE = {"0", "false", "no", "n", "off"}
CSV_COLUMNS = ("name", "email", "team", "role", "nudges", "timezone", "language", "country")


def csv_account_columns() -> tuple[str, ...]:
    """One column of handles per registered platform (`socialaudit.platforms`)."""
    return tuple(spec.csv_column for spec in platforms.specs())


# The column sizes of Person (models.py): checked here so that PostgreSQL, which enforces
# them, and SQLite, which does not, refuse the same input with the same one-line message.
NAME_MAX = 200
EMAIL_MAX = 320
HANDLE_MAX = 320
# C0 and C1 control characters (NUL, ESC, ...): never part of a name, a team or a handle,
# and an ESC would reach the terminal when the registry is listed.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _check_text(what: str, value: str, limit: int) -> None:
    if _CONTROL.search(value):
        raise UsageError(f"{what}: contains a control character (such as NUL or ESC)")
    if len(value) > limit:
        raise UsageError(f"{what}: at most {limit} characters, got {len(value)}")


@dataclass
class PersonInput:
    """A person as given on the command line or in a CSV row, validated."""

    name: str
    email: str | None = None
    team: str | None = None
    role: str = Role.SPOKESPERSON
    nudges: bool = True
    timezone: str = "UTC"
    language: str = "en"
    country: str | None = None

    def __post_init__(self) -> None:
        self.name = " ".join(self.name.split())
        if not self.name:
            raise UsageError("name: a person needs a name")
        _check_text("name", self.name, NAME_MAX)
        if self.team is not None:
            self.team = " ".join(self.team.split()) or None
        if self.team is not None:
            _check_text("team", self.team, NAME_MAX)
        if self.email is not None:
            self.email = self.email.strip() or None
        if self.email is not None:
            _check_text("email", self.email, EMAIL_MAX)
        if self.email and (problem := email_problem(self.email)):
            raise UsageError(f"email: expected an e-mail address, got {self.email!r} ({problem})")
        if self.role not in {r.value for r in Role}:
            raise UsageError(f"role: expected 'spokesperson' or 'staff', got {self.role!r}")
        try:
            if len(self.timezone) > 64:
                raise ValueError(self.timezone)
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise UsageError(
                f"timezone: expected an IANA time zone such as 'Europe/Paris', "
                f"got {self.timezone[:80]!r}"
            ) from None
        if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?", self.language):
            raise UsageError(
                f"language: expected a language code such as 'en' or 'fr', got {self.language!r}"
            )
        if self.country is not None:
            self.country = check_country(self.country)


def check_country(value: str) -> str | None:
    """An ISO 3166 alpha-2 country code, upper case ("gb" -> "GB"); None for an empty one.

    Only codes whose numbering plan `phonenumbers` knows: the country is where CNF305 reads
    the person's national phone numbers.
    """
    code = value.strip().upper()
    if not code:
        return None
    import phonenumbers

    if not re.fullmatch(r"[A-Z]{2}", code) or code not in phonenumbers.SUPPORTED_REGIONS:
        raise UsageError(
            f"country: expected a country code such as 'GB' or 'US' (ISO 3166 alpha-2), "
            f"got {value[:80]!r}"
        )
    return code


def email_problem(address: str) -> str | None:
    """Why `address` cannot be a nudge recipient (None when it can).

    Checked by `email-validator` to the RFC's syntax, so a comma, parentheses, angle brackets
    or a display name never reach a To header as part of an address.
    """
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        return str(exc)
    return None


def find_person(session: Session, name: str) -> Person:
    """The person named exactly, else the only one whose name or e-mail matches ignoring case."""
    if _CONTROL.search(name) or len(name) > EMAIL_MAX:
        # No registered name holds one, and PostgreSQL refuses NUL in a query parameter.
        raise NotFoundError(f"no registered person called {name[:80]!r}")
    person = session.exec(select(Person).where(Person.name == name)).first()
    if person is not None:
        return person
    folded = name.strip().casefold()
    candidates = [
        p
        for p in session.exec(select(Person)).all()
        if p.name.casefold() == folded or (p.email or "").casefold() == folded
    ]
    if len(candidates) == 1:
        return candidates[0]
    raise NotFoundError(f"no registered person called {name!r} (see 'socialaudit people list')")


def upsert_person(
    session: Session, data: PersonInput, given: set[str] | None = None
) -> tuple[Person, bool]:
    """Create the person or update the fields that differ; return (person, changed).

    `given` names the fields the caller was actually given (`people add NAME --team X`): an
    existing person keeps every other field as it is. None means all of them (a CSV row).
    """
    person = session.exec(select(Person).where(Person.name == data.name)).first()
    if data.email and (given is None or "email" in given):
        clash = session.exec(
            select(Person).where(Person.email == data.email, Person.name != data.name)
        ).first()
        if clash is not None:
            raise UsageError(f"email: {data.email!r} already belongs to {clash.name!r}")
    values = {
        "email": data.email,
        "team": data.team,
        "role": data.role,
        "nudges": data.nudges,
        "timezone": data.timezone,
        "language": data.language,
        "country": data.country,
    }
    if person is None:
        person = Person(name=data.name, **values)
        session.add(person)
        session.flush()
        return person, True
    changed = False
    for key, value in values.items():
        if given is not None and key not in given:
            continue
        if getattr(person, key) != value:
            setattr(person, key, value)
            changed = True
    if changed:
        session.add(person)
        session.flush()
    return person, changed


def normalise_handle(platform: str, handle: str) -> tuple[str, str | None]:
    """Return (handle, instance), by the platform's own handle rule (`socialaudit.platforms`):
    a handle whose platform keeps accounts on instances carries it (user@instance)."""
    spec = platforms.get(platform)
    handle = handle.strip().lstrip("@")
    if not handle:
        raise UsageError("handle: an account needs a handle")
    _check_text("handle", handle, HANDLE_MAX)
    return spec.normalise_handle(handle)


def same_handle(handle: str) -> sa.ColumnElement[bool]:
    """Handles are compared without letter case (platforms give their own case back)."""
    return sa.func.lower(Account.handle) == handle.lower()


def add_account(
    session: Session,
    person: Person,
    platform: str,
    handle: str,
    platform_id: str | None = None,
) -> tuple[Account, bool]:
    """Register an account; adding the same one again changes nothing."""
    handle, instance = normalise_handle(platform, handle)
    existing = session.exec(
        select(Account).where(Account.platform == platform, same_handle(handle))
    ).first()
    if existing is None and platform_id:
        existing = session.exec(
            select(Account).where(Account.platform == platform, Account.platform_id == platform_id)
        ).first()
    if existing is not None:
        if existing.person_id != person.id:
            owner = session.get(Person, existing.person_id)
            raise UsageError(
                f"{platform} account {handle!r} is already registered to "
                f"{owner.name if owner else 'someone else'!r}"
            )
        changed = not existing.active
        existing.active = True
        if platform_id and existing.platform_id != platform_id:
            existing.platform_id, changed = platform_id, True
        session.add(existing)
        return existing, changed
    account = Account(
        person_id=person.id,
        platform=platform,
        handle=handle,
        instance=instance,
        platform_id=platform_id,
    )
    session.add(account)
    session.flush()
    return account, True


def find_account(session: Session, platform: str, handle: str) -> Account:
    handle, _ = normalise_handle(platform, handle)
    account = session.exec(
        select(Account).where(Account.platform == platform, same_handle(handle))
    ).first()
    if account is None:
        raise NotFoundError(f"no registered {platform} account {handle!r}")
    return account


def record_handle_change(
    session: Session, account: Account, new_handle: str, seen_at: datetime | None = None
) -> bool:
    """Keep the old handle in the history when a platform reports a new one."""
    if account.handle == new_handle:
        return False
    change = HandleChange(account_id=account.id, old_handle=account.handle, new_handle=new_handle)
    if seen_at is not None:
        change.seen_at = seen_at
    session.add(change)
    account.handle = new_handle
    session.add(account)
    return True


def _parse_bool(value: str, where: str) -> bool:
    folded = value.strip().lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise UsageError(f"{where}: expected yes or no, got {value!r}")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    accounts_added: int = 0
    names: list[str] = field(default_factory=list)


def import_people_csv(session: Session, source: Path | str) -> ImportResult:
    """Import people (and optionally their accounts) from CSV; re-importing changes nothing.

    Columns: name (required), email, team, role, nudges, timezone, language, country, and
    one column per registered platform (`csv_account_columns`) holding handles separated by
    spaces. Any bad row fails the whole import with its line number, so nothing
    half-imported is left behind.
    """
    if isinstance(source, Path):
        try:
            text = source.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UsageError(
                f"CSV: {source.name} is not UTF-8 text (byte {exc.start}: {exc.reason}); "
                "save it as UTF-8"
            ) from None
        except OSError as exc:
            raise UsageError(f"CSV: cannot read {source.name} ({exc.strerror or exc})") from None
    else:
        text = source
    try:
        return _import_rows(session, csv.DictReader(io.StringIO(text)))
    except csv.Error as exc:
        raise UsageError(f"CSV: not a readable CSV file ({exc})") from None


def _import_rows(session: Session, reader: csv.DictReader) -> ImportResult:
    if not reader.fieldnames or "name" not in [f.strip().lower() for f in reader.fieldnames]:
        raise UsageError("CSV: the first line must be a header with at least a 'name' column")
    account_columns = {spec.csv_column: spec.name for spec in platforms.specs()}
    known = set(CSV_COLUMNS) | set(account_columns)
    header = [f.strip().lower() for f in reader.fieldnames]
    unknown = [f for f in header if f not in known]
    if unknown:
        raise UsageError(
            f"CSV: unknown column {unknown[0]!r}; expected some of {', '.join(CSV_COLUMNS)}, "
            f"{', '.join(account_columns)}"
        )
    result = ImportResult()
    seen: set[str] = set()
    for row in reader:
        line = reader.line_num
        values = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        try:
            data = PersonInput(
                name=values.get("name", ""),
                email=values.get("email") or None,
                team=values.get("team") or None,
                role=values.get("role") or Role.SPOKESPERSON,
                nudges=_parse_bool(values["nudges"], "nudges") if values.get("nudges") else True,
                timezone=values.get("timezone") or "UTC",
                language=values.get("language") or "en",
                country=values.get("country") or None,
            )
            if data.name in seen:
                raise UsageError(f"name: {data.name!r} appears twice in the file")
            seen.add(data.name)
            existed = session.exec(select(Person.id).where(Person.name == data.name)).first()
            person, changed = upsert_person(session, data)
            for column, platform in account_columns.items():
                for handle in values.get(column, "").split():
                    _, added = add_account(session, person, platform, handle)
                    result.accounts_added += int(added)
        except UsageError as exc:
            raise UsageError(f"CSV line {line}: {exc}") from None
        if existed is None:
            result.created += 1
        elif changed:
            result.updated += 1
        else:
            result.unchanged += 1
        result.names.append(data.name)
    return result


def _tables_by_name() -> dict[str, sa.Table]:
    return dict(SQLModel.metadata.tables)


def _dependants(table: sa.Table) -> list[tuple[sa.Table, sa.Column]]:
    """(child table, fk column) for every foreign key that points at `table`."""
    out = []
    for child in SQLModel.metadata.sorted_tables:
        for fk in child.foreign_keys:
            if fk.column.table is table:
                out.append((child, fk.parent))
    return out


def forget_person(session: Session, person: Person) -> dict[str, int]:
    """Erase a person and every row derived from them; return the row count per table.

    The rows are found by following foreign keys from `person` through the whole metadata,
    so a table added later is erased too without changing this function; they are deleted
    children first, so it works whether or not the database enforces cascades. What names
    them without a key goes too: copies of their posts and posts by their accounts kept as
    someone else's context (`referencedpost`), and their name, e-mail, handles and post texts
    wherever else text holds them (review notes on others' findings, evidence, the audit log,
    job summaries) are replaced with "[forgotten person]".
    """
    ids = _derived_ids(session, person)
    names = _identifying_strings(session, person, ids)
    texts = _post_texts(session, ids)
    referenced = _referenced_copies(session, ids)
    if referenced:
        ids["referencedpost"] |= referenced
    erased: dict[str, int] = {}
    for table in reversed(SQLModel.metadata.sorted_tables):
        wanted = sorted(ids.get(table.name, ()))
        if not wanted:
            continue
        for start in range(0, len(wanted), 500):
            session.execute(sa.delete(table).where(table.c.id.in_(wanted[start : start + 500])))
        erased[table.name] = len(wanted)
    for table_name, count in scrub_text(session, names, texts).items():
        erased[f"{table_name} (scrubbed)"] = count
    session.expunge_all()
    return erased


def _derived_ids(session: Session, person: Person) -> dict[str, set[int]]:
    """The ids of every row reached from `person` by foreign keys, per table."""
    tables = _tables_by_name()
    ids: dict[str, set[int]] = defaultdict(set)
    ids["person"].add(person.id)
    frontier = ["person"]
    while frontier:
        name = frontier.pop()
        parent = tables[name]
        for child, column in _dependants(parent):
            found = (
                set(
                    session.execute(
                        sa.select(child.c.id).where(column.in_(sorted(ids[name])))
                    ).scalars()
                )
                - ids[child.name]
            )
            if found:
                ids[child.name] |= found
                frontier.append(child.name)
    return ids


def person_strings(session: Session, person: Person) -> tuple[list[str], list[str]]:
    """(names, post texts) that identify `person`: what `forget` searches written files for."""
    ids = _derived_ids(session, person)
    return _identifying_strings(session, person, ids), _post_texts(session, ids)


def files_naming(folders: list[Path], names: list[str], texts: list[str]) -> list[Path]:
    """Files under `folders` whose text holds any of `names` (whole words, any case) or
    `texts`, as written or HTML- or JSON-escaped (reports, .eml files in the outbox)."""
    import html
    import json

    forms = {f for n in names for f in (n, html.escape(n), json.dumps(n)[1:-1])}
    pattern = (
        re.compile("|".join(rf"(?<!\w){re.escape(f)}(?!\w)" for f in forms), re.IGNORECASE)
        if forms
        else None
    )
    whole = {f for t in texts for f in (t, html.escape(t), json.dumps(t)[1:-1])}
    found = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            try:
                raw = path.read_bytes().decode("utf-8", "replace")
            except OSError:
                continue
            views = (raw, html.unescape(raw))
            if any(pattern is not None and pattern.search(v) for v in views) or any(
                t in v for t in whole for v in views
            ):
                found.append(path)
    return found


FORGOTTEN = "[forgotten person]"
# Post texts shorter than this are not searched for elsewhere ("ok", "Thanks!" are anyone's).
_MIN_TEXT = 12
# Columns that identify someone else, or are hashes and tokens: never rewritten by a scrub.
_NOT_SCRUBBED = {
    ("person", "name"),
    ("person", "email"),
    ("account", "handle"),
    ("account", "platform_id"),
    ("handlechange", "old_handle"),
    ("handlechange", "new_handle"),
    ("webuser", "name"),
    ("webuser", "password_hash"),
    ("websession", "token_hash"),
    ("websession", "csrf_token"),
    ("finding", "fingerprint"),
    ("profilesnapshot", "content_hash"),
}


def _identifying_strings(session: Session, person: Person, ids: dict[str, set[int]]) -> list[str]:
    """The person's name, e-mail, handles (old and new) and sign-in names, longest first."""
    found: set[str] = {person.name}
    if person.email:
        found.add(person.email)
    if ids.get("account"):
        for handle, platform_id in session.exec(
            select(Account.handle, Account.platform_id).where(col(Account.id).in_(ids["account"]))
        ):
            found.add(handle)
            if platform_id and len(platform_id) >= 6:  # a short number could be anything
                found.add(platform_id)
    if ids.get("handlechange"):
        for old, new in session.exec(
            select(HandleChange.old_handle, HandleChange.new_handle).where(
                col(HandleChange.id).in_(ids["handlechange"])
            )
        ):
            found.update((old, new))
    if ids.get("webuser"):
        found.update(session.exec(select(User.name).where(col(User.id).in_(ids["webuser"]))))
    return sorted((s for s in found if s and len(s) >= 3), key=len, reverse=True)


def _post_texts(session: Session, ids: dict[str, set[int]]) -> list[str]:
    """Every text the person's posts had (each version), long enough to be theirs alone."""
    from socialaudit.models import Post, PostVersion

    found: set[str] = set()
    if ids.get("post"):
        wanted = sorted(ids["post"])
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found.update(session.exec(select(Post.text).where(col(Post.id).in_(chunk))))
            found.update(
                session.exec(select(PostVersion.text).where(col(PostVersion.post_id).in_(chunk)))
            )
    return sorted((t for t in found if len(t.strip()) >= _MIN_TEXT), key=len, reverse=True)


def _referenced_copies(session: Session, ids: dict[str, set[int]]) -> set[int]:
    """`referencedpost` rows that are the person's: copies of their posts, or by their accounts."""
    from socialaudit.models import Post, ReferencedPost

    if not ids.get("account"):
        return set()
    accounts = session.exec(
        select(Account.platform, Account.platform_id, Account.handle).where(
            col(Account.id).in_(ids["account"])
        )
    ).all()
    found: set[int] = set()
    for platform, platform_id, handle in accounts:
        by_author = [ReferencedPost.author_handle == handle]
        by_author.append(sa.func.lower(ReferencedPost.author_handle) == "@" + handle.lower())
        by_author.append(sa.func.lower(ReferencedPost.author_handle) == handle.lower())
        if platform_id:
            by_author.append(ReferencedPost.author_id == platform_id)
        found.update(
            session.exec(
                select(ReferencedPost.id).where(
                    ReferencedPost.platform == platform, sa.or_(*by_author)
                )
            )
        )
    posts = sorted(ids.get("post", ()))
    for start in range(0, len(posts), 500):
        copies = (
            select(ReferencedPost.id)
            .join(
                Post,
                (Post.platform == ReferencedPost.platform)
                & (Post.platform_id == ReferencedPost.platform_id),
            )
            .where(col(Post.id).in_(posts[start : start + 500]))
        )
        found.update(session.exec(copies))
    return found


def scrub_text(
    session: Session, names: list[str], texts: list[str] | None = None
) -> dict[str, int]:
    """Replace `names` (as whole words, ignoring case) and `texts` in every text column.

    Every string and JSON column of every table in the metadata is read (bar the identities
    of other people and hashes, `_NOT_SCRUBBED`), so no table can be forgotten; returns the
    number of rows changed per table. The matching is Python's, not the database's: SQLite's
    lower() folds only ASCII, so "ÖMER ŞAHİN" would slip past it; here both databases fold
    case the same way. Erasure is rare, so reading every text once is affordable.
    """
    import json

    import ahocorasick

    texts = [t for t in texts or [] if t]
    if not names and not texts:
        return {}
    pattern = (
        re.compile("|".join(rf"(?<!\w){re.escape(n)}(?!\w)" for n in names), flags=re.IGNORECASE)
        if names
        else None
    )
    automaton = None
    if texts:
        automaton = ahocorasick.Automaton()
        for text in texts:
            automaton.add_word(text, text)
        automaton.make_automaton()

    def scrub(value: str) -> str:
        if automaton is not None:
            spans = sorted((end - len(found) + 1, end + 1) for end, found in automaton.iter(value))
            if spans:
                out, last = [], 0
                for start, end in spans:
                    if start < last:
                        continue
                    out += [value[last:start], FORGOTTEN]
                    last = end
                value = "".join([*out, value[last:]])
        return pattern.sub(FORGOTTEN, value) if pattern is not None else value

    changed: dict[str, int] = {}
    for table in SQLModel.metadata.sorted_tables:
        columns = [
            c
            for c in table.columns
            if (table.name, c.name) not in _NOT_SCRUBBED
            and _kind(c.type) is not None
            and not c.primary_key
        ]
        if not columns:
            continue
        updates: list[tuple[int, dict[str, object]]] = []
        rows = session.execute(sa.select(table.c.id, *columns).execution_options(yield_per=2000))
        for row in rows:
            values: dict[str, object] = {}
            for column in columns:
                value = row._mapping[column.name]
                if value is None:
                    continue
                if _kind(column.type) == "payload":
                    # A platform's JSON that names the person (someone else's reply to
                    # them, with their post and handle in its includes) is dropped whole:
                    # a payload edited by a scrub would no longer be what the platform
                    # sent, and `reprocess` would re-derive the edits.
                    if _names_in(value, scrub):
                        values[column.name] = None
                elif _kind(column.type) == "json":
                    new = _scrub_json(value, scrub)
                    if json.dumps(new, sort_keys=True) != json.dumps(value, sort_keys=True):
                        values[column.name] = new
                elif isinstance(value, str) and value:
                    new_text = scrub(value)
                    if new_text != value:
                        length = getattr(column.type, "length", None)
                        values[column.name] = new_text[:length] if length else new_text
            if values:
                updates.append((row.id, values))
        for row_id, values in updates:
            session.execute(sa.update(table).where(table.c.id == row_id).values(**values))
        if updates:
            changed[table.name] = len(updates)
    session.flush()
    return changed


def _kind(column_type: sa.types.TypeEngine) -> str | None:
    """ "text", "json" or "payload" for the column types a scrub reads."""
    if isinstance(column_type, CompressedJSON):
        return "payload"
    if isinstance(column_type, sa.types.TypeDecorator):
        column_type = column_type.impl_instance
    if isinstance(column_type, sa.JSON):
        return "json"
    if isinstance(column_type, sa.String):
        return "text"
    return None


def _names_in(value: object, scrub: Callable[[str], str]) -> bool:
    """Whether a scrub would change any string (or id number) in a JSON value.

    Strings are also read with HTML entities decoded: X writes `&amp;` in post text and
    Mastodon's content is HTML, while the texts searched for are the decoded ones.
    """
    import html

    if isinstance(value, dict):
        return any(_names_in(k, scrub) or _names_in(v, scrub) for k, v in value.items())
    if isinstance(value, list):
        return any(_names_in(v, scrub) for v in value)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and value:
        return scrub(value) != value or scrub(html.unescape(value)) != html.unescape(value)
    return False


def _scrub_json(value: object, scrub: Callable[[str], str]) -> object:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [_scrub_json(v, scrub) for v in value]
    if isinstance(value, dict):
        return {k: _scrub_json(v, scrub) for k, v in value.items()}
    return value
