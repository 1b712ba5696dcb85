"""Smoke test of bench_training.py on our engine only (no micrograd, no timing): every way to run the step agrees."""

import importlib.util
import sys
from pathlib import Path

import numpy as np

from autograd import Value
from autograd.nn import MLP

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_training.py"
_spec = importlib.util.spec_from_file_location("bench_training", _PATH)
bench = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = bench
_spec.loader.exec_module(bench)

STEPS = 2


def test_demo_data_is_100_moons_with_labels_minus_one_and_one():
    X, y, _ = bench.demo_data()
    assert X.shape == (100, 2) and sorted(set(y.tolist())) == [-1, 1]


def test_fit_replay_and_per_sample_steps_give_the_demo_loop_losses():
    X, y, _ = bench.demo_data()
    # micrograd's demo loop runs on our engine too: our Value and MLP have micrograd's interface.
    runs = {name: run(MLP(2, bench.SIZES, seed=1337), X, y, STEPS) for name, run in [
        ("demo loop", lambda m, *a: bench.micrograd_run(m, Value, *a)),
        ("fit", lambda m, *a: bench.fit_run(m, *a, measure=True)),
        ("replay", bench.replay_run),
        ("per sample", bench.per_sample_run),
    ]}
    expected = np.array(runs.pop("demo loop"))
    for name, got in runs.items():
        np.testing.assert_allclose(np.array(got), expected, rtol=1e-12, err_msg=name)
