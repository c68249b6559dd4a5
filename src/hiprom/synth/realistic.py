"""The hard cases a clinic produces, as synthetic clips with truth (``bench/realism.py``).

Clothing, cluttered rooms, a clinician in view, two and three reps with and
without rest, the hands pulling the knee, 540p to 1080p, 30 and 60 fps, and
clips stored mirrored or upside down. ``realistic_suite`` is the one looked at
while building; ``realistic_holdout_suite`` has other people, cameras and seeds
and is run once per release, with nothing tuned on it.
"""

from __future__ import annotations

from hiprom.synth.generate import CameraSetup, Scenario
from hiprom.synth.motion import IRMotion, KneeToChestMotion

__all__ = ["clothed_ir_scenario", "realistic_holdout_suite", "realistic_suite"]

FRAME_SIZES = {"540p": (960, 540), "720p": (1280, 720), "1080p": (1920, 1080)}


def _k2c(
    name: str,
    side: str,
    limit: float | None,
    *,
    reps: int = 1,
    rest_s: float = 1.0,
    size: str = "720p",
    fps: float = 30.0,
    shape: str = "average",
    clothing: str = "shorts",
    second: str = "none",
    flip: str = "none",
    pan: float = 0.0,
    tilt: float = 5.0,
    seed: int = 0,
    lighting: str = "studio",
    card_yaw: float | None = None,
    arms: str = "side",
    board: bool = False,
    thigh_card: float | None = None,
) -> Scenario:
    long_px, short_px = FRAME_SIZES[size]
    card = {} if card_yaw is None else {"card": "strapped", "card_yaw_deg": card_yaw}
    if board:  # the two-marker card, smeared by the shutter at the raise's speed
        card.update(card_layout="board", motion_blur=True)
    if thigh_card is not None:  # the thigh card as well, turned this much about the femur
        card.update(thigh_card=True, thigh_card_yaw_deg=thigh_card)
    return Scenario(
        name=name,
        k2c=KneeToChestMotion(
            side=side,
            peak_lift_deg=125.0 if limit else 130.0,
            hip_limit_deg=limit,
            reps=reps,
            rest_s=rest_s,
            arms_rest=arms,
        ),
        **card,
        body_shape=shape,
        camera=CameraSetup(tilt_deg=tilt, pan_deg=pan, long_side_px=long_px, short_side_px=short_px),
        fps=fps,
        speed=1.5,
        background="cluttered",
        lighting=lighting,
        seed=seed,
        marker=True,
        clothing=clothing,
        second_person=second,
        flip=flip,
    )


def clothed_ir_scenario(
    name: str,
    side: str,
    position: str,
    peak_ir: float,
    *,
    shape: str = "average",
    clothing: str = "tracksuit",
    pan: float = 0.0,
    seed: int = 0,
) -> Scenario:
    """A hip-rotation clip of the hard cases: clothed legs in a cluttered room, the camera 4 deg up."""
    return Scenario(
        name=name,
        test="hip-ir",
        ir=IRMotion(side=side, position=position, peak_ir_deg=peak_ir, peak_er_deg=30.0),
        body_shape=shape,
        camera=CameraSetup(tilt_deg=4.0, pan_deg=pan),
        speed=1.5,
        background="cluttered",
        seed=seed,
        clothing=clothing,
    )


def realistic_suite() -> list[Scenario]:
    """The knee-to-chest and hip-rotation clips of the hard cases (see the module docstring)."""
    return [*_main_knee_to_chest(), *_main_hip_ir()]


def _main_knee_to_chest() -> list[Scenario]:
    return [
        _k2c("real_k2c_left_stiff95_tracksuit_2reps", "left", 95.0, reps=2, clothing="tracksuit", seed=601),
        _k2c(
            "real_k2c_right_healthy_leggings_standing",
            "right",
            None,
            clothing="leggings",
            second="standing",
            seed=602,
        ),
        _k2c("real_k2c_left_stiff90_2reps_norest", "left", 90.0, reps=2, rest_s=0.0, seed=603),
        _k2c(
            "real_k2c_right_stiff100_3reps_1080p",
            "right",
            100.0,
            reps=3,
            size="1080p",
            shape="heavy",
            seed=604,
        ),
        _k2c(
            "real_k2c_left_healthy_540p_tracksuit",
            "left",
            None,
            size="540p",
            clothing="tracksuit",
            lighting="window",
            seed=605,
        ),
        _k2c("real_k2c_left_stiff90_60fps", "left", 90.0, fps=60.0, shape="slim_female", seed=606),
        _k2c("real_k2c_left_stiff95_leaning", "left", 95.0, second="leaning", seed=607),
        _k2c(
            "real_k2c_right_stiff90_mirrored", "right", 90.0, flip="mirrored", clothing="leggings", seed=608
        ),
        _k2c("real_k2c_left_healthy_upside_down", "left", None, flip="upside_down", seed=609),
        _k2c(
            "real_k2c_left_stiff90_pan10_tracksuit",
            "left",
            90.0,
            pan=10.0,
            shape="heavy",
            clothing="tracksuit",
            seed=610,
        ),
        # added with #14's clothed hip rotation: an athletic body in a tracksuit
        _k2c(
            "real_k2c_right_stiff95_tracksuit_athletic",
            "right",
            95.0,
            clothing="tracksuit",
            shape="athletic_male",
            seed=618,
        ),
        _k2c(
            "real_k2c_left_healthy_tracksuit_athletic_2reps",
            "left",
            None,
            reps=2,
            clothing="tracksuit",
            shape="athletic_male",
            seed=619,
        ),
        *_main_cards(),
        *_main_thigh_cards(),
    ]


def _main_cards() -> list[Scenario]:
    return [
        # added with #16: the card strapped off the lateral plane and drawn in depth order with the body
        # (the hands rest on the thighs, as a clinician asks with the card on; in the last, along the side)
        _k2c("real_k2c_left_stiff90_strapped10", "left", 90.0, card_yaw=10.0, arms="thighs", seed=620),
        _k2c("real_k2c_right_healthy_strapped15", "right", None, card_yaw=15.0, arms="thighs", seed=621),
        _k2c(
            "real_k2c_left_stiff100_strapped-8_1080p",
            "left",
            100.0,
            card_yaw=-8.0,
            arms="thighs",
            size="1080p",
            shape="heavy",
            seed=622,
        ),
        _k2c("real_k2c_right_stiff95_strapped10_arms_side", "right", 95.0, card_yaw=10.0, seed=623),
        # added with #16: the same four with the two-marker board (and motion blur)
        _k2c("real_k2c_left_stiff90_strapped10_board", "left", 90.0, card_yaw=10.0, arms="thighs", seed=620,
             board=True),
        _k2c("real_k2c_right_healthy_strapped15_board", "right", None, card_yaw=15.0, arms="thighs",
             seed=621, board=True),
        _k2c("real_k2c_left_stiff100_strapped-8_1080p_board", "left", 100.0, card_yaw=-8.0, arms="thighs",
             size="1080p", shape="heavy", seed=622, board=True),
        _k2c("real_k2c_right_stiff95_strapped10_arms_side_board", "right", 95.0, card_yaw=10.0, seed=623,
             board=True),
        # added after the second release suite: the board with the arms along the side at 60 fps, two reps
        _k2c("real_k2c_left_stiff92_strapped9_arms_side_board_60fps_2reps", "left", 92.0, card_yaw=9.0,
             reps=2, fps=60.0, clothing="leggings", seed=624, board=True),
        # added after the second release suite missed hips stiff at 98-108 deg: onsets near the 110 deg
        # cut-off (one above it), a single card on a heavy body, a clinician in view with the phone panned
        _k2c("real_k2c_right_stiff105_strapped6_board", "right", 105.0, card_yaw=6.0, arms="thighs",
             clothing="leggings", seed=625, board=True),
        _k2c("real_k2c_left_stiff108_strapped-7_heavy_1080p", "left", 108.0, card_yaw=-7.0, arms="thighs",
             size="1080p", shape="heavy", seed=626),
        _k2c("real_k2c_right_stiff100_standing_pan-15_board", "right", 100.0, card_yaw=8.0, arms="thighs",
             second="standing", pan=-15.0, seed=627, board=True),
        _k2c("real_k2c_left_stiff116_strapped8_board", "left", 116.0, card_yaw=8.0, arms="thighs",
             clothing="tracksuit", seed=628, board=True),
    ]  # fmt: skip


def _main_thigh_cards() -> list[Scenario]:
    # added with the thigh card (#16): the pelvis card and the thigh card together, both strapped off the
    # lateral plane and drawn in depth order (the hands, the other leg and clothing can hide them)
    return [
        _k2c("real_k2c_left_stiff90_thighcard_board", "left", 90.0, card_yaw=10.0, arms="thighs", seed=640,
             board=True, thigh_card=8.0),
        _k2c("real_k2c_right_stiff100_thighcard_board_1080p_heavy", "right", 100.0, card_yaw=-8.0,
             arms="thighs", size="1080p", shape="heavy", seed=641, board=True, thigh_card=12.0),
        _k2c("real_k2c_left_healthy_thighcard_board_tracksuit", "left", None, card_yaw=12.0, arms="thighs",
             clothing="tracksuit", seed=642, board=True, thigh_card=-6.0),
        _k2c("real_k2c_right_stiff105_thighcard_board_arms_side", "right", 105.0, card_yaw=6.0, seed=643,
             board=True, thigh_card=10.0),
        _k2c("real_k2c_left_stiff95_thighcard_single_2reps", "left", 95.0, card_yaw=9.0, arms="thighs",
             reps=2, seed=644, thigh_card=5.0),
        _k2c("real_k2c_right_stiff112_thighcard_board_leggings", "right", 112.0, card_yaw=7.0, arms="thighs",
             clothing="leggings", seed=645, board=True, thigh_card=9.0),
        _k2c("real_k2c_left_stiff100_thighcard_board_pan10", "left", 100.0, card_yaw=8.0, arms="thighs",
             pan=10.0, seed=646, board=True, thigh_card=7.0),
    ]  # fmt: skip


def _main_hip_ir() -> list[Scenario]:
    return [
        clothed_ir_scenario("real_ir_seated_left_tracksuit", "left", "seated", 30.0, seed=611),
        clothed_ir_scenario(
            "real_ir_seated_right_leggings",
            "right",
            "seated",
            18.0,
            clothing="leggings",
            shape="heavy",
            seed=612,
        ),
        clothed_ir_scenario("real_ir_supine_left_tracksuit", "left", "supine", 35.0, seed=613),
        clothed_ir_scenario(
            "real_ir_supine_right_leggings", "right", "supine", 22.0, clothing="leggings", pan=8.0, seed=614
        ),
        # added with the knee placed from the proportions (#14): other bodies, so that the clothed-leg error
        # is not one body's proportions
        clothed_ir_scenario(
            "real_ir_seated_left_leggings_athletic",
            "left",
            "seated",
            38.0,
            clothing="leggings",
            shape="athletic_male",
            pan=-8.0,
            seed=615,
        ),
        clothed_ir_scenario(
            "real_ir_supine_left_tracksuit_slim", "left", "supine", 15.0, shape="slim_female", seed=616
        ),
        clothed_ir_scenario(
            "real_ir_seated_right_tracksuit_slim",
            "right",
            "seated",
            25.0,
            shape="slim_female",
            pan=6.0,
            seed=617,
        ),
    ]


def realistic_holdout_suite() -> list[Scenario]:
    """Other bodies, cameras and seeds of the same hard cases: run once per release, never tuned on."""
    return [
        _k2c(
            "realho_k2c_right_stiff92_tracksuit_3reps",
            "right",
            92.0,
            reps=3,
            clothing="tracksuit",
            shape="athletic_male",
            seed=701,
        ),
        _k2c(
            "realho_k2c_left_healthy_standing_1080p",
            "left",
            None,
            second="standing",
            size="1080p",
            shape="heavy",
            seed=702,
        ),
        _k2c(
            "realho_k2c_right_stiff98_2reps_norest_leggings",
            "right",
            98.0,
            reps=2,
            rest_s=0.0,
            clothing="leggings",
            pan=-8.0,
            seed=703,
        ),
        _k2c("realho_k2c_left_stiff88_mirrored_60fps", "left", 88.0, flip="mirrored", fps=60.0, seed=704),
        _k2c(
            "realho_k2c_right_healthy_540p_dim",
            "right",
            None,
            size="540p",
            lighting="dim",
            shape="slim_female",
            seed=705,
        ),
        clothed_ir_scenario(
            "realho_ir_seated_left_leggings",
            "left",
            "seated",
            24.0,
            clothing="leggings",
            shape="slim_female",
            seed=711,
        ),
        clothed_ir_scenario(
            "realho_ir_supine_right_tracksuit", "right", "supine", 40.0, shape="athletic_male", seed=712
        ),
        *_holdout_cards(),
    ]


def _holdout_cards() -> list[Scenario]:
    return [
        # added with #16 (run once, this release): strapped cards in depth order
        _k2c(
            "realho_k2c_right_stiff88_strapped12",
            "right",
            88.0,
            card_yaw=12.0,
            arms="thighs",
            shape="athletic_male",
            seed=720,
        ),
        _k2c(
            "realho_k2c_left_healthy_strapped5_dim",
            "left",
            None,
            card_yaw=5.0,
            arms="thighs",
            shape="slim_female",
            lighting="dim",
            seed=721,
        ),
        # added with #16 (run once): the two-marker board with motion blur, other bodies and seeds
        _k2c("realho_k2c_left_stiff92_strapped12_board", "left", 92.0, card_yaw=12.0, arms="thighs",
             shape="slim_female", seed=722, board=True),
        _k2c("realho_k2c_right_healthy_strapped-6_board_1080p", "right", None, card_yaw=-6.0, arms="thighs",
             size="1080p", shape="athletic_male", seed=723, board=True),
        _k2c("realho_k2c_right_stiff97_strapped9_board_arms_side", "right", 97.0, card_yaw=9.0,
             shape="heavy", clothing="tracksuit", seed=724, board=True),
    ]  # fmt: skip
