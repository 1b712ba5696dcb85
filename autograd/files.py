"""Writing files all at once: a reader (or a crash) sees the old file or the new one, never half."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_atomic"]


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
    path = Path(path)
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
