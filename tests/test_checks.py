"""The shared argument checks: accepted values, the exception type and the message."""

import math
from fractions import Fraction

import numpy as np
import pytest

from autograd.checks import real_number, whole_number


@pytest.mark.parametrize("x", [0, 1, -2.5, np.float64(0.5), np.int64(3), Fraction(1, 4)])
def test_real_number_accepts_finite_reals_as_floats(x):
    out = real_number(x, "f: x")
    assert type(out) is float and out == float(x)


@pytest.mark.parametrize("x", [True, False, "1", None, [1.0], 1j])
def test_real_number_refuses_non_numbers_with_type_error(x):
    with pytest.raises(TypeError, match=r"^f: x: expected a number, got "):
        real_number(x, "f: x")


@pytest.mark.parametrize("x", [math.inf, -math.inf, math.nan])
def test_real_number_refuses_non_finite_values(x):
    with pytest.raises(ValueError, match=r"^f: x: expected a finite number in \(-inf, inf\), got "):
        real_number(x, "f: x")


@pytest.mark.parametrize("kw, ok, bad, interval", [
    ({"low": 0.0}, [0.0, 5.0], [-1e-12], "[0.0, inf)"),
    ({"low": 0.0, "low_open": True}, [1e-300], [0.0, -1.0], "(0.0, inf)"),
    ({"low": 0.0, "high": 1.0, "high_open": True}, [0.0, 0.999], [1.0, -0.1], "[0.0, 1.0)"),
    ({"low": 0.0, "high": 1.0}, [0.0, 1.0], [1.5], "[0.0, 1.0]"),
])
def test_real_number_ranges(kw, ok, bad, interval):
    for x in ok:
        assert real_number(x, "f: x", **kw) == x
    for x in bad:
        with pytest.raises(ValueError) as info:
            real_number(x, "f: x", **kw)
        assert str(info.value) == f"f: x: expected a finite number in {interval}, got {float(x)!r}"


@pytest.mark.parametrize("x, minimum", [(0, 0), (5, 1), (np.int64(2), 2), (10**30, 1)])
def test_whole_number_accepts_ints_as_int(x, minimum):
    out = whole_number(x, "f: n", minimum=minimum)
    assert type(out) is int and out == x


@pytest.mark.parametrize("x", [True, 2.0, "3", None, np.float64(1.0)])
def test_whole_number_refuses_non_ints_with_type_error(x):
    with pytest.raises(TypeError, match=r"^f: n: expected an int, got "):
        whole_number(x, "f: n")


def test_whole_number_below_minimum():
    with pytest.raises(ValueError, match=r"^f: n: expected an int >= 2, got 1$"):
        whole_number(1, "f: n", minimum=2)
    with pytest.raises(ValueError, match=r"^f: n: expected an int >= 0, got -1$"):
        whole_number(-1, "f: n")
