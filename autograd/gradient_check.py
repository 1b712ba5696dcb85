"""Check backpropagated gradients against finite differences, as PyTorch's `gradcheck` does.

Example:
    >>> from autograd import Value, gradcheck
    >>> gradcheck(lambda x, y: (x * y).tanh(), [Value(0.3), Value(-1.2)])
    True
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from .engine import Value, _to_float, grad

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]


class GradcheckError(AssertionError):
    """An analytical gradient disagrees with its finite-difference estimate."""


def _as_outputs(result: Any) -> list[Value]:
    """fn may return one Value (or number) or a sequence of them."""
    items = list(result) if isinstance(result, (list, tuple)) else [result]
    if not items:
        raise ValueError("gradcheck: fn returned no outputs")
    return [x if isinstance(x, Value) else Value(_to_float(x, "gradcheck output")) for x in items]


def _leaves(points: Sequence[float]) -> list[Value]:
    return [Value(x, label=f"input[{i}]") for i, x in enumerate(points)]


def _evaluate(fn: Callable[..., Any], points: Sequence[float], i: int, shift: float) -> list[float]:
    """fn's outputs as floats, with input i shifted by `shift`."""
    shifted = list(points)
    shifted[i] += shift
    try:
        return [out.data for out in _as_outputs(fn(*_leaves(shifted)))]
    except (ArithmeticError, ValueError) as error:
        raise ValueError(
            f"gradcheck: fn failed at input[{i}] = {shifted[i]!r} (the point {points[i]!r} "
            f"shifted by {shift:+g}) with {type(error).__name__}: {error}. The point is within "
            f"eps of the edge of fn's domain: move it, or use a smaller eps."
        ) from None


def gradcheck(
    fn: Callable[..., Any],
    inputs: Sequence[Value | float],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Compare d(output)/d(input) from backpropagation with central finite differences.

    For every output k and input i the analytical derivative ``a`` must satisfy
    ``|a - n| <= atol + rtol * |n|``, where ``n = (f(x + eps) - f(x - eps)) / (2 eps)``
    is the numerical one (PyTorch's test and defaults). Arithmetic is float64.

    Args:
        fn: called as ``fn(*values)``; returns a Value (or a list of Values).
        inputs: the point to check at (Values or numbers; Values are not modified).
        eps: finite-difference step.
        atol, rtol: absolute and relative tolerance.
        raise_exception: raise `GradcheckError` on a mismatch instead of returning False.

    Returns:
        True if every derivative matches; False on a mismatch when
        `raise_exception` is False.

    Raises:
        GradcheckError: (an AssertionError) naming the output and input indices,
            the analytical and numerical values and their difference.
        ValueError: fn fails at a shifted point (too close to a domain edge).

    Example:
        >>> from autograd import custom_op
        >>> bad_square = custom_op("bad_square", lambda x: x * x, lambda x: (3 * x,))
        >>> gradcheck(bad_square, [Value(2.0)], raise_exception=False)
        False
    """
    return _compare(fn, inputs, eps, atol, rtol, raise_exception, "gradcheck",
                    lambda k, i: f"d output[{k}] / d input[{i}]")


def _compare(
    fn: Callable[..., Any],
    inputs: Sequence[Value | float],
    eps: float,
    atol: float,
    rtol: float,
    raise_exception: bool,
    caller: str,
    derivative: Callable[[int, int], str],
) -> bool:
    """gradcheck's work; `derivative(k, i)` names d fn's output k / d input i in messages."""
    if not isinstance(inputs, (list, tuple)) or not inputs:
        raise ValueError(f"{caller}: inputs must be a non-empty list or tuple, got {inputs!r:.80}")
    if not (eps > 0 and atol >= 0 and rtol >= 0):
        raise ValueError(f"{caller}: need eps > 0, atol >= 0, rtol >= 0; got {eps}, {atol}, {rtol}")
    points = [x.data if isinstance(x, Value) else _to_float(x, f"{caller} inputs[{i}]")
              for i, x in enumerate(inputs)]

    leaves = _leaves(points)
    outputs = _as_outputs(fn(*leaves))
    analytical = [grad(out, leaves) for out in outputs]  # [output][input]

    for i in range(len(points)):
        plus = _evaluate(fn, points, i, +eps)
        minus = _evaluate(fn, points, i, -eps)
        for k in range(len(outputs)):
            numerical = (plus[k] - minus[k]) / (2 * eps)
            a = analytical[k][i]
            tolerance = atol + rtol * abs(numerical)
            if abs(a - numerical) > tolerance:
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"{caller}: {derivative(k, i)} at input = {points!r}: "
                    f"analytical {a!r}, numerical {numerical!r}, |difference| "
                    f"{abs(a - numerical):.3g} > tolerance {tolerance:.3g} "
                    f"(atol {atol:g} + rtol {rtol:g} * |numerical|)"
                )
    return True


def gradgradcheck(
    fn: Callable[..., Any],
    inputs: Sequence[Value | float],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Check second derivatives: `gradcheck` applied to fn's gradient (built with create_graph).

    Every entry of the Hessian of each output is compared with finite differences
    of the backpropagated first derivatives.

    Example:
        >>> gradgradcheck(lambda x, y: x ** 3 * y.exp(), [Value(0.7), Value(0.2)])
        True
    """

    def first_derivatives(*values: Value) -> list[Value]:
        outputs = _as_outputs(fn(*values))
        return [d for out in outputs for d in grad(out, values, create_graph=True)]

    # first_derivatives' output k is d fn's output (k // n) / d input (k % n).
    n = len(inputs) if isinstance(inputs, (list, tuple)) else 1
    return _compare(first_derivatives, inputs, eps, atol, rtol, raise_exception, "gradgradcheck",
                    lambda k, i: f"d²output[{k // n}] / d input[{k % n}] d input[{i}]")
