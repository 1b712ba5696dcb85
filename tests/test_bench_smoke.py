"""Smoke test of the benchmark's workload, on our engine only (no micrograd, no timing)."""

import importlib.util
import random
import sys
from pathlib import Path

import pytest

from autograd import Value, topological_order

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_engine.py"
_spec = importlib.util.spec_from_file_location("bench_engine", _PATH)
bench = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = bench  # its dataclasses look their module up there
_spec.loader.exec_module(bench)

N_OPS = 1_000


@pytest.fixture(scope="module")
def work():
    return bench.random_dag_workload(N_OPS, seed=1)


def test_workload_has_exactly_n_ops_and_builds_the_float_value(work):
    nodes = bench.build(work, Value)
    assert len(work.ops) == N_OPS
    assert len(nodes) == len(work.leaves) + N_OPS
    assert nodes[-1].data == bench.evaluate(work)
    assert all(abs(n.data) <= bench.BOUND for n in nodes[:-1] if n.op is not None and n.op.name != "add")


def test_root_depends_on_every_node(work):
    nodes = bench.build(work, Value)
    reachable = set(topological_order(nodes[-1]))
    assert all(node in reachable for node in nodes)


def test_backward_matches_finite_differences_on_three_leaves(work):
    nodes = bench.build(work, Value)
    nodes[-1].backward()
    h = 1e-6
    for i in random.Random(0).sample(range(len(work.leaves)), 3):
        up, down = list(work.leaves), list(work.leaves)
        up[i] += h
        down[i] -= h
        numerical = (bench.evaluate(work, up) - bench.evaluate(work, down)) / (2 * h)
        assert nodes[i].grad == pytest.approx(numerical, rel=1e-4, abs=1e-6)


def test_chain_workload_is_as_deep_as_its_operations():
    work = bench.chain_workload(N_OPS)
    root = bench.build(work, Value)[-1]
    root.backward()  # no RecursionError on our engine
    assert root.data == bench.evaluate(work)
    assert all(a == len(work.leaves) + k - 1 for k, (_, a, _) in enumerate(work.ops) if k)
