"""Read and write the truth files beside each synthetic clip (no torch needed).

``<name>.truth.csv``: one row per frame: ``frame``, ``time_s``, the truth
angles (see :mod:`hiprom.synth.truth`) and the 2D projections of the joint
centres ``<joint>_x_px``, ``<joint>_y_px``. ``<name>.truth.json``: the
scenario, camera, per-rep peaks, onsets and the lumbar-borrowing truth.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from hiprom._fs import write_csv_columns, write_json

__all__ = ["load_truth", "load_truth_summary", "write_truth_csv", "write_truth_json"]

#: Joints whose 2D projections are written (see hiprom.synth.body.JOINT_BONES).
TRUTH_JOINTS = ("pelvis", "hip_left", "hip_right", "knee_left", "knee_right", "ankle_left", "ankle_right",
                "toe_left", "toe_right", "shoulder_left", "shoulder_right", "elbow_left", "elbow_right",
                "wrist_left", "wrist_right", "spine_lumbar", "spine_thoracic", "neck", "head", "eye_left",
                "eye_right")  # fmt: skip


def write_truth_json(path: Path, data: dict) -> None:
    write_json(path, data)


def write_truth_csv(
    path: Path, time_s, truth: dict[str, np.ndarray], joints_2d: dict[str, np.ndarray]
) -> None:
    columns = {"frame": np.arange(time_s.shape[0]), "time_s": time_s, **truth}
    for name in TRUTH_JOINTS:
        columns[f"{name}_x_px"] = joints_2d[name][:, 0]
        columns[f"{name}_y_px"] = joints_2d[name][:, 1]
    write_csv_columns(path, columns, ["%d"] + ["%.4f"] * (len(columns) - 1))


def load_truth(path: str | Path) -> dict[str, np.ndarray]:
    """Per-frame truth columns of a ``.truth.csv`` as ``(n_frames,)`` arrays."""
    path = Path(path)
    with open(path) as fh:
        names = fh.readline().strip().split(",")
    table = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return {name: table[:, i] for i, name in enumerate(names)}


def load_truth_summary(path: str | Path) -> dict:
    """The ``.truth.json`` summary.

    A knee-to-chest summary's onsets and borrowing truth are recomputed from
    the per-frame truth beside it (``.truth.csv``) by the current definition
    (:func:`hiprom.synth.truth.rep_onset_truth`), so clips made under an older
    definition are scored against the current one without being re-rendered.
    """
    from hiprom.synth.truth import rep_onset_truth

    path = Path(path)
    summary = json.loads(path.read_text())
    frames = path.with_name(path.name.replace(".truth.json", ".truth.csv"))
    if summary.get("test") == "knee-to-chest" and frames.is_file():
        truth = load_truth(frames)
        for rep in summary.get("reps", []):
            rep["onset"], rep["lumbar_borrowing"] = rep_onset_truth(truth["time_s"], truth, rep["start_s"],
                                                                    rep["end_s"])  # fmt: skip
    return summary
