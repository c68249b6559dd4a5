"""Pose the body for a test, lay it on the plinth, and build the scene meshes.

Body frame -> world frame (metres, Y up, plinth top at Y = 0): supine and
prone bodies lie along X with the head towards +X when the left side faces
the camera (+Z); a seated body faces +Z with its left towards +X.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from hiprom.synth.body import PosedBody, pose_body, rot_axis, rot_x

__all__ = [
    "BODY_REVISION",
    "Placement",
    "SceneBody",
    "body_colours",
    "build_scene_body",
    "ir_deltas",
    "knee_to_chest_deltas",
    "plinth_meshes",
    "settle_on_table",
]

#: Bumped when how the body lies changes, so that cached knee-to-chest clips are re-rendered
#: (2: the trunk stays on the plinth under posterior tilt, :func:`settle_on_table`).
BODY_REVISION = 2

SKIN = np.array([222.0, 176.0, 145.0])
PALETTE = {
    "skin": SKIN,
    "shorts": np.array([38.0, 44.0, 60.0]),
    "shirt": np.array([52.0, 96.0, 168.0]),
    "sock": np.array([235.0, 235.0, 235.0]),
    "eye": np.array([25.0, 20.0, 20.0]),
    "hair": np.array([60.0, 40.0, 28.0]),
}
_SHORTS = ("root", "pelvis.L", "pelvis.R", "upperleg01.L", "upperleg01.R")
_SHIRT = ("spine05", "spine04", "spine03", "spine02", "spine01", "clavicle.L", "clavicle.R",
          "shoulder01.L", "shoulder01.R", "upperarm01.L", "upperarm01.R", "neck01")  # fmt: skip


@dataclass(frozen=True)
class Placement:
    """world = rotation @ body + translation."""

    rotation: np.ndarray
    translation: np.ndarray

    def apply(self, points: np.ndarray) -> np.ndarray:
        return np.asarray(points) @ self.rotation.T + self.translation


def _placement_rotation(position: str, side: str) -> np.ndarray:
    s = 1.0 if side == "left" else -1.0
    if position == "supine":  # head +X (left) / -X (right), front up, tested side towards +Z
        return np.array([[0, 0, s], [0, -1, 0], [s, 0, 0]], float)
    if position == "prone":  # head +X, back up, right side towards +Z
        return np.array([[0, 0, 1], [0, 1, 0], [-1, 0, 0]], float)
    if position == "seated":  # facing +Z, left towards +X
        return np.array([[1, 0, 0], [0, 0, 1], [0, -1, 0]], float)
    raise ValueError(f"unknown position {position!r}")


@dataclass(frozen=True)
class SceneBody:
    """The posed body in the world, plus what truth needs."""

    posed: PosedBody
    rest: PosedBody  # one frame, all deltas zero (the reference pose)
    placement: Placement
    position: str
    side: str
    plinth_top_y: float

    def world_vertices(self, frame: int) -> np.ndarray:
        return self.placement.apply(self.posed.vertices[frame])

    def world_joints(self) -> dict[str, np.ndarray]:
        return {k: self.placement.apply(v) for k, v in self.posed.joints.items()}


def sacral_point(rest: PosedBody) -> np.ndarray:
    """Where the sacrum meets the table in the rest pose (body frame)."""
    v = rest.vertices[0]
    hip_z = rest.joints["hip_left"][0, 2]
    near = (np.abs(v[:, 0]) < 0.05) & (v[:, 2] > hip_z - 0.02) & (v[:, 2] < hip_z + 0.12)
    idx = np.flatnonzero(near)[np.argmax(v[near, 1])]
    return v[idx].astype(float)


def settle_on_table(posed: PosedBody) -> PosedBody:
    """Keep a supine body's trunk where it lay and the body on the plinth, frame by frame.

    The knee-to-chest's posterior tilt turns the rig's root (the pelvis, parent of
    the spine) about the sacrum and the lumbar spine turns the trunk back; on
    its own that carries the trunk into the plinth (4 cm at 30 deg of tilt).
    Each frame is shifted so the thorax stays where it lay, then along the
    body's back-front axis so its lowest point is on the plinth as at rest: the
    pelvis rolls up off the table (the buttock lifts) and nothing sinks into
    it. Angles are unchanged (a translation), so the truth's angles are too.
    """
    thorax = posed.joints["spine_thoracic"]
    shift = thorax[:1] - thorax  # (n, 3), body frame
    back = posed.vertices[..., 1] + shift[:, None, 1].astype(np.float32)  # +y is the back
    shift[:, 1] += float(posed.vertices[0, :, 1].max()) - back.max(axis=1)
    bone_poses = {}
    for name, pose in posed.bone_poses.items():
        pose = pose.copy()
        pose[:, :3, 3] += shift
        bone_poses[name] = pose
    return replace(
        posed,
        vertices=(posed.vertices + shift[:, None, :]).astype(posed.vertices.dtype),
        joints={k: v + shift for k, v in posed.joints.items()},
        bone_poses=bone_poses,
    )


def _arm_down(side: str, n: int, angle_deg: float = 40.0) -> np.ndarray:
    """Adduct an arm from the rig's A-pose to lie along the body."""
    sign = 1.0 if side == "L" else -1.0
    return rot_axis(np.array([0.0, 1.0, 0.0]), np.full(n, sign * angle_deg))


def knee_to_chest_deltas(angles: dict[str, np.ndarray], side: str, rest: PosedBody) -> dict[str, np.ndarray]:
    """Bone deltas of the knee-to-chest schedule (see :mod:`.motion`)."""
    t, o = ("L", "R") if side == "left" else ("R", "L")
    x = np.array([1.0, 0.0, 0.0])
    n = angles["tilt_deg"].shape[0]
    return {
        "root": rot_axis(x, -angles["tilt_deg"], centre=sacral_point(rest)),
        f"upperleg01.{t}": rot_x(-angles["hip_deg"]),
        f"lowerleg01.{t}": rot_x(angles["knee_deg"]),
        f"upperleg01.{o}": rot_x(angles["other_hip_ext_deg"]),
        "spine05": rot_x(angles["lumbar_deg"] / 2),
        "spine04": rot_x(angles["lumbar_deg"] / 2),
        "upperarm01.L": rot_x(-angles["shoulder_deg"]) @ _arm_down("L", n),
        "upperarm01.R": rot_x(-angles["shoulder_deg"]) @ _arm_down("R", n),
        "lowerarm01.L": rot_x(angles["elbow_ext_deg"]),
        "lowerarm01.R": rot_x(angles["elbow_ext_deg"]),
    }


def femur_axis(rest: PosedBody, side: str) -> np.ndarray:
    s = "left" if side == "left" else "right"
    f = rest.joints[f"knee_{s}"][0] - rest.joints[f"hip_{s}"][0]
    return f / np.linalg.norm(f)


def ir_deltas(
    angles: dict[str, np.ndarray], side: str, position: str, rest: PosedBody
) -> dict[str, np.ndarray]:
    """Bone deltas of the internal-rotation test in one position."""
    t, o = ("L", "R") if side == "left" else ("R", "L")
    n = angles["rotation_deg"].shape[0]
    sign = 1.0 if side == "left" else -1.0  # internal rotation about the femur's downward axis
    spin = rot_axis(femur_axis(rest, side), sign * angles["rotation_deg"])
    roll = rot_axis(np.array([0.0, 0.0, 1.0]), -sign * angles["pelvis_roll_deg"])
    flex90, knee90 = rot_x(np.full(n, -90.0)), rot_x(np.full(n, 90.0))
    elbow = rot_x(np.full(n, 50.0))
    arms = {"upperarm01.L": _arm_down("L", n), "upperarm01.R": _arm_down("R", n),
            "lowerarm01.L": elbow, "lowerarm01.R": elbow}  # fmt: skip
    if position == "supine":
        return {"root": roll, f"upperleg01.{t}": flex90 @ spin, f"lowerleg01.{t}": knee90, **arms}
    if position == "seated":
        return {
            "root": roll,
            f"upperleg01.{t}": flex90 @ spin,
            f"lowerleg01.{t}": knee90,
            f"upperleg01.{o}": flex90,
            f"lowerleg01.{o}": knee90,
            "upperarm01.L": _arm_down("L", n, 25.0),
            "upperarm01.R": _arm_down("R", n, 25.0),
        }
    if position == "prone":
        return {"root": roll, f"upperleg01.{t}": spin, f"lowerleg01.{t}": knee90, **arms}
    raise ValueError(f"unknown position {position!r}")


def build_scene_body(
    deltas: dict[str, np.ndarray], n_frames: int, position: str, side: str, shape, settle: bool = False
) -> SceneBody:
    """Pose, then place the body so it rests on the plinth (top at Y = 0); ``settle``: keep it there in
    every frame (:func:`settle_on_table`, the knee-to-chest)."""
    posed = pose_body(deltas, n_frames, shape)
    if settle:
        posed = settle_on_table(posed)
    rest = pose_body({}, 1, shape)
    rotation = _placement_rotation(position, side)
    v0 = posed.vertices[0] @ rotation.T
    if position == "seated":
        thigh = np.isin(
            posed.vertex_bone, [posed.bone_labels.index(b) for b in ("upperleg01.L", "upperleg01.R")]
        )
        bottom = v0[thigh, 1].min()
    else:
        bottom = v0[:, 1].min()
    centre = (v0.max(axis=0) + v0.min(axis=0)) / 2
    translation = np.array([-centre[0], -bottom - 0.004, -centre[2]])
    return SceneBody(posed, rest, Placement(rotation, translation), position, side, 0.0)


def body_colours(posed: PosedBody) -> np.ndarray:
    """(n_faces, 3) RGB base colour of each face: skin, clothes, socks, eyes, hair."""
    labels = posed.bone_labels
    bone = posed.vertex_bone
    part = np.full(bone.shape, "skin", dtype=object)
    part[np.isin(bone, [labels.index(b) for b in _SHORTS])] = "shorts"
    part[np.isin(bone, [labels.index(b) for b in _SHIRT])] = "shirt"
    feet = [i for i, b in enumerate(labels) if b.startswith(("foot", "toe"))]
    part[np.isin(bone, feet)] = "sock"
    part[np.isin(bone, [labels.index("eye.L"), labels.index("eye.R")])] = "eye"
    v = posed.vertices[0]
    head = bone == labels.index("head")
    eye_z = posed.joints["eye_left"][0, 2]
    eye_y = posed.joints["eye_left"][0, 1]
    part[head & ((v[:, 2] > eye_z + 0.045) | (v[:, 1] > eye_y + 0.07))] = "hair"
    vertex_rgb = np.stack([PALETTE[p] for p in part])
    return vertex_rgb[posed.faces].mean(axis=1)


def _box(lo: np.ndarray, hi: np.ndarray, tile_m: float) -> tuple[np.ndarray, np.ndarray]:
    """A box as outward-facing triangles, each face tiled (so painter sorting stays local)."""
    verts, faces = [], []
    for axis in range(3):
        for sign in (-1, 1):
            u, w = [a for a in range(3) if a != axis]
            nu = max(1, int(np.ceil((hi[u] - lo[u]) / tile_m)))
            nw = max(1, int(np.ceil((hi[w] - lo[w]) / tile_m)))
            gu = np.linspace(lo[u], hi[u], nu + 1)
            gw = np.linspace(lo[w], hi[w], nw + 1)
            uu, ww = np.meshgrid(gu, gw, indexing="ij")
            pts = np.zeros((nu + 1, nw + 1, 3))
            pts[..., axis] = hi[axis] if sign > 0 else lo[axis]
            pts[..., u], pts[..., w] = uu, ww
            base = sum(len(v) for v in verts)
            verts.append(pts.reshape(-1, 3))
            idx = np.arange((nu + 1) * (nw + 1)).reshape(nu + 1, nw + 1) + base
            a, b, c, d = idx[:-1, :-1], idx[1:, :-1], idx[1:, 1:], idx[:-1, 1:]
            quad = np.stack([np.stack([a, b, c], -1), np.stack([a, c, d], -1)], 0).reshape(-1, 3)
            # orient outward: the normal of (a, b, c) is +axis when (u, w, axis) is right-handed
            right_handed = (u, w, axis) in ((0, 1, 2), (1, 2, 0), (2, 0, 1))
            if right_handed != (sign > 0):
                quad = quad[:, ::-1]
            faces.append(quad)
    return np.concatenate(verts), np.concatenate(faces)


def plinth_meshes(body_world_lo: np.ndarray, body_world_hi: np.ndarray, position: str):
    """Plinth (padded top, frame, legs) and floor as ``(vertices, faces, colour, cull)`` tuples."""
    top_lo = np.array([body_world_lo[0] - 0.08, -0.07, -0.36])
    top_hi = np.array([body_world_hi[0] + 0.12, 0.0, 0.36])
    if position == "seated":  # the thighs rest on the plinth; the shanks hang in front of it
        top_lo = np.array([-0.6, -0.07, body_world_lo[2] - 0.05])
        top_hi = np.array([0.6, 0.0, body_world_hi[2] - 0.42])
    meshes = []
    v, f = _box(top_lo, top_hi, 0.05)
    meshes.append((v, f, np.array([70.0, 96.0, 122.0]), True))
    floor_y = -0.68
    for x in (top_lo[0] + 0.06, top_hi[0] - 0.06):
        for z in (top_lo[2] + 0.06, top_hi[2] - 0.06):
            v, f = _box(
                np.array([x - 0.025, floor_y, z - 0.025]), np.array([x + 0.025, -0.07, z + 0.025]), 0.1
            )
            meshes.append((v, f, np.array([150.0, 150.0, 155.0]), True))
    gx = np.linspace(-4, 4, 17)
    gz = np.linspace(-4, 4, 17)
    xx, zz = np.meshgrid(gx, gz, indexing="ij")
    fv = np.stack([xx, np.full_like(xx, floor_y), zz], -1).reshape(-1, 3)
    idx = np.arange(fv.shape[0]).reshape(17, 17)
    a, b, c, d = idx[:-1, :-1], idx[1:, :-1], idx[1:, 1:], idx[:-1, 1:]
    ff = np.stack([np.stack([a, c, b], -1), np.stack([a, d, c], -1)], 0).reshape(-1, 3)
    meshes.append((fv, ff, np.array([158.0, 146.0, 128.0]), False))
    return meshes
