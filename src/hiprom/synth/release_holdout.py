"""The release held-out suite: clips made for one release's check and never looked at while building.

``bench/realism.py --suite release`` runs it once per release with
``hiprom analyze``'s defaults; its output (``bench/last_release_holdout_run.txt``)
joins the stated errors (``bench/calibrate.py``) as a held-out row and is not
tuned on.

**Second release suite** (replacing the first, which had been run five times;
git history keeps it). Its knee-to-chest clips wear the card as a clinic
would: strapped 6-14 deg off the lateral plane, mostly the two-marker board
that ``hiprom marker`` prints, drawn in depth order with the body and smeared
by the shutter, with the hands on the thighs or along the side; and the hard
cases of the other suites in new mixes: two reps, a clinician standing by,
540p and 1080p, 60 fps, pans from -20 to 22 deg, stiff hips stopping at
88-112 deg and peak lifts of 118-136 deg, over four body shapes in cluttered
rooms. Four seated and supine hip-rotation clips on clothed legs.
"""

from __future__ import annotations

from hiprom.synth.generate import CameraSetup, Scenario
from hiprom.synth.motion import KneeToChestMotion
from hiprom.synth.realistic import FRAME_SIZES, clothed_ir_scenario

__all__ = ["release_holdout_suite"]

#: side, hip limit (None = healthy), peak lift, pan, tilt, body, clothing, card (layout, yaw; None: ideal
#: single card), arms at rest, extras (reps, size, fps, second person, lighting)
_K2C = (
    ("left", 98.0, 126.0, -12.0, 6.0, "athletic_male", "leggings", ("board", 11.0), "thighs", {}),
    ("right", 104.0, 130.0, 6.0, 9.0, "heavy", "tracksuit", ("board", -9.0), "side",
     {"reps": 2, "size": "1080p"}),
    ("left", None, 132.0, 18.0, 4.0, "slim_female", "shorts", ("board", 14.0), "thighs", {}),
    ("right", 92.0, 120.0, -20.0, 10.0, "average", "tracksuit", ("board", 7.0), "thighs",
     {"second": "standing"}),
    ("left", 112.0, 136.0, 0.0, 12.0, "heavy", "shorts", ("single", 6.0), "thighs", {}),
    ("right", None, 118.0, 10.0, 3.0, "athletic_male", "leggings", ("board", -12.0), "thighs",
     {"size": "540p", "lighting": "dim"}),
    ("left", 88.0, 122.0, -5.0, 7.0, "slim_female", "leggings", ("board", 9.0), "side",
     {"reps": 2, "fps": 60.0}),
    ("right", 108.0, 128.0, 22.0, 5.0, "average", "shorts", None, "side", {}),
)  # fmt: skip

#: side, position, peak IR, pan, body, clothing
_IR = (
    ("left", "seated", 20.0, 4.0, "heavy", "tracksuit"),
    ("right", "seated", 35.0, -8.0, "slim_female", "leggings"),
    ("right", "supine", 30.0, 6.0, "athletic_male", "tracksuit"),
    ("left", "supine", 18.0, -4.0, "average", "leggings"),
)


def _k2c(m: int, side, limit, lift, pan, tilt, shape, clothing, card, arms, extras) -> Scenario:
    hip = "healthy" if limit is None else f"stiff{int(limit)}"
    long_px, short_px = FRAME_SIZES[extras.get("size", "720p")]
    worn = {} if card is None else {"card": "strapped", "card_yaw_deg": card[1], "card_layout": card[0],
                                    "motion_blur": card[0] == "board"}  # fmt: skip
    label = "ideal" if card is None else f"{card[0]}{int(card[1])}"
    return Scenario(
        name=f"rel2_k2c_{side}_{hip}_lift{int(lift)}_pan{int(pan)}_{label}_{clothing}",
        k2c=KneeToChestMotion(
            side=side, peak_lift_deg=lift, hip_limit_deg=limit, reps=extras.get("reps", 1), arms_rest=arms
        ),
        **worn,
        body_shape=shape,
        camera=CameraSetup(tilt_deg=tilt, pan_deg=pan, long_side_px=long_px, short_side_px=short_px),
        fps=extras.get("fps", 30.0),
        speed=1.5,
        background="cluttered",
        lighting=extras.get("lighting", ("studio", "window")[m % 2]),
        seed=1000 + m,
        marker=True,
        clothing=clothing,
        second_person=extras.get("second", "none"),
    )


def release_holdout_suite() -> list[Scenario]:
    """Eight knee-to-chest and four hip-rotation clips (see the module docstring)."""
    out = [_k2c(m, *row) for m, row in enumerate(_K2C)]
    for m, (side, position, peak, pan, shape, clothing) in enumerate(_IR):
        name = f"rel2_ir_{position}_{side}_{int(peak)}_{clothing}"
        out.append(clothed_ir_scenario(name, side, position, peak, shape=shape, clothing=clothing, pan=pan,
                                       seed=1050 + m))  # fmt: skip
    return out
