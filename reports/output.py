"""Writing report files so a crash never leaves half a file and a rerun replaces cleanly."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from socialaudit.errors import UsageError


def _make_parent(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            f"reports.output_dir: cannot create {path.parent} ({exc.strerror})"
        ) from None


def write_atomic(path: Path, text: str) -> Path:
    """Write `text` (UTF-8, "\\n" line ends) to `path` via a temporary file and a rename."""
    with write_atomic_chunks(path) as handle:
        handle.write(text)
    return path


@contextmanager
def write_atomic_chunks(path: Path) -> Iterator[io.TextIOBase]:
    """A text file to write in pieces (a report's findings streamed from the store) that
    appears at `path` whole, by a rename, only when the block ends without an error."""
    _make_parent(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            yield handle  # type: ignore[misc]
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
