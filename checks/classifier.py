"""The shipped offensive-language classifier (alt-profanity-check), asked in batches.

The model is a linear classifier over word n-grams that ships inside the package (no download
at run time). Importing it loads scikit-learn, which takes seconds, so it is imported on first
use only, and the engine asks it only about texts whose words pass a cheap lexicon pre-filter,
many at a time (one call for a thousand texts costs about as much as one call for one).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from checks import lexicons
from checks.matching import Phrases, flatten
from checks.normalize import Text

log = logging.getLogger(__name__)

PROFANITY = Phrases(flatten(lexicons.PROFANITY))
INSULTS = Phrases(flatten(lexicons.INSULT_NOUNS))
ROUGH = Phrases(lexicons.ROUGH_WORDS)
# Words that show a message speaks to the person (or of their organisation).
ADDRESSED = Phrases(
    [
        "you",
        "your",
        "you're",
        "u",
        "ur",
        "yours",
        "amnesty",
        "tu",
        "toi",
        "vous",
        "votre",
        "te",
        "usted",
        "ustedes",
        "vosotros",
        "tus",
        "tú",
    ],
    shared=False,
)


def worth_asking(view: Text, *, addressed: bool = False) -> bool:
    """Whether the classifier's opinion can change a rule's outcome for this text: it has
    rough words or insults but no profanity (which the lexicon alone decides), and, for a
    message replied to (`addressed`), it speaks to the person."""
    if ROUGH.search(view) is None and INSULTS.search(view) is None:
        return False
    if PROFANITY.search(view) is not None:
        return False
    return not addressed or ADDRESSED.search(view) is not None


def offensive_probabilities(texts: Sequence[str]) -> list[float]:
    """The model's probability that each text is offensive, in order."""
    if not texts:
        return []
    from profanity_check import predict_prob

    return [float(p) for p in predict_prob(list(texts))]
