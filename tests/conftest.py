"""Shared fixtures: where the reference clips are, and the real-model runs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("HIPROM_SHARED_DIR", ROOT.parent / "shared"))
SAMPLE_DATA = SHARED / "sample_data"


def shared_clip(relpath: str) -> Path:
    """Path of a reference clip under ../shared/sample_data, or skip with the reason."""
    path = SAMPLE_DATA / relpath
    if not path.is_file():
        pytest.skip(f"reference clip {path} is absent (../shared is not beside this checkout)")
    return path


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Never read or write the user's real landmark cache."""
    monkeypatch.setenv("HIPROM_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture(scope="session")
def real_runs():
    """Real-model landmark series of the reference clips, computed once per session."""
    from hiprom.pose import extract_landmarks

    cache: dict[tuple, object] = {}

    def get(path: Path, **kwargs):
        key = (str(path), tuple(sorted(kwargs.items())))
        if key not in cache:
            cache[key] = extract_landmarks(path, **kwargs)
        return cache[key]

    return get


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """The bundled synthetic sample clips (committed)."""
    return ROOT / "sample_videos"
