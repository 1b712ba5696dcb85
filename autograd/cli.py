"""The `backproplab` command line (also `python -m autograd`)."""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from .engine import Value

__all__ = ["main"]


def demo(args: argparse.Namespace) -> int:
    """Build a small expression, backpropagate, and print every value and gradient."""
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-0.25, label="f")
    L = (d * f).tanh()
    L.label = "L"
    L.backward()
    print("Expression:  L = tanh((a * b + c) * f)")
    print(f"             with a = {a.data}, b = {b.data}, c = {c.data}, f = {f.data}\n")
    print(f"{'node':<6}{'value':>12}{'dL/dnode':>14}")
    for node in (a, b, c, f, e, d, L):
        print(f"{node.label:<6}{node.data:>12.6f}{node.grad:>14.6f}")
    print("\nCheck by hand: dL/da = (1 - L**2) * f * b "
          f"= {(1 - L.data ** 2) * f.data * b.data:.6f}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `backproplab` command.

    Example:
        >>> main(["demo"])  # doctest: +ELLIPSIS
        Expression:  L = tanh((a * b + c) * f)
        ...
        0
    """
    parser = argparse.ArgumentParser(
        prog="backproplab", description="See and test backpropagation."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    demo_parser = sub.add_parser("demo", help="backpropagate through a small expression and print it")
    demo_parser.set_defaults(run=demo)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
