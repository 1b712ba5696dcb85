"""User-defined operations: a float function and its local partials become a differentiable op.

Example:
    >>> from autograd import Value
    >>> smooth_abs = custom_op("smooth_abs", lambda x: (x * x + 1) ** 0.5 - 1,
    ...                        lambda x: (x / (x * x + 1) ** 0.5,))
    >>> x = Value(0.75)
    >>> y = smooth_abs(x)
    >>> y.backward()
    >>> y.data, x.grad
    (0.25, 0.6)
"""

from __future__ import annotations

import numbers
from typing import Any, Callable, Sequence

import numpy as np

from .engine import Operand, Value, _apply, _as_value
from .rules import ARRAY, VALUE, Rule

__all__ = ["custom_op"]


def custom_op(
    name: str,
    forward: Callable[..., float],
    partials: Callable[..., Sequence[float]],
) -> Callable[..., Value]:
    """Define a differentiable operation from a float function and its local partials.

    Args:
        name: the operation's name, shown in graphs and error messages.
        forward: ``forward(*xs) -> float`` on plain floats (``math`` functions are
            fine: a batch replay calls it once per sample).
        partials: ``partials(*xs) -> (d out/d x_0, d out/d x_1, ...)``, one real
            number per input. Written with ordinary arithmetic, it also works on
            Values, so ``grad(..., create_graph=True)`` can differentiate it again.

    Returns:
        A function taking Values or numbers and returning a new `Value`.

    Example:
        >>> cube = custom_op("cube", lambda x: x ** 3, lambda x: (3 * x ** 2,))
        >>> x = Value(2.0)
        >>> y = cube(x)
        >>> y.backward()
        >>> y.data, x.grad
        (8.0, 12.0)
    """
    if not (isinstance(name, str) and name):
        raise TypeError(f"custom_op: name must be a non-empty string, got {name!r}")
    if not (callable(forward) and callable(partials)):
        raise TypeError(f"custom_op {name!r}: forward and partials must be callable")

    def real(result: Any, what: str, xs: Sequence[Any]) -> float:
        if isinstance(result, bool) or not isinstance(result, numbers.Real):
            raise TypeError(f"custom op {name!r}: {what} returned {result!r:.40} at "
                            f"{rule.describe(xs)}; it must return real numbers")
        return float(result)

    def local_partials(xs: Sequence[Any]) -> tuple[Any, ...]:
        local = tuple(partials(*xs))
        if len(local) != len(xs):
            # A TypeError, not a ValueError: backpropagate would report a ValueError
            # as an "infinite or undefined" derivative, which this is not.
            at = rule.describe([getattr(x, "data", x) for x in xs])
            raise TypeError(
                f"custom op {name!r}: partials returned {len(local)} values for {len(xs)} "
                f"inputs at {at}; return one partial derivative per input"
            )
        return local

    def float_partials(*xs: float) -> tuple[float, ...]:
        return tuple(real(d, "partials", xs) for d in local_partials(xs))

    def rule_forward(m: Any, *xs: Any) -> Any:
        if m is ARRAY:  # the batch replay passes arrays: apply the float function per sample
            return np.vectorize(lambda *x: real(forward(*x), "forward", x), otypes=[float])(*xs)
        return real(forward(*xs), "forward", xs)

    def rule_partials(m: Any, out: Any, *xs: Any) -> tuple[Any, ...]:
        if m is VALUE:  # Values: written with arithmetic, the partials differentiate again
            return local_partials(xs)
        if m is ARRAY:
            if len(xs) == 1:  # np.vectorize returns one array, not a 1-tuple, for one output
                return (np.vectorize(lambda x: float_partials(x)[0], otypes=[float])(*xs),)
            return np.vectorize(float_partials, otypes=[float] * len(xs))(*xs)
        return float_partials(*xs)

    rule = Rule(name, name, rule_forward, rule_partials)

    def apply(*operands: Operand) -> Value:
        if not operands:
            raise TypeError(f"custom op {name!r}: needs at least one operand")
        parents = tuple(_as_value(v, name) for v in operands)
        return _apply(rule, parents, [p.data for p in parents])

    apply.__name__ = name
    apply.__doc__ = f"The custom operation {name!r}."
    apply.rule = rule  # type: ignore[attr-defined]
    return apply
