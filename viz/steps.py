"""Replay backpropagation one operation at a time, as frames of one drawing with a fixed layout.

The graph is laid out once by `dot`; each frame is that same SVG with new
gradient numbers and colours, so nothing moves while stepping.

Example:
    >>> from autograd import Value
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> steps = backward_steps(a * b + a)
    >>> len(steps), steps.captions[0]
    (2, 'step 1/2: + sends its gradient +1.0000 to 2 inputs')
"""

from __future__ import annotations

import html
import itertools
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

from autograd.engine import Value, backpropagate
from autograd.files import write_atomic

from . import colors
from ._dot import GraphvizNotFoundError, format_number, html_page, inline_svg, render
from .graph import _check_options, _Graph, grad_text

__all__ = ["BackwardSteps", "backward_steps"]

_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"
_HIGHLIGHT = "#d62728"
_NBSP = "\u00a0"  # dot writes label spaces as no-break spaces; SVG would collapse plain ones

# How a frame marks the operation being processed: (part of the SVG group, attributes).
# The same table drives the Python frames and the JavaScript player.
_MARKS = {
    "op": ("shape", {"stroke": _HIGHLIGHT, "stroke-width": "3", "fill": "#fdd0a2"}),
    "value": ("border", {"stroke": _HIGHLIGHT, "stroke-width": "3"}),
    "edge": ("edge", {"stroke": _HIGHLIGHT, "stroke-width": "2.5", "fill": _HIGHLIGHT}),
}

_widget_ids = itertools.count()


def backward_steps(root: Value, *, max_nodes: int = 300, rankdir: str = "LR") -> BackwardSteps:
    """Replay the backward pass from `root`, one frame per operation node.

    Each frame highlights the operation just processed and the edges its
    gradient flowed along, with the gradients known so far filled in and
    coloured by |grad|. The values' ``.grad`` are not touched.

    Args:
        root: the output to backpropagate from.
        max_nodes: refuse graphs with more values than this (one frame per operation).
        rankdir: Graphviz direction, as in `draw_graph`.

    Returns:
        A `BackwardSteps`: a slider-and-play widget in Jupyter, `.frames` as SVG
        strings, and `.save(path)` to one self-contained HTML file.

    Example:
        >>> from autograd import Value
        >>> x = Value(3.0, label="x")
        >>> steps = backward_steps((x * x).tanh())
        >>> len(steps), x.grad           # two operations; x.grad untouched
        (2, 0.0)
    """
    if not isinstance(root, Value):
        raise TypeError(f"backward_steps: root must be a Value, got {type(root).__name__}")
    _check_options("backward_steps", "grad", max_nodes, rankdir)
    graph = _Graph(root)
    if len(graph.nodes) > max_nodes:
        raise ValueError(
            f"backward_steps: the graph has {len(graph.nodes):,} values, more than "
            f"max_nodes={max_nodes}; stepping is for small graphs (pass a larger max_nodes "
            "to step through it anyway, or use draw_graph for the whole picture)"
        )

    steps: list[dict] = []

    def record(node: Value, parents, contributions, grads_so_far) -> None:
        i = graph.index[node]
        updates = []
        for parent in dict.fromkeys(parents):  # a + a updates a once
            g = grads_so_far[parent]
            fill = colors.grad_color(g)
            text = grad_text(g).replace(" ", _NBSP)
            updates.append([f"v{graph.index[parent]}", text, fill, colors.text_color(fill)])
        marks = [[f"o{i}", "op"], [f"v{i}", "value"]]
        marks += [[f"e{i}_{pos}", "edge"] for pos in range(len(parents))]
        n_inputs = len(parents)
        steps.append({
            "updates": updates,
            "marks": marks,
            "caption": (
                f"{node.op.symbol} sends its gradient {format_number(grads_so_far[node]).strip()} "
                f"to {n_inputs} input{'s' if n_inputs != 1 else ''}"
            ),
        })

    backpropagate(root, on_step=record)
    for k, step in enumerate(steps):
        step["caption"] = f"step {k + 1}/{len(steps)}: {step['caption']}"
    source = graph.full_dot(lambda node: 1.0 if node is root else None, "grad", rankdir, None)
    return BackwardSteps(source, steps)


class BackwardSteps:
    """The frames of one backward pass over one fixed layout; a slider widget in Jupyter.

    Attributes:
        source: DOT text of the layout (the state before the first step).
        captions: one line per frame saying what happened in it.
    """

    def __init__(self, source: str, steps: list[dict]) -> None:
        self.source = source
        self._steps = steps
        self.captions = [step["caption"] for step in steps]
        self._svg: str | None = None
        self._frames: list[str] | None = None

    def __len__(self) -> int:
        return len(self._steps)

    def __repr__(self) -> str:
        return f"<BackwardSteps {len(self)} frames>"

    def _base_svg(self) -> str:
        if self._svg is None:
            self._svg = inline_svg(render(self.source, "svg", "BackwardSteps").decode("utf-8"))
        return self._svg

    @property
    def frames(self) -> list[str]:
        """One SVG string per operation node: the layout with that step's colours and numbers.

        Raises:
            GraphvizNotFoundError: the `dot` program is not installed.
        """
        if self._frames is None:
            tree = _parse_svg(self._base_svg())
            groups = {g.get("id"): g for g in tree.iter("g")}
            frames = []
            for step in self._steps:
                for node_id, text, fill, font in step["updates"]:
                    _set_value(groups[node_id], text, fill, font)
                undo = [_mark(groups[element_id], kind) for element_id, kind in step["marks"]]
                frames.append(ET.tostring(tree, encoding="unicode"))
                for changes in undo:
                    for element, name, old in changes:
                        _set(element, name, old)
            self._frames = frames
        return self._frames

    def to_html(self) -> str:
        """The player as an HTML fragment: the SVG inline, a slider, a play button, no network."""
        widget = f"bpl-steps-{next(_widget_ids)}"
        data = {"steps": self._steps, "marks": _MARKS}
        # "<" escaped so that no "</script>" inside the data can end the script.
        payload = json.dumps(data).replace("<", "\\u003c")
        return _PLAYER.format(
            id=widget, svg=self._base_svg(), last=max(len(self) - 1, 0), data=payload
        )

    def save(self, path: str | os.PathLike) -> Path:
        """Write the player to `path` (.html) as one self-contained page.

        Returns:
            The path written, as a `pathlib.Path`.
        """
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"BackwardSteps.save: path must be a str or Path, got {type(path).__name__}")
        path = Path(path)
        if path.suffix.lower() not in (".html", ".htm"):
            raise ValueError(
                f"BackwardSteps.save: unknown file suffix {path.suffix!r} in {str(path)!r}; "
                "expected .html"
            )
        write_atomic(path, html_page(path.stem, self.to_html()).encode("utf-8"))
        return path

    def _repr_html_(self) -> str:
        """Jupyter's display hook: the player, or the install hint and DOT text if `dot` is missing."""
        try:
            return self.to_html()
        except GraphvizNotFoundError as error:
            text = f"{error}\n\nDOT source:\n{self.source}"
            return f"<pre>{html.escape(text)}</pre>"


# --- editing the SVG that dot wrote ------------------------------------------------
# A value node's group holds its background polygon first, its texts (the
# gradient last) and its border polygon last; an edge holds a path and an arrowhead.


def _parse_svg(svg: str) -> ET.Element:
    """Parse dot's SVG with plain tag names; the namespaces become ordinary attributes.

    (ElementTree would otherwise write "ns0:" prefixes on every tag.)
    """
    tree = ET.fromstring(svg)
    for element in tree.iter():
        element.tag = element.tag.rpartition("}")[2]
        for name in [name for name in element.attrib if name.startswith(f"{{{_XLINK_NS}}}")]:
            element.set("xlink:" + name.rpartition("}")[2], element.attrib.pop(name))
    tree.set("xmlns", _SVG_NS)
    tree.set("xmlns:xlink", _XLINK_NS)
    return tree


def _children(group: ET.Element, tag: str) -> list[ET.Element]:
    return list(group.iter(tag))


def _set(element: ET.Element, name: str, value: str | None) -> None:
    if value is None:
        element.attrib.pop(name, None)
    else:
        element.set(name, value)


def _set_value(group: ET.Element, text: str, fill: str, font: str) -> None:
    _children(group, "polygon")[0].set("fill", fill)
    texts = _children(group, "text")
    texts[-1].text = text
    for t in texts:
        t.set("fill", font)


def _parts(group: ET.Element, part: str) -> list[ET.Element]:
    if part == "shape":
        return (_children(group, "ellipse") + _children(group, "polygon"))[:1]
    if part == "border":
        return _children(group, "polygon")[-1:]
    return _children(group, "path") + _children(group, "polygon")


def _mark(group: ET.Element, kind: str) -> list[tuple[ET.Element, str, str | None]]:
    """Apply one highlight; return what to restore afterwards."""
    part, attributes = _MARKS[kind]
    undo = []
    for element in _parts(group, part):
        for name, value in attributes.items():
            if name == "fill" and element.tag.endswith("path"):
                continue  # an edge's path is a line: filling it would draw a blob
            undo.append((element, name, element.get(name)))
            element.set(name, value)
    return undo


_PLAYER = """<div id="{id}" class="bpl-steps" style="font-family: sans-serif">
<div style="margin-bottom: 4px">
<button type="button" class="bpl-play" style="width: 5em">&#9654; play</button>
<button type="button" class="bpl-prev">&#9664;</button>
<input type="range" class="bpl-slider" min="0" max="{last}" value="0" style="width: 40%; vertical-align: middle">
<button type="button" class="bpl-next">&#9654;</button>
<span class="bpl-caption" style="font-family: monospace"></span>
</div>
<div class="bpl-svg">{svg}</div>
<script>
(function () {{
  var root = document.getElementById("{id}");
  var data = {data};
  var box = root.querySelector(".bpl-svg"), base = box.innerHTML;
  var slider = root.querySelector(".bpl-slider"), caption = root.querySelector(".bpl-caption");
  var play = root.querySelector(".bpl-play"), timer = null;
  function group(id) {{ return box.querySelector('g[id="' + id + '"]'); }}
  function all(g, tag) {{ return Array.prototype.slice.call(g.getElementsByTagName(tag)); }}
  function parts(g, part) {{
    if (part === "shape") return all(g, "ellipse").concat(all(g, "polygon")).slice(0, 1);
    if (part === "border") return all(g, "polygon").slice(-1);
    return all(g, "path").concat(all(g, "polygon"));
  }}
  function setValue(u) {{
    var g = group(u[0]), texts = all(g, "text");
    all(g, "polygon")[0].setAttribute("fill", u[2]);
    texts[texts.length - 1].textContent = u[1];
    texts.forEach(function (t) {{ t.setAttribute("fill", u[3]); }});
  }}
  function mark(m) {{
    var spec = data.marks[m[1]];
    parts(group(m[0]), spec[0]).forEach(function (el) {{
      for (var name in spec[1]) {{
        if (name === "fill" && el.tagName.toLowerCase() === "path") continue;
        el.setAttribute(name, spec[1][name]);
      }}
    }});
  }}
  function show(k) {{
    box.innerHTML = base;  // replay from the start: every frame is base + updates 0..k
    if (!data.steps.length) {{ caption.textContent = "no operations to step through"; return; }}
    for (var s = 0; s <= k; s++) data.steps[s].updates.forEach(setValue);
    data.steps[k].marks.forEach(mark);
    slider.value = k;
    caption.textContent = data.steps[k].caption;
  }}
  function stop() {{ clearInterval(timer); timer = null; play.innerHTML = "&#9654; play"; }}
  play.onclick = function () {{
    if (timer) {{ stop(); return; }}
    if (+slider.value >= data.steps.length - 1) show(0);
    play.innerHTML = "&#10074;&#10074; pause";
    timer = setInterval(function () {{
      var k = +slider.value + 1;
      if (k >= data.steps.length) {{ stop(); return; }}
      show(k);
    }}, 800);
  }};
  slider.oninput = function () {{ stop(); show(+slider.value); }};
  root.querySelector(".bpl-prev").onclick = function () {{ stop(); show(Math.max(+slider.value - 1, 0)); }};
  root.querySelector(".bpl-next").onclick = function () {{
    stop(); show(Math.min(+slider.value + 1, Math.max(data.steps.length - 1, 0)));
  }};
  show(0);
}})();
</script>
</div>"""
