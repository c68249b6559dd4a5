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

from hiprom.capture.card_flow import CardFlow
from hiprom.capture.video import open_video
from hiprom.kinematics.filtering import runs

__all__ = ["MARKER_DICT", "MarkerTracker", "detect_marker_angles", "write_marker_sheet"]

MARKER_DICT = cv2.aruco.DICT_4X4_50


def _detector() -> cv2.aruco.ArucoDetector:
    params = cv2.aruco.DetectorParameters()
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    return cv2.aruco.ArucoDetector(cv2.aruco.getPredefinedDictionary(MARKER_DICT), params)


class MarkerTracker:
    """Finds the card frame by frame, fed by whoever decodes the clip (the pose pass does).

    The first id seen is followed. If no card shows in the first
    ``probe_frames`` frames the clip is markerless and detection stops (the
    remaining frames cost nothing). ArUco markers are not mirror-symmetric:
    a card found only in the mirror image of the frames means the clip itself
    is mirrored (a front camera); :attr:`mirrored` says so, and the angles are
    then read on the un-mirrored frames and given in the frames' own
    coordinates. (Four ids of the 4x4_50 dictionary, 8, 9, 17 and 47, read
    the same mirrored, so they cannot tell; the default card, 7, can.)
    """

    def __init__(self, probe_frames: int = 60, follow: bool = True):
        self._detector = _detector()
        self._probe_frames = probe_frames
        self._angles: list[float] = []
        self._tracked: list[bool] = []
        self._flow = CardFlow() if follow else None  # between detections (hiprom.capture.card_flow)
        self.marker_id: int | None = None
        self.mirrored: bool | None = None  # None: no card seen

    def _find(self, gray: np.ndarray) -> tuple[int, np.ndarray] | None:
        corners, ids, _ = self._detector.detectMarkers(gray)
        if ids is None or not len(ids):
            return None
        ids = [int(i) for i in np.ravel(ids)]
        want = self.marker_id if self.marker_id is not None else ids[0]
        return (want, corners[ids.index(want)][0]) if want in ids else None

    def update(self, rgb: np.ndarray) -> None:
        """Read one RGB frame (call once per frame, in order)."""
        angle, tracked = np.nan, False
        if self.marker_id is not None or len(self._angles) < self._probe_frames:
            gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
            found = None
            if not self.mirrored:
                found = self._find(gray)
                if found is not None and self.mirrored is None:
                    self.mirrored = False
            if found is None and self.mirrored is not False:
                found = self._find(cv2.flip(gray, 1))
                if found is not None and self.mirrored is None:
                    self.mirrored = True
            if found is not None:
                self.marker_id = found[0]
                edge = found[1][1] - found[1][0]
                angle = float(np.degrees(np.arctan2(-edge[1], edge[0])))
                corners = found[1].copy()
                if self.mirrored:  # the same edge in the frames as filmed: x reversed
                    angle = 180.0 - angle
                    corners[:, 0] = gray.shape[1] - 1 - corners[:, 0]
                if self._flow is not None:
                    self._flow.reset(gray, corners, angle)
            elif self._flow is not None and self.marker_id is not None:
                angle = self._flow.step(gray)
                tracked = bool(np.isfinite(angle))
        self._tracked.append(tracked)
        self._angles.append(angle)

    def tracked_runs(self) -> list[list[int]]:
        """``[start, stop)`` frame runs whose angle came from the flow, not a detection."""
        return runs(np.asarray(self._tracked, bool)).tolist()

    def angles(self) -> np.ndarray | None:
        """(n_frames,) counter-clockwise on-screen angle of the card's top edge, unwrapped, NaN where
        not found; ``None`` for a markerless clip."""
        if self.marker_id is None:
            return None
        a = np.asarray(self._angles, dtype=float)
        good = np.isfinite(a)
        a[good] = np.degrees(np.unwrap(np.radians(a[good])))
        return a


def detect_marker_angles(clip: str | Path, *, probe_frames: int = 60, max_size_px: int | None = None):
    """In-plane angle of the card in every frame of ``clip``, in a pass of its own.

    The analysis gets the same angles from the pose pass
    (:attr:`hiprom.landmarks.LandmarkSeries.marker_ccw_deg`); this decodes the
    clip again (the throughput bench's baseline, and the check that the pose
    pass reads the card the same way).

    Returns
    -------
    angle_ccw_deg : (n_frames,) array or None
        See :meth:`MarkerTracker.angles`.
    marker_id : int or None
    """
    tracker = MarkerTracker(probe_frames)
    with open_video(clip, max_size_px=max_size_px) as reader:
        for i, (_, rgb) in enumerate(reader.frames()):
            tracker.update(rgb)
            if tracker.marker_id is None and i + 1 >= probe_frames:
                return None, None
    return tracker.angles(), tracker.marker_id


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
    for i, line in enumerate(PLACEMENT):
        cv2.putText(page, line, (round(15 * px_per_mm), ruler_y + round((26 + 7 * i) * px_per_mm)),
                    cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)  # fmt: skip
    path = Path(path)
    with atomic_output(path) as tmp:
        _, data = cv2.imencode(".png", page, [cv2.IMWRITE_PNG_COMPRESSION, 9])
        tmp.write_bytes(_with_dpi(data.tobytes(), dpi))
    return path


#: Printed under the card (what the realistic benchmark showed loses it: bench/last_realism_run.txt).
PLACEMENT = (
    "Print at 100 % (no fit-to-page); check the 50 mm line. Glue the card to stiff board.",
    "Strap it flat over the iliac crest of the leg nearest the phone, facing the phone.",
    "Keep the white border clear: a hand or the arm resting on the hip hides it -",
    "rest the hands on the thighs before the raise. In deep flexion the buttock's",
    "edge or the raised thigh can touch the border; hiprom then follows the card's",
    "pattern for up to 1.5 s, and says 'not assessed' where it could not read it.",
)


def _with_dpi(png: bytes, dpi: int) -> bytes:
    """The PNG with a pHYs chunk, so that viewers and printers know its true size."""
    import struct
    import zlib

    ppm = round(dpi / 0.0254)
    body = b"pHYs" + struct.pack(">IIB", ppm, ppm, 1)
    chunk = struct.pack(">I", 9) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    end_of_ihdr = 8 + 4 + 4 + 13 + 4  # signature, then IHDR's length, type, data and CRC
    return png[:end_of_ihdr] + chunk + png[end_of_ihdr:]
