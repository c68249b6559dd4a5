"""Result documents: the versioned JSON every analysis writes, and helpers the protocols share.

Schema ``hiprom.result/1`` (documented in docs/knee-to-chest.md and
docs/hip-ir.md): a top-level object with ``schema``, ``test``, ``clip``,
``hiprom_version``, ``quality`` and ``results``, one entry per analysed rep
and side (knee-to-chest) or per tested side (hip-ir, which adds ``position``
and ``findings``). Each protocol (:mod:`hiprom.protocols`) builds its entries.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from hiprom._fs import write_json

if TYPE_CHECKING:
    from hiprom.landmarks import LandmarkSeries

__all__ = ["SCHEMA", "clip_meta", "document", "frame_at", "num", "write_json"]

SCHEMA = "hiprom.result/1"

#: the clip facts a result document carries
_CLIP_FIELDS = (
    "clip_name",
    "clip_sha256",
    "width_px",
    "height_px",
    "fps_measured",
    "n_frames",
    "model_sha256",
)


def num(x: float | None, digits: int = 1) -> float | None:
    """A number for JSON: rounded, ``None`` for missing or not finite."""
    if x is None or not math.isfinite(x):
        return None
    return round(float(x), digits)


def clip_meta(series: LandmarkSeries) -> dict[str, Any]:
    """The clip facts of a landmark series that go into ``result.json``'s ``clip``."""
    return {k: series.meta.get(k) for k in _CLIP_FIELDS}


def frame_at(series: LandmarkSeries, time_s: float) -> int:
    """Index of the first frame at or after ``time_s`` (the last frame past the end)."""
    return int(min(np.searchsorted(series.time_s, time_s), series.n_frames - 1))


def document(test: str, meta: dict[str, Any], warnings: list[str], results: list[dict], **extra) -> dict:
    """A whole result document; ``extra`` (e.g. ``position``, ``findings``) in the schema's order."""
    from hiprom import __version__

    head: dict[str, Any] = {"schema": SCHEMA, "test": test}
    if "position" in extra:
        head["position"] = extra.pop("position")
    return {
        **head,
        "hiprom_version": __version__,
        "clip": meta,
        "quality": {"warnings": warnings},
        **extra,
        "results": results,
    }
