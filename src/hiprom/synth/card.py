"""A printed ArUco card strapped over the lateral iliac crest (marker mode).

The card is rigid with the pelvis bone, faces laterally (towards a side
camera) or turned off the lateral plane about the body's long axis (as a
strap on a curved hip sits), and is painted by a perspective warp of its
printed image, either last (the ideal card) or among the body's faces at its
distance from the camera (``Scenario.card == "strapped"``: the raised thigh
or a hand in front of it hides it). Its in-plane rotation in a side view
follows the pelvic tilt, which is what the knee-to-chest analysis's marker
mode reads.
"""

from __future__ import annotations

import cv2
import numpy as np

from hiprom.synth.body import PosedBody

__all__ = [
    "CARD_REVISION",
    "CARD_SIZE_M",
    "MARKER_DICT",
    "MARKER_ID",
    "card_image",
    "card_rest_corners",
    "paint_card",
]

#: Bumped when the card's placement or drawing changes, so that cached clips with a card are re-rendered
#: (2: a right-side card sat at the body's midline, inside the pelvis; only a card painted last showed).
CARD_REVISION = 2
CARD_SIZE_M = 0.08  # printed card, 80 mm square; the marker is 75% of it, inside a white border
MARKER_DICT = cv2.aruco.DICT_4X4_50
MARKER_ID = 7
_PELVIS_BONES = ("root", "pelvis.L", "pelvis.R", "spine05", "upperleg01.L", "upperleg01.R")


def card_image(size_px: int = 400, marker_id: int = MARKER_ID) -> np.ndarray:
    """The printed card (RGB): an ArUco marker inside a white border."""
    dictionary = cv2.aruco.getPredefinedDictionary(MARKER_DICT)
    inner = round(size_px * 0.75)
    marker = cv2.aruco.generateImageMarker(dictionary, marker_id, inner)
    card = np.full((size_px, size_px), 255, np.uint8)
    off = (size_px - inner) // 2
    card[off : off + inner, off : off + inner] = marker
    return np.repeat(card[..., None], 3, axis=2)


def card_rest_corners(rest: PosedBody, side: str, lift_m: float = 0.012, yaw_deg: float = 0.0) -> np.ndarray:
    """(4, 3) card corners in the rest body frame: top-left, top-right, bottom-right, bottom-left
    as seen from the side the card faces (top = cranial); ``yaw_deg`` turns it about the long (z)
    axis through its centre, positive facing forwards (-y)."""
    s = 1.0 if side == "left" else -1.0
    v = rest.vertices[0]
    labels = rest.bone_labels
    pelvis = np.isin(rest.vertex_bone, [labels.index(b) for b in _PELVIS_BONES])
    centre_z = rest.joints[f"hip_{side}"][0, 2] + 0.06  # the crest sits above the hip joint
    band = pelvis & (np.abs(v[:, 2] - centre_z) < 0.04) & (s * v[:, 0] > 0)
    lateral = s * ((s * v[band, 0]).max() + lift_m)  # the side's outermost surface, then off it
    centre = np.array([lateral, rest.joints[f"hip_{side}"][0, 1], centre_z])
    half = CARD_SIZE_M / 2
    up = np.array([0.0, 0.0, 1.0])
    yaw = np.radians(yaw_deg)
    # seen from outside the card, +y (back) is to the right for the left side; turning the card's face
    # forwards (its normal from +-x towards -y) turns this in-plane axis towards +-x
    right = np.array([np.sin(yaw), s * np.cos(yaw), 0.0])
    return np.stack([centre + half * (up - right), centre + half * (up + right),
                     centre + half * (-up + right), centre + half * (-up - right)])  # fmt: skip


def paint_card(img: np.ndarray, corners_px: np.ndarray, card: np.ndarray, brightness: float) -> np.ndarray:
    """Warp the printed ``card`` onto ``img`` at ``corners_px`` (4, 2) and return the frame."""
    h, w = card.shape[:2]
    src = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    m = cv2.getPerspectiveTransform(src, corners_px.astype(np.float32))
    size = (img.shape[1], img.shape[0])
    warped = cv2.warpPerspective(card, m, size, flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, size, flags=cv2.INTER_LINEAR)
    alpha = (mask.astype(np.float32) / 255.0)[..., None]
    out = img.astype(np.float32) * (1 - alpha) + warped.astype(np.float32) * brightness * alpha
    return np.clip(out, 0, 255).astype(np.uint8)
