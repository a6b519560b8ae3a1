"""Engagement text comparison: the batch normaliser agrees with the one-text version."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reports.engagement import normalise, normalise_many

texts = st.text(alphabet=st.characters(blacklist_characters="\x00"), max_size=60)


@given(st.lists(texts, max_size=8))
def test_batch_normalise_matches_single(batch: list[str]) -> None:
    assert normalise_many(batch) == [normalise(t) for t in batch]


def test_normalise_ignores_case_spacing_links_and_width() -> None:
    assert normalise("Read  OUR report https://amnesty.org/r?x=1\n today") == (
        "read our report today"
    )
    assert normalise("ＲＥＡＤ") == "read"
