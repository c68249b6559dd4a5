"""The knee-to-chest result's stated errors: the camera entry, the benchmark's errors for the set-up a rep
was filmed from (the thigh card's where the thigh's lift came from it), and the accuracy line printed under
the numbers. All from :mod:`hiprom.calibration`, none typed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hiprom.calibration import DEFAULT, Calibration, named
from hiprom.results import num

if TYPE_CHECKING:
    from hiprom.analysis.knee_to_chest import KneeToChestRep

__all__ = ["accuracy_line", "camera_entry", "coverage_note", "error_entry"]


def camera_entry(rep: KneeToChestRep, cal: Calibration = DEFAULT) -> dict[str, Any] | None:
    est = cal.camera_estimate_error_deg
    if rep.camera is None:
        return None
    return {
        "pan_deg": num(rep.camera.pan_deg),  # + towards the head
        "tilt_deg": num(rep.camera.tilt_deg),  # + above the table, looking down
        "method": "estimated from the pose model's 3D landmarks over the still frames before the raise",
        # the rep's thigh and trunk-thigh angles are the pose model's readings times this (see
        # hiprom.analysis.camera.flexion_scale): it undoes the model's pan-dependent error
        "flexion_scale": num(rep.camera.flexion_scale, 3),
        "benchmarked_view": rep.camera.benchmarked,
        "estimate_error_deg": {
            "pan": est["pan"][0],
            "pan_max": est["pan"][1],
            "tilt": est["tilt"][0],
            "tilt_max": est["tilt"][1],
        },
    }


def error_entry(rep: KneeToChestRep, cal: Calibration = DEFAULT) -> dict[str, Any]:
    """The benchmark's peak-angle errors for the camera set-up this rep was filmed from, measured with the
    pose model of ``cal`` (named in the entry's ``pose_model``)."""
    if rep.camera is not None and not rep.camera.benchmarked:
        return {"basis": "not benchmarked for this view"}
    square = rep.camera is not None and rep.camera.square_on
    basis = "square-on" if square else "any camera"
    err = cal.k2c_error_deg[basis]
    if rep.thigh_source == "thigh card":  # the card's lift, not the pose model's thigh: its own errors
        err = {**err, **{k: cal.thigh_card_error_deg[k] for k in ("thigh", "onset", "hip_flexion")}}
    entry = {
        "basis": f"synthetic benchmark, camera {basis}",
        "pose_model": cal.model["name"],
        # the largest error over the main, held-out and realistic suites (hiprom.calibration.provenance)
        "peak_knee_flexion": err["knee_flexion"][0],
        "peak_knee_flexion_max": err["knee_flexion"][1],
        "peak_thigh_angle": _at(err["thigh"], 0),
        "peak_thigh_angle_max": _at(err["thigh"], 1),
        "peak_trunk_thigh_angle": err["trunk_thigh"][0],
        "peak_trunk_thigh_angle_max": err["trunk_thigh"][1],
        # marker mode (the card read): the peak tilt from baseline and the hip flexion at the onset
        "pelvic_tilt": err["tilt"][0],
        "pelvic_tilt_max": err["tilt"][1],
        "onset_hip_flexion": _at(err["onset"], 0),
        "onset_hip_flexion_max": _at(err["onset"], 1),
    }
    if err["hip_flexion"] is not None or rep.thigh_source == "thigh card":  # marker mode's femur on pelvis
        entry["peak_hip_flexion"], entry["peak_hip_flexion_max"] = err["hip_flexion"] or (None, None)
    return entry


def _at(pair: tuple[float, float] | None, i: int) -> float | None:
    """A stated error's MAE (0) or worst (1); None where none is stated (the thigh card's, until benchmarked
    out of sample)."""
    return None if pair is None else pair[i]


def _stated(err: dict, key: str, what: str) -> str:
    """``"{what} {MAE} deg (worst {worst})"``, or that no error is stated for it."""
    if err.get(key) is None:
        return f"{what} not benchmarked out of sample with the thigh card"
    return f"{what} {err[key]} deg (worst {err[key + '_max']})"


def accuracy_line(entry: dict[str, Any]) -> str:
    """Where the phone stood (estimated) and the benchmark errors that go with that set-up.

    Empty for entries stored before these fields existed.
    """
    err, cam = entry.get("measurement_error_deg"), entry.get("camera")
    if entry.get("errors_not_benchmarked"):
        return entry["errors_not_benchmarked"]
    if not err:
        return ""
    where = ""
    if cam and cam.get("pan_deg") is not None:
        towards = "head" if cam["pan_deg"] >= 0 else "feet"
        where = f"phone about {abs(cam['pan_deg']):.0f} deg towards the {towards}"
        if round(abs(cam["pan_deg"])) == 0:
            where = "phone square to the body"
        if cam.get("tilt_deg") is not None:
            where += f" and {cam['tilt_deg']:.0f} deg above the table"
        where += "; "
    if err["basis"] == "not benchmarked for this view":
        return f"{where}errors not benchmarked for this view (outside the cameras the benchmark covered)"
    basis = err["basis"].split("camera ")[-1]
    card = entry.get("thigh_source") == "thigh card"
    line = (
        f"{where}benchmark error ({basis}): {_stated(err, 'peak_thigh_angle', 'thigh')}, goniometer "
        f"{err['peak_trunk_thigh_angle']} deg (worst {err['peak_trunk_thigh_angle_max']})"
    )
    if "peak_knee_flexion" in err:
        line += f", knee flexion {err['peak_knee_flexion']} deg (worst {err['peak_knee_flexion_max']})"
    tilt = entry.get("pelvic_tilt") or {}
    if tilt.get("method") == "marker" and "pelvic_tilt" in err:
        line += f", pelvic tilt {err['pelvic_tilt']} deg (worst {err['pelvic_tilt_max']})"
        if entry.get("peak_hip_flexion_deg") is not None and "peak_hip_flexion" in err:
            line += ", " + _stated(err, "peak_hip_flexion", "hip flexion")
        if "clinician_correction" in entry:  # the benchmark measured hiprom's onset, not a chosen one
            line += "; the onset was set by the clinician: the benchmark's onset error does not apply"
        elif (tilt.get("onset") or {}).get("hip_flexion_deg") is not None:
            line += ", " + _stated(err, "onset_hip_flexion", "onset")
            if err.get("onset_hip_flexion") is not None:
                cal = named(err.get("pose_model"))
                line += (
                    coverage_note(
                        cal.thigh_card_interval_coverage,
                        cal.thigh_card_range_fitted_on,
                        "the onset interval with the thigh card's range",
                    )
                    if card
                    else coverage_note(cal.onset_interval_coverage, cal.onset_range_fitted_on)
                )
    return line


def coverage_note(coverage: dict[str, list[int] | None], fitted_on: tuple[str, ...],
                  what: str = "the onset interval") -> str:  # fmt: skip
    """How often the onset interval held the true onset on the benchmark (hiprom.calibration), summed over
    the suites its error range was not taken from, and over those it was (in-sample for the range, which
    holds their every error by construction): not a 95 % interval."""
    sums = {False: [0, 0], True: [0, 0]}
    for suite, got in coverage.items():
        if got:
            total = sums[suite in fitted_on]
            total[0], total[1] = total[0] + got[0], total[1] + got[1]
    (held, n), (fit_held, fit_n) = sums[False], sums[True]
    if not n + fit_n:
        return ""
    out = (f"; {what} held the true onset on {held}/{n} reps of the suites its error range "
           "was not taken from")  # fmt: skip
    return out + (f" ({fit_held}/{fit_n} on those it was)" if fit_n else "")
