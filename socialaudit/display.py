"""Text from people and platforms, made safe to show: on a terminal, and beside other text.

A name, a handle or a post is someone else's text. On a terminal its control characters
would be obeyed (an ANSI escape recolours or retitles the terminal, a carriage return
overwrites the line), so `for_terminal` removes them. Beside other text, a right-to-left
override in it would reorder what follows (a name ending in U+202E reverses the sentence it
is in), so `isolated` wraps such text in an isolate (U+2068 ... U+2069) that ends at its
edge, as `<bdi>` does in HTML.
"""

from __future__ import annotations

import re

# ESC-introduced sequences: CSI (ESC [ ... final byte), OSC (ESC ] ... BEL or ESC \),
# and two-character escapes; then any C0/C1 control left but newline and tab.
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, terminated or not
    r"|\x1b[@-Z\\-_]"  # two-character escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidirectional formatting characters (embeddings, overrides, isolates, marks).
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
FSI, PDI = "\u2068", "\u2069"


def for_terminal(text: str) -> str:
    """`text` without escape sequences, control characters or bidi controls."""
    if not text.isprintable() or "\x1b" in text:
        text = _CONTROL.sub("", _ANSI.sub("", text))
    return _BIDI.sub("", text)


def has_bidi_controls(text: str) -> bool:
    return bool(_BIDI.search(text))


def isolated(text: str) -> str:
    """`text` in a first-strong isolate when it holds bidi controls, so they end with it."""
    return f"{FSI}{text}{PDI}" if has_bidi_controls(text) else text


def without_bidi(text: str) -> str:
    """For places that cannot hold an isolate (a mail header's display name)."""
    return _BIDI.sub("", text)
