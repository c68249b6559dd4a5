"""A small z-sorted triangle painter (OpenCV), Lambert-shaded.

Good enough for a pose model to see a person: the body mesh and the scene's
boxes are drawn far-to-near with per-face flat shading, back faces culled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import cv2
import numpy as np

from hiprom.synth.camera import Camera

__all__ = ["LIGHTING", "Mesh", "background", "render", "shade"]

#: Lighting presets: ambient share, key light direction (towards the light, camera axes), overall gain.
LIGHTING: dict[str, tuple[float, tuple[float, float, float], float]] = {
    "studio": (0.38, (-0.35, -0.55, -0.76), 1.0),
    "dim": (0.30, (-0.35, -0.55, -0.76), 0.6),
    "window": (0.22, (-0.95, -0.25, -0.2), 1.05),
}

_SHIFT = 4  # sub-pixel bits for cv2 drawing
_NEAR_M = 0.05


class Mesh:
    """Triangles with a base colour each: ``vertices (V, 3)``, ``faces (F, 3)``, ``colours (F, 3)`` RGB."""

    def __init__(self, vertices: np.ndarray, faces: np.ndarray, colours: np.ndarray, cull: bool = True):
        self.vertices = np.asarray(vertices, float)
        self.faces = np.asarray(faces, np.int64)
        self.colours = np.asarray(colours, float)
        self.cull = cull


def shade(normals_cam: np.ndarray, colours: np.ndarray, lighting: str = "studio") -> np.ndarray:
    """Lambert shading (a key light, a dim fill, ambient); ``(F, 3)`` colours."""
    ambient, key, gain = LIGHTING[lighting]
    # directions towards the lights, camera coordinates (x right, y down, z forward)
    light = np.array(key, dtype=float)
    light /= np.linalg.norm(light)
    lambert = np.clip(normals_cam @ light, 0.0, 1.0)
    # a dim fill light from the other side keeps the unlit side from going black
    fill = np.clip(normals_cam @ np.array([0.6, 0.2, -0.77]), 0.0, 1.0) * 0.18
    return np.clip(colours * (gain * (ambient + (1 - ambient) * lambert + fill))[:, None], 0, 255)


def background(width: int, height: int, style: str, rng: np.random.Generator) -> np.ndarray:
    """A wall-and-floor backdrop: ``"plain"`` or ``"cluttered"``; RGB uint8."""
    y = np.linspace(0, 1, height)[:, None, None]
    wall = np.array([214, 210, 200]) * (1 - 0.15 * y)
    img = np.broadcast_to(wall, (height, width, 3)).astype(np.float64).copy()
    if style == "cluttered":
        for _ in range(14):
            w, h = rng.integers(width // 20, width // 4), rng.integers(height // 12, height // 2)
            x0, y0 = rng.integers(0, width - w), rng.integers(0, height - h)
            colour = rng.integers(30, 230, 3)
            img[y0 : y0 + h, x0 : x0 + w] = colour
            if rng.random() < 0.5:  # shelves / posters with stripes
                img[y0 : y0 + h : max(4, h // 6), x0 : x0 + w] = colour * 0.5
        img += rng.normal(0, 6, img.shape)
    elif style != "plain":
        raise ValueError(f"background must be 'plain' or 'cluttered', got {style!r}")
    return np.clip(img, 0, 255).astype(np.uint8)


def render(
    meshes: list[Mesh],
    camera: Camera,
    backdrop: np.ndarray,
    lighting: str = "studio",
    inserts: Sequence[tuple[float, Callable[[np.ndarray], np.ndarray]]] = (),
) -> np.ndarray:
    """Paint ``meshes`` over ``backdrop`` as seen by ``camera``; RGB uint8.

    ``inserts``: ``(distance_m, paint)`` pairs; ``paint(img) -> img`` runs once every face farther than
    ``distance_m`` from the camera is drawn, before the nearer ones (0: after everything).
    """
    polys, colours, depths = [], [], []
    for mesh in meshes:
        cam = camera.to_camera(mesh.vertices)
        tri = cam[mesh.faces]  # (F, 3, 3)
        normals = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
        length = np.linalg.norm(normals, axis=1, keepdims=True)
        normals = normals / np.where(length > 0, length, 1)
        centre = tri.mean(axis=1)
        keep = (tri[..., 2] > _NEAR_M).all(axis=1) & (length[:, 0] > 0)
        if mesh.cull:
            keep &= np.sum(normals * centre, axis=1) < 0  # facing the camera
        else:
            flip = np.sum(normals * centre, axis=1) > 0
            normals[flip] *= -1
        if not keep.any():
            continue
        pix = tri[keep, :, :2] / tri[keep, :, 2:3] * camera.focal_px
        pix += np.array([camera.width_px / 2, camera.height_px / 2])
        polys.append(np.round(pix * (1 << _SHIFT)).astype(np.int32))
        colours.append(shade(normals[keep], mesh.colours[keep], lighting))
        depths.append(np.linalg.norm(centre[keep], axis=1))
    img = np.ascontiguousarray(backdrop.copy())
    pending = sorted(inserts, key=lambda x: -x[0])  # the farthest first
    if not polys:
        for _, paint in pending:
            img = paint(img)
        return img
    pts = np.concatenate(polys)
    col = np.concatenate(colours).round().astype(int).tolist()
    dist = np.concatenate(depths)
    order = np.argsort(-dist, kind="stable")
    limit = 1 << 28
    for i in order:
        while pending and dist[i] < pending[0][0]:
            img = np.ascontiguousarray(pending.pop(0)[1](img))
        p = pts[i]
        if np.abs(p).max() > limit:
            continue
        cv2.fillConvexPoly(img, p, col[i], lineType=cv2.LINE_AA, shift=_SHIFT)
    for _, paint in pending:
        img = paint(img)
    return img
