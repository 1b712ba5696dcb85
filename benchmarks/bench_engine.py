"""Speed and memory of backproplab's engine against Karpathy's micrograd, on the same graphs, in one run.

Usage (from the repository root):
    .venv/bin/python benchmarks/bench_engine.py            # 100,000 operations
    .venv/bin/python benchmarks/bench_engine.py --quick    # 10,000, a smoke run

The first run makes a virtual environment in benchmarks/.envs/micrograd and
installs micrograd there from PyPI; later runs reuse it. micrograd is then
imported into this same process, so both engines are timed under the same
interpreter, allocator and machine load. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

__all__ = ["Workload", "build", "chain_workload", "evaluate", "load_micrograd", "random_dag_workload"]

MICROGRAD = "micrograd==0.1.0"
ENV_DIR = Path(__file__).resolve().parent / ".envs" / "micrograd"

# Operation codes of a workload. Only what both engines have: micrograd 0.1.0
# has + - * ** relu, and no tanh or exp.
ADD, SUB, MUL, SCALE, RELU = range(5)
BOUND = 3.0  # every node's value stays in [-BOUND, BOUND]: nothing overflows


@dataclass
class Workload:
    """A graph as a recipe that any engine with micrograd's `Value` interface can build.

    Attributes:
        leaves: the leaves' values; node i < len(leaves) is leaf i.
        ops: one (code, a, b) per operation, in order; operation k is node
            len(leaves) + k. ``a`` is a node index; ``b`` is a node index for
            ADD, SUB and MUL, the constant factor (a float) for SCALE, None for RELU.
            The last operation is the root.
    """

    leaves: list[float]
    ops: list[tuple[int, int, Any]]


def _apply(code: int, x: Any, y: Any) -> Any:
    # The plain-float twin of `build`'s loop: the workload's reference values.
    if code == ADD:
        return x + y
    if code == SUB:
        return x - y
    if code == MUL or code == SCALE:
        return x * y
    return x if x > 0 else 0.0


def random_dag_workload(n_ops: int, seed: int = 0) -> Workload:
    """A seeded random expression DAG of exactly `n_ops` operations whose root depends on every node.

    Each operation combines one or two earlier nodes, chosen uniformly, with
    + - * (binary), relu or a constant factor (unary). An operation whose
    value would leave [-BOUND, BOUND] becomes a constant factor of its first
    operand instead. Nodes left unused are then summed into the root by a
    balanced tree of additions (counted in `n_ops`): a chain would be as deep
    as the number of unused nodes, and micrograd's recursive backward could
    not walk it.
    """
    if n_ops < 2:
        raise ValueError(f"random_dag_workload: needs at least 2 operations, got {n_ops}")
    rng = random.Random(seed)
    n_leaves = max(2, n_ops // 100)
    leaves = [rng.uniform(-1.0, 1.0) for _ in range(n_leaves)]
    values = list(leaves)
    unused = dict.fromkeys(range(n_leaves))  # insertion-ordered set
    ops: list[tuple[int, int, Any]] = []

    def add_op(code: int, a: int, b: Any) -> None:
        y = values[b] if code in (ADD, SUB, MUL) else b
        values.append(_apply(code, values[a], y))
        ops.append((code, a, b))
        unused.pop(a, None)
        if code in (ADD, SUB, MUL):
            unused.pop(b, None)
        unused[len(values) - 1] = None

    # Each random operation adds 0, 1 or 2 to (operations + additions the
    # final sum will need); stop exactly at n_ops.
    while len(ops) + len(unused) - 1 < n_ops:
        if len(ops) + len(unused) - 1 == n_ops - 1:
            # One short: a unary operation on an unused node adds exactly one.
            add_op(SCALE, next(reversed(unused)), rng.uniform(-1.0, 1.0))
            continue
        a = rng.randrange(len(values))
        kind = rng.random()
        if kind < 0.75:
            code, b = rng.choice((ADD, SUB, MUL)), rng.randrange(len(values))
            if abs(_apply(code, values[a], values[b])) > BOUND:
                code, b = SCALE, rng.uniform(-1.0, 1.0)
        elif kind < 0.9:
            code, b = SCALE, rng.uniform(-1.0, 1.0)
        else:
            code, b = RELU, None
        add_op(code, a, b)

    level = list(unused)
    while len(level) > 1:
        pairs = []
        for k in range(0, len(level) - 1, 2):
            add_op(ADD, level[k], level[k + 1])
            pairs.append(len(values) - 1)
        level = pairs + level[len(level) - len(level) % 2:]  # an odd one out goes up a level
    assert len(ops) == n_ops
    return Workload(leaves, ops)


def chain_workload(n_ops: int, seed: int = 0) -> Workload:
    """A chain `n_ops` operations deep: each combines the previous node with a fresh leaf by + - or *."""
    rng = random.Random(seed)
    leaves = [rng.uniform(-1.0, 1.0) for _ in range(n_ops + 1)]
    ops = []
    prev = 0
    for k in range(n_ops):
        ops.append((rng.choice((ADD, SUB, MUL)), prev, k + 1))
        prev = len(leaves) + k
    return Workload(leaves, ops)


def evaluate(work: Workload, leaves: list[float] | None = None) -> float:
    """The root's value computed on plain floats (the reference for both engines)."""
    values = list(work.leaves if leaves is None else leaves)
    for code, a, b in work.ops:
        values.append(_apply(code, values[a], b if code == SCALE or code == RELU else values[b]))
    return values[-1]


def build(work: Workload, value: Callable[[float], Any]) -> list[Any]:
    """Build the workload's graph with the engine class `value`; returns every node, the root last."""
    nodes = [value(x) for x in work.leaves]
    append = nodes.append
    for code, a, b in work.ops:
        if code == ADD:
            append(nodes[a] + nodes[b])
        elif code == SUB:
            append(nodes[a] - nodes[b])
        elif code == MUL:
            append(nodes[a] * nodes[b])
        elif code == SCALE:
            append(nodes[a] * b)  # a number: each engine makes its own constant leaf
        else:
            append(nodes[a].relu())
    return nodes


# --- micrograd, in its own environment ------------------------------------------


def load_micrograd() -> type:
    """micrograd's `Value`, installed on first use into benchmarks/.envs/micrograd."""
    python = ENV_DIR / "bin" / "python"
    if not python.exists():
        print(f"bench: creating {ENV_DIR} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(ENV_DIR)], check=True)
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    if not (Path(site) / "micrograd" / "engine.py").exists():
        print(f"bench: installing {MICROGRAD} into {ENV_DIR} ...", file=sys.stderr)
        done = subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", MICROGRAD]
        )
        if done.returncode != 0:
            sys.exit(f"bench: could not install {MICROGRAD}; run  {python} -m pip install {MICROGRAD}")
    # Only for this import: the rest of that environment (its pip) stays out of our path.
    sys.path.append(site)
    try:
        return importlib.import_module("micrograd.engine").Value
    finally:
        sys.path.remove(site)


# --- measuring ------------------------------------------------------------------


class GCTimer:
    """Time spent in the cyclic garbage collector, via gc.callbacks."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = 0
        self._start = 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._start
            self.collections += 1

    def __enter__(self) -> GCTimer:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        gc.callbacks.remove(self)


@dataclass
class Run:
    build: float
    backward: float
    gc_build: float  # automatic collections inside build (included in build)
    gc_backward: float  # automatic collections inside backward (included in backward)
    collections: int
    free: float  # dropping the graph, then gc.collect()

    @property
    def total(self) -> float:
        return self.build + self.backward


def time_once(work: Workload, value: type, collector: bool = True) -> Run:
    """Build and backward once (collector on, as a user runs them, or off); then free the graph."""
    gc.collect()
    if not collector:
        gc.disable()
    try:
        with GCTimer() as timer:
            t0 = time.perf_counter()
            nodes = build(work, value)
            t1 = time.perf_counter()
            gc_build = timer.seconds
            root = nodes[-1]
            del nodes
            t2 = time.perf_counter()
            root.backward()
            t3 = time.perf_counter()
    finally:
        gc.enable()
    t4 = time.perf_counter()
    del root
    gc.collect()  # micrograd's graph is a cycle (node -> closure -> node): only this frees it
    t5 = time.perf_counter()
    return Run(t1 - t0, t3 - t2, gc_build, timer.seconds - gc_build, timer.collections, t5 - t4)


@dataclass
class Memory:
    graph: int  # bytes held by the whole graph, after build and gc.collect()
    after_backward: int  # held after backward (gradients stored in the nodes)
    backward_peak: int  # peak during backward, above the graph


def measure_memory(work: Workload, value: type) -> Memory:
    """Bytes the engine allocates for the graph, by tracemalloc (a separate, untimed build)."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    nodes = build(work, value)
    root = nodes[-1]
    del nodes  # the harness's list of nodes is not the engine's memory
    gc.collect()
    graph = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.reset_peak()
    root.backward()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del root
    gc.collect()
    return Memory(graph, current - base, peak - base - graph)


def count_objects(root: Any) -> int:
    """Value objects reachable from `root`, in either engine (micrograd keeps `_prev`, we `parents`)."""
    seen = {id(root)}
    stack = [root]
    while stack:
        node = stack.pop()
        for parent in getattr(node, "parents", None) or getattr(node, "_prev", ()):
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    return len(seen)


# --- report ---------------------------------------------------------------------


def _spread(xs: list[float]) -> str:
    return f"{min(xs):.3f} / {statistics.median(xs):.3f} / {max(xs):.3f}"


def bench_dag(n_ops: int, repeat: int, engines: dict[str, type]) -> None:
    work = random_dag_workload(n_ops)
    expected = evaluate(work)
    objects = {}
    for name, value in engines.items():  # same graph, same numbers on both
        root = build(work, value)[-1]
        if root.data != expected:
            sys.exit(f"bench: {name} computed {root.data!r} for the root, the floats give {expected!r}")
        objects[name] = count_objects(root)
    del root
    gc.collect()

    modes = ("on", "off")
    runs: dict[tuple[str, str], list[Run]] = {(name, mode): [] for name in engines for mode in modes}
    for _ in range(repeat):  # interleaved, so a slow moment of the machine hits both engines
        for mode in modes:
            for name, value in engines.items():
                runs[name, mode].append(time_once(work, value, collector=mode == "on"))
    memory = {name: measure_memory(work, value) for name, value in engines.items()}
    base = next(iter(engines))

    def best(name: str, mode: str, attr: str) -> float:
        return min(getattr(r, attr) for r in runs[name, mode])

    print(f"\nRandom DAG: {n_ops:,} operations ({len(work.leaves):,} leaves), root depends on every node;"
          f" best of {repeat}")
    header = f"{'engine':<12}{'build s':>10}{'backward s':>12}{'total s':>10}{'bytes/node':>12}{'ratio':>8}"
    for mode, title in (("on", "garbage collector on, as a user runs it"),
                        ("off", "garbage collector off: the engines' own work")):
        print(f"\n{title}\n{header}\n{'-' * len(header)}")
        for name in engines:
            t = best(name, mode, "total")
            print(f"{name:<12}{best(name, mode, 'build'):>10.3f}{best(name, mode, 'backward'):>12.3f}{t:>10.3f}"
                  f"{memory[name].graph / n_ops:>12.0f}{t / best(base, mode, 'total'):>7.2f}x")
    print("(ratio: total time / backproplab's; bytes/node: bytes of the whole graph / operations)")

    if "micrograd" in engines:
        # The targets: build + backward (the total, as a user runs it, collector
        # on) at least 3x faster, and at most a third of the memory per node. Build and
        # backward alone, and the collector-off figures, are shown for insight.
        print("\nmicrograd / backproplab                            collector on   collector off")
        for attr in ("build", "backward", "total"):
            on, off = (best("micrograd", m, attr) / best(base, m, attr) for m in modes)
            verdict = f"{'met' if on >= 3 else 'MISSED'} (target >= 3)" if attr == "total" else ""
            print(f"  {attr + ' time':<49}{on:6.2f}x        {off:6.2f}x   {verdict}")
        r = memory["micrograd"].graph / memory[base].graph
        print(f"  {'graph memory per operation':<49}{r:6.2f}x                  "
              f"{'met' if r >= 3 else 'MISSED'} (target >= 3)")

    print("\nSpread over the runs (min / median / max, seconds):")
    for (name, mode), rs in runs.items():
        print(f"  {name:<12} gc {mode:<3}  build {_spread([r.build for r in rs])}   "
              f"backward {_spread([r.backward for r in rs])}   total {_spread([r.total for r in rs])}")

    print("\nGarbage collector, seconds (median over the collector-on runs; included in the times above):")
    for name in engines:
        rs = runs[name, "on"]
        print(f"  {name:<12} in build {statistics.median(r.gc_build for r in rs):.3f}, "
              f"in backward {statistics.median(r.gc_backward for r in rs):.3f} "
              f"({statistics.median(r.collections for r in rs):.0f} automatic collections); "
              f"then freeing the graph (del + gc.collect()) {statistics.median(r.free for r in rs):.3f}")

    print("\nMemory (tracemalloc, bytes per operation; graph measured after gc.collect()):")
    for name, m in memory.items():
        print(f"  {name:<12} {objects[name]:,} Value objects in the graph "
              f"({objects[name] - len(work.leaves) - n_ops:,} more than leaves + operations)")
    for name, m in memory.items():
        print(f"  {name:<12} graph {m.graph / n_ops:6.0f}   after backward {m.after_backward / n_ops:6.0f}   "
              f"backward's transient peak {m.backward_peak / n_ops:6.0f}")


def bench_chain(n_ops: int, repeat: int, engines: dict[str, type]) -> None:
    work = chain_workload(n_ops)
    print(f"\nChain {n_ops:,} operations deep (recursion limit left at {sys.getrecursionlimit()}); "
          f"best of {repeat}, collector on:")
    for name, value in engines.items():
        builds, backwards, failure = [], [], None
        for _ in range(repeat):
            gc.collect()
            t0 = time.perf_counter()
            root = build(work, value)[-1]
            t1 = time.perf_counter()
            try:
                root.backward()
            except RecursionError as error:
                failure = f"backward raised RecursionError ({error}) after {time.perf_counter() - t1:.3f} s"
            backwards.append(time.perf_counter() - t1)
            builds.append(t1 - t0)
            del root
            gc.collect()
        outcome = failure or f"backward {min(backwards):.3f} s"
        print(f"  {name:<12} build {min(builds):.3f} s, {outcome}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 operations instead of 100,000")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per engine (best is shown)")
    args = parser.parse_args(argv)
    n_ops = 10_000 if args.quick else 100_000

    from autograd import Value

    engines = {"backproplab": Value, "micrograd": load_micrograd()}
    print(f"Python {sys.version.split()[0]}; {MICROGRAD} from {ENV_DIR}")
    bench_dag(n_ops, args.repeat, engines)
    bench_chain(n_ops, min(args.repeat, 3), engines)


if __name__ == "__main__":
    main()
