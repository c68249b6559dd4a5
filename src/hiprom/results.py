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

__all__ = ["SCHEMA", "clip_meta", "document", "frame_at", "num", "side_labels", "write_json"]

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


def side_labels(series: LandmarkSeries) -> dict[str, Any]:
    """How far left and right can be trusted: the clip read mirrored, as filmed, or not checked.

    A phone's front camera mirrors the picture, which swaps the body's sides;
    the pelvis card (not mirror-symmetric) tells. Without it, sides assume an
    unmirrored camera, and the result says so.
    """
    mirrored = series.meta.get("mirrored_clip")
    note = {
        True: "the clip is mirrored (the pelvis card reads mirrored, as from a front camera): left and "
        "right were corrected",
        False: "the camera did not mirror the picture (the pelvis card reads the right way round)",
        None: "left and right assume a camera that does not mirror the picture (a front camera does; no "
        "pelvis card in view to check)",
    }[mirrored]
    return {"mirrored_clip": mirrored, "note": note}


def document(
    test: str, meta: dict[str, Any], warnings: list[str], results: list[dict], *, sides: dict | None = None,
    **extra,
) -> dict:  # fmt: skip
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
        **({} if sides is None else {"side_labels": sides}),
        **extra,
        "results": results,
    }
