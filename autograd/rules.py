"""The rule table: every operation's forward and its local partial derivatives, side by side.

Each `Rule` says, for one operation, how to compute its output from its inputs
(`forward`) and how the output changes with each input (`partials`). The chain
rule itself lives elsewhere, in one loop (`engine.backpropagate`); this file only
states local facts, so adding an operation means adding one entry here.

Rules receive a "math namespace" ``m`` as their first argument and use it for
anything beyond ``+ - * / **``. Three namespaces exist:

- ``FLOAT``: Python floats, the fast path of forward and backward;
- ``VALUE``: `Value` nodes, so partials become graphs themselves (higher-order
  derivatives, ``grad(..., create_graph=True)``);
- ``ARRAY``: numpy arrays, for replaying one graph over a whole batch at once.

Because the rules are written with ordinary arithmetic plus ``m``, the same table
serves all three.

Example:
    >>> from autograd.rules import RULES, FLOAT
    >>> tanh = RULES["tanh"]
    >>> out = tanh.forward(FLOAT, 0.5)
    >>> round(out, 6), round(tanh.partials(FLOAT, out, 0.5)[0], 6)
    (0.462117, 0.786448)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

__all__ = ["Rule", "RULES", "FLOAT", "VALUE", "ARRAY"]


# --- math namespaces --------------------------------------------------------


def _sigmoid(x: float) -> float:
    # Two branches so that exp() only ever sees a non-positive argument:
    # 1/(1+exp(-x)) would overflow for x = -1000, exp(x)/(1+exp(x)) for x = 1000.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


class FLOAT:
    """Math on Python floats (domain checks happen in each rule's `check`)."""

    exp = staticmethod(math.exp)
    log = staticmethod(math.log)
    sqrt = staticmethod(math.sqrt)
    tanh = staticmethod(math.tanh)
    sigmoid = staticmethod(_sigmoid)

    @staticmethod
    def relu(x: float) -> float:
        return x if x > 0 else 0.0

    @staticmethod
    def step(x: float) -> float:
        # d relu / dx; 0 at x == 0, as PyTorch chooses.
        return 1.0 if x > 0 else 0.0

    @staticmethod
    def sign(x: float) -> float:
        # d |x| / dx; 0 at x == 0, as PyTorch chooses.
        return 1.0 if x > 0 else -1.0 if x < 0 else 0.0

    @staticmethod
    def xlogy(x: float, y: float) -> float:
        # x * log(y), defined as 0 where x == 0 (so d(0**b)/db = 0 for b > 0).
        return 0.0 if x == 0 else x * math.log(y)

    @staticmethod
    def constant(x: float) -> float:
        return x


class VALUE:
    """Math on `Value` nodes: partials built from these are graphs themselves."""

    @staticmethod
    def log(v: Any) -> Any:
        return v.log()

    @staticmethod
    def step(v: Any) -> float:
        # A step function has derivative 0 wherever it has one: a constant.
        return FLOAT.step(v.data)

    @staticmethod
    def sign(v: Any) -> float:
        return FLOAT.sign(v.data)

    @staticmethod
    def xlogy(x: Any, y: Any) -> Any:
        return 0.0 if x.data == 0 else x * y.log()

    @staticmethod
    def constant(v: Any) -> float:
        # An input that is a constant of the rule (pow's number exponent).
        return v.data


class ARRAY:
    """Math on numpy arrays, elementwise, for replaying a graph over a batch."""

    exp = staticmethod(np.exp)
    log = staticmethod(np.log)
    sqrt = staticmethod(np.sqrt)
    tanh = staticmethod(np.tanh)

    @staticmethod
    def sigmoid(x: np.ndarray) -> np.ndarray:
        e = np.exp(-np.abs(x))  # never overflows: the argument is <= 0
        return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

    @staticmethod
    def relu(x: np.ndarray) -> np.ndarray:
        return np.maximum(x, 0.0)

    @staticmethod
    def step(x: np.ndarray) -> np.ndarray:
        return (x > 0).astype(float)

    @staticmethod
    def sign(x: np.ndarray) -> np.ndarray:
        return np.sign(x).astype(float)

    @staticmethod
    def xlogy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        safe_y = np.where(x == 0, 1.0, y)
        return np.where(x == 0, 0.0, x * np.log(safe_y))

    @staticmethod
    def constant(x: np.ndarray) -> np.ndarray:
        return x


# --- the rule type ----------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One differentiable operation.

    Attributes:
        name: key in `RULES` and the name shown in messages ("log", "div").
        symbol: what a graph drawing shows on the operation node ("log", "/").
        forward: ``forward(m, *inputs) -> output``.
        partials: ``partials(m, output, *inputs) -> (d output / d input_i, ...)``,
            one local partial derivative per input, in input order.
        check: optional ``check(*inputs)`` on floats that raises for inputs
            outside the domain, with a short reason (the engine adds the
            operation and its operands to the message).
        infix: show as ``a / b`` rather than ``div(a, b)`` in messages.
    """

    name: str
    symbol: str
    forward: Callable[..., Any]
    partials: Callable[..., tuple[Any, ...]]
    check: Callable[..., None] | None = None
    infix: bool = False

    def describe(self, inputs: Any) -> str:
        """Show the operation applied to `inputs`, e.g. ``'1.0 / 0.0'`` or ``'log(-2.0)'``."""
        shown = [repr(float(x)) if isinstance(x, (int, float)) else repr(x) for x in inputs]
        if self.infix and len(shown) == 2:
            if shown[0].startswith("-"):  # "(-2.0) ** 0.5", not "-2.0 ** 0.5"
                shown[0] = f"({shown[0]})"
            return f"{shown[0]} {self.symbol} {shown[1]}"
        if self.infix and len(shown) == 1:
            return f"{self.symbol}{shown[0]}"
        if len(shown) > 6:  # an n-ary sum of a whole layer: keep messages short
            shown = shown[:3] + [f"... {len(shown) - 5} more ..."] + shown[-2:]
        return f"{self.name}({', '.join(shown)})"


# --- domain checks (floats only; each raises with the reason) ---------------


def _check_div(a: float, b: float) -> None:
    if b == 0:
        raise ZeroDivisionError("division by zero")


def _check_log(x: float) -> None:
    if x <= 0:
        raise ValueError("log is only defined for x > 0")


def _check_sqrt(x: float) -> None:
    if x < 0:
        raise ValueError("sqrt is only defined for x >= 0")


def _check_pow_number_exponent(a: float, n: float) -> None:
    if a == 0 and n < 0:
        raise ZeroDivisionError("0 cannot be raised to a negative power")
    if a < 0 and n != int(n):
        raise ValueError("a negative base needs an integer exponent")


def _check_pow_value_exponent(a: float, b: float) -> None:
    # d(a**b)/db = a**b * log(a) needs a > 0 (or a == 0, where it is 0).
    if a < 0:
        raise ValueError(
            "a negative base cannot take a Value exponent: d(a**b)/db = a**b * log(a) "
            "is undefined for a < 0 (if the exponent is a fixed integer, write it as a "
            "plain number: x ** 2, not x ** Value(2))"
        )
    if a == 0 and b < 0:
        raise ZeroDivisionError("0 cannot be raised to a negative power")


# --- the table --------------------------------------------------------------
# out is the operation's output; each lambda returns one partial per input.


def _pow_number_exponent_partials(m: Any, out: Any, a: Any, n: Any) -> tuple[Any, Any]:
    # d(a**n)/da = n * a**(n-1); exactly 0 when n == 0 (even at a == 0).
    # The exponent is a plain number: a constant, so its partial is 0, and
    # m.constant reads it as a number even on the Value path (a ** Value would
    # be the other rule, which refuses negative bases).
    n = m.constant(n)
    return (0.0 if n == 0 else n * a ** (n - 1), 0.0)


def _sum(m: Any, *xs: Any) -> Any:
    # Left to right, starting from the first addend: the same rounding as a
    # chain of binary additions (micrograd's neurons compute exactly this).
    total = xs[0]
    for x in xs[1:]:
        total = total + x
    return total


_TABLE = [
    Rule("add", "+", lambda m, a, b: a + b, lambda m, out, a, b: (1.0, 1.0), infix=True),
    Rule("sub", "-", lambda m, a, b: a - b, lambda m, out, a, b: (1.0, -1.0), infix=True),
    Rule("mul", "*", lambda m, a, b: a * b, lambda m, out, a, b: (b, a), infix=True),
    Rule("div", "/", lambda m, a, b: a / b, lambda m, out, a, b: (1.0 / b, -out / b),
         check=_check_div, infix=True),
    Rule("neg", "-", lambda m, a: -a, lambda m, out, a: (-1.0,), infix=True),
    # a ** n with a plain-number exponent n (stored as a constant input).
    Rule("pow", "**", lambda m, a, n: a ** n, _pow_number_exponent_partials,
         check=_check_pow_number_exponent, infix=True),
    # a ** b with a Value exponent: both inputs are differentiable.
    Rule("vpow", "**", lambda m, a, b: a ** b,
         lambda m, out, a, b: (b * a ** (b - 1.0), m.xlogy(out, a)),
         check=_check_pow_value_exponent, infix=True),
    Rule("abs", "abs", lambda m, x: abs(x), lambda m, out, x: (m.sign(x),)),
    Rule("exp", "exp", lambda m, x: m.exp(x), lambda m, out, x: (out,)),
    Rule("log", "log", lambda m, x: m.log(x), lambda m, out, x: (1.0 / x,), check=_check_log),
    # d sqrt(x)/dx = 1 / (2 sqrt(x)): infinite at 0, which backward reports.
    Rule("sqrt", "sqrt", lambda m, x: m.sqrt(x), lambda m, out, x: (0.5 / out,), check=_check_sqrt),
    Rule("tanh", "tanh", lambda m, x: m.tanh(x), lambda m, out, x: (1.0 - out * out,)),
    Rule("sigmoid", "σ", lambda m, x: m.sigmoid(x), lambda m, out, x: (out * (1.0 - out),)),
    Rule("relu", "ReLU", lambda m, x: m.relu(x), lambda m, out, x: (m.step(x),)),
    # One node for many addends: every partial is 1.
    Rule("sum", "Σ", _sum, lambda m, out, *xs: (1.0,) * len(xs)),
]

RULES: dict[str, Rule] = {rule.name: rule for rule in _TABLE}
