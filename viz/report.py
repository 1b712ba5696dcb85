"""The evaluation report: one self-contained HTML page (inline CSS, PNGs as base64, SVG inline, no scripts).

`report_html` lays out an `autograd.pipeline.Evaluation`: dataset summary, loss
curves, metrics per split with the majority baseline, confusion matrix,
precision-recall curve with the chosen threshold, the diagnosis with its
evidence and the computation graph of one sample. The pictures are passed in
already rendered, so the page needs neither matplotlib nor Graphviz.

Example:
    >>> page = html_page_with_sections("t", [Section("a", "Alpha", "<p>1</p>")])
    >>> page.count('<section id="a">'), "http" in page
    (1, False)
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from autograd.diagnostics import Report

from ._dot import inline_svg

if TYPE_CHECKING:
    from autograd.pipeline import Evaluation

__all__ = ["METRIC_COLUMNS", "Section", "html_page_with_sections", "png_img", "report_html", "table"]

# (key of evaluation_summary, column heading)
METRIC_COLUMNS = (
    ("accuracy", "accuracy"),
    ("precision", "precision"),
    ("recall", "recall"),
    ("f1", "F1"),
    ("balanced_accuracy", "balanced accuracy"),
    ("matthews_corrcoef", "MCC"),
    ("majority_baseline", "majority baseline"),
    ("roc_auc", "ROC AUC"),
    ("average_precision", "average precision"),
)

_CSS = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.6em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
img, svg { max-width: 100%; height: auto; display: block; margin: 0.6em 0; }
.note { color: #555; font-size: 0.92em; }
.critical { color: #b00020; } .warning { color: #b36b00; } .info { color: #2e7d32; }
details { margin: 0.2em 0 0.8em 1.2em; } code { background: #f3f3f3; padding: 0 0.2em; }
"""


@dataclass(frozen=True)
class Section:
    """One part of the page: an anchor id, a heading and its HTML body."""

    id: str
    title: str
    body: str


def html_page_with_sections(title: str, sections: Sequence[Section]) -> str:
    """A complete page: title, a table of contents, then each section."""
    toc = "".join(f'<li><a href="#{s.id}">{html.escape(s.title)}</a></li>' for s in sections)
    body = "".join(f'<section id="{s.id}">\n<h2>{html.escape(s.title)}</h2>\n{s.body}\n</section>\n'
                   for s in sections)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            f"<h1>{html.escape(title)}</h1>\n<ul>{toc}</ul>\n{body}</body>\n</html>\n")


def png_img(png: bytes, alt: str) -> str:
    """An <img> holding the PNG itself (a data: URI), so the page needs no other file.

    Example:
        >>> png_img(b"\\x89PNG", "x")
        '<img alt="x" src="data:image/png;base64,iVBORw==">'
    """
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">'


def _cell(value: Any) -> str:
    if isinstance(value, (float, np.floating)):
        # 0/0 metrics (precision with nothing flagged) are NaN: say so rather than print 0.
        return "undefined" if math.isnan(value) else f"{value:.3f}"
    return html.escape(str(value))


def table(header: Sequence[str], rows: Sequence[Sequence[Any]], css_class: str = "") -> str:
    """An HTML table; floats with 3 decimals, NaN as "undefined".

    Example:
        >>> table(["a", "b"], [["x", 0.5]])
        '<table><tr><th>a</th><th>b</th></tr><tr><td>x</td><td>0.500</td></tr></table>'
    """
    attr = f' class="{css_class}"' if css_class else ""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table{attr}><tr>{head}</tr>{body}</table>"


def _diagnosis(report: Report) -> str:
    parts = [f"<p><b>{html.escape(report.headline)}</b></p>"]
    for f in report:
        fix = f"<br><i>Try:</i> {html.escape(f.fix)}" if f.fix else ""
        evidence = table(["evidence", "value"], [[k, v] for k, v in f.to_dict()["evidence"].items()])
        parts.append(f'<p class="{f.severity}"><b>{f.severity.upper()}</b> <code>{html.escape(f.code)}</code> '
                     f"{html.escape(f.message)}{fix}</p><details open><summary>evidence</summary>{evidence}</details>")
    return "\n".join(parts)


def _figure(figures: dict[str, bytes], key: str, alt: str, missing: str) -> str:
    return png_img(figures[key], alt) if key in figures else f'<p class="note">{html.escape(missing)}</p>'


def report_html(ev: Evaluation, figures: dict[str, bytes], graph_svg: str | None, *, title: str = "backproplab report",
                graph_note: str = "") -> str:
    """The report page for an `autograd.pipeline.Evaluation`.

    Args:
        ev: the evaluation (model, preprocessing, history, splits, predictions, summaries, diagnosis).
        figures: PNG bytes by name: "history", "gradient_flow", "confusion_matrix", and when they
            apply "precision_recall", "roc", "decision_boundary"; a missing one is left out.
        graph_svg: the computation graph of one sample as SVG text, or None (then `graph_note` says why).
    """
    prep, target = ev.prep, ev.eval_split
    classes = [str(c) for c in prep.classes]
    split_sizes = ", ".join(f"{name} {len(y)}" for name, (_, y) in ev.splits.items())
    all_y = np.concatenate([y for _, y in ev.splits.values()])
    counts = np.bincount(all_y, minlength=len(classes))
    activations = ", ".join(ev.model.architecture()["activations"])
    summary = [
        ["rows", int(all_y.size)],
        ["features", f"{len(prep.feature_names)}: {', '.join(prep.feature_names)}"],
        ["label column", prep.target],
        ["class counts", ", ".join(f"{c}: {int(k)}" for c, k in zip(classes, counts))],
        ["prevalence", ", ".join(f"{c}: {k / all_y.size:.1%}" for c, k in zip(classes, counts))],
        ["splits", split_sizes],
        ["model", f"MLP {' -> '.join(str(n) for n in [ev.model.nin, *ev.model.nouts])} ({activations})"],
    ]
    if prep.mapping_text():
        summary.append(["label mapping", prep.mapping_text()])
    if prep.binary:
        summary.append(["decision threshold", f"P({classes[1]}) >= {prep.threshold:.4g} ({prep.threshold_goal})"])

    metric_note = (f"Precision, recall, F1 and average precision are for the positive class {classes[1]}."
                   if prep.binary else "Precision, recall, F1 and ROC AUC (one class against the rest) are "
                   "macro averages over the classes; ROC AUC needs every class in the split.")
    metric_rows = [[name, s["n_samples"], *(s.get(key, float("nan")) for key, _ in METRIC_COLUMNS)]
                   for name, s in ev.summaries.items()]
    metrics = (table(["split", "rows", *(h for _, h in METRIC_COLUMNS)], metric_rows, "metrics")
               + f'<p class="note">{metric_note} The majority baseline is the accuracy of always predicting '
                 "the most frequent class; an accuracy near it means the model learnt little. ROC AUC and "
                 "average precision judge the scores' ranking, whatever the threshold.</p>")

    cm = ev.confusion(target)
    cm_rows = [[f"true {c}", *row.tolist()] for c, row in zip(classes, cm)]
    confusion = (table(["", *(f"predicted {c}" for c in classes)], cm_rows, "confusion")
                 + _figure(figures, "confusion_matrix", "confusion matrix", ""))

    history = (_figure(figures, "history", "training and validation loss per epoch", "")
               + _figure(figures, "gradient_flow", "gradient norm per layer", "")
               if ev.history is not None else '<p class="note">No training history was saved with this model.</p>')

    data_note = f'<p class="warning"><b>Warning:</b> {html.escape(ev.data_note)}</p>' if ev.data_note else ""
    sections = [
        Section("dataset", "Dataset", data_note + table(["property", "value"], summary, "dataset")),
        Section("loss", "Loss curves", history),
        Section("metrics", "Metrics", metrics),
        Section("confusion", f"Confusion matrix ({target})", confusion
                + '<p class="note">Rows are the true classes, columns the predictions.</p>'),
    ]
    if prep.binary:
        sections.append(Section("pr", f"Precision-recall curve ({target})", _figure(
            figures, "precision_recall", "precision-recall curve", "No curve: this split has one class only.")
            + _figure(figures, "roc", "ROC curve", "")))
    if "decision_boundary" in figures:
        sections.append(Section("boundary", "Decision boundary", png_img(figures["decision_boundary"],
                                                                         "decision boundary")))
    sections.append(Section("diagnosis", "Diagnosis", _diagnosis(ev.diagnosis)))
    graph = inline_svg(graph_svg) if graph_svg else ""
    sections.append(Section("graph", "Computation graph of one sample",
                            f'<p class="note">{html.escape(graph_note)}</p>{graph}'))
    return html_page_with_sections(title, sections)
