"""Tests for viz.steps: one frame per operation, the right highlight, a layout that never moves."""

import re
import shutil
import xml.etree.ElementTree as ET

import pytest

from autograd import Value, backpropagate, module_scope, topological_order
from viz import colors
from viz._dot import format_number
from viz.steps import BackwardSteps, backward_steps

_NO_DOT = shutil.which("dot") is None
HIGHLIGHT = "#d62728"


def needs_dot(test):
    """Mark a test that renders with Graphviz's dot, and skip it where dot is missing."""
    skip = pytest.mark.skipif(_NO_DOT, reason="Graphviz's dot program is not installed")
    return pytest.mark.needs_dot(skip(test))


def expression():
    """e = tanh(a*b + a) - b: a repeated operand, a unary op, and a subtraction."""
    a, b = Value(0.5, label="a"), Value(-1.5, label="b")
    with module_scope("layer"):
        e = (a * b + a).tanh()
    return e - b, a, b


def groups(svg: str) -> dict:
    return {g.get("id"): g for g in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}g")}


def local(element) -> str:
    return element.tag.rpartition("}")[2]


def grad_shown(group) -> str:
    texts = [t for t in group.iter() if local(t) == "text"]
    return texts[-1].text.replace("\xa0", " ")


def geometry(svg: str) -> list:
    """Every position in the picture: polygon points, ellipse centres, path data, text anchors."""
    out = []
    for element in ET.fromstring(svg).iter():
        keys = ("points", "cx", "cy", "rx", "ry", "d", "x", "y", "width", "height", "viewBox")
        out.append((local(element), tuple(element.get(k) for k in keys)))
    return out


def operation_order(root):
    """Indices of the operation nodes in the order backward processes them."""
    nodes = topological_order(root)
    return [i for i in reversed(range(len(nodes))) if nodes[i].op is not None]


# --- without rendering ----------------------------------------------------------------


def test_one_step_per_operation_node_and_grads_untouched():
    root, a, b = expression()
    nodes = topological_order(root)
    before = [(n.data, n.grad) for n in nodes]
    steps = backward_steps(root)
    assert len(steps) == sum(n.op is not None for n in nodes) == 4
    assert [(n.data, n.grad) for n in nodes] == before  # all grads still 0
    assert steps.captions[0] == "step 1/4: - sends its gradient +1.0000 to 2 inputs"
    assert steps.captions[-1].startswith("step 4/4: * sends its gradient")


def test_layout_source_has_only_the_roots_gradient():
    root, a, b = expression()
    src = backward_steps(root).source
    assert src.count("grad          ?") == len(topological_order(root)) - 1
    assert src.count("grad    +1.0000") == 1
    assert "subgraph cluster_" in src  # the same clusters as draw_graph


def test_leaf_root_has_no_frames():
    steps = backward_steps(Value(2.0))
    assert len(steps) == 0 and steps.captions == []


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: backward_steps(2.0), TypeError, ["backward_steps", "float"]),
        (lambda: backward_steps(Value(1.0), max_nodes=0), ValueError, ["backward_steps", "max_nodes"]),
        (lambda: backward_steps(Value(1.0), rankdir="up"), ValueError, ["backward_steps", "'up'"]),
    ],
)
def test_bad_input_raises_clear_errors(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert all(w in str(info.value) for w in words)


def test_large_graphs_are_refused_with_a_hint():
    x = Value(1.0)
    for _ in range(20):
        x = x * 1.1
    with pytest.raises(ValueError, match=r"backward_steps: the graph has 41 values, more than max_nodes=10"):
        backward_steps(x, max_nodes=10)
    assert len(backward_steps(x, max_nodes=41)) == 20


def test_unknown_suffix_writes_nothing(tmp_path):
    root, _, _ = expression()
    with pytest.raises(ValueError, match=r"BackwardSteps.save: unknown file suffix '\.svg'"):
        backward_steps(root).save(tmp_path / "steps.svg")
    assert list(tmp_path.iterdir()) == []


def test_missing_dot_display_shows_message_and_source(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no dot anywhere
    root, _, _ = expression()
    steps = backward_steps(root)
    shown = steps._repr_html_()
    assert "sudo apt-get install -y graphviz" in shown and "digraph backprop" in shown
    with pytest.raises(RuntimeError, match="pip install graphviz"):
        steps.frames


# --- rendered frames ------------------------------------------------------------------


@needs_dot
def test_each_frame_highlights_the_node_being_processed():
    root, a, b = expression()
    frames = backward_steps(root).frames
    order = operation_order(root)
    assert len(frames) == len(order)
    for k, (frame, i) in enumerate(zip(frames, order)):
        g = groups(frame)
        marked_ops = [
            gid for gid, group in g.items()
            if gid.startswith("o") and [e for e in group if local(e) == "ellipse"][0].get("stroke") == HIGHLIGHT
        ]
        assert marked_ops == [f"o{i}"], k
        parents = topological_order(root)[i].parents
        for pos in range(len(parents)):
            (path,) = [e for e in g[f"e{i}_{pos}"] if local(e) == "path"]
            assert path.get("stroke") == HIGHLIGHT
        marked_edges = {
            gid for gid, group in g.items()
            if group.get("class") == "edge"
            and [e for e in group if local(e) == "path"][0].get("stroke") == HIGHLIGHT
        }
        assert marked_edges == {f"e{i}_{pos}" for pos in range(len(parents))}


@needs_dot
def test_frames_fill_in_gradients_so_far_with_their_colours():
    root, a, b = expression()
    nodes = topological_order(root)
    index = {n: f"v{i}" for i, n in enumerate(nodes)}
    frames = backward_steps(root).frames
    first, last = groups(frames[0]), groups(frames[-1])
    # After the first step (root = e - b) only e and b are known; a is not yet.
    assert grad_shown(first[index[b]]) == "grad " + format_number(-1.0)
    assert grad_shown(first[index[a]]) == "grad          ?"
    # After the last step every gradient equals the engine's.
    final = backpropagate(root)
    for node, node_id in index.items():
        assert grad_shown(last[node_id]) == "grad " + format_number(final[node])
        fill = [e for e in last[node_id] if local(e) == "polygon"][0].get("fill")
        assert fill == colors.grad_color(final[node])
    # b gets -1 from the subtraction first, then its share through a * b.
    assert final[b] != -1.0


@needs_dot
def test_repeated_operand_is_updated_once_with_the_sum():
    a = Value(3.0, label="a")
    frames = backward_steps(a + a).frames
    assert len(frames) == 1
    assert grad_shown(groups(frames[0])["v0"]) == "grad " + format_number(2.0)


@needs_dot
def test_frames_share_identical_positions():
    root, _, _ = expression()
    frames = backward_steps(root).frames
    reference = geometry(frames[0])
    assert len(reference) > 50
    assert all(geometry(frame) == reference for frame in frames[1:])
    assert len(set(frames)) == len(frames)  # but each frame differs in colours or numbers


@needs_dot
def test_html_player_is_self_contained(tmp_path):
    root, _, _ = expression()
    steps = backward_steps(root)
    page = steps.save(tmp_path / "steps.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    assert 'type="range"' in page and 'max="3"' in page and "play" in page
    assert "<script>" in page and not re.search(r"(src|href)=[\"']?https?:", page)
    assert "</script>" not in page.split("<script>", 1)[1].split("</script>", 1)[0]
    assert page.count("sends its gradient") == 4  # one caption per frame, in the data
    assert "<svg" in steps._repr_html_() and isinstance(steps, BackwardSteps)
    assert [p.name for p in tmp_path.iterdir()] == ["steps.html"]
