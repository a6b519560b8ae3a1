"""Fuzzing the three ways text gets in: `scan` lines, the people CSV, X archive files.

Every generated input is either accepted or refused with one UsageError whose message is a
single line (what the CLI prints as `socialaudit: error: ...` with exit code 2); anything
else (a traceback, a database error) fails. In the suite each target runs 200 examples;
`make fuzz` runs 10,000 each (SOCIALAUDIT_FUZZ_EXAMPLES) and prints the figures.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from checks import scan as scan_module
from socialaudit.errors import UsageError

EXAMPLES = int(os.environ.get("SOCIALAUDIT_FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
FIGURES: dict[str, Counter] = {}


def _judge(target: str, run: Any) -> None:
    """Run one input: accepted, or refused in one line; count which."""
    figures = FIGURES.setdefault(target, Counter())
    try:
        run()
    except UsageError as exc:
        message = str(exc)
        assert message.strip() and "\n" not in message and "\r" not in message, repr(message)
        figures["refused"] += 1
        return
    figures["accepted"] += 1


@pytest.fixture(scope="module", autouse=True)
def _report_figures() -> Iterator[None]:
    yield
    for target, figures in sorted(FIGURES.items()):
        total = sum(figures.values())
        print(
            f"\nfuzz {target}: {total} inputs, {figures['accepted']} accepted, "
            f"{figures['refused']} refused with one line, 0 tracebacks"
        )


# --- scan lines -----------------------------------------------------------------------------

# Every key scan reads, from its own lists, so a key it learns is fuzzed too.
SCAN_KEYS = sorted(scan_module._POST_KEYS | scan_module._PROFILE_KEYS)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=60)
    | st.sampled_from(["post", "profile", "x", "2026-11-20T09:30:00Z", "staff", "9999-99-99"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
VALID_POST = {
    "kind": "post",
    "id": "p1",
    "platform": "x",
    "author": "ana",
    "created_at": "2026-11-20T09:30:00Z",
    "text": "Vote for the Example Party, you absolute clown",
}


@st.composite
def scan_lines(draw: st.DrawFn) -> str:
    choice = draw(st.integers(0, 4))
    if choice == 0:
        return draw(st.text(max_size=200))
    if choice == 1:  # an item with some known keys and odd values
        keys = draw(st.lists(st.sampled_from(SCAN_KEYS), max_size=8, unique=True))
        item = {**VALID_POST, **{k: draw(json_values) for k in keys}}
        return json.dumps(item)
    if choice == 2:  # deep or wide nesting
        depth = draw(st.integers(1, 3000))
        opener = draw(st.sampled_from(["[", '{"a":']))
        closer = "]" if opener == "[" else "}"
        return opener * depth + "1" + closer * draw(st.integers(0, depth))
    if choice == 3:  # a valid line cut or spliced
        line = json.dumps({**VALID_POST, "text": draw(st.text(max_size=80))})
        cut = draw(st.integers(0, len(line)))
        return line[:cut] + draw(st.text(max_size=10)) + line[cut + draw(st.integers(0, 5)) :]
    return json.dumps(draw(json_values))


@pytest.fixture(scope="module")
def checks_engine() -> Any:
    from checks.engine import Engine as ChecksEngine
    from socialaudit.config import Settings

    return ChecksEngine.from_settings(Settings())


@FUZZ
@given(lines=st.lists(scan_lines(), min_size=1, max_size=3))
def test_fuzz_scan_lines(checks_engine: Any, lines: list[str]) -> None:
    from checks.scan import scan_lines as scan

    _judge("scan", lambda: list(scan(lines, checks_engine, "fuzz.jsonl")))


# --- the people CSV ---------------------------------------------------------------------------

CSV_COLUMNS = [
    "name",
    "email",
    "team",
    "role",
    "nudges",
    "timezone",
    "language",
    "x",
    "bluesky",
    "mastodon",
]
cells = (
    st.text(max_size=40)
    | st.text(alphabet=',"\n\r\x00\x1b;@.', max_size=10)
    | st.sampled_from(
        ["Ana Lima", "ana@example.org", "staff", "yes", "Europe/Paris", "fr", "ana.bsky.social"]
    )
    | st.integers(150, 400).map(lambda n: "x" * n)
)


@st.composite
def people_csv(draw: st.DrawFn) -> bytes:
    choice = draw(st.integers(0, 3))
    if choice == 0:
        return draw(st.binary(max_size=300))
    header = draw(st.lists(st.sampled_from(CSV_COLUMNS), min_size=1, max_size=6, unique=True))
    if draw(st.booleans()):
        header = ["name", *[h for h in header if h != "name"]]
    rows = draw(st.lists(st.lists(cells, min_size=len(header), max_size=len(header)), max_size=4))
    lines = [",".join(header)]
    for row in rows:
        lines.append(",".join(f'"{c}"' if draw(st.booleans()) else c for c in row))
    text = "\n".join(lines) + "\n"
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]))
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


@FUZZ
@given(content=people_csv())
def test_fuzz_people_csv(engine: Engine, tmp_path: Path, content: bytes) -> None:
    from socialaudit.registry import import_people_csv

    path = tmp_path / "people.csv"
    path.write_bytes(content)
    with Session(engine) as session:
        try:
            _judge("people-csv", lambda: (import_people_csv(session, path), session.flush()))
        finally:
            session.rollback()


# --- X archive files --------------------------------------------------------------------------

ids = st.one_of(
    st.integers(0, 10**20).map(str),
    st.integers(),
    st.text(max_size=30),
    st.integers(21, 400).map(lambda n: "9" * n),
    st.none(),
)
dates = st.one_of(
    st.datetimes(timezones=st.just(UTC)).map(lambda d: d.strftime("%a %b %d %H:%M:%S +0000 %Y")),
    st.text(max_size=30),
    st.sampled_from(["Sat Feb 31 12:33:11 +0000 2023", "2026-11-05T10:00:00Z", "9999-12-31"]),
    st.none(),
    st.integers(),
)
texts = st.one_of(st.text(max_size=300), st.none(), st.integers(), st.lists(st.text(max_size=5)))


@st.composite
def tweet(draw: st.DrawFn) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "id_str": draw(ids),
        "full_text": draw(texts),
        "created_at": draw(dates),
        "lang": draw(st.one_of(st.none(), st.text(max_size=40), st.sampled_from(["en", "fr"]))),
    }
    optional = {
        "entities": st.one_of(
            st.none(),
            st.text(max_size=5),
            st.fixed_dictionaries(
                {
                    "hashtags": st.lists(st.fixed_dictionaries({"text": texts}), max_size=2),
                    "urls": st.lists(
                        st.fixed_dictionaries({"url": texts, "expanded_url": texts}), max_size=2
                    ),
                    "user_mentions": st.lists(
                        st.fixed_dictionaries({"screen_name": texts, "id_str": ids}), max_size=2
                    ),
                }
            ),
            json_values,
        ),
        "in_reply_to_status_id_str": ids,
        "in_reply_to_user_id_str": ids,
        "edit_info": st.one_of(
            st.fixed_dictionaries(
                {"initial": st.fixed_dictionaries({"editTweetIds": st.lists(ids, max_size=3)})}
            ),
            json_values,
        ),
        "deleted_at": dates,
        "extended_entities": json_values,
    }
    for key in draw(st.lists(st.sampled_from(sorted(optional)), max_size=4, unique=True)):
        fields[key] = draw(optional[key])
    if draw(st.booleans()):
        fields = {k: v for k, v in fields.items() if not draw(st.booleans())}
    return {"tweet": fields}


def _js(name: str, value: Any) -> bytes:
    return f"window.YTD.{name}.part0 = {json.dumps(value)}".encode()


@st.composite
def x_archive(draw: st.DrawFn) -> dict[str, bytes] | bytes:
    choice = draw(st.integers(0, 5))
    if choice == 0:
        return draw(st.binary(max_size=200))  # not a zip at all
    account = {"accountId": "1001", "username": "ana_lima", "accountDisplayName": "Ana"}
    if choice == 1:
        account = {k: draw(st.one_of(ids, texts)) for k in account if draw(st.booleans())}
    files = {
        "data/account.js": _js("account", [{"account": account}]),
        "data/tweets.js": _js("tweets", draw(st.lists(tweet(), max_size=4))),
    }
    if choice == 2:
        name = draw(st.sampled_from(sorted(files)))
        raw = files[name]
        cut = draw(st.integers(0, len(raw)))
        files[name] = raw[:cut] + draw(st.binary(max_size=8)) + raw[cut:]
    if choice == 3:
        files["data/deleted-tweets.js"] = _js("deleted", draw(st.lists(tweet(), max_size=2)))
        files["data/note-tweet.js"] = _js(
            "noteTweet", [{"noteTweet": {"createdAt": draw(dates), "core": {"text": draw(texts)}}}]
        )
    if choice == 4:
        files["data/profile.js"] = _js("profile", draw(json_values))
        files["data/manifest.js"] = (
            b"window.__THAR_CONFIG = " + json.dumps(draw(json_values)).encode()
        )
    return files


@FUZZ
@given(content=x_archive())
def test_fuzz_x_archive(engine: Engine, tmp_path: Path, content: dict[str, bytes] | bytes) -> None:
    from collectors.importing import ImportReport, registered_account, save_import
    from collectors.x_archive import read_x_archive
    from socialaudit.models import Account, Person

    path = tmp_path / "archive.zip"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in content.items():
                archive.writestr(f"twitter/{name}", data)

    def run() -> None:
        archive = read_x_archive(path)
        with Session(engine) as session:
            try:
                person = Person(name="Ana Lima")
                session.add(person)
                session.flush()
                session.add(
                    Account(
                        person_id=person.id, platform="x", handle="ana_lima", platform_id="1001"
                    )
                )
                session.flush()
                account = registered_account(session, "x", archive.account_id, archive.username)
                save_import(
                    session,
                    account,
                    ImportReport(str(path), "x", account.handle),
                    archive.posts,
                    datetime(2026, 11, 24, tzinfo=UTC),
                    profile=archive.profile,
                    deleted=archive.deleted,
                )
                session.flush()
            finally:
                session.rollback()

    _judge("x-archive", run)


# --- Bluesky repository CAR files -----------------------------------------------------------

DID = "did:plc:fuzzfuzzfuzzfuzzfuzzfuzz"
record_values = st.fixed_dictionaries(
    {"$type": st.sampled_from(["app.bsky.feed.post", "app.bsky.feed.repost"])},
    optional={
        "text": texts,
        "createdAt": dates
        | st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat().replace("+00:00", "Z")),
        "langs": st.one_of(st.lists(st.text(max_size=40), max_size=2), json_values),
        "reply": json_values,
        "embed": json_values,
        "facets": json_values,
        "subject": st.one_of(
            json_values,
            st.fixed_dictionaries({"uri": texts, "cid": texts}),
        ),
    },
)


@st.composite
def repo_car(draw: st.DrawFn) -> bytes:
    from tests.collectors.archive_files import Link, cid_of, dag_cbor, write_car

    blocks: dict[Link, bytes] = {}

    def put(value: Any) -> Link:
        data = dag_cbor(value)
        cid = cid_of(data)
        blocks[cid] = data
        return cid

    def cbor_safe(value: Any) -> Any:  # the test encoder knows no floats
        if isinstance(value, float):
            return str(value)
        if isinstance(value, int) and not -(2**63) <= value < 2**64:
            return str(value)
        if isinstance(value, list):
            return [cbor_safe(v) for v in value]
        if isinstance(value, dict):
            return {str(k): cbor_safe(v) for k, v in value.items()}
        return value

    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["app.bsky.feed.post", "app.bsky.feed.repost", "app.bsky.x"]),
                st.text(min_size=1, max_size=300),
            ),
            max_size=4,
            unique=True,
        )
    )
    entries, last = [], b""
    for collection, rkey in sorted(keys):
        raw = f"{collection}/{rkey}".encode()
        value = cbor_safe(draw(record_values))
        entries.append({"p": 0, "k": raw, "v": put(value), "t": None})
        last = raw
    del last
    node: dict[str, Any] = {"l": None, "e": entries}
    if draw(st.booleans()):
        node = cbor_safe(draw(json_values)) if draw(st.booleans()) else {**node, "e": "bad"}
    root = put(node)
    did = draw(st.one_of(st.just(DID), texts.map(cbor_safe)))
    commit = put({"did": did, "version": 3, "data": root, "rev": "3l", "prev": None})
    car = write_car(commit, blocks)
    if draw(st.integers(0, 4)) == 0:  # bytes flipped or cut
        cut = draw(st.integers(0, len(car)))
        car = car[:cut] + draw(st.binary(max_size=6)) + car[cut + draw(st.integers(0, 6)) :]
    return car


@FUZZ
@given(car=repo_car())
def test_fuzz_bluesky_car(engine: Engine, car: bytes) -> None:
    from collectors.bluesky_repo import read_car, records_as_posts
    from collectors.importing import ImportReport, save_import
    from socialaudit.models import Account, Person

    def run() -> None:
        did, records = read_car(car)
        posts = records_as_posts(records, did, "ana.example.org")
        with Session(engine) as session:
            try:
                person = Person(name="Ana Lima")
                session.add(person)
                session.flush()
                account = Account(
                    person_id=person.id,
                    platform="bluesky",
                    handle="ana.example.org",
                    platform_id=did,
                )
                session.add(account)
                session.flush()
                save_import(
                    session,
                    account,
                    ImportReport("fuzz.car", "bluesky", account.handle),
                    posts,
                    datetime(2026, 11, 24, tzinfo=UTC),
                )
                session.flush()
            finally:
                session.rollback()

    _judge("bluesky-car", run)
