"""The shipped offensive-language classifier (alt-profanity-check), asked in batches.

The model is a linear classifier over word unigrams that ships inside the package (no download
at run time). The package's own loader imports scikit-learn, which takes seconds, so the model
is read on first use only, by `checks.profanity_model` in plain Python (a tenth of a second),
and the engine asks it only about texts whose words pass a cheap lexicon pre-filter. Should the
shipped files ever change shape, the package itself answers instead (slower to start, same
answers).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from functools import cache

from checks import lexicons
from checks.matching import Phrases, flatten
from checks.normalize import Text

log = logging.getLogger(__name__)

PROFANITY = Phrases(flatten(lexicons.PROFANITY))
INSULTS = Phrases(flatten(lexicons.INSULT_NOUNS))
ROUGH = Phrases(lexicons.ROUGH_WORDS)
# Words that show a message speaks to the person (or of their organisation).
ADDRESSED = Phrases(lexicons.ADDRESSED_WORDS, shared=False)


def worth_asking(view: Text, *, addressed: bool = False) -> bool:
    """Whether the classifier's opinion can change a rule's outcome for this text: it has
    rough words or insults but no profanity (which the lexicon alone decides), and, for a
    message replied to (`addressed`), it speaks to the person."""
    if ROUGH.search(view) is None and INSULTS.search(view) is None:
        return False
    if PROFANITY.search(view) is not None:
        return False
    return not addressed or ADDRESSED.search(view) is not None


@cache
def _predictor() -> Callable[[Sequence[str]], list[float]]:
    try:
        from checks.profanity_model import ProfanityModel

        return ProfanityModel.load().probabilities
    except Exception as exc:  # a model of another shape, or a Python without pickle._Unpickler
        log.warning("reading the profanity model through scikit-learn instead: %s", exc)

    from profanity_check import predict_prob

    return lambda texts: [float(p) for p in predict_prob(list(texts))]


def offensive_probabilities(texts: Sequence[str]) -> list[float]:
    """The model's probability that each text is offensive, in order."""
    if not texts:
        return []
    return _predictor()(texts)
