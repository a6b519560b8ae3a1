"""`socialaudit scan | check | draft | rules`: the policy checks from the command line."""

from __future__ import annotations

import io
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from socialaudit.cli import EXIT_FINDINGS, EXIT_OK, console, get_app
from socialaudit.errors import NotFoundError, UsageError

if TYPE_CHECKING:
    from checks.engine import Engine, Result
    from reports.i18n import Language
    from socialaudit.config import Settings


def scan(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="JSON-lines input, or - for standard input.")],
) -> None:
    """Check JSON-lines posts and profiles without a database; findings out as JSON lines.

    Exit 0 with no findings, 1 with findings, 2 on bad input (the message names the line).
    """
    from checks.engine import Engine, PostItem

    engine = Engine.from_settings(get_app(ctx).settings)
    from checks.scan import scan_lines  # after the settings chose the policy pack

    if file == "-":
        # Read as strict UTF-8 like a file, whatever the locale says standard input is.
        binary = getattr(sys.stdin, "buffer", None)
        stream = (
            io.TextIOWrapper(binary, encoding="utf-8", errors="strict")
            if binary is not None
            else sys.stdin
        )
        source = "<stdin>"
    else:
        path = Path(file)
        if not path.is_file():
            raise UsageError(f"scan: no such file: {file}")
        stream, source = path.open(encoding="utf-8", errors="strict"), file
    found = 0
    out = sys.stdout
    try:
        for item, results in scan_lines(stream, engine, source):
            lang = item.language if results and isinstance(item, PostItem) else None
            for result in results:
                out.write(json.dumps(result.as_json(item.id, lang), ensure_ascii=False) + "\n")
                found += 1
    except UnicodeDecodeError as exc:
        raise UsageError(f"scan: {source}: not UTF-8 text ({exc.reason})") from None
    finally:
        out.flush()
        if file != "-":
            stream.close()
        elif stream is not sys.stdin:
            stream.detach()  # standard input itself stays open
    raise typer.Exit(EXIT_FINDINGS if found else EXIT_OK)


def check(
    ctx: typer.Context,
    now: Annotated[
        datetime | None,
        typer.Option(
            help="The moment to judge correction windows at (default: now); "
            "for replays against the sandbox's clock."
        ),
    ] = None,
) -> None:
    """Run the rules over every post and profile snapshot not yet checked, store findings,
    and decide what became of changed posts (deletion versus correction, MST801).

    Idempotent: running it again adds nothing. Exit 1 when this run raised new findings.
    """
    from socialaudit import aggregates
    from socialaudit.pipeline.check_runner import run_checks
    from socialaudit.pipeline.lifecycle import update_outcomes

    app_ctx = get_app(ctx)
    summary = run_checks(app_ctx.engine, app_ctx.settings)
    moment = now.replace(tzinfo=now.tzinfo or UTC) if now else None
    lifecycle = update_outcomes(app_ctx.engine, app_ctx.settings, now=moment)
    aggregates.sync(app_ctx.engine)  # the dashboard's weekly counts, for what changed
    console().print(summary.describe())
    outcomes = ", ".join(f"{n} {k}" for k, n in sorted(lifecycle.decided.items()))
    console().print(f"changed posts: {outcomes or 'none'}; {lifecycle.findings} new MST801")
    new = summary.new_findings + lifecycle.findings
    raise typer.Exit(EXIT_FINDINGS if new else EXIT_OK)


def draft(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="The post you are about to publish.")],
    link: Annotated[
        list[str] | None, typer.Option("--link", help="A link the post will carry (repeat).")
    ] = None,
    reply_to: Annotated[
        str | None, typer.Option("--reply-to", help="The message you are replying to.")
    ] = None,
    role: Annotated[str, typer.Option(help="spokesperson or staff.")] = "spokesperson",
    language: Annotated[
        str | None,
        typer.Option(
            "--language",
            help="Language of the advice (en, fr, es, ar); default: the locale "
            "(LANGUAGE, LC_ALL, LC_MESSAGES, LANG), else English.",
        ),
    ] = None,
) -> None:
    """Check a post before publishing it, and hear what the policy says in plain words, in
    your language."""
    from babel.core import default_locale

    from checks.engine import Engine, PostItem
    from reports import nudge_texts
    from reports.i18n import LANGUAGES, for_language

    if role not in ("spokesperson", "staff"):
        raise UsageError(f"draft: --role must be spokesperson or staff, got {role!r}")
    if language is not None and language.replace("_", "-").split("-")[0].lower() not in LANGUAGES:
        raise UsageError(
            f"draft: --language must be one of {', '.join(LANGUAGES)}, got {language!r}"
        )
    words = for_language(language or default_locale())
    settings = get_app(ctx).settings
    engine = Engine.from_settings(settings)
    now = datetime.now(UTC)
    item = PostItem(
        "draft",
        text=text,
        created_at=now,
        role=role,
        links=link or [],
        reply_to_text=reply_to,
        reply_to_created_at=now if reply_to else None,
    )
    results = engine.check_batch([item])[0]
    out = console()
    motto = nudge_texts.motto(words.code)
    if not results:
        out.print(words.gettext("Nothing in this draft goes against the social media policy."))
        out.print(
            words.gettext("Still, read it once more as a journalist would. %(motto)s")
            % {"motto": motto}
        )
        _print_coverage(engine, settings)
        raise typer.Exit(EXIT_OK)
    count = len(results)
    out.print(
        words.ngettext(
            "Before you post, one thing to look at:",
            "Before you post, %(num)s things to look at:",
            count,
        )
        % {"num": words.number(count)}
    )
    for result in results:
        out.print("")
        for line in _draft_lines(result, words):
            out.print(escape(line))
    _print_coverage(engine, settings)
    out.print(f"\n{motto}")
    raise typer.Exit(EXIT_FINDINGS)


def _draft_lines(result: Result, words: Language) -> list[str]:
    """One finding of `draft` in the person's language: the rule and how serious, the clause
    in one sentence, the advice said of a post not yet published (there is nothing to take
    down yet), and the words of the draft that the rule saw."""
    from checks.registry import get_rule
    from reports import nudge_texts

    info = get_rule(result.rule)
    lines = [
        f"- {result.name} ({words.severity(result.severity)}): "
        + nudge_texts.clause_summary(info.clause_keys[0], words.code),
        "  " + words.gettext("You could:") + " " + nudge_texts.draft_instead(info.code, words.code),
    ]
    quoted = "; ".join(
        words.gettext("“%(text)s”") % {"text": e["text"]} for e in result.evidence if e.get("text")
    )
    if quoted and len(quoted) < 300:
        if any(e.get("field") == "reply_to_text" for e in result.evidence):
            lines.append("  " + words.gettext("In the message you reply to:") + " " + quoted)
        else:
            lines.append("  " + words.gettext("In your text:") + " " + quoted)
    return lines


def _print_coverage(engine: Engine, settings: Settings) -> None:
    """Which endorsements the configured rules can and cannot detect (never silent)."""
    from checks.coverage import endorsement_coverage

    out = console()
    out.print("")
    for line in endorsement_coverage(engine, settings).lines():
        out.print(escape(line))


def rules(
    ctx: typer.Context,
    code: Annotated[str | None, typer.Argument(help="A rule code, e.g. NPT201.")] = None,
) -> None:
    """List the rules, or show one rule's page (what it does, why, example, instead), with
    what the configured endorsement rules can and cannot detect."""
    from checks.engine import Engine
    from checks.registry import all_rules, get_rule

    # The configuration is read (and checked) for every form of the command: the settings
    # shown are the configured ones, and a bad or missing --config is an error here too.
    # It also chooses the policy pack, whose vocabulary the rules compile when loaded.
    settings = get_app(ctx).settings
    engine = Engine.from_settings(settings)
    disabled = set(settings.rules.disabled)
    out = console()
    if code is None:
        table = Table("code", "name", "subject", "severity", "clause", box=None)
        for info in all_rules():
            if not info.func:
                name = f"{info.name} (not implemented yet)"
            elif info.code in disabled:
                name = f"{info.name} (disabled)"
            else:
                name = info.name
            severity = settings.rules.for_rule(info.code).get("severity", info.severity)
            table.add_row(info.code, name, info.subject, severity, info.clause)
        out.print(table)
        _print_coverage(engine, settings)
        return
    try:
        info = get_rule(code.strip().upper())
    except KeyError:
        raise NotFoundError(f"rules: no rule {code!r}; `socialaudit rules` lists them") from None
    table = settings.rules.for_rule(info.code)
    severity = table.get("severity", info.severity)
    shown = f"severity {severity}" + (
        f" (default {info.severity})" if severity != info.severity else ""
    )
    out.print(f"{info.code} {info.name}  ({info.subject}, {shown})")
    if info.code in disabled:
        out.print("Disabled in the configuration ([rules] disabled).")
    out.print(f"Clause: {escape(info.clause)}")
    out.print(f'  "{escape(info.clause_text)}"')
    if info.params:
        values = []
        for key, default in info.params.items():
            value = table.get(key, default)
            values.append(
                f"{key} = {value!r}" + (f" (default {default!r})" if value != default else "")
            )
        out.print(escape(f"Settings: [rules.{info.code}] {', '.join(values)}"))
    out.print("")
    out.print(
        escape(info.doc) if info.doc else f"Fires when {info.fires_when}. (Not implemented yet.)"
    )
    if info.code in ("NPT201", "NPT202"):
        _print_coverage(engine, settings)
