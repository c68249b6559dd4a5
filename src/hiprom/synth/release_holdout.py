"""The release held-out suites: clips made for one release's check and never looked at while building.

``bench/realism.py --suite release`` runs the current one once per release with
``hiprom analyze``'s defaults; its output (``bench/last_release_holdout_run.txt``)
joins the stated errors (``bench/calibrate.py``) as a held-out row and is not
tuned on.

**Fourth release suite** (``release_holdout_suite``), written before the
release's code was final and run once after it: new seeds (1200+, 1250+),
bodies, cameras and mixes of the clinic cases; the card strapped 5-13 deg off
the lateral plane (mostly the two-marker board, one single card, one ideal
card); stiff hips stopping at 93-112 deg, four of them within 10 deg of the
110 deg cut-off (the range where a wrong "no" would be made), two healthy
hips, two-rep clips, a clinician standing by, 540p to 1080p, 60 fps, pans from
-16 to 17 deg, peak lifts of 118-136 deg; four seated and supine hip-rotation
clips on clothed legs.

**Fifth release suite** (``release5_suite``, ``bench/realism.py --suite release5``,
``bench/last_release5_holdout_run.txt``), written with the thigh card (#16) before its error range was
fitted and run once after: seeds 1300+, eight knee-to-chest clips that each wear the pelvis card and the
thigh card (turned -8 to 12 deg about the femur), stiff hips at 92-117 deg (two within 3 deg of the
cut-off), two healthy hips, two-rep clips, a clinician standing by, 540p to 1080p, 60 fps, pans from -14 to
15 deg. It holds the thigh card's stated errors out of sample.

**Sixth release suite** (``release6_suite``, ``--suite release6``, ``bench/last_release6_holdout_run.txt``):
written after the fifth was run, because that one measured only two onsets with the card (two of its
eight hips were healthy and four clips were refused), before any change prompted by it, and run once:
seeds 1400+, eight clips of stiff hips (90-108 deg) with both cards, two-rep and standing-clinician clips,
540p to 1080p, pans from -12 to 13 deg.

**Seventh release suite** (``release7_suite``, ``--suite release7``, ``bench/last_release7_holdout_run.txt``):
written after the sixth was run and the thigh card's onset range widened to span every card onset, before
any later change, to measure that range (and the pose model's) on clips it was not taken from: seeds
1500+, ten knee-to-chest clips (six with both cards, one single pelvis card with the thigh card, three
with the board alone), stiff hips at 91-113 deg (three within 5 deg of the cut-off), two healthy hips,
two-rep clips, a clinician standing by and one leaning in, a mirrored (front-camera) clip, 540p to
1080p, 60 fps, pans from -15 to 14 deg; two hip-rotation clips on clothed legs.

**Third release suite** (``release3_suite``, ``bench/realism.py --suite
release3``, ``bench/last_release3_holdout_run.txt``): run once for the
previous release; it then set the onset interval's error range (the largest
onset over-read, 17 deg, was its), so for that range it is in-sample; for
every other stated error it stays a held-out row. It replaced the second
suite, which was run twice and then prompted the card-probe fix and the rule
that a "no" needs the onset's whole interval above the cut-off (git history
keeps the earlier suites). The card strapped 6-12 deg off the lateral plane,
stiff hips at 90-114 deg, peak lifts of 120-134 deg, pans from -18 to 15 deg.
"""

from __future__ import annotations

from hiprom.synth.generate import CameraSetup, Scenario
from hiprom.synth.motion import KneeToChestMotion
from hiprom.synth.realistic import FRAME_SIZES, clothed_ir_scenario

__all__ = ["release3_suite", "release5_suite", "release6_suite", "release7_suite", "release_holdout_suite"]

#: side, hip limit (None = healthy), peak lift, pan, tilt, body, clothing, card (layout, yaw; None: ideal
#: single card), arms at rest, extras (reps, size, fps, second person, lighting)
_K2C3 = (
    ("right", 102.0, 124.0, 8.0, 6.0, "slim_female", "tracksuit", ("board", 10.0), "thighs", {}),
    ("left", 95.0, 128.0, -14.0, 8.0, "heavy", "leggings", ("board", -8.0), "thighs", {"reps": 2}),
    ("right", None, 130.0, 4.0, 5.0, "athletic_male", "tracksuit", ("board", 12.0), "side",
     {"size": "1080p"}),
    ("left", 106.0, 132.0, 15.0, 7.0, "average", "leggings", ("single", -6.0), "thighs", {}),
    ("right", 90.0, 122.0, -6.0, 11.0, "athletic_male", "shorts", ("board", 8.0), "thighs",
     {"second": "standing", "size": "540p"}),
    ("left", None, 126.0, -18.0, 4.0, "heavy", "tracksuit", ("board", 10.0), "thighs", {"fps": 60.0}),
    ("right", 114.0, 134.0, 2.0, 9.0, "slim_female", "shorts", ("board", -11.0), "side", {"reps": 2}),
    ("left", 99.0, 120.0, 12.0, 6.0, "average", "tracksuit", None, "thighs", {"lighting": "dim"}),
)  # fmt: skip

#: side, position, peak IR, pan, body, clothing
_IR3 = (
    ("right", "seated", 22.0, -5.0, "athletic_male", "leggings"),
    ("left", "seated", 40.0, 7.0, "average", "tracksuit"),
    ("left", "supine", 25.0, -6.0, "slim_female", "tracksuit"),
    ("right", "supine", 15.0, 3.0, "heavy", "leggings"),
)

#: the fourth suite's rows, in the same order as the third's
_K2C4 = (
    ("left", 104.0, 126.0, 6.0, 7.0, "athletic_male", "tracksuit", ("board", 9.0), "thighs", {}),
    ("right", 97.0, 130.0, -12.0, 5.0, "average", "shorts", ("board", -7.0), "thighs",
     {"reps": 2, "size": "1080p"}),
    ("left", None, 134.0, 10.0, 9.0, "slim_female", "leggings", ("board", 13.0), "side", {}),
    ("right", 108.0, 128.0, -16.0, 6.0, "heavy", "tracksuit", ("board", 6.0), "thighs", {"fps": 60.0}),
    ("left", 93.0, 118.0, 3.0, 10.0, "average", "leggings", ("single", 5.0), "thighs",
     {"second": "standing"}),
    ("right", 112.0, 136.0, 17.0, 4.0, "athletic_male", "shorts", ("board", -10.0), "side", {"reps": 2}),
    ("left", None, 128.0, -8.0, 8.0, "heavy", "tracksuit", ("board", 11.0), "thighs", {"size": "540p"}),
    ("right", 101.0, 124.0, -3.0, 7.0, "slim_female", "tracksuit", None, "thighs", {"lighting": "dim"}),
)  # fmt: skip

#: the fifth suite (#16's thigh card): every clip wears the thigh card too, turned ``extras["thigh"]`` deg
_K2C5 = (
    ("right", 98.0, 126.0, 5.0, 6.0, "average", "tracksuit", ("board", 8.0), "thighs", {"thigh": 6.0}),
    ("left", 107.0, 130.0, -11.0, 8.0, "athletic_male", "leggings", ("board", -9.0), "thighs",
     {"thigh": 11.0, "reps": 2}),
    ("right", None, 132.0, 12.0, 5.0, "heavy", "shorts", ("board", 11.0), "side", {"thigh": -4.0}),
    ("left", 92.0, 120.0, -5.0, 9.0, "slim_female", "tracksuit", ("board", 7.0), "thighs",
     {"thigh": 9.0, "size": "1080p"}),
    ("right", 111.0, 134.0, 15.0, 7.0, "average", "leggings", ("single", -6.0), "thighs",
     {"thigh": 3.0, "fps": 60.0}),
    ("left", 103.0, 124.0, -14.0, 6.0, "heavy", "tracksuit", ("board", 12.0), "side",
     {"thigh": 8.0, "second": "standing"}),
    ("right", None, 128.0, -2.0, 10.0, "slim_female", "shorts", ("board", -7.0), "thighs",
     {"thigh": 12.0, "size": "540p", "reps": 2}),
    ("left", 117.0, 130.0, 8.0, 5.0, "athletic_male", "tracksuit", ("board", 10.0), "thighs",
     {"thigh": -8.0, "lighting": "dim"}),
)  # fmt: skip

#: the sixth suite: the thigh card again, stiff hips only (an onset to measure on every clip)
_K2C6 = (
    ("left", 96.0, 124.0, 3.0, 7.0, "heavy", "leggings", ("board", 9.0), "thighs", {"thigh": 7.0}),
    ("right", 104.0, 130.0, -8.0, 9.0, "average", "tracksuit", ("board", -6.0), "side", {"thigh": -5.0}),
    ("left", 90.0, 122.0, 9.0, 6.0, "athletic_male", "shorts", ("board", 12.0), "thighs",
     {"thigh": 10.0, "reps": 2}),
    ("right", 108.0, 132.0, 4.0, 8.0, "slim_female", "leggings", ("single", 7.0), "thighs", {"thigh": 4.0}),
    ("left", 100.0, 128.0, -12.0, 5.0, "average", "shorts", ("board", -8.0), "thighs",
     {"thigh": 9.0, "size": "1080p"}),
    ("right", 94.0, 126.0, 7.0, 10.0, "heavy", "tracksuit", ("board", 10.0), "thighs",
     {"thigh": 11.0, "lighting": "dim"}),
    ("left", 106.0, 130.0, -3.0, 7.0, "slim_female", "tracksuit", ("board", 6.0), "side",
     {"thigh": -7.0, "second": "standing"}),
    ("right", 98.0, 124.0, 13.0, 6.0, "athletic_male", "leggings", ("board", -10.0), "thighs",
     {"thigh": 6.0, "size": "540p"}),
)  # fmt: skip

#: the seventh suite: both cards on most clips, the board alone on three (the pose model's onset range)
_K2C7 = (
    ("right", 103.0, 128.0, -6.0, 7.0, "athletic_male", "tracksuit", ("board", 9.0), "thighs",
     {"thigh": 8.0}),
    ("left", 91.0, 122.0, 11.0, 6.0, "slim_female", "leggings", ("board", -7.0), "thighs",
     {"thigh": 5.0, "reps": 2}),
    ("right", None, 134.0, 5.0, 9.0, "heavy", "tracksuit", ("board", 11.0), "side", {"thigh": -6.0}),
    ("left", 109.0, 130.0, -15.0, 5.0, "average", "shorts", ("board", 6.0), "thighs",
     {"thigh": 10.0, "size": "1080p"}),
    ("right", 97.0, 126.0, 14.0, 8.0, "athletic_male", "leggings", ("single", 8.0), "thighs",
     {"thigh": 7.0, "second": "leaning"}),
    ("left", 113.0, 132.0, 2.0, 7.0, "heavy", "shorts", ("board", -9.0), "thighs",
     {"thigh": 4.0, "fps": 60.0}),
    ("right", 95.0, 124.0, -9.0, 10.0, "slim_female", "tracksuit", ("board", 12.0), "thighs",
     {"thigh": 9.0, "size": "540p", "lighting": "dim"}),
    ("left", 106.0, 128.0, 7.0, 6.0, "average", "tracksuit", ("board", 8.0), "side",
     {"second": "standing", "reps": 2}),
    ("right", 99.0, 126.0, -3.0, 8.0, "heavy", "leggings", ("board", -6.0), "thighs", {"flip": "mirrored"}),
    ("left", None, 130.0, -11.0, 5.0, "athletic_male", "shorts", ("board", 10.0), "thighs",
     {"size": "1080p"}),
)  # fmt: skip

_IR7 = (
    ("right", "seated", 20.0, 4.0, "average", "tracksuit"),
    ("left", "supine", 38.0, -7.0, "athletic_male", "leggings"),
)

_IR4 = (
    ("left", "seated", 18.0, 6.0, "heavy", "tracksuit"),
    ("right", "seated", 35.0, -8.0, "slim_female", "leggings"),
    ("right", "supine", 28.0, 5.0, "athletic_male", "tracksuit"),
    ("left", "supine", 45.0, -4.0, "average", "leggings"),
)


def _k2c(
    prefix: str, seed: int, side, limit, lift, pan, tilt, shape, clothing, card, arms, extras
) -> Scenario:
    hip = "healthy" if limit is None else f"stiff{int(limit)}"
    long_px, short_px = FRAME_SIZES[extras.get("size", "720p")]
    worn = {} if card is None else {"card": "strapped", "card_yaw_deg": card[1], "card_layout": card[0],
                                    "motion_blur": card[0] == "board"}  # fmt: skip
    label = "ideal" if card is None else f"{card[0]}{int(card[1])}"
    if "thigh" in extras:
        worn.update(thigh_card=True, thigh_card_yaw_deg=extras["thigh"])
        label += f"_thigh{int(extras['thigh'])}"
    if "flip" in extras:
        label += f"_{extras['flip']}"
    return Scenario(
        name=f"{prefix}_k2c_{side}_{hip}_lift{int(lift)}_pan{int(pan)}_{label}_{clothing}",
        k2c=KneeToChestMotion(
            side=side, peak_lift_deg=lift, hip_limit_deg=limit, reps=extras.get("reps", 1), arms_rest=arms
        ),
        **worn,
        body_shape=shape,
        camera=CameraSetup(tilt_deg=tilt, pan_deg=pan, long_side_px=long_px, short_side_px=short_px),
        fps=extras.get("fps", 30.0),
        speed=1.5,
        background="cluttered",
        lighting=extras.get("lighting", ("studio", "window")[seed % 2]),
        seed=seed,
        marker=True,
        clothing=clothing,
        second_person=extras.get("second", "none"),
        flip=extras.get("flip", "none"),
    )


def _suite(prefix: str, seed: int, k2c_rows, ir_rows) -> list[Scenario]:
    out = [_k2c(prefix, seed + m, *row) for m, row in enumerate(k2c_rows)]
    for m, (side, position, peak, pan, shape, clothing) in enumerate(ir_rows):
        name = f"{prefix}_ir_{position}_{side}_{int(peak)}_{clothing}"
        out.append(clothed_ir_scenario(name, side, position, peak, shape=shape, clothing=clothing, pan=pan,
                                       seed=seed + 50 + m))  # fmt: skip
    return out


def release5_suite() -> list[Scenario]:
    """The fifth release suite: eight knee-to-chest clips with the pelvis and the thigh card (module
    docstring)."""
    return _suite("rel5", 1300, _K2C5, ())


def release6_suite() -> list[Scenario]:
    """The sixth release suite: eight knee-to-chest clips of stiff hips with both cards (module docstring)."""
    return _suite("rel6", 1400, _K2C6, ())


def release7_suite() -> list[Scenario]:
    """The seventh release suite: ten knee-to-chest clips, most with both cards, and two hip-rotation
    clips (module docstring)."""
    return _suite("rel7", 1500, _K2C7, _IR7)


def release_holdout_suite() -> list[Scenario]:
    """The fourth release suite: eight knee-to-chest and four hip-rotation clips (module docstring)."""
    return _suite("rel4", 1200, _K2C4, _IR4)


def release3_suite() -> list[Scenario]:
    """The third release suite, as it was run (the same clips: names, seeds and rows unchanged)."""
    return _suite("rel3", 1100, _K2C3, _IR3)
