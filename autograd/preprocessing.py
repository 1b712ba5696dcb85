"""What turns a table's rows into model inputs and the model's outputs back into labels, saved beside the model.

A `Preprocessing` holds the feature names and their standardization (mean and
scale, fitted on the training rows only), the label mapping (the sorted
distinct labels; the model predicts their index), the decision threshold for
two classes, and how the data was split. `backproplab train` saves it as
``preprocessing.json`` next to ``model.json``; `backproplab report` reads both.

Example:
    >>> import numpy as np
    >>> prep = Preprocessing.fit(np.array([[1.0, 10.0], [3.0, 10.0]]), np.array([5, 7]), ["a", "b"], "label")
    >>> prep.transform(np.array([[2.0, 10.0]])).tolist()   # b is constant: centred, not scaled
    [[0.0, 0.0]]
    >>> prep.classes, prep.encode(np.array([7, 5, 7])).tolist()
    ([5, 7], [1, 0, 1])
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np

from .files import read_document, write_document

__all__ = ["FORMAT_NAME", "MAX_CLASSES", "Preprocessing", "PreprocessingFileError", "check_classes", "fingerprint"]

FORMAT_NAME = "backproplab.preprocessing"
FORMAT_VERSION = 1
# More distinct labels than this is almost surely a numeric (regression) target.
MAX_CLASSES = 20


class PreprocessingFileError(ValueError):
    """A preprocessing.json file is unreadable, of another format, or inconsistent."""


def fingerprint(X: np.ndarray, y: np.ndarray, *, any_order: bool = False) -> str:
    """A short hash of a table's values: the same rows in the same order give the same text.

    With ``any_order=True`` the rows are sorted first, so the same rows in any order match.

    Example:
        >>> a = fingerprint(np.zeros((2, 2)), np.array([0, 1]))
        >>> a == fingerprint(np.zeros((2, 2)), np.array([0, 1])), a == fingerprint(np.ones((2, 2)), np.array([0, 1]))
        (True, False)
        >>> X, y = np.array([[1.0], [2.0]]), np.array(["no", "yes"])
        >>> fingerprint(X, y, any_order=True) == fingerprint(X[::-1], y[::-1], any_order=True)
        True
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    if any_order:
        # np.lexsort's last key sorts first; any fixed total order of the rows will do.
        order = np.lexsort((y, *X.T))
        X, y = X[order], y[order]
    digest = hashlib.sha256(np.ascontiguousarray(X).tobytes())
    # Numeric labels hash as floats (as files saved before text labels did); text labels by their text.
    labels = y.astype(float).tobytes() if y.dtype.kind in "biuf" else "\0".join(map(str, y.tolist())).encode()
    digest.update(labels)
    return digest.hexdigest()[:16]


def check_classes(y: np.ndarray, target: str) -> list[Any]:
    """The sorted distinct labels of `y`, checked to make a classification problem.

    Raises:
        ValueError: one class only, or more than `MAX_CLASSES` distinct labels.

    Example:
        >>> check_classes(np.array([1, 1, 1]), "y")
        Traceback (most recent call last):
        ...
        ValueError: the label column 'y' has one class only (1); a classifier needs at least two
    """
    classes = np.unique(y).tolist()
    if len(classes) < 2:
        raise ValueError(f"the label column {target!r} has one class only ({classes[0]!r}); "
                         "a classifier needs at least two")
    if len(classes) > MAX_CLASSES:
        raise ValueError(f"the label column {target!r} has {len(classes)} distinct values; "
                         f"classification allows at most {MAX_CLASSES} classes (is it a numeric target?)")
    return classes


@dataclass
class Preprocessing:
    """Feature scaling, label mapping, threshold and split settings of one trained model."""

    target: str
    feature_names: list[str]
    mean: list[float]
    scale: list[float]
    classes: list[Any]
    threshold: float = 0.5          # P(class 1) at or above which a sample is class 1 (two classes)
    threshold_goal: str = "the default"
    # seed, val_size, test_size, fingerprint, rows_fingerprint (any order; absent in older files)
    split: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def fit(cls, X: np.ndarray, y: np.ndarray, feature_names: Sequence[str], target: str) -> Preprocessing:
        """Learn the scaling from training rows `X` and the classes from labels `y`.

        Raises:
            ValueError: one class only, or more than `MAX_CLASSES` distinct labels.
        """
        classes = check_classes(y, target)
        mean = X.mean(axis=0)
        std = X.std(axis=0)
        # A constant feature carries no information; dividing by 0 would make NaN.
        scale = np.where(std > 0, std, 1.0)
        return cls(target, list(feature_names), mean.tolist(), scale.tolist(), classes)

    @property
    def binary(self) -> bool:
        """True for two classes: one output (a logit) and a threshold; else one output per class."""
        return len(self.classes) == 2

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Standardize rows with the training mean and scale."""
        return (np.asarray(X, dtype=float) - np.array(self.mean)) / np.array(self.scale)

    def encode(self, y: np.ndarray) -> np.ndarray:
        """Labels as class indices 0..k-1.

        Raises:
            ValueError: a label the model was not trained on.
        """
        y = np.asarray(y)
        index = {c: i for i, c in enumerate(self.classes)}
        unknown = sorted({v for v in y.tolist() if v not in index})
        if unknown:
            raise ValueError(f"the label column {self.target!r} holds {unknown[:5]}, which the model was not "
                             f"trained on (its classes are {self.classes})")
        return np.array([index[v] for v in y.tolist()], dtype=np.int64)

    def mapping_text(self) -> str:
        """How labels map to class indices, in words (empty when they are already 0..k-1).

        Example:
            >>> Preprocessing("y", ["a"], [0.0], [1.0], ["no", "yes"]).mapping_text()
            "labels 'no' -> 0, 'yes' -> 1"
        """
        if self.classes == list(range(len(self.classes))):
            return ""
        return "labels " + ", ".join(f"{c!r} -> {i}" for i, c in enumerate(self.classes))

    def align(self, X: np.ndarray, names: Sequence[str]) -> np.ndarray:
        """The columns of X (named `names`) in the order the model was trained on.

        Raises:
            ValueError: a trained-on feature is missing, or an unknown column is present.
        """
        names = list(names)
        missing = [n for n in self.feature_names if n not in names]
        extra = [n for n in names if n not in self.feature_names]
        if missing or extra:
            raise ValueError(f"the data's columns do not match the model's features: missing {missing}, "
                             f"unexpected {extra}")
        return X[:, [names.index(n) for n in self.feature_names]]

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the preprocessing as JSON (floats with repr: loading gives back the same bits)."""
        write_document(path, FORMAT_NAME, FORMAT_VERSION, asdict(self))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Preprocessing:
        """Read a file written by `save`.

        Raises:
            FileNotFoundError: no such file.
            PreprocessingFileError: not JSON, another format or version, or a malformed field.
        """
        document = read_document(path, FORMAT_NAME, FORMAT_VERSION, PreprocessingFileError,
                                 "Preprocessing.load", "preprocessing")
        try:
            prep = cls(**{f.name: document[f.name] for f in fields(cls)})
        except KeyError as error:
            raise PreprocessingFileError(f"{path}: missing field {error}") from None
        n = len(prep.feature_names)
        floats = prep.mean + prep.scale + [prep.threshold]
        if (len(prep.mean) != n or len(prep.scale) != n or len(prep.classes) < 2
                or not all(isinstance(v, (int, float)) and math.isfinite(v) for v in floats)
                or min(prep.scale, default=1.0) <= 0):
            raise PreprocessingFileError(f"{path}: inconsistent fields (features, scaling, classes or threshold)")
        if (not all(isinstance(c, (str, int, float)) for c in prep.classes)
                or len(set(prep.classes)) != len(prep.classes)):
            raise PreprocessingFileError(f"{path}: the classes must be distinct numbers or texts, got {prep.classes}")
        if not 0 <= prep.threshold <= 1:
            raise PreprocessingFileError(f"{path}: threshold must be a probability between 0 and 1, "
                                         f"got {prep.threshold!r}")
        return prep
