"""What a clinic adds to the picture: the patient's clothing, and a second person in view.

Clothing recolours the patient's mesh faces (the truth is the skeleton's, so it
does not change); the second person is a static body standing behind the
plinth, or leaning in over the patient's legs, the way a clinician does.
"""

from __future__ import annotations

import numpy as np

from hiprom.synth.body import PosedBody, pose_body, rot_axis
from hiprom.synth.options import CLOTHING, SECOND_PERSON
from hiprom.synth.render import Mesh
from hiprom.synth.scene import PALETTE, body_colours

__all__ = ["clothed_colours", "second_person_mesh"]


_TROUSERS = ("upperleg", "lowerleg")
_SLEEVES = ("upperarm", "lowerarm")


def clothed_colours(posed: PosedBody, clothing: str, seed: int) -> np.ndarray:
    """(n_faces, 3) RGB: the default shorts and shirt, or long trousers and sleeves with a pattern.

    ``"tracksuit"``: long trousers and sleeves in a random colour with a
    lighter stripe down the side and a woven texture; ``"leggings"``: dark
    tight trousers with a printed pattern, sleeves bare.
    """
    colours = body_colours(posed)
    if clothing == "shorts":
        return colours
    if clothing not in CLOTHING:
        raise ValueError(f"clothing must be one of {CLOTHING}, got {clothing!r}")
    rng = np.random.default_rng(seed + 7)
    labels, bone = posed.bone_labels, posed.vertex_bone
    face_bone = bone[posed.faces[:, 0]]
    names = np.array(labels, dtype=object)[face_bone]
    legs = np.array([str(n).startswith(_TROUSERS) for n in names])
    arms = np.array([str(n).startswith(_SLEEVES) for n in names])
    centre = posed.vertices[0][posed.faces].mean(axis=1)  # rest pose, body frame (x left, z up)
    base = rng.uniform(25, 200, 3)
    if clothing == "tracksuit":
        cover = legs | arms
        stripe = np.abs(np.sin(centre[:, 0] * 60.0)) > 0.92  # thin lighter lines along the limbs
        weave = 1.0 + 0.12 * np.sign(np.sin(centre[:, 2] * 180.0) * np.sin(centre[:, 1] * 180.0))
        cloth = np.where(stripe[:, None], np.clip(base + 90, 0, 255), base * weave[:, None])
        colours[posed_torso(names)] = np.clip(base * 0.8, 0, 255)
    else:
        cover = legs
        dots = (np.sin(centre[:, 2] * 120.0) + np.sin(centre[:, 0] * 120.0)) > 1.2
        cloth = np.where(dots[:, None], np.clip(base + 70, 0, 255), np.full((len(names), 3), 30.0))
    colours[cover] = cloth[cover]
    return colours


def posed_torso(names: np.ndarray) -> np.ndarray:
    """Faces of the shirt (spine, clavicles, shoulders, neck)."""
    return np.array([str(n).startswith(("spine", "clavicle", "shoulder", "neck")) for n in names])


def second_person_mesh(kind: str, plinth_lo: np.ndarray, plinth_hi: np.ndarray, seed: int) -> Mesh | None:
    """A clinician standing behind the plinth (``"standing"``), or leaning in over it (``"leaning"``).

    World frame of :mod:`hiprom.synth.scene`: Y up, the floor at -0.68 m, the
    phone on the +Z side. The person faces the phone, arms down.
    """
    if kind == "none":
        return None
    if kind not in SECOND_PERSON:
        raise ValueError(f"second_person must be one of {SECOND_PERSON}, got {kind!r}")
    arms = {f"upperarm01.{s}": rot_axis(np.array([0.0, 1.0, 0.0]), np.full(1, (1 if s == "L" else -1) * 55.0))
            for s in ("L", "R")}  # fmt: skip
    shape = ("athletic_male", "slim_female", "heavy")[seed % 3]
    posed = pose_body(arms, 1, shape)
    # body frame (x left, y back, z up) -> world facing +Z: x -> x, y -> -z, z -> y
    standing = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, -1.0, 0.0]])
    v = posed.vertices[0] @ standing.T
    floor_y = -0.68
    v[:, 1] += floor_y - v[:, 1].min()
    centre_x = (plinth_lo[0] + plinth_hi[0]) / 2
    if kind == "standing":
        v += np.array([centre_x + 0.25 - v[:, 0].mean(), 0.0, plinth_lo[2] - 0.45 - v[:, 2].mean()])
    else:  # leaning in towards the phone over the plinth, pivoting at the feet
        lean = np.radians(32.0)
        rot = np.array([[1, 0, 0], [0, np.cos(lean), -np.sin(lean)], [0, np.sin(lean), np.cos(lean)]])
        feet = np.array([v[:, 0].mean(), floor_y, v[:, 2].mean()])
        v = (v - feet) @ rot.T + feet
        v += np.array([centre_x - 0.25 - v[:, 0].mean(), 0.0, plinth_lo[2] - 0.35 - feet[2]])
    colours = body_colours(posed)
    shirt = posed_torso(np.array(posed.bone_labels, dtype=object)[posed.vertex_bone[posed.faces[:, 0]]])
    colours[shirt] = PALETTE["sock"] * 0.95  # a white tunic
    return Mesh(v, posed.faces, colours)
