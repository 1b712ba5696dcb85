"""Draw the computation graph behind a `Value` with Graphviz, grouped and coloured for reading.

Example:
    >>> from autograd import Value
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> c = a - b
    >>> c.backward()
    >>> drawing = draw_graph(c)
    >>> drawing.source.count(" -> ")     # a and b into the - node, - into c
    3
"""

from __future__ import annotations

import html
import itertools
import math
import os
import re
from pathlib import Path
from typing import Callable

from autograd.engine import Value, topological_order
from autograd.files import write_atomic

from . import colors
from ._dot import (
    GraphvizNotFoundError,
    escape,
    format_number,
    html_page,
    inline_svg,
    render,
)

__all__ = ["GraphDrawing", "GraphvizNotFoundError", "draw_graph"]

ModulePath = tuple[str, ...]  # a module name split into its parts: ("layers.0", "neurons.3")

OUTSIDE = ("(outside modules)",)  # the box that collects unscoped nodes at collapse depth 0
_RANKDIRS = ("LR", "TB", "RL", "BT")
_SUFFIXES = (".svg", ".png", ".dot", ".html")

# A module part is a name with an optional numeric index: "layers.0.neurons.3" is
# two modules deep ("layers.0", then "neurons.3"), as `module_scope` nests them.
_MODULE_PART = re.compile(r"[^.]+(?:\.\d+)?")


class GraphDrawing:
    """A drawn computation graph: its DOT text, inline SVG in Jupyter, and `save` to a file.

    Attributes:
        source: the DOT text (needs no Graphviz program).
        notice: one line saying what was collapsed and how to expand it, or None.
    """

    def __init__(self, source: str, notice: str | None = None, summary: str = "") -> None:
        self.source = source
        self.notice = notice
        self._summary = summary
        self._svg: str | None = None

    def __repr__(self) -> str:
        return f"<GraphDrawing {self._summary}>"

    def svg(self) -> str:
        """The drawing as SVG text (rendered by `dot` once, then cached).

        Raises:
            GraphvizNotFoundError: the `dot` program is not installed.
        """
        if self._svg is None:
            self._svg = render(self.source, "svg", "GraphDrawing.svg").decode("utf-8")
        return self._svg

    def save(self, path: str | os.PathLike) -> Path:
        """Write the drawing to `path`; its suffix picks the format: .svg, .png, .dot or .html.

        The .html file is self-contained (the SVG is inline). The file is written
        whole or not at all.

        Returns:
            The path written, as a `pathlib.Path`.

        Example:
            >>> import tempfile, pathlib
            >>> from autograd import Value
            >>> out = pathlib.Path(tempfile.mkdtemp()) / "graph.dot"
            >>> draw_graph(Value(1.0) * 2).save(out).read_text().startswith("digraph")
            True
        """
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"GraphDrawing.save: path must be a str or Path, got {type(path).__name__}")
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".dot":
            data = self.source.encode("utf-8")
        elif suffix == ".svg":
            data = self.svg().encode("utf-8")
        elif suffix == ".png":
            data = render(self.source, "png", "GraphDrawing.save")
        elif suffix == ".html":
            notice = f"<p>{html.escape(self.notice)}</p>\n" if self.notice else ""
            data = html_page(path.stem, notice + inline_svg(self.svg())).encode("utf-8")
        else:
            raise ValueError(
                f"GraphDrawing.save: unknown file suffix {suffix!r} in {str(path)!r}; "
                f"expected one of {', '.join(_SUFFIXES)}"
            )
        write_atomic(path, data)
        return path

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        """Jupyter's display hook: the SVG, or the install hint and DOT text if `dot` is missing."""
        try:
            bundle = {"image/svg+xml": self.svg(), "text/plain": repr(self)}
        except GraphvizNotFoundError as error:
            text = f"{error}\n\nDOT source:\n{self.source}"
            bundle = {"text/plain": text, "text/html": f"<pre>{html.escape(text)}</pre>"}
        return {
            kind: data
            for kind, data in bundle.items()
            if (include is None or kind in include) and (exclude is None or kind not in exclude)
        }


def draw_graph(
    root: Value,
    *,
    color: str = "grad",
    max_nodes: int = 500,
    collapse: bool | int | str = "auto",
    rankdir: str = "LR",
) -> GraphDrawing:
    """Draw the graph that computed `root`: values, operations, and the modules they belong to.

    Each value shows its label, data and gradient; each operation is a small node
    with its symbol, and its input edges are numbered by operand position. Nodes
    are grouped into clusters by the module that computed them (parameters by
    their label, "layers.0.neurons.3.w[1]"). Drawing reads the graph only.

    Args:
        root: the output whose graph to draw.
        color: "grad" (|grad| on a log scale, with a legend), "data" or "none".
        max_nodes: above this many values, collapse modules into summary boxes.
        collapse: "auto" (only above `max_nodes`), False (never), True (always,
            as finely as `max_nodes` allows), or a depth: 2 draws one box per
            "layers.0.neurons.3", 1 one box per "layers.0", 0 also boxes up the
            nodes outside every module.
        rankdir: Graphviz direction, "LR" (inputs on the left), "TB", "RL" or "BT".

    Returns:
        A `GraphDrawing`: shows in Jupyter, has `.source` (DOT) and `.save(path)`.

    Example:
        >>> from autograd import Value
        >>> a = Value(3.0, label="a")
        >>> b = a + a
        >>> b.backward()
        >>> src = draw_graph(b).source
        >>> src.count("v0 -> o1")      # a + a: two edges, operands 0 and 1
        2
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph: root must be a Value, got {type(root).__name__}")
    _check_options("draw_graph", color, max_nodes, rankdir)
    if not (collapse == "auto" or isinstance(collapse, (bool, int))):
        raise ValueError(
            f"draw_graph: unknown collapse {collapse!r}; expected 'auto', True, False or a depth >= 0"
        )
    if isinstance(collapse, int) and not isinstance(collapse, bool) and collapse < 0:
        raise ValueError(f"draw_graph: collapse depth must be >= 0, got {collapse}")

    graph = _Graph(root)
    depth, notice = graph.choose_depth(max_nodes, collapse)
    if depth is None:
        source = graph.full_dot(lambda node: node.grad, color, rankdir, notice)
        summary = f"{len(graph.nodes)} values"
    else:
        source, boxes = graph.collapsed_dot(depth, color, rankdir, notice)
        summary = f"{len(graph.nodes)} values, collapsed into {boxes} module boxes"
    return GraphDrawing(source, notice, summary)


def _check_options(where: str, color: str, max_nodes: int, rankdir: str) -> None:
    if color not in colors.COLOR_MODES:
        raise ValueError(f"{where}: unknown color {color!r}; expected 'grad', 'data' or 'none'")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int):
        raise TypeError(f"{where}: max_nodes must be an int, got {type(max_nodes).__name__}")
    if max_nodes < 1:
        raise ValueError(f"{where}: max_nodes must be at least 1, got {max_nodes}")
    if rankdir not in _RANKDIRS:
        raise ValueError(f"{where}: unknown rankdir {rankdir!r}; expected one of {_RANKDIRS}")


def split_module(name: str) -> ModulePath:
    """Split a qualified module name into its nested modules.

    Example:
        >>> split_module("layers.0.neurons.3")
        ('layers.0', 'neurons.3')
    """
    return tuple(_MODULE_PART.findall(name))


class _Graph:
    """One graph in traversal order, each value with the module path it is drawn in."""

    def __init__(self, root: Value) -> None:
        self.nodes = topological_order(root)
        self.index = {node: i for i, node in enumerate(self.nodes)}
        self.paths = self._module_paths()
        self.depth = max((len(p) for p in self.paths), default=0)

    def _module_paths(self) -> list[ModulePath]:
        split: dict[str, ModulePath] = {}  # memo: thousands of nodes share a module
        known: dict[str, ModulePath] = {}  # every module and enclosing module, by full name
        paths: list[ModulePath | None] = []
        for node in self.nodes:
            if node.module is None:
                paths.append(None if node.op is None else ())
                continue
            if node.module not in split:
                parts = split[node.module] = split_module(node.module)
                for k in range(1, len(parts) + 1):
                    known.setdefault(".".join(parts[:k]), parts[:k])
            paths.append(split[node.module])
        # Parameters are made outside any scope but named after their module.
        for i, node in enumerate(self.nodes):
            if paths[i] is None and "." in node.label:
                paths[i] = known.get(node.label.rpartition(".")[0])
        # Other leaves (inputs, constants) join the innermost module that holds
        # all their consumers, so their edges stay inside it.
        shared: dict[int, ModulePath] = {}
        for i, node in enumerate(self.nodes):
            for parent in node.parents:
                j = self.index[parent]
                if paths[j] is None:
                    shared[j] = _common_prefix(shared[j], paths[i]) if j in shared else paths[i]
        return [p if p is not None else shared.get(i, ()) for i, p in enumerate(paths)]

    # --- choosing what to draw ------------------------------------------------

    def box_of(self, i: int, depth: int) -> ModulePath | None:
        """The collapsed box value `i` belongs to at `depth`, or None if drawn itself."""
        if i == len(self.nodes) - 1:
            return None  # the root is what the picture is about: always shown
        path = self.paths[i]
        if depth == 0:
            return path[:1] if path else OUTSIDE
        return path[:depth] if len(path) >= depth else None

    def drawn_count(self, depth: int) -> int:
        boxes = set()
        single = 0
        for i in range(len(self.nodes)):
            box = self.box_of(i, depth)
            if box is None:
                single += 1
            else:
                boxes.add(box)
        return single + len(boxes)

    def example(self, depth: int) -> str:
        """A module name at `depth`, to show what that level looks like."""
        names = {".".join(path[:depth]) for path in self.paths if len(path) >= depth}
        return min(names, default="")

    def choose_depth(self, max_nodes: int, collapse: bool | int | str) -> tuple[int | None, str | None]:
        """The collapse depth (None: draw every node) and the notice that explains it."""
        n = len(self.nodes)
        if collapse is False or (collapse == "auto" and n <= max_nodes):
            return None, None
        if self.depth == 0:
            return None, (
                f"The graph has {n:,} nodes, more than max_nodes={max_nodes}, but none was computed "
                "inside a module_scope, so there is nothing to collapse: drawing every node."
            )
        if isinstance(collapse, int) and not isinstance(collapse, bool):
            # Deeper than the module tree would box nothing: the deepest level is the finest there is.
            depth, reason = min(collapse, self.depth), f"as asked (collapse={collapse})"
            if collapse > self.depth:
                reason = f"as asked (collapse={collapse}, the module tree's depth is {self.depth})"
        else:
            levels = list(range(self.depth, -1, -1))
            depth = next((d for d in levels if self.drawn_count(d) <= max_nodes), 0)
            reason = f"because the graph has {n:,} nodes, more than max_nodes={max_nodes}"
        boxes = len({self.box_of(i, depth) for i in range(n)} - {None})
        if boxes == 0:
            return None, None  # nothing to collapse: draw every node, no notice
        if depth == 0:
            level = "one box per top-level module, plus one for the nodes outside modules"
        else:
            level = f"one box per module at depth {depth}, e.g. '{self.example(depth)}'"
        finer = [
            f"collapse={d} (one box per '{self.example(d)}')"
            for d in range(depth + 1, self.depth + 1)
        ]
        expand = ", ".join(finer + [f"collapse=False or max_nodes={n} to draw every node"])
        return depth, (
            f"Collapsed {n:,} nodes into {boxes:,} module boxes ({level}), {reason}. "
            f"To expand: {expand}."
        )

    # --- DOT --------------------------------------------------------------------

    def full_dot(
        self,
        grad_of: Callable[[Value], float | None],
        color: str,
        rankdir: str,
        notice: str | None,
    ) -> str:
        """DOT for every value and operation; `grad_of` gives the gradient to show (None: not yet)."""
        clusters = _ClusterTree()
        edges: list[str] = []
        for i, node in enumerate(self.nodes):
            lines = [value_node(f"v{i}", node, grad_of(node), color)]
            if node.op is not None:
                lines.append(f'o{i} [id="o{i}" shape=circle {_OP_STYLE} label=<{escape(node.op.symbol)}>];')
                several = len(node.parents) > 1
                for pos, parent in enumerate(node.parents):
                    label = f' headlabel="{pos}"' if several else ""
                    edges.append(f'v{self.index[parent]} -> o{i} [id="e{i}_{pos}"{label}];')
                edges.append(f'o{i} -> v{i} [id="e{i}"];')
            clusters.add(self.paths[i], lines)
        return _digraph(rankdir, color, notice, clusters.dot() + edges)

    def collapsed_dot(self, depth: int, color: str, rankdir: str, notice: str | None) -> tuple[str, int]:
        """DOT with every module at `depth` drawn as one summary box; also returns the box count."""
        n = len(self.nodes)
        box_ids: dict[ModulePath, str] = {}
        members: dict[ModulePath, list[int]] = {}
        element = []  # what each value is drawn as: its own node or its box
        for i in range(n):
            box = self.box_of(i, depth)
            if box is None:
                element.append(f"v{i}")
            else:
                if box not in box_ids:
                    box_ids[box], members[box] = f"m{len(box_ids)}", []
                members[box].append(i)
                element.append(box_ids[box])

        edge_count: dict[tuple[str, str], int] = {}
        edge_pos: dict[tuple[str, str], int] = {}
        outputs: set[int] = {n - 1}
        clusters = _ClusterTree()
        for i, node in enumerate(self.nodes):
            if element[i].startswith("v") and node.op is not None:
                target = f"o{i}"
                clusters.add(self.paths[i], [
                    f'o{i} [id="o{i}" shape=circle {_OP_STYLE} label=<{escape(node.op.symbol)}>];'
                ])
                edge_count[(target, f"v{i}")] = 1
            else:
                target = element[i]
            for pos, parent in enumerate(node.parents):
                j = self.index[parent]
                if element[j] == element[i]:
                    continue  # inside one box
                outputs.add(j)
                key = (element[j], target)
                edge_count[key] = edge_count.get(key, 0) + 1
                if len(node.parents) > 1 and target.startswith("o"):
                    edge_pos[key] = pos  # operand order matters only at an operation drawn as itself
            if element[i].startswith("v"):
                clusters.add(self.paths[i], [value_node(f"v{i}", node, node.grad, color)])

        for box, ids in members.items():
            path = () if box == OUTSIDE else box[:-1]
            clusters.add(path, [self._box_node(box_ids[box], box, ids, outputs, color)])
        edges = []
        for (src, dst), count in edge_count.items():
            if count > 1:
                label = f' label="×{count}"'
            elif (src, dst) in edge_pos:
                label = f' headlabel="{edge_pos[(src, dst)]}"'
            else:
                label = ""
            edges.append(f"{src} -> {dst} [{label.strip()}];" if label else f"{src} -> {dst};")
        return _digraph(rankdir, color, notice, clusters.dot() + edges), len(box_ids)

    def _box_node(self, box_id: str, box: ModulePath, ids: list[int], outputs: set[int], color: str) -> str:
        """One module as a box: its size, its output, its largest |grad| and its zero gradients."""
        grads = [self.nodes[i].grad for i in ids]
        finite = all(math.isfinite(g) for g in grads)
        largest = max(abs(g) for g in grads) if finite else float("nan")
        zeros = sum(g == 0 for g in grads)
        out = [self.nodes[i].data for i in ids if i in outputs]
        if len(out) == 1:
            out_text = f"out {format_number(out[0])}"
        elif out:
            out_text = f"{len(out)} outs in [{format_number(min(out)).strip()}, {format_number(max(out)).strip()}]"
        else:
            out_text = "no outputs"
        if color == "grad":
            fill = colors.grad_color(largest)
        elif color == "data" and len(out) == 1:
            fill = colors.data_color(out[0])
        else:
            fill = colors.PLAIN_COLOR
        rows = [
            f"<B>{escape('.'.join(box))}</B>",
            f"{len(ids):,} nodes",
            escape(out_text),
            f"max|grad| {format_number(largest)}",
            f"zero grads {zeros:,}",
        ]
        return f'{box_id} [id="{box_id}" label=<{_table(rows, fill, rounded=True)}>];'


def _common_prefix(a: ModulePath, b: ModulePath) -> ModulePath:
    k = 0
    while k < min(len(a), len(b)) and a[k] == b[k]:
        k += 1
    return a[:k]


class _ClusterTree:
    """DOT lines grouped into nested `subgraph cluster_*` blocks by module path."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.children: dict[str, _ClusterTree] = {}
        self.name = ""

    def add(self, path: ModulePath, lines: list[str]) -> None:
        tree = self
        for k, part in enumerate(path):
            if part not in tree.children:
                child = tree.children[part] = _ClusterTree()
                child.name = ".".join(path[: k + 1])
            tree = tree.children[part]
        tree.lines.extend(lines)

    def dot(self) -> list[str]:
        out: list[str] = []
        counter = itertools.count()  # cluster ids in drawing order: deterministic

        def emit(tree: _ClusterTree, indent: str) -> None:
            out.extend(indent + line for line in tree.lines)
            for child in tree.children.values():
                out.append(f"{indent}subgraph cluster_{next(counter)} {{")
                out.append(f"{indent}  label=<{escape(child.name)}>;")
                emit(child, indent + "  ")
                out.append(f"{indent}}}")

        emit(self, "")
        return out


_BIG = 600  # DOT lines (nodes and edges) above which dot's layout effort is capped
_OP_STYLE = 'style=filled fillcolor="#f4f4f4" width=0.3 margin=0.02 fontname="Helvetica"'


def _table(rows: list[str], fill: str, rounded: bool = False) -> str:
    """A Graphviz HTML-like table, one already-escaped row per entry, on background `fill`."""
    font = colors.text_color(fill)
    style = ' STYLE="rounded"' if rounded else ""
    cells = "".join(f'<TR><TD><FONT COLOR="{font}">{row}</FONT></TD></TR>' for row in rows)
    return (
        f'<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1" '
        f'BGCOLOR="{fill}"{style}>{cells}</TABLE>'
    )


GRAD_UNKNOWN = "?".rjust(10)  # a gradient not computed yet (backward stepper), same width


def grad_text(g: float | None) -> str:
    """The gradient row of a value node: fixed width so that redrawing keeps the size."""
    return "grad " + (GRAD_UNKNOWN if g is None else format_number(g))


def value_fill(node: Value, g: float | None, color: str) -> str:
    """Background colour of a value node under `color` mode."""
    if color == "grad" and g is not None:
        return colors.grad_color(g)
    if color == "data":
        return colors.data_color(node.data)
    return colors.PLAIN_COLOR


def value_node(node_id: str, node: Value, g: float | None, color: str) -> str:
    """DOT for one value: label (if any), data and gradient, coloured by `color` mode."""
    rows = [f"<B>{escape(node.label)}</B>"] if node.label else []
    rows += [f"data {format_number(node.data)}", escape(grad_text(g))]
    fill = value_fill(node, g, color)
    return f'{node_id} [id="{node_id}" label=<{_table(rows, fill)}>];'


def _digraph(rankdir: str, color: str, notice: str | None, body: list[str]) -> str:
    # Notice and legend side by side: stacked, Graphviz would stretch the legend
    # to the notice's width.
    cells = []
    if notice:  # two lines in the picture: what was collapsed, then how to expand it
        text = escape(notice).replace(". To expand:", '.<BR ALIGN="LEFT"/>To expand:')
        cells.append(f'<TD ALIGN="LEFT"><FONT POINT-SIZE="11">{text}<BR ALIGN="LEFT"/></FONT></TD>')
    key = colors.legend(color)
    if key:
        cells.append(f"<TD>{key}</TD>")
    label = f' label=<<TABLE BORDER="0"><TR>{"".join(cells)}</TR></TABLE>> labelloc=t labeljust=l' if cells else ""
    # Network simplex and crossing minimisation dominate dot's time on big graphs
    # (27 s instead of 3 s for 1,300 values); cap them, as the picture barely changes.
    limits = " nslimit=0.5 nslimit1=0.5 mclimit=0.1" if len(body) > _BIG else ""
    head = [
        "digraph backprop {",
        f'  graph [rankdir={rankdir} fontname="Helvetica" fontsize=10 nodesep=0.15 ranksep=0.3'
        f' style="rounded,dashed" color="#999999"{limits}{label}];',
        '  node [shape=plain fontname="monospace" fontsize=10];',
        '  edge [arrowsize=0.6 fontname="Helvetica" fontsize=8 color="#555555"];',
    ]
    return "\n".join(head + ["  " + line for line in body] + ["}"]) + "\n"
