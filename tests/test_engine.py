"""The engine: `Value`, the graph it records, backward, grad, no_grad, custom ops and every error."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import (
    RULES,
    Value,
    add_n,
    backpropagate,
    custom_op,
    grad,
    is_grad_enabled,
    module_scope,
    no_grad,
    topological_order,
)


def message(text: str) -> str:
    """`match=` pattern for a literal piece of an error message."""
    return re.escape(text)


# --- building values -----------------------------------------------------------------


@pytest.mark.parametrize(
    "data, expected",
    [(3, 3.0), (-2.5, -2.5), (True, 1.0), (np.float32(1.5), 1.5), (np.int64(-7), -7.0),
     (np.bool_(True), 1.0), (np.float64(0.1), 0.1)],
)
def test_value_stores_a_python_float(data: object, expected: float) -> None:
    v = Value(data, label="v")
    assert type(v.data) is float and v.data == expected
    assert v.grad == 0.0 and v.label == "v" and v.op is None and v.parents == ()


@pytest.mark.parametrize(
    "bad, type_name",
    [("1.0", "str"), (None, "NoneType"), (1 + 2j, "complex"), ([1.0], "list"),
     (np.array(1.0), "ndarray"), (np.array([1.0, 2.0]), "ndarray")],
)
def test_value_rejects_non_real_data_naming_its_type(bad: object, type_name: str) -> None:
    with pytest.raises(TypeError, match=rf"Value: expected a real number .* got {type_name} "):
        Value(bad)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf"), np.float64("nan")])
def test_value_rejects_non_finite_data(bad: float) -> None:
    with pytest.raises(ValueError, match=message(f"Value: expected a finite number, got {float(bad)!r}")):
        Value(bad)


@pytest.mark.parametrize("bad, type_name", [("2", "str"), (None, "NoneType"), ([1], "list")])
def test_operands_of_the_wrong_type_are_rejected_on_either_side(bad: object, type_name: str) -> None:
    with pytest.raises(TypeError, match=rf"Value \* operand: expected a real number .* got {type_name}"):
        Value(1.0) * bad
    with pytest.raises(TypeError, match=rf"Value \+ operand: .* got {type_name}"):
        bad + Value(1.0)
    with pytest.raises(TypeError, match=rf"Value \*\* operand: .* got {type_name}"):
        Value(1.0) ** bad


@pytest.mark.parametrize("scalar", [np.float32(2.0), np.int64(2), np.float64(2.0)])
def test_numpy_scalars_are_operands_on_either_side(scalar: object) -> None:
    x = Value(3.0)
    results = {
        "x * s": (x * scalar, 6.0), "s * x": (scalar * x, 6.0),
        "x - s": (x - scalar, 1.0), "s - x": (scalar - x, -1.0),
        "x / s": (x / scalar, 1.5), "s / x": (scalar / x, 2.0 / 3.0),
        "x ** s": (x ** scalar, 9.0), "s ** x": (scalar ** x, 8.0),
    }
    for name, (out, expected) in results.items():
        assert isinstance(out, Value), name  # numpy must not turn it into an array
        assert out.data == pytest.approx(expected, rel=1e-15), name
    s_minus_x = scalar - x
    assert s_minus_x.parents[1] is x and s_minus_x.parents[0].data == 2.0


def test_numpy_bool_is_an_operand() -> None:
    x = Value(3.0)
    assert (np.bool_(True) + x).data == 4.0
    assert (x * np.bool_(False)).data == 0.0


# --- the recorded graph ----------------------------------------------------------------


def test_repeated_operand_keeps_both_edges() -> None:
    a = Value(3.0)
    s = a + a
    assert s.parents == (a, a)
    s.backward()
    assert a.grad == 2.0


def test_operand_order_is_kept_and_numbers_become_constant_leaves() -> None:
    a = Value(5.0, label="a")
    d = 2 - a
    assert d.op is RULES["sub"] and d.data == -3.0
    const, second = d.parents
    assert second is a
    assert const.data == 2.0 and const.label == "" and const.op is None and const.parents == ()
    assert (a - 2.5).parents[1].data == 2.5


def test_division_is_recorded_as_a_division() -> None:
    a, b = Value(1.0), Value(4.0)
    q = a / b
    assert q.op.name == "div" and q.parents == (a, b) and q.data == 0.25
    assert (1 / b).op.name == "div"


@pytest.mark.parametrize(
    "make, op_name",
    [(lambda a: a ** 2, "pow"), (lambda a: a ** a, "vpow"), (lambda a: 2 ** a, "vpow"),
     (lambda a: -a, "neg"), (lambda a: abs(a), "abs"), (lambda a: a.relu(), "relu")],
)
def test_each_operator_records_its_rule(make, op_name: str) -> None:
    assert make(Value(1.5)).op is RULES[op_name]


def test_topological_order_puts_parents_first_and_each_node_once() -> None:
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    c = a * b
    d = c + a
    e = d * c
    order = topological_order(e)
    assert order[-1] is e
    assert len(order) == len({id(n) for n in order}) == 5
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        assert all(position[id(p)] < position[id(node)] for p in node.parents)
    assert order == topological_order(e)  # deterministic


def test_shared_subexpressions_get_the_sum_of_all_paths() -> None:
    # c = (x*x + x) * (x*x): x reaches c along paths of different lengths, so a walk
    # that passes a node's gradient on before all of it has arrived gets it wrong.
    x = Value(2.0)
    a = x * x
    b = a + x
    c = b * a
    c.backward()
    assert c.data == 24.0
    assert x.grad == 4 * 2.0 ** 3 + 3 * 2.0 ** 2  # d(x^4 + x^3)/dx = 44
    assert a.grad == b.data + a.data  # dc/da = b + a (directly and through b) = 10
    assert b.grad == a.data


def test_a_tower_of_diamonds() -> None:
    # y = y + y forty times: 2**40 paths from x to y, one node visit each.
    x = Value(1.5)
    y = x
    for _ in range(40):
        y = y + y
    y.backward()
    assert y.data == 1.5 * 2.0 ** 40
    assert x.grad == 2.0 ** 40


# --- backward ----------------------------------------------------------------------------


def test_backward_twice_doubles_leaves_but_not_intermediates() -> None:
    a, b, c = Value(2.0), Value(3.0), Value(4.0)
    y = a * b
    z = y * c
    z.backward()
    assert (a.grad, b.grad, c.grad, y.grad, z.grad) == (12.0, 8.0, 6.0, 4.0, 1.0)
    z.backward()
    # Leaves accumulate like PyTorch's: 2 * 12. micrograd's backward adds into every
    # node, so its y.grad becomes 8 and its a.grad 12 + b * 8 = 36, three times 12.
    assert (a.grad, b.grad, c.grad) == (24.0, 16.0, 12.0)
    assert (y.grad, z.grad) == (4.0, 1.0)


def test_backward_of_a_leaf() -> None:
    x = Value(5.0)
    x.backward()
    assert x.grad == 1.0


def test_backward_reports_leaf_gradient_overflow_on_accumulation() -> None:
    x = Value(1.0, label="w")
    y = x * 1e308
    y.backward()
    with pytest.raises(OverflowError, match=message("'w' (data=1.0) overflows when accumulated")):
        y.backward()


def test_deep_chain_of_100_000_nodes() -> None:
    x, c = Value(0.5), Value(1.000001)
    y = x
    for _ in range(100_000):
        y = y * c
    y.backward()
    assert y.data == pytest.approx(0.5 * 1.000001 ** 100_000, rel=1e-9)
    assert x.grad == pytest.approx(1.000001 ** 100_000, rel=1e-9)
    assert c.grad == pytest.approx(100_000 * 0.5 * 1.000001 ** 99_999, rel=1e-9)
    assert len(topological_order(y)) == 100_002


@pytest.mark.slow
def test_deep_chain_of_a_million_nodes() -> None:
    x, c = Value(0.5), Value(1.0000001)
    y = x
    for _ in range(1_000_000):
        y = y * c
    y.backward()
    assert x.grad == pytest.approx(1.0000001 ** 1_000_000, rel=1e-8)  # about e**0.1
    assert c.grad == pytest.approx(1_000_000 * 0.5 * 1.0000001 ** 999_999, rel=1e-8)


def test_sqrt_at_zero_fails_when_backward_reaches_it() -> None:
    x = Value(0.0)
    y = x.sqrt()
    assert y.data == 0.0
    with pytest.raises(ValueError, match=message("local derivative of sqrt(0.0) is infinite or undefined")):
        y.backward()


@pytest.mark.parametrize("x", [1000.0, -1000.0, 1e308, -1e308])
@pytest.mark.parametrize("op, limit", [("tanh", lambda x: math.copysign(1.0, x)),
                                       ("sigmoid", lambda x: 1.0 if x > 0 else 0.0)])
def test_saturating_functions_at_extreme_inputs(op: str, limit, x: float) -> None:
    v = Value(x)
    y = getattr(v, op)()
    y.backward()
    assert y.data == limit(x)
    assert v.grad == 0.0


def test_backpropagate_returns_all_gradients_and_touches_no_grad() -> None:
    x = Value(3.0)
    y = x * x
    steps = []
    grads = backpropagate(y, on_step=lambda node, parents, contributions, _: steps.append(contributions))
    assert grads[x] == 6.0 and grads[y] == 1.0
    assert steps == [[3.0, 3.0]]
    assert x.grad == 0.0 and y.grad == 0.0


# --- grad() ------------------------------------------------------------------------------


def test_grad_returns_a_tuple_and_leaves_dot_grad_alone() -> None:
    x, y, unused = Value(2.0), Value(5.0), Value(7.0)
    out = x * y + x
    assert grad(out, [x, y, unused]) == (6.0, 2.0, 0.0)
    assert grad(out, x) == (6.0,)
    assert grad(out, out) == (1.0,)
    assert (x.grad, y.grad, unused.grad, out.grad) == (0.0, 0.0, 0.0, 0.0)


def test_grad_with_create_graph_differentiates_again() -> None:
    x, y = Value(2.0), Value(0.5)
    out = x ** 3 * y.exp()
    dx, dy = grad(out, [x, y], create_graph=True)
    assert isinstance(dx, Value) and isinstance(dy, Value)
    assert dx.data == pytest.approx(12 * math.exp(0.5), rel=1e-15)  # 3x² e^y
    assert grad(dx, [x, y]) == pytest.approx((12 * math.exp(0.5), 12 * math.exp(0.5)), rel=1e-15)
    (d3,) = grad(grad(grad(x ** 3, x, create_graph=True)[0], x, create_graph=True)[0], x)
    assert d3 == 6.0
    (unused,) = grad(out, [Value(1.0)], create_graph=True)
    assert isinstance(unused, Value) and unused.data == 0.0


def test_grad_rejects_non_values() -> None:
    with pytest.raises(TypeError, match=message("grad: output must be a Value, got float")):
        grad(1.0, [Value(1.0)])
    with pytest.raises(TypeError, match=message("grad: inputs[1] must be a Value, got int")):
        grad(Value(1.0), [Value(1.0), 3])


# --- no_grad and module_scope ---------------------------------------------------------------


def test_no_grad_records_nothing_and_restores_state() -> None:
    x = Value(2.0)
    assert is_grad_enabled()
    with no_grad():
        assert not is_grad_enabled()
        with no_grad():
            y = x * 3
        assert not is_grad_enabled()  # the inner block restores the outer state
        z = (y + 1).tanh()
    assert is_grad_enabled()
    assert y.data == 6.0 and y.parents == () and y.op is None
    assert z.parents == () and z.op is None
    w = x * 3  # recording again
    assert w.parents[0] is x


def test_no_grad_restores_state_after_an_exception() -> None:
    with pytest.raises(ZeroDivisionError):
        with no_grad():
            Value(1.0) / 0
    assert is_grad_enabled()


def test_module_scope_nests_and_restores() -> None:
    with module_scope("mlp"):
        a = Value(1.0) + 1
        with module_scope("layers.0"):
            b = a * 2
        c = b - 1
    d = c + 0
    assert (a.module, b.module, c.module, d.module) == ("mlp", "mlp.layers.0", "mlp", None)
    with pytest.raises(ValueError):
        with module_scope("broken"):
            Value(-1.0).log()
    assert (Value(1.0) + 1).module is None
    with module_scope("m"), no_grad():
        assert (Value(1.0) + 1).module is None  # nothing is recorded under no_grad


# --- add_n ----------------------------------------------------------------------------------


def test_add_n_is_one_node_with_an_edge_per_addend() -> None:
    a, b = Value(1.5), Value(-2.0)
    s = add_n([a, b, a, 4, np.float32(0.5)])
    assert s.op is RULES["sum"]
    assert len(s.parents) == 5 and s.parents[:3] == (a, b, a)
    assert s.data == 5.5
    s.backward()
    assert (a.grad, b.grad) == (2.0, 1.0)
    assert len(topological_order(s)) == 5  # a, b, two constants, the sum


@settings(max_examples=100)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=30))
def test_add_n_has_the_same_bits_as_adding_left_to_right(xs: list[float]) -> None:
    chained = Value(xs[0])
    for x in xs[1:]:
        chained = chained + x
    assert add_n(xs).data == chained.data


def test_add_n_errors() -> None:
    with pytest.raises(ValueError, match=message("add_n: needs at least one value, got an empty sequence")):
        add_n([])
    with pytest.raises(TypeError, match=r"Value add_n operand: .* got str"):
        add_n([Value(1.0), "x"])


# --- custom_op ----------------------------------------------------------------------------


def test_custom_op_builds_a_node_and_backpropagates() -> None:
    cube = custom_op("cube", lambda x: x ** 3, lambda x: (3 * x ** 2,))
    x = Value(2.0)
    y = cube(x) + 1
    node = y.parents[0]
    assert node.op.name == "cube" and node.parents == (x,) and cube.rule is node.op
    y.backward()
    assert y.data == 9.0 and x.grad == 12.0


def test_custom_op_with_several_inputs_and_numbers() -> None:
    hypot = custom_op("hypot", math.hypot, lambda a, b: (a / (a * a + b * b) ** 0.5, b / (a * a + b * b) ** 0.5))
    a = Value(3.0)
    h = hypot(a, 4)
    assert h.data == 5.0 and h.parents[1].data == 4.0
    assert grad(h, [a]) == (pytest.approx(0.6, rel=1e-15),)


def test_custom_op_partials_written_with_arithmetic_support_create_graph() -> None:
    cube = custom_op("cube", lambda x: x ** 3, lambda x: (3 * x ** 2,))
    x = Value(2.0)
    (d1,) = grad(cube(x), [x], create_graph=True)
    assert isinstance(d1, Value) and d1.data == 12.0
    (d2,) = grad(d1, [x], create_graph=True)
    assert d2.data == 12.0  # 6x
    assert grad(d2, [x]) == (6.0,)


def test_custom_op_with_the_wrong_number_of_partials() -> None:
    bad = custom_op("bad", lambda x: x * x, lambda x: (2 * x, 1.0))
    y = bad(Value(2.0))
    assert y.data == 4.0  # forward is fine; backward finds the mistake
    with pytest.raises(TypeError, match=message("custom op 'bad': partials returned 2 values for 1 inputs at bad(2.0)")):
        y.backward()


def test_custom_op_forward_errors_name_the_op_and_operands() -> None:
    mylog = custom_op("mylog", math.log, lambda x: (1 / x,))
    with pytest.raises(ValueError, match=message("mylog(-1.0): math domain error")):
        mylog(-1.0)
    huge = custom_op("huge", lambda x: x * 1e308, lambda x: (1e308,))
    with pytest.raises(OverflowError, match=message("huge(10.0): the result is too large for a float")):
        huge(Value(10.0))


def test_custom_op_definition_errors() -> None:
    with pytest.raises(TypeError, match=message("custom_op: name must be a non-empty string, got ''")):
        custom_op("", abs, lambda x: (1.0,))
    with pytest.raises(TypeError, match=message("custom_op 'f': forward and partials must be callable")):
        custom_op("f", 2.0, lambda x: (1.0,))
    f = custom_op("f", lambda x: x, lambda x: (1.0,))
    with pytest.raises(TypeError, match=message("custom op 'f': needs at least one operand")):
        f()


# --- every domain and overflow error names the operation and its operands -------------------


@pytest.mark.parametrize(
    "compute, error, text",
    [
        (lambda: Value(0.0).log(), ValueError, "log(0.0): log is only defined for x > 0"),
        (lambda: Value(-1.0).log(), ValueError, "log(-1.0): log is only defined for x > 0"),
        (lambda: Value(-1.0).sqrt(), ValueError, "sqrt(-1.0): sqrt is only defined for x >= 0"),
        (lambda: 1 / Value(0.0), ZeroDivisionError, "1.0 / 0.0: division by zero"),
        (lambda: Value(1.0) / 0, ZeroDivisionError, "1.0 / 0.0: division by zero"),
        (lambda: Value(0.0) ** -1, ZeroDivisionError, "0.0 ** -1.0: 0 cannot be raised to a negative power"),
        (lambda: Value(0.0) ** Value(-1.0), ZeroDivisionError, "0.0 ** -1.0: 0 cannot be raised"),
        (lambda: Value(-2.0) ** 0.5, ValueError, "(-2.0) ** 0.5: a negative base needs an integer exponent"),
        (lambda: (-2) ** Value(2.0), ValueError, "(-2.0) ** 2.0: a negative base cannot take a Value exponent"),
        (lambda: Value(1000.0).exp(), OverflowError, "exp(1000.0): the result is too large for a float"),
        (lambda: Value(1e200) * 1e200, OverflowError, "1e+200 * 1e+200: the result is too large for a float"),
        (lambda: Value(1e308) + 1e308, OverflowError, "1e+308 + 1e+308: the result is too large"),
        (lambda: 2 ** Value(2000.0), OverflowError, "2.0 ** 2000.0: the result is too large for a float"),
        (lambda: Value(10.0) ** 400, OverflowError, "10.0 ** 400.0: the result is too large for a float"),
    ],
)
def test_domain_and_overflow_errors(compute, error: type, text: str) -> None:
    with pytest.raises(error, match=message(text)):
        compute()


def test_add_n_overflow_message_is_short() -> None:
    with pytest.raises(OverflowError, match=message("sum(1e+308, 1e+308, 1e+308, ... 5 more ..., 1e+308, 1e+308)")):
        add_n([1e308] * 10)


# --- micrograd compatibility ------------------------------------------------------------------
# The expressions of karpathy/micrograd's test/test_engine.py, re-typed unchanged
# (only the import differs); the expected numbers are what those tests get from
# PyTorch in float64.


def test_micrograd_sanity_check() -> None:
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    assert y.data == -20.0
    assert x.grad == 46.0


def test_micrograd_more_ops() -> None:
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    tol = 1e-6
    assert abs(g.data - 24.70408163265306) < tol
    assert abs(a.grad - 138.83381924198252) < tol
    assert abs(b.grad - 645.5772594752186) < tol


@pytest.mark.parametrize("x", [-1.0, 0.123, 2.0])
def test_micrograd_unary_functions(x: float) -> None:
    for method, derivative in [(Value.tanh, lambda x: 1 - math.tanh(x) ** 2), (Value.exp, math.exp)]:
        v = Value(x)
        y = method(v)
        y.backward()
        assert abs(y.data - getattr(math, method.__name__)(x)) < 1e-12
        assert abs(v.grad - derivative(x)) < 1e-12


def test_an_infinite_local_derivative_names_the_operation() -> None:
    # log(1e-320) is finite (-736.8...), but d log / dx = 1 / 1e-320 overflows to inf.
    x = Value(1e-320, label="x")
    y = x.log() * 2
    with pytest.raises(OverflowError, match=r"backward: the gradient through log\(1e-320\) is not finite"):
        y.backward()


def test_an_overflowing_gradient_product_names_the_operation() -> None:
    a, b = Value(1e200), Value(1e-200)
    y = (a * b) * 1e200  # finite all the way forward; d y / d b = a * 1e200 overflows
    with pytest.raises(OverflowError, match=r"gradient through 1e\+200 \* 1e-200 is not finite"):
        y.backward()


def test_custom_op_results_must_be_real_numbers() -> None:
    cbrt = custom_op("cbrt", lambda x: x ** (1 / 3), lambda x: ((1 / 3) * x ** (-2 / 3),))
    with pytest.raises(TypeError, match=r"custom op 'cbrt': forward returned \(1\.0000.*j\) at cbrt\(-8\.0\)"):
        cbrt(Value(-8.0))
    no_partial = custom_op("nop", lambda x: x, lambda x: (None,))
    y = no_partial(Value(2.0))
    with pytest.raises(TypeError, match=r"custom op 'nop': partials returned None at nop\(2\.0\)"):
        y.backward()


def test_a_failed_backward_changes_no_gradient() -> None:
    a, b = Value(1.0, label="a"), Value(1.0, label="b")
    b.grad = 1.7e308
    y = b * 1.7e308 + a * 2
    with pytest.raises(OverflowError, match="'b'"):
        y.backward()
    assert a.grad == 0.0 and b.grad == 1.7e308
