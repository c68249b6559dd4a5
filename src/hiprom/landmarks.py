"""The per-frame landmark series of one person, and its file format.

A :class:`LandmarkSeries` is what every analysis starts from. Time is the
first axis of every array; frames where the person was not detected hold NaN
(never dropped), so ``time_s`` stays the clip's real frame times.

File format (``.npz``, documented in ``docs/landmarks-format.md``): one
NumPy ``.npz`` archive holding the arrays below under their own names plus
``meta_json``, a UTF-8 JSON object (0-d string array) whose ``"format"`` is
:data:`FORMAT`. Files are written to a temporary name and renamed, so a crash
never leaves a half-written file behind.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from hiprom._fs import atomic_output
from hiprom.errors import LandmarkFileError
from hiprom.skeleton import N_LANDMARKS, landmark_index

__all__ = ["FORMAT", "LandmarkSeries"]

FORMAT = "hiprom.landmarks/1"

# name -> (trailing shape after n_frames, dtype)
_ARRAYS: dict[str, tuple[tuple[int, ...], type]] = {
    "time_s": ((), np.float64),
    "image_px": ((N_LANDMARKS, 2), np.float32),
    "depth_px": ((N_LANDMARKS,), np.float32),
    "visibility": ((N_LANDMARKS,), np.float32),
    "presence": ((N_LANDMARKS,), np.float32),
    "world_m": ((N_LANDMARKS, 3), np.float32),
}

#: the optional (n_frames,) card angles: the pelvis card's, the thigh card's
_CARD_ANGLES = ("marker_ccw_deg", "thigh_card_ccw_deg")


@dataclass(frozen=True, eq=False)
class LandmarkSeries:
    """Pose landmarks of one person over a clip.

    Attributes
    ----------
    time_s : (n_frames,) float64 array
        Presentation time of each frame, seconds from the clip's first
        frame; strictly increasing.
    image_px : (n_frames, 33, 2) float32 array
        Landmark x, y in pixels of the upright frame (origin top-left,
        y down). NaN where the person was not detected.
    depth_px : (n_frames, 33) float32 array
        MediaPipe's relative depth ``z`` scaled like x (pixels; smaller is
        nearer the camera; origin at the hip midpoint). Noisy; for
        near/far-side decisions only.
    visibility, presence : (n_frames, 33) float32 arrays
        MediaPipe's per-landmark probabilities of being visible (not
        occluded) and present in frame. NaN where not detected.
    world_m : (n_frames, 33, 3) float32 array
        MediaPipe's metric 3D landmarks, metres, origin between the hips.
    marker_ccw_deg : (n_frames,) float64 array or None
        The printed pelvis card's on-screen angle, found in the same pass
        (:class:`hiprom.capture.markers.MarkerTracker`; NaN where not seen); ``None``
        when no card was seen at the start or the series was made without
        looking. ``meta["marker_id"]`` names the card.
    outline_px : (n_frames, n_columns) float32 array or None
        The lower edge of the person's segmentation mask, from the same pass:
        image y (pixels) of its lowest pixel in each of ``n_columns`` evenly
        spaced columns (:mod:`hiprom.capture.outline`; NaN where none);
        ``None`` when the pass did not take it.
    thigh_card_ccw_deg : (n_frames,) float64 array or None
        The printed thigh card's on-screen angle, the same way (its own
        tracker; ``meta["thigh_card_ids"]``); ``None`` when none was seen.
    meta : dict
        JSON-serialisable facts about the clip and how the series was made
        (``width_px``, ``height_px``, ``fps_nominal``, ``rotation_deg``,
        ``clip_sha256``, ``model_sha256``, ``hiprom_version``, ...).
    """

    time_s: np.ndarray
    image_px: np.ndarray
    depth_px: np.ndarray
    visibility: np.ndarray
    presence: np.ndarray
    world_m: np.ndarray
    meta: dict[str, Any] = field(default_factory=dict)
    marker_ccw_deg: np.ndarray | None = None
    outline_px: np.ndarray | None = None
    thigh_card_ccw_deg: np.ndarray | None = None

    def __post_init__(self) -> None:
        n_frames = None
        for name, (tail, dtype) in _ARRAYS.items():
            arr = np.asarray(getattr(self, name), dtype=dtype)
            if n_frames is None:
                if arr.ndim != 1:
                    raise ValueError(f"Expected 'time_s' to have 1 dimension, but got {arr.ndim}.")
                n_frames = arr.shape[0]
            expected = (n_frames, *tail)
            if arr.shape != expected:
                raise ValueError(f"Expected {name!r} to have shape {expected}, but got {arr.shape}.")
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        for name in _CARD_ANGLES:
            if getattr(self, name) is None:
                continue
            marker = np.array(getattr(self, name), dtype=np.float64)
            if marker.shape != (n_frames,):
                raise ValueError(f"Expected {name!r} to have shape ({n_frames},), but got {marker.shape}.")
            marker.setflags(write=False)
            object.__setattr__(self, name, marker)
        if self.outline_px is not None:
            outline = np.array(self.outline_px, dtype=np.float32)
            if outline.ndim != 2 or outline.shape[0] != n_frames:
                raise ValueError(
                    f"Expected 'outline_px' to have shape ({n_frames}, n_columns), but got {outline.shape}."
                )
            outline.setflags(write=False)
            object.__setattr__(self, "outline_px", outline)
        if n_frames and np.any(np.diff(self.time_s) <= 0):
            raise ValueError("Expected 'time_s' to be strictly increasing.")
        if not np.all(np.isfinite(self.time_s)):
            raise ValueError("Expected 'time_s' to be finite.")
        json.dumps(self.meta)  # must be serialisable; raises TypeError otherwise

    @property
    def n_frames(self) -> int:
        return int(self.time_s.shape[0])

    @property
    def detected(self) -> np.ndarray:
        """(n_frames,) bool: the person was detected in that frame."""
        return np.isfinite(self.image_px[:, 0, 0])

    @property
    def detection_rate(self) -> float:
        return float(self.detected.mean()) if self.n_frames else 0.0

    @property
    def marker_followed(self) -> np.ndarray:
        """(n_frames,) bool: the card's angle came from image alignment between detections, not a read
        (:mod:`hiprom.capture.card_flow`; ``meta["marker_tracked_frames"]`` holds the runs)."""
        return self._followed("marker_tracked_frames")

    @property
    def thigh_card_followed(self) -> np.ndarray:
        """(n_frames,) bool: as :attr:`marker_followed`, for the thigh card."""
        return self._followed("thigh_card_tracked_frames")

    def _followed(self, key: str) -> np.ndarray:
        followed = np.zeros(self.n_frames, bool)
        for start, stop in self.meta.get(key) or []:
            followed[start:stop] = True
        return followed

    @property
    def image_size_px(self) -> tuple[int, int]:
        """(width, height) of the upright frames."""
        return int(self.meta["width_px"]), int(self.meta["height_px"])

    def point(self, name: str) -> np.ndarray:
        """(n_frames, 2) image track of one landmark, by name."""
        return self.image_px[:, landmark_index(name)]

    # ---- file format -------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write the series to ``path`` (``.npz``) atomically; returns the path."""
        path = Path(path)
        meta = {"format": FORMAT, **self.meta}
        arrays = {name: getattr(self, name) for name in _ARRAYS}
        for name in _CARD_ANGLES:
            if getattr(self, name) is not None:
                arrays[name] = getattr(self, name)
        if self.outline_px is not None:
            arrays["outline_px"] = self.outline_px
        arrays["meta_json"] = np.array(json.dumps(meta, sort_keys=True))
        with atomic_output(path) as tmp, open(tmp, "wb") as fh:
            np.savez_compressed(fh, **arrays)
        return path

    @classmethod
    def load(cls, path: str | Path) -> LandmarkSeries:
        """Read a series written by :meth:`save`."""
        path = Path(path)
        try:
            with open(path, "rb") as fh, np.load(fh, allow_pickle=False) as npz:
                meta = json.loads(str(npz["meta_json"]))
                if meta.get("format") != FORMAT:
                    raise LandmarkFileError(
                        f"{path.name}: unknown landmark format {meta.get('format')!r}, expected {FORMAT!r}"
                    )
                arrays = {name: npz[name] for name in _ARRAYS}
                for name in _CARD_ANGLES:
                    if name in npz.files:
                        arrays[name] = npz[name]
                if "outline_px" in npz.files:
                    arrays["outline_px"] = npz["outline_px"]
        except FileNotFoundError:
            raise LandmarkFileError(f"no such landmark file: {path}") from None
        except (OSError, EOFError, KeyError, ValueError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
            if isinstance(exc, LandmarkFileError):
                raise
            raise LandmarkFileError(f"{path.name} is not a hiprom landmark file ({exc})") from exc
        meta.pop("format")
        return cls(**arrays, meta=meta)
