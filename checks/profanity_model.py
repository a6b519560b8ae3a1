"""The alt-profanity-check model read without scikit-learn, joblib or numpy.

The package ships a TF-IDF vectoriser (word unigrams, l2 norm) and a
`CalibratedClassifierCV` of linear SVMs with sigmoid calibration, as joblib pickles. Loading
them the package's way imports scikit-learn, SciPy and joblib, which costs about 3.5 CPU
seconds: more than a third of the time `scan` takes over 100,000 items. The model itself is
a vocabulary, one idf weight per word and five (weights, intercept, a, b) folds, so this
module reads just those numbers from the package's own files and computes the same
probability in plain Python (tests/checks/test_profanity_model.py compares it with the
package's `predict_prob`):

    x = tf * idf / ||tf * idf||,  p = mean over folds of 1 / (1 + exp(a * (w . x + c) + b))

The pickles are read with a restricted unpickler that builds only plain records: any class it
does not expect, or a vectoriser setting this code does not implement, raises
`ModelFormatError`, and the caller falls back to the package itself.
"""

from __future__ import annotations

import math
import pickle
import re
import struct
import sys
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import IO, Any

# numpy dtype codes to `array` type codes (the model holds float64 weights and int64 labels).
_TYPECODES = {"f8": "d", "f4": "f", "i8": "q", "i4": "i", "u8": "Q", "u4": "I"}


class ModelFormatError(Exception):
    """The shipped files are not the model this module knows how to read."""


class _Record:
    """Stands in for a scikit-learn estimator: its pickled state becomes attributes."""

    def __init__(self, *args: Any) -> None:
        pass

    def __setstate__(self, state: Any) -> None:
        if isinstance(state, tuple):  # (state, slots_state)
            state = {**(state[0] or {}), **(state[1] or {})}
        self.__dict__.update(state)


class _ArrayWrapper(_Record):
    """joblib's `NumpyArrayWrapper`: the array's bytes follow it in the stream."""


class _DType:
    """A numpy dtype, as far as reading raw array bytes needs one."""

    def __init__(self, code: str, *args: Any) -> None:
        self.code = code
        self.byteorder = "="

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self.byteorder = state[1]

    def decode(self, raw: bytes) -> list[float] | list[int]:
        typecode = _TYPECODES.get(self.code.lstrip("<>=|"))
        if typecode is None:
            raise ModelFormatError(f"unexpected array type {self.code!r}")
        values = array(typecode, raw)
        if self.byteorder in "<>" and (self.byteorder == "<") != (sys.byteorder == "little"):
            values.byteswap()
        return values.tolist()


class _NumpyType:
    """A numpy type named in the pickle (the vectoriser's `dtype`, ndarray as a subclass)."""

    def __init__(self, *args: Any) -> None:
        pass


def _scalar(dtype: _DType, raw: bytes) -> float | int:
    return dtype.decode(raw)[0]


def _reconstruct(cls: type, base: type, state: Any) -> Any:
    return cls.__new__(cls)


class _ModelUnpickler(pickle._Unpickler):  # type: ignore[name-defined]  # BUILD is hookable here
    """Reads a joblib pickle of scikit-learn estimators into `_Record`s and plain lists."""

    dispatch = pickle._Unpickler.dispatch.copy()  # type: ignore[attr-defined]

    def __init__(self, file: IO[bytes]) -> None:
        super().__init__(file)
        self.raw = file

    def find_class(self, module: str, name: str) -> Any:
        if module.startswith("sklearn."):
            return _Record
        if (module, name) == ("joblib.numpy_pickle", "NumpyArrayWrapper"):
            return _ArrayWrapper
        if (module, name) == ("copyreg", "_reconstructor"):
            return _reconstruct
        if module == "numpy" and name == "dtype":
            return _DType
        if module.startswith("numpy") and name == "scalar":
            return _scalar
        if module == "numpy":
            return _NumpyType
        if module == "builtins" and name == "object":
            return object
        raise ModelFormatError(f"unexpected class {module}.{name} in the model")

    def load_build(self) -> None:
        pickle._Unpickler.load_build(self)  # type: ignore[attr-defined]
        if isinstance(self.stack[-1], _ArrayWrapper):
            wrapper = self.stack.pop()
            self.stack.append(self._read_array(wrapper))

    dispatch[pickle.BUILD[0]] = load_build

    def _read_array(self, wrapper: _ArrayWrapper) -> list[Any]:
        """The bytes joblib wrote straight after the wrapper (see joblib's `read_array`)."""
        dtype = wrapper.dtype
        if getattr(wrapper, "numpy_array_alignment_bytes", None) is not None:
            padding = self.raw.read(1)
            self.raw.read(int.from_bytes(padding, "little"))
        count = math.prod(wrapper.shape)
        itemsize = struct.calcsize(_TYPECODES.get(dtype.code.lstrip("<>=|"), "x"))
        raw = self.raw.read(count * itemsize)
        if len(raw) != count * itemsize:
            raise ModelFormatError("the model file ends inside an array")
        return dtype.decode(raw)


def _data_dir() -> Path:
    """The package's data folder, found without importing the package (its `__init__` loads
    the model through scikit-learn, which is what this module avoids)."""
    spec = find_spec("profanity_check")
    if spec is None or not spec.submodule_search_locations:
        raise ModelFormatError("alt-profanity-check is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _load(name: str) -> Any:
    with (_data_dir() / name).open("rb") as file:
        try:
            return _ModelUnpickler(file).load()
        except ModelFormatError:
            raise
        except Exception as exc:  # any surprise means "not the format we know"
            raise ModelFormatError(f"cannot read {name}: {exc}") from exc


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


@dataclass(frozen=True)
class ProfanityModel:
    """The shipped classifier as numbers: per word its idf and its idf-scaled fold weights."""

    token: re.Pattern[str]
    terms: dict[str, tuple[float, tuple[float, ...]]]
    folds: tuple[tuple[float, float, float], ...]  # (intercept, a, b) per fold

    @classmethod
    def load(cls) -> ProfanityModel:
        vectorizer = _load("vectorizer.joblib")
        model = _load("model.joblib")
        try:
            return cls._build(vectorizer, model)
        except (AttributeError, IndexError, KeyError, TypeError) as exc:
            raise ModelFormatError(f"unexpected model layout: {exc}") from exc

    @classmethod
    def _build(cls, vectorizer: Any, model: Any) -> ProfanityModel:
        expected = {
            "analyzer": "word",
            "ngram_range": (1, 1),
            "lowercase": True,
            "binary": False,
            "preprocessor": None,
            "tokenizer": None,
            "strip_accents": None,
            "norm": "l2",
            "use_idf": True,
            "sublinear_tf": False,
        }
        for key, value in expected.items():
            if getattr(vectorizer, key) != value:
                raise ModelFormatError(f"vectoriser {key}={getattr(vectorizer, key)!r}")
        if model.method != "sigmoid" or list(model.classes_) != [0, 1]:
            raise ModelFormatError("expected a binary classifier with sigmoid calibration")
        idf = vectorizer._tfidf.idf_
        weights = []
        folds = []
        for calibrated in model.calibrated_classifiers_:
            (calibrator,) = calibrated.calibrators
            weights.append(calibrated.estimator.coef_)
            folds.append(
                (float(calibrated.estimator.intercept_[0]), float(calibrator.a_), calibrator.b_)
            )
        terms = {
            word: (idf[i], tuple(idf[i] * w[i] for w in weights))
            for word, i in vectorizer.vocabulary_.items()
        }
        return cls(re.compile(vectorizer.token_pattern), terms, tuple(folds))

    def probability(self, text: str) -> float:
        """The probability that `text` is offensive, as the package's `predict_prob` gives it."""
        terms = self.terms
        counts: dict[str, int] = {}
        for w in self.token.findall(text.lower()):
            if w in terms:
                counts[w] = counts.get(w, 0) + 1
        folds = self.folds
        sums = [0.0] * len(folds)
        square = 0.0
        # One pass over the words for every fold (asked for every post: this is hot).
        for w, n in counts.items():
            idf, weights = terms[w]
            square += (n * idf) ** 2
            for k, weight in enumerate(weights):
                sums[k] += n * weight
        norm = math.sqrt(square)
        total = 0.0
        for k, (intercept, a, b) in enumerate(folds):
            score = intercept + (sums[k] / norm if norm else 0.0)
            total += _sigmoid(-(a * score + b))
        return total / len(folds)

    def probabilities(self, texts: Sequence[str]) -> list[float]:
        return [self.probability(text) for text in texts]
