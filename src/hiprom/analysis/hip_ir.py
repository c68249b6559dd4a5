"""Hip internal/external rotation: the shank's swing about the femur, per position.

Pure numpy: landmark tracks in, frozen results out. See ``docs/hip-ir.md``.

In all three test positions the femur stays still and the shank swings
about it; the camera looks along the femur's rotation axis (supine 90/90 from
overhead, seated from the front, prone from the foot end), so the rotation is
the shank's (knee -> ankle) on-screen turn from its rest direction. Internal
rotation (IR) swings the foot laterally in every position: IR is positive,
external rotation (ER) negative.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from hiprom.analysis.events import Baseline, Rep, detect_baseline, detect_reps
from hiprom.analysis.ir_pivot import ShankPivot, shank_pivot
from hiprom.analysis.ir_views import (
    MAX_THIGH_TO_SHANK,
    ViewGeometry,
    check_view,
    compensation_warnings,
    femur_view_deg,
    femur_view_warning,
    pelvis_roll_warnings,
    rest_offset_warning,
    tracking_problem,
    view_warnings,
)
from hiprom.analysis.plausibility import drop_off_body
from hiprom.analysis.quality import rep_quality_warnings
from hiprom.calibration import BENCH_PEAK_IR_ERROR_DEG
from hiprom.errors import BadInputError
from hiprom.kinematics.filtering import clean_tracks_with
from hiprom.kinematics.rotation import direction_deg, median_direction, signed_rotation_deg
from hiprom.norms import (
    ASYMMETRY_IR_DEG,
    HEALTHY_IR_DEG,
    IR_MDC_DEG,
    LIMITED_IR_DEG,
    POSITIONS,
    Position,
    Side,
    ir_band,
)
from hiprom.skeleton import joint

__all__ = [
    "SIDE_TO_SIDE_STATEMENT",
    "HipIRAnalysis",
    "HipIRConfig",
    "HipIRSide",
    "Hold",
    "analyze_hip_ir",
]

#: how the left-minus-right statement of the findings begins (upper case when flagged); the protocol
#: layer finds it by this to add the benchmark's error of a difference
SIDE_TO_SIDE_STATEMENT = "side-to-side difference"

_HIP, _KNEE, _ANKLE = ({s: joint(j, s) for s in ("left", "right")} for j in ("hip", "knee", "ankle"))


HoldKind = Literal["ir", "er"]  # internal or external rotation


@dataclass(frozen=True)
class HipIRConfig:
    """Thresholds and filters (defaults documented in docs/hip-ir.md)."""

    min_visibility: float = 0.5
    max_gap_s: float = 0.25
    cutoff_hz: float = 4.0
    min_excursion_deg: float = 5.0  # the smallest rotation counted as a hold
    hold_tolerance_deg: float = 3.0  # a hold = frames within this of the extreme
    baseline_max_speed_deg_s: float = 8.0
    baseline_min_s: float = 0.5
    limited_ir_deg: float = LIMITED_IR_DEG  # IR <= this is limited (hiprom.norms)
    asymmetry_deg: float = ASYMMETRY_IR_DEG  # side-to-side IR difference flagged (hiprom.norms)


@dataclass(frozen=True)
class Hold:
    """One excursion to internal (``"ir"``) or external (``"er"``) rotation and its hold."""

    kind: HoldKind
    rep: Rep
    value_deg: float  # median rotation over the hold, positive (IR for "ir", ER for "er")


@dataclass(frozen=True)
class HipIRSide:
    """The analysis of one tested leg."""

    side: Side
    position: Position
    baseline: Baseline | None
    holds: tuple[Hold, ...]
    peak_ir_deg: float | None
    peak_er_deg: float | None
    limited: bool | None
    rest_offset_deg: float  # rest shank from the perpendicular to the pelvis line, IR positive
    neutral_dir: np.ndarray  # (2,) the rest shank direction on screen (0 deg of rotation)
    pivot: ShankPivot  # the point the shank turns about (the knee, or placed from the proportions)
    view: ViewGeometry
    warnings: tuple[str, ...]
    # the rest femur's direction off the camera's axis (lateral, along the trunk; deg), from the 3D
    # landmarks (None without them): hiprom.analysis.ir_views.femur_view_deg
    femur_view_deg: tuple[float, float] | None = None


@dataclass(frozen=True)
class HipIRAnalysis:
    """Everything :func:`analyze_hip_ir` found.

    Attributes
    ----------
    position : str
    sides : list of HipIRSide (one per tested leg)
    rotation_deg : dict side -> (n_frames,) array
        IR positive, ER negative, from the rest direction of each tested shank.
    asymmetry_deg : float or None
        ``IR left - IR right`` when both sides were measured.
    asymmetric : bool or None
        ``|asymmetry_deg| >= config.asymmetry_deg`` (None with one side).
    findings : tuple of str
    """

    position: Position
    sides: list[HipIRSide]
    rotation_deg: dict[str, np.ndarray]
    asymmetry_deg: float | None
    asymmetric: bool | None
    findings: tuple[str, ...]
    notes: tuple[str, ...] = ()  # about the clip as a whole (frames where the track left the patient)


def _rest_frames(time_s: np.ndarray, shank: np.ndarray, cfg: HipIRConfig) -> tuple[Baseline | None, slice]:
    """The still stretch before the first movement of the shank (or its first 0.5 s)."""
    raw = direction_deg(shank)
    ref = median_direction(shank)
    rel = signed_rotation_deg(shank, ref, np.array([-ref[1], ref[0]])) if np.isfinite(ref).all() else raw
    start = rel[: max(3, rel.size // 10)]
    start_value = np.nanmedian(start) if np.isfinite(start).any() else np.nanmedian(rel)
    with np.errstate(invalid="ignore"):
        moving = np.abs(rel - start_value) > 2 * cfg.min_excursion_deg
    first_move = int(np.argmax(moving)) if moving.any() else rel.size
    baseline = detect_baseline(
        time_s, rel, max_speed_deg_s=cfg.baseline_max_speed_deg_s, min_duration_s=cfg.baseline_min_s,
        before_frame=first_move,
    )  # fmt: skip
    if baseline is not None:
        return baseline, slice(baseline.start_frame, baseline.stop_frame)
    n = max(3, int(np.searchsorted(time_s, time_s[0] + 0.5)))
    return None, slice(0, n)


def _holds(time_s: np.ndarray, rotation: np.ndarray, cfg: HipIRConfig) -> list[Hold]:
    holds = []
    for kind, sign in (("ir", 1.0), ("er", -1.0)):
        for rep in detect_reps(
            time_s, sign * rotation, 0.0, min_excursion_deg=cfg.min_excursion_deg,
            start_margin_deg=cfg.min_excursion_deg / 2, hold_tolerance_deg=cfg.hold_tolerance_deg,
        ):  # fmt: skip
            value = float(np.nanmedian(sign * rotation[rep.hold_start_frame : rep.hold_stop_frame + 1]))
            holds.append(Hold(kind, rep, value))
    holds.sort(key=lambda h: h.rep.start_frame)
    return holds


def analyze_hip_ir(
    time_s: np.ndarray,
    points_px: np.ndarray,
    visibility: np.ndarray,
    position: str,
    *,
    side: str | None = None,
    world_m: np.ndarray | None = None,
    image_size_px: tuple[int, int] | None = None,
    config: HipIRConfig | None = None,
) -> HipIRAnalysis:
    """Analyse a hip-rotation clip filmed in its position's view.

    Parameters
    ----------
    time_s : (n_frames,) array
    points_px : (n_frames, 33, 2) array
        Image landmarks (NaN where undetected).
    visibility : (n_frames, 33) array
    position : {"supine", "seated", "prone"}
    side : {"left", "right"}, optional
        Analyse only this leg; default: every leg whose shank rotates.
    world_m : (n_frames, 33, 3) array, optional
        The pose model's 3D landmarks; supine, they show a pelvic roll
        (:func:`hiprom.analysis.ir_views.pelvis_roll_warnings`).
    image_size_px : (width, height), optional
        For the out-of-frame warning.

    Returns
    -------
    HipIRAnalysis

    Raises
    ------
    BadInputError
        Unknown position; the wrong view for the position (see
        :func:`hiprom.analysis.ir_views.check_view`); no rotation of either leg.
    """
    cfg = config or HipIRConfig()
    if position not in POSITIONS:
        raise BadInputError(f"the position must be one of {', '.join(POSITIONS)}, got {position!r}")
    time_s = np.asarray(time_s, float)
    pts = clean_tracks_with(cfg, points_px, visibility, time_s)
    notes = drop_off_body(pts, time_s)  # the pelvis stays put in every position: a jump is someone else
    candidates = (side,) if side else ("left", "right")
    measured: list[HipIRSide] = []
    rotations: dict[str, np.ndarray] = {}
    refusals: list[str] = []
    for leg in candidates:
        outcome = _measure_leg(time_s, pts, points_px, visibility, leg, position, cfg, image_size_px, world_m)
        if isinstance(outcome, str):
            refusals.append(outcome)
        elif outcome is not None:
            measured.append(outcome[0])
            rotations[leg] = outcome[1]
    measured, dropped = _legs_in_position(measured, position)
    for leg in dropped:
        rotations.pop(leg)
        notes.append(
            f"the {leg} leg was not in the test position (its thigh is not foreshortened as a femur along "
            "the camera's axis is, while the other leg's is): its rotation was not measured"
        )
    if not measured:
        if refusals:  # a leg seen but unusable says more than a leg not seen at all
            raise BadInputError(sorted(refusals, key=lambda r: "not visible" in r)[0])
        raise BadInputError(
            f"no hip rotation found: neither shank turned {cfg.min_excursion_deg:.0f} deg from rest "
            f"(is this a {position} hip-rotation clip in its view? see docs/hip-ir.md)"
        )
    asymmetry, findings = _findings(measured, position, cfg)
    asymmetric = None if asymmetry is None else bool(abs(asymmetry) >= cfg.asymmetry_deg)
    return HipIRAnalysis(position, measured, rotations, asymmetry, asymmetric, tuple(findings), tuple(notes))


def _legs_in_position(measured: list[HipIRSide], position: str) -> tuple[list[HipIRSide], list[str]]:
    """With both legs measured supine or seated, the one whose femur is not along the camera axis (its
    thigh looks long) while the other's is, is the untested leg lying flat or hanging: drop it."""
    if len(measured) < 2 or position not in ("supine", "seated"):
        return measured, []
    placed = [s.view.thigh_to_shank <= MAX_THIGH_TO_SHANK for s in measured]
    if all(placed) or not any(placed):
        return measured, []
    return [s for s, ok in zip(measured, placed, strict=True) if ok], [
        s.side for s, ok in zip(measured, placed, strict=True) if not ok
    ]


def _measure_leg(time_s, pts, points_px, visibility, leg: str, position: str, cfg: HipIRConfig,
                 image_size_px, world_m):  # fmt: skip
    """One leg's rotation and result, or why its view or track was refused (a str), or None (not seen)."""
    other = "right" if leg == "left" else "left"
    knee, ankle = pts[:, _KNEE[leg]], pts[:, _ANKLE[leg]]
    shank = ankle - knee
    if not np.isfinite(shank).any():
        return None
    baseline, rest = _rest_frames(time_s, shank, cfg)
    view = ViewGeometry.measure(pts[rest], leg)
    if (problem := check_view(view, position)) is not None:
        return problem
    neutral = median_direction(shank[rest])
    lateral = np.nanmedian(pts[rest, _HIP[leg]] - pts[rest, _HIP[other]], axis=0)
    # the femur does not move in this test, so neither does the knee's centre: pivot the shank about one
    # fixed point (MediaPipe's knee point slides with the shank's rotation, and down it on clothed legs)
    pivot = shank_pivot(knee[rest], ankle[rest], pts[rest][:, [_HIP[leg], _HIP[other]]], position)
    rotation = signed_rotation_deg(ankle - pivot.point_px, neutral, lateral)
    if (problem := tracking_problem(time_s, rotation, position)) is not None:
        return problem
    holds = _holds(time_s, rotation, cfg)
    if not holds:
        return None
    side = _side_result(time_s, pts, points_px, visibility, leg, position, baseline, rest, rotation, holds,
                        view, neutral, lateral, pivot, image_size_px, cfg, world_m)  # fmt: skip
    return side, rotation


def _side_result(
    time_s, pts, raw_px, visibility, leg, position, baseline, rest, rotation, holds, view, neutral, lateral,
    pivot, image_size_px, cfg, world_m=None,
) -> HipIRSide:  # fmt: skip
    rest_offset = view.rest_offset_deg(lateral)
    femur = None if world_m is None else femur_view_deg(world_m, visibility, rest, leg)
    warnings = (
        view_warnings(view, position) + rest_offset_warning(rest_offset) + femur_view_warning(femur, position)
    )
    if (slid := pivot.warning()) is not None:
        warnings.append(slid)
    if BENCH_PEAK_IR_ERROR_DEG.get(position) is None:
        warnings.append(
            f"the {position} view's accuracy is not established (the pose model mislabels the legs there "
            "on the benchmark; docs/hip-ir.md): prefer the seated or supine test"
        )
    if baseline is None:
        warnings.append(
            "no still rest position of >= 0.5 s before the rotation: start still, shank at neutral"
        )
    chain = [_HIP["left"], _HIP["right"], _KNEE[leg], _ANKLE[leg]]
    for hold in holds:
        hold_name = "internal" if hold.kind == "ir" else "external"
        gates = rep_quality_warnings(
            time_s, rotation, np.asarray(raw_px, float)[:, chain], np.asarray(visibility, float)[:, chain],
            hold.rep, image_size_px, segment="shank", body_part="the tested leg or pelvis",
        )  # fmt: skip
        gates += compensation_warnings(pts, rest, hold.rep, hold_name, position)
        if world_m is not None:
            gates += pelvis_roll_warnings(world_m, visibility, rest, hold.rep, hold_name, position)
        warnings += [g for g in gates if g not in warnings]
    ir = [h.value_deg for h in holds if h.kind == "ir"]
    er = [h.value_deg for h in holds if h.kind == "er"]
    peak_ir = max(ir) if ir else None
    peak_er = max(er) if er else None
    if peak_ir is None:
        warnings.append(
            f"no internal-rotation hold found: if IR was tested it is below {cfg.min_excursion_deg:.0f} deg"
        )
    limited = None if peak_ir is None else bool(peak_ir <= cfg.limited_ir_deg)
    return HipIRSide(leg, position, baseline, tuple(holds), peak_ir, peak_er, limited, rest_offset, neutral,
                     pivot, view, tuple(warnings), femur)  # fmt: skip


def _findings(sides: list[HipIRSide], position: str, cfg: HipIRConfig) -> tuple[float | None, list[str]]:
    findings = []
    for s in sides:
        if s.peak_ir_deg is not None:
            band = ir_band(s.peak_ir_deg, cfg.limited_ir_deg)
            verdict = "LIMITED" if s.limited else f"not limited, {band}"
            lo, hi = HEALTHY_IR_DEG
            findings.append(
                f"{s.side} hip internal rotation {s.peak_ir_deg:.0f} deg {position}: {verdict} "
                f"(limited <= {cfg.limited_ir_deg:.0f} deg; healthy {lo:.0f}-{hi:.0f} deg)"
            )
    by_side = {s.side: s.peak_ir_deg for s in sides}
    asymmetry = None
    if by_side.get("left") is not None and by_side.get("right") is not None:
        asymmetry = float(by_side["left"] - by_side["right"])
        if abs(asymmetry) >= cfg.asymmetry_deg:
            low = "right" if asymmetry > 0 else "left"
            findings.append(
                f"{SIDE_TO_SIDE_STATEMENT.upper()} {abs(asymmetry):.0f} deg "
                f"(>= {cfg.asymmetry_deg:.0f} deg): the {low} hip rotates less"
            )
        else:
            findings.append(
                f"{SIDE_TO_SIDE_STATEMENT} {abs(asymmetry):.0f} deg (< {cfg.asymmetry_deg:.0f} deg)"
            )
    findings.append(
        f"a change between sessions smaller than {IR_MDC_DEG[position]:.1f} deg (minimal detectable change, "
        f"{position}) is within measurement error"
    )
    return asymmetry, findings
