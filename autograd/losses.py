"""Loss functions built from engine operations, so gradients flow back to the model.

Every loss takes a batch of predictions (Values or plain numbers) and targets
(a list or numpy array) and returns one `Value`: the mean over the batch
(``reduction="mean"``) or the sum (``reduction="sum"``).

Weighting. ``sample_weight`` (one weight per sample) and ``class_weight`` (a
dict class -> weight, or ``"balanced"``) multiply each sample's loss; the mean
is then the *weighted* mean ``sum(w_i * l_i) / sum(w_i)``, as PyTorch's
``cross_entropy(weight=...)`` and scikit-learn's ``sample_weight`` do. So the
loss stays on the same scale whatever the weights' scale, and with
``"balanced"`` weights ``sum(w_i) = n``: the plain mean of the weighted losses.
``pos_weight`` (the binary cross-entropies only) is different: as in PyTorch,
it multiplies the positive term *inside* each sample's loss and is not part of
the normalisation.

Example:
    >>> from autograd import Value
    >>> from autograd.losses import binary_cross_entropy_with_logits
    >>> z = [Value(2.0), Value(-1.0)]
    >>> loss = binary_cross_entropy_with_logits(z, [1, 0])
    >>> round(loss.data, 6)       # mean of log(1 + e**-2) and log(1 + e**-1)
    0.220095
    >>> loss.backward()
    >>> round(z[0].grad, 6)       # (sigmoid(2) - 1) / 2
    -0.059601
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Iterable, Mapping, Sequence, Union

import numpy as np

from .checks import real_number
from .engine import Value, add_n, module_scope

__all__ = [
    "balanced_class_weight",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "hinge_loss",
    "l2_penalty",
    "mse_loss",
]

Operand = Union[Value, float, int]
ClassWeight = Union[Mapping[int, float], str, None]
REDUCTIONS = ("mean", "sum")


# --- public losses -------------------------------------------------------------


def mse_loss(
    predictions: Sequence[Operand],
    targets: Any,
    *,
    sample_weight: Any = None,
    reduction: str = "mean",
) -> Value:
    """Mean squared error, ``mean((p_i - y_i) ** 2)``.

    Example:
        >>> p = [Value(0.5), Value(2.0)]
        >>> mse_loss(p, [1.0, 1.0]).data        # (0.25 + 1) / 2
        0.625
    """
    name = "mse_loss"
    preds = _as_predictions(predictions, name)
    y = _as_targets(targets, len(preds), name)
    weights = _combine_weights(name, y, sample_weight, None, classes=None)
    with module_scope("loss"):
        terms = [(p - float(t)) ** 2 for p, t in zip(preds, y)]
        return _reduce(terms, weights, reduction, name)


def binary_cross_entropy(
    probabilities: Sequence[Operand],
    targets: Any,
    *,
    pos_weight: float = 1.0,
    class_weight: ClassWeight = None,
    sample_weight: Any = None,
    reduction: str = "mean",
    eps: float = 1e-12,
) -> Value:
    """Binary cross-entropy on probabilities: ``-(w+ y log p + (1 - y) log(1 - p))``.

    Targets may be 0/1 labels or any number in [0, 1] (soft labels, as PyTorch);
    ``class_weight`` needs 0/1 labels. ``pos_weight`` is PyTorch's: it scales the
    positive term, so ``pos_weight = n_negative / n_positive`` evens out rare
    positives.

    Never inf or NaN: a probability closer than `eps` to 0 or 1 is clipped to
    [eps, 1 - eps] *in value only*: the gradient still flows to `p` as if
    unclipped, (-1/eps at p = 0, as PyTorch's own backward, which also keeps
    training a saturated sigmoid moving in the right direction). The largest
    possible per-sample loss is therefore ``-log(eps)`` (27.6 for 1e-12; PyTorch
    caps the log at -100 instead).

    Example:
        >>> p = [Value(0.9), Value(0.2)]
        >>> round(binary_cross_entropy(p, [1, 0]).data, 6)   # -(log 0.9 + log 0.8) / 2
        0.164252
        >>> binary_cross_entropy([0.0], [1]).data > 27       # clipped, not inf
        True
    """
    name = "binary_cross_entropy"
    preds = _as_predictions(probabilities, name)
    y = _as_targets(targets, len(preds), name)
    _check_binary_targets(y, name)
    for i, p in enumerate(preds):
        if not 0.0 <= p.data <= 1.0:
            raise ValueError(
                f"{name}: predictions[{i}] = {p.data!r} is not a probability in [0, 1]; "
                f"for raw scores use binary_cross_entropy_with_logits"
            )
    pw = real_number(pos_weight, f"{name}: pos_weight", low=0.0, low_open=True)
    if not (isinstance(eps, numbers.Real) and 0.0 < eps < 0.5):
        raise ValueError(f"{name}: eps must be a number in (0, 0.5), got {eps!r}")
    weights = _combine_weights(name, y, sample_weight, class_weight, classes=(0, 1))
    with module_scope("loss"):
        terms = []
        for p, t in zip(preds, y):
            parts = []
            if t > 0:
                parts.append(pw * t * _clipped_log(p, eps))
            if t < 1:
                parts.append((1.0 - t) * _clipped_log(1.0 - p, eps))
            terms.append(-add_n(parts))
        return _reduce(terms, weights, reduction, name)


def binary_cross_entropy_with_logits(
    logits: Sequence[Operand],
    targets: Any,
    *,
    pos_weight: float = 1.0,
    class_weight: ClassWeight = None,
    sample_weight: Any = None,
    reduction: str = "mean",
) -> Value:
    """Binary cross-entropy on scores z, ``BCE(sigmoid(z), y)``, stable for any z.

    Computed as PyTorch does, ``(1 - y) z + (1 + (w+ - 1) y) softplus(-z)``, where
    ``softplus(x) = log(1 + e**x)`` is evaluated so that ``exp`` never sees a
    positive argument. Targets, `pos_weight` and `class_weight` as in
    `binary_cross_entropy`.

    Example:
        >>> round(binary_cross_entropy_with_logits([1000.0], [0]).data, 3)   # no overflow
        1000.0
        >>> round(binary_cross_entropy_with_logits([0.0], [1], pos_weight=3).data, 6)  # 3 log 2
        2.079442
    """
    name = "binary_cross_entropy_with_logits"
    preds = _as_predictions(logits, name)
    y = _as_targets(targets, len(preds), name)
    _check_binary_targets(y, name)
    pw = real_number(pos_weight, f"{name}: pos_weight", low=0.0, low_open=True)
    weights = _combine_weights(name, y, sample_weight, class_weight, classes=(0, 1))
    with module_scope("loss"):
        terms = []
        for z, t in zip(preds, y):
            parts = [(1.0 + (pw - 1.0) * t) * _softplus(-z)]
            if t < 1:
                parts.append((1.0 - t) * z)
            terms.append(add_n(parts))
        return _reduce(terms, weights, reduction, name)


def hinge_loss(
    scores: Sequence[Operand],
    targets: Any,
    *,
    class_weight: ClassWeight = None,
    sample_weight: Any = None,
    reduction: str = "mean",
) -> Value:
    """Max-margin loss of micrograd's demo: ``mean(relu(1 - y_i * score_i))``, y in {-1, +1}.

    Labels 0/1 are accepted too: 0 counts as -1 (mixing 0 and -1 is an error).
    In `class_weight` the negative class may be keyed 0 or -1, whichever the
    targets use (one of them, not both).

    Example:
        >>> s = [Value(2.0), Value(0.5), Value(-0.2)]
        >>> hinge_loss(s, [1, 1, 0]).data        # (0 + 0.5 + 0.8) / 3
        0.43333333333333335
    """
    name = "hinge_loss"
    preds = _as_predictions(scores, name)
    y = _as_targets(targets, len(preds), name)
    for i, t in enumerate(y):
        if t not in (-1.0, 0.0, 1.0):
            raise ValueError(f"{name}: targets[{i}] = {_show(t)} is not a label in {{-1, +1}} (or {{0, 1}})")
    if (y == 0).any() and (y == -1).any():
        raise ValueError(f"{name}: targets mix 0 and -1 labels; use {{0, 1}} or {{-1, +1}}, not both")
    signs = np.where(y > 0, 1.0, -1.0)  # 0 and -1 both name the negative class
    if isinstance(class_weight, Mapping):
        if 0 in class_weight and -1 in class_weight:
            raise ValueError(f"{name}: class_weight has keys 0 and -1, both the negative class; keep one")
        class_weight = {(-1 if k == 0 else k): w for k, w in class_weight.items()}
    weights = _combine_weights(name, signs, sample_weight, class_weight, classes=(-1, 1))
    with module_scope("loss"):
        terms = [(1.0 - t * s).relu() for s, t in zip(preds, signs.tolist())]
        return _reduce(terms, weights, reduction, name)


def cross_entropy(
    logits: Sequence[Sequence[Operand]],
    targets: Any,
    *,
    class_weight: ClassWeight = None,
    sample_weight: Any = None,
    reduction: str = "mean",
) -> Value:
    """Multiclass cross-entropy on logits: ``logsumexp(z_i) - z_i[y_i]``, y a class index.

    Stable for any logits: the row's largest logit is subtracted first, as a
    constant (it cancels in the difference, so the value and gradient are exact).

    Example:
        >>> z = [[Value(2.0), Value(0.0), Value(-1.0)]]
        >>> loss = cross_entropy(z, [0])
        >>> round(loss.data, 6)                    # log(1 + e**-2 + e**-3)
        0.169846
        >>> loss.backward()
        >>> round(z[0][0].grad, 6)                 # softmax(z)[0] - 1
        -0.156205
    """
    name = "cross_entropy"
    rows = _as_logit_rows(logits, name)
    y = _as_targets(targets, len(rows), name)
    n_classes = len(rows[0])
    for i, t in enumerate(y):
        if t != int(t) or not 0 <= t < n_classes:
            raise ValueError(
                f"{name}: targets[{i}] = {_show(t)} is not a class index in [0, {n_classes}) "
                f"(the logits have {n_classes} columns)"
            )
    weights = _combine_weights(name, y, sample_weight, class_weight, classes=tuple(range(n_classes)))
    with module_scope("loss"):
        terms = []
        for row, t in zip(rows, y):
            top = max(z.data for z in row)
            shifted = [z - top for z in row]
            log_sum_exp = add_n([s.exp() for s in shifted]).log()
            terms.append(log_sum_exp - shifted[int(t)])
        return _reduce(terms, weights, reduction, name)


def l2_penalty(params: Iterable[Value] | Any, alpha: float) -> Value:
    """The L2 regularisation term of micrograd's demo, ``alpha * sum(p * p)``.

    `params` is a list of Values or anything with a ``parameters()`` method (a model).

    Example:
        >>> w = [Value(1.0), Value(-2.0)]
        >>> l2_penalty(w, 1e-4).data               # 1e-4 * (1 + 4)
        0.0005
    """
    name = "l2_penalty"
    if hasattr(params, "parameters"):
        params = params.parameters()
    params = list(params)
    if not params:
        raise ValueError(f"{name}: params is empty; pass the model's parameters()")
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            raise TypeError(f"{name}: params[{i}] must be a Value, got {type(p).__name__}")
    alpha = real_number(alpha, f"{name}: alpha", low=0.0)
    with module_scope("loss"):
        return alpha * add_n([p * p for p in params])


def balanced_class_weight(targets: Any) -> dict[int, float]:
    """scikit-learn's "balanced" weights: ``n_samples / (n_classes * count_k)``.

    The classes are those present in `targets`, so ``sum(w[y_i]) = n_samples``.

    Example:
        >>> balanced_class_weight([0, 0, 0, 1])
        {0: 0.6666666666666666, 1: 2.0}
    """
    y = _as_targets(targets, None, "balanced_class_weight")
    classes, counts = np.unique(y, return_counts=True)
    for c in classes:
        if c != int(c):
            raise ValueError(f"balanced_class_weight: label {_show(c)} is not an integer class")
    return {int(c): len(y) / (len(classes) * int(k)) for c, k in zip(classes, counts)}


# Which score threshold turns each loss's model output into a 0/1 prediction
# (train.fit reads these; a custom loss can set the same attribute).
mse_loss.decision_threshold = 0.5  # type: ignore[attr-defined]
binary_cross_entropy.decision_threshold = 0.5  # type: ignore[attr-defined]
binary_cross_entropy_with_logits.decision_threshold = 0.0  # type: ignore[attr-defined]
hinge_loss.decision_threshold = 0.0  # type: ignore[attr-defined]


# --- building blocks -------------------------------------------------------------


def _softplus(x: Value) -> Value:
    """log(1 + e**x), with exp only ever seeing a non-positive argument."""
    # Two forms of the same function; each has derivative sigmoid(x) exactly,
    # including at 0 (relu(x) + log(1 + e**-|x|) would give 0 there, not 1/2).
    if x.data >= 0:
        return x + (1.0 + (-x).exp()).log()
    return (1.0 + x.exp()).log()


def _clipped_log(p: Value, eps: float) -> Value:
    """log(p) with p's value clipped to [eps, 1 - eps]; the gradient still reaches p."""
    clipped = min(max(p.data, eps), 1.0 - eps)
    if clipped != p.data:
        # Shift by a constant: the value becomes `clipped`, d/dp stays 1.
        p = p + (clipped - p.data)
    return p.log()


def _reduce(terms: list[Value], weights: list[float] | None, reduction: str, name: str) -> Value:
    if reduction not in REDUCTIONS:
        raise ValueError(f"{name}: unknown reduction {reduction!r}; choose one of {list(REDUCTIONS)}")
    if weights is None:
        total = add_n(terms)
        return total / len(terms) if reduction == "mean" else total
    total = add_n([w * term for w, term in zip(weights, terms)])
    return total / math.fsum(weights) if reduction == "mean" else total


# --- checking inputs ---------------------------------------------------------------


def _show(x: float) -> str:
    return repr(int(x)) if float(x).is_integer() else repr(float(x))


def _as_operand(x: Any, name: str, where: str) -> Value:
    if isinstance(x, Value):
        return x
    if isinstance(x, (numbers.Real, np.bool_)) and not isinstance(x, bool):
        if not math.isfinite(float(x)):
            raise ValueError(f"{name}: {where} is {float(x)!r}; predictions must be finite")
        return Value(float(x))
    raise TypeError(f"{name}: {where} must be a Value or a number, got {type(x).__name__} {x!r:.60}")


def _as_predictions(predictions: Any, name: str) -> list[Value]:
    if isinstance(predictions, Value):
        raise TypeError(f"{name}: predictions must be a list of Values (one per sample), got one Value; "
                        f"wrap it as [prediction]")
    if not isinstance(predictions, (list, tuple, np.ndarray)):
        raise TypeError(f"{name}: predictions must be a list of Values or numbers, "
                        f"got {type(predictions).__name__}")
    if len(predictions) == 0:
        raise ValueError(f"{name}: empty batch (no predictions)")
    out = []
    for i, p in enumerate(predictions):
        if isinstance(p, (list, tuple, np.ndarray)):
            raise TypeError(f"{name}: predictions[{i}] is a sequence of {len(p)} outputs; this loss takes "
                            f"one output per sample (for several classes use cross_entropy)")
        out.append(_as_operand(p, name, f"predictions[{i}]"))
    return out


def _as_logit_rows(logits: Any, name: str) -> list[list[Value]]:
    if not isinstance(logits, (list, tuple, np.ndarray)):
        raise TypeError(f"{name}: logits must be a list of rows (one list of class scores per sample), "
                        f"got {type(logits).__name__}")
    if len(logits) == 0:
        raise ValueError(f"{name}: empty batch (no logits)")
    rows = []
    for i, row in enumerate(logits):
        if not isinstance(row, (list, tuple, np.ndarray)):
            raise TypeError(f"{name}: logits[{i}] must be a list of class scores, got {type(row).__name__} "
                            f"(a model with one output is binary: use binary_cross_entropy_with_logits)")
        rows.append([_as_operand(z, name, f"logits[{i}][{j}]") for j, z in enumerate(row)])
        if len(rows[-1]) != len(rows[0]):
            raise ValueError(f"{name}: logits[{i}] has {len(rows[-1])} columns but logits[0] has {len(rows[0])}")
    if len(rows[0]) < 2:
        raise ValueError(f"{name}: needs at least 2 classes, the logits have {len(rows[0])} column(s)")
    return rows


def _as_targets(targets: Any, n: int | None, name: str) -> np.ndarray:
    if isinstance(targets, (str, bytes, Value)) or not hasattr(targets, "__len__"):
        raise TypeError(f"{name}: targets must be a list or 1-D numpy array of numbers, "
                        f"got {type(targets).__name__}")
    try:
        y = np.asarray(targets, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: targets must be numbers, got {list(targets)[:5]!r:.80}") from None
    if y.ndim != 1:
        raise ValueError(f"{name}: targets must be 1-D (one per sample), got shape {y.shape}")
    if n is not None and len(y) != n:
        raise ValueError(f"{name}: {n} predictions but {len(y)} targets")
    if len(y) == 0:
        raise ValueError(f"{name}: empty batch (no targets)")
    bad = np.flatnonzero(~np.isfinite(y))
    if bad.size:
        raise ValueError(f"{name}: targets[{bad[0]}] is {float(y[bad[0]])!r}; targets must be finite")
    return y


def _check_binary_targets(y: np.ndarray, name: str) -> None:
    bad = np.flatnonzero((y < 0) | (y > 1))
    if bad.size:
        i = bad[0]
        raise ValueError(f"{name}: targets[{i}] = {_show(y[i])} is not a label in {{0, 1}} "
                         f"(or a probability in [0, 1])")


def _combine_weights(
    name: str,
    y: np.ndarray,
    sample_weight: Any,
    class_weight: ClassWeight,
    classes: tuple[int, ...] | None,
) -> list[float] | None:
    """One weight per sample (sample_weight times class_weight), or None for none."""
    weights = np.ones(len(y))
    if sample_weight is not None:
        sw = _as_targets(sample_weight, None, name + " (sample_weight)")
        if len(sw) != len(y):
            raise ValueError(f"{name}: {len(y)} targets but {len(sw)} sample weights")
        bad = np.flatnonzero(sw < 0)
        if bad.size:
            raise ValueError(f"{name}: sample_weight[{bad[0]}] = {float(sw[bad[0]])!r} is negative")
        weights = weights * sw
    if class_weight is not None:
        if classes is None:
            raise TypeError(f"{name}: class_weight needs class labels; this loss takes none")
        per_class = _class_weight_dict(name, y, class_weight, classes)
        weights = weights * np.array([per_class.get(int(t), 1.0) for t in y])
    if sample_weight is None and class_weight is None:
        return None
    if weights.sum() <= 0:
        raise ValueError(f"{name}: the sample weights sum to 0; at least one sample must count")
    return weights.tolist()


def _class_weight_dict(
    name: str, y: np.ndarray, class_weight: Any, classes: tuple[int, ...]
) -> dict[int, float]:
    if (y != np.round(y)).any():
        i = int(np.flatnonzero(y != np.round(y))[0])
        raise ValueError(f"{name}: class_weight needs class labels, but targets[{i}] = {float(y[i])!r}")
    if isinstance(class_weight, str):
        if class_weight != "balanced":
            raise ValueError(f"{name}: unknown class_weight {class_weight!r}; use 'balanced' or a dict")
        return balanced_class_weight(y)
    if not isinstance(class_weight, Mapping):
        raise TypeError(f"{name}: class_weight must be a dict class -> weight or 'balanced', "
                        f"got {type(class_weight).__name__}")
    out = {}
    for key, w in class_weight.items():
        if isinstance(key, bool) or not isinstance(key, numbers.Integral) or int(key) not in classes:
            raise ValueError(f"{name}: class_weight has key {key!r}, which is not a class of this loss "
                             f"(classes {list(classes)})")
        out[int(key)] = real_number(w, f"{name}: class_weight[{key!r}]", low=0.0)
    return out
