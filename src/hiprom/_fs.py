"""File-system and file-descriptor helpers: atomic output, silencing native logs."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hiprom.errors import OutputError

__all__ = [
    "atomic_folder",
    "atomic_output",
    "check_writable_folder",
    "quiet_native_stderr",
    "write_csv_columns",
    "write_json",
]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_output(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path; on success it replaces ``path``, on failure it is removed.

    The file gets ordinary permissions (0666 minus the umask), not mkstemp's 0600.
    Raises :class:`OutputError` when the directory or file cannot be written.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)


def _refuse_a_file(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise OutputError(f"cannot write {path}: it is a file, not a folder")


def check_writable_folder(path: str | Path) -> None:
    """:class:`OutputError` unless :func:`atomic_folder` could make ``path`` (checked now, before any
    slow work; nothing is left behind but the parent folders)."""
    path = Path(path)
    try:
        _refuse_a_file(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryDirectory(dir=path.parent, prefix=f".{path.name}.check-").cleanup()
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc


@contextlib.contextmanager
def atomic_folder(path: str | Path) -> Iterator[Path]:
    """Yield a fresh staging folder beside ``path``; on success it replaces ``path`` as a whole.

    A run stopped half-way (an error, Ctrl-C, a kill) leaves ``path`` as it was: never the
    old set's ``result.json`` beside the new set's files. Leftovers of killed runs are cleared
    first; a previous set caught between the two renames of a swap is put back.
    """
    import shutil
    import uuid

    path = Path(path)
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        for old in sorted(parent.glob(f".{path.name}.old-*")):
            if not path.exists():
                os.replace(old, path)  # killed between the renames: the last complete set comes back
            else:
                shutil.rmtree(old, ignore_errors=True)
        for partial in parent.glob(f".{path.name}.partial-*"):
            shutil.rmtree(partial, ignore_errors=True)
        _refuse_a_file(path)
        staging = parent / f".{path.name}.partial-{uuid.uuid4().hex[:8]}"
        staging.mkdir(mode=0o777 & ~_umask())
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        yield staging
        old = parent / f".{path.name}.old-{uuid.uuid4().hex[:8]}"
        if path.exists():
            os.replace(path, old)
        os.replace(staging, path)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_json(path: str | Path, data: dict) -> Path:
    """Write ``data`` as indented JSON, atomically; returns the path."""
    with atomic_output(path) as tmp:
        tmp.write_text(json.dumps(data, indent=1))
    return Path(path)


def write_csv_columns(
    path: str | Path,
    columns: dict,
    fmt: str | list[str] = "%.3f",
    missing: str | None = None,
    note: str | None = None,
) -> Path:
    """Write equal-length 1-D columns as a CSV with a header row, atomically; returns the path.

    ``missing``: what a NaN is written as (``None``: ``nan``, which ``numpy.loadtxt`` reads back;
    ``""``: an empty cell, as spreadsheets expect). ``note``: a first line, ``# note`` (the units;
    ``numpy.loadtxt`` and ``pandas.read_csv(comment="#")`` skip it).
    """
    import numpy as np

    table = np.column_stack([np.asarray(v, float) for v in columns.values()])
    buf = io.StringIO()
    np.savetxt(buf, table, delimiter=",", header=",".join(columns), comments="", fmt=fmt)
    text = ("" if note is None else f"# {note}\n") + buf.getvalue()
    if missing is not None:
        text = re.sub(r"(^|,)nan(?=,|$)", lambda m: m.group(1) + missing, text, flags=re.M)
    with atomic_output(path) as tmp, open(tmp, "w") as fh:
        fh.write(text)
    return Path(path)


@contextlib.contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """Hide the C++ runtime's INFO/WARNING chatter, written straight to fd 2.

    MediaPipe's native logging ignores GLOG/ABSL environment settings, so fd 2
    itself points at /dev/null inside this block. Python exceptions still
    propagate and are reported after it; a progress bar must write to a
    duplicate of fd 2 made beforehand (the CLI does). ``HIPROM_DEBUG=1``
    shows the native log.
    """
    if os.environ.get("HIPROM_DEBUG"):
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
