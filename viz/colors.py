"""Colour scales of the graph drawings: |grad| on a log scale, data by sign and size, and legends.

Example:
    >>> grad_color(1.0), grad_color(0.0), grad_color(float("inf"))
    ('#ffffbf', '#d9d9d9', '#ff00ff')
"""

from __future__ import annotations

import math

from ._dot import escape

__all__ = ["COLOR_MODES", "data_color", "grad_color", "legend", "text_color"]

COLOR_MODES = ("grad", "data", "none")

# log10 |grad| -> colour (ColorBrewer RdYlBu, reversed). Blue is vanishing, red
# is exploding, pale yellow is |grad| near 1. Fixed ends, not scaled to the
# graph, so a 1e-7 gradient looks the same in every picture.
_GRAD_STOPS = [
    (-8.0, "#313695"),
    (-6.0, "#4575b4"),
    (-4.0, "#74add1"),
    (-2.0, "#abd9e9"),
    (0.0, "#ffffbf"),
    (1.0, "#fdae61"),
    (2.0, "#f46d43"),
    (3.0, "#d73027"),
    (4.0, "#a50026"),
]
ZERO_COLOR = "#d9d9d9"  # grey: no gradient reaches this node at all
NONFINITE_COLOR = "#ff00ff"  # magenta: not on the scale, impossible to miss
PLAIN_COLOR = "#ffffff"

_NEGATIVE, _POSITIVE = "#2166ac", "#b2182b"


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _mix(a: str, b: str, t: float) -> str:
    ra, rb = _rgb(a), _rgb(b)
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(ra, rb))


def grad_color(g: float) -> str:
    """Fill colour for a gradient `g`: log10 |g| on a blue (tiny) to red (huge) scale.

    Exactly 0 is grey and NaN or infinity magenta, both off the scale.

    Example:
        >>> grad_color(1e-9) == grad_color(1e-8), grad_color(-100.0) == grad_color(100.0)
        (True, True)
    """
    if not math.isfinite(g):
        return NONFINITE_COLOR
    if g == 0:
        return ZERO_COLOR
    x = math.log10(abs(g))
    if x <= _GRAD_STOPS[0][0]:
        return _GRAD_STOPS[0][1]
    for (x0, c0), (x1, c1) in zip(_GRAD_STOPS, _GRAD_STOPS[1:]):
        if x <= x1:
            return _mix(c0, c1, (x - x0) / (x1 - x0))
    return _GRAD_STOPS[-1][1]


def data_color(x: float) -> str:
    """Fill colour for a value `x`: blue if negative, red if positive, deeper for larger |x|.

    The depth follows log10 |x| from 1e-3 (palest) to 1e2 (deepest).

    Example:
        >>> data_color(0.0), data_color(500.0)
        ('#ffffff', '#b2182b')
    """
    if not math.isfinite(x):
        return NONFINITE_COLOR
    if x == 0:
        return PLAIN_COLOR
    depth = min(max((math.log10(abs(x)) + 3.0) / 5.0, 0.0), 1.0)
    # Start at 0.1 so that a tiny nonzero value is not mistaken for zero.
    return _mix(PLAIN_COLOR, _POSITIVE if x > 0 else _NEGATIVE, 0.1 + 0.9 * depth)


def text_color(fill: str) -> str:
    """Black or white, whichever reads better on `fill`.

    Example:
        >>> text_color("#313695"), text_color("#ffffbf")
        ('white', 'black')
    """
    r, g, b = _rgb(fill)
    luminance = (0.299 * r + 0.587 * g + 0.114 * b) / 255
    return "white" if luminance < 0.5 else "black"


def _swatch(color: str, text: str) -> str:
    return (
        f'<TD BGCOLOR="{color}"><FONT COLOR="{text_color(color)}" POINT-SIZE="10">'
        f"{escape(text)}</FONT></TD>"
    )


def legend(mode: str) -> str:
    """The colour key for `mode` ("grad", "data" or "none") as a Graphviz HTML-like table.

    Example:
        >>> "nan/inf" in legend("grad"), legend("none")
        (True, '')
    """
    if mode == "grad":
        title = "|grad| (log scale)"
        cells = [_swatch(ZERO_COLOR, "0")]
        cells += [_swatch(grad_color(10.0**e), f"1e{e}" if e else "1") for e in range(-8, 5, 2)]
        cells.append(_swatch(NONFINITE_COLOR, "nan/inf"))
    elif mode == "data":
        title = "data"
        cells = [_swatch(data_color(v), f"{v:g}") for v in (-100.0, -1.0, -0.01, 0.0, 0.01, 1.0, 100.0)]
    elif mode == "none":
        return ""
    else:
        raise ValueError(f"legend: unknown color mode {mode!r}; expected one of {COLOR_MODES}")
    return (
        '<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3"><TR>'
        f'<TD BORDER="0"><FONT POINT-SIZE="10">{escape(title)}</FONT></TD>'
        + "".join(cells)
        + "</TR></TABLE>"
    )
