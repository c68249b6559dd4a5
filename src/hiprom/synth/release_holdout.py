"""The release held-out suite: clips made for one release's check and never looked at while building.

``bench/realism.py --suite release`` runs it once per release with
``hiprom analyze``'s defaults; its output (``bench/last_release_holdout_run.txt``)
joins the stated errors (``bench/calibrate.py``) as a held-out row and is not
tuned on. It covers what the other suites do not (issue #15): other peak
angles (110-140 deg of thigh lift), stiff hips that stop near the 110 deg
borrowing cut-off (on either side of it), pans out to -25 deg, and seated and
supine hip rotation on clothed legs, over four body shapes, cluttered rooms
and the card on every knee-to-chest clip.
"""

from __future__ import annotations

from hiprom.synth.generate import CameraSetup, Scenario
from hiprom.synth.motion import KneeToChestMotion
from hiprom.synth.realistic import clothed_ir_scenario

__all__ = ["release_holdout_suite"]

#: side, hip limit (None = healthy), peak lift, pan, tilt, body, clothing
_K2C = (
    ("left", 108.0, 135.0, -25.0, 6.0, "athletic_male", "shorts"),
    ("right", 112.0, 138.0, 0.0, 10.0, "average", "leggings"),
    ("left", 105.0, 122.0, 15.0, 4.0, "heavy", "tracksuit"),
    ("right", None, 140.0, -22.0, 8.0, "slim_female", "shorts"),
    ("left", None, 112.0, 5.0, 12.0, "heavy", "leggings"),
    ("right", 115.0, 134.0, -10.0, 3.0, "athletic_male", "tracksuit"),
    ("left", 95.0, 118.0, -25.0, 14.0, "average", "shorts"),
    ("right", 100.0, 116.0, 8.0, 5.0, "slim_female", "leggings"),
)

#: side, position, peak IR, pan, body, clothing
_IR = (
    ("left", "seated", 28.0, 0.0, "athletic_male", "leggings"),
    ("right", "seated", 15.0, -6.0, "heavy", "tracksuit"),
    ("left", "supine", 45.0, 5.0, "slim_female", "tracksuit"),
    ("right", "supine", 22.0, -10.0, "average", "leggings"),
)


def release_holdout_suite() -> list[Scenario]:
    """Eight knee-to-chest and four hip-rotation clips (see the module docstring)."""
    out = []
    for m, (side, limit, lift, pan, tilt, shape, clothing) in enumerate(_K2C):
        hip = "healthy" if limit is None else f"stiff{int(limit)}"
        out.append(
            Scenario(
                name=f"rel_k2c_{side}_{hip}_lift{int(lift)}_pan{int(pan)}_{clothing}",
                k2c=KneeToChestMotion(side=side, peak_lift_deg=lift, hip_limit_deg=limit),
                body_shape=shape,
                camera=CameraSetup(tilt_deg=tilt, pan_deg=pan),
                speed=1.5,
                background="cluttered",
                lighting=("studio", "window", "dim")[m % 3],
                seed=900 + m,
                marker=True,
                clothing=clothing,
            )
        )
    for m, (side, position, peak, pan, shape, clothing) in enumerate(_IR):
        name = f"rel_ir_{position}_{side}_{int(peak)}_{clothing}"
        out.append(clothed_ir_scenario(name, side, position, peak, shape=shape, clothing=clothing, pan=pan,
                                       seed=950 + m))  # fmt: skip
    return out
