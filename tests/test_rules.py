"""Every rule of the table, checked from the table itself against sympy and finite differences.

`ORACLES` holds, for each rule, how to call it through the public API, the same
function in sympy, and the domain to draw points from. A rule without an oracle
fails `test_every_rule_has_an_oracle` (and every test parametrized over it), so
adding an operation forces adding its oracle.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import RULES, Value, add_n, grad, gradcheck, gradgradcheck
from autograd.rules import ARRAY, FLOAT


def reals(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def signed(lo: float, hi: float) -> st.SearchStrategy[float]:
    """lo <= |x| <= hi, either sign: away from a kink or a pole at 0."""
    return st.builds(lambda sign, size: sign * size, st.sampled_from([-1.0, 1.0]), reals(lo, hi))


def sympy_relu(x: sp.Expr) -> sp.Expr:
    # Not Max(0, x): its derivative is Heaviside(x), which sympy takes as 1/2 at 0.
    return sp.Piecewise((x, x > 0), (0, True))


@dataclass(frozen=True)
class Oracle:
    """How to test one rule."""

    call: Callable[..., Value]  # builds the rule's node through the public API
    sympy: Callable[..., sp.Expr]  # the same function of sympy symbols
    domain: st.SearchStrategy[tuple[float, ...]]  # points inside the domain, away from kinks
    constants: tuple[int, ...] = ()  # inputs passed as plain numbers (their partial is 0)


# pow's exponent is a plain number: an integer for any nonzero base, any real
# for a positive base (the rule refuses the rest).
_POW_POINTS = st.one_of(
    st.tuples(signed(0.1, 3.0), st.integers(-3, 4).map(float)),
    st.tuples(reals(0.1, 3.0), reals(-2.5, 2.5)),
)

ORACLES: dict[str, Oracle] = {
    "add": Oracle(lambda a, b: a + b, lambda a, b: a + b, st.tuples(reals(-10, 10), reals(-10, 10))),
    "sub": Oracle(lambda a, b: a - b, lambda a, b: a - b, st.tuples(reals(-10, 10), reals(-10, 10))),
    "mul": Oracle(lambda a, b: a * b, lambda a, b: a * b, st.tuples(reals(-10, 10), reals(-10, 10))),
    "div": Oracle(lambda a, b: a / b, lambda a, b: a / b, st.tuples(reals(-10, 10), signed(0.1, 10))),
    "neg": Oracle(lambda a: -a, lambda a: -a, st.tuples(reals(-10, 10))),
    "pow": Oracle(lambda a, n: a ** n, lambda a, n: a ** n, _POW_POINTS, constants=(1,)),
    "vpow": Oracle(lambda a, b: a ** b, lambda a, b: a ** b, st.tuples(reals(0.1, 3), reals(-3, 3))),
    "abs": Oracle(abs, sp.Abs, st.tuples(signed(1e-3, 10))),
    "exp": Oracle(lambda x: x.exp(), sp.exp, st.tuples(reals(-20, 20))),
    "log": Oracle(lambda x: x.log(), sp.log, st.tuples(reals(1e-2, 1e3))),
    "sqrt": Oracle(lambda x: x.sqrt(), sp.sqrt, st.tuples(reals(1e-2, 1e3))),
    # |x| <= 5 and 10: beyond, 1 - tanh(x)**2 and s(1 - s) lose relative precision in floats.
    "tanh": Oracle(lambda x: x.tanh(), sp.tanh, st.tuples(reals(-5, 5))),
    "sigmoid": Oracle(lambda x: x.sigmoid(), lambda x: 1 / (1 + sp.exp(-x)), st.tuples(reals(-10, 10))),
    "relu": Oracle(lambda x: x.relu(), sympy_relu, st.tuples(signed(1e-3, 10))),
    "sum": Oracle(lambda *xs: add_n(xs), lambda *xs: sp.Add(*xs), st.tuples(*[reals(-10, 10)] * 4)),
}

RULE_NAMES = sorted(RULES)
EXAMPLES = settings(max_examples=60)


def test_every_rule_has_an_oracle() -> None:
    missing = sorted(set(RULES) - set(ORACLES))
    stale = sorted(set(ORACLES) - set(RULES))
    assert not missing, f"rules without an oracle in tests/test_rules.py: {missing}"
    assert not stale, f"oracles for rules that no longer exist: {stale}"


# --- the exact oracle ----------------------------------------------------------

SYMBOLS = sp.symbols("x0:4", real=True)


@functools.cache
def symbolic(name: str, arity: int) -> tuple[sp.Expr, list[sp.Expr], list[list[sp.Expr]]]:
    """f, its gradient and its Hessian, in sympy, over the first `arity` symbols."""
    xs = SYMBOLS[:arity]
    f = ORACLES[name].sympy(*xs)
    first = [sp.diff(f, x) for x in xs]
    second = [[sp.diff(d, x) for x in xs] for d in first]
    return f, first, second


def exactly(expr: sp.Expr, point: tuple[float, ...]) -> float:
    """expr at point, evaluated with 30 digits from the exact binary values of the floats."""
    subs = {s: sp.Integer(int(v)) if float(v).is_integer() else sp.Float(v, 30)
            for s, v in zip(SYMBOLS, point)}
    return float(sp.N(expr.xreplace(subs), 30))


def close(ours: float, exact: float) -> bool:
    return math.isclose(ours, exact, rel_tol=1e-9, abs_tol=1e-12)


def build(name: str, point: tuple[float, ...]) -> tuple[Value, list[Value | float]]:
    """The rule's node at `point`, and its operands (Values, or numbers for constants)."""
    oracle = ORACLES[name]
    operands = [x if i in oracle.constants else Value(x) for i, x in enumerate(point)]
    return oracle.call(*operands), operands


# --- first order ------------------------------------------------------------------


@pytest.mark.parametrize("name", RULE_NAMES)
@EXAMPLES
@given(data=st.data())
def test_value_and_gradient_match_sympy(name: str, data: st.DataObject) -> None:
    point = data.draw(ORACLES[name].domain)
    rule = RULES[name]
    f, first, _ = symbolic(name, len(point))
    out, operands = build(name, point)

    assert out.op is rule
    assert len(out.parents) == len(point)
    assert close(out.data, exactly(f, point))

    # Through the engine (backpropagate) and straight from the table.
    grads = grad(out, [v for v in operands if isinstance(v, Value)])
    local = rule.partials(FLOAT, out.data, *[float(x) for x in point])
    variables = iter(grads)
    for i, derivative in enumerate(first):
        if i in ORACLES[name].constants:
            assert local[i] == 0.0
            continue
        expected = exactly(derivative, point)
        assert close(next(variables), expected), f"d/d input[{i}]"
        assert close(local[i], expected), f"rule.partials, input[{i}]"


@pytest.mark.parametrize("name", RULE_NAMES)
@EXAMPLES
@given(data=st.data())
def test_gradcheck_passes(name: str, data: st.DataObject) -> None:
    point = data.draw(ORACLES[name].domain)
    fn, variables = _over_variables(name, point)
    assert gradcheck(fn, variables) is True


def _over_variables(name: str, point: tuple[float, ...]) -> tuple[Callable[..., Value], list[float]]:
    """The rule as a function of its Value inputs only (constants fixed at the point)."""
    oracle = ORACLES[name]

    def fn(*values: Value) -> Value:
        it = iter(values)
        return oracle.call(*[x if i in oracle.constants else next(it) for i, x in enumerate(point)])

    return fn, [x for i, x in enumerate(point) if i not in oracle.constants]


# --- second order -----------------------------------------------------------------


@pytest.mark.parametrize("name", RULE_NAMES)
@EXAMPLES
@given(data=st.data())
def test_second_derivatives_match_sympy(name: str, data: st.DataObject) -> None:
    point = data.draw(ORACLES[name].domain)
    _, _, second = symbolic(name, len(point))
    out, operands = build(name, point)
    variables = [v for v in operands if isinstance(v, Value)]
    index = [i for i, v in enumerate(operands) if isinstance(v, Value)]

    first = grad(out, variables, create_graph=True)
    for row, d in zip(index, first):
        assert isinstance(d, Value)
        hessian_row = grad(d, variables)
        for col, ours in zip(index, hessian_row):
            expected = exactly(second[row][col], point)
            assert math.isclose(ours, expected, rel_tol=1e-8, abs_tol=1e-10), f"d2/d{row}d{col}"


@pytest.mark.parametrize("name", RULE_NAMES)
@settings(max_examples=30)
@given(data=st.data())
def test_gradgradcheck_passes(name: str, data: st.DataObject) -> None:
    point = data.draw(ORACLES[name].domain)
    fn, variables = _over_variables(name, point)
    assert gradgradcheck(fn, variables) is True


# --- the ARRAY namespace ------------------------------------------------------------


@pytest.mark.parametrize("name", RULE_NAMES)
@settings(max_examples=40)
@given(data=st.data())
def test_array_namespace_matches_float_elementwise(name: str, data: st.DataObject) -> None:
    oracle, rule = ORACLES[name], RULES[name]
    points = data.draw(st.lists(oracle.domain, min_size=1, max_size=6))
    if oracle.constants:  # a constant is one number for the whole batch (as Replay passes it)
        points = [tuple(points[0][i] if i in oracle.constants else x for i, x in enumerate(p))
                  for p in points]
        points = [p for p in points if _in_domain(rule, p)]
    columns: list[Any] = [np.array(c) for c in zip(*points)]
    for i in oracle.constants:
        columns[i] = np.float64(points[0][i])

    out = rule.forward(ARRAY, *columns)
    scalar_outs = [rule.forward(FLOAT, *p) for p in points]
    # Partials from the same outputs: np.tanh and math.tanh may differ in the last
    # bit, which 1 - out**2 would amplify.
    local = rule.partials(ARRAY, np.array(scalar_outs), *columns)
    assert len(local) == len(columns)
    for k, (p, scalar_out) in enumerate(zip(points, scalar_outs)):
        scalar_local = rule.partials(FLOAT, scalar_out, *p)
        assert math.isclose(np.broadcast_to(out, (len(points),))[k], scalar_out, rel_tol=1e-13, abs_tol=0)
        for i, (d_array, d_float) in enumerate(zip(local, scalar_local)):
            assert math.isclose(np.broadcast_to(d_array, (len(points),))[k], d_float,
                                rel_tol=1e-13, abs_tol=1e-300), f"partial {i} at {p}"


def _in_domain(rule: Any, point: tuple[float, ...]) -> bool:
    try:
        rule.check(*point)
    except (ArithmeticError, ValueError):
        return False
    return True


# --- the conventions at kinks and edges (PyTorch's choices) ---------------------------


@pytest.mark.parametrize(
    "make, expected_data, expected_grads",
    [
        pytest.param(lambda x: x.relu(), 0.0, [0.0], id="relu at 0: slope 0"),
        pytest.param(lambda x: abs(x), 0.0, [0.0], id="abs at 0: slope 0"),
        pytest.param(lambda x: x ** 0, 1.0, [0.0], id="x**0 at 0: slope 0"),
        pytest.param(lambda x: x ** 2, 0.0, [0.0], id="x**2 at 0"),
        pytest.param(lambda x: x ** 1, 0.0, [1.0], id="x**1 at 0"),
    ],
)
def test_kinks_at_zero(make: Callable[[Value], Value], expected_data: float, expected_grads: list[float]) -> None:
    x = Value(0.0)
    out = make(x)
    assert out.data == expected_data
    assert list(grad(out, [x])) == expected_grads


def test_value_exponent_of_a_zero_base_has_zero_partials() -> None:
    # d(a**b)/db = a**b log a is 0 at a = 0 (the xlogy convention), d/da = b a**(b-1) = 0.
    a, b = Value(0.0), Value(2.0)
    out = a ** b
    assert out.data == 0.0
    assert grad(out, [a, b]) == (0.0, 0.0)
