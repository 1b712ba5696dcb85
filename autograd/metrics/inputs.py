"""Input checks shared by the metrics: labels, scores, sample weights and option strings.

Every check raises ``ValueError`` whose message starts with the public function's
name and shows the offending value, so a failing call says what to fix.

Example:
    >>> from autograd.metrics.inputs import as_labels
    >>> as_labels([1, 0, 1], "f1_score", "y_true")
    array([1, 0, 1])
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any, Sequence

import numpy as np

__all__ = [
    "UndefinedMetricWarning",
    "as_labels",
    "as_scores",
    "as_weights",
    "check_labels_arg",
    "check_option",
    "check_pair",
    "class_labels",
    "divide",
    "index_of",
    "is_text",
    "zero_division_value",
]


class UndefinedMetricWarning(UserWarning):
    """A metric was 0/0 and took the `zero_division` value, as scikit-learn warns."""


def check_option(value: Any, allowed: Sequence[Any], fname: str, name: str) -> Any:
    """Return `value` if it is one of `allowed` (compared by identity or as a string)."""
    if not any(value is a or (isinstance(value, str) and value == a) for a in allowed):
        raise ValueError(f"{fname}: {name} must be one of {list(allowed)}, got {value!r}")
    return value


def is_text(labels: np.ndarray) -> bool:
    return labels.dtype.kind in "US"


def _from_objects(arr: np.ndarray, fname: str, name: str) -> np.ndarray:
    # Object arrays come from pandas or hand-built lists; they must hold one kind of label.
    if all(isinstance(v, str) for v in arr):
        return arr.astype(str)
    if all(isinstance(v, (numbers.Real, np.bool_)) and not isinstance(v, str) for v in arr):
        return arr.astype(float)
    raise ValueError(f"{fname}: {name} mixes strings and numbers ({arr[:5].tolist()}...)")


def as_labels(y: Any, fname: str, name: str) -> np.ndarray:
    """Class labels as a 1-D array: strings, bools, ints or integral floats."""
    if isinstance(y, (str, bytes)) or np.ndim(y) == 0:
        raise ValueError(f"{fname}: {name} must be a sequence of labels, got {y!r}")
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise ValueError(f"{fname}: {name} must be 1-D (one label per sample), got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{fname}: {name} is empty; a metric needs at least one sample")
    if arr.dtype == object:
        arr = _from_objects(arr, fname, name)
    if is_text(arr):
        # np.asarray silently turns [1, "a"] into strings; catch the mix here.
        if not isinstance(y, np.ndarray) and not all(isinstance(v, str) for v in y):
            raise ValueError(f"{fname}: {name} mixes strings and numbers: {list(y)[:5]!r}...")
        return arr
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"{fname}: {name} has unsupported dtype {arr.dtype}; pass class labels")
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)):
            bad = arr[~np.isfinite(arr)][0].item()
            raise ValueError(f"{fname}: {name} contains {bad!r}; labels must be finite")
        if np.any(arr != np.round(arr)):
            bad = arr[arr != np.round(arr)][0].item()
            raise ValueError(
                f"{fname}: {name} contains the continuous value {bad!r}; classification "
                "metrics need class labels (threshold your scores first)"
            )
    return arr


def check_pair(y_true: Any, y_pred: Any, fname: str, pred_name: str = "y_pred") -> tuple[np.ndarray, np.ndarray]:
    """Both label vectors, checked to have one length and one kind of label."""
    t = as_labels(y_true, fname, "y_true")
    p = as_labels(y_pred, fname, pred_name)
    if t.shape != p.shape:
        raise ValueError(f"{fname}: y_true and {pred_name} have different lengths ({t.size} and {p.size})")
    if is_text(t) != is_text(p):
        raise ValueError(f"{fname}: y_true and {pred_name} mix string and number labels ({t[0]!r} and {p[0]!r})")
    return t, p


def class_labels(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Sorted classes of y_true and y_pred; 0/1 (or bool) labels always give both classes."""
    present = np.union1d(t, p)
    if not is_text(present) and np.isin(present, [0, 1]).all():
        # A binary problem stays 2x2 even when a batch lacks one class.
        return np.array([False, True]) if present.dtype == bool else np.array([0, 1], dtype=present.dtype)
    return present


def check_labels_arg(labels: Any, t: np.ndarray, fname: str) -> np.ndarray:
    """The user's `labels=`: non-empty, distinct, and of the same kind as y_true."""
    arr = as_labels(labels, fname, "labels")
    if np.unique(arr).size != arr.size:
        raise ValueError(f"{fname}: labels has repeated values: {arr.tolist()}")
    if is_text(arr) != is_text(t):
        raise ValueError(f"{fname}: labels {arr.tolist()} and y_true ({t[0]!r}, ...) are not the same kind of label")
    return arr


def index_of(classes: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Position of each y in `classes` (any order), and whether it was found at all."""
    if is_text(classes) != is_text(y):
        return np.zeros(y.size, dtype=np.intp), np.zeros(y.size, dtype=bool)
    order = np.argsort(classes, kind="stable")
    pos = np.clip(np.searchsorted(classes[order], y), 0, classes.size - 1)
    return order[pos], classes[order][pos] == y


def as_weights(sample_weight: Any, n: int, fname: str) -> np.ndarray | None:
    """Non-negative finite weights, one per sample, not all zero (or None)."""
    if sample_weight is None:
        return None
    w = np.asarray(sample_weight)
    if w.dtype.kind not in "biuf" or w.ndim != 1:
        raise ValueError(f"{fname}: sample_weight must be a 1-D sequence of numbers, got {sample_weight!r}")
    if w.size != n:
        raise ValueError(f"{fname}: sample_weight has {w.size} entries for {n} samples")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        bad = w[~(np.isfinite(w) & (w >= 0))][0].item()
        raise ValueError(f"{fname}: sample_weight contains {bad!r}; weights must be finite and >= 0")
    if not np.any(w > 0):
        raise ValueError(f"{fname}: sample_weight is all zeros; no sample would count")
    return w


def as_scores(scores: Any, fname: str, name: str, ndims: tuple[int, ...] = (1,)) -> np.ndarray:
    """Finite float scores (probabilities, logits, distances) with an allowed number of dims."""
    arr = np.asarray(scores)
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise ValueError(f"{fname}: {name} must be numbers, got dtype {arr.dtype}")
    if arr.ndim not in ndims:
        raise ValueError(f"{fname}: {name} must have {' or '.join(map(str, ndims))} dimension(s), got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{fname}: {name} is empty; a metric needs at least one sample")
    arr = arr.astype(float)
    if not np.all(np.isfinite(arr)):
        bad = arr[~np.isfinite(arr)][0].item()
        raise ValueError(f"{fname}: {name} contains {bad!r}; scores must be finite")
    return arr


def zero_division_value(zero_division: Any, fname: str) -> float:
    """The number a 0/0 metric takes: 'warn' -> 0.0 (with a warning), 0, 1 or nan."""
    if isinstance(zero_division, str) and zero_division == "warn":
        return 0.0
    if isinstance(zero_division, numbers.Real) and not isinstance(zero_division, str):
        if math.isnan(zero_division) or zero_division in (0, 1):
            return float(zero_division)
    raise ValueError(f"{fname}: zero_division must be 'warn', 0, 1 or np.nan, got {zero_division!r}")


def divide(num: np.ndarray, den: np.ndarray, zero_division: Any, what: str, fname: str) -> np.ndarray:
    """num / den elementwise, with 0/0 set by `zero_division` (and a warning for 'warn')."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    empty = den == 0
    out = num / np.where(empty, 1.0, den)
    if empty.any():
        out[empty] = zero_division_value(zero_division, fname)
        if isinstance(zero_division, str):
            warnings.warn(
                f"{fname}: {what} is 0/0 for {int(empty.sum())} of {empty.size} classes and was set to "
                "0.0; pass zero_division=0, 1 or np.nan to choose the value and silence this warning",
                UndefinedMetricWarning,
                stacklevel=4,
            )
    return out
