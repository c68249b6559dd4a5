"""Key frames of an analysis (the peak, the onset) as face-blurred JPEGs for reports."""

from __future__ import annotations

import itertools
from pathlib import Path

import cv2
import numpy as np

from hiprom._fs import atomic_output
from hiprom.landmarks import LandmarkSeries
from hiprom.report.privacy import blur_face
from hiprom.video import open_video

__all__ = ["write_key_frames"]

_CHAINS = ((11, 23, 25, 27), (12, 24, 26, 28))


def write_key_frames(
    clip: str | Path,
    series: LandmarkSeries,
    frames: dict[str, tuple[int, str]],
    out_dir: str | Path,
    *,
    blur_faces: bool = True,
    max_side_px: int = 960,
) -> dict[str, Path]:
    """Save ``frames`` (name -> (frame index, caption)) of ``clip`` as ``<out_dir>/<name>.jpg``.

    Each image has the legs' skeleton and the caption drawn, the face blurred
    (``blur_faces``), and is scaled so its longer side is at most
    ``max_side_px``. Frames past the clip's end are skipped. One decode pass.
    """
    out_dir = Path(out_dir)
    wanted: dict[int, list[tuple[str, str]]] = {}
    for name, (index, caption) in frames.items():
        wanted.setdefault(int(index), []).append((name, caption))
    written: dict[str, Path] = {}
    if not wanted:
        return written
    last = max(wanted)
    with open_video(clip) as reader:
        for i, (_, rgb) in enumerate(reader.frames()):
            if i > last:
                break
            if i not in wanted:
                continue
            for name, caption in wanted[i]:
                img = np.ascontiguousarray(rgb.copy())
                if blur_faces:
                    blur_face(img, series.image_px[i])
                _draw(img, series.image_px[i], caption)
                scale = min(1.0, max_side_px / max(img.shape[:2]))
                if scale < 1.0:
                    img = cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
                path = out_dir / f"{name}.jpg"
                ok, data = cv2.imencode(
                    ".jpg", cv2.cvtColor(img, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 85]
                )
                if ok:
                    with atomic_output(path) as tmp:
                        Path(tmp).write_bytes(data.tobytes())
                    written[name] = path
    return written


def _draw(img: np.ndarray, pts: np.ndarray, caption: str) -> None:
    width = max(2, round(max(img.shape[:2]) / 400))
    for chain, colour in zip(_CHAINS, ((255, 140, 0), (0, 160, 255)), strict=True):
        joints = [pts[j] for j in chain]
        for a, b in itertools.pairwise(joints):
            if np.isfinite(a).all() and np.isfinite(b).all():
                cv2.line(img, tuple(np.round(a).astype(int)), tuple(np.round(b).astype(int)), colour, width,
                         cv2.LINE_AA)  # fmt: skip
    scale = max(img.shape[:2]) / 1280
    org = (round(16 * scale), round(40 * scale))
    cv2.putText(img, caption, org, cv2.FONT_HERSHEY_SIMPLEX, 0.9 * scale, (0, 0, 0), 5, cv2.LINE_AA)
    cv2.putText(img, caption, org, cv2.FONT_HERSHEY_SIMPLEX, 0.9 * scale, (255, 255, 255), 2, cv2.LINE_AA)
