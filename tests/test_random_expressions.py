"""Random expression graphs (hypothesis) against sympy: values, gradients and second derivatives.

A `Program` is a few leaves and a list of steps; each step applies one operation
to earlier nodes (any of them, repeats allowed), so graphs share subexpressions
and repeat operands. The same program runs on several backends: our `Value`,
plain floats (to check the magnitudes first), sympy (the exact oracle) and, in
test_torch_oracle.py, PyTorch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd import Value, add_n, grad

# Each step: (arity, build(backend, *operands)). The arguments of log, sqrt, a
# division and a Value exponent's base are positive by construction (x*x + 1,
# exp(x), ...), so every program is defined everywhere.
STEPS: dict[str, tuple[int, Callable[..., Any]]] = {
    "add": (2, lambda b, x, y: x + y),
    "sub": (2, lambda b, x, y: x - y),
    "mul": (2, lambda b, x, y: x * y),
    "div": (2, lambda b, x, y: x / (y * y + 1)),
    "number/x": (1, lambda b, x: 2 / (x * x + 0.5)),
    "number-x": (1, lambda b, x: 3 - x),
    "neg": (1, lambda b, x: -x),
    "square": (1, lambda b, x: x ** 2),
    "cube": (1, lambda b, x: x ** 3),
    "inverse": (1, lambda b, x: (x * x + 1) ** -1),
    "root": (1, lambda b, x: (x * x + 1) ** 0.5),
    "x**y": (2, lambda b, x, y: (x * x + 0.5) ** b.tanh(y)),
    "number**x": (1, lambda b, x: 2 ** b.tanh(x)),
    "abs": (1, lambda b, x: b.abs(x)),
    "exp": (1, lambda b, x: b.exp(x)),
    "log(exp)": (1, lambda b, x: b.log(b.exp(x))),
    "log": (1, lambda b, x: b.log(x * x + 1)),
    "sqrt": (1, lambda b, x: b.sqrt(x * x + 0.5)),
    "tanh": (1, lambda b, x: b.tanh(x)),
    "sigmoid": (1, lambda b, x: b.sigmoid(x)),
    "relu": (1, lambda b, x: b.relu(x)),
    "add_n": (3, lambda b, x, y, z: b.add_n([x, y, z])),
}

LIMIT = 1e4  # programs whose values grow beyond this are skipped (they would overflow or lose precision)
KINK_GAP = 1e-9  # abs/relu arguments this close to 0 must be exactly 0 in floats and in sympy


@dataclass(frozen=True)
class Program:
    leaves: tuple[float, ...]
    steps: tuple[tuple[str, tuple[int, ...]], ...]

    def run(self, backend: Any, leaves: list[Any]) -> list[Any]:
        """Every node's value on `backend`, leaves first; the output is the last."""
        nodes = list(leaves)
        for name, operands in self.steps:
            nodes.append(STEPS[name][1](backend, *[nodes[i] for i in operands]))
        return nodes


@st.composite
def programs(draw: Callable[..., Any], max_leaves: int = 3, max_steps: int = 8) -> Program:
    leaves = draw(st.lists(st.floats(-2, 2, allow_nan=False), min_size=1, max_size=max_leaves))
    steps = []
    for k in range(draw(st.integers(1, max_steps))):
        name = draw(st.sampled_from(sorted(STEPS)))
        available = len(leaves) + k
        operands = tuple(draw(st.integers(0, available - 1)) for _ in range(STEPS[name][0]))
        steps.append((name, operands))
    return Program(tuple(leaves), tuple(steps))


# --- backends ------------------------------------------------------------------------


class ValueBackend:
    abs = staticmethod(abs)
    add_n = staticmethod(add_n)

    @staticmethod
    def exp(x: Value) -> Value:
        return x.exp()

    @staticmethod
    def log(x: Value) -> Value:
        return x.log()

    @staticmethod
    def sqrt(x: Value) -> Value:
        return x.sqrt()

    @staticmethod
    def tanh(x: Value) -> Value:
        return x.tanh()

    @staticmethod
    def sigmoid(x: Value) -> Value:
        return x.sigmoid()

    @staticmethod
    def relu(x: Value) -> Value:
        return x.relu()


class FloatBackend:
    """Plain floats; records the arguments of abs and relu (where derivatives jump)."""

    def __init__(self) -> None:
        self.kinks: list[float] = []

    exp = staticmethod(math.exp)
    log = staticmethod(math.log)
    sqrt = staticmethod(math.sqrt)
    tanh = staticmethod(math.tanh)

    @staticmethod
    def sigmoid(x: float) -> float:
        return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))

    def abs(self, x: float) -> float:
        self.kinks.append(x)
        return abs(x)

    def relu(self, x: float) -> float:
        self.kinks.append(x)
        return max(x, 0.0)

    @staticmethod
    def add_n(xs: list[float]) -> float:
        return sum(xs[1:], xs[0])


class SympyBackend:
    def __init__(self) -> None:
        self.kinks: list[sp.Expr] = []

    exp = staticmethod(sp.exp)
    log = staticmethod(sp.log)
    sqrt = staticmethod(sp.sqrt)
    tanh = staticmethod(sp.tanh)

    @staticmethod
    def sigmoid(x: sp.Expr) -> sp.Expr:
        return 1 / (1 + sp.exp(-x))

    def abs(self, x: sp.Expr) -> sp.Expr:
        self.kinks.append(x)
        return sp.Abs(x)

    def relu(self, x: sp.Expr) -> sp.Expr:
        # Not Max(0, x), whose derivative Heaviside(x) is 1/2 at 0 in sympy; 0 here, as in PyTorch.
        self.kinks.append(x)
        return sp.Piecewise((x, x > 0), (0, True))

    @staticmethod
    def add_n(xs: list[sp.Expr]) -> sp.Expr:
        return sp.Add(*xs)


def checked_floats(program: Program, smooth: bool = False) -> list[float]:
    """The program on floats, skipping (hypothesis.assume) examples that are too large.

    With `smooth`, also those with an abs or relu exactly at its kink (where the
    second derivative is a Dirac delta in sympy, and 0 here).
    """
    backend = FloatBackend()
    try:
        values = program.run(backend, list(program.leaves))
    except OverflowError:
        assume(False)
    assume(all(abs(v) <= LIMIT for v in values))
    assume(all(k == 0 or abs(k) > KINK_GAP for k in backend.kinks))
    if smooth:
        assume(all(k != 0 for k in backend.kinks))
    return values


SYMBOLS = sp.symbols("x0:3", real=True)


def at(program: Program) -> dict[sp.Symbol, sp.Float]:
    return {s: sp.Float(v, 30) for s, v in zip(SYMBOLS, program.leaves)}


def exactly(expr: sp.Expr, point: dict[sp.Symbol, sp.Float]) -> float:
    return float(sp.N(expr.xreplace(point), 30))


def symbolic(program: Program) -> tuple[sp.Expr, list[sp.Symbol]]:
    """The output as a sympy expression of the leaves; skips examples where a kink is ambiguous."""
    backend = SympyBackend()
    leaves = list(SYMBOLS[: len(program.leaves)])
    out = program.run(backend, leaves)[-1]
    if not backend.kinks:
        return out, leaves
    point = at(program)
    float_kinks = FloatBackend()
    program.run(float_kinks, list(program.leaves))
    for k_exact, k_float in zip(backend.kinks, float_kinks.kinks):
        # The float side of a kink must be the exact side, or the slopes differ legitimately.
        exact = exactly(k_exact, point)
        assume((exact == 0) == (k_float == 0) and math.copysign(1, exact) == math.copysign(1, k_float))
    return out, leaves


def close(ours: float, exact: float) -> bool:
    return math.isclose(ours, exact, rel_tol=1e-7, abs_tol=1e-7)


# --- the tests ----------------------------------------------------------------------


@settings(max_examples=120)
@given(programs())
def test_values_and_gradients_match_sympy(program: Program) -> None:
    floats = checked_floats(program)
    expr, symbols = symbolic(program)
    point = at(program)

    leaves = [Value(x) for x in program.leaves]
    out = program.run(ValueBackend, leaves)[-1]
    assert out.data == floats[-1]  # the same float operations, the same bits
    assert close(out.data, exactly(expr, point))

    grads = grad(out, leaves)
    out.backward()
    for leaf, g, s in zip(leaves, grads, symbols):
        assert leaf.grad == g  # backward and grad agree
        assert close(g, exactly(sp.diff(expr, s), point)), f"d/d{s}"


@settings(max_examples=50)
@given(programs(max_leaves=2, max_steps=5))
def test_second_derivatives_match_sympy(program: Program) -> None:
    checked_floats(program, smooth=True)
    expr, symbols = symbolic(program)
    point = at(program)

    leaves = [Value(x) for x in program.leaves]
    out = program.run(ValueBackend, leaves)[-1]
    first = grad(out, leaves, create_graph=True)
    for row, (d, s) in enumerate(zip(first, symbols)):
        ds = sp.diff(expr, s)
        for col, (dd, t) in enumerate(zip(grad(d, leaves), symbols)):
            assert close(dd, exactly(sp.diff(ds, t), point)), f"d2/d{s}d{t}"


@pytest.mark.parametrize("name", sorted(STEPS))
def test_every_step_at_a_fixed_point(name: str) -> None:
    # Each step on its own, so no operation is left to chance.
    program = Program((0.3, -0.7, 1.1), ((name, (0, 1, 2)[: STEPS[name][0]]),))
    floats = program.run(FloatBackend(), list(program.leaves))
    expr = program.run(SympyBackend(), list(SYMBOLS))[-1]
    point = at(program)

    leaves = [Value(x) for x in program.leaves]
    out = program.run(ValueBackend, leaves)[-1]
    assert out.data == floats[-1]
    assert close(out.data, exactly(expr, point))
    for g, s in zip(grad(out, leaves), SYMBOLS):
        assert close(g, exactly(sp.diff(expr, s), point))
