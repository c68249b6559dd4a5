"""The one place that wires hiprom's stages together.

``clip -> landmarks`` (cached) today; the analyses plug in here, and the CLI
and web app call only these functions.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path

from hiprom.cache import LandmarkCache
from hiprom.landmarks import LandmarkSeries
from hiprom.pose import ProgressFn, extract_landmarks, resolve_model
from hiprom.tracking import check_person_rule
from hiprom.video import open_video, sha256_file

__all__ = ["LandmarkRun", "get_landmarks"]


@dataclass(frozen=True)
class LandmarkRun:
    """A landmark series and how it was obtained."""

    series: LandmarkSeries
    from_cache: bool
    elapsed_s: float


def get_landmarks(
    clip: str | Path,
    *,
    model_path: str | Path | None = None,
    max_people: int = 2,
    person: str = "auto",
    max_size_px: int | None = None,
    use_cache: bool = True,
    cache_dir: str | Path | None = None,
    progress: ProgressFn | None = None,
) -> LandmarkRun:
    """Landmarks of the tested person in ``clip``, from the cache when possible.

    Raises the :mod:`hiprom.errors` kinds for bad input (see
    :func:`hiprom.pose.extract_landmarks`).
    """
    start = time.perf_counter()
    check_person_rule(person)
    with open_video(clip):  # fail fast, with the video's own error, before hashing
        pass
    _, model_sha = resolve_model(model_path)
    clip_sha = sha256_file(clip)
    settings = {"max_people": max_people, "person": person, "max_size_px": max_size_px}
    cache = LandmarkCache(cache_dir) if use_cache else None
    key = LandmarkCache.key(clip_sha, model_sha, settings)
    if cache is not None and (hit := cache.get(key)) is not None:
        return LandmarkRun(hit, True, time.perf_counter() - start)
    series = extract_landmarks(
        clip,
        model_path=model_path,
        max_people=max_people,
        person=person,
        max_size_px=max_size_px,
        progress=progress,
    )
    series = dataclasses.replace(series, meta={**series.meta, "clip_sha256": clip_sha})
    if cache is not None:
        cache.put(key, series)
    return LandmarkRun(series, False, time.perf_counter() - start)
