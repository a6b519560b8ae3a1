"""What every command works with: the validated settings and, when needed, the database.

The engine is made on first use, so commands that need no database (`scan`, `rules`,
`draft`) never touch one, and the automatic schema upgrade happens before any command that
does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from socialaudit import packs
from socialaudit.config import Settings, load_settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


@dataclass
class AppContext:
    settings: Settings
    _engine: Engine | None = field(default=None, repr=False)

    @classmethod
    def load(cls, config_path: str | None = None) -> AppContext:
        settings = load_settings(config_path)
        # The process's policy pack, before anything reads a clause or compiles the rules'
        # vocabulary: the CLI and every web worker come through here.
        packs.use(settings.organisation.pack())
        return cls(settings=settings)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from socialaudit.db import ensure_schema, make_engine, require_existing

            require_existing(self.settings.database.sqlalchemy_url)
            engine = make_engine(self.settings.database.sqlalchemy_url)
            if self.settings.database.auto_upgrade:
                ensure_schema(engine)
            self._engine = engine
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
