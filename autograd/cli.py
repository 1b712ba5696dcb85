"""The `backproplab` command line (also `python -m autograd`): demo, train and report.

Every problem with the input (a missing file, an unknown column, a bad option
value) ends with one line on stderr, ``backproplab: error: ...``, and exit
status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from . import cli_commands

__all__ = ["build_parser", "main"]

EXIT_USAGE = 2      # bad input or options, as argparse's own errors
EXIT_MISSING = 1    # an optional dependency (matplotlib) is not installed


class _Parser(argparse.ArgumentParser):
    """argparse, but its errors are one line: ``backproplab: error: ...``."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"backproplab: error: {message} (see '{self.prog} --help')\n")
        sys.exit(EXIT_USAGE)


def _checked(convert: Callable[[str], float], ok: Callable[[float], bool], what: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if not ok(value):
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
        return value
    return parse


_positive_int = _checked(int, lambda v: v >= 1, "a whole number >= 1")
_seed = _checked(int, lambda v: v >= 0, "a whole number >= 0")
_positive = _checked(float, lambda v: 0 < v < float("inf"), "a number > 0")
_non_negative = _checked(float, lambda v: 0 <= v < float("inf"), "a number >= 0")
_unit = _checked(float, lambda v: 0 <= v <= 1, "a number between 0 and 1")
_fraction = _checked(float, lambda v: 0 < v < 1, "a fraction strictly between 0 and 1")


def _hidden(text: str) -> list[int]:
    """Hidden layer sizes such as "16,16"."""
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        sizes = []
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"expected layer sizes such as 16,16 (whole numbers >= 1), got {text!r}")
    return sizes


def _delimiter(text: str) -> str:
    """One character that separates the CSV's fields; "tab" (or \\t) for a tab."""
    text = {"tab": "\t", "\\t": "\t"}.get(text, text)
    if len(text) != 1:
        raise argparse.ArgumentTypeError(f"expected one character such as ';' or the word tab, got {text!r}")
    return text


def _csv_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", required=True, metavar="COLUMN", help="the label column (numbers or text)")
    parser.add_argument("--delimiter", type=_delimiter, default=",", metavar="CHAR",
                        help="the character between fields: ',', ';', '|' or tab (default: ',')")


def _training_options(parser: argparse.ArgumentParser, out_default: str, epochs: int) -> None:
    group = parser.add_argument_group("training")
    group.add_argument("--hidden", type=_hidden, default=[16, 16], metavar="SIZES",
                       help="hidden layer sizes, comma-separated (default: 16,16)")
    group.add_argument("--epochs", type=_positive_int, default=epochs,
                       help=f"passes over the training rows (default: {epochs})")
    group.add_argument("--lr", type=_positive, default=0.01, help="learning rate (default: 0.01)")
    group.add_argument("--optimizer", choices=("adam", "sgd"), default="adam",
                       help="adam, or sgd with momentum 0.9 (default: adam)")
    group.add_argument("--batch-size", type=_positive_int, default=32, help="rows per step (default: 32)")
    group.add_argument("--class-weight", choices=("none", "balanced"), default="none",
                       help="'balanced' weights each class by n / (classes * count) (default: none)")
    goal = group.add_mutually_exclusive_group()
    goal.add_argument("--min-precision", type=_unit, metavar="P",
                      help="two classes: choose the threshold with the highest validation recall "
                           "whose precision is >= P (default threshold: 0.5)")
    goal.add_argument("--min-recall", type=_unit, metavar="R",
                      help="two classes: choose the threshold with the highest validation precision "
                           "whose recall is >= R")
    group.add_argument("--val-size", type=_fraction, default=0.15, help="validation share of the rows (default: 0.15)")
    group.add_argument("--test-size", type=_fraction, default=0.15, help="test share of the rows (default: 0.15)")
    group.add_argument("--seed", type=_seed, default=0, help="seeds the split, the weights and the batches (default: 0)")
    parser.add_argument("--out", default=out_default, metavar="DIR",
                        help=f"folder for the model, plots and report (default: {out_default})")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def build_parser() -> argparse.ArgumentParser:
    """The parser of the `backproplab` command and its subcommands."""
    parser = _Parser(prog="backproplab", description="See and test backpropagation: train a small MLP, "
                     "evaluate it, and draw its graph, its backward pass and its report.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{demo,train,report}",
                                parser_class=_Parser)
    default_out = "backproplab-output"

    demo = sub.add_parser("demo", help="train on a built-in two-moons dataset and write every output",
                          description="Train an MLP on two interleaving moons, print the metrics, confusion "
                                      "matrix and diagnosis, and write the model, plots, graph, "
                                      "step-through and report.html.")
    demo.add_argument("--samples", type=_positive_int, default=300, help="number of points (default: 300)")
    demo.add_argument("--noise", type=_non_negative, default=0.2, help="noise of the moons (default: 0.2)")
    # 30 epochs: the moons are learnt by then; more shows the diagnosis catching overfitting.
    _training_options(demo, default_out, epochs=30)
    demo.set_defaults(run=cli_commands.run_demo)

    train = sub.add_parser("train", help="train on your own CSV",
                           description="Train an MLP on a CSV with a header row and numeric feature columns; "
                                       "one column is the class label, numbers or text (two classes: a logit "
                                       "and a threshold; more: one output per class). Features are "
                                       "standardized with the training rows' mean and standard deviation.")
    train.add_argument("data", metavar="DATA.csv", help="the table to learn from")
    _csv_options(train)
    _training_options(train, default_out, epochs=100)
    train.set_defaults(run=cli_commands.run_train)

    report = sub.add_parser("report", help="rebuild the report of a saved model on a CSV",
                            description="Evaluate a model saved by 'backproplab train' on a CSV. The "
                                        "training file gives back its train/validation/test metrics; any "
                                        "other file is evaluated whole, as new data (with a warning when it "
                                        "holds the training rows in another order).")
    report.add_argument("--model", required=True, metavar="DIR_OR_FILE",
                        help="the folder 'backproplab train' wrote, or its model.json")
    report.add_argument("--data", required=True, metavar="DATA.csv", help="the table to evaluate on")
    _csv_options(report)
    report.add_argument("--out", metavar="DIR", help="folder for the plots and report (default: "
                                                     "report-<DATA name> inside the model's folder)")
    report.set_defaults(run=cli_commands.run_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `backproplab` command; returns the exit status.

    Example:
        >>> main(["train", "no-such-file.csv", "--target", "y"])  # one line on stderr says what is wrong
        2
    """
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as done:  # --help, or a usage error already reported on stderr
        return done.code if isinstance(done.code, int) else EXIT_USAGE
    try:
        # Every command writes plots: without matplotlib, say so before any work,
        # not after a whole training run.
        import viz.plots  # noqa: F401
        return args.run(args)
    except ImportError as error:
        print(f"backproplab: error: {error}", file=sys.stderr)
        return EXIT_MISSING
    except (ValueError, TypeError, OSError) as error:
        # The library's messages name the problem; one line, no traceback.
        message = " ".join(str(error).split())
        print(f"backproplab: error: {message}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
