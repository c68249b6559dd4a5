"""Key frames of an analysis (the peak, the onset) as face-blurred JPEGs for reports.

They are taken during the annotated video's decode pass (:func:`hiprom.report.overlay.render_clip`),
from the frames as filmed: the legs' skeleton, a caption, the face blurred.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from hiprom._fs import atomic_output
from hiprom.report.draw import label, leg_skeleton
from hiprom.report.privacy import blur_face

__all__ = ["KeyFrame", "write_key_frame"]

KeyFrame = tuple[int, str]  # (frame index, caption)


def write_key_frame(
    rgb: np.ndarray,
    pts: np.ndarray,
    caption: str,
    path: Path,
    *,
    blur_faces: bool = True,
    max_side_px: int = 960,
) -> bool:
    """Save one frame (``(h, w, 3)`` RGB, not modified) with its ``(33, 2)`` landmarks drawn as ``path``.

    The image is scaled so its longer side is at most ``max_side_px``.
    Returns whether it was written.
    """
    img = np.ascontiguousarray(rgb.copy())
    if blur_faces:
        blur_face(img, pts)
    width = max(2, round(max(img.shape[:2]) / 400))
    leg_skeleton(img, pts, {"left": width, "right": width}, joints=False)
    scale = max(img.shape[:2]) / 1280
    label(img, caption, (round(16 * scale), round(40 * scale)), 0.9 * scale, outline=5, stroke=2)
    shrink = min(1.0, max_side_px / max(img.shape[:2]))
    if shrink < 1.0:
        img = cv2.resize(img, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA)
    ok, data = cv2.imencode(".jpg", cv2.cvtColor(img, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 85])
    if ok:
        with atomic_output(path) as tmp:
            Path(tmp).write_bytes(data.tobytes())
    return bool(ok)
