"""Annotated videos and key frames, in one decode of the clip after the pose pass.

The annotated video has the skeleton, angle arcs, live numbers and events
drawn on every frame (a browser-playable H.264 MP4 through
:class:`hiprom.capture.encode.VideoWriter`); the key frames are taken from the
same decoded frames, before anything is drawn on them.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import numpy as np

from hiprom.analysis.hip_ir import HipIRAnalysis
from hiprom.analysis.knee_to_chest import KneeToChestAnalysis
from hiprom.capture.encode import VideoWriter
from hiprom.capture.video import open_video, prefetch
from hiprom.landmarks import LandmarkSeries
from hiprom.report.draw import COLOUR, arc, inset, label, leg_skeleton, line, pt, timeline
from hiprom.report.keyframes import KeyFrame, write_key_frame
from hiprom.report.privacy import blur_face
from hiprom.skeleton import pair

__all__ = ["hip_ir_drawing", "knee_to_chest_drawing", "render_clip"]

DrawFn = Callable[[np.ndarray, int, float], None]
HOLD_S = 2.0  # how long the onset's frame stays on screen, in a corner
ONSET_INSET_STEP = 4  # that frame at a quarter of the size


def render_clip(
    clip: str | Path,
    series: LandmarkSeries,
    out_dir: Path,
    *,
    draw: DrawFn | None,
    key_frames: dict[str, KeyFrame],
    blur_faces: bool = False,
) -> dict[str, Path]:
    """Decode ``clip`` once: write ``annotated.mp4`` (``draw(image, frame_index, scale)`` on each
    frame; no video when ``draw`` is None) and the key frames (name -> (frame index, caption), as
    ``<name>.jpg``, faces always blurred). Returns the paths written: ``"video"`` and each key frame's
    name. Key frames past the clip's end are skipped.
    """
    out_dir = Path(out_dir)
    wanted: dict[int, list[tuple[str, str]]] = {}
    for name, (index, caption) in key_frames.items():
        wanted.setdefault(int(index), []).append((name, caption))
    if draw is None and not wanted:
        return {}
    last = series.n_frames - 1 if draw is not None else max(wanted)
    written: dict[str, Path] = {}
    fps = float(series.meta.get("fps_measured") or series.meta.get("fps_nominal") or 30.0)
    with ExitStack() as stack:
        reader = stack.enter_context(open_video(clip))
        writer = None
        if draw is not None:
            writer = stack.enter_context(VideoWriter(out_dir / "annotated.mp4", fps, crf=23))
        scale = max(reader.info.width_px, reader.info.height_px) / 1280
        for i, (_, rgb) in enumerate(prefetch(reader.frames())):  # decoding overlaps drawing and encoding
            if i > last:
                break
            for name, caption in wanted.get(i, ()):  # from the frame as filmed, before drawing
                path = out_dir / f"{name}.jpg"
                if write_key_frame(rgb, series.image_px[i], caption, path):
                    written[name] = path
            if writer is not None:
                writer.write(_annotated(rgb, series, i, draw, scale, blur_faces), float(series.time_s[i]))
    return {"video": out_dir / "annotated.mp4", **written} if draw is not None else written


def _annotated(rgb, series: LandmarkSeries, i: int, draw: DrawFn, scale: float, blur_faces: bool):
    img = np.ascontiguousarray(rgb[: rgb.shape[0] // 2 * 2, : rgb.shape[1] // 2 * 2])
    if blur_faces:
        blur_face(img, series.image_px[i])
    draw(img, i, scale)
    label(img, f"t = {series.time_s[i]:5.2f} s", (round(16 * scale), round(36 * scale)), 0.8 * scale)
    return img


def _widths(tested: set, scale: float) -> dict[str, int]:
    return {side: max(2, round((4 if side in tested else 2) * scale)) for side in ("left", "right")}


def knee_to_chest_drawing(series: LandmarkSeries, analysis: KneeToChestAnalysis) -> DrawFn:
    """What the knee-to-chest video shows on frame ``i``: skeleton, hip arc, live angles, the onset."""
    tested = {r.side for r in analysis.reps}
    far = {"left", "right"} - tested  # the leg that is not measured: grey
    onsets = [
        (r.onset_time_s, r.onset_hip_flexion_deg, r.side) for r in analysis.reps if r.onset_time_s is not None
    ]
    tilt_base = None
    if analysis.tilt_deg is not None:
        tilt_base = np.nanmedian(analysis.tilt_deg[: max(1, analysis.reps[0].rep.start_frame)])

    duration = max(float(series.time_s[-1]), 1e-6)
    marks = [(t_on / duration, (255, 60, 60)) for t_on, _, _ in onsets]
    # the onset's frame, held in a corner for HOLD_S while the clip plays on (its timing unchanged)
    onset_frames = {int(np.searchsorted(series.time_s, t_on)): (side, hip) for t_on, hip, side in onsets}
    held: dict = {}

    def draw(img: np.ndarray, i: int, scale: float) -> None:
        _draw_k2c(img, i, scale)
        if i in onset_frames:
            small = img[::ONSET_INSET_STEP, ::ONSET_INSET_STEP].copy()
            side, hip = onset_frames[i]
            held.update(
                picture=small, until=series.time_s[i] + HOLD_S, caption=f"onset {side}: {hip:.0f} deg"
            )
        if held and series.time_s[i] <= held["until"]:
            inset(img, held["picture"], held["caption"], scale)

    def _draw_k2c(img: np.ndarray, i: int, scale: float) -> None:
        joints = leg_skeleton(img, series.image_px[i], _widths(tested, scale), dimmed=far)
        for side in tested:
            shoulder, hip, knee = joints[side][:3]
            if shoulder and hip and knee:  # the goniometer's angle: the trunk's line continued, to the thigh
                beyond = (2 * hip[0] - shoulder[0], 2 * hip[1] - shoulder[1])
                arc(img, hip, beyond, knee, (255, 255, 0), round(60 * scale))
        timeline(img, float(series.time_s[i]) / duration, marks, scale)
        y = round(36 * scale)
        for side in sorted(tested):
            leg = analysis.angles[side]
            y += round(34 * scale)
            thigh, gonio = leg.thigh_vs_table_deg[i], leg.trunk_thigh_deg[i]
            label(
                img,
                f"{side}: thigh {thigh:5.1f}  goniometer {gonio:5.1f} deg",
                (round(16 * scale), y),
                0.75 * scale,
                COLOUR[side],
            )
        if analysis.tilt_deg is None:
            y += round(34 * scale)
            label(img, "lumbar borrowing NOT ASSESSED (no pelvis card)", (round(16 * scale), y), 0.75 * scale)
        elif np.isfinite(analysis.tilt_deg[i]):
            y += round(34 * scale)
            tilt = analysis.tilt_deg[i] - tilt_base
            label(img, f"pelvic tilt {tilt:5.1f} deg (card)", (round(16 * scale), y), 0.75 * scale)
        y += round(34 * scale)
        key = "yellow arc: goniometer angle; red tick: onset" + (
            "; grey: far leg, not measured" if far else ""
        )
        label(img, key, (round(16 * scale), y), 0.6 * scale)
        for t_on, hip_on, side in onsets:  # the onset is a moment: said for a second around it
            if abs(series.time_s[i] - t_on) <= 1.0:
                y += round(34 * scale)
                label(
                    img,
                    f"ONSET {side}: pelvis begins tilting at {hip_on:.0f} deg hip flexion",
                    (round(16 * scale), y),
                    0.75 * scale,
                    (255, 60, 60),
                )

    return draw


def hip_ir_drawing(series: LandmarkSeries, analysis: HipIRAnalysis) -> DrawFn:
    """What the hip-rotation video shows on frame ``i``: the neutral line, the arc and the live angle."""
    tested = {s.side for s in analysis.sides}

    def draw(img: np.ndarray, i: int, scale: float) -> None:
        pts = series.image_px[i]
        joints = leg_skeleton(img, pts, _widths(tested, scale), dimmed={"left", "right"} - tested)
        hips = [pt(pts[j]) for j in pair("hip")]
        if all(hips):
            line(img, hips[0], hips[1], (255, 255, 255), max(1, round(2 * scale)))
        y = round(36 * scale)
        for s in analysis.sides:
            knee, ankle = pt(s.pivot.point_px), joints[s.side][3]  # the point the angle is measured about
            if knee and ankle:
                length = np.hypot(ankle[0] - knee[0], ankle[1] - knee[1])
                end = pt(np.asarray(knee, float) + s.neutral_dir * length)
                if end:
                    line(img, knee, end, (255, 255, 0), max(1, round(2 * scale)))
                    arc(img, knee, end, ankle, (255, 255, 0), round(0.6 * length))
            y += round(34 * scale)
            value = analysis.rotation_deg[s.side][i]
            kind = "IR" if value >= 0 else "ER"
            done = [h for h in s.holds if series.time_s[i] >= h.rep.end_s]
            peaks = "  ".join(f"{h.kind.upper()} {h.value_deg:.0f}" for h in done)
            label(
                img,
                f"{s.side}: {kind} {abs(value):5.1f} deg   {peaks}",
                (round(16 * scale), y),
                0.75 * scale,
                COLOUR[s.side],
            )

    return draw
