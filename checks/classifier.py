"""The shipped offensive-language classifier (alt-profanity-check), asked in batches.

The model is a linear classifier over word n-grams that ships inside the package (no download
at run time). Importing it loads scikit-learn, which takes seconds, so it is imported on first
use only, and the engine asks it only about texts whose words pass a cheap lexicon pre-filter,
many at a time (one call for a thousand texts costs about as much as one call for one).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

log = logging.getLogger(__name__)


def offensive_probabilities(texts: Sequence[str]) -> list[float]:
    """The model's probability that each text is offensive, in order."""
    if not texts:
        return []
    from profanity_check import predict_prob

    return [float(p) for p in predict_prob(list(texts))]
