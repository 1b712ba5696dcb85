"""The README's Python snippets run as written and print what the README says they do."""

import contextlib
import io
import math
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.needs_dot
@pytest.mark.slow
def test_readme_tour_runs_and_its_numbers_hold(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for block in python_blocks():
            exec(compile(block, str(README), "exec"), namespace)
    printed = out.getvalue()
    ns = namespace

    # Values and backward: L = tanh(a*b + 10) with a = 2, b = -3.
    t = math.tanh(2.0 * -3.0 + 10)
    assert ns["L"].data == pytest.approx(t)
    assert ns["a"].grad == pytest.approx((1 - t * t) * -3.0)
    assert ns["b"].grad == pytest.approx((1 - t * t) * 2.0)
    # Higher derivatives and no_grad.
    assert ns["dy"].data == 12.0 and ns["d2y"] == 12.0
    assert ns["z"].data == 24.0 and ns["z"].parents == ()
    # The wrong derivative is caught, naming both values.
    assert "analytical 6.0" in printed and "numerical 4.0" in printed
    # Drawings were written.
    assert (tmp_path / "graph.svg").read_text().lstrip().startswith("<?xml")
    assert "<input" in (tmp_path / "backward.html").read_text()
    # Training reaches what a moons MLP should.
    assert "'accuracy': 1.0" in printed or "'accuracy': 0.9" in printed
    # The diagnosis names the imbalance, and the threshold meets its floor.
    assert "class_imbalance" in printed
    assert ns["choice"].recall >= 0.9
