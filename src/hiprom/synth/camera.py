"""A pinhole phone camera placed around a target (pure numpy).

World frame of the synthetic scenes: metres, Y up, the plinth top at Y = 0.
A view names the direction from the target to the camera; ``pan_deg`` and
``tilt_deg`` swing the camera off that ideal direction (the errors a phone on
a tripod makes), ``roll_deg`` turns it about its optical axis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["VIEWS", "Camera", "place_camera"]

# view -> (direction target->camera, pan axis, tilt axis, image-up hint)
VIEWS: dict[str, tuple[tuple[float, float, float], ...]] = {
    "side": ((0, 0, 1), (0, 1, 0), (1, 0, 0), (0, 1, 0)),
    "front": ((0, 0, 1), (0, 1, 0), (1, 0, 0), (0, 1, 0)),
    "overhead": ((0, 1, 0), (1, 0, 0), (0, 0, 1), (0, 0, -1)),
    "foot_end": ((-1, 0, 0), (0, 1, 0), (0, 0, 1), (0, 1, 0)),
}


def _rotate(v: np.ndarray, axis: np.ndarray, angle_deg: float) -> np.ndarray:
    k = np.asarray(axis, float) / np.linalg.norm(axis)
    a = np.radians(angle_deg)
    return v * np.cos(a) + np.cross(k, v) * np.sin(a) + k * np.dot(k, v) * (1 - np.cos(a))


@dataclass(frozen=True)
class Camera:
    """Intrinsics and extrinsics; ``project`` maps world points to pixels."""

    position: np.ndarray  # (3,)
    rotation: np.ndarray  # (3, 3) rows: camera x (right), y (down), z (forward) in world
    focal_px: float
    width_px: int
    height_px: int

    @property
    def matrix(self) -> np.ndarray:
        """(3, 3) intrinsic matrix."""
        return np.array(
            [[self.focal_px, 0, self.width_px / 2], [0, self.focal_px, self.height_px / 2], [0, 0, 1]]
        )

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        """(..., 3) world -> camera coordinates (z forward)."""
        return (np.asarray(points) - self.position) @ self.rotation.T

    def project(self, points: np.ndarray) -> np.ndarray:
        """(..., 3) world points -> (..., 2) pixels (x right, y down)."""
        cam = self.to_camera(points)
        z = np.where(np.abs(cam[..., 2:3]) < 1e-9, 1e-9, cam[..., 2:3])
        return cam[..., :2] / z * self.focal_px + np.array([self.width_px / 2, self.height_px / 2])

    def as_dict(self) -> dict:
        return {
            "position_m": self.position.tolist(),
            "rotation": self.rotation.tolist(),
            "focal_px": self.focal_px,
            "width_px": self.width_px,
            "height_px": self.height_px,
        }


def place_camera(
    target: np.ndarray,
    view: str,
    *,
    distance_m: float,
    pan_deg: float = 0.0,
    tilt_deg: float = 0.0,
    roll_deg: float = 0.0,
    hfov_deg: float = 65.0,
    width_px: int = 1280,
    height_px: int = 720,
) -> Camera:
    """A camera ``distance_m`` from ``target``, looking at it from ``view``."""
    base, pan_axis, tilt_axis, up_hint = (np.array(v, float) for v in VIEWS[view])
    if view == "overhead":
        direction = _rotate(_rotate(base, tilt_axis, tilt_deg), pan_axis, pan_deg)
    else:
        # pan swings the camera about the vertical; tilt raises it (looking down)
        horizontal = _rotate(base, pan_axis, pan_deg)
        direction = _rotate(horizontal, np.cross(horizontal, [0.0, 1.0, 0.0]), tilt_deg)
    position = np.asarray(target, float) + distance_m * direction
    forward = -direction
    right = np.cross(forward, up_hint)
    if np.linalg.norm(right) < 1e-6:
        right = np.cross(forward, [1.0, 0.0, 0.0])
    right /= np.linalg.norm(right)
    down = np.cross(forward, right)
    right, down = _rotate(right, forward, roll_deg), _rotate(down, forward, roll_deg)
    focal = (width_px / 2) / np.tan(np.radians(hfov_deg) / 2)
    return Camera(position, np.stack([right, down, forward]), float(focal), int(width_px), int(height_px))
