"""What the web app accepts from a request: ids, form fields, queue filters, JSON bodies,
each bounded where it enters (a 422, never a database error)."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Form, Path, Query, Request
from pydantic import BaseModel, Field

MAX_PAGE = 100_000  # far beyond any queue; keeps the offset a small integer

# A row id as both databases store it (PostgreSQL INTEGER, 32-bit signed): a larger number
# is a 422, not a driver overflow deep in the query.
FindingId = Annotated[int, Path(ge=1, le=2**31 - 1)]

# Text from a request never holds NUL (PostgreSQL text cannot store it) nor more than its
# column does: such input is refused with a 422 where it enters, not by the database.
NO_NUL = r"^[^\x00]*$"
NOTE_LENGTH = 10_000
Name = Annotated[str, Form(max_length=200, pattern=NO_NUL)]
Line = Annotated[str, Form(max_length=320, pattern=NO_NUL)]
# Review queue filters, empty meaning "any" (the HTML form sends empty fields).
WeekFilter = Annotated[str | None, Query(pattern=r"^(\d{4}-W\d{2})?$")]
RuleFilter = Annotated[str | None, Query(pattern=r"^[A-Za-z0-9]{0,8}$")]
SeverityFilter = Annotated[str | None, Query(pattern=r"^(high|medium|review|info)?$")]
PersonFilter = Annotated[str | None, Query(max_length=200, pattern=NO_NUL)]
SearchFilter = Annotated[str | None, Query(max_length=200, pattern=NO_NUL)]
SortFilter = Annotated[str | None, Query(pattern=r"^(severity|rule|person|week|posted|status)?$")]
StatusFilter = Annotated[
    str | None, Query(pattern=r"^(open|false-positive|acknowledged|resolved)?$")
]


def page_link(request: Request, number: int) -> str:
    """The same query with another page number (filters kept, safely re-encoded)."""
    params = dict(request.query_params)
    params["page"] = str(number)
    return f"{request.url.path}?{urlencode(params)}"


class ReviewIn(BaseModel):
    status: str = Field(max_length=32, pattern=NO_NUL)
    note: str | None = Field(default=None, max_length=NOTE_LENGTH, pattern=NO_NUL)


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=NOTE_LENGTH, pattern=NO_NUL)
