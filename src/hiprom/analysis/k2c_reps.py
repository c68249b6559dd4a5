"""The reps of a knee-to-chest clip: the rest before each, one leg at a time, the pan-corrected series.

Helpers of :mod:`hiprom.analysis.knee_to_chest` (pure numpy).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np

from hiprom.analysis.events import Rep, detect_baseline
from hiprom.analysis.plausibility import lost_pose, not_knee_to_chest
from hiprom.errors import BadInputError

if TYPE_CHECKING:
    from hiprom.analysis.knee_to_chest import KneeToChestConfig, KneeToChestRep, LegAngles

__all__ = ["one_leg_at_a_time", "pan_corrected", "plausible_reps", "resting", "rests_before"]


def pan_corrected(angles: dict, reps: list) -> dict:
    """The per-frame thigh and trunk-thigh angles as the reps report them: each rep's frames scaled by
    its camera's ``flexion_scale`` (frames outside a rep, near rest, as read)."""
    out = {}
    for side, leg in angles.items():
        scale = np.ones_like(leg.thigh_vs_table_deg)
        for r in reps:
            if r.side == side and r.camera is not None:
                scale[r.rep.start_frame : r.rep.end_frame + 1] = r.camera.flexion_scale
        out[side] = dataclasses.replace(
            leg,
            thigh_vs_table_deg=leg.thigh_vs_table_deg * scale,
            trunk_thigh_deg=leg.trunk_thigh_deg * scale,
        )
    return out


def one_leg_at_a_time(reps: list[KneeToChestRep], min_overlap: float = 0.5) -> list[KneeToChestRep]:
    """Drop a rep of one leg that happens during a larger rep of the other leg.

    The test raises one leg at a time. Off square, the pose model often drags
    the far leg's landmarks up with the raised one (on the benchmark: phantom
    raises of 25-93 deg in 9 of 24 clips, all while the other leg rose); the
    larger raise is kept, with a warning naming the other leg's rise.
    """
    kept = []
    for r in reps:
        rivals = [
            o
            for o in reps
            if o.side != r.side
            and _overlap(r.rep, o.rep) >= min_overlap
            and o.peak_thigh_angle_deg > r.peak_thigh_angle_deg
        ]
        if not rivals:
            kept.append(r)
    result = []
    for r in kept:
        shadows = [
            o for o in reps if o.side != r.side and o not in kept and _overlap(r.rep, o.rep) >= min_overlap
        ]
        if shadows:
            other = shadows[0].side
            rise = max(o.peak_thigh_angle_deg for o in shadows)
            note = (
                f"the {other} leg's landmarks rose with the {r.side} leg (to {rise:.0f} deg from the "
                f"table) and were not analysed: keep the {other} thigh flat on the table; if it was, the "
                "pose model confused the legs (more likely with the phone off square)"
            )
            r = dataclasses.replace(r, warnings=(*r.warnings, note))
        result.append(r)
    return result


def _overlap(a: Rep, b: Rep) -> float:
    """Shared time of two reps as a fraction of the shorter one."""
    shared = min(a.end_frame, b.end_frame) - max(a.start_frame, b.start_frame)
    shorter = max(min(a.end_frame - a.start_frame, b.end_frame - b.start_frame), 1)
    return max(shared, 0) / shorter


def rests_before(time_s, thigh, reps: list[Rep], rest: float, side: str, cfg: KneeToChestConfig) -> list:
    """Each rep's still rest before it: ``(baseline, thigh angle there, warnings)``.

    The baseline is looked for between the previous rep's end and this rep's
    start, at the resting level only (never the previous rep's hold). A rep
    with no rest before it (the leg did not come back to rest, or not still)
    is judged against the first rep's baseline, and says so.
    """
    out: list = []
    first = None
    for i, rep in enumerate(reps):
        after = reps[i - 1].end_frame if i else 0
        warnings: list[str] = []
        baseline, base = _rest_before(
            time_s, thigh, rep, side, cfg, after, rest + cfg.rest_margin_deg, warnings
        )
        if baseline is None and first is not None:
            baseline, base = first
            warnings = [
                f"no still rest before this raise (rep {i + 1} of the {side} leg): its angles and tilt are "
                "measured from the rest before the first rep; rest 1-2 s between raises"
            ]
        if i == 0 and baseline is not None:
            first = (baseline, base)
        out.append((baseline, base, tuple(warnings)))
    return out


def _rest_before(
    time_s,
    thigh,
    rep: Rep,
    side: str,
    cfg: KneeToChestConfig,
    after_frame: int,
    max_angle: float,
    warnings: list[str],
):
    """The still baseline before ``rep`` and the thigh angle there (warnings appended when none)."""
    baseline = detect_baseline(
        time_s,
        thigh,
        max_speed_deg_s=cfg.baseline_max_speed_deg_s,
        min_duration_s=cfg.baseline_min_s,
        before_frame=rep.start_frame + 1,
        after_frame=after_frame,
        max_angle=max_angle,
    )
    if baseline is not None:
        return baseline, baseline.value
    fps = 1.0 / float(np.median(np.diff(time_s))) if time_s.size > 1 else 30.0
    before_raise = thigh[max(0, rep.start_frame - round(fps)) : rep.start_frame + 1]
    if np.isfinite(before_raise).mean() < 0.5:  # hidden, not moving: the leg on the far side
        warnings.append(
            f"the {side} thigh was hidden at rest (the leg on the far side of the plinth?), so its "
            "starting angle was not measured; film with the tested leg nearest the phone"
        )
    else:
        warnings.append("no still baseline of >= 1 s before the raise: keep still for 1-2 s before moving")
    before = thigh[max(0, rep.start_frame - 5) : rep.start_frame + 1]
    return None, float(np.nanmedian(before)) if np.isfinite(before).any() else np.nan


def resting(angles: dict[str, LegAngles], margin_deg: float = 10.0) -> np.ndarray:
    """(n_frames,) bool: both thighs near their lowest (the body at rest on the table); an unseen
    thigh does not veto a frame."""
    still = np.ones(next(iter(angles.values())).thigh_vs_table_deg.shape, bool)
    for leg in angles.values():
        t = leg.thigh_vs_table_deg
        if np.isfinite(t).any():
            with np.errstate(invalid="ignore"):
                still &= ~(t > np.nanpercentile(t, 10) + margin_deg)
    return still


def plausible_reps(
    time_s, pts, angles, reps: list, feet_dir, cfg: KneeToChestConfig, notes: list[str]
) -> list:
    """The reps a body could have made; the others named in ``notes``. Refuses a clip of another test."""
    thighs = {s: leg.thigh_vs_table_deg for s, leg in angles.items()}
    rest = resting(angles)
    other_test = [
        not_knee_to_chest(pts, thighs, r.side, r.rep, _base(r, thighs), feet_dir, cfg.gates) for r in reps
    ]
    if reps and all(other_test):
        raise BadInputError(f"not a knee-to-chest test: {other_test[0]}")
    detected = float(np.isfinite(pts[:, :, 0]).any(axis=1).mean()) if pts.size else 0.0
    kept = []
    for r, not_this_test in zip(reps, other_test, strict=True):
        leg = angles[r.side]
        lost = lost_pose(
            time_s,
            pts,
            leg.thigh_vs_table_deg,
            leg.knee_flexion_deg,
            r.side,
            r.rep,
            rest,
            cfg.gates,
            leg.trunk_thigh_deg,
        )
        why = lost or not_this_test or _untrusted_track(r, thighs, detected)
        if why is None:
            kept.append(r)
        else:
            notes.append(f"{why}; that raise was not measured")
    if not kept:
        raise BadInputError(notes[-1].replace("; that raise was not measured", ""))
    if len(kept) < len(reps):  # the track failed elsewhere in this clip: trust what is left less
        note = (
            "the pose was lost in another raise of this clip, so this one's finding is given at low "
            "confidence at most"
        )
        kept = [
            dataclasses.replace(
                r, confidence="low" if r.confidence else r.confidence, warnings=(*r.warnings, note)
            )
            for r in kept
        ]
    return kept


#: a raise whose leg was hidden at rest is measured only from a track this complete (share of frames)
MIN_DETECTED_HIDDEN_REST = 0.9


def _untrusted_track(rep: KneeToChestRep, thighs: dict[str, np.ndarray], detected: float) -> str | None:
    """Why the raise's leg cannot be trusted (or None): hidden at rest and the person often lost (in
    ``detected``, the share of frames; a tracksuit's near leg so read 17 deg high on the benchmark; the
    far-side clips, tracked throughout, stay measured)."""
    hidden = rep.baseline is None and _before(thighs[rep.side], rep) is None
    if hidden and detected < MIN_DETECTED_HIDDEN_REST:
        share = f"{100 * detected:.0f}%"
        return (f"the {rep.side} thigh was hidden at rest and the person was found in only {share} of "
                "frames, so the leg's track is not trusted")  # fmt: skip
    return None


def _base(rep: KneeToChestRep, thighs: dict[str, np.ndarray]) -> float:
    """The thigh's angle at rest before ``rep``; where it was hidden there, the other thigh's (both lie on
    the table at rest; a tracksuit's hidden near leg read 17 deg high and escaped the gates without it);
    NaN when neither was seen: not judged."""
    if rep.baseline is not None:
        return rep.baseline.value
    for side in (rep.side, *(s for s in thighs if s != rep.side)):
        before = _before(thighs[side], rep)
        if before is not None and np.isfinite(before[-5:]).any():
            return float(np.nanmedian(before[-5:]))
    return np.nan


def _before(thigh: np.ndarray, rep: KneeToChestRep, frames: int = 30) -> np.ndarray | None:
    """The thigh's angles over the ``frames`` before the raise, or None where it was mostly hidden."""
    before = thigh[max(0, rep.rep.start_frame - frames) : rep.rep.start_frame]
    return before if before.size and np.isfinite(before).mean() >= 0.5 else None
