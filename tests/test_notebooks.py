"""The teaching notebooks: committed with clean outputs, and they run top to bottom on a real Jupyter kernel."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

# Text each notebook must print: the numbers and messages its lessons rest on.
EXPECTED = {
    "01_value_and_backward.ipynb": [
        "dL/da = 6.0",                           # backward() agrees with the chain rule by hand
        "naive recursive walk: dy/dx = 36.0",    # the wrong answer of the naive walk ...
        "backward():           dy/dx = 24.0",    # ... next to the right one
        "step 1/3: * sends its gradient +1.0000 to 2 inputs",
    ],
    "02_testing_gradients.ipynb": [
        "GradcheckError: gradcheck: d output[0] / d input[0] at input = [2.0]: analytical 6.0, numerical 4.0",
        "gradcheck: True True",
        "analytical 0.0, numerical 12.0",        # gradgradcheck catches the detached partial
    ],
    "03_training_an_mlp.ipynb": [
        "Looks healthy",
        "collapsed into 4 module boxes",
    ],
    "04_reading_a_model.ipynb": [
        "TP=80 FN=20 FP=10 TN=90",
        "by hand:      accuracy 0.85, precision 0.889, recall 0.80, F1 0.842",
        "from metrics: accuracy 0.85, precision 0.889, recall 0.80, F1 0.842",
        "spam filter ",
        "cancer screen ",
    ],
    "05_when_training_goes_wrong.ipynb": [
        "'accuracy': 0.981, 'precision': 1.0, 'recall': 0.067",
        "Report('NOT READY: 1 critical problem and 1 warning', codes=['accuracy_paradox'",
        "test: caught 11 of 15 fraud cases (recall 0.733), 0 false alarms",
        "codes=['overfitting'",
        "Report('NOT READY: 1 critical problem', codes=['data_leakage'",
        "codes=['vanishing_gradients'",
    ],
}


def _text(nb) -> str:
    """Every code cell's text outputs, joined (streams, plain-text results)."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                parts.append(out.text)  # as is: one print may arrive in several pieces
            elif "text/plain" in out.get("data", {}):
                parts.append(f"\n{out.data['text/plain']}\n")
    return "".join(parts)


def _problems(nb) -> list[str]:
    """Error outputs and stderr streams (warnings), each named by cell."""
    found = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                found.append(f"cell {i}: {out.ename}: {out.evalue}")
            elif out.output_type == "stream" and out.name == "stderr":
                found.append(f"cell {i}: stderr: {out.text[:300]}")
    return found


def test_every_notebook_is_listed():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_committed_notebook_is_executed_and_clean(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    # Executed top to bottom in one session: counts 1, 2, 3, ...
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))
    assert _problems(nb) == []
    text = _text(nb)
    for expected in EXPECTED[name]:
        assert expected in text
    assert "/work/" not in text and str(Path.home()) + "/" not in text  # no absolute paths


def test_committed_notebooks_stay_small():
    assert sum(p.stat().st_size for p in NOTEBOOKS.glob("*.ipynb")) < 3_000_000


def _execute(path: Path, cwd: Path):
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.read(path, as_version=4)
    # "python3" is ipykernel's own kernel spec, which runs this very interpreter.
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=120, record_timing=False,
                            resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


@pytest.mark.needs_jupyter
def test_kernel_is_this_python(tmp_path):
    from nbformat.v4 import new_code_cell, new_notebook

    path = tmp_path / "probe.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("import sys, autograd; print(sys.prefix); print(autograd.__file__)")]), path)
    outputs = _execute(path, tmp_path).cells[0].outputs
    prefix, module = "".join(o.text for o in outputs if o.get("name") == "stdout").split()
    assert prefix == sys.prefix
    assert Path(module).resolve() == (NOTEBOOKS.parent / "autograd" / "__init__.py").resolve()


@pytest.mark.needs_jupyter
@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_notebook_runs_top_to_bottom(name, tmp_path):
    copy = tmp_path / name
    shutil.copy(NOTEBOOKS / name, copy)
    nb = _execute(copy, tmp_path)
    assert _problems(nb) == []
    text = _text(nb)
    for expected in EXPECTED[name]:
        assert expected in text
