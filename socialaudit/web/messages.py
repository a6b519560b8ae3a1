"""The words of the app's messages as a browser user reads them.

The registry, the users and the review code raise the same errors for the CLI and the app; a
message for a terminal may point at a command ("see 'socialaudit people list'") or an option
("--person: ..."), and the framework's own details ("Not Found") are a developer's words. A
browser user gets the message without those, or in plain words.
"""

import re

# "(see 'socialaudit people list')", "--person:": meant for a terminal, not a browser.
_CLI_HINT = re.compile(r"\s*\(see '(?:socialaudit|run) [^']*'\)")
_CLI_OPTION = re.compile(r"^--([a-z-]+):")

# Details raised in the code whose words are for a developer; the page says it plainly.
PLAIN = {
    "Not Found": "There is no page at this address.",
    "Method Not Allowed": "This address cannot be opened like this.",
    "no such finding": "There is no finding with this number (it may have been erased "
    "under the retention policy).",
    "Refused: missing or wrong CSRF token.": "The form was out of date or sent from another "
    "page. Reload the page and send the form again.",
    "missing or wrong CSRF token": "The sign-in form was out of date. Reload the page and "
    "sign in again.",
}


def for_browser(message: str) -> str:
    """A message shared with the CLI, without what only makes sense at a terminal."""
    message = PLAIN.get(message, message)
    return _CLI_OPTION.sub(r"\1:", _CLI_HINT.sub("", message))
