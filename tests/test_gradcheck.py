"""`gradcheck` and `gradgradcheck`: they pass on correct derivatives and catch wrong ones, saying where."""

from __future__ import annotations

import math
import re

import pytest

from autograd import GradcheckError, Value, add_n, custom_op, gradcheck, gradgradcheck


def is_value(x: object) -> bool:
    return isinstance(x, Value)


# d(x*x)/dx = 2x, written wrongly as 3x.
bad_square = custom_op("bad_square", lambda x: x * x, lambda x: (3 * x,))

# Right first derivative, wrong second: the partial 2x is computed from x.data on
# the Value path, a float constant, so its own derivative is 0 instead of 2.
frozen_square = custom_op(
    "frozen_square", lambda x: x * x, lambda x: (2 * (x.data if is_value(x) else x),)
)

# Right first derivative, wrong second, through another custom op: the partial
# 2x comes from `twice`, whose own partial is wrong (3 instead of 2).
twice = custom_op("twice", lambda x: 2 * x, lambda x: (3.0,))
square_via_twice = custom_op(
    "square_via_twice", lambda x: x * x, lambda x: (twice(x) if is_value(x) else 2 * x,)
)


def test_gradcheck_passes_on_correct_expressions() -> None:
    assert gradcheck(lambda x, y: (x * y).tanh() + (x / y).exp() - y.sigmoid() * x ** 3,
                     [Value(0.3), Value(-1.2)]) is True
    assert gradcheck(lambda x: x.log() * x.sqrt() + abs(x) ** 1.5, [2.0]) is True
    assert gradcheck(lambda *xs: add_n(xs) * xs[0], [1.0, 2.0, 3.0]) is True


def test_gradcheck_does_not_modify_its_inputs() -> None:
    x = Value(0.7)
    gradcheck(lambda v: v * v, [x])
    assert x.data == 0.7 and x.grad == 0.0


def test_gradcheck_catches_a_wrong_partial_and_says_where() -> None:
    pattern = (r"d output\[0\] / d input\[1\] at input = \[1\.0, 2\.0\]: "
               r"analytical 7\.0, numerical 5\.0\d*, \|difference\| 2 > tolerance")
    with pytest.raises(GradcheckError, match=pattern) as caught:
        gradcheck(lambda x, y: x + bad_square(y) + y, [1.0, 2.0])  # input 1: 1 + 6 vs 1 + 4
    assert isinstance(caught.value, AssertionError)


def test_gradcheck_can_return_false_instead() -> None:
    assert gradcheck(bad_square, [Value(2.0)], raise_exception=False) is False
    assert gradcheck(lambda x: x * x, [Value(2.0)], raise_exception=False) is True


def test_gradcheck_with_several_outputs() -> None:
    assert gradcheck(lambda x, y: [x * y, x.exp(), y - x], [0.5, 1.5]) is True
    with pytest.raises(GradcheckError, match=r"d output\[1\] / d input\[0\] .* analytical 9\.0, numerical 6\.0"):
        gradcheck(lambda x, y: (x * y, bad_square(x)), [3.0, 1.0])


def test_gradcheck_output_that_ignores_an_input() -> None:
    assert gradcheck(lambda x, y: (x * 2, 5.0), [1.0, 2.0]) is True


def test_gradcheck_tolerances_follow_pytorch() -> None:
    # |analytical - numerical| <= atol + rtol * |numerical|: 3x vs 2x at x = 1e-6
    # differs by 1e-6, within the default atol of 1e-5.
    assert gradcheck(bad_square, [1e-6], eps=1e-7) is True
    assert gradcheck(bad_square, [1e-6], eps=1e-7, atol=1e-8, raise_exception=False) is False


def test_gradgradcheck_passes_on_correct_second_derivatives() -> None:
    assert gradgradcheck(lambda x, y: x ** 3 * y.exp() + (x * y).tanh(), [Value(0.7), Value(0.2)]) is True
    assert gradgradcheck(lambda x, y: [x.sigmoid() * y, (x * x + y * y).sqrt()], [0.3, -0.4]) is True


@pytest.mark.parametrize("op", [frozen_square, square_via_twice], ids=lambda op: op.__name__)
def test_gradgradcheck_catches_a_wrong_second_derivative(op) -> None:
    assert gradcheck(op, [1.5]) is True  # the first derivative is right
    expected = 0.0 if op is frozen_square else 3.0
    pattern = (rf"gradgradcheck: d²output\[0\] / d input\[0\] d input\[0\] at input = \[1\.5\]: "
               rf"analytical {expected}, numerical (2\.0|1\.9999)")
    with pytest.raises(GradcheckError, match=pattern):
        gradgradcheck(op, [1.5])
    assert gradgradcheck(op, [1.5], raise_exception=False) is False


@pytest.mark.parametrize(
    "inputs, kwargs, text",
    [
        ([], {}, "gradcheck: inputs must be a non-empty list or tuple, got []"),
        (Value(1.0), {}, "gradcheck: inputs must be a non-empty list or tuple"),
        ([1.0], {"eps": 0.0}, "gradcheck: need eps > 0, atol >= 0, rtol >= 0; got 0.0, 1e-05, 0.001"),
        ([1.0], {"atol": -1.0}, "need eps > 0, atol >= 0, rtol >= 0; got 1e-06, -1.0, 0.001"),
        ([1.0], {"rtol": -0.5}, "got 1e-06, 1e-05, -0.5"),
    ],
)
def test_bad_arguments(inputs, kwargs, text: str) -> None:
    with pytest.raises(ValueError, match=re.escape(text)):
        gradcheck(lambda x: x, inputs, **kwargs)


def test_bad_input_values() -> None:
    with pytest.raises(TypeError, match=r"gradcheck inputs\[1\]: expected a real number .* got str"):
        gradcheck(lambda x, y: x * y, [1.0, "2"])
    with pytest.raises(ValueError, match=re.escape("gradcheck inputs[0]: expected a finite number, got nan")):
        gradcheck(lambda x: x, [math.nan])
    with pytest.raises(ValueError, match=re.escape("gradcheck: fn returned no outputs")):
        gradcheck(lambda x: [], [1.0])


def test_a_point_at_the_edge_of_the_domain_gives_a_clear_error() -> None:
    text = ("gradcheck: fn failed at input[0] = -9e-07 (the point 1e-07 shifted by -1e-06) with "
            "ValueError: log(-9e-07): log is only defined for x > 0. The point is within eps of the "
            "edge of fn's domain")
    with pytest.raises(ValueError, match=re.escape(text)):
        gradcheck(lambda x: x.log(), [1e-7])
    # A smaller eps, as the message suggests, works.
    assert gradcheck(lambda x: x.log(), [1e-7], eps=1e-10, rtol=1e-2) is True


def test_a_point_outside_the_domain_reports_the_operation() -> None:
    with pytest.raises(ValueError, match=re.escape("sqrt(-1.0): sqrt is only defined for x >= 0")):
        gradcheck(lambda x: x.sqrt(), [-1.0])


def test_an_infinite_derivative_at_the_point_is_reported_by_backward() -> None:
    with pytest.raises(ValueError, match=re.escape("local derivative of sqrt(0.0) is infinite or undefined")):
        gradcheck(lambda x: (x * x).sqrt(), [0.0])


def test_gradgradcheck_names_the_hessian_entry() -> None:
    # f(x, y) = x * y has d²f / dy dx = 1; a custom product whose partials read
    # .data (constants to the second pass) gets 0 there.
    frozen_product = custom_op(
        "frozen_product", lambda x, y: x * y,
        lambda x, y: (getattr(y, "data", y), getattr(x, "data", x)),
    )
    with pytest.raises(GradcheckError, match=r"d²output\[0\] / d input\[1\] d input\[0\] .* analytical 0\.0, numerical 0\.9999"):
        gradgradcheck(frozen_product, [Value(1.5), Value(-2.0)])
