"""The posed body: anny's mesh and skeleton, in the body frame.

Body frame (anny's): metres, x to the person's left, y to their back
(the front is -y), z up (head). Bone deltas are anny's "local-ref" 4x4
transforms: applied at the bone's head, in axes aligned with the body frame
at rest, carried by the parents (checked: ``rot_x(-a)`` on ``upperleg01.L``
flexes the left hip by ``a`` on the pelvis; a rotation about the vertical
turns the femur about itself).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

__all__ = [
    "BODY_SHAPES",
    "JOINT_BONES",
    "PosedBody",
    "load_body_model",
    "pose_body",
    "rot_axis",
    "rot_x",
]

#: Phenotype presets (anny's phenotype parameters, 0..1).
BODY_SHAPES: dict[str, dict[str, float]] = {
    "average": {"gender": 0.5, "age": 0.5, "muscle": 0.5, "weight": 0.5, "height": 0.5, "proportions": 0.5},
    "athletic_male": {
        "gender": 1.0,
        "age": 0.45,
        "muscle": 0.8,
        "weight": 0.45,
        "height": 0.7,
        "proportions": 0.6,
    },
    "slim_female": {
        "gender": 0.0,
        "age": 0.4,
        "muscle": 0.4,
        "weight": 0.3,
        "height": 0.4,
        "proportions": 0.5,
    },
    "heavy": {"gender": 0.7, "age": 0.6, "muscle": 0.4, "weight": 0.9, "height": 0.5, "proportions": 0.4},
}

#: Joint centres used for truth and for 2D projections: name -> (bone, side-specific).
JOINT_BONES: dict[str, str] = {
    "pelvis": "root",
    "hip_left": "upperleg01.L",
    "hip_right": "upperleg01.R",
    "knee_left": "lowerleg01.L",
    "knee_right": "lowerleg01.R",
    "ankle_left": "foot.L",
    "ankle_right": "foot.R",
    "toe_left": "toe3-1.L",
    "toe_right": "toe3-1.R",
    "shoulder_left": "upperarm01.L",
    "shoulder_right": "upperarm01.R",
    "elbow_left": "lowerarm01.L",
    "elbow_right": "lowerarm01.R",
    "wrist_left": "wrist.L",
    "wrist_right": "wrist.R",
    "spine_lumbar": "spine04",
    "spine_thoracic": "spine02",
    "neck": "neck01",
    "head": "head",
    "eye_left": "eye.L",
    "eye_right": "eye.R",
}


def rot_x(angle_deg: np.ndarray) -> np.ndarray:
    """(n, 4, 4) rotations about the body x axis (left), right-handed."""
    return rot_axis(np.array([1.0, 0.0, 0.0]), angle_deg)


def rot_axis(axis: np.ndarray, angle_deg: np.ndarray, centre: np.ndarray | None = None) -> np.ndarray:
    """(n, 4, 4) rotations by ``angle_deg`` about ``axis`` through ``centre`` (Rodrigues)."""
    angle = np.radians(np.atleast_1d(np.asarray(angle_deg, dtype=float)))
    k = np.asarray(axis, dtype=float)
    k = k / np.linalg.norm(k)
    kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    s, c = np.sin(angle)[:, None, None], np.cos(angle)[:, None, None]
    rot = np.eye(3) + s * kx + (1 - c) * (kx @ kx)
    out = np.tile(np.eye(4), (angle.size, 1, 1))
    out[:, :3, :3] = rot
    if centre is not None:
        centre = np.asarray(centre, dtype=float)
        out[:, :3, 3] = centre - rot @ centre
    return out


@functools.lru_cache(maxsize=1)
def load_body_model():
    """anny's full-body model (built once; the first build takes about a minute)."""
    import warnings

    try:  # anny skins with NVIDIA Warp, which announces itself unless told not to
        import warp

        warp.config.log_level = warp.LOG_ERROR
    except ImportError:
        pass
    from hiprom._fs import quiet_native_stderr

    with quiet_native_stderr(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import anny

        return anny.Anny()


@dataclass(frozen=True)
class PosedBody:
    """A body posed over ``n`` frames, in the body frame (metres).

    Attributes
    ----------
    vertices : (n, n_vertices, 3) float32 array
    faces : (n_faces, 3) int array
    joints : dict of name -> (n, 3) float64 array
        Joint centres (the bones' rotation centres), see :data:`JOINT_BONES`.
    bone_poses : dict of bone name -> (n, 4, 4) array
        World poses of the bones that matter for truth (root, legs).
    vertex_bone : (n_vertices,) int array
        Index into ``bone_labels`` of each vertex's dominant bone.
    bone_labels : list of str
    """

    vertices: np.ndarray
    faces: np.ndarray
    joints: dict[str, np.ndarray]
    bone_poses: dict[str, np.ndarray]
    vertex_bone: np.ndarray
    bone_labels: list[str]


def pose_body(
    deltas: dict[str, np.ndarray], n_frames: int, shape: str | dict[str, float] = "average", chunk: int = 120
) -> PosedBody:
    """Pose the body for every frame.

    Parameters
    ----------
    deltas : dict of bone name -> (n_frames, 4, 4) array
        Local-ref delta transforms; bones not named stay at rest.
    n_frames : int
    shape : str or dict
        A :data:`BODY_SHAPES` name or anny phenotype parameters.
    """
    import torch

    model = load_body_model()
    phen = BODY_SHAPES[shape] if isinstance(shape, str) else shape
    labels = list(model.bone_labels)
    unknown = set(deltas) - set(labels)
    if unknown:
        raise KeyError(f"unknown bones {sorted(unknown)}")
    keep = {"root", "upperleg01.L", "upperleg01.R", "lowerleg01.L", "lowerleg01.R", "foot.L", "foot.R"}
    verts, joints, poses = [], {k: [] for k in JOINT_BONES}, {k: [] for k in keep}
    dtype = model.template_vertices.dtype
    for start in range(0, n_frames, chunk):
        stop = min(start + chunk, n_frames)
        batch = {k: torch.as_tensor(v[start:stop], dtype=dtype) for k, v in deltas.items()}
        if not batch:
            batch = {"root": torch.eye(4, dtype=dtype)[None].repeat(stop - start, 1, 1)}
        phen_t = {k: torch.full((stop - start,), float(v), dtype=dtype) for k, v in phen.items()}
        with torch.no_grad():
            out = model(pose_parameters=batch, phenotype_kwargs=phen_t)
        verts.append(out["vertices"].numpy().astype(np.float32))
        bone_poses = out["bone_poses"].numpy()
        for name, bone in JOINT_BONES.items():
            joints[name].append(bone_poses[:, labels.index(bone), :3, 3])
        for bone in keep:
            poses[bone].append(bone_poses[:, labels.index(bone)])
    weights = model.vertex_bone_weights.numpy()
    indices = model.vertex_bone_indices.numpy()
    vertex_bone = indices[np.arange(indices.shape[0]), weights.argmax(axis=1)]
    return PosedBody(
        vertices=np.concatenate(verts),
        faces=model.get_triangular_faces().numpy().astype(np.int64),
        joints={k: np.concatenate(v) for k, v in joints.items()},
        bone_poses={k: np.concatenate(v) for k, v in poses.items()},
        vertex_bone=vertex_bone,
        bone_labels=labels,
    )
