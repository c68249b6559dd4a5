"""The pelvis card followed by image alignment between ArUco detections (no model, synthetic frames)."""

from __future__ import annotations

import cv2
import numpy as np

from hiprom.capture.markers import MARKER_DICT, MarkerTracker, card_probe_frames


def _frame(angle_deg: float, hide_corner: bool, size: int = 360) -> np.ndarray:
    """A textured grey frame with the card (80 px marker in a white border) turned ``angle_deg`` CCW."""
    rng = np.random.default_rng(0)
    img = np.clip(rng.normal(120, 12, (size, size)), 0, 255).astype(np.uint8)
    marker = cv2.aruco.generateImageMarker(cv2.aruco.getPredefinedDictionary(MARKER_DICT), 7, 80)
    card = np.full((110, 110), 255, np.uint8)
    card[15:95, 15:95] = marker
    rot = cv2.getRotationMatrix2D((55, 55), angle_deg, 1.0)  # OpenCV: positive = counter-clockwise
    rot[:, 2] += (size / 2 - 55, size / 2 - 55)
    warped = cv2.warpAffine(card, rot, (size, size), borderValue=0)
    mask = cv2.warpAffine(np.full_like(card, 255), rot, (size, size), borderValue=0) > 0
    img[mask] = warped[mask]
    if hide_corner:  # a dark edge (the buttock, the thigh) over one corner of the border
        corner = rot @ np.array([12.0, 12.0, 1.0])
        cv2.circle(img, (round(corner[0]), round(corner[1])), 16, 20, -1)
    return cv2.cvtColor(img, cv2.COLOR_GRAY2RGB)


def _track(follow: bool) -> tuple[np.ndarray, MarkerTracker]:
    tracker = MarkerTracker(follow=follow)
    angles = np.r_[np.zeros(10), np.linspace(0, 30, 31)[1:], np.full(10, 30.0)]
    for i, a in enumerate(angles):
        tracker.update(_frame(a, hide_corner=10 <= i < 45))
    return angles, tracker


def test_a_card_whose_corner_is_hidden_is_followed_by_the_flow():
    angles, tracker = _track(follow=True)
    read = tracker.angles()
    assert np.isnan(_track(follow=False)[1].angles()[12:45]).all()  # ArUco alone loses it
    assert np.isfinite(read).all()
    change = read - read[0]
    np.testing.assert_allclose(change, angles, atol=1.0)
    runs = tracker.tracked_runs()
    assert runs and runs[0][0] == 10 and runs[-1][1] <= 45


def test_the_flow_gives_up_after_its_limit():
    from hiprom.capture.card_flow import CardFlow

    flow = CardFlow(max_frames=3)
    gray = cv2.cvtColor(_frame(0.0, False), cv2.COLOR_RGB2GRAY)
    corners = cv2.aruco.ArucoDetector(cv2.aruco.getPredefinedDictionary(MARKER_DICT)).detectMarkers(gray)[0][
        0
    ][0]
    flow.reset(gray, corners, 0.0)
    assert [np.isfinite(flow.step(gray)) for _ in range(5)] == [True, True, True, False, False]
    flow.reset(gray, corners, 0.0)
    blank = np.full_like(gray, 120)  # the card gone: nothing to align
    assert np.isnan(flow.step(blank)) and np.isnan(flow.step(gray))  # lost until the next detection


def _board_frame(
    angle_deg: float, hide: str | None, size: int = 480, layout: str = "board", at=None, img=None
) -> np.ndarray:
    """The two-marker board (hiprom.capture.markers.LAYOUTS["board"]) turned ``angle_deg`` CCW on a textured
    background; ``hide`` = "left" or "right" covers that half with a dark shape (a thigh, a hand).
    ``layout``, ``at`` (its centre, px) and ``img`` (grey, drawn on) put another card in the picture."""
    from hiprom.capture.markers import LAYOUTS

    rng = np.random.default_rng(1)
    if img is None:
        img = np.clip(rng.normal(120, 12, (size, size)), 0, 255).astype(np.uint8)
    card = LAYOUTS[layout].raster(px_per_mm=1.6)  # 240 x 128 px
    h, w = card.shape
    cx, cy = at if at is not None else (size / 2, size / 2)
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle_deg, 1.0)
    rot[:, 2] += (cx - w / 2, cy - h / 2)
    warped = cv2.warpAffine(card, rot, (size, size), borderValue=0)
    mask = cv2.warpAffine(np.full_like(card, 255), rot, (size, size), borderValue=0) > 0
    img[mask] = warped[mask]
    if hide:
        x = w * (0.3 if hide == "left" else 0.7)
        centre = rot @ np.array([x, h / 2, 1.0])
        cv2.circle(img, (round(centre[0]), round(centre[1])), 50, 25, -1)
    return cv2.cvtColor(img, cv2.COLOR_GRAY2RGB)


def test_the_pelvis_and_thigh_cards_are_each_followed_by_their_own_tracker_from_one_detection():
    """Both cards in view, the thigh card first in the detector's order or not: the pelvis tracker
    follows the board only and the thigh tracker the thigh card only, each with its own angle, from one
    ArUco detection per frame (hiprom.capture.markers.FrameMarkers)."""
    from hiprom.capture.markers import THIGH_CARDS, FrameMarkers

    pelvis, thigh = MarkerTracker(follow=False), MarkerTracker(follow=False, cards=THIGH_CARDS)
    lifts = np.linspace(0.0, 60.0, 13)
    calls = []
    for lift in lifts:
        grey = cv2.cvtColor(_board_frame(5.0, None, size=640, at=(320, 150)), cv2.COLOR_RGB2GRAY)
        rgb = _board_frame(-10.0 + lift, None, size=640, layout="thigh", at=(320, 440), img=grey)
        frame = FrameMarkers(rgb)
        found = frame.detections
        frame.detections = lambda mirrored, f=found: calls.append(mirrored) or f(mirrored)
        pelvis.update(rgb, frame)
        thigh.update(rgb, frame)
    assert pelvis.card_ids == (10, 11) and thigh.card_ids == (20, 21)
    np.testing.assert_allclose(pelvis.angles(), 5.0, atol=1.0)
    np.testing.assert_allclose(thigh.angles() - thigh.angles()[0], lifts, atol=1.0)
    assert set(calls) == {False}  # found as filmed: the mirror image never searched
    alone = MarkerTracker(follow=False)  # only a thigh card in view: the pelvis tracker finds no card
    for _ in range(3):
        alone.update(_board_frame(0.0, None, layout="thigh"))
    assert alone.card_ids is None


def test_a_board_with_one_marker_hidden_is_still_read_from_the_other():
    """Either end of the board covered, the visible marker alone gives the card's angle (no flow)."""
    tracker = MarkerTracker(follow=False)
    angles = np.r_[np.zeros(5), np.linspace(0, 30, 16)[1:], np.full(5, 30.0)]
    hides = [None] * 5 + ["left"] * 8 + ["right"] * 12
    for a, hide in zip(angles, hides, strict=True):
        tracker.update(_board_frame(a, hide))
    read = tracker.angles()
    assert tracker.card_ids == (10, 11) and np.isfinite(read).all()
    np.testing.assert_allclose(read - read[0], angles, atol=1.0)
    assert tracker.markers_read[:5] == [2] * 5 and set(tracker.markers_read[5:]) == {1}


def test_the_single_card_so_covered_is_lost():
    """The same cover over the single card's marker loses it: what the board is for."""
    tracker = MarkerTracker(follow=False)
    tracker.update(_frame(0.0, False))
    tracker.update(_frame(0.0, False))
    img = cv2.cvtColor(_frame(0.0, False), cv2.COLOR_RGB2GRAY)
    cv2.circle(img, (180, 180), 30, 25, -1)
    tracker.update(cv2.cvtColor(img, cv2.COLOR_GRAY2RGB))
    assert np.isfinite(tracker.angles()[:2]).all() and np.isnan(tracker.angles()[2])


def test_the_card_is_looked_for_over_two_seconds_at_any_frame_rate():
    """At 60 fps an arm along the side that hides the card for the first 1.5 s no longer makes the
    clip markerless: the probe is two seconds long, and never shorter than 60 frames."""
    assert card_probe_frames(30.0) == 60 and card_probe_frames(25.0) == 60 and card_probe_frames(None) == 60
    assert card_probe_frames(60.0) == 120
    hidden = cv2.cvtColor(_frame(0.0, False), cv2.COLOR_RGB2GRAY)
    cv2.circle(hidden, (180, 180), 80, 25, -1)  # the arm over the whole card
    hidden = cv2.cvtColor(hidden, cv2.COLOR_GRAY2RGB)
    for probe, found in ((60, False), (card_probe_frames(60.0), True)):
        tracker = MarkerTracker(probe, follow=False)
        for i in range(100):
            tracker.update(hidden if i < 90 else _frame(0.0, False))
        if found:
            assert np.isfinite(tracker.angles()[90:]).all() and np.isnan(tracker.angles()[:90]).all()
        else:
            assert tracker.marker_id is None and tracker.angles() is None  # markerless
