"""The store read into pandas DataFrames: the one place reports turn SQL into tables.

Queries are SQLAlchemy statements over the models, so the same code runs on SQLite and
PostgreSQL and the `UTCDateTime` columns come back as aware UTC datetimes. Every frame has a
fixed column set even when empty, so the aggregations downstream never special-case "no rows".
pandas is imported on first use: the weekly report counts in SQL and never needs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

if TYPE_CHECKING:
    import pandas as pd


def read(conn: Connection, stmt: Select[Any], dates: Sequence[str] = ()) -> pd.DataFrame:
    """Run `stmt` and return its rows as a DataFrame with the statement's column names."""
    import pandas as pd  # only the readers that draw frames pay for pandas' import

    result = conn.execute(stmt)
    columns = list(result.keys())
    # Plain tuples, fetched at once: pandas probing SQLAlchemy Row objects is slow.
    frame = pd.DataFrame.from_records([tuple(row) for row in result.fetchall()], columns=columns)
    for column in dates:
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def plain(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts of Python values, pandas' missing values (NaN, NaT, NA) as None."""
    if frame.empty:
        return []
    objects = frame.astype(object)
    return objects.where(frame.notna(), None).to_dict("records")
