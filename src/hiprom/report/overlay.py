"""The annotated video: skeleton, the goniometer's arc, live numbers and the onset.

Re-reads the clip (upright, as analysed), draws with OpenCV and writes a
browser-playable H.264 MP4 through :class:`hiprom.encode.VideoWriter`.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import cv2
import numpy as np

from hiprom.analysis.knee_to_chest import KneeToChestAnalysis
from hiprom.encode import VideoWriter
from hiprom.landmarks import LandmarkSeries
from hiprom.video import open_video

__all__ = ["write_knee_to_chest_video"]

_CHAIN = {"left": (11, 23, 25, 27), "right": (12, 24, 26, 28)}  # shoulder, hip, knee, ankle
_COLOUR = {"left": (255, 140, 0), "right": (0, 160, 255)}  # RGB


def _pt(p: np.ndarray) -> tuple[int, int] | None:
    return None if not np.all(np.isfinite(p)) else (round(float(p[0])), round(float(p[1])))


def _text(img: np.ndarray, text: str, org: tuple[int, int], scale: float, colour=(255, 255, 255)) -> None:
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), 4, cv2.LINE_AA)
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, colour, 1 + int(scale > 0.7), cv2.LINE_AA)


def _arc(img, hip, shoulder, knee, colour, radius: int) -> None:
    """The goniometer's arc at the hip, from the trunk line to the femur."""
    a0 = np.degrees(np.arctan2(shoulder[1] - hip[1], shoulder[0] - hip[0]))
    a1 = np.degrees(np.arctan2(knee[1] - hip[1], knee[0] - hip[0]))
    sweep = (a1 - a0 + 180) % 360 - 180
    cv2.ellipse(img, hip, (radius, radius), 0, a0, a0 + sweep, colour, 2, cv2.LINE_AA)


def write_knee_to_chest_video(
    clip: str | Path, series: LandmarkSeries, analysis: KneeToChestAnalysis, out_path: str | Path
) -> Path:
    """Write ``out_path`` (H.264 MP4): the clip with the analysis drawn on every frame."""
    tested = {r.side for r in analysis.reps}
    onsets = [
        (r.onset_time_s, r.onset_hip_flexion_deg, r.side) for r in analysis.reps if r.onset_time_s is not None
    ]
    fps = float(series.meta.get("fps_measured") or series.meta.get("fps_nominal") or 30.0)
    with open_video(clip) as reader, VideoWriter(out_path, fps, crf=23) as writer:
        scale = max(reader.info.width_px, reader.info.height_px) / 1280
        for i, (_, rgb) in enumerate(reader.frames()):
            if i >= series.n_frames:
                break
            img = np.ascontiguousarray(rgb[: rgb.shape[0] // 2 * 2, : rgb.shape[1] // 2 * 2])
            pts = series.image_px[i]
            for side, chain in _CHAIN.items():
                width = max(2, round((4 if side in tested else 2) * scale))
                joints = [_pt(pts[j]) for j in chain]
                for a, b in itertools.pairwise(joints):
                    if a and b:
                        cv2.line(img, a, b, _COLOUR[side], width, cv2.LINE_AA)
                for p in joints:
                    if p:
                        cv2.circle(img, p, width + 2, (255, 255, 255), -1, cv2.LINE_AA)
                shoulder, hip, knee = joints[0], joints[1], joints[2]
                if side in tested and shoulder and hip and knee:
                    _arc(img, hip, shoulder, knee, (255, 255, 0), round(60 * scale))
            y = round(36 * scale)
            _text(img, f"t = {series.time_s[i]:5.2f} s", (round(16 * scale), y), 0.8 * scale)
            for side in sorted(tested):
                leg = analysis.angles[side]
                y += round(34 * scale)
                thigh, gonio = leg.thigh_vs_table_deg[i], leg.trunk_thigh_deg[i]
                line = f"{side}: thigh {thigh:5.1f}  goniometer {gonio:5.1f} deg"
                _text(img, line, (round(16 * scale), y), 0.75 * scale, _COLOUR[side])
            if analysis.tilt_deg is not None and np.isfinite(analysis.tilt_deg[i]):
                y += round(34 * scale)
                base = np.nanmedian(analysis.tilt_deg[: max(1, analysis.reps[0].rep.start_frame)])
                _text(
                    img,
                    f"pelvic tilt {analysis.tilt_deg[i] - base:5.1f} deg (card)",
                    (round(16 * scale), y),
                    0.75 * scale,
                )
            for t_on, hip_on, side in onsets:
                if series.time_s[i] >= t_on:
                    y += round(34 * scale)
                    _text(img, f"{side}: pelvis began tilting at {hip_on:.0f} deg hip flexion",
                          (round(16 * scale), y), 0.75 * scale, (255, 60, 60))  # fmt: skip
            writer.write(img, float(series.time_s[i]))
    return Path(out_path)
