"""The pose model's skeleton: MediaPipe BlazePose's 33 landmarks by name, and their mirror map.

The one place that knows landmark indices. Everything else names a landmark
(``skeleton.LEFT_HIP``) or asks for a side's joints (``skeleton.joint("hip",
"left")``, ``skeleton.LEG_CHAIN["left"]``). Reference: the BlazePose GHUM
33-point topology (Bazarevsky et al. 2020; MediaPipe Pose documentation).
"""

from __future__ import annotations

from typing import Literal

__all__ = [
    "FACE",
    "JOINTS",
    "LANDMARK_NAMES",
    "LEG_CHAIN",
    "MIRROR_INDEX",
    "N_LANDMARKS",
    "SIDES",
    "Side",
    "joint",
    "joints",
    "landmark_index",
    "pair",
    "side_index",
]

Side = Literal["left", "right"]
#: the sides in index order: ``side_index("left") == 0``
SIDES: tuple[Side, Side] = ("left", "right")

#: MediaPipe BlazePose landmark names, in index order.
LANDMARK_NAMES: tuple[str, ...] = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner",
    "right_eye", "right_eye_outer", "left_ear", "right_ear", "mouth_left",
    "mouth_right", "left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
    "left_wrist", "right_wrist", "left_pinky", "right_pinky", "left_index",
    "right_index", "left_thumb", "right_thumb", "left_hip", "right_hip",
    "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel",
    "right_heel", "left_foot_index", "right_foot_index",
)  # fmt: skip
N_LANDMARKS = len(LANDMARK_NAMES)


def landmark_index(name: str) -> int:
    """Index of a landmark by its name, e.g. ``"left_hip"`` -> 23."""
    try:
        return LANDMARK_NAMES.index(name)
    except ValueError:
        raise KeyError(f"unknown landmark {name!r}; expected one of {LANDMARK_NAMES}") from None


def _mirror_name(name: str) -> str:
    swap = {"left": "right", "right": "left"}
    return "_".join(swap.get(part, part) for part in name.split("_"))


#: index of each landmark's mirror image (left <-> right; the nose is its own)
MIRROR_INDEX: tuple[int, ...] = tuple(LANDMARK_NAMES.index(_mirror_name(n)) for n in LANDMARK_NAMES)

NOSE = landmark_index("nose")
#: the face points (nose, eyes, ears, mouth): what face blurring covers
FACE = slice(NOSE, landmark_index("mouth_right") + 1)

#: the body joints the analyses use, each a (left, right) index pair
JOINTS: dict[str, tuple[int, int]] = {
    j: (landmark_index(f"left_{j}"), landmark_index(f"right_{j}"))
    for j in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "foot_index")
}
LEFT_SHOULDER, RIGHT_SHOULDER = JOINTS["shoulder"]
LEFT_HIP, RIGHT_HIP = JOINTS["hip"]
LEFT_KNEE, RIGHT_KNEE = JOINTS["knee"]
LEFT_ANKLE, RIGHT_ANKLE = JOINTS["ankle"]

#: shoulder, hip, knee, ankle of each side: the chain every leg angle and drawing uses
LEG_CHAIN: dict[str, tuple[int, int, int, int]] = {
    side: tuple(JOINTS[j][k] for j in ("shoulder", "hip", "knee", "ankle"))  # type: ignore[misc]
    for k, side in enumerate(SIDES)
}


def side_index(side: str) -> int:
    """0 for ``"left"``, 1 for ``"right"`` (the column of :data:`JOINTS`' pairs)."""
    if side not in SIDES:
        raise ValueError(f"side must be 'left' or 'right', got {side!r}")
    return SIDES.index(side)


def joint(name: str, side: str) -> int:
    """Index of one side's joint: ``joint("knee", "right") == RIGHT_KNEE``."""
    return JOINTS[name][side_index(side)]


def pair(name: str) -> list[int]:
    """``[left, right]`` indices of a joint, for fancy indexing (``pts[:, pair("hip")]``)."""
    return list(JOINTS[name])


def joints(side: str, *names: str) -> tuple[int, ...]:
    """Indices of several joints of one side, in the order named."""
    return tuple(joint(n, side) for n in names)
