"""The printed pelvis card (marker mode): make it, find it, read its tilt.

ArUco markers (OpenCV's 4x4_50 dictionary) on a rigid card strapped over the
lateral iliac crest, facing a side camera. In a side view the card's
in-plane rotation is the pelvis's sagittal rotation; single-tag out-of-plane
angles are unstable, so only the in-plane angle is used. Two cards
(:data:`CARDS`): ``single``, one 60 mm marker (id 7), and ``board``, two
60 mm markers side by side on one card (ids 10 and 11, printed parallel), of
which any one visible gives the angle: when the raised thigh or a hand covers
one end of the card the other is still read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from hiprom.capture.card_flow import CardFlow
from hiprom.capture.video import open_video
from hiprom.kinematics.filtering import runs

__all__ = [
    "CARDS",
    "LAYOUTS",
    "MARKER_DICT",
    "MARKER_MM",
    "CardLayout",
    "MarkerTracker",
    "card_of",
    "card_probe_frames",
    "detect_marker_angles",
    "write_marker_sheet",
]

MARKER_DICT = cv2.aruco.DICT_4X4_50
#: the card is looked for over the clip's first PROBE_S seconds, and at least MIN_PROBE_FRAMES frames
PROBE_S = 2.0
MIN_PROBE_FRAMES = 60


def card_probe_frames(fps: float | None) -> int:
    """Frames to look for a card in before a clip counts as markerless: :data:`PROBE_S` seconds at
    ``fps`` (None or 0: unknown, 30 assumed), at least :data:`MIN_PROBE_FRAMES`. At 60 fps a fixed 60
    frames was one second, too short when an arm along the side hides the card until the raise."""
    rate = fps if fps is not None and fps > 0 else 30.0
    return max(MIN_PROBE_FRAMES, round(PROBE_S * rate))


MARKER_MM = 60.0  # each printed marker's side, black border included


@dataclass(frozen=True)
class CardLayout:
    """A printed card: its size and each marker's id and top-left corner (mm, from the card's top left)."""

    width_mm: float
    height_mm: float
    markers: tuple[tuple[int, float, float], ...]

    def raster(self, px_per_mm: float) -> np.ndarray:
        """The card as a grey image (white, the markers black and white), ``px_per_mm`` resolution."""
        card = np.full((round(self.height_mm * px_per_mm), round(self.width_mm * px_per_mm)), 255, np.uint8)
        dictionary = cv2.aruco.getPredefinedDictionary(MARKER_DICT)
        side = round(MARKER_MM * px_per_mm)
        for marker_id, x_mm, y_mm in self.markers:
            x, y = round(x_mm * px_per_mm), round(y_mm * px_per_mm)
            card[y : y + side, x : x + side] = cv2.aruco.generateImageMarker(dictionary, marker_id, side)
        return card


#: The printed cards. ``single``: one marker in a 10 mm white border (80 mm square); ``board``: two
#: markers side by side, 10 mm apart (150 x 80 mm), strapped with the long side along the body.
LAYOUTS: dict[str, CardLayout] = {
    "single": CardLayout(80.0, 80.0, ((7, 10.0, 10.0),)),
    "board": CardLayout(150.0, 80.0, ((10, 10.0, 10.0), (11, 80.0, 10.0))),
}
#: The ids on each card, as printed left to right (all parallel, top edge up).
CARDS: dict[str, tuple[int, ...]] = {name: tuple(m[0] for m in c.markers) for name, c in LAYOUTS.items()}


def card_of(marker_id: int) -> tuple[int, ...]:
    """The ids printed on the card that carries ``marker_id`` (an id on no hiprom card: itself alone)."""
    return next((ids for ids in CARDS.values() if marker_id in ids), (marker_id,))


def _edge_angle_deg(corners: np.ndarray) -> float:
    """Counter-clockwise on-screen angle of a marker's top edge (corner 0 -> corner 1)."""
    edge = corners[1] - corners[0]
    return float(np.degrees(np.arctan2(-edge[1], edge[0])))


def _mean_angle_deg(angles: list[float]) -> float:
    a = np.radians(angles)
    return float(np.degrees(np.arctan2(np.sin(a).mean(), np.cos(a).mean())))


def _detector() -> cv2.aruco.ArucoDetector:
    params = cv2.aruco.DetectorParameters()
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    return cv2.aruco.ArucoDetector(cv2.aruco.getPredefinedDictionary(MARKER_DICT), params)


class MarkerTracker:
    """Finds the card frame by frame, fed by whoever decodes the clip (the pose pass does).

    The first card seen is followed: every marker of it that is visible gives
    the angle (their mean; :data:`CARDS`). If no card shows in the first
    ``probe_frames`` frames the clip is markerless and detection stops (the
    remaining frames cost nothing). ArUco markers are not mirror-symmetric:
    a card found only in the mirror image of the frames means the clip itself
    is mirrored (a front camera); :attr:`mirrored` says so, and the angles are
    then read on the un-mirrored frames and given in the frames' own
    coordinates. (Four ids of the 4x4_50 dictionary, 8, 9, 17 and 47, read
    the same mirrored, so they cannot tell; the default card, 7, can.)
    """

    def __init__(self, probe_frames: int = MIN_PROBE_FRAMES, follow: bool = True):
        self._detector = _detector()
        self._probe_frames = probe_frames
        self._angles: list[float] = []
        self._tracked: list[bool] = []
        self._flow = CardFlow() if follow else None  # between detections (hiprom.capture.card_flow)
        self.card_ids: tuple[int, ...] | None = None  # the followed card's ids (CARDS)
        self.markers_read: list[int] = []  # per frame, how many of the card's markers were read
        self.mirrored: bool | None = None  # None: no card seen

    def _find(self, gray: np.ndarray) -> list[np.ndarray] | None:
        """The (4, 2) corners of each of the followed card's markers in ``gray`` (the largest first)."""
        corners, ids, _ = self._detector.detectMarkers(gray)
        if ids is None or not len(ids):
            return None
        ids = [int(i) for i in np.ravel(ids)]
        want = self.card_ids if self.card_ids is not None else card_of(ids[0])
        found = [corners[k][0] for k, i in enumerate(ids) if i in want]
        if not found:
            return None
        self.card_ids = want
        return sorted(found, key=lambda c: -cv2.contourArea(c.astype(np.float32)))

    @property
    def marker_id(self) -> int | None:
        """The followed card's first id (None: no card seen)."""
        return None if self.card_ids is None else self.card_ids[0]

    def update(self, rgb: np.ndarray) -> None:
        """Read one RGB frame (call once per frame, in order)."""
        angle, tracked, read = np.nan, False, 0
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
                read = len(found)
                angle = _mean_angle_deg([_edge_angle_deg(c) for c in found])
                corners = found[0].copy()
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
        self.markers_read.append(read)

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


def detect_marker_angles(
    clip: str | Path, *, probe_frames: int | None = None, max_size_px: int | None = None
):
    """In-plane angle of the card in every frame of ``clip``, in a pass of its own.

    The analysis gets the same angles from the pose pass
    (:attr:`hiprom.landmarks.LandmarkSeries.marker_ccw_deg`); this decodes the
    clip again (the throughput bench's baseline, and the check that the pose
    pass reads the card the same way). ``probe_frames``: how long to look for a
    card before the clip counts as markerless; None, as the pose pass does
    (:func:`card_probe_frames` at the clip's frame rate).

    Returns
    -------
    angle_ccw_deg : (n_frames,) array or None
        See :meth:`MarkerTracker.angles`.
    marker_id : int or None
    """
    with open_video(clip, max_size_px=max_size_px) as reader:
        if probe_frames is None:  # as the pose pass looks for it
            probe_frames = card_probe_frames(reader.info.fps_nominal)
        tracker = MarkerTracker(probe_frames)
        for i, (_, rgb) in enumerate(reader.frames()):
            tracker.update(rgb)
            if tracker.marker_id is None and i + 1 >= probe_frames:
                return None, None
    return tracker.angles(), tracker.marker_id


def write_marker_sheet(path: str | Path, card: str = "single", marker_id: int | None = None,
                       dpi: int = 300) -> Path:  # fmt: skip
    """A printable PNG of a card (:data:`LAYOUTS`) at its true size on an A4 page, its DPI in the file.

    ``marker_id`` replaces the single card's id. A 50 mm ruler lets the user check that the printer
    kept the scale; the placement instructions are printed under it.
    """
    from hiprom._fs import atomic_output

    layout = LAYOUTS[card]
    if marker_id is not None:
        layout = CardLayout(layout.width_mm, layout.height_mm, ((marker_id, *layout.markers[0][1:]),))
    px_per_mm = dpi / 25.4
    page = np.full((round(297 * px_per_mm), round(210 * px_per_mm)), 255, np.uint8)
    raster = layout.raster(px_per_mm)
    x0, y0 = (page.shape[1] - raster.shape[1]) // 2, round(30 * px_per_mm)
    page[y0 : y0 + raster.shape[0], x0 : x0 + raster.shape[1]] = raster
    cv2.rectangle(page, (x0, y0), (x0 + raster.shape[1], y0 + raster.shape[0]), 0, 2)  # cut line
    ruler_y = y0 + raster.shape[0] + round(15 * px_per_mm)
    cv2.line(page, (x0, ruler_y), (x0 + round(50 * px_per_mm), ruler_y), 0, 3)
    ids = ", ".join(str(m[0]) for m in layout.markers)
    size = f"{layout.width_mm:g} x {layout.height_mm:g} mm"
    text = f"hiprom pelvis card ({card}): ArUco 4x4_50 id {ids}, {size}; the line is 50 mm"
    left = round(15 * px_per_mm)
    cv2.putText(page, text, (left, ruler_y + round(12 * px_per_mm)), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 2)
    for i, line in enumerate(PLACEMENT + (BOARD_PLACEMENT if card == "board" else ())):
        cv2.putText(page, line, (left, ruler_y + round((26 + 7 * i) * px_per_mm)),
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
BOARD_PLACEMENT = (
    "Two markers: strap the card with its long side along the body (head to foot), centred",
    "on the crest. When the raised thigh or a hand covers one end, the other is still read.",
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
