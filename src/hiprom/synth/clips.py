"""Turn ``hiprom synth`` arguments into scenarios and render them."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

from hiprom.errors import BadInputError
from hiprom.synth.body import BODY_SHAPES
from hiprom.synth.generate import CameraSetup, Scenario, generate_clip
from hiprom.synth.motion import IRMotion, KneeToChestMotion
from hiprom.synth.presets import SAMPLE_SCENARIOS

__all__ = ["run_synth_command", "scenario_from_args"]


def scenario_from_args(args: argparse.Namespace) -> Scenario:
    if args.shape not in BODY_SHAPES:
        raise BadInputError(f"unknown body shape {args.shape!r}; choose from {', '.join(BODY_SHAPES)}")
    if not 0 <= args.thomas <= 1:
        raise BadInputError("--thomas must be between 0 and 1")
    if args.speed <= 0 or args.fps <= 0:
        raise BadInputError("--speed and --fps must be positive")
    camera = CameraSetup(
        view=args.view,
        pan_deg=args.pan,
        tilt_deg=args.tilt,
        roll_deg=args.roll,
        hfov_deg=args.hfov,
        distance_m=args.distance,
        height_above_table_m=args.height,
        portrait=args.portrait,
        long_side_px=args.size[0],
        short_side_px=args.size[1],
    )
    common = dict(
        body_shape=args.shape,
        camera=camera,
        fps=args.fps,
        speed=args.speed,
        background=args.background,
        lighting=args.lighting,
        noise_sd=args.noise,
        crf=args.crf,
        seed=args.seed,
        clothing=args.clothing,
        second_person=args.second_person,
        flip=args.flip,
    )
    if args.test == "knee-to-chest":
        motion = KneeToChestMotion(
            side=args.side,
            peak_lift_deg=args.peak_lift,
            hip_limit_deg=args.hip_limit,
            other_leg_lift=args.thomas,
            reps=args.reps,
            rest_s=args.rest if args.rest is not None else 1.0,
            hands_on_shin=not args.no_hands,
        )
        limit = "healthy" if args.hip_limit is None else f"limit{args.hip_limit:g}"
        name = args.name or f"k2c_{args.side}_{limit}_pan{args.pan:g}_tilt{args.tilt:g}"
        card = {} if args.card_yaw is None else {"card": "strapped", "card_yaw_deg": args.card_yaw}
        if args.board:
            card.update(card_layout="board", motion_blur=True)
        if args.thigh_card is not None:  # worn with the pelvis card (hiprom.cli.synth checks it is asked for)
            card.update(thigh_card=True, thigh_card_yaw_deg=args.thigh_card)
        return Scenario(name=name, test="knee-to-chest", k2c=motion, marker=args.marker, **card, **common)
    motion = IRMotion(
        side=args.side,
        position=args.position,
        peak_ir_deg=args.peak_ir,
        peak_er_deg=args.peak_er,
        reps=args.reps,
        pelvis_shift_deg=args.pelvis_shift,
    )
    name = args.name or f"ir_{args.position}_{args.side}_ir{args.peak_ir:g}_pan{args.pan:g}"
    return Scenario(name=name, test="hip-ir", ir=motion, **common)


def run_synth_command(args: argparse.Namespace) -> Iterator[dict[str, Path]]:
    """Render what the command asks for; yields each clip's paths."""
    if args.test == "samples":
        for scenario in SAMPLE_SCENARIOS:
            yield generate_clip(scenario, args.out_dir)
        return
    yield generate_clip(scenario_from_args(args), args.out_dir)
