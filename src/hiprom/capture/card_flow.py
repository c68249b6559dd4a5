"""Following the pelvis card between ArUco detections (image alignment).

ArUco needs the marker's whole black border on a light surround; a strapped
card on a curved hip loses that for long stretches of the raise (the
buttock's edge or the raised thigh touches a corner, motion blurs it) while
the marker's own pattern is still plainly visible. Between detections the
card is followed by aligning the last detection's marker patch (its inner
:data:`INNER` share, clear of what touches the border) to each new frame
with OpenCV's ECC maximisation under a rigid (rotation + translation) warp,
started from the previous frame's warp. The rotation is measured against
the detection itself, so errors do not compound frame to frame (point
tracking with Lucas-Kanade under-read a turning card by ~10 %, compounding).
Each detection resets the track; it gives up after ``max_frames`` without a
detection or when the alignment's correlation falls below ``min_cc``.
The benchmark measures the followed frames' tilt error (``bench/realism.py``).
"""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["INNER", "CardFlow"]

INNER = 0.85  # the share of the marker (about its centre) that is aligned
_CRITERIA = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 60, 1e-5)


class CardFlow:
    """Follows the card's in-plane angle between detections (frames in order, grey uint8)."""

    def __init__(self, max_frames: int = 45, min_cc: float = 0.85):
        self.max_frames = max_frames
        self.min_cc = min_cc
        self._template: np.ndarray | None = None
        self._mask: np.ndarray | None = None
        self._warp = np.eye(2, 3, dtype=np.float32)
        self._angle = np.nan
        self._since = 0

    def reset(self, gray: np.ndarray, corners_px: np.ndarray, angle_ccw_deg: float) -> None:
        """A detection: ``corners_px`` (4, 2) of the marker in ``gray``, its counter-clockwise angle."""
        quad = np.asarray(corners_px, np.float32)
        centre = quad.mean(axis=0)
        inside = centre + INNER * (quad - centre)
        x0, y0 = np.floor(inside.min(axis=0)).astype(int)
        x1, y1 = np.ceil(inside.max(axis=0)).astype(int) + 1
        h, w = gray.shape
        if x0 < 0 or y0 < 0 or x1 > w or y1 > h or min(x1 - x0, y1 - y0) < 8:
            self._template = None  # at the frame's edge or too small to follow
            return
        self._template = np.ascontiguousarray(gray[y0:y1, x0:x1])
        mask = np.zeros(self._template.shape, np.uint8)
        cv2.fillConvexPoly(mask, np.round(inside - (x0, y0)).astype(np.int32), 255)
        self._mask = mask
        self._warp = np.array([[1, 0, x0], [0, 1, y0]], np.float32)  # template -> frame coordinates
        self._angle, self._since = float(angle_ccw_deg), 0

    def step(self, gray: np.ndarray) -> float:
        """The card's angle in ``gray`` (the next frame), or NaN when it cannot be followed."""
        if self._template is None:
            return np.nan
        self._since += 1
        if self._since > self.max_frames:
            return self._lose()
        warp = self._warp.copy()
        try:
            if hasattr(cv2, "findTransformECCWithMask"):  # OpenCV >= 4.12: only the marker's pattern counts
                cc, warp = cv2.findTransformECCWithMask(
                    self._template, gray, self._mask, None, warp, cv2.MOTION_EUCLIDEAN, _CRITERIA, 3
                )
            else:
                cc, warp = cv2.findTransformECC(
                    self._template, gray, warp, cv2.MOTION_EUCLIDEAN, _CRITERIA, None, 3
                )
        except cv2.error:  # did not converge
            return self._lose()
        if not cc >= self.min_cc:
            return self._lose()
        self._warp = warp
        # the template's x axis turned towards +y (down) by theta: the card turned clockwise on screen
        return self._angle - float(np.degrees(np.arctan2(warp[1, 0], warp[0, 0])))

    def _lose(self) -> float:
        self._template = self._mask = None
        return np.nan
