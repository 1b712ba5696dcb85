"""Low-level helpers shared by the drawings: running `dot`, escaping, number format, inline SVG, HTML pages."""

from __future__ import annotations

import html
import math
import re

import graphviz

__all__ = [
    "GraphvizNotFoundError",
    "escape",
    "format_number",
    "html_page",
    "inline_svg",
    "missing_dot_message",
    "render",
]

NUMBER_WIDTH = 10


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's `dot` program is not installed (the Python package alone cannot render)."""


def missing_dot_message(where: str) -> str:
    """What to tell the user when `dot` is missing: why, and the install command per system."""
    return (
        f"{where}: Graphviz's `dot` program was not found on PATH, so the graph cannot be "
        "rendered (its DOT text is still available as `.source`).\n"
        "`pip install graphviz` installs only the Python bindings; install the program itself:\n"
        "  Debian/Ubuntu:  sudo apt-get install -y graphviz\n"
        "  macOS:          brew install graphviz\n"
        "  conda:          conda install -c conda-forge graphviz"
    )


def render(source: str, fmt: str, where: str) -> bytes:
    """Lay out DOT `source` with `dot` and return the output in format `fmt` ("svg", "png")."""
    try:
        # quiet: dot's warnings (e.g. PNG downscaling) would clutter notebooks.
        return graphviz.pipe("dot", fmt, source.encode("utf-8"), quiet=True)
    except graphviz.ExecutableNotFound:
        raise GraphvizNotFoundError(missing_dot_message(where)) from None


# Characters XML forbids outright; Graphviz's HTML-label parser would reject them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def escape(text: str) -> str:
    """Make any string safe as text inside a Graphviz HTML-like label."""
    text = _XML_INVALID.sub("\N{REPLACEMENT CHARACTER}", text)
    return html.escape(text, quote=True).replace("\n", "<BR/>")


def format_number(x: float) -> str:
    """`x` in a fixed width, so numbers line up and redrawn labels keep their size.

    Example:
        >>> [format_number(v) for v in (2.0, -0.5, 1e-7, 0.0, float("nan"))]
        ['   +2.0000', '   -0.5000', '+1.000e-07', '         0', '       nan']
    """
    if math.isnan(x):
        text = "nan"
    elif math.isinf(x):
        text = "+inf" if x > 0 else "-inf"
    elif x == 0:
        text = "0"  # exactly zero, never a rounded tiny number
    elif 1e-3 <= abs(x) < 1e4:
        text = f"{x:+.4f}"
    else:
        text = f"{x:+.3e}"
    return text.rjust(NUMBER_WIDTH)


def inline_svg(svg: str) -> str:
    """The `<svg>` element alone, without the XML prolog, DOCTYPE and comments before it."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def html_page(title: str, body: str) -> str:
    """A complete, self-contained HTML page (no external scripts, styles or fonts)."""
    return (
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{html.escape(title)}</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
