"""Face blurring for saved images and videos, from the face landmarks already detected (0-10)."""

from __future__ import annotations

import cv2
import numpy as np

from hiprom.skeleton import FACE

__all__ = ["blur_face"]


def blur_face(image: np.ndarray, landmarks_px: np.ndarray, *, margin: float = 0.9) -> np.ndarray:
    """Blur (pixelate, then smooth) the face of one person in ``image`` in place; returns it.

    ``landmarks_px`` is that frame's ``(33, 2)`` pose landmarks; the box spans
    the visible face points, widened by ``margin`` x the face's size (at
    least 24 px) so the whole head is covered. No face points, no change.
    """
    face = np.asarray(landmarks_px, float)[FACE]
    face = face[np.isfinite(face).all(axis=1)]
    if face.shape[0] == 0:
        return image
    lo, hi = face.min(axis=0), face.max(axis=0)
    size = max(float(np.max(hi - lo)), 24.0)
    h, w = image.shape[:2]
    x0, y0 = (np.floor(lo - margin * size)).astype(int)
    x1, y1 = (np.ceil(hi + margin * size)).astype(int)
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return image
    region = image[y0:y1, x0:x1]
    cells = (max(1, (x1 - x0) // 12), max(1, (y1 - y0) // 12))
    small = cv2.resize(region, cells, interpolation=cv2.INTER_AREA)
    coarse = cv2.resize(small, (x1 - x0, y1 - y0), interpolation=cv2.INTER_NEAREST)
    image[y0:y1, x0:x1] = cv2.GaussianBlur(coarse, (0, 0), sigmaX=max(1.0, (x1 - x0) / 20))
    return image
