"""Writing report files so a crash never leaves half a file and a rerun replaces cleanly."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from socialaudit.errors import UsageError


def write_atomic(path: Path, text: str) -> Path:
    """Write `text` (UTF-8, "\\n" line ends) to `path` via a temporary file and a rename."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            f"reports.output_dir: cannot create {path.parent} ({exc.strerror})"
        ) from None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
