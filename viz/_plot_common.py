"""What every plotting module shares: the optional matplotlib import, a new Figure, input checks.

matplotlib is an optional extra, so it is imported here and only by the
plotting modules; ``import viz`` works without it.

Example:
    >>> fig = new_figure((3, 2))
    >>> isinstance(fig, Figure), fig.get_size_inches().tolist(), fig._repr_png_()[:4]
    (True, [3.0, 2.0], b'\x89PNG')
"""

from __future__ import annotations

import io
import numbers
from typing import Any

import numpy as np

try:
    from matplotlib.figure import Figure
except ImportError as error:  # pragma: no cover - exercised by a test that hides matplotlib
    raise ImportError(
        'viz plots need matplotlib, an optional extra: pip install "backproplab[plot]"'
    ) from error

__all__ = ["Figure", "check_choice", "check_series", "new_figure"]


class _ShownFigure(Figure):
    """A Figure that Jupyter shows as a picture even without ``%matplotlib inline``."""

    def _repr_png_(self) -> bytes:
        # Figures made without pyplot have no display hook of their own; with
        # the inline backend loaded, IPython's Figure formatter wins instead.
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()


def new_figure(figsize: tuple[float, float]) -> Figure:
    """A Figure not registered with pyplot, so it is freed when the caller drops it."""
    # "constrained" keeps titles, colour bars and legends from overlapping.
    return _ShownFigure(figsize=figsize, layout="constrained")


def check_series(values: Any, fname: str, name: str, length: int | None = None, *,
                 allow_nonfinite: bool = False) -> np.ndarray:
    """`values` as a 1-D float array of finite numbers, of `length` entries if given.

    With `allow_nonfinite`, NaN and infinity are kept as NaN (a gap in a line)
    instead of refused: a diverged training run is exactly what one wants to see.

    Example:
        >>> check_series([0.5, 0.25], "plot_history", "train_loss").tolist()
        [0.5, 0.25]
    """
    if isinstance(values, (str, bytes)) or np.ndim(values) != 1:
        raise TypeError(f"{fname}: {name} must be a 1-D sequence of numbers, got {values!r:.80}")
    items = list(values)
    for i, v in enumerate(items):
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise TypeError(f"{fname}: {name}[{i}] must be a number, got {type(v).__name__} {v!r:.40}")
    arr = np.asarray(items, dtype=float)
    if length is not None and arr.size != length:
        raise ValueError(f"{fname}: {name} has {arr.size} entries, expected {length} (one per epoch)")
    if allow_nonfinite:
        return np.where(np.isfinite(arr), arr, np.nan)
    if not np.all(np.isfinite(arr)):
        i = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise ValueError(f"{fname}: {name}[{i}] is {float(arr[i])!r}; only finite values can be plotted "
                         "(a diverged run? plot the epochs before it)")
    return arr


def check_choice(value: Any, allowed: tuple[Any, ...], fname: str, name: str) -> Any:
    """`value` if it is one of `allowed`, else a ValueError listing them."""
    if not any(value is a or (isinstance(value, str) and value == a) for a in allowed):
        raise ValueError(f"{fname}: {name} must be one of {list(allowed)}, got {value!r}")
    return value
