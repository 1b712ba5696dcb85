"""Saving and loading files: atomic writes, and JSON documents tagged with their format and version."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["read_document", "write_atomic", "write_document"]


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write `data` (text as UTF-8, or bytes) to `path` atomically.

    The data goes to a temporary file in the same folder, is flushed to disk,
    and then renamed over `path` in one step (``os.replace``), so an
    interrupted save leaves the previous file untouched.

    Example:
        >>> import os, tempfile
        >>> folder = tempfile.mkdtemp()
        >>> write_atomic(os.path.join(folder, "note.txt"), "hello")
        >>> open(os.path.join(folder, "note.txt")).read(), os.listdir(folder)
        ('hello', ['note.txt'])
    """
    given = Path(path)
    path = given.resolve() if given.is_symlink() else given  # write through a link, keep the link
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot save {os.fspath(given)}: no folder {os.fspath(path.parent)}")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    # mkstemp makes the file private (0600); a saved file should keep the old
    # file's permissions, or be readable like any new file.
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def write_document(path: str | os.PathLike[str], format_name: str, version: int,
                   content: dict[str, Any]) -> None:
    """Save `content` as JSON tagged ``{"format": format_name, "version": version, ...}``, atomically.

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "doc.json")
        >>> write_document(path, "demo", 1, {"x": 0.1})
        >>> read_document(path, "demo", 1, ValueError, "load", "demo")["x"]
        0.1
    """
    document = {"format": format_name, "version": version, **content}
    write_atomic(path, json.dumps(document, indent=1) + "\n")


def read_document(path: str | os.PathLike[str], format_name: str, version: int,
                  error: type[Exception], who: str, kind: str) -> dict[str, Any]:
    """Read a document saved by `write_document`, checking its format and version.

    Raises:
        FileNotFoundError: no such file.
        error: (built with one message naming `who`, the path and the `kind` of
            file expected) the file is not JSON, is truncated, or has another
            format or version.
    """
    path = os.fspath(path)
    with open(path, "rb") as f:
        raw = f.read()
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as problem:
        raise error(f"{who}: {path}: not valid JSON (truncated or corrupted?): {problem}") from None
    if not isinstance(document, dict) or document.get("format") != format_name:
        found = document.get("format") if isinstance(document, dict) else type(document).__name__
        raise error(f"{who}: {path}: not a backproplab {kind} file (format {found!r}, "
                    f"expected {format_name!r})")
    if document.get("version") != version:
        raise error(f"{who}: {path}: unsupported version {document.get('version')!r} "
                    f"(this code reads {version})")
    return document
