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

from functools import cache

import cv2
import numpy as np

from hiprom.capture.markers import CARDS, LAYOUTS, MARKER_DICT
from hiprom.synth.body import PosedBody

__all__ = [
    "CARD_REVISION",
    "MARKER_DICT",
    "MARKER_ID",
    "card_image",
    "card_rest_corners",
    "paint_card",
    "thigh_card_rest_corners",
    "thigh_card_world_corners",
]

#: Bumped when the card's placement or drawing changes, so that cached clips with a card are re-rendered
#: (2: a right-side card sat at the body's midline, inside the pelvis; only a card painted last showed).
CARD_REVISION = 2
MARKER_ID = CARDS["single"][0]  # the single card's marker (the card hiprom prints by default)
_PELVIS_BONES = ("root", "pelvis.L", "pelvis.R", "spine05", "upperleg01.L", "upperleg01.R")


@cache
def card_image(layout: str = "single") -> np.ndarray:
    """The printed card (RGB) at 5 px per mm: ``hiprom.capture.markers.LAYOUTS[layout]``, as printed
    (made once per layout, not once per rendered frame; read-only)."""
    card = np.repeat(LAYOUTS[layout].raster(px_per_mm=5.0)[..., None], 3, axis=2)
    card.flags.writeable = False
    return card


def card_rest_corners(rest: PosedBody, side: str, lift_m: float = 0.012, yaw_deg: float = 0.0,
                      layout: str = "single") -> np.ndarray:  # fmt: skip
    """(4, 3) card corners in the rest body frame: the printed image's top-left, top-right,
    bottom-right, bottom-left as seen from the side the card faces. The single card's top is
    cranial; the board lies with its long side along the body (its top anterior). ``yaw_deg`` turns
    it about the long (z) axis through its centre, positive facing forwards (-y)."""
    s = 1.0 if side == "left" else -1.0
    size = LAYOUTS[layout]
    v = rest.vertices[0]
    labels = rest.bone_labels
    pelvis = np.isin(rest.vertex_bone, [labels.index(b) for b in _PELVIS_BONES])
    centre_z = rest.joints[f"hip_{side}"][0, 2] + 0.06  # the crest sits above the hip joint
    reach = max(0.04, size.width_mm / 2000)  # the body under the card's length (at least 40 mm either way)
    band = pelvis & (np.abs(v[:, 2] - centre_z) < reach) & (s * v[:, 0] > 0)
    lateral = s * ((s * v[band, 0]).max() + lift_m)  # the side's outermost surface, then off it
    centre = np.array([lateral, rest.joints[f"hip_{side}"][0, 1], centre_z])
    up = np.array([0.0, 0.0, 1.0])
    yaw = np.radians(yaw_deg)
    # seen from outside the card, +y (back) is to the right for the left side; turning the card's face
    # forwards (its normal from +-x towards -y) turns this in-plane axis towards +-x
    right = np.array([np.sin(yaw), s * np.cos(yaw), 0.0])
    if layout == "board":  # the print turned a quarter: its right cranial, its top anterior
        right, up = up, -right
    w, h = size.width_mm / 2000, size.height_mm / 2000  # half extents, m
    return np.stack([centre + h * up - w * right, centre + h * up + w * right,
                     centre - h * up + w * right, centre - h * up - w * right])  # fmt: skip


def thigh_card_rest_corners(rest: PosedBody, side: str, lift_m: float = 0.012, yaw_deg: float = 0.0,
                            along: float = 0.45) -> np.ndarray:  # fmt: skip
    """(4, 3) corners of the thigh card (``LAYOUTS["thigh"]``) in the rest body frame, as
    :func:`card_rest_corners`: on the outside of the thigh ``along`` of the way from the hip joint to the
    knee, off its surface by ``lift_m``, its long side along the femur (the print's right towards the
    hip, its top anterior), turned ``yaw_deg`` about the femur (positive facing it forwards)."""
    s = 1.0 if side == "left" else -1.0
    size = LAYOUTS["thigh"]
    v, labels = rest.vertices[0], rest.bone_labels
    hip, knee = rest.joints[f"hip_{side}"][0], rest.joints[f"knee_{side}"][0]
    suffix = ".L" if side == "left" else ".R"
    thigh = np.isin(
        rest.vertex_bone, [i for i, b in enumerate(labels) if b.startswith("upperleg") and b.endswith(suffix)]
    )
    centre = hip + along * (knee - hip)
    band = thigh & (np.abs(v[:, 2] - centre[2]) < size.width_mm / 2000) & (s * v[:, 0] > 0)
    centre[0] = s * ((s * v[band, 0]).max() + lift_m)  # the thigh's outermost surface there, then off it
    right = (hip - knee) / np.linalg.norm(hip - knee)  # along the femur, towards the hip
    yaw = np.radians(yaw_deg)
    up = -np.array([np.sin(yaw), s * np.cos(yaw), 0.0])  # anterior (-y), turned about the femur
    up -= (up @ right) * right
    up /= np.linalg.norm(up)
    w, h = size.width_mm / 2000, size.height_mm / 2000
    return np.stack([centre + h * up - w * right, centre + h * up + w * right,
                     centre - h * up + w * right, centre - h * up - w * right])  # fmt: skip


def thigh_card_world_corners(posed: PosedBody, rest: PosedBody, side: str, corners: np.ndarray) -> np.ndarray:
    """(n, 4, 3) the thigh card's rest ``corners`` carried rigidly with the femur (``upperleg01``) in
    every frame of ``posed`` (body frame)."""
    bone = f"upperleg01.{'L' if side == 'left' else 'R'}"
    moved = posed.bone_poses[bone] @ np.linalg.inv(rest.bone_poses[bone][0])  # (n, 4, 4) rest -> frame
    return np.einsum("nij,kj->nki", moved[:, :3, :3], corners) + moved[:, None, :3, 3]


def paint_card(img: np.ndarray, corners_px: np.ndarray, card: np.ndarray, brightness: float) -> np.ndarray:
    """Warp the printed ``card`` onto ``img`` at ``corners_px`` and return the frame.

    ``corners_px`` is (4, 2), or (k, 4, 2): the card's places over the exposure, averaged (motion blur).
    """
    h, w = card.shape[:2]
    src = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    size = (img.shape[1], img.shape[0])
    places = np.asarray(corners_px, np.float32).reshape(-1, 4, 2)
    colour = np.zeros(img.shape, np.float32)
    alpha = np.zeros((*img.shape[:2], 1), np.float32)
    for quad in places:
        m = cv2.getPerspectiveTransform(src, quad)
        mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, size, flags=cv2.INTER_LINEAR)
        a = (mask.astype(np.float32) / 255.0)[..., None]
        colour += cv2.warpPerspective(card, m, size, flags=cv2.INTER_LINEAR).astype(np.float32) * a
        alpha += a
    colour, alpha = colour / len(places), alpha / len(places)
    out = img.astype(np.float32) * (1 - alpha) + colour * brightness
    return np.clip(out, 0, 255).astype(np.uint8)
