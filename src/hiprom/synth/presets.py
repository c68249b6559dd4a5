"""Named scenarios: the bundled sample clips and the accuracy suite's grid."""

from __future__ import annotations

import dataclasses
import itertools

from hiprom.synth.generate import CameraSetup, Scenario
from hiprom.synth.motion import IRMotion, KneeToChestMotion

__all__ = ["SAMPLE_SCENARIOS", "accuracy_suite", "holdout_suite", "ir_gate_suite"]

#: The small seeded clips committed under sample_videos/ (regenerate: hiprom synth samples).
SAMPLE_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        name="k2c_left_early_tilt",
        k2c=KneeToChestMotion(side="left", peak_lift_deg=125.0, hip_limit_deg=92.0),
        body_shape="average",
        camera=CameraSetup(tilt_deg=6.0, pan_deg=4.0),
        background="cluttered",
        seed=11,
        marker=True,
    ),
    Scenario(
        name="k2c_right_healthy",
        k2c=KneeToChestMotion(side="right", peak_lift_deg=128.0, hip_limit_deg=None),
        body_shape="slim_female",
        camera=CameraSetup(tilt_deg=4.0),
        seed=12,
    ),
    Scenario(
        name="ir_seated_left",
        test="hip-ir",
        ir=IRMotion(side="left", position="seated", peak_ir_deg=18.0, peak_er_deg=35.0),
        body_shape="athletic_male",
        camera=CameraSetup(tilt_deg=3.0),
        seed=13,
    ),
    Scenario(  # the same athlete a few weeks later: IR improved (for the store/compare/report demo)
        name="ir_seated_left_followup",
        test="hip-ir",
        ir=IRMotion(side="left", position="seated", peak_ir_deg=32.0, peak_er_deg=36.0),
        body_shape="athletic_male",
        camera=CameraSetup(tilt_deg=3.0),
        seed=14,
    ),
)


def _k2c(name: str, side: str, limit: float | None, shape: str, camera: CameraSetup, seed: int,
         background: str = "plain", lighting: str = "studio") -> Scenario:  # fmt: skip
    """A benchmark knee-to-chest clip: healthy (``limit`` None, lift 130 deg) or stiff (lift 125 deg).

    Every one carries the pelvis card: the markerless analysis ignores it, marker mode reads it.
    """
    return Scenario(
        name=name,
        k2c=KneeToChestMotion(side=side, peak_lift_deg=125.0 if limit else 130.0, hip_limit_deg=limit),
        body_shape=shape,
        camera=camera,
        background=background,
        lighting=lighting,
        seed=seed,
        speed=1.5,
        marker=True,
    )


def accuracy_suite() -> list[Scenario]:
    """The benchmark grid: >= 24 clips over side, hip, camera and body.

    Knee-to-chest (24): 2 sides x {healthy, stiff at 90, stiff at 100} x
    camera {ideal, pan 10, pan 15 + tilt 15, pan 25}, body shapes alternating;
    plus 4 with the tested leg on the far side (2 sides x {healthy, stiff at 90});
    IR (12): 3 positions x {ideal view, 15 deg off} x 2 sides; plus 8 supine and
    seated clips over body shapes, IR 10-45 deg and pans of -15..10 deg.
    """
    cameras = {
        "ideal": CameraSetup(tilt_deg=5.0),
        "pan10": CameraSetup(tilt_deg=5.0, pan_deg=10.0),
        "pan15_tilt15": CameraSetup(tilt_deg=15.0, pan_deg=-15.0, roll_deg=3.0),
        "pan25": CameraSetup(tilt_deg=8.0, pan_deg=25.0),
    }
    hips = {"healthy": None, "stiff90": 90.0, "stiff100": 100.0}
    shapes = ("average", "heavy")
    scenarios = []
    for m, (side, (hip_name, limit), (cam_name, cam)) in enumerate(
        itertools.product(("left", "right"), hips.items(), cameras.items())
    ):
        shape = shapes[(m + m // len(cameras)) % 2]  # every camera setup sees both body shapes
        scenarios.append(
            _k2c(f"k2c_{side}_{hip_name}_{cam_name}_{shape}", side, limit, shape, cam, 100 + m,
                 background="cluttered" if m % 3 == 0 else "plain",
                 lighting=("studio", "dim", "window")[m % 3])
        )  # fmt: skip
    for position, off in itertools.product(("supine", "seated", "prone"), (0.0, 15.0)):
        for side, peak in (("left", 40.0), ("right", 15.0)):
            scenarios.append(
                Scenario(
                    name=f"ir_{position}_{side}_off{int(off)}",
                    test="hip-ir",
                    ir=IRMotion(side=side, position=position, peak_ir_deg=peak, peak_er_deg=30.0),
                    camera=CameraSetup(
                        tilt_deg=(20.0 if position == "prone" else 4.0) + off / 2, pan_deg=off
                    ),
                    seed=200 + len(scenarios),
                    speed=1.5,
                )
            )
    # more bodies, IR ranges and camera offsets (within 15 deg) for the two measurable views
    variants = (
        ("left", 25.0, "heavy", -10.0, 0.0),
        ("right", 30.0, "slim_female", 5.0, 8.0),
        ("left", 10.0, "athletic_male", -15.0, 4.0),
        ("right", 45.0, "average", 10.0, -2.0),
    )
    for position in ("supine", "seated"):
        for side, peak, shape, pan, dtilt in variants:
            scenarios.append(
                Scenario(
                    name=f"ir_{position}_{side}_ir{int(peak)}_{shape}_pan{int(pan)}",
                    test="hip-ir",
                    ir=IRMotion(side=side, position=position, peak_ir_deg=peak, peak_er_deg=35.0),
                    body_shape=shape,
                    camera=CameraSetup(tilt_deg=4.0 + dtilt, pan_deg=pan),
                    seed=260 + len(scenarios),
                    speed=1.5,
                )
            )
    # (appended last: a scenario's seed may depend on its index, so new ones go at the end)
    # the tested leg on the far side (the phone on the other side of the plinth: pan 180 deg); the
    # card over the tested hip faces away from the phone, so these are markerless in practice
    for m, (side, (hip_name, limit)) in enumerate(
        itertools.product(("left", "right"), (("healthy", None), ("stiff90", 90.0)))
    ):
        far = CameraSetup(tilt_deg=5.0, pan_deg=180.0)
        scenarios.append(
            _k2c(f"k2c_{side}_{hip_name}_far_{shapes[m % 2]}", side, limit, shapes[m % 2], far, 150 + m)
        )
    return scenarios


def holdout_suite() -> list[Scenario]:
    """Clips no threshold or gain was fitted on (``bench/accuracy.py --suite holdout``).

    Knee-to-chest over pans, tilts, bodies and hips outside the main grid, to
    check the camera estimate's gains, the errors the results state, and the
    pan-correction lead out of sample; and supine hip rotation with a still
    pelvis and with pelvic rolls, to check the 3D roll gate's 9 deg threshold.
    """
    k2c = (  # side, hip limit, pan, tilt, body
        ("left", None, -20.0, 3.0, "slim_female"),
        ("right", 95.0, -5.0, 8.0, "athletic_male"),
        ("left", 85.0, 5.0, 12.0, "heavy"),
        ("right", None, 12.0, 6.0, "average"),
        ("left", 95.0, 20.0, 4.0, "athletic_male"),
        ("right", 85.0, 0.0, 18.0, "slim_female"),
        ("left", None, -12.0, 10.0, "heavy"),
        ("right", 100.0, 18.0, 3.0, "average"),
    )
    scenarios = []
    for m, (side, limit, pan, tilt, shape) in enumerate(k2c):
        hip = "healthy" if limit is None else f"stiff{int(limit)}"
        scenarios.append(
            _k2c(f"k2c_holdout_{side}_{hip}_pan{int(pan)}_tilt{int(tilt)}_{shape}", side, limit, shape,
                 CameraSetup(tilt_deg=tilt, pan_deg=pan), 500 + m, background=("plain", "cluttered")[m % 2],
                 lighting=("studio", "dim", "window")[m % 3])
        )  # fmt: skip
    ir = (  # name, side, body, IR, roll, pan
        ("ir_holdout_supine_left_still_heavy", "left", "heavy", 35.0, 0.0, 5.0),
        ("ir_holdout_supine_right_still_slim", "right", "slim_female", 20.0, 0.0, -8.0),
        ("irgate_comp_holdout_supine_roll12_athletic", "left", "athletic_male", 30.0, 12.0, 0.0),
        ("irgate_limit_holdout_supine_roll8_right", "right", "average", 30.0, 8.0, 6.0),
    )
    for m, (name, side, shape, peak, roll, pan) in enumerate(ir):
        scenarios.append(
            Scenario(
                name=name,
                test="hip-ir",
                ir=IRMotion(side=side, position="supine", peak_ir_deg=peak, peak_er_deg=30.0,
                            pelvis_shift_deg=roll),
                body_shape=shape,
                camera=CameraSetup(tilt_deg=4.0, pan_deg=pan),
                seed=520 + m,
                speed=1.5,
            )
        )  # fmt: skip
    return scenarios


def ir_gate_suite() -> list[Scenario]:
    """Hip-rotation clips the quality gates must catch (``bench/accuracy.py`` checks each one).

    The name says what is expected: ``refuse_*`` clips are filmed from the
    wrong view for their position and must be refused; ``comp_*`` clips have
    the pelvis rolling with the rotation (compensation) and must warn;
    ``limit_*`` clips show a documented limitation (reported, not judged);
    ``view_*`` clips are filmed further off the femur's axis than any clip of
    the grid and must say "not benchmarked for this view" (or be refused).
    """

    def ir(
        name,
        position,
        view=None,
        pelvis_shift_deg=0.0,
        side="left",
        body_shape="average",
        peaks=(30.0, 30.0),
        seed=None,
        **camera,
    ):
        return Scenario(
            name=name,
            test="hip-ir",
            ir=IRMotion(side=side, position=position, peak_ir_deg=peaks[0], peak_er_deg=peaks[1],
                        pelvis_shift_deg=pelvis_shift_deg),
            body_shape=body_shape,
            camera=CameraSetup(view=view, **camera),
            seed=300 + len(name) if seed is None else seed,
            speed=1.5,
        )  # fmt: skip

    return [
        ir("irgate_refuse_supine_from_foot_end", "supine", view="foot_end", tilt_deg=10.0),
        ir("irgate_refuse_supine_from_foot_end_high", "supine", view="foot_end", tilt_deg=30.0),
        # the seated body faces +z, so its side is the "foot_end" direction (-x) of the camera table
        ir("irgate_refuse_seated_from_side", "seated", view="foot_end", tilt_deg=4.0),
        ir("irgate_refuse_supine_from_side", "supine", view="side", tilt_deg=10.0),
        # supine pelvic roll: seen in the 3D landmarks' hip line (docs/hip-ir.md); a 5 deg roll is not
        ir("irgate_comp_supine_pelvis_roll", "supine", pelvis_shift_deg=10.0, tilt_deg=4.0, seed=331),
        ir(
            "irgate_comp_supine_pelvis_roll15_right",
            "supine",
            pelvis_shift_deg=15.0,
            side="right",
            body_shape="heavy",
            peaks=(35.0, 30.0),
            tilt_deg=4.0,
            seed=411,
        ),
        ir(
            "irgate_comp_supine_pelvis_roll10_slim_pan10",
            "supine",
            pelvis_shift_deg=10.0,
            body_shape="slim_female",
            peaks=(25.0, 35.0),
            tilt_deg=6.0,
            pan_deg=10.0,
            seed=412,
        ),
        ir(
            "irgate_limit_supine_pelvis_roll5",
            "supine",
            pelvis_shift_deg=5.0,
            peaks=(40.0, 30.0),
            tilt_deg=4.0,
            seed=413,
        ),
        ir("irgate_comp_seated_pelvis_roll", "seated", pelvis_shift_deg=10.0, tilt_deg=4.0),
        # (appended last: the seeds above depend on the names only)
        ir("irgate_view_seated_pan35", "seated", tilt_deg=4.0, pan_deg=35.0, peaks=(30.0, 30.0)),
        ir("irgate_view_supine_pan30", "supine", tilt_deg=6.0, pan_deg=30.0, peaks=(25.0, 30.0)),
    ]


def replace(scenario: Scenario, **changes) -> Scenario:
    """``dataclasses.replace`` that also reaches into ``k2c``/``ir``/``camera`` by prefix."""
    groups: dict[str, dict] = {"k2c": {}, "ir": {}, "camera": {}}
    top = {}
    for key, value in changes.items():
        prefix, _, rest = key.partition("__")
        if rest and prefix in groups:
            groups[prefix][rest] = value
        else:
            top[key] = value
    for prefix, fields in groups.items():
        if fields:
            top[prefix] = dataclasses.replace(getattr(scenario, prefix), **fields)
    return dataclasses.replace(scenario, **top)
