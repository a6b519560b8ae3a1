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
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select

from socialaudit.errors import NotFoundError, UsageError
from socialaudit.models import (
    Account,
    AuditLog,
    HandleChange,
    Person,
    Platform,
    Role,
    User,
)

_TRUE = {"1", "true", "yes", "y", "on"}
_FALSE = {"0", "false", "no", "n", "off"}
CSV_COLUMNS = ("name", "email", "team", "role", "nudges", "timezone", "language")
CSV_ACCOUNT_COLUMNS = tuple(p.value for p in Platform)


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
    """Return (handle, instance). Mastodon handles carry their instance: user@instance."""
    if platform not in {p.value for p in Platform}:
        raise UsageError(f"platform: expected one of x, bluesky, mastodon; got {platform!r}")
    handle = handle.strip().lstrip("@")
    if not handle:
        raise UsageError("handle: an account needs a handle")
    _check_text("handle", handle, HANDLE_MAX)
    if platform == Platform.MASTODON:
        user, sep, instance = handle.partition("@")
        if not sep or not user or not instance or "." not in instance:
            raise UsageError(
                f"handle: a Mastodon handle is user@instance (such as ana@mastodon.social), "
                f"got {handle!r}"
            )
        return f"{user}@{instance.lower()}", instance.lower()
    if platform == Platform.X and not re.fullmatch(r"[A-Za-z0-9_]{1,15}", handle):
        raise UsageError(f"handle: an X handle is 1-15 letters, digits or '_', got {handle!r}")
    if platform == Platform.BLUESKY:
        handle = handle.lower()
        if not (handle.startswith("did:") or "." in handle):
            raise UsageError(
                f"handle: a Bluesky handle is a domain (such as ana.bsky.social) or a DID, "
                f"got {handle!r}"
            )
    return handle, None


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
        select(Account).where(Account.platform == platform, Account.handle == handle)
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
        select(Account).where(Account.platform == platform, Account.handle == handle)
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

    Columns: name (required), email, team, role, nudges, timezone, language, and one column
    per platform (x, bluesky, mastodon) holding handles separated by spaces. Any bad row
    fails the whole import with its line number, so nothing half-imported is left behind.
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
    known = set(CSV_COLUMNS) | set(CSV_ACCOUNT_COLUMNS)
    header = [f.strip().lower() for f in reader.fieldnames]
    unknown = [f for f in header if f not in known]
    if unknown:
        raise UsageError(
            f"CSV: unknown column {unknown[0]!r}; expected some of {', '.join(CSV_COLUMNS)}, "
            f"{', '.join(CSV_ACCOUNT_COLUMNS)}"
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
            )
            if data.name in seen:
                raise UsageError(f"name: {data.name!r} appears twice in the file")
            seen.add(data.name)
            existed = session.exec(select(Person.id).where(Person.name == data.name)).first()
            person, changed = upsert_person(session, data)
            for platform in CSV_ACCOUNT_COLUMNS:
                for handle in values.get(platform, "").split():
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
    children first, so it works whether or not the database enforces cascades.
    """
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
    names = _identifying_strings(session, person, ids)
    erased: dict[str, int] = {}
    for table in reversed(SQLModel.metadata.sorted_tables):
        wanted = sorted(ids.get(table.name, ()))
        if not wanted:
            continue
        for start in range(0, len(wanted), 500):
            session.execute(sa.delete(table).where(table.c.id.in_(wanted[start : start + 500])))
        erased[table.name] = len(wanted)
    scrubbed = _scrub_audit_log(session, names)
    if scrubbed:
        erased["auditlog (scrubbed)"] = scrubbed
    session.expunge_all()
    return erased


FORGOTTEN = "[forgotten person]"


def _identifying_strings(session: Session, person: Person, ids: dict[str, set[int]]) -> list[str]:
    """The person's name, e-mail, handles (old and new) and sign-in names, longest first."""
    found: set[str] = {person.name}
    if person.email:
        found.add(person.email)
    if ids.get("account"):
        found.update(
            session.exec(select(Account.handle).where(col(Account.id).in_(ids["account"])))
        )
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


def _scrub_audit_log(session: Session, names: list[str]) -> int:
    """Replace the person's names in the audit log, keeping the record of what was done.

    The audit log names people as text (who signed in, whose account was added, notes), not
    by foreign key, so following keys cannot reach it; erasure must still.
    """
    if not names:
        return 0
    fields = (AuditLog.actor, AuditLog.target, AuditLog.detail)
    matches = sa.or_(
        *(sa.func.lower(f).contains(n.lower(), autoescape=True) for f in fields for n in names)
    )
    # Whole words only: a sign-in name "ana" must not touch "Canada".
    pattern = re.compile(
        "|".join(rf"(?<!\w){re.escape(n)}(?!\w)" for n in names), flags=re.IGNORECASE
    )
    scrubbed = 0
    for row in session.exec(select(AuditLog).where(matches)):
        changed = False
        for name_of in ("actor", "target", "detail"):
            value = getattr(row, name_of)
            if value is None:
                continue
            new, count = pattern.subn(FORGOTTEN, value)
            if count:
                setattr(row, name_of, new[:200] if name_of != "detail" else new)
                changed = True
        if changed:
            session.add(row)
            scrubbed += 1
    session.flush()
    return scrubbed
