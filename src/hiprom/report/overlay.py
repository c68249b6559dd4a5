"""Annotated videos: skeleton, angle arcs, live numbers and events drawn on the clip.

Re-reads the clip (upright, as analysed), draws with OpenCV and writes a
browser-playable H.264 MP4 through :class:`hiprom.encode.VideoWriter`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from hiprom.analysis.hip_ir import HipIRAnalysis
from hiprom.analysis.knee_to_chest import KneeToChestAnalysis
from hiprom.encode import VideoWriter
from hiprom.landmarks import LandmarkSeries
from hiprom.report.privacy import blur_face
from hiprom.video import open_video

__all__ = ["write_hip_ir_video", "write_knee_to_chest_video"]

_CHAIN = {"left": (11, 23, 25, 27), "right": (12, 24, 26, 28)}  # shoulder, hip, knee, ankle
_COLOUR = {"left": (255, 140, 0), "right": (0, 160, 255)}  # RGB
DrawFn = Callable[[np.ndarray, int, float], None]


def _pt(p: np.ndarray) -> tuple[int, int] | None:
    return None if not np.all(np.isfinite(p)) else (round(float(p[0])), round(float(p[1])))


def _text(img: np.ndarray, text: str, org: tuple[int, int], scale: float, colour=(255, 255, 255)) -> None:
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), 4, cv2.LINE_AA)
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, colour, 1 + int(scale > 0.7), cv2.LINE_AA)


def _arc(img, centre, start, end, colour, radius: int) -> None:
    """An arc at ``centre`` from the direction of ``start`` to that of ``end`` (the short way)."""
    a0 = np.degrees(np.arctan2(start[1] - centre[1], start[0] - centre[0]))
    a1 = np.degrees(np.arctan2(end[1] - centre[1], end[0] - centre[0]))
    sweep = (a1 - a0 + 180) % 360 - 180
    cv2.ellipse(img, centre, (radius, radius), 0, a0, a0 + sweep, colour, 2, cv2.LINE_AA)


def _skeleton(img, pts: np.ndarray, tested: set, scale: float) -> dict:
    """Both legs' shoulder-hip-knee-ankle chains; returns the joints' pixel positions per side."""
    joints_by_side = {}
    for side, chain in _CHAIN.items():
        width = max(2, round((4 if side in tested else 2) * scale))
        joints = [_pt(pts[j]) for j in chain]
        for a, b in itertools.pairwise(joints):
            if a and b:
                cv2.line(img, a, b, _COLOUR[side], width, cv2.LINE_AA)
        for p in joints:
            if p:
                cv2.circle(img, p, width + 2, (255, 255, 255), -1, cv2.LINE_AA)
        joints_by_side[side] = joints
    return joints_by_side


def _write(
    clip: str | Path, series: LandmarkSeries, out_path: str | Path, draw: DrawFn, blur_faces: bool = False
) -> Path:
    """Decode ``clip``, call ``draw(image, frame_index, scale)`` on each frame, encode to ``out_path``."""
    fps = float(series.meta.get("fps_measured") or series.meta.get("fps_nominal") or 30.0)
    with open_video(clip) as reader, VideoWriter(out_path, fps, crf=23) as writer:
        scale = max(reader.info.width_px, reader.info.height_px) / 1280
        for i, (_, rgb) in enumerate(reader.frames()):
            if i >= series.n_frames:
                break
            img = np.ascontiguousarray(rgb[: rgb.shape[0] // 2 * 2, : rgb.shape[1] // 2 * 2])
            if blur_faces:
                blur_face(img, series.image_px[i])
            draw(img, i, scale)
            _text(img, f"t = {series.time_s[i]:5.2f} s", (round(16 * scale), round(36 * scale)), 0.8 * scale)
            writer.write(img, float(series.time_s[i]))
    return Path(out_path)


def write_knee_to_chest_video(
    clip: str | Path,
    series: LandmarkSeries,
    analysis: KneeToChestAnalysis,
    out_path: str | Path,
    *,
    blur_faces: bool = False,
) -> Path:
    """Write ``out_path`` (H.264 MP4): the knee-to-chest clip with the analysis drawn on every frame."""
    tested = {r.side for r in analysis.reps}
    onsets = [
        (r.onset_time_s, r.onset_hip_flexion_deg, r.side) for r in analysis.reps if r.onset_time_s is not None
    ]
    tilt_base = None
    if analysis.tilt_deg is not None:
        tilt_base = np.nanmedian(analysis.tilt_deg[: max(1, analysis.reps[0].rep.start_frame)])

    def draw(img: np.ndarray, i: int, scale: float) -> None:
        joints = _skeleton(img, series.image_px[i], tested, scale)
        for side in tested:
            shoulder, hip, knee = joints[side][:3]
            if shoulder and hip and knee:
                _arc(img, hip, shoulder, knee, (255, 255, 0), round(60 * scale))
        y = round(36 * scale)
        for side in sorted(tested):
            leg = analysis.angles[side]
            y += round(34 * scale)
            thigh, gonio = leg.thigh_vs_table_deg[i], leg.trunk_thigh_deg[i]
            _text(img, f"{side}: thigh {thigh:5.1f}  goniometer {gonio:5.1f} deg", (round(16 * scale), y),
                  0.75 * scale, _COLOUR[side])  # fmt: skip
        if analysis.tilt_deg is not None and np.isfinite(analysis.tilt_deg[i]):
            y += round(34 * scale)
            tilt = analysis.tilt_deg[i] - tilt_base
            _text(img, f"pelvic tilt {tilt:5.1f} deg (card)", (round(16 * scale), y), 0.75 * scale)
        for t_on, hip_on, side in onsets:
            if series.time_s[i] >= t_on:
                y += round(34 * scale)
                _text(img, f"{side}: pelvis began tilting at {hip_on:.0f} deg hip flexion",
                      (round(16 * scale), y), 0.75 * scale, (255, 60, 60))  # fmt: skip

    return _write(clip, series, out_path, draw, blur_faces)


def write_hip_ir_video(
    clip: str | Path,
    series: LandmarkSeries,
    analysis: HipIRAnalysis,
    out_path: str | Path,
    *,
    blur_faces: bool = False,
) -> Path:
    """Write ``out_path`` (H.264 MP4): the hip-rotation clip with the neutral line, arc and live angle."""
    tested = {s.side for s in analysis.sides}

    def draw(img: np.ndarray, i: int, scale: float) -> None:
        pts = series.image_px[i]
        joints = _skeleton(img, pts, tested, scale)
        hips = [_pt(pts[23]), _pt(pts[24])]
        if all(hips):
            cv2.line(img, hips[0], hips[1], (255, 255, 255), max(1, round(2 * scale)), cv2.LINE_AA)
        y = round(36 * scale)
        for s in analysis.sides:
            knee, ankle = joints[s.side][2], joints[s.side][3]
            if knee and ankle:
                length = np.hypot(ankle[0] - knee[0], ankle[1] - knee[1])
                end = _pt(np.asarray(knee, float) + s.neutral_dir * length)
                if end:
                    cv2.line(img, knee, end, (255, 255, 0), max(1, round(2 * scale)), cv2.LINE_AA)
                    _arc(img, knee, end, ankle, (255, 255, 0), round(0.6 * length))
            y += round(34 * scale)
            value = analysis.rotation_deg[s.side][i]
            label = "IR" if value >= 0 else "ER"
            done = [h for h in s.holds if series.time_s[i] >= h.rep.end_s]
            peaks = "  ".join(f"{h.kind.upper()} {h.value_deg:.0f}" for h in done)
            _text(img, f"{s.side}: {label} {abs(value):5.1f} deg   {peaks}", (round(16 * scale), y),
                  0.75 * scale, _COLOUR[s.side])  # fmt: skip

    return _write(clip, series, out_path, draw, blur_faces)
