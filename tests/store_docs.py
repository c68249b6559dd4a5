"""Result documents for the store tests, made by the real analysis code on exact landmarks."""

from __future__ import annotations

import numpy as np

from hiprom.analysis.hip_ir import analyze_hip_ir
from hiprom.protocols.hip_ir import hip_ir_document
from tests.factories import ir_pose, rotation_profile


def ir_document(ir_left: float, ir_right: float | None = None, position: str = "seated", sha: str = "a" * 64):
    time_s, left = rotation_profile(ir_deg=ir_left, er_deg=30.0)
    rotations = {"left": left}
    if ir_right is not None:
        rotations["right"] = rotation_profile(ir_deg=ir_right, er_deg=30.0)[1]
    pts = ir_pose(position, rotations, time_s.size)
    analysis = analyze_hip_ir(time_s, pts, np.ones(pts.shape[:2]), position)
    meta = {"clip_name": f"ir_{sha[:6]}.mp4", "clip_sha256": sha}
    return hip_ir_document(analysis, meta, [], (0.9, 2.6))


def k2c_document(thigh: float, onset: float | None, side: str = "left", sha: str = "b" * 64) -> dict:
    entry = {
        "test": "knee-to-chest",
        "side": side,
        "peak_thigh_angle_deg": thigh,
        "peak_trunk_thigh_angle_deg": thigh - 1.0,
        "pelvic_tilt": {
            "method": "marker",
            "peak_deg": 20.0,
            "onset": {"hip_flexion_deg": onset, "thigh_angle_deg": None, "time_s": None, "ci_deg": None},
        },
        "lumbar_borrowing": {"flag": onset is not None and onset < 110, "confidence": "high", "reasons": []},
        "quality": {"warnings": ["no still baseline of >= 1 s before the raise"]},
    }
    return {"schema": "hiprom.result/1", "test": "knee-to-chest", "hiprom_version": "0.1.0",
            "clip": {"clip_name": "k2c.mp4", "clip_sha256": sha}, "quality": {"warnings": []},
            "results": [entry]}  # fmt: skip
