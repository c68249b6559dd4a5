"""Ground truth measured from the posed skeleton (pure numpy).

Every quantity is computed from joint centres and bone orientations of the
posed body in the world frame, not echoed from the motion parameters, so a
wrong rotation convention shows up as a wrong truth (the tests check these
against known poses).

Definitions (degrees):

``thigh_vs_table``  the tested femur (hip centre -> knee centre) against the
    plinth plane, in the sagittal plane; positive = knee above the hip line.
``hip_flexion``  femur on pelvis: the femur's sagittal angle in the pelvis
    frame minus its angle in the rig's rest pose (0 = anatomical neutral).
``trunk_thigh``  the goniometer's reading: 180 - the angle at the hip between
    the trunk line (hip -> shoulder, same side) and the femur, both projected
    on the sagittal plane; it includes the pelvis's contribution.
``pelvic_tilt``  posterior tilt of the pelvis from the first frame (positive
    = posterior), from the pelvis bone's orientation.
``knee_flexion``  knee-to-chest: the femur's minus the shank's sagittal angle
    in the pelvis frame (0 = straight); rotation tests: 180 - the 3D angle at
    the knee between thigh and shank.
``hip_ir``  rotation of the shank about the femur from its first-frame
    direction, in the plane perpendicular to the femur; positive = internal
    (the foot swings laterally).
"""

from __future__ import annotations

import numpy as np

from hiprom.kinematics.pelvis import normal_posterior_tilt_deg
from hiprom.norms import BORROWING_HIP_FLEXION_DEG
from hiprom.synth.scene import SceneBody

__all__ = ["HINGE_TOLERANCE_DEG", "ir_truth", "knee_to_chest_truth", "onset_truth", "rep_onset_truth"]

#: The pelvis counts as rotating beyond the normal curve once the skeleton's tilt exceeds it by this much: a
#: numerical tolerance of the noise-free posed skeleton (the skeleton's hip flexion follows the motion's to
#: 0.5 deg, which moves the curve by under 0.1 deg), not a detection threshold.
HINGE_TOLERANCE_DEG = 0.5


def _signed_angle_deg(a: np.ndarray, b: np.ndarray, axis: np.ndarray) -> np.ndarray:
    """Angle from ``a`` to ``b`` about ``axis`` (right-handed), all ``(n, 3)``."""
    axis = axis / np.linalg.norm(axis, axis=-1, keepdims=True)
    return np.degrees(np.arctan2(np.sum(np.cross(a, b) * axis, axis=-1), np.sum(a * b, axis=-1)))


def _sagittal_deg(v: np.ndarray, forward: np.ndarray, down: np.ndarray) -> np.ndarray:
    return np.degrees(np.arctan2(v @ forward, v @ down))


def _pelvis_rotations(scene: SceneBody) -> np.ndarray:
    """(n, 3, 3) pelvis orientation in the body frame (the root bone's)."""
    return scene.posed.bone_poses["root"][:, :3, :3]


def knee_to_chest_truth(scene: SceneBody) -> dict[str, np.ndarray]:
    """Per-frame truth of a supine knee-to-chest clip (see module docstring)."""
    s, o = ("left", "right") if scene.side == "left" else ("right", "left")
    world = scene.world_joints()
    rot = scene.placement.rotation
    head_dir = rot @ np.array([0.0, 0.0, 1.0])  # body +z in the world
    up = np.array([0.0, 1.0, 0.0])
    caudal = -head_dir

    def thigh_vs_table(side: str) -> np.ndarray:
        femur = world[f"knee_{side}"] - world[f"hip_{side}"]
        return np.degrees(np.arctan2(femur @ up, femur @ caudal))

    # femur on pelvis, in the pelvis frame (body coordinates: front = -y, down = -z)
    body = scene.posed.joints
    pelvis_r = _pelvis_rotations(scene)
    femur_b = body[f"knee_{s}"] - body[f"hip_{s}"]
    femur_p = np.einsum("nji,nj->ni", pelvis_r, femur_b)  # R^T v
    rest_femur = scene.rest.joints[f"knee_{s}"][0] - scene.rest.joints[f"hip_{s}"][0]
    fwd, down = np.array([0.0, -1.0, 0.0]), np.array([0.0, 0.0, -1.0])
    hip_flexion = _sagittal_deg(femur_p, fwd, down) - _sagittal_deg(rest_femur[None], fwd, down)

    # goniometer: trunk line vs femur, projected on the sagittal plane (drop the lateral axis)
    lateral = rot @ np.array([1.0, 0.0, 0.0])

    def project(v: np.ndarray) -> np.ndarray:
        return v - np.outer(v @ lateral, lateral)

    trunk = project(world[f"shoulder_{s}"] - world[f"hip_{s}"])
    femur = project(world[f"knee_{s}"] - world[f"hip_{s}"])
    cos = np.sum(trunk * femur, 1) / (np.linalg.norm(trunk, axis=1) * np.linalg.norm(femur, axis=1))
    trunk_thigh = 180.0 - np.degrees(np.arccos(np.clip(cos, -1, 1)))

    # pelvic tilt: the pelvis z axis in the body's sagittal plane; posterior = towards -y... (rot_x(-p))
    z_axis = pelvis_r[:, :, 2]
    tilt_abs = np.degrees(np.arctan2(z_axis[:, 1], z_axis[:, 2]))
    pelvic_tilt = tilt_abs - tilt_abs[0]

    # knee flexion in the sagittal plane: femur angle minus shank angle (pelvis frame)
    shank_p = np.einsum("nji,nj->ni", pelvis_r, body[f"ankle_{s}"] - body[f"knee_{s}"])
    knee = _sagittal_deg(femur_p, fwd, down) - _sagittal_deg(shank_p, fwd, down)
    return {
        "thigh_vs_table_deg": thigh_vs_table(s),
        "hip_flexion_deg": hip_flexion,
        "trunk_thigh_deg": trunk_thigh,
        "pelvic_tilt_deg": pelvic_tilt,
        "knee_flexion_deg": knee,
        "other_thigh_vs_table_deg": thigh_vs_table(o),
    }


def ir_truth(scene: SceneBody) -> dict[str, np.ndarray]:
    """Per-frame truth of a hip-rotation clip: ``hip_ir_deg`` and the hip/knee angles."""
    s = scene.side
    body = scene.posed.joints
    pelvis_r = _pelvis_rotations(scene)
    to_pelvis = lambda v: np.einsum("nji,nj->ni", pelvis_r, v)  # noqa: E731
    femur = to_pelvis(body[f"knee_{s}"] - body[f"hip_{s}"])
    shank = to_pelvis(body[f"ankle_{s}"] - body[f"knee_{s}"])
    f_hat = femur / np.linalg.norm(femur, axis=1, keepdims=True)

    def perp(v: np.ndarray) -> np.ndarray:
        return v - np.sum(v * f_hat, 1, keepdims=True) * f_hat

    ref = perp(np.broadcast_to(shank[0], shank.shape))
    angle = _signed_angle_deg(ref, perp(shank), f_hat)
    # positive = the foot swings laterally (+x for the left leg, -x for the right)
    lateral = np.array([1.0, 0.0, 0.0]) * (1.0 if s == "left" else -1.0)
    test = np.cross(f_hat[0], ref[0])
    sign = 1.0 if test @ lateral > 0 else -1.0
    rest_femur = scene.rest.joints[f"knee_{s}"][0] - scene.rest.joints[f"hip_{s}"][0]
    fwd, down = np.array([0.0, -1.0, 0.0]), np.array([0.0, 0.0, -1.0])
    hip_flexion = _sagittal_deg(femur, fwd, down) - _sagittal_deg(rest_femur[None], fwd, down)
    cos = np.sum(-femur * shank, 1) / (np.linalg.norm(femur, axis=1) * np.linalg.norm(shank, axis=1))
    knee = 180.0 - np.degrees(np.arccos(np.clip(cos, -1, 1)))
    x_axis = pelvis_r[:, :, 0]
    pelvis_roll = np.degrees(np.arctan2(x_axis[:, 1], x_axis[:, 0]))
    return {
        "hip_ir_deg": sign * angle,
        "hip_flexion_deg": hip_flexion,
        "knee_flexion_deg": knee,
        "pelvis_roll_deg": pelvis_roll - pelvis_roll[0],
    }


def onset_truth(time_s: np.ndarray, truth: dict[str, np.ndarray]) -> dict:
    """The onset of excess posterior tilt, defined geometrically on the posed skeleton.

    The hinge where the pelvis starts to rotate beyond the published normal
    curve (:func:`hiprom.kinematics.pelvis.normal_posterior_tilt_deg`, Takei et
    al. 2002): the start of the last stretch before the rep's largest excess
    in which the skeleton's tilt stays above the curve (by more than
    :data:`HINGE_TOLERANCE_DEG`); its first frame's hip flexion (past the
    hinge a stiff hip gains little, so this reads at most a frame's step of
    that little late). No detection rule of the analysis (threshold, duration,
    noise model) enters it, so a wrong rule there shows up against this truth.
    """
    time_s = np.asarray(time_s, float)
    hip, thigh, trunk = (np.asarray(truth[k], float) for k in ("hip_flexion_deg", "thigh_vs_table_deg",
                                                              "trunk_thigh_deg"))  # fmt: skip
    excess = np.asarray(truth["pelvic_tilt_deg"], float) - normal_posterior_tilt_deg(hip)
    peak = int(np.nanargmax(excess)) if np.isfinite(excess).any() else 0
    if not np.isfinite(excess[peak]) or excess[peak] <= HINGE_TOLERANCE_DEG:
        return {"found": False, "time_s": None, "hip_flexion_deg": None, "thigh_vs_table_deg": None,
                "trunk_thigh_deg": None, "definition": "geometric hinge"}  # fmt: skip
    under = np.flatnonzero(excess[: peak + 1] <= HINGE_TOLERANCE_DEG)
    idx = int(under[-1]) + 1 if under.size else 0  # the first frame beyond the curve for good
    return {
        "found": True,
        "time_s": float(time_s[idx]),
        "frame": idx,
        "hip_flexion_deg": float(hip[idx]),
        "thigh_vs_table_deg": float(thigh[idx]),
        "trunk_thigh_deg": float(trunk[idx]),
        "definition": "geometric hinge",
    }


def rep_onset_truth(
    time_s: np.ndarray, truth: dict[str, np.ndarray], start_s: float, end_s: float
) -> tuple[dict, bool]:
    """One rep's onset (:func:`onset_truth` over ``start_s..end_s``) and its lumbar-borrowing truth.

    Borrowing = the pelvis left the normal curve before the clinical cut-off
    (:data:`hiprom.norms.BORROWING_HIP_FLEXION_DEG`).
    """
    time_s = np.asarray(time_s, float)
    idx = np.flatnonzero((time_s >= start_s - 1e-6) & (time_s <= end_s + 1e-6))
    window = slice(int(idx[0]), int(idx[-1]) + 1)
    onset = onset_truth(time_s[window], {k: np.asarray(v)[window] for k, v in truth.items()})
    if onset["found"]:
        onset["frame"] += window.start
    return onset, bool(onset["found"] and onset["hip_flexion_deg"] < BORROWING_HIP_FLEXION_DEG)
