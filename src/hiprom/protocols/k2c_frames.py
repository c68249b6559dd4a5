"""A knee-to-chest run's ``frames.csv``: written, read back, and a clinician's onset correction from it.

The correction is the adapter around :func:`hiprom.analysis.correction.onset_at`: it reads the rep's
side out of the per-frame file the run wrote, and words the result as a correction record the store
keeps beside the measured entry (:mod:`hiprom.store.corrections`).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from hiprom.analysis.correction import onset_at
from hiprom.errors import BadInputError
from hiprom.norms import BORROWING_HIP_FLEXION_DEG
from hiprom.results import num

if TYPE_CHECKING:
    from hiprom.analysis.knee_to_chest import LegAngles

__all__ = ["FRAMES_CSV_UNITS", "onset_correction", "read_frames_csv", "write_frames_csv"]


def read_frames_csv(path: str | Path) -> dict[str, np.ndarray]:
    """The columns of a run's ``frames.csv`` (its ``#`` units line skipped), empty cells as NaN."""
    try:
        with open(path, newline="") as fh:
            rows = [r for r in csv.reader(fh) if r and not r[0].startswith("#")]
    except OSError as exc:
        raise BadInputError(
            f"the run's per-frame file is missing ({exc.strerror}): analyse the clip again"
        ) from None
    if len(rows) < 2:
        raise BadInputError("the run's per-frame file is empty: analyse the clip again")
    header, body = rows[0], rows[1:]
    values = np.array([[float(c) if c else np.nan for c in r] for r in body], float)
    return {name: values[:, k] for k, name in enumerate(header)}


def onset_correction(
    entry: dict, frames_csv: str | Path, onset_time_s: float, *, by: str, at: dt.datetime | None = None
) -> dict:
    """The correction record for ``entry`` (a knee-to-chest rep read with the pelvis card) with its
    onset at ``onset_time_s``: the onset's numbers at that frame and the finding that follows.

    Raises :class:`BadInputError` for a rep without the card, a time outside the rep, or a moment
    where the hip's flexion on the pelvis is not known.
    """
    tilt = entry.get("pelvic_tilt") or {}
    if entry.get("test") != "knee-to-chest" or tilt.get("method") != "marker":
        raise BadInputError("only a knee-to-chest rep read with the pelvis card has an onset to correct")
    side = entry["side"]
    cols = read_frames_csv(frames_csv)
    needed = ("time_s", f"{side}_hip_flexion_on_pelvis_deg", f"{side}_thigh_vs_table_deg")
    if any(name not in cols for name in needed):
        raise BadInputError("the run's per-frame file has no hip flexion on the pelvis for this side")
    rep = entry["rep"]
    found = onset_at(
        cols["time_s"], cols[needed[1]], cols[needed[2]],
        cols.get("pelvic_tilt_from_rest_deg", np.full(cols["time_s"].shape, np.nan)),
        float(onset_time_s), (rep["start_s"], rep["end_s"]), BORROWING_HIP_FLEXION_DEG,
    )  # fmt: skip
    measured = tilt.get("onset") or {}
    was = (
        f"{measured['hip_flexion_deg']} deg at {measured['time_s']} s"
        if measured.get("hip_flexion_deg") is not None
        else "no onset"
    )
    cut = BORROWING_HIP_FLEXION_DEG
    reason = (
        f"the onset was set by {by} at {found.time_s:.2f} s: {found.hip_flexion_deg:.0f} deg hip flexion on "
        f"the pelvis (healthy >= {cut:.0f} deg), the pelvis {found.tilt_from_rest_deg:.0f} deg from its "
        f"rest; hiprom had measured {was}"
    )
    return {
        "what": "onset",
        "by": by,
        "at": (at or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat(),
        "onset": {
            "hip_flexion_deg": num(found.hip_flexion_deg),
            "thigh_angle_deg": num(found.thigh_angle_deg),
            "time_s": num(found.time_s, 3),
            "ci_deg": None,  # a moment chosen by eye: no interval
        },
        "lumbar_borrowing": {
            "flag": found.borrowing,
            "confidence": "set by the clinician",
            "reasons": [reason],
        },
    }


def write_frames_csv(
    path: Path,
    time_s: np.ndarray,
    angles: dict[str, LegAngles],
    tilt_deg: np.ndarray | None,
    reps=(),
    rest_thigh_deg: float = 0.0,
    thigh_card_deg: np.ndarray | None = None,
    card_rest_hip_deg: float = 0.0,
) -> Path:
    """Per-frame angles of both legs, and with the card its tilt: as read (the card's angle on screen)
    and, within each rep, from that rep's rest, with the hip's own flexion on the pelvis (thigh - rest -
    tilt, as the onset uses it; in a rep read with the thigh card, the card's lift from rest, also its
    own column, + ``card_rest_hip_deg`` - tilt). Missing values are empty cells."""
    from hiprom._fs import write_csv_columns
    from hiprom.analysis.onset import relative_tilt

    columns: dict[str, np.ndarray] = {"time_s": time_s}
    for side, leg in angles.items():
        columns[f"{side}_thigh_vs_table_deg"] = leg.thigh_vs_table_deg
        columns[f"{side}_trunk_thigh_deg"] = leg.trunk_thigh_deg
        columns[f"{side}_knee_flexion_deg"] = leg.knee_flexion_deg
    for side in sorted({r.side for r in reps}):  # which rep of the side a frame belongs to, from 1
        number = np.full(time_s.shape, np.nan)
        for k, r in enumerate([r for r in reps if r.side == side], 1):
            number[r.rep.start_frame : r.rep.end_frame + 1] = k
        columns[f"{side}_rep"] = number
    if tilt_deg is not None:
        columns["pelvic_tilt_marker_deg"] = tilt_deg
        from_rest = np.full(time_s.shape, np.nan)
        hips = {side: np.full(time_s.shape, np.nan) for side in {r.side for r in reps}}
        lifts = {r.side: np.full(time_s.shape, np.nan) for r in reps if r.thigh_card_rest_deg is not None}
        for r in reps:  # each rep's tilt from its own rest, as the analysis measured it
            inside = slice(r.rep.start_frame, r.rep.end_frame + 1)
            from_rest[inside] = relative_tilt(tilt_deg, r.baseline, r.rep)[0][inside]
            hips[r.side][inside] = (
                angles[r.side].thigh_vs_table_deg[inside] - rest_thigh_deg - from_rest[inside]
            )
            if r.thigh_card_rest_deg is not None and thigh_card_deg is not None:
                lift = thigh_card_deg - r.thigh_card_rest_deg  # from the rest the analysis measured
                lifts[r.side][inside] = lift[inside]
                hips[r.side][inside] = lift[inside] + card_rest_hip_deg - from_rest[inside]
        columns["pelvic_tilt_from_rest_deg"] = from_rest
        columns.update({f"{side}_hip_flexion_on_pelvis_deg": v for side, v in sorted(hips.items())})
        columns.update({f"{side}_thigh_card_lift_deg": v for side, v in sorted(lifts.items())})
    fmt = ["%.0f" if name.endswith("_rep") else "%.3f" for name in columns]
    return write_csv_columns(path, columns, fmt, missing="", note=FRAMES_CSV_UNITS)


#: The first line of frames.csv (knee-to-chest).
FRAMES_CSV_UNITS = (
    "units: time_s seconds from the clip's start; *_deg degrees (thigh_vs_table: the thigh against the "
    "resting table line; trunk_thigh: the goniometer's trunk-thigh angle; hip_flexion_on_pelvis: the femur "
    "on the pelvis, thigh - rest - tilt; pelvic_tilt_marker: the card's angle on screen; "
    "pelvic_tilt_from_rest: posterior tilt from the rep's rest; thigh_card_lift: the thigh card's turn "
    "from the rep's rest, in reps read with it, where hip_flexion_on_pelvis = it - tilt); <side>_rep: the "
    "rep, counted from 1 (empty outside reps); empty cell: not measured"
)
