"""Re-execute the teaching notebooks in place, so their committed outputs match the current code.

The notebooks are their own source: edit a cell (in Jupyter or any editor), then run
``.venv/bin/python notebooks/build.py [NAME.ipynb ...]`` (default: every numbered notebook).
Each runs top to bottom on a fresh kernel of this Python; a cell error stops the build.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent


def execute(path: Path, cwd: Path | None = None, timeout: int = 120) -> nbformat.NotebookNode:
    """Run the notebook at `path` on a fresh "python3" kernel; return it with its outputs."""
    nb = nbformat.read(path, as_version=4)
    # No timing metadata: re-running an unchanged notebook leaves the file unchanged.
    client = NotebookClient(nb, kernel_name="python3", timeout=timeout, record_timing=False,
                            resources={"metadata": {"path": str(cwd or path.parent)}})
    client.execute()
    for cell in nb.cells:  # one print can arrive in pieces: join them, so reruns give the same file
        merged = []
        for out in cell.get("outputs", []):
            if merged and out.output_type == "stream" == merged[-1].output_type and out.name == merged[-1].name:
                merged[-1].text += out.text
            else:
                merged.append(out)
        if cell.cell_type == "code":
            cell.outputs = merged
    return nb


def main(names: list[str]) -> None:
    paths = [HERE / name for name in names] or sorted(HERE.glob("[0-9][0-9]_*.ipynb"))
    for path in paths:
        start = time.perf_counter()
        nbformat.write(execute(path), path)
        print(f"{path.name}: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
