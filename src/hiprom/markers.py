"""The printed pelvis card (marker mode): make it, find it, read its tilt.

A square ArUco marker (OpenCV's 4x4_50 dictionary) on a rigid card strapped
over the lateral iliac crest, facing a side camera. In a side view the card's
in-plane rotation is the pelvis's sagittal rotation; single-tag out-of-plane
angles are unstable, so only the in-plane angle is used.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from hiprom.video import open_video

__all__ = ["MARKER_DICT", "detect_marker_angles", "write_marker_sheet"]

MARKER_DICT = cv2.aruco.DICT_4X4_50


def _detector() -> cv2.aruco.ArucoDetector:
    params = cv2.aruco.DetectorParameters()
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    return cv2.aruco.ArucoDetector(cv2.aruco.getPredefinedDictionary(MARKER_DICT), params)


def detect_marker_angles(clip: str | Path, *, probe_frames: int = 60, max_size_px: int | None = None):
    """In-plane angle of the card in every frame.

    Returns
    -------
    angle_ccw_deg : (n_frames,) array or None
        Counter-clockwise on-screen angle of the marker's top edge, unwrapped;
        NaN where the card is not found. ``None`` when no card is seen in the
        first ``probe_frames`` frames (a markerless clip: the pass stops early).
    marker_id : int or None
    """
    detector = _detector()
    angles: list[float] = []
    marker_id = None
    with open_video(clip, max_size_px=max_size_px) as reader:
        for i, (_, rgb) in enumerate(reader.frames()):
            corners, ids, _ = detector.detectMarkers(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
            angle = np.nan
            if ids is not None and len(ids):
                ids = ids.ravel()
                if marker_id is None:
                    marker_id = int(ids[0])
                if marker_id in ids:
                    c = corners[list(ids).index(marker_id)][0]
                    edge = c[1] - c[0]
                    angle = float(np.degrees(np.arctan2(-edge[1], edge[0])))
            angles.append(angle)
            if marker_id is None and i + 1 >= probe_frames:
                return None, None
    if marker_id is None:
        return None, None
    a = np.asarray(angles)
    good = np.isfinite(a)
    a[good] = np.degrees(np.unwrap(np.radians(a[good])))
    return a, marker_id


def write_marker_sheet(path: str | Path, marker_id: int = 7, card_mm: float = 80.0, dpi: int = 300) -> Path:
    """A printable PNG of the card at its true size (``card_mm`` square) on an A4 page.

    The marker fills 75 % of the card inside a white quiet zone; a 50 mm ruler
    lets the user check the printer kept the scale.
    """
    from hiprom._fs import atomic_output

    px_per_mm = dpi / 25.4
    page = np.full((round(297 * px_per_mm), round(210 * px_per_mm)), 255, np.uint8)
    card = round(card_mm * px_per_mm)
    inner = round(card * 0.75)
    marker = cv2.aruco.generateImageMarker(cv2.aruco.getPredefinedDictionary(MARKER_DICT), marker_id, inner)
    x0 = (page.shape[1] - card) // 2
    y0 = round(30 * px_per_mm)
    cv2.rectangle(page, (x0, y0), (x0 + card, y0 + card), 0, 2)  # cut line
    off = (card - inner) // 2
    page[y0 + off : y0 + off + inner, x0 + off : x0 + off + inner] = marker
    ruler_y = y0 + card + round(15 * px_per_mm)
    cv2.line(page, (x0, ruler_y), (x0 + round(50 * px_per_mm), ruler_y), 0, 3)
    text = f"hiprom pelvis card: ArUco 4x4_50 id {marker_id}, {card_mm:g} mm; the line is 50 mm"
    cv2.putText(page, text, (x0 - round(40 * px_per_mm), ruler_y + round(12 * px_per_mm)),
                cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 2)  # fmt: skip
    path = Path(path)
    with atomic_output(path) as tmp:
        _, data = cv2.imencode(".png", page, [cv2.IMWRITE_PNG_COMPRESSION, 9])
        tmp.write_bytes(data.tobytes())
    return path
