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


def shell_commands() -> list[list[str]]:
    """The README's `backproplab` command lines, as argument lists."""
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    lines = [line.split() for block in blocks for line in block.splitlines()]
    return [line[1:] for line in lines if line and line[0] == ".venv/bin/backproplab"]


@pytest.mark.needs_dot
@pytest.mark.slow
def test_readme_command_lines_run(tmp_path):
    import shutil
    import subprocess
    import sys

    commands = shell_commands()
    assert [c[0] for c in commands] == ["train", "report"]
    shutil.copytree(README.parent / "examples", tmp_path / "examples")
    outputs = []
    for args in commands:
        done = subprocess.run([sys.executable, "-m", "autograd", *args], cwd=tmp_path,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    # report rebuilds exactly the metrics that train printed, from the saved model.
    table = [out[out.index("Metrics"):out.index("Confusion matrix")] for out in outputs]
    assert table[0] == table[1] and "recall >= 0.9" in table[0]
    assert (tmp_path / "backproplab-output" / "report.html").stat().st_size > 10_000
    # report leaves train's outputs alone: it writes into a subfolder named after the data.
    assert (tmp_path / "backproplab-output" / "report-transactions" / "report.html").stat().st_size > 10_000
