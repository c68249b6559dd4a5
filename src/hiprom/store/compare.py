"""Compare an athlete's sessions: change against the minimal detectable change, left vs right, trend.

Pure functions over :class:`hiprom.store.records.StoredResult` lists.

Each test's measures and their minimal detectable changes (MDC) come from its
protocol (:mod:`hiprom.protocols`; the values and references in
:mod:`hiprom.norms`). A change smaller than the MDC is "within measurement
error", whatever its sign.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from hiprom import protocols
from hiprom.calibration import DEFAULT, SQUARE_MAX_PAN_DEG, Calibration, named
from hiprom.store.records import StoredResult, entry_field

__all__ = ["Comparison", "Measure", "compare", "hiprom_mdc", "measures_by_session"]


def _named_model(r: StoredResult) -> str | None:
    """The pose model a stored result's errors name (knee-to-chest entries), or None."""
    err = r.result.get("measurement_error_deg")
    return err.get("pose_model") if isinstance(err, dict) else None


def _calibrations(results: list[StoredResult]) -> list[Calibration]:
    """The calibrations of the pose models the compared results came from (the default model's for an
    entry that names none: stored before models were named, or of a test only the default model states)."""
    found = {c.model["name"]: c for c in (named(_named_model(r)) for r in results)}
    return [found[n] for n in sorted(found)] or [DEFAULT]


def _largest(cals: list[Calibration], basis: str) -> tuple[float, float]:
    """The thigh's stated error, the largest over these models' calibrations."""
    pairs = [c.k2c_error_deg[basis]["thigh"] for c in cals]
    return (max(p[0] for p in pairs), max(p[1] for p in pairs))


def hiprom_mdc(cals: list[Calibration]) -> dict[str, float]:
    """hiprom's own MDC per measure, the largest over these models' calibrations: no session is called
    changed on a difference one of the compared models' repeatability would not tell from noise."""
    keys = sorted(set().union(*(c.mdc_deg for c in cals)))
    return {k: max(c.mdc_deg.get(k, 0.0) for c in cals) for k in keys}


@dataclass(frozen=True)
class Measure:
    """What is compared: one quantity of one test, position and side."""

    test: str
    position: str
    side: str
    key: str  # field of the result entry (dotted for nested)
    label: str
    mdc_deg: float  # the larger of the manual goniometer's MDC and hiprom's own
    asymmetry_deg: float  # a left-right difference this large is flagged
    mdc_source: str = "manual goniometry"  # or "hiprom's repeatability" (whichever is larger)


def _measures(test: str, position: str, side: str, own_mdc: dict[str, float] | None = None) -> list[Measure]:
    """The compared measures of one test, position and side (those with an MDC); ``own_mdc``: hiprom's own
    (:func:`hiprom_mdc`; default: the default model's)."""
    own_mdc = DEFAULT.mdc_deg if own_mdc is None else own_mdc
    out = []
    for m in protocols.get(test).measures(position):
        if m.mdc_deg is None:
            continue
        own = own_mdc.get(m.key, 0.0)
        mdc, source = (own, "hiprom's repeatability") if own > m.mdc_deg else (m.mdc_deg, "manual goniometry")
        out.append(Measure(test, position, side, m.key, m.label, mdc, m.asymmetry_deg or m.mdc_deg, source))
    return out


def _get(entry: dict, dotted: str) -> float | None:
    value = entry_field(entry, dotted)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def measures_by_session(results: list[StoredResult]) -> dict[Measure, dict[dt.date, float]]:
    """Per measure, per session date: the median over that session's reps (NaN-free)."""
    values: dict[Measure, dict[dt.date, list[float]]] = defaultdict(lambda: defaultdict(list))
    own_mdc = hiprom_mdc(_calibrations(results))
    for r in results:
        for m in _measures(r.test, r.position, r.side, own_mdc):
            v = _get(r.result, m.key)
            if v is not None:
                values[m][r.date].append(v)
    return {m: {d: float(np.median(v)) for d, v in sorted(by_date.items())} for m, by_date in values.items()}


@dataclass(frozen=True)
class Comparison:
    """One measure over the selected sessions."""

    measure: Measure
    dates: tuple[dt.date, ...]
    values_deg: tuple[float, ...]
    change_deg: float | None  # last - first
    verdict: str  # "improved beyond measurement error" | "worsened beyond measurement error" | ...
    slope_deg_per_month: float | None  # least squares, >= 3 sessions
    steps: tuple[tuple[dt.date, dt.date, float, str], ...]  # consecutive sessions: change and verdict
    caveats: tuple[str, ...] = ()  # e.g. a session filmed off square, where the tool's own error is larger


def _verdict(change: float, mdc: float) -> str:
    if abs(change) < mdc:
        return "within measurement error"
    return "improved beyond measurement error" if change > 0 else "worsened beyond measurement error"


def _off_square_sessions(results: list[StoredResult]) -> dict[tuple[str, dt.date], float]:
    """(side, date) -> the largest |estimated pan| of that session's knee-to-chest reps beyond square-on."""
    out: dict[tuple[str, dt.date], float] = {}
    for r in results:
        pan = _get(r.result, "camera.pan_deg") if r.test == "knee-to-chest" else None
        if pan is not None and abs(pan) > SQUARE_MAX_PAN_DEG:  # as the result judged it (analysis.camera)
            out[(r.side, r.date)] = max(abs(pan), out.get((r.side, r.date), 0.0))
    return out


def _corrected_sessions(results: list[StoredResult]) -> dict[tuple[str, dt.date], str]:
    """(side, date) -> who set an onset by hand in that session's knee-to-chest reps."""
    return {
        (r.side, r.date): str((r.result.get("clinician_correction") or {}).get("by"))
        for r in results
        if r.correction
    }


def _unbenchmarked_sessions(results: list[StoredResult]) -> dict[tuple[str, dt.date], str]:
    """(side, date) -> why that session states no benchmark error (a pose model the bench did not run;
    ``hiprom.protocols.base.withhold_errors``)."""
    return {
        (r.side, r.date): str(r.result["errors_not_benchmarked"])
        for r in results
        if r.result.get("errors_not_benchmarked")
    }


#: the knee-to-chest measures read off the thigh: the thigh card's lift or the pose model's thigh
THIGH_MEASURES = ("peak_thigh_angle_deg", "pelvic_tilt.onset.hip_flexion_deg")


def _thigh_card_sessions(results: list[StoredResult]) -> dict[tuple[str, dt.date], bool]:
    """(side, date) -> whether that session's knee-to-chest thigh came from the thigh card (any rep)."""
    out: dict[tuple[str, dt.date], bool] = {}
    for r in results:
        if r.test == "knee-to-chest":
            card = r.result.get("thigh_source") == "thigh card"
            out[(r.side, r.date)] = out.get((r.side, r.date), False) or card
    return out


def _model_sessions(results: list[StoredResult]) -> dict[tuple[str, dt.date], str]:
    """(side, date) -> the pose model whose calibration a session's knee-to-chest errors came from."""
    return {
        (r.side, r.date): name for r in results if r.test == "knee-to-chest" and (name := _named_model(r))
    }


def _model_caveat(m: Measure, dates, models) -> tuple[str, ...]:
    """A change between sessions analysed with different (calibrated) pose models."""
    used = {d: models[(m.side, d)] for d in dates if (m.side, d) in models}
    if len(set(used.values())) < 2:
        return ()
    which = ", ".join(f"{name} on {d}" for d, name in used.items())
    return (
        f"the sessions were analysed with different pose models ({which}): each model's errors were "
        "measured apart, so part of a change may be the model's; analyse sessions to be compared with one "
        "model",
    )


def _method_caveat(m: Measure, dates, thigh_card) -> tuple[str, ...]:
    """A change of a thigh measure between a session with the thigh card and one without."""
    used = [thigh_card.get((m.side, d)) for d in dates]
    if m.key not in THIGH_MEASURES or not (any(used) and not all(used)):
        return ()
    with_card = ", ".join(str(d) for d, u in zip(dates, used, strict=True) if u)
    return (
        f"the thigh was read from the thigh card in the {with_card} session(s) and from the pose model in "
        "the others: the two methods' errors differ (README, The thigh card), so part of a change may be the "
        "method's; wear the thigh card in every session to be compared",
    )


def _caveats(
    m: Measure, dates, corrected, off_square_pans, unbenchmarked, thigh_card=None, models=None, cals=None
) -> tuple[str, ...]:
    """What a reader must know before trusting a change of ``m`` over ``dates``."""
    out = [*_model_caveat(m, dates, models or {}), *_method_caveat(m, dates, thigh_card or {})]
    off_square, square = _largest(cals or [DEFAULT], "any camera"), _largest(cals or [DEFAULT], "square-on")
    for d in dates:
        if m.key.startswith("pelvic_tilt.onset.") and (m.side, d) in corrected:
            out.append(
                f"the {d} session's onset was set by the clinician {corrected[(m.side, d)]}, not measured"
            )
    for d in dates:
        if m.test == "knee-to-chest" and (m.side, d) in off_square_pans:
            out.append(
                f"the {d} session was filmed about {off_square_pans[(m.side, d)]:.0f} deg off square: its "
                "angles lean on a correction for the phone's pan, and the tool's own error there reached "
                f"{off_square[1]:.0f} deg on the benchmark ({square[1]:.0f} square-on), "
                "so part of a change may be the camera's; film sessions to be compared square-on"
            )
    for d in dates:
        if (m.side, d) in unbenchmarked:
            out.append(
                f"the {d} session states no benchmark error ({unbenchmarked[(m.side, d)]}): the minimal "
                f"detectable change used ({m.mdc_deg:.1f} deg, {m.mdc_source}) is not measured for its pose "
                "model, and part of a change may be the model's; analyse sessions to be compared with the "
                "default model"
            )
    return tuple(out)


def compare(results: list[StoredResult]) -> tuple[list[Comparison], list[dict]]:
    """Comparisons per measure, and left/right asymmetry per session and measure.

    Higher is better for every measure here (range of motion, and the hip
    flexion reached before the pelvis tilts), so a rise beyond the MDC is an
    improvement.
    """
    series = measures_by_session(results)
    off_square_pans, corrected = _off_square_sessions(results), _corrected_sessions(results)
    unbenchmarked, thigh_card = _unbenchmarked_sessions(results), _thigh_card_sessions(results)
    models, cals = _model_sessions(results), _calibrations(results)
    comparisons = []
    for m, by_date in sorted(
        series.items(), key=lambda kv: (kv[0].test, kv[0].position, kv[0].key, kv[0].side)
    ):
        dates, values = tuple(by_date), tuple(by_date.values())
        change = values[-1] - values[0] if len(values) >= 2 else None
        verdict = "one session only" if change is None else _verdict(change, m.mdc_deg)
        slope = None
        if len(values) >= 3:
            days = np.array([(d - dates[0]).days for d in dates], float)
            if np.ptp(days) > 0:
                slope = float(np.polyfit(days, np.asarray(values), 1)[0] * 30.44)
        steps = tuple(
            (
                dates[i],
                dates[i + 1],
                values[i + 1] - values[i],
                _verdict(values[i + 1] - values[i], m.mdc_deg),
            )
            for i in range(len(values) - 1)
        )
        caveats = _caveats(m, dates, corrected, off_square_pans, unbenchmarked, thigh_card, models, cals)
        comparisons.append(Comparison(m, dates, values, change, verdict, slope, steps, caveats))
    asymmetry = []
    by_key: dict[tuple, dict[str, dict[dt.date, float]]] = defaultdict(dict)
    for m, by_date in series.items():
        by_key[(m.test, m.position, m.key, m.label, m.asymmetry_deg)][m.side] = by_date
    for (test, position, _key, label, threshold), sides in sorted(by_key.items()):
        if {"left", "right"} <= set(sides):
            for date in sorted(set(sides["left"]) & set(sides["right"])):
                left, right = sides["left"][date], sides["right"][date]
                asymmetry.append({
                    "test": test, "position": position, "measure": label, "date": date, "left_deg": left,
                    "right_deg": right, "left_minus_right_deg": left - right, "threshold_deg": threshold,
                    "flagged": abs(left - right) >= threshold,
                })  # fmt: skip
    return comparisons, asymmetry
