"""The pose model's leg labels at deep flexion, repaired for a one-leg raise.

In a side view of a knee-to-chest raise the two legs overlap at rest and part as one
rises. Past about 100 deg of lift the pose model can lose which is which (the main
realistic suite: an athletic body in a tracksuit, two reps). It **exchanges the labels**:
the raised knee called "right" for a few frames or for the whole hold, the exchange
sometimes made gradually over three or four frames, so that the knees' motion alone
cannot tell. Or it **merges the knees**: both put on the raised one. Read as given, an
exchange puts the tested thigh on the table for the hold and the other leg in the air
("both thighs rose together", a thigh that "jumped" at a thousand deg/s); a merge makes
the resting leg rise with the raised one.

A knee-to-chest raise lifts one leg while the other rests, and the model labels the legs
well while they part (below about 90 deg of lift). So, for each stretch between two rests:

- the **raised side** is the label whose knee left the resting place first (over the
  first frames where one knee is far from where the legs rest and the other near it);
- on every frame of the stretch where one knee is far from the rest place and the other
  near it, the far knee (with its ankle, heel and foot) gets the raised side's label;
- frames with both knees in one place (closer than a share of the thigh's length) away
  from the rest place lose both legs below the hip (they read as missing: short merges
  are bridged, long ones "pose lost"), unless they are most of the stretch, which is then
  two legs raised together and left for the plausibility checks;
- a stretch where the other leg rises first is that leg's raise: nothing is exchanged
  (a wrong leg raised is never relabelled as the tested one).

Pure numpy over ``(n_frames, 33, 2)`` arrays: one step per stretch, none per frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hiprom.kinematics.filtering import runs
from hiprom.skeleton import joint, pair

__all__ = ["LegLabelConfig", "LegLabels", "leg_label_notes", "repair_leg_labels"]

_BELOW_HIP = ("knee", "ankle", "heel", "foot_index")


@dataclass(frozen=True)
class LegLabelConfig:
    together_frac: float = 0.2  # knees closer than this share of the thigh's length: in one place
    rest_frac: float = 0.3  # together within this share of the thigh of where the legs rest: at rest
    far_frac: float = 0.6  # a knee this share of the thigh or more from the rest place is raised ...
    near_ratio: float = 0.5  # ... when the other knee is less than this share of its distance from it
    first_frames: int = 5  # the raised side is voted by this many of a stretch's first one-leg frames
    max_merged_share: float = 0.5  # merged on more of a stretch than this: two legs raised, left as given


@dataclass(frozen=True)
class LegLabels:
    """What :func:`repair_leg_labels` gives.

    Attributes
    ----------
    points_px : (n_frames, 33, 2) float array
        The landmarks with the legs' labels exchanged back where the model exchanged them.
    visibility : (n_frames, 33) float array
        Zero for both legs below the hip on merged frames (so that they read as missing).
    exchanged, merged : (n_frames,) bool arrays
    """

    points_px: np.ndarray
    visibility: np.ndarray
    exchanged: np.ndarray
    merged: np.ndarray


def repair_leg_labels(points_px, visibility, config: LegLabelConfig | None = None) -> LegLabels:
    """The landmarks with the raised knee given its raise's label and merged knees dropped.

    Parameters
    ----------
    points_px : (n_frames, 33, 2) array
        Image landmarks (NaN where undetected), before any smoothing.
    visibility : (n_frames, 33) array
    config : LegLabelConfig, optional

    Returns
    -------
    LegLabels
        Copies of the inputs, unchanged when the legs were never seen together at rest.
    """
    cfg = config or LegLabelConfig()
    pts = np.array(points_px, dtype=float, copy=True)
    vis = np.array(visibility, dtype=float, copy=True)
    n = pts.shape[0]
    kl, kr = pts[:, joint("knee", "left")], pts[:, joint("knee", "right")]
    both = np.isfinite(kl).all(axis=1) & np.isfinite(kr).all(axis=1)
    hip = pts[:, pair("hip")].mean(axis=1)
    with np.errstate(invalid="ignore"):
        lengths = np.linalg.norm(0.5 * (kl + kr) - hip, axis=1)[both]
    lengths = lengths[np.isfinite(lengths)]
    unchanged = LegLabels(pts, vis, np.zeros(n, bool), np.zeros(n, bool))
    if not lengths.size or np.median(lengths) <= 0:
        return unchanged
    thigh = float(np.median(lengths))
    together = both & (np.linalg.norm(kl - kr, axis=1) < cfg.together_frac * thigh)
    if not together.any():
        return unchanged
    rest_at = np.median(0.5 * (kl + kr)[together], axis=0)
    at_rest = together & (np.linalg.norm(0.5 * (kl + kr) - rest_at, axis=1) < cfg.rest_frac * thigh)
    dl, dr = np.linalg.norm(kl - rest_at, axis=1), np.linalg.norm(kr - rest_at, axis=1)
    with np.errstate(invalid="ignore"):
        left_up = both & (dl >= cfg.far_frac * thigh) & (dr < cfg.near_ratio * dl)
        right_up = both & (dr >= cfg.far_frac * thigh) & (dl < cfg.near_ratio * dr)
    exchanged, merged = np.zeros(n, bool), np.zeros(n, bool)
    for start, stop in runs(~at_rest):  # one step per stretch between rests
        part = slice(start, stop)
        raised = _raised_side(left_up[part], right_up[part], cfg.first_frames)
        if raised is not None:
            exchanged[part] = right_up[part] if raised == "left" else left_up[part]
        m = together[part] & ~at_rest[part]
        if m.any() and m.mean() <= cfg.max_merged_share:
            merged[part] = m
    left, right = [joint(j, "left") for j in _BELOW_HIP], [joint(j, "right") for j in _BELOW_HIP]
    for arr in (pts, vis):
        a, b = arr[exchanged][:, left].copy(), arr[exchanged][:, right].copy()
        arr[np.ix_(exchanged, left)], arr[np.ix_(exchanged, right)] = b, a
    vis[np.ix_(merged, left + right)] = 0.0
    return LegLabels(pts, vis, exchanged, merged)


def _raised_side(left_up: np.ndarray, right_up: np.ndarray, first: int) -> str | None:
    """The label of the knee that left the rest place first: the majority over the stretch's first
    ``first`` frames with one knee up (None: none, or a tie)."""
    up = np.flatnonzero(left_up | right_up)[:first]
    if not up.size:
        return None
    votes = int(left_up[up].sum()) - int(right_up[up].sum())
    return None if votes == 0 else ("left" if votes > 0 else "right")


def leg_label_notes(labels: LegLabels | None, time_s: np.ndarray) -> list[str]:
    """What the repair did, in words (none: nothing changed)."""
    if labels is None:
        return []
    notes = []
    for mask, what in ((labels.exchanged, "exchanged the legs' labels (the raised knee given its raise's "
                        "label back)"), (labels.merged, "put both knees in one place (those frames' legs "
                        "were not used)")):  # fmt: skip
        if mask.any():
            notes.append(f"the pose model {what} on {int(mask.sum())} frames (from t = "
                         f"{float(time_s[np.flatnonzero(mask)[0]]):.1f} s)")  # fmt: skip
    return notes
