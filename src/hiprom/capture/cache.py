"""A cache of landmark series keyed on clip + model + extraction settings.

Analyses rerun without pose inference when the same clip was already
processed with the same model and settings. Entries are ordinary landmark
``.npz`` files written atomically, so a killed run never leaves a corrupt entry.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from hiprom.errors import LandmarkFileError
from hiprom.landmarks import FORMAT, LandmarkSeries

__all__ = ["LandmarkCache", "default_cache_dir"]


def default_cache_dir() -> Path:
    """``$HIPROM_CACHE_DIR``, else the user's cache directory."""
    env = os.environ.get("HIPROM_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("hiprom")) / "landmarks"


class LandmarkCache:
    """Directory of cached series; :meth:`key` names an entry."""

    def __init__(self, directory: str | Path | None = None):
        self.directory = Path(directory) if directory else default_cache_dir()

    @staticmethod
    def key(clip_sha256: str, model_sha256: str, settings: dict[str, Any]) -> str:
        blob = json.dumps(
            {"clip": clip_sha256, "model": model_sha256, "format": FORMAT, **settings}, sort_keys=True
        )
        return f"{clip_sha256[:16]}-{hashlib.sha256(blob.encode()).hexdigest()[:16]}"

    def path(self, key: str) -> Path:
        return self.directory / f"{key}.npz"

    def get(self, key: str) -> LandmarkSeries | None:
        path = self.path(key)
        if not path.is_file():
            return None
        try:
            return LandmarkSeries.load(path)
        except LandmarkFileError:
            path.unlink(missing_ok=True)  # unreadable entry: recompute
            return None

    def put(self, key: str, series: LandmarkSeries) -> None:
        try:
            series.save(self.path(key))
        except Exception:
            pass
