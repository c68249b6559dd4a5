"""Joint-angle schedules of the clinical tests (pure numpy).

Each schedule returns per-frame angles, in degrees, that :mod:`.scene` turns
into bone rotations. They are inputs to the renderer only: the truth written
beside each clip is measured back from the posed skeleton (:mod:`.truth`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hiprom.kinematics.pelvis import normal_posterior_tilt_deg

__all__ = [
    "IRMotion",
    "KneeToChestMotion",
    "hinge_split",
    "ir_schedule",
    "knee_to_chest_schedule",
    "smooth_profile",
]


def smooth_profile(time_s: np.ndarray, segments: list[tuple[float, float]]) -> np.ndarray:
    """Piecewise minimum-jerk profile through ``(duration_s, target)`` segments from 0.

    A segment moves from the previous target to its own over its duration
    (a hold repeats the previous target).
    """
    out = np.zeros_like(time_s, dtype=float)
    start_t, start_v = 0.0, 0.0
    for duration, target in segments:
        end_t = start_t + duration
        u = np.clip((time_s - start_t) / max(duration, 1e-9), 0.0, 1.0)
        s = 10 * u**3 - 15 * u**4 + 6 * u**5
        inside = (time_s >= start_t) & (time_s <= end_t)
        out = np.where(inside, start_v + (target - start_v) * s, out)
        out = np.where(time_s > end_t, target, out)
        start_t, start_v = end_t, target
    return out


def hinge_split(lift_deg: np.ndarray, hip_limit_deg: float | None, give: float = 0.15):
    """Split the thigh's lift into hip flexion (femur on pelvis) and posterior tilt.

    Below the limit the pelvis follows the normal gradual curve
    (``lift = hip + normal_tilt(hip)``). Past ``hip_limit_deg`` the hip gains
    only ``give`` of each further degree and the pelvis rolls for the rest.
    ``None`` is a healthy hip (no limit).

    Returns
    -------
    hip_deg, tilt_deg : (n,) arrays
    """
    lift = np.asarray(lift_deg, dtype=float)
    grid = np.linspace(0.0, 200.0, 4001)
    grid_lift = grid + normal_posterior_tilt_deg(grid)
    hip = np.interp(lift, grid_lift, grid)
    if hip_limit_deg is not None:
        lift_at_limit = hip_limit_deg + float(normal_posterior_tilt_deg(hip_limit_deg))
        past = lift > lift_at_limit
        hip = np.where(past, hip_limit_deg + give * (lift - lift_at_limit), hip)
    return hip, lift - hip


@dataclass(frozen=True)
class KneeToChestMotion:
    """A supine knee-to-chest test.

    ``peak_lift_deg`` is how far the thigh rises from resting on the table
    (hip flexion plus the pelvis's posterior tilt). ``hip_limit_deg``: the
    hip flexion at which a stiff hip stops and the pelvis rolls about the
    sacrum (lumbar borrowing); ``None`` = healthy. ``other_leg_lift`` 0 keeps
    the other thigh on the table, 1 lets it rise with the pelvis
    (Thomas-positive).
    """

    side: str = "left"
    peak_lift_deg: float = 125.0
    hip_limit_deg: float | None = None
    hip_give: float = 0.15
    knee_peak_deg: float = 130.0
    other_leg_lift: float = 0.0
    baseline_s: float = 1.5
    raise_s: float = 2.5
    hold_s: float = 1.5
    return_s: float = 2.0
    rest_s: float = 1.0
    reps: int = 1
    hands_on_shin: bool = True
    arms_rest: str = (
        "side"  # at rest the arms lie along the "side" (the near hand over the hip) or the "thighs"
    )

    @property
    def duration_s(self) -> float:
        rep = self.raise_s + self.hold_s + self.return_s + self.rest_s
        return self.baseline_s + self.reps * rep


def knee_to_chest_schedule(motion: KneeToChestMotion, time_s: np.ndarray) -> dict[str, np.ndarray]:
    """Per-frame angles (degrees) of the knee-to-chest test."""
    segments: list[tuple[float, float]] = [(motion.baseline_s, 0.0)]
    for _ in range(motion.reps):
        segments += [
            (motion.raise_s, 1.0),
            (motion.hold_s, 1.0),
            (motion.return_s, 0.0),
            (motion.rest_s, 0.0),
        ]
    progress = smooth_profile(time_s, segments)
    rest_shoulder = {"side": 0.0, "thighs": 9.0}[motion.arms_rest]  # 9 deg: the hands lie on the thighs
    lift = motion.peak_lift_deg * progress
    hip, tilt = hinge_split(lift, motion.hip_limit_deg, motion.hip_give)
    knee = motion.knee_peak_deg * np.clip(progress * 1.25, 0, 1) ** 0.8
    return {
        "progress": progress,
        "lift_deg": lift,
        "hip_deg": hip,
        "tilt_deg": tilt,
        "knee_deg": knee,
        "other_hip_ext_deg": tilt * (1.0 - motion.other_leg_lift),
        "lumbar_deg": tilt,
        "shoulder_deg": (rest_shoulder + (55.0 - rest_shoulder) * progress)
        if motion.hands_on_shin
        else np.full_like(progress, rest_shoulder),
        # the rig's rest elbow is bent ~50 deg; extend it to lie flat, bend it to hold the shin
        "elbow_ext_deg": 50.0 - 110.0 * progress if motion.hands_on_shin else np.full_like(progress, 50.0),
    }


@dataclass(frozen=True)
class IRMotion:
    """A hip internal/external-rotation test in one position.

    ``position``: ``"supine"`` (90/90, filmed from overhead), ``"seated"``
    (edge of the plinth, filmed from the front) or ``"prone"`` (knee bent
    90 deg, filmed from the foot end). The femur rotates about its own axis
    to ``peak_ir_deg`` (internal) and ``peak_er_deg`` (external) with holds.
    """

    side: str = "left"
    position: str = "supine"
    peak_ir_deg: float = 35.0
    peak_er_deg: float = 30.0
    baseline_s: float = 1.5
    move_s: float = 1.5
    hold_s: float = 1.0
    rest_s: float = 0.8
    reps: int = 1
    include_er: bool = True
    pelvis_shift_deg: float = 0.0  # compensation: pelvis rolls with the rotation
    extra: dict = field(default_factory=dict)

    @property
    def duration_s(self) -> float:
        per = 2 * self.move_s + self.hold_s + self.rest_s
        return self.baseline_s + self.reps * per * (2 if self.include_er else 1)


def ir_schedule(motion: IRMotion, time_s: np.ndarray) -> dict[str, np.ndarray]:
    """Per-frame femoral rotation (deg, internal positive) of the IR test."""
    segments: list[tuple[float, float]] = [(motion.baseline_s, 0.0)]
    for _ in range(motion.reps):
        segments += [(motion.move_s, motion.peak_ir_deg), (motion.hold_s, motion.peak_ir_deg),
                     (motion.move_s, 0.0), (motion.rest_s, 0.0)]  # fmt: skip
        if motion.include_er:
            segments += [(motion.move_s, -motion.peak_er_deg), (motion.hold_s, -motion.peak_er_deg),
                         (motion.move_s, 0.0), (motion.rest_s, 0.0)]  # fmt: skip
    rotation = smooth_profile(time_s, segments)
    peak = max(motion.peak_ir_deg, motion.peak_er_deg, 1e-9)
    return {"rotation_deg": rotation, "pelvis_roll_deg": motion.pelvis_shift_deg * np.abs(rotation) / peak}
