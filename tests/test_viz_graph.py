"""Tests for viz.graph: the DOT text everywhere, the rendered files where `dot` is installed."""

import math
import random
import re
import shutil
import xml.etree.ElementTree as ET

import pytest

from autograd import Value, add_n, module_scope, topological_order
from viz import colors
from viz._dot import format_number
from viz.graph import GraphDrawing, GraphvizNotFoundError, draw_graph

_NO_DOT = shutil.which("dot") is None


def needs_dot(test):
    """Mark a test that renders with Graphviz's dot, and skip it where dot is missing."""
    skip = pytest.mark.skipif(_NO_DOT, reason="Graphviz's dot program is not installed")
    return pytest.mark.needs_dot(skip(test))


# --- graphs to draw ----------------------------------------------------------------


def mlp_loss(samples: int, sizes=(2, 16, 16, 1), regularize: bool = True) -> Value:
    """A hinge loss of a hand-built MLP in module scopes, as autograd.nn will build it."""
    rng = random.Random(0)
    layers = []
    for l, (nin, nout) in enumerate(zip(sizes, sizes[1:])):
        neurons = []
        for n in range(nout):
            name = f"layers.{l}.neurons.{n}"
            w = [Value(rng.uniform(-1, 1), label=f"{name}.w[{k}]") for k in range(nin)]
            neurons.append((w, Value(0.1, label=f"{name}.b")))
        layers.append(neurons)
    losses = []
    for _ in range(samples):
        x = [Value(rng.uniform(-2, 2)) for _ in range(sizes[0])]
        for l, neurons in enumerate(layers):
            with module_scope(f"layers.{l}"):
                out = []
                for n, (w, b) in enumerate(neurons):
                    with module_scope(f"neurons.{n}"):
                        act = sum((wi * xi for wi, xi in zip(w, x)), b)
                        out.append(act.relu() if l < len(layers) - 1 else act)
            x = out
        losses.append((1 - rng.choice([-1.0, 1.0]) * x[0]).relu())
    loss = add_n(losses) / samples
    if regularize:
        params = [p for neurons in layers for w, b in neurons for p in w + [b]]
        loss = loss + 1e-4 * add_n(p * p for p in params)
    loss.backward()
    return loss


def small_module_graph():
    """Two neurons of one layer and a loss outside every module."""
    x = Value(1.5, label="x")
    w0, w1 = Value(-2.0, label="layers.0.neurons.0.w[0]"), Value(0.5, label="layers.0.neurons.1.w[0]")
    with module_scope("layers.0"):
        with module_scope("neurons.0"):
            h0 = (w0 * x).tanh()
        with module_scope("neurons.1"):
            h1 = (w1 * x + 2).relu()  # the constant 2 is used by neuron 1 only
    loss = h0 + h1
    loss.backward()
    return loss, dict(x=x, w0=w0, w1=w1, h0=h0, h1=h1)


def node_ids(root: Value) -> dict:
    """The DOT id of each value: v + its index in traversal order."""
    return {node: f"v{i}" for i, node in enumerate(topological_order(root))}


def node_line(source: str, node_id: str) -> str:
    (line,) = [l for l in source.splitlines() if l.strip().startswith(f"{node_id} [")]
    return line


def cluster_of(source: str) -> dict:
    """Map each node id to the labels of the clusters around it, outermost first."""
    where, stack = {}, []
    for line in source.splitlines():
        line = line.strip()
        if line.startswith("subgraph cluster_"):
            stack.append(None)
        elif line.startswith("label=<") and stack and stack[-1] is None:
            stack[-1] = line[len("label=<"):-2]
        elif line == "}" and stack:
            stack.pop()
        elif m := re.match(r"(\w+) \[id=", line):
            where[m.group(1)] = tuple(stack)
    return where


# --- DOT text ------------------------------------------------------------------------


def test_value_nodes_show_label_data_and_grad_in_fixed_width():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a - b
    c.backward()
    src = draw_graph(c).source
    ids = node_ids(c)
    assert "<B>a</B>" in node_line(src, ids[a])
    assert "data    +2.0000" in node_line(src, ids[a])
    assert "grad    +1.0000" in node_line(src, ids[a])
    assert "data    -3.0000" in node_line(src, ids[b]) and "grad    -1.0000" in node_line(src, ids[b])
    assert "data    +5.0000" in node_line(src, ids[c])
    assert format_number(1e-7) == "+1.000e-07" and len(format_number(-12345.0)) == 10


def test_operation_nodes_and_edges_keep_operand_order():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a - b
    src = draw_graph(c).source
    assert 'o2 [id="o2" shape=circle' in src and "label=<->" in node_line(src, "o2")
    assert 'v0 -> o2 [id="e2_0" headlabel="0"];' in src  # a is operand 0 of a - b
    assert 'v1 -> o2 [id="e2_1" headlabel="1"];' in src
    assert 'o2 -> v2 [id="e2"];' in src


def test_repeated_operand_draws_two_edges_and_unary_ops_no_position():
    a = Value(3.0, label="a")
    b = (a + a).tanh()
    src = draw_graph(b).source
    assert re.findall(r"v0 -> o1 \[[^]]*\]", src) == [
        'v0 -> o1 [id="e1_0" headlabel="0"]',
        'v0 -> o1 [id="e1_1" headlabel="1"]',
    ]
    assert 'v1 -> o2 [id="e2_0"];' in src  # tanh has one input: no position label


def test_same_graph_gives_the_same_dot_text():
    def build():
        x = Value(0.5, label="x")
        with module_scope("layer"):
            y = add_n([x * 2, x.exp(), x])
        y.backward()
        return y

    assert draw_graph(build()).source == draw_graph(build()).source
    assert "0x" not in draw_graph(build()).source  # no id() in the ids


def test_labels_are_escaped():
    nasty = 'a<b>"c"&d\\e{f}\n'
    a = Value(1.0, label=nasty)
    src = draw_graph(a * 2).source
    assert "a&lt;b&gt;&quot;c&quot;&amp;d\\e{f}<BR/>" in src
    assert nasty not in src


def test_drawing_changes_no_value_or_gradient():
    loss, _ = small_module_graph()
    nodes = topological_order(loss)
    before = [(n.data, n.grad, n.label, n.module, n.parents) for n in nodes]
    draw_graph(loss, color="data")
    draw_graph(loss, collapse=True)
    assert [(n.data, n.grad, n.label, n.module, n.parents) for n in nodes] == before


# --- colours -------------------------------------------------------------------------


def test_colours_follow_grad_magnitude_on_a_log_scale():
    tiny, unit, huge = Value(1.0, label="tiny"), Value(1.0, label="unit"), Value(1.0, label="huge")
    out = add_n([tiny * 1e-6, unit, huge * 1e3])
    dead = Value(2.0, label="dead")
    root = out + dead * 0.0
    root.backward()
    src = draw_graph(root).source
    ids = node_ids(root)
    fill = {n.label: re.search(r'BGCOLOR="(#\w+)"', node_line(src, ids[n])).group(1) for n in ids if n.label}
    assert fill["tiny"] == colors.grad_color(1e-6) == "#4575b4"
    assert fill["unit"] == colors.grad_color(1.0) == "#ffffbf"
    assert fill["huge"] == colors.grad_color(1e3) == "#d73027"
    assert fill["dead"] == colors.ZERO_COLOR  # exactly zero: drawn apart from the scale
    assert "|grad| (log scale)" in src and "nan/inf" in src  # the legend


def test_nonfinite_gradients_are_drawn_distinctly():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    c = a * b
    a.grad, b.grad = math.nan, math.inf  # set by hand: backward itself refuses these
    src = draw_graph(c).source
    for node_id, text in (("v0", "nan"), ("v1", "+inf")):
        line = node_line(src, node_id)
        assert f'BGCOLOR="{colors.NONFINITE_COLOR}"' in line and f"grad {text.rjust(10)}" in line


def test_grad_scale_is_monotone_and_clamped():
    assert colors.grad_color(1e-12) == colors.grad_color(1e-8) == "#313695"
    assert colors.grad_color(1e9) == colors.grad_color(-1e4) == "#a50026"
    # Vanishing side: red rises steadily towards pale yellow at |grad| = 1;
    # exploding side: blue falls steadily towards dark red.
    small = [colors._rgb(colors.grad_color(10.0**e))[0] for e in range(-8, 1)]
    large = [colors._rgb(colors.grad_color(10.0**e))[2] for e in range(0, 5)]
    assert small == sorted(small) and len(set(small)) == len(small)
    assert large == sorted(large, reverse=True) and len(set(large)) == len(large)


def test_color_modes_data_and_none():
    a, b = Value(-50.0, label="a"), Value(0.02, label="b")
    c = a * b
    c.backward()
    by_data = draw_graph(c, color="data").source
    assert f'BGCOLOR="{colors.data_color(-50.0)}"' in node_line(by_data, "v0")
    assert f'BGCOLOR="{colors.data_color(0.02)}"' in node_line(by_data, "v1")
    assert colors.data_color(-50.0) != colors.data_color(50.0)
    assert "data</FONT>" in by_data and "log scale" not in by_data
    plain = draw_graph(c, color="none").source
    assert set(re.findall(r'BGCOLOR="(#\w+)"', plain)) == {colors.PLAIN_COLOR}
    assert "log scale" not in plain


# --- modules: clusters and collapsing -----------------------------------------------


def test_clusters_follow_modules_and_parameters_join_their_module():
    loss, v = small_module_graph()
    src = draw_graph(loss).source
    ids, where = node_ids(loss), cluster_of(draw_graph(loss).source)
    assert where[ids[v["h0"]]] == ("layers.0", "layers.0.neurons.0")
    assert where[ids[v["w0"]]] == ("layers.0", "layers.0.neurons.0")  # by its label
    assert where[ids[v["w1"]]] == ("layers.0", "layers.0.neurons.1")
    assert where[ids[v["x"]]] == ("layers.0",)  # used by both neurons
    (two,) = [n for n in ids if n.op is None and n.data == 2.0]
    assert where[ids[two]] == ("layers.0", "layers.0.neurons.1")  # used by neuron 1 only
    assert where[ids[loss]] == ()
    assert src.count("subgraph cluster_") == 3


def test_small_graphs_are_not_collapsed():
    loss, _ = small_module_graph()
    drawing = draw_graph(loss)
    assert drawing.notice is None and "m0" not in drawing.source


def test_one_sample_mlp_collapses_neurons_above_max_nodes():
    loss = mlp_loss(1, regularize=False)
    n = len(topological_order(loss))
    assert 900 < n < 1100
    drawing = draw_graph(loss)
    boxes = re.findall(r'(m\d+) \[id="m\d+" label=<.*?<B>([\w.]+)</B>', drawing.source)
    assert len(boxes) == 16 + 16 + 1
    assert {name for _, name in boxes} >= {"layers.0.neurons.0", "layers.1.neurons.15", "layers.2.neurons.0"}
    where = cluster_of(drawing.source)
    box_id = dict((name, i) for i, name in boxes)["layers.1.neurons.3"]
    assert where[box_id] == ("layers.1",)
    notice = drawing.notice
    assert f"{n:,} nodes" in notice and "max_nodes=500" in notice
    assert "collapse=False" in notice and f"max_nodes={n}" in notice
    assert "\n" not in notice
    assert draw_graph(loss, max_nodes=n).notice is None  # a larger limit expands it


def test_collapsed_box_shows_count_output_largest_grad_and_zero_grads():
    loss = mlp_loss(1, regularize=False)
    nodes = topological_order(loss)
    name = "layers.1.neurons.3"
    members = [
        n for n in nodes
        if (n.module or "").startswith(name) or n.label.startswith(name + ".")
    ]
    (output,) = [n for n in members if n.op is not None and n.op.name == "relu"]
    line = [l for l in draw_graph(loss).source.splitlines() if f"<B>{name}</B>" in l][0]
    assert f"{len(members)} nodes" in line
    assert f"out {format_number(output.data)}" in line
    largest = max(abs(n.grad) for n in members)
    assert f"max|grad| {format_number(largest)}" in line
    assert f"zero grads {sum(n.grad == 0 for n in members)}" in line
    assert f'BGCOLOR="{colors.grad_color(largest)}"' in line


def test_intermediate_and_explicit_collapse_levels():
    loss = mlp_loss(1, regularize=False)
    layers = draw_graph(loss, collapse=1)
    names = re.findall(r'm\d+ \[id="m\d+" label=<.*?<B>([\w.]+)</B>', layers.source)
    assert sorted(names) == ["layers.0", "layers.1", "layers.2"]
    assert "collapse=2" in layers.notice and "as asked" in layers.notice
    assert "×16" in layers.source  # 16 outputs of layers.0 feed layers.1 through 256 edges, counted
    full = draw_graph(loss, collapse=False)
    assert full.notice is None and 'id="m0"' not in full.source
    assert full.source.count(" [id=\"v") == len(topological_order(loss))


def test_everything_collapses_to_top_level_boxes_when_needed():
    loss = mlp_loss(3)  # the regularizer puts hundreds of nodes outside every module
    drawing = draw_graph(loss, max_nodes=20)
    names = re.findall(r'm\d+ \[id="m\d+" label=<.*?<B>(.*?)</B>', drawing.source)
    assert sorted(names) == ["(outside modules)", "layers.0", "layers.1", "layers.2"]
    assert "collapse=1" in drawing.notice and "collapse=2" in drawing.notice
    assert 'id="v' in drawing.source  # the root is still drawn as itself


def test_graph_without_modules_is_drawn_whole_with_a_notice():
    x = Value(1.0, label="x")
    y = x
    for _ in range(30):
        y = y * 1.01
    drawing = draw_graph(y, max_nodes=10)
    assert "nothing to collapse" in drawing.notice
    assert drawing.source.count(' [id="v') == len(topological_order(y))


def test_collapse_deeper_than_the_module_tree_is_clamped_to_its_depth():
    loss = mlp_loss(1, regularize=False)
    deepest, too_deep = draw_graph(loss, collapse=2), draw_graph(loss, collapse=31)
    assert repr(too_deep) == repr(deepest) and "into 0 module boxes" not in too_deep.notice
    assert too_deep.notice == deepest.notice.replace("(collapse=2)", "(collapse=31, the module tree's depth is 2)")


def test_no_notice_when_nothing_collapses():
    x = Value(1.0, label="x")
    with module_scope("outer"):
        y = x * 2.0
        with module_scope("inner"):
            z = y + y          # only the root is at depth 2, and the root is never boxed
    drawing = draw_graph(z, collapse=2)
    assert drawing.notice is None and "module boxes" not in repr(drawing)


# --- bad input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        (dict(color="rainbow"), ValueError, ["draw_graph", "'rainbow'"]),
        (dict(collapse="neurons"), ValueError, ["draw_graph", "'neurons'"]),
        (dict(collapse=-1), ValueError, ["draw_graph", "-1"]),
        (dict(collapse=1.5), ValueError, ["draw_graph", "1.5"]),
        (dict(max_nodes=0), ValueError, ["draw_graph", "max_nodes", "0"]),
        (dict(max_nodes="many"), TypeError, ["draw_graph", "max_nodes", "str"]),
        (dict(rankdir="up"), ValueError, ["draw_graph", "'up'"]),
    ],
)
def test_bad_options_raise_clear_errors(kwargs, error, words):
    with pytest.raises(error) as info:
        draw_graph(Value(1.0) + 1, **kwargs)
    assert all(w in str(info.value) for w in words)


def test_bad_root_and_unknown_suffix(tmp_path):
    with pytest.raises(TypeError, match="draw_graph: root must be a Value, got float"):
        draw_graph(1.0)
    with pytest.raises(ValueError, match=r"GraphDrawing.save: unknown file suffix '\.pdf'"):
        draw_graph(Value(1.0) * 2).save(tmp_path / "g.pdf")
    assert list(tmp_path.iterdir()) == []


# --- without Graphviz's dot ------------------------------------------------------------


@pytest.fixture
def no_dot(monkeypatch, tmp_path):
    """Make `dot` unfindable: PATH is an empty directory."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def test_missing_dot_raises_with_install_commands(no_dot, tmp_path):
    drawing = draw_graph(Value(1.0, label="x") * 2)
    with pytest.raises(GraphvizNotFoundError) as info:
        drawing.svg()
    message = str(info.value)
    assert isinstance(info.value, RuntimeError)
    assert "pip install graphviz" in message and "only the Python bindings" in message
    assert "sudo apt-get install -y graphviz" in message
    assert "brew install graphviz" in message
    assert "conda install -c conda-forge graphviz" in message
    with pytest.raises(GraphvizNotFoundError):
        drawing.save(tmp_path / "g.png")
    assert not (tmp_path / "g.png").exists()
    assert drawing.save(tmp_path / "g.dot").read_text() == drawing.source  # DOT needs no dot


def test_missing_dot_display_shows_message_and_source(no_dot):
    drawing = draw_graph(Value(1.0, label="x") * 2)
    bundle = drawing._repr_mimebundle_()
    assert "image/svg+xml" not in bundle
    assert "brew install graphviz" in bundle["text/plain"]
    assert drawing.source in bundle["text/plain"]
    assert "digraph backprop" in bundle["text/html"] and "<pre>" in bundle["text/html"]


# --- rendered with dot -------------------------------------------------------------------


@needs_dot
def test_svg_shows_labels_numbers_and_escaped_text():
    a, b = Value(2.0, label='a<"&\\{}>'), Value(-3.0, label="b")
    c = a * b
    c.backward()
    drawing = draw_graph(c)
    svg = drawing.svg()
    texts = [t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert 'a<"&\\{}>' in texts and "b" in texts
    flat = [t.replace("\xa0", " ") for t in texts if t]
    assert "data    +2.0000" in flat and "grad    -3.0000" in flat and "data    -6.0000" in flat
    assert drawing._repr_mimebundle_()["image/svg+xml"] == svg


@needs_dot
def test_save_writes_each_format(tmp_path):
    loss, _ = small_module_graph()
    drawing = draw_graph(loss)
    assert drawing.save(tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    root = ET.parse(drawing.save(tmp_path / "g.svg")).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert drawing.save(str(tmp_path / "g.dot")).read_text() == drawing.source
    page = drawing.save(tmp_path / "g.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "layers.0.neurons.1" in page
    assert not re.search(r"<(script|link|img)[^>]*(src|href)=[\"']?https?:", page)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.dot", "g.html", "g.png", "g.svg"]


@needs_dot
def test_one_sample_mlp_renders_collapsed():
    loss = mlp_loss(1, regularize=False)
    svg = draw_graph(loss).svg()
    assert "layers.1.neurons.15" in svg and "Collapsed" in svg
    ET.fromstring(svg)


@needs_dot
@pytest.mark.slow
def test_full_moons_batch_renders_collapsed():
    loss = mlp_loss(100)  # 100 samples, the moons batch: about 65,000 nodes
    n = len(topological_order(loss))
    assert 60_000 < n < 70_000
    drawing = draw_graph(loss)
    names = re.findall(r'm\d+ \[id="m\d+" label=<.*?<B>(.*?)</B>', drawing.source)
    assert sorted(names) == ["(outside modules)", "layers.0", "layers.1", "layers.2"]
    assert f"{n:,} nodes" in drawing.notice
    svg = drawing.svg()
    assert "layers.1" in svg and "(outside modules)" in svg
    assert isinstance(drawing, GraphDrawing)


def test_collapse_true_collapses_small_graphs_as_finely_as_possible():
    loss, _ = small_module_graph()
    drawing = draw_graph(loss, collapse=True)
    names = re.findall(r'm\d+ \[id="m\d+" label=<.*?<B>(.*?)</B>', drawing.source)
    assert sorted(names) == ["layers.0.neurons.0", "layers.0.neurons.1"]
    assert "collapse=False" in drawing.notice


def test_collapsed_edges_number_operands_only_at_visible_operations():
    loss = mlp_loss(1, regularize=False)
    edges = [l.strip() for l in draw_graph(loss).source.splitlines() if " -> " in l]
    into_boxes = [e for e in edges if re.match(r"\w+ -> m\d+", e)]
    assert into_boxes and not any("headlabel" in e for e in into_boxes)
    # The final "-" (1 - y*score) is drawn itself: its two operands are numbered.
    assert sum("headlabel" in e for e in edges if not re.match(r"\w+ -> m\d+", e)) >= 2
