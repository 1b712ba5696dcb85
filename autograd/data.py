"""Small seeded datasets, train/test splits and a CSV loader, returning numpy arrays.

Example:
    >>> from autograd.data import make_moons, train_test_split
    >>> X, y = make_moons(100, noise=0.1, seed=0)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, seed=0)
    >>> X_train.shape, X_test.shape, sorted(set(y.tolist()))
    ((75, 2), (25, 2), [0, 1])
"""

from __future__ import annotations

import csv
import math
import numbers
import os
from functools import partial
from typing import Any, Sequence

import numpy as np

from .checks import real_number, whole_number

__all__ = [
    "DataFormatError",
    "load_csv",
    "make_blobs",
    "make_circles",
    "make_imbalanced",
    "make_moons",
    "train_test_split",
    "train_val_test_split",
]


class DataFormatError(ValueError):
    """A data file's contents cannot be read as a numeric table."""


def _two_groups(n_samples: int, where: str) -> tuple[int, int]:
    n = whole_number(n_samples, f"{where}: n_samples", minimum=2)
    # scikit-learn's split: the first class gets the smaller half.
    return n // 2, n - n // 2


def _finish(X: np.ndarray, y: np.ndarray, noise: float, rng: np.random.Generator,
            shuffle: bool) -> tuple[np.ndarray, np.ndarray]:
    if shuffle:
        order = rng.permutation(len(y))
        X, y = X[order], y[order]
    if noise:
        X = X + rng.normal(scale=noise, size=X.shape)
    return X, y


def make_moons(n_samples: int = 100, *, noise: float = 0.0, seed: int | None = None,
               shuffle: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles, scikit-learn's `make_moons` geometry.

    Class 0 is the upper arc (radius 1, centre (0, 0)), class 1 the lower arc
    (centre (1, 0.5)); Gaussian noise of std `noise` is added to every coordinate.
    micrograd's demo uses sklearn's ``make_moons(n_samples=100, noise=0.1)`` and
    then ``y = y*2 - 1`` for labels -1/1 (its hinge loss needs them).

    Returns:
        X: float array (n_samples, 2); y: int array (n_samples,) of 0/1.

    Example:
        >>> X, y = make_moons(4, shuffle=False)
        >>> X.round(3).tolist(), y.tolist()
        ([[1.0, 0.0], [-1.0, 0.0], [0.0, 0.5], [2.0, 0.5]], [0, 0, 1, 1])
    """
    n_out, n_in = _two_groups(n_samples, "make_moons")
    noise = real_number(noise, "make_moons: noise", low=0.0)
    out = np.linspace(0, np.pi, n_out)
    inner = np.linspace(0, np.pi, n_in)
    X = np.column_stack([
        np.concatenate([np.cos(out), 1 - np.cos(inner)]),
        np.concatenate([np.sin(out), 1 - np.sin(inner) - 0.5]),
    ])
    y = np.concatenate([np.zeros(n_out, dtype=np.int64), np.ones(n_in, dtype=np.int64)])
    return _finish(X, y, noise, np.random.default_rng(seed), shuffle)


def make_circles(n_samples: int = 100, *, noise: float = 0.0, factor: float = 0.8,
                 seed: int | None = None, shuffle: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """A circle (class 0, radius 1) around a smaller one (class 1, radius `factor`), as scikit-learn's.

    Returns:
        X: float array (n_samples, 2); y: int array (n_samples,) of 0/1.

    Example:
        >>> X, y = make_circles(8, factor=0.5, shuffle=False)
        >>> np.hypot(X[:, 0], X[:, 1]).round(3).tolist(), y.tolist()
        ([1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5], [0, 0, 0, 0, 1, 1, 1, 1])
    """
    n_out, n_in = _two_groups(n_samples, "make_circles")
    noise = real_number(noise, "make_circles: noise", low=0.0)
    if isinstance(factor, bool) or not isinstance(factor, numbers.Real) or not 0 <= factor < 1:
        raise ValueError(f"make_circles: factor must be in [0, 1), got {factor!r}")
    out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    inner = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    X = np.column_stack([
        np.concatenate([np.cos(out), np.cos(inner) * factor]),
        np.concatenate([np.sin(out), np.sin(inner) * factor]),
    ])
    y = np.concatenate([np.zeros(n_out, dtype=np.int64), np.ones(n_in, dtype=np.int64)])
    return _finish(X, y, noise, np.random.default_rng(seed), shuffle)


def make_blobs(n_samples: int = 100, *, centers: int | Sequence[Sequence[float]] = 3,
               n_features: int = 2, cluster_std: float = 1.0,
               seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian clusters, one class each (multiclass), as scikit-learn's `make_blobs`.

    Args:
        centers: a number of clusters (centres drawn uniformly in [-10, 10]^n_features)
            or the centres themselves, one row each.
        cluster_std: the standard deviation of every cluster.

    Returns:
        X: float array (n_samples, n_features); y: int array of labels 0..k-1,
        sizes as equal as possible (the first clusters get the remainder).

    Example:
        >>> X, y = make_blobs(7, centers=[[0, 0], [10, 10]], cluster_std=0.1, seed=0)
        >>> X.shape, np.bincount(y).tolist(), X[y == 1].mean(axis=0).round(0).tolist()
        ((7, 2), [4, 3], [10.0, 10.0])
    """
    n = whole_number(n_samples, "make_blobs: n_samples", minimum=1)
    std = real_number(cluster_std, "make_blobs: cluster_std", low=0.0)
    rng = np.random.default_rng(seed)
    if isinstance(centers, numbers.Integral) and not isinstance(centers, bool):
        k = whole_number(centers, "make_blobs: centers", minimum=1)
        d = whole_number(n_features, "make_blobs: n_features", minimum=1)
        middles = rng.uniform(-10.0, 10.0, size=(k, d))
    else:
        middles = np.asarray(centers, dtype=float)
        if middles.ndim != 2 or len(middles) == 0 or not np.isfinite(middles).all():
            raise ValueError(f"make_blobs: centers must be an int or a non-empty 2-D list of finite "
                             f"centres, got {centers!r:.80}")
        k, d = middles.shape
    if n < k:
        raise ValueError(f"make_blobs: n_samples={n} is fewer than the {k} centers")
    sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
    y = np.repeat(np.arange(k, dtype=np.int64), sizes)
    X = middles[y] + rng.normal(scale=std, size=(n, d))
    order = rng.permutation(n)
    return X[order], y[order]


def make_imbalanced(n_samples: int = 1000, *, prevalence: float = 0.02, n_features: int = 2,
                    separation: float = 3.0, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A fraud-like binary set: a rare positive class (label 1) among many negatives.

    Negatives are standard normal around the origin; positives are standard
    normal around a point at distance `separation` along the diagonal, so a
    larger separation makes the classes easier to tell apart. Exactly
    ``round(prevalence * n_samples)`` samples are positive (Python's `round`).

    Returns:
        X: float array (n_samples, n_features); y: int array of 0/1.

    Example:
        >>> X, y = make_imbalanced(1000, prevalence=0.02, seed=0)
        >>> X.shape, int(y.sum())
        ((1000, 2), 20)
    """
    n = whole_number(n_samples, "make_imbalanced: n_samples", minimum=2)
    d = whole_number(n_features, "make_imbalanced: n_features", minimum=1)
    if isinstance(prevalence, bool) or not isinstance(prevalence, numbers.Real) or not 0 < prevalence < 1:
        raise ValueError(f"make_imbalanced: prevalence must be in (0, 1), got {prevalence!r}")
    separation = real_number(separation, "make_imbalanced: separation", low=0.0)
    n_pos = round(prevalence * n)
    if not 0 < n_pos < n:
        raise ValueError(f"make_imbalanced: prevalence={prevalence!r} of n_samples={n} gives {n_pos} "
                         f"positives; need at least one of each class")
    rng = np.random.default_rng(seed)
    y = np.concatenate([np.zeros(n - n_pos, dtype=np.int64), np.ones(n_pos, dtype=np.int64)])
    centre = np.full(d, separation / math.sqrt(d))    # |centre| = separation
    X = rng.normal(size=(n, d)) + np.outer(y, centre)
    order = rng.permutation(n)
    return X[order], y[order]


# --- splitting ------------------------------------------------------------------


def _as_arrays(X: Any, y: Any, where: str) -> tuple[np.ndarray, np.ndarray]:
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim != 1:
        raise ValueError(f"{where}: X must have one row per sample and y be 1-D, "
                         f"got shapes {X.shape} and {y.shape}")
    if len(X) != len(y):
        raise ValueError(f"{where}: X and y have different lengths ({len(X)} and {len(y)})")
    if len(y) == 0:
        raise ValueError(f"{where}: X and y are empty")
    return X, y


def _test_count(size: Any, n: int, where: str, what: str) -> int:
    """scikit-learn's rule: a fraction is rounded up, an int is a count."""
    if isinstance(size, bool) or not isinstance(size, numbers.Real):
        raise TypeError(f"{where}: {what} must be a fraction in (0, 1) or a count, got {size!r}")
    if isinstance(size, numbers.Integral):
        count = int(size)
    elif 0.0 < size < 1.0:
        count = math.ceil(size * n)
    else:
        raise ValueError(f"{where}: {what} as a fraction must be in (0, 1), got {size!r}")
    if not 1 <= count <= n - 1:
        raise ValueError(f"{where}: {what}={size!r} gives {count} of {n} samples; "
                         f"both sides of the split need at least one")
    return count


def _split_indices(n: int, n_test: int, strata: np.ndarray | None, rng: np.random.Generator,
                   shuffle: bool, where: str) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, test) with `n_test` in the test part, class proportions kept if stratified."""
    if strata is None:
        order = rng.permutation(n) if shuffle else np.arange(n)
        # sklearn without shuffling: the test part is the end of the data.
        return (order[n_test:], order[:n_test]) if shuffle else (order[:n - n_test], order[n - n_test:])
    classes, counts = np.unique(strata, return_counts=True)
    if counts.min() < 2:
        raise ValueError(f"{where}: class {classes[counts.argmin()].item()!r} of stratify has only "
                         f"{counts.min()} member; each class needs at least 2 to be split")
    if n_test < len(classes) or n - n_test < len(classes):
        raise ValueError(f"{where}: a stratified split of {len(classes)} classes needs at least "
                         f"{len(classes)} samples on each side, got {n - n_test} train and {n_test} test")
    # Largest remainder: each class gets floor(share), leftovers go to the biggest fractions.
    exact = counts * n_test / n
    per_class = np.floor(exact).astype(int)
    for c in np.argsort(-(exact - per_class), kind="stable")[: n_test - per_class.sum()]:
        per_class[c] += 1
    train, test = [], []
    for cls, k in zip(classes, per_class):
        members = rng.permutation(np.flatnonzero(strata == cls))
        test.append(members[:k])
        train.append(members[k:])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))


def train_test_split(X: Any, y: Any, test_size: float | int = 0.25, *, stratify: Any = None,
                     seed: int | None = None, shuffle: bool = True) -> tuple[np.ndarray, ...]:
    """Split into train and test parts, as scikit-learn's `train_test_split`.

    Args:
        test_size: a fraction of the samples (rounded up) or a count.
        stratify: labels (usually `y`) whose proportions both parts keep.
        seed: seeds numpy's ``default_rng`` for the shuffle.
        shuffle: if False, the test part is the last rows (no stratify then).

    Returns:
        ``X_train, X_test, y_train, y_test`` as numpy arrays.

    Example:
        >>> X, y = np.arange(20).reshape(10, 2), np.array([0] * 6 + [1] * 4)
        >>> X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.5, stratify=y, seed=0)
        >>> len(X_tr), len(X_te), np.bincount(y_te).tolist()
        (5, 5, [3, 2])
    """
    X, y = _as_arrays(X, y, "train_test_split")
    train, test = _split(len(y), test_size, stratify, seed, shuffle, "train_test_split")
    return X[train], X[test], y[train], y[test]


def _split(n: int, test_size: Any, stratify: Any, seed: Any, shuffle: bool,
           where: str) -> tuple[np.ndarray, np.ndarray]:
    n_test = _test_count(test_size, n, where, "test_size")
    strata = _strata(stratify, n, shuffle, where)
    return _split_indices(n, n_test, strata, np.random.default_rng(seed), shuffle, where)


def _strata(stratify: Any, n: int, shuffle: bool, where: str) -> np.ndarray | None:
    if stratify is None:
        return None
    if not shuffle:
        raise ValueError(f"{where}: stratify needs shuffle=True (as in scikit-learn)")
    strata = np.asarray(stratify)
    if strata.ndim != 1 or len(strata) != n:
        raise ValueError(f"{where}: stratify must be 1-D with one label per sample ({n}), "
                         f"got shape {strata.shape}")
    return strata


def train_val_test_split(X: Any, y: Any, val_size: float | int = 0.15, test_size: float | int = 0.15,
                         *, stratify: Any = None, seed: int | None = None,
                         shuffle: bool = True) -> tuple[np.ndarray, ...]:
    """Split into train, validation and test parts; sizes are fractions of the whole set (or counts).

    Returns:
        ``X_train, X_val, X_test, y_train, y_val, y_test``.

    Example:
        >>> X, y = np.arange(40).reshape(20, 2), np.arange(20) % 2
        >>> parts = train_val_test_split(X, y, val_size=0.2, test_size=0.3, stratify=y, seed=0)
        >>> [len(p) for p in parts[:3]], np.bincount(parts[5]).tolist()
        ([10, 4, 6], [3, 3])
    """
    where = "train_val_test_split"
    X, y = _as_arrays(X, y, where)
    n = len(y)
    n_test = _test_count(test_size, n, where, "test_size")
    n_val = _test_count(val_size, n, where, "val_size")
    if n_test + n_val >= n:
        raise ValueError(f"{where}: val_size={val_size!r} and test_size={test_size!r} leave "
                         f"no training samples out of {n}")
    strata = _strata(stratify, n, shuffle, where)
    rng = np.random.default_rng(seed)
    rest, test = _split_indices(n, n_test, strata, rng, shuffle, where)
    rest_strata = None if strata is None else strata[rest]
    train, val = _split_indices(len(rest), n_val, rest_strata, rng, shuffle, where)
    train, val = rest[train], rest[val]
    return X[train], X[val], X[test], y[train], y[val], y[test]


# --- CSV ------------------------------------------------------------------------


def load_csv(path: str | os.PathLike[str], target: str, *,
             delimiter: str = ",") -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Read a CSV table with a header row: numeric feature columns and one label column.

    Blank lines are skipped. Labels that are all whole numbers come back as ints,
    other numbers as floats, and a label column holding any text as strings
    ("yes"/"no"; surrounding spaces removed).

    Returns:
        ``(X, y, feature_names)``: X float (rows, features) in file order without
        the target, y (rows,), and the feature columns' names.

    Raises:
        FileNotFoundError: no file at `path`.
        DataFormatError: (a ValueError) empty file, unknown target (with a hint when
            the file seems to use another delimiter), ragged row, missing value or
            non-numeric feature; the message names the file, line and column.

    Example:
        >>> import os, tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = os.path.join(folder, "t.csv")
        ...     with open(path, "w") as f:
        ...         _ = f.write("a,label,b\\n1,0,2.5\\n3,1,-4\\n")
        ...     X, y, names = load_csv(path, "label")
        >>> X.tolist(), y.tolist(), names
        ([[1.0, 2.5], [3.0, -4.0]], [0, 1], ['a', 'b'])
    """
    path = os.fspath(path)
    if not isinstance(target, str):
        raise TypeError(f"load_csv: target must be a column name (str), got {target!r}")
    if not os.path.exists(path):
        raise FileNotFoundError(f"load_csv: no such file: {path}")

    def fail(problem: str) -> DataFormatError:
        return DataFormatError(f"load_csv: {path}: {problem}")

    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = [(line, row) for line, row in _numbered_rows(csv.reader(f, delimiter=delimiter))]
    except UnicodeDecodeError as error:
        raise fail(f"not a UTF-8 text file ({error})") from None
    except csv.Error as error:
        raise fail(str(error)) from None
    if not rows:
        raise fail("the file is empty (expected a header row)")
    (_, header), body = rows[0], rows[1:]
    header = [name.strip() for name in header]
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise fail(f"duplicate column names {duplicates}")
    if target not in header:
        raise fail(f"no target column {target!r}; available columns: {header}{_delimiter_hint(header, delimiter)}")
    if len(header) < 2:
        raise fail(f"no feature columns besides the target {target!r}")
    if not body:
        raise fail("a header but no data rows")
    def cell_error(line: int, column: str, problem: str) -> DataFormatError:
        return fail(f"line {line}, column {column!r}: {problem}")

    t = header.index(target)
    table = np.empty((len(body), len(header)))
    labels = []  # (line, text): whether labels are numbers is known only once all are read
    for r, (line, row) in enumerate(body):
        if len(row) != len(header):
            raise fail(f"line {line} has {len(row)} fields, the header has {len(header)}")
        for c, text in enumerate(row):
            if c == t:
                if not text.strip():
                    raise cell_error(line, target, "missing value")
                labels.append((line, text.strip()))
            else:
                table[r, c] = _parse_number(text, partial(cell_error, line, header[c]))
    X = np.delete(table, t, axis=1)
    y = _labels(labels, partial(cell_error, column=target))
    return X, y, [name for name in header if name != target]


def _delimiter_hint(header: list[str], delimiter: str) -> str:
    """A hint when the header reads as one column that another delimiter would split."""
    if len(header) != 1:
        return ""
    for other in (",", ";", "\t", "|"):
        if other != delimiter and other in header[0]:
            option = "tab" if other == "\t" else repr(other)
            return (f"; the file seems to use {other!r} as its delimiter "
                    f"(pass delimiter={other!r}, or --delimiter {option} on the command line)")
    return ""


def _labels(labels: list[tuple[int, str]], cell_error: Any) -> np.ndarray:
    """The label column from (line, text) pairs: numbers (ints when all whole), else the texts."""
    texts = [text for _, text in labels]
    try:
        values = [float(text) for text in texts]
    except ValueError:
        return np.array(texts)  # text labels: Preprocessing maps them to class indices
    for value, (line, text) in zip(values, labels):
        if not math.isfinite(value):
            raise cell_error(line, problem=f"{text!r} is not a finite number (missing values must be filled in)")
    y = np.array(values)
    # Whole numbers become ints, but only where a float holds them exactly (|y| < 2**53).
    return y.astype(np.int64) if np.all(y == np.round(y)) and np.all(np.abs(y) < 2.0 ** 53) else y


def _numbered_rows(reader: Any) -> Any:
    """(line number, fields) for every non-blank line; the line is where the row ends."""
    for row in reader:
        if row and not (len(row) == 1 and not row[0].strip()):
            yield reader.line_num, row


def _parse_number(text: str, fail: Any) -> float:
    if not text.strip():
        raise fail("missing value")
    try:
        value = float(text)
    except ValueError:
        raise fail(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise fail(f"{text!r} is not a finite number (missing values must be filled in)")
    return value
