"""The printed cards (marker mode): what they are, find them, read their angle.

ArUco markers (OpenCV's 4x4_50 dictionary) on rigid cards facing a side
camera. In a side view a card's in-plane rotation is the sagittal rotation of
the bone it is strapped to; single-tag out-of-plane angles are unstable, so
only the in-plane angle is used. The pelvis cards (:data:`PELVIS_CARDS`),
strapped over the lateral iliac crest: ``single``, one 60 mm marker (id 7),
and ``board``, two 60 mm markers side by side on one card (ids 10 and 11,
printed parallel), of which any one visible gives the angle: when the raised
thigh or a hand covers one end of the card the other is still read. The
thigh card (:data:`THIGH_CARDS`): ``thigh``, two markers (ids 20 and 21)
strapped along the lateral thigh, whose angle change is the femur's lift,
read without the pose model's knee. Each tracker follows only its own cards'
ids, and one ArUco detection per frame serves both (:class:`FrameMarkers`).
The printable sheets are :mod:`hiprom.capture.marker_sheet`'s.
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
    "PELVIS_CARDS",
    "THIGH_CARDS",
    "CardLayout",
    "FrameMarkers",
    "MarkerTracker",
    "card_of",
    "card_probe_frames",
    "detect_marker_angles",
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
#: markers side by side, 10 mm apart (150 x 80 mm), strapped with the long side along the body; ``thigh``:
#: the board's shape with its own ids, strapped with the long side along the femur.
LAYOUTS: dict[str, CardLayout] = {
    "single": CardLayout(80.0, 80.0, ((7, 10.0, 10.0),)),
    "board": CardLayout(150.0, 80.0, ((10, 10.0, 10.0), (11, 80.0, 10.0))),
    "thigh": CardLayout(150.0, 80.0, ((20, 10.0, 10.0), (21, 80.0, 10.0))),
}
#: The ids on each card, as printed left to right (all parallel, top edge up).
CARDS: dict[str, tuple[int, ...]] = {name: tuple(m[0] for m in c.markers) for name, c in LAYOUTS.items()}
THIGH_CARDS = ("thigh",)
PELVIS_CARDS = tuple(name for name in LAYOUTS if name not in THIGH_CARDS)
_THIGH_IDS = frozenset(i for name in THIGH_CARDS for i in CARDS[name])


def card_of(marker_id: int) -> tuple[int, ...]:
    """The ids printed on the card that carries ``marker_id`` (an id on no hiprom card: itself alone)."""
    return next((ids for ids in CARDS.values() if marker_id in ids), (marker_id,))


def _is_thigh_id(marker_id: int) -> bool:
    return marker_id in _THIGH_IDS


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


class FrameMarkers:
    """One frame's ArUco detections, made once (and the mirrored look only when a tracker asks) and
    shared by the pelvis card's and the thigh card's trackers."""

    def __init__(self, rgb: np.ndarray, detector: cv2.aruco.ArucoDetector | None = None):
        self._rgb = rgb
        self._detector = detector
        self._gray: np.ndarray | None = None
        self._found: dict[bool, tuple] = {}

    @property
    def gray(self) -> np.ndarray:
        if self._gray is None:
            self._gray = cv2.cvtColor(self._rgb, cv2.COLOR_RGB2GRAY)
        return self._gray

    def detections(self, mirrored: bool) -> tuple[list[np.ndarray], list[int]]:
        """Every marker's (4, 2) corners and id, in the frame or (``mirrored``) in its mirror image."""
        if mirrored not in self._found:
            if self._detector is None:
                self._detector = _detector()
            image = cv2.flip(self.gray, 1) if mirrored else self.gray
            corners, ids, _ = self._detector.detectMarkers(image)
            ids = [] if ids is None else [int(i) for i in np.ravel(ids)]
            self._found[mirrored] = ([c[0] for c in corners], ids)
        return self._found[mirrored]


class MarkerTracker:
    """Finds a card frame by frame, fed by whoever decodes the clip (the pose pass does).

    ``cards`` names the cards it may follow (:data:`LAYOUTS`; the pelvis cards by default, the
    thigh card's tracker :data:`THIGH_CARDS`): other ids are ignored. The first card seen is
    followed: every marker of it that is visible gives the angle (their mean; :data:`CARDS`).
    If no card shows in the first ``probe_frames`` frames the clip is markerless and detection stops (the
    remaining frames cost nothing). ArUco markers are not mirror-symmetric:
    a card found only in the mirror image of the frames means the clip itself
    is mirrored (a front camera); :attr:`mirrored` says so, and the angles are
    then read on the un-mirrored frames and given in the frames' own
    coordinates. (Four ids of the 4x4_50 dictionary, 8, 9, 17 and 47, read
    the same mirrored, so they cannot tell; the default card, 7, can.)
    """

    def __init__(self, probe_frames: int = MIN_PROBE_FRAMES, follow: bool = True,
                 cards: tuple[str, ...] = PELVIS_CARDS):  # fmt: skip
        self._detector = _detector()
        self._allowed = frozenset(i for name in cards for i in CARDS[name])
        self._any_id = cards == PELVIS_CARDS  # the pelvis tracker also follows an id printed on no card
        self._probe_frames = probe_frames
        self._angles: list[float] = []
        self._tracked: list[bool] = []
        self._flow = CardFlow() if follow else None  # between detections (hiprom.capture.card_flow)
        self.card_ids: tuple[int, ...] | None = None  # the followed card's ids (CARDS)
        self.markers_read: list[int] = []  # per frame, how many of the card's markers were read
        self.mirrored: bool | None = None  # None: no card seen

    def _mine(self, marker_id: int) -> bool:
        return marker_id in self._allowed or (self._any_id and not _is_thigh_id(marker_id))

    def _find(self, frame: FrameMarkers, mirrored: bool) -> list[np.ndarray] | None:
        """The (4, 2) corners of each of the followed card's markers (the largest first)."""
        corners, ids = frame.detections(mirrored)
        if self.card_ids is None:
            first = next((i for i in ids if self._mine(i)), None)
            if first is None:
                return None
            want = card_of(first)
        else:
            want = self.card_ids
        found = [corners[k] for k, i in enumerate(ids) if i in want]
        if not found:
            return None
        self.card_ids = want
        return sorted(found, key=lambda c: -cv2.contourArea(c.astype(np.float32)))

    @property
    def marker_id(self) -> int | None:
        """The followed card's first id (None: no card seen)."""
        return None if self.card_ids is None else self.card_ids[0]

    def frame(self, rgb: np.ndarray) -> FrameMarkers:
        """``rgb``'s detections with this tracker's detector, to share with another tracker's update."""
        return FrameMarkers(rgb, self._detector)

    @property
    def looking(self) -> bool:
        """False once the probe found no card: the remaining frames need no detection."""
        return self.marker_id is not None or len(self._angles) < self._probe_frames

    def update(self, rgb: np.ndarray, frame: FrameMarkers | None = None) -> None:
        """Read one RGB frame (call once per frame, in order); ``frame``: its detections, shared with
        another tracker."""
        angle, tracked, read = np.nan, False, 0
        if self.looking:
            frame = frame if frame is not None else self.frame(rgb)
            gray = frame.gray
            found = None
            if not self.mirrored:
                found = self._find(frame, False)
                if found is not None and self.mirrored is None:
                    self.mirrored = False
            if found is None and self.mirrored is not False:
                found = self._find(frame, True)
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
