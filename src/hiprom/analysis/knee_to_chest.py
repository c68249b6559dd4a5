"""Supine knee-to-chest analysis: thigh and hip angles, reps, pelvic-tilt onset, lumbar borrowing.

Pure numpy/scipy: landmark tracks and (optionally) a pelvic-tilt series in,
frozen results out. See ``docs/knee-to-chest.md`` for the definitions.

Angles (degrees): ``thigh_vs_table`` = the hip -> knee segment against the
table line (towards the feet), positive as the knee rises; ``trunk_thigh`` =
the goniometer reading (shoulder-hip-knee, includes the pelvis); ``hip_flexion``
= the femur on the pelvis, ``thigh - thigh at baseline - pelvic tilt``, only
where a tilt series exists (marker mode).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from hiprom.analysis.camera import CameraOffset, estimate_camera_offset
from hiprom.analysis.events import Baseline, Rep, detect_reps
from hiprom.analysis.k2c_marker import marker_finding
from hiprom.analysis.k2c_reps import one_leg_at_a_time, pan_corrected, plausible_reps, resting, rests_before
from hiprom.analysis.onset import card_tilts
from hiprom.analysis.plausibility import PlausibilityConfig, drop_off_body, side_labels, upside_down
from hiprom.analysis.quality import camera_offset_warnings, rep_quality_warnings
from hiprom.analysis.thigh_card import thigh_card_lift
from hiprom.calibration import DEFAULT, ONSET_ERROR_RANGE_DEG, THIGH_CARD_ONSET_ERROR_RANGE_DEG, Calibration
from hiprom.errors import BadInputError
from hiprom.kinematics.angles import flexion_from_straight_deg, segment_angle_deg
from hiprom.kinematics.filtering import clean_tracks_with
from hiprom.kinematics.table_line import body_feet_direction, lift_sign
from hiprom.kinematics.tilt_onset import OnsetConfig
from hiprom.norms import BORROWING_HIP_FLEXION_DEG, SIDES, Side
from hiprom.skeleton import LEG_CHAIN, MIRROR_INDEX

__all__ = [
    "KneeToChestAnalysis",
    "KneeToChestConfig",
    "KneeToChestRep",
    "LegAngles",
    "analyze_knee_to_chest",
    "body_feet_direction",
    "check_side_view",
    "leg_angles",
    "lift_sign",
]


TiltMethod = Literal["marker", "markerless"]  # the printed card, or none
Confidence = Literal["high", "moderate", "low"]


@dataclass(frozen=True)
class KneeToChestConfig:
    """Thresholds and filters (defaults documented in docs/knee-to-chest.md)."""

    min_visibility: float = 0.5
    max_gap_s: float = 0.25
    cutoff_hz: float = 4.0
    min_excursion_deg: float = 30.0
    # subtracted from the thigh read against the resting body line; 0 for exact landmarks, the pose
    # model's own bias for its landmarks (the pipeline uses calibration.POSE_MODEL_THIGH_OFFSET_DEG)
    thigh_offset_deg: float = 0.0
    # the thigh's reading at rest that hip flexion (femur on pelvis) counts from: None = this clip's own
    # (exact landmarks); the pose model's per-clip resting reading scatters by several degrees with body
    # and clothing, so the pipeline uses the benchmark's fitted value (calibration.POSE_MODEL_REST_THIGH_DEG)
    rest_thigh_deg: float | None = None
    baseline_max_speed_deg_s: float = 8.0
    baseline_min_s: float = 1.0
    rest_margin_deg: float = 10.0  # a baseline lies within this of the leg's resting angle
    borrowing_hip_deg: float = BORROWING_HIP_FLEXION_DEG  # onset below this = early posterior tilt
    # the onset's measured error range on held-out clips (most under-read, most over-read; signed, deg):
    # the onset interval reaches from the fit's interval minus the over-read to plus the under-read, so
    # that it holds the true onset as often as the pose model's thigh reading lets it (hiprom.calibration)
    onset_error_range_deg: tuple[float, float] = ONSET_ERROR_RANGE_DEG
    # with the thigh card (hiprom.analysis.thigh_card): the hip's flexion at rest, lying with the legs
    # straight on the table (0 = anatomical neutral, the goniometer's zero), that its lift counts from; and
    # the onset's error range measured with the card (hiprom.calibration)
    card_rest_hip_deg: float = 0.0
    # and the thigh's angle at rest that the card's lift is added to for the thigh angle: None = the pose
    # model's reading over the card's resting frames (exact landmarks); for the pose model's landmarks the
    # pipeline uses the benchmark bodies' true resting thigh (calibration.THIGH_CARD_REST_THIGH_DEG)
    card_rest_thigh_deg: float | None = None
    card_onset_error_range_deg: tuple[float, float] = THIGH_CARD_ONSET_ERROR_RANGE_DEG
    # the pose model's calibration: camera maps, errors quoted (the pipeline sets the offsets above from it)
    calibration: Calibration = DEFAULT
    onset: OnsetConfig = field(default_factory=OnsetConfig)
    gates: PlausibilityConfig = field(default_factory=PlausibilityConfig)


@dataclass(frozen=True)
class LegAngles:
    """Per-frame angles of one leg, ``(n_frames,)`` each, degrees."""

    thigh_vs_table_deg: np.ndarray
    trunk_thigh_deg: np.ndarray
    knee_flexion_deg: np.ndarray


@dataclass(frozen=True)
class KneeToChestAnalysis:
    """Everything :func:`analyze_knee_to_chest` found.

    Attributes
    ----------
    reps : list of KneeToChestRep, in time order
    angles : dict side -> LegAngles (per-frame series)
    tilt_deg : (n_frames,) array or None
        The card's tilt, oriented (posterior positive) and filtered; any offset.
    thigh_card_deg : (n_frames,) array or None
        The thigh card's angle, oriented (positive as the knee rises) and filtered; any offset.
    feet_dir : (2,) array
        The table line towards the feet, pixels.
    """

    reps: list[KneeToChestRep]
    angles: dict[str, LegAngles]
    tilt_deg: np.ndarray | None
    feet_dir: np.ndarray
    notes: tuple[
        str, ...
    ] = ()  # about the clip as a whole: frames dropped, labels swapped, reps not measured
    thigh_card_deg: np.ndarray | None = None


@dataclass(frozen=True)
class KneeToChestRep:
    """One analysed raise of one leg."""

    side: Side
    rep: Rep
    baseline: Baseline | None
    peak_thigh_angle_deg: float
    peak_trunk_thigh_angle_deg: float
    peak_knee_flexion_deg: float
    tilt_method: TiltMethod
    peak_tilt_deg: float | None
    onset_hip_flexion_deg: float | None
    onset_thigh_angle_deg: float | None
    onset_time_s: float | None
    onset_ci_deg: tuple[float, float] | None
    camera: CameraOffset | None  # the phone's estimated pan/tilt before the raise (3D landmarks given)
    borrowing: bool | None  # None: not assessed (no pelvis card)
    confidence: Confidence | None
    reasons: tuple[str, ...]
    warnings: tuple[str, ...]
    peak_hip_flexion_deg: float | None = None  # femur on pelvis (marker mode, the card known throughout)
    thigh_source: str = "pose model"  # or "thigh card": the thigh's lift read from the card on the femur
    thigh_card_rest_deg: float | None = None  # with the thigh card: its angle at rest, the lift's zero


def leg_angles(points: np.ndarray, side: str, feet_dir: np.ndarray, up_sign: float = 1.0) -> LegAngles:
    """Angles of one leg from cleaned ``(n_frames, 33, 2)`` pixel landmarks.

    ``feet_dir`` is the table line's direction towards the feet, in pixels;
    ``up_sign`` (+1 or -1) turns the on-screen counter-clockwise angle into
    "positive as the knee rises" (see :func:`lift_sign`).
    """
    shoulder, hip, knee, ankle = (points[:, j] for j in LEG_CHAIN[side])
    thigh = segment_angle_deg(hip, knee, np.asarray(feet_dir, float)) * up_sign
    return LegAngles(
        thigh, flexion_from_straight_deg(shoulder, hip, knee), flexion_from_straight_deg(hip, knee, ankle)
    )


def check_side_view(feet_dir: np.ndarray, max_slope_deg: float = 35.0) -> None:
    """Refuse a clip whose body does not lie across the frame (not a side view of a supine test)."""
    slope = np.degrees(np.arctan2(abs(feet_dir[1]), abs(feet_dir[0])))
    if slope > max_slope_deg:
        raise BadInputError(
            f"wrong camera view: the body followed has its long axis {slope:.0f} deg from horizontal "
            "(standing or sitting, not lying across the frame); film the supine knee-to-chest test from "
            "the side, phone level, the whole patient across the frame and nobody leaning over them"
        )


def analyze_knee_to_chest(
    time_s: np.ndarray,
    points_px: np.ndarray,
    visibility: np.ndarray,
    *,
    feet_dir: np.ndarray | None = None,
    tilt_ccw_deg: np.ndarray | None = None,
    world_m: np.ndarray | None = None,
    image_size_px: tuple[int, int] | None = None,
    config: KneeToChestConfig | None = None,
    check_sides: bool = True,
    mirrored: bool = False,
    tilt_followed: np.ndarray | None = None,
    thigh_card_ccw_deg: np.ndarray | None = None,
    thigh_card_followed: np.ndarray | None = None,
) -> KneeToChestAnalysis:
    """Analyse every rep of either leg.

    Parameters
    ----------
    time_s : (n_frames,) array
    points_px : (n_frames, 33, 2) array
        Image landmarks (NaN where undetected).
    visibility : (n_frames, 33) array
    feet_dir : (2,) array, optional
        Table line towards the feet (pixels); default: the resting body's long axis.
    tilt_ccw_deg : (n_frames,) array, optional
        The card's on-screen counter-clockwise angle (marker mode), any offset; oriented here so
        posterior tilt is positive (the way the thigh lifts). ``None``: markerless.
    world_m : (n_frames, 33, 3) array, optional
        The pose model's 3D landmarks: the phone's pan and tilt per rep (:mod:`hiprom.analysis.camera`),
        and the side labels checked.
    image_size_px : (width, height), optional
        For the out-of-frame warning.
    check_sides, mirrored : bool
        Check the model's left/right labels against the view (swapped if wrong);
        ``mirrored``: the picture is known to be mirrored (the pelvis card read so).
    tilt_followed : (n_frames,) bool array, optional
        Card angles from image alignment, not a detection (:mod:`hiprom.capture.card_flow`): they
        time an onset; a "no" answer and the peak tilt need the card read.
    thigh_card_ccw_deg, thigh_card_followed : (n_frames,) arrays, optional
        The thigh card's angle and followed frames: with the pelvis card, a rep's thigh lift is read
        from it where it stands for that thigh (:mod:`hiprom.analysis.thigh_card`).

    Raises
    ------
    BadInputError
        No rep of either leg; the wrong view; an upside-down picture; another
        test (knees bent from the start, the pelvis lifting); every rep's pose lost.
    """
    cfg = config or KneeToChestConfig()
    time_s = np.asarray(time_s, float)
    pts = clean_tracks_with(cfg, points_px, visibility, time_s)
    notes = drop_off_body(pts, time_s, cfg.gates)
    if feet_dir is None:
        feet_dir = body_feet_direction(pts)
    check_side_view(feet_dir)
    up_sign = lift_sign(pts, feet_dir)
    angles = {side: leg_angles(pts, side, feet_dir, up_sign) for side in SIDES}
    if check_sides and side_labels(pts, world_m, resting(angles), cfg.gates, mirrored=mirrored) is False:
        swap = MIRROR_INDEX  # the same picture, left and right labels exchanged
        swapped = analyze_knee_to_chest(
            time_s, np.asarray(points_px)[:, swap], np.asarray(visibility)[:, swap], feet_dir=feet_dir,
            world_m=None if world_m is None else np.asarray(world_m)[:, swap], check_sides=False,
            tilt_ccw_deg=tilt_ccw_deg, tilt_followed=tilt_followed, image_size_px=image_size_px,
            config=config, thigh_card_ccw_deg=thigh_card_ccw_deg, thigh_card_followed=thigh_card_followed,
        )  # fmt: skip
        return dataclasses.replace(swapped, notes=(SWAPPED_NOTE, *swapped.notes))
    angles = {s: _less_offset(a, cfg.thigh_offset_deg) for s, a in angles.items()}
    pelvis, thigh = (tilt_ccw_deg, tilt_followed), (thigh_card_ccw_deg, thigh_card_followed)
    cards = _cards(time_s, pelvis, thigh, up_sign, cfg)
    found = _all_reps(time_s, pts, points_px, visibility, angles, cards, cfg, world_m, image_size_px)
    _refuse_unless_a_raise_up_the_picture(found, pts, feet_dir)
    found = plausible_reps(time_s, pts, angles, one_leg_at_a_time(found), feet_dir, cfg, notes)
    found.sort(key=lambda r: r.rep.start_frame)
    tilt = None if cards[0] is None else cards[0][0]
    return KneeToChestAnalysis(
        found, pan_corrected(angles, found), tilt, np.asarray(feet_dir, float), tuple(notes), cards[1]
    )


def _with_thigh_card(card, leg: LegAngles, cfg: KneeToChestConfig, thigh, base_thigh, warnings: list[str]):
    """``(thigh, base_thigh, used)``: the thigh card's lift added to the resting thigh where the card stands
    for this rep's thigh (a card's angle: no pan scale), else the pose model's as given (and why not, in
    ``warnings``)."""
    if card.lift_deg is None:
        if card.note:
            warnings.append(card.note)
        return thigh, base_thigh, False
    rest = cfg.card_rest_thigh_deg
    if rest is None:  # the pose model's reading over the card's resting frames
        rest = float(np.nanmedian(leg.thigh_vs_table_deg[card.rest_frames])) + cfg.thigh_offset_deg
    if not np.isfinite(rest):
        return thigh, base_thigh, False
    return rest + card.lift_deg, rest, True


def _less_offset(leg: LegAngles, offset_deg: float) -> LegAngles:
    return dataclasses.replace(leg, thigh_vs_table_deg=leg.thigh_vs_table_deg - offset_deg)


def _cards(time_s, pelvis: tuple, thigh: tuple, up_sign: float, cfg) -> tuple:
    """``(pelvis card's (tilt, tilt_read) or None, thigh card's angle or None)``, oriented and filtered."""
    thigh_card = card_tilts(time_s, *thigh, up_sign, cfg)
    return card_tilts(time_s, *pelvis, up_sign, cfg), None if thigh_card is None else thigh_card[0]


SWAPPED_NOTE = (
    "the pose model's left and right labels contradicted the view (lying face up, the side towards the "
    "phone is the left with the head on the picture's right): they were swapped"
)
UPSIDE_DOWN = (
    "the picture is upside down (the raised knee moves down the frame), or the person is not lying on "
    "their back: film with the phone upright and the patient supine"
)


def _refuse_unless_a_raise_up_the_picture(found: list, pts: np.ndarray, feet_dir: np.ndarray) -> None:
    if not found:
        raise BadInputError(
            "no knee-to-chest movement found: neither thigh rose 30 deg from the table "
            "(is this a side view of the supine test?)"
        )
    if upside_down(pts, feet_dir, [(r.side, r.rep) for r in found]):
        raise BadInputError(UPSIDE_DOWN)


def _all_reps(time_s, pts, points_px, visibility, angles, cards, cfg, world_m, image_size_px) -> list:
    """Every rep of either leg, analysed against the rest before it."""
    found: list[KneeToChestRep] = []
    for side, leg in angles.items():
        thigh = leg.thigh_vs_table_deg
        rest = float(np.nanpercentile(thigh, 10)) if np.isfinite(thigh).any() else np.nan
        chain = list(LEG_CHAIN[side])
        reps = detect_reps(time_s, thigh, rest, min_excursion_deg=cfg.min_excursion_deg)
        for rep, rest_before in zip(reps, rests_before(time_s, thigh, reps, rest, side, cfg), strict=True):
            chain_px = np.asarray(points_px, float)[:, chain]
            chain_vis = np.asarray(visibility, float)[:, chain]
            gates = rep_quality_warnings(time_s, thigh, chain_px, chain_vis, rep, image_size_px)
            found.append(
                _analyse_rep(time_s, side, leg, rep, cards, cfg, gates, world_m, visibility, rest_before)
            )
    return found


def _analyse_rep(
    time_s,
    side: str,
    leg: LegAngles,
    rep: Rep,
    cards: tuple,
    cfg: KneeToChestConfig,
    gates: list[str],
    world_m,
    visibility,
    rest_before: tuple,
) -> KneeToChestRep:
    thigh = leg.thigh_vs_table_deg
    baseline, base_thigh, notes = rest_before
    warnings: list[str] = [*gates, *notes]
    tilt, thigh_card = cards
    camera = None
    if world_m is not None:
        still = (
            slice(baseline.start_frame, baseline.stop_frame)
            if baseline is not None
            else slice(max(0, rep.start_frame - 15), rep.start_frame + 1)
        )
        cal = cfg.calibration
        camera = estimate_camera_offset(np.asarray(world_m)[still], np.asarray(visibility)[still], cal=cal)
        warnings += camera_offset_warnings(camera.pan_deg, camera.tilt_deg, cal=cal)
    scale = camera.flexion_scale if camera is not None else 1.0  # the pose model's pan-dependent error
    thigh, base_thigh = thigh * scale, base_thigh * scale
    card = thigh_card_lift(thigh_card if tilt is not None else None, rep, baseline, thigh - base_thigh)
    thigh, base_thigh, card_used = _with_thigh_card(card, leg, cfg, thigh, base_thigh, warnings)
    window = slice(rep.start_frame, rep.end_frame + 1)
    peak_thigh = float(np.nanmax(thigh[window]))
    peak_gonio = float(np.nanmax(leg.trunk_thigh_deg[window] * scale))
    peak_knee = float(np.nanmax(leg.knee_flexion_deg[window]))
    onset = dict(hip=None, thigh=None, time=None, ci=None)
    peak_tilt = peak_hip = None
    if tilt is None:  # not measured is never "no": the finding is not assessed
        method, borrowing, confidence = "markerless", None, None
        reasons = [
            "lumbar borrowing not assessed: no pelvis card was read (none worn, or hidden or turned away "
            "from the phone at the start), and without the printed card hiprom cannot separate hip "
            "flexion from pelvic tilt (see README, Accuracy); strap the card over the iliac crest "
            "of the leg nearest the phone, arms off it",
            f"the thigh reached {peak_thigh:.0f} deg from the table and the goniometer reading "
            f"(trunk-thigh) was {peak_gonio:.0f} deg; both include any pelvic contribution",
            "a markerless cue (the body's outline under the pelvis turning against the back) was measured "
            "on the benchmark and does not yet tell a borrowing pelvis from a healthy one well enough to "
            "grade, so none is given (docs/knee-to-chest.md, Pipeline, item 10)",
        ]
    else:
        method = "marker"
        onset, peak_tilt, peak_hip, borrowing, confidence, reasons = marker_finding(
            time_s, thigh, base_thigh, tilt, baseline, rep, camera, peak_thigh, cfg,
            thigh_card=card_used,
        )  # fmt: skip
    return KneeToChestRep(
        side=side,
        rep=rep,
        baseline=baseline,
        peak_thigh_angle_deg=peak_thigh,
        peak_trunk_thigh_angle_deg=peak_gonio,
        peak_knee_flexion_deg=peak_knee,
        tilt_method=method,
        peak_tilt_deg=peak_tilt,
        onset_hip_flexion_deg=onset["hip"],
        onset_thigh_angle_deg=onset["thigh"],
        onset_time_s=onset["time"],
        onset_ci_deg=onset["ci"],
        camera=camera,
        borrowing=borrowing,
        confidence=confidence,
        reasons=tuple(reasons),
        warnings=tuple(warnings),
        peak_hip_flexion_deg=peak_hip,
        thigh_source="thigh card" if card_used else "pose model",
        thigh_card_rest_deg=card.rest_deg if card_used else None,
    )
