"""One full-batch training step of micrograd's demo on backproplab's `fit` and on micrograd, in one process.

Usage (from the repository root):
    .venv/bin/python benchmarks/bench_training.py            # 10 steps per run, best of 5 runs
    .venv/bin/python benchmarks/bench_training.py --quick    # 3 steps per run, best of 3

micrograd's demo.ipynb: 100 moons points (noise 0.1) with y in {-1, +1},
MLP(2, [16, 16, 1]), loss = mean(relu(1 - y_i * score_i)) + 1e-4 * sum(p * p),
accuracy, backward, SGD with lr = 1.0 - 0.9 k / 100. Both models start from the
same weights; the script checks that both engines give the same loss at every
step, then times the steps. micrograd is installed and imported as by
bench_engine.py. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_engine, when imported from elsewhere
from bench_engine import ENV_DIR, MICROGRAD, load_micrograd  # noqa: E402

from autograd import Value  # noqa: E402
from autograd.losses import hinge_loss, l2_penalty  # noqa: E402
from autograd.nn import MLP  # noqa: E402
from autograd.optim import SGD, LinearDecay  # noqa: E402
from autograd.predict import record  # noqa: E402
from autograd.train import fit  # noqa: E402

__all__ = ["demo_data", "fit_run", "micrograd_run", "per_sample_run", "replay_run"]

SIZES = [16, 16, 1]
ALPHA = 1e-4    # the demo's L2 factor
TARGET = 10.0   # the issue: at least 10x faster than micrograd's step


def demo_data() -> tuple[np.ndarray, np.ndarray, str]:
    """The demo's 100 moons points (noise 0.1) and labels in {-1, +1}, and where they came from."""
    try:
        from sklearn.datasets import make_moons
    except ImportError:
        from autograd.data import make_moons as ours
        X, y = ours(100, noise=0.1, seed=1337)
        source = "autograd.data.make_moons(100, noise=0.1, seed=1337) (scikit-learn is not installed)"
    else:
        # The demo seeds numpy's global generator with 1337: the same stream as this one.
        X, y = make_moons(n_samples=100, noise=0.1, random_state=np.random.RandomState(1337))
        source = "sklearn.datasets.make_moons(n_samples=100, noise=0.1) after np.random.seed(1337), as the demo"
    return X, y * 2 - 1, source


def lr_at(k: int) -> float:
    """The demo's learning rate at step k."""
    return 1.0 - 0.9 * k / 100


# --- the four ways to run k steps (each returns (total loss, accuracy) per step) ----------


def micrograd_run(model: Any, value: type, X: np.ndarray, y: np.ndarray, steps: int) -> list[tuple[float, float]]:
    """The demo's loop, as in micrograd's demo.ipynb."""
    rows, labels = X.tolist(), y.tolist()
    out = []
    for k in range(steps):
        inputs = [list(map(value, row)) for row in rows]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(labels, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (si.data > 0) for yi, si in zip(labels, scores)]
        model.zero_grad()
        total_loss.backward()
        for p in model.parameters():
            p.data -= lr_at(k) * p.grad
        out.append((total_loss.data, sum(accuracy) / len(accuracy)))
    return out


def fit_run(model: MLP, X: np.ndarray, y: np.ndarray, steps: int, *,
            measure: bool = False) -> list[tuple[float, float]]:
    """`fit` for `steps` full-batch epochs; with `measure`, the L2 penalty is read after each step too."""
    penalties = [l2_penalty(model, ALPHA).data]

    def after_step(epoch: int, history: Any, m: MLP) -> None:
        penalties.append(l2_penalty(m, ALPHA).data)

    h = fit(model, X, y, loss=hinge_loss, optimizer=SGD(model.parameters(), lr=1.0), epochs=steps, l2=ALPHA,
            schedule=LinearDecay(1.0, 0.1, 100), metrics=["accuracy"], progress=False,
            callbacks=[after_step] if measure else [])
    if not measure:
        return []
    # History.train_loss is the data loss before each step, without the penalty (so it
    # compares with val_loss); the demo prints the total.
    return [(loss + pen, acc) for loss, pen, acc in zip(h.train_loss, penalties, h.train_metrics["accuracy"])]


def replay_run(model: MLP, X: np.ndarray, y: np.ndarray, steps: int) -> list[tuple[float, float]]:
    """The same step without fit's bookkeeping: the replay, the loss on its outputs, SGD."""
    replay, _ = record(model, X.shape[1])
    optimizer = SGD(model.parameters(), lr=1.0)
    out = []
    for k in range(steps):
        optimizer.lr = lr_at(k)
        model.zero_grad()
        scores = [Value(s) for s in replay.forward(X)[:, 0].tolist()]
        data_loss = hinge_loss(scores, y)
        data_loss.backward()
        replay.backward(np.array([[s.grad] for s in scores]))
        penalty = l2_penalty(model, ALPHA)
        penalty.backward()
        optimizer.step()
        accuracy = float(np.mean([(yi > 0) == (s.data >= 0) for yi, s in zip(y, scores)]))
        out.append((data_loss.data + penalty.data, accuracy))
    return out


def per_sample_run(model: MLP, X: np.ndarray, y: np.ndarray, steps: int) -> list[tuple[float, float]]:
    """The same step on backproplab's scalar engine alone: one graph per sample, as fit did before."""
    optimizer = SGD(model.parameters(), lr=1.0)
    rows, out = X.tolist(), []
    for k in range(steps):
        optimizer.lr = lr_at(k)
        model.zero_grad()
        scores = [model(row) for row in rows]
        total = hinge_loss(scores, y) + l2_penalty(model, ALPHA)
        total.backward()
        optimizer.step()
        out.append((total.data, float(np.mean([(yi > 0) == (s.data >= 0) for yi, s in zip(y, scores)]))))
    return out


# --- checking and timing -----------------------------------------------------------------


def check_same_losses(start: list[float], mg_model: Any, value: type, X: np.ndarray, y: np.ndarray,
                      steps: int) -> float:
    """Run `steps` steps on both engines from the same weights; print the losses; return the largest gap."""
    ours = _model_at(start)
    _load(mg_model, start)
    mine, theirs = fit_run(ours, X, y, steps, measure=True), micrograd_run(mg_model, value, X, y, steps)
    print("\nSame loss, step by step (from the same weights; fit vs micrograd's loop):")
    print(f"  {'step':>4}  {'backproplab fit':>22}  {'micrograd':>22}  {'|difference|':>12}  accuracy")
    worst = 0.0
    for k, ((a, acc_a), (b, acc_b)) in enumerate(zip(mine, theirs)):
        worst = max(worst, abs(a - b))
        print(f"  {k:>4}  {a!r:>22}  {b!r:>22}  {abs(a - b):>12.1e}  {acc_a:.2f} / {acc_b:.2f}")
    gap = max(abs(p.data - q.data) for p, q in zip(ours.parameters(), mg_model.parameters()))
    print(f"  after {steps} steps, largest |weight difference|: {gap:.1e}")
    return worst


def time_runs(runners: dict[str, Callable[[], Any]], repeat: int, collector: bool) -> dict[str, list[float]]:
    """Seconds per run of each runner, interleaved so a slow moment of the machine hits all of them.

    With `collector` False the garbage collector is off during each run (the
    engines' own work); the garbage is collected after the run, untimed.
    """
    times: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(repeat):
        for name, run in runners.items():
            gc.collect()  # start each run with nothing left for the collector from the last one
            if not collector:
                gc.disable()
            try:
                t0 = time.perf_counter()
                run()
                times[name].append(time.perf_counter() - t0)
            finally:
                gc.enable()
    return times


def print_times(title: str, times: dict[str, list[float]], steps: int) -> float:
    """One table of milliseconds per step; returns micrograd's best over fit's best."""
    per_step = {name: [t / steps for t in ts] for name, ts in times.items()}
    base = min(per_step["micrograd"])
    print(f"\n{title}")
    print(f"  {'':<22}{'best':>9}{'median':>9}{'worst':>9}   micrograd / this (best)")
    for name, ts in per_step.items():
        print(f"  {name:<22}{min(ts) * 1e3:>9.2f}{statistics.median(ts) * 1e3:>9.2f}{max(ts) * 1e3:>9.2f}"
              f"   {base / min(ts):7.1f}x")
    return base / min(per_step["backproplab fit"])


def _model_at(weights: list[float]) -> MLP:
    model = MLP(2, SIZES, seed=0)
    _load(model, weights)
    return model


def _load(model: Any, weights: list[float]) -> None:
    params = model.parameters()
    assert len(params) == len(weights), "the two MLPs must have the same parameters in the same order"
    for p, w in zip(params, weights):
        p.data = w


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 steps per run, best of 3 (a smoke run)")
    parser.add_argument("--steps", type=int, help="steps per timed run (default 10, 3 with --quick)")
    parser.add_argument("--repeat", type=int, help="timed runs per engine (default 5, 3 with --quick)")
    args = parser.parse_args(argv)
    steps = args.steps or (3 if args.quick else 10)
    repeat = args.repeat or (3 if args.quick else 5)

    value = load_micrograd()
    mg_nn = importlib.import_module("micrograd.nn")  # a submodule of the package load_micrograd imported
    X, y, source = demo_data()
    start = [p.data for p in MLP(2, SIZES, seed=1337).parameters()]  # micrograd's draws after random.seed(1337)
    mg_model = mg_nn.MLP(2, SIZES)
    print(f"Python {sys.version.split()[0]}; {MICROGRAD} from {ENV_DIR}")
    print(f"Data: {source}")
    print(f"Model: MLP(2, {SIZES}) ({len(start)} parameters), the same starting weights in both engines")

    worst = check_same_losses(start, mg_model, value, X, y, steps=5)
    print(f"  largest loss difference: {worst:.1e} ({'equal to 1e-12' if worst <= 1e-12 else 'NOT EQUAL'})")

    def runners(n_steps: int) -> dict[str, Callable[[], Any]]:
        def fresh(run: Callable[..., Any], model: Any) -> Callable[[], Any]:
            def go() -> Any:
                _load(model, start)  # every run starts from the same weights: the same work each time
                return run(model, X, y, n_steps)
            return go

        return {
            "micrograd": fresh(lambda m, *a: micrograd_run(m, value, *a), mg_model),
            "backproplab fit": fresh(fit_run, _model_at(start)),
            "replay step alone": fresh(replay_run, _model_at(start)),
            "one graph per sample": fresh(per_sample_run, _model_at(start)),
        }

    ratio = print_times(
        f"Time per step, ms ({steps} steps per run, best of {repeat} runs; garbage collector on, as a user runs it):",
        time_runs(runners(steps), repeat, collector=True), steps)
    ratio_off = print_times(
        "Time per step, ms (the same runs with the garbage collector off: the engines' own work):",
        time_runs(runners(steps), repeat, collector=False), steps)
    print(f"\nfit's step is {ratio:.1f}x faster than micrograd's with the collector on, {ratio_off:.1f}x with it off "
          f"(target >= {TARGET:g}x: {'met' if min(ratio, ratio_off) >= TARGET else 'MISSED'}).")
    print(f"fit's runs include recording the model's graph (once per run of {steps} steps), the schedule and "
          f"the History (loss, accuracy, per-layer statistics).")


if __name__ == "__main__":
    main()
