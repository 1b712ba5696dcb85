"""Argument checks shared by the public API: a finite real number in a range, a whole number >= k.

`where` names the function and the argument (``"Adam: eps"``), so every message
says which call and which value went wrong. A wrong type raises TypeError, a
value out of range ValueError.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

__all__ = ["real_number", "whole_number"]


def real_number(x: Any, where: str, *, low: float = -math.inf, high: float = math.inf,
                low_open: bool = False, high_open: bool = False) -> float:
    """`x` as a float, after checking it is a finite real number (not a bool) in the interval.

    Args:
        x: the value to check.
        where: the message prefix, the function and the argument, e.g. ``"Adam: eps"``.
        low, high: the ends of the interval; infinite ends only rule out inf and nan.
        low_open, high_open: exclude that end (``low_open=True`` means ``x > low``).

    Returns:
        ``float(x)``.

    Example:
        >>> real_number(3, "SGD: momentum", low=0.0)
        3.0
        >>> real_number(0.0, "Adam: eps", low=0.0, low_open=True)
        Traceback (most recent call last):
        ValueError: Adam: eps: expected a finite number in (0.0, inf), got 0.0
        >>> real_number("0.1", "fit: lr")
        Traceback (most recent call last):
        TypeError: fit: lr: expected a number, got str '0.1'
    """
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{where}: expected a number, got {type(x).__name__} {x!r:.40}")
    value = float(x)
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if not math.isfinite(value) or too_low or too_high:
        # Infinite ends are written open: inf itself is never accepted.
        left = "(" if low_open or low == -math.inf else "["
        right = ")" if high_open or high == math.inf else "]"
        raise ValueError(f"{where}: expected a finite number in {left}{low}, {high}{right}, got {value!r}")
    return value


def whole_number(x: Any, where: str, *, minimum: int = 0) -> int:
    """`x` as an int, after checking it is an integer (not a bool, not a float) >= `minimum`.

    Example:
        >>> whole_number(3, "fit: epochs", minimum=1)
        3
        >>> whole_number(0, "fit: epochs", minimum=1)
        Traceback (most recent call last):
        ValueError: fit: epochs: expected an int >= 1, got 0
        >>> whole_number(2.0, "MLP: nin")
        Traceback (most recent call last):
        TypeError: MLP: nin: expected an int, got float 2.0
    """
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise TypeError(f"{where}: expected an int, got {type(x).__name__} {x!r:.40}")
    if x < minimum:
        raise ValueError(f"{where}: expected an int >= {minimum}, got {x!r}")
    return int(x)
