"""What `backproplab demo`, `train` and `report` do once their options are parsed, and the text they print.

Example:
    >>> print(metrics_text({"test": {"n_samples": 4, "accuracy": 0.75, "precision": float("nan")}}))
    split       rows  accuracy  precision  recall      F1  bal.acc     MCC  baseline  ROC AUC      AP
    test           4     0.750        n/a     n/a     n/a      n/a     n/a       n/a      n/a     n/a
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path
from typing import Any

import numpy as np

from .data import load_csv, make_moons
from .pipeline import (
    Evaluation,
    TrainOptions,
    check_training_inputs,
    evaluate_saved,
    load_saved,
    save,
    train_classifier,
)

__all__ = ["confusion_text", "metrics_text", "report_folder", "run_demo", "run_report", "run_train"]

_COLUMNS = (("accuracy", "accuracy"), ("precision", "precision"), ("recall", "recall"), ("f1", "F1"),
            ("balanced_accuracy", "bal.acc"), ("matthews_corrcoef", "MCC"), ("majority_baseline", "baseline"),
            ("roc_auc", "ROC AUC"), ("average_precision", "AP"))


_DESCRIPTIONS = {
    "model.json": "the trained weights (MLP.load reads it)",
    "preprocessing.json": "feature names and scaling, class labels, threshold, split",
    "history.json": "loss and metrics per epoch (History.load reads it)",
    "history.png": "loss and metric curves",
    "gradient_flow.png": "gradient norm per layer over training",
    "confusion_matrix.png": "confusion matrix",
    "precision_recall.png": "precision-recall curve with the threshold",
    "roc.png": "ROC curve with the threshold",
    "decision_boundary.png": "decision boundary over the two features",
    "graph.svg": "computation graph of one sample's loss",
    "steps.html": "the backward pass, one operation at a time (open in a browser)",
    "report.html": "everything above on one self-contained page",
}


def metrics_text(summaries: dict[str, dict[str, Any]]) -> str:
    """One row per split; "n/a" where a metric is undefined (0/0) or absent."""
    header = f"{'split':<10}{'rows':>6}" + "".join(f"{h:>{max(len(h) + 2, 8)}}" for _, h in _COLUMNS)
    lines = [header]
    for name, s in summaries.items():
        cells = []
        for key, h in _COLUMNS:
            v = s.get(key, float("nan"))
            cells.append(f"{'n/a' if math.isnan(v) else f'{v:.3f}':>{max(len(h) + 2, 8)}}")
        lines.append(f"{name:<10}{s['n_samples']:>6}" + "".join(cells))
    return "\n".join(lines)


def confusion_text(ev: Evaluation) -> str:
    """The confusion matrix of the evaluated split, rows true class, columns predicted."""
    names = [str(c) for c in ev.prep.classes]
    cm = ev.confusion()
    width = max(8, *(len(n) + 7 for n in names), len(str(int(cm.max()))) + 2)
    lines = [" " * width + "".join(f"{'pred ' + n:>{width}}" for n in names)]
    for name, row in zip(names, cm):
        lines.append(f"{'true ' + name:<{width}}" + "".join(f"{int(v):>{width}}" for v in row))
    return "\n".join(lines)


def options_from(args: argparse.Namespace) -> TrainOptions:
    """The training options of a parsed `demo` or `train` command line."""
    return TrainOptions(
        hidden=tuple(args.hidden), epochs=args.epochs, lr=args.lr, optimizer=args.optimizer,
        batch_size=args.batch_size, class_weight=None if args.class_weight == "none" else args.class_weight,
        min_precision=args.min_precision, min_recall=args.min_recall, seed=args.seed,
        val_size=args.val_size, test_size=args.test_size,
    )


def _print_results(ev: Evaluation, out: Path, title: str, saved: dict[str, Path]) -> None:
    # Imported here: viz needs matplotlib, which only these commands use.
    from viz.artifacts import write_outputs

    prep = ev.prep
    if prep.mapping_text():
        print(f"Classes: {prep.mapping_text()}")
    rule = (f"P({prep.classes[1]!r}) >= {prep.threshold:.4g} ({prep.threshold_goal})" if prep.binary
            else "the class with the largest output")
    print(f"\nMetrics (prediction: {rule})")
    print(metrics_text(ev.summaries))
    print(f"\nConfusion matrix on {ev.eval_split} (rows: true class, columns: predicted)")
    print(confusion_text(ev))
    print("\nDiagnosis")
    print(ev.diagnosis)
    outputs = write_outputs(ev, out, title)
    width = max(len(str(p)) for p in [*saved.values(), *outputs.files.values()])
    print("\nFiles written")
    for path in [*saved.values(), *outputs.files.values()]:
        print(f"  {path!s:<{width}}  {_DESCRIPTIONS.get(path.name, '')}")
    for note in outputs.notes:
        print(f"  note: {note}")


def _out_folder(path: str | Path) -> Path:
    """The --out folder, checked but not created: nothing is written before the inputs are checked."""
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {path} is a file; give a folder (it is created if missing)")
    return out


def run_demo(args: argparse.Namespace) -> int:
    """Train on a built-in moons dataset, print the evaluation and write every output."""
    start = time.perf_counter()
    out = _out_folder(args.out)
    X, y = make_moons(args.samples, noise=args.noise, seed=args.seed)
    options = options_from(args)
    check_training_inputs(X, y, "label", options)
    print(f"Training an MLP 2-{'-'.join(map(str, options.hidden))}-1 on {args.samples} moons points "
          f"(noise {args.noise:g}) for {options.epochs} epochs")
    ev = train_classifier(X, y, ["x0", "x1"], "label", options, progress=not args.no_progress)
    out.mkdir(parents=True, exist_ok=True)
    saved = save(ev, out)
    _print_results(ev, out, "backproplab demo: an MLP on two moons", saved)
    print(f"\nDone in {time.perf_counter() - start:.1f} s; open {out / 'report.html'} in a browser.")
    return 0


def run_train(args: argparse.Namespace) -> int:
    """Train on the user's CSV, save the model with its preprocessing, print and write the evaluation."""
    X, y, names = load_csv(args.data, args.target, delimiter=args.delimiter)
    options = options_from(args)
    out = _out_folder(args.out)
    check_training_inputs(X, y, args.target, options)
    n_classes = np.unique(y).size
    print(f"Training an MLP {X.shape[1]}-{'-'.join(map(str, options.hidden))}-"
          f"{1 if n_classes == 2 else n_classes} on {len(y)} rows of {args.data}")
    ev = train_classifier(X, y, names, args.target, options, progress=not args.no_progress)
    out.mkdir(parents=True, exist_ok=True)
    saved = save(ev, out)
    _print_results(ev, out, f"backproplab: {Path(args.data).name}, predicting {args.target}", saved)
    return 0


def report_folder(model: str, data: str) -> Path:
    """Where `report` writes without --out: a subfolder of the model's, so the training outputs stay.

    Example:
        >>> report_folder("runs/fraud/model.json", "data/march.csv").as_posix()
        'runs/fraud/report-march'
    """
    model_path = Path(model)
    folder = model_path if model_path.is_dir() else model_path.parent
    return folder / f"report-{Path(data).stem}"


def run_report(args: argparse.Namespace) -> int:
    """Rebuild the evaluation and report of a saved model on a CSV."""
    model, prep, history = load_saved(args.model)
    if args.target != prep.target:
        raise ValueError(f"the model was trained to predict {prep.target!r}, not {args.target!r}")
    out = _out_folder(args.out or report_folder(args.model, args.data))
    X, y, names = load_csv(args.data, args.target, delimiter=args.delimiter)
    ev = evaluate_saved(model, prep, history, X, y, names)
    if ev.data_note:
        print(f"Warning: {args.data}: {ev.data_note}")
    elif ev.eval_split == "data":
        print(f"{args.data} is not the training data: every row is evaluated as new data")
    out.mkdir(parents=True, exist_ok=True)
    _print_results(ev, out, f"backproplab: {Path(args.data).name}, predicting {args.target}", {})
    print(f"\nThe report is in {out}; open {out / 'report.html'} in a browser.")
    return 0
