"""``hiprom synth``: synthetic clinical clips with exact ground truth (needs hiprom[synth])."""

from __future__ import annotations

import argparse
from pathlib import Path

from hiprom.cli.common import positive_int
from hiprom.errors import BadInputError
from hiprom.norms import POSITIONS, SIDES
from hiprom.synth.options import CLOTHING, FLIPS, SECOND_PERSON

__all__ = ["add_synth_parser"]


def add_synth_parser(sub) -> None:
    sy = sub.add_parser(
        "synth",
        help="render a synthetic clinical clip with exact ground truth (needs hiprom[synth])",
        description="Render a synthetic knee-to-chest or hip-rotation clip with per-frame truth "
        "(<name>.mp4, <name>.truth.csv, <name>.truth.json). 'samples' regenerates the bundled clips.",
    )
    sy.add_argument("test", choices=["knee-to-chest", "hip-ir", "samples"])
    sy.add_argument(
        "-o", "--out-dir", type=Path, default=Path("synthetic"), help="output folder (default ./synthetic)"
    )
    sy.add_argument("--name", help="file name stem (default: derived from the parameters)")
    sy.add_argument("--side", choices=SIDES, default="left")
    _knee_to_chest_arguments(sy)
    g = sy.add_argument_group("hip-ir")
    g.add_argument("--position", choices=POSITIONS, default="supine")
    g.add_argument("--peak-ir", type=float, default=35.0, metavar="DEG")
    g.add_argument("--peak-er", type=float, default=30.0, metavar="DEG")
    g.add_argument(
        "--pelvis-shift", type=float, default=0.0, metavar="DEG", help="compensatory pelvic roll at the peak"
    )
    g = sy.add_argument_group("camera, body and clip")
    g.add_argument("--reps", type=positive_int, default=1)
    g.add_argument("--rest", type=float, metavar="S", help="knee-to-chest: rest between reps (default 1 s)")
    g.add_argument("--clothing", choices=CLOTHING, default="shorts", help="the patient's clothes")
    g.add_argument(
        "--second-person",
        choices=SECOND_PERSON,
        default="none",
        help="a clinician in view: standing behind the plinth, or leaning in over it",
    )
    g.add_argument(
        "--flip",
        choices=FLIPS,
        default="none",
        help="store the clip mirrored (a front camera) or upside down (no rotation tag)",
    )
    g.add_argument(
        "--shape", default="average", help="body shape preset: average, athletic_male, slim_female, heavy"
    )
    g.add_argument(
        "--view", choices=["side", "front", "overhead", "foot_end"], help="default: the test's ideal view"
    )
    g.add_argument("--pan", type=float, default=0.0, metavar="DEG")
    g.add_argument("--tilt", type=float, default=5.0, metavar="DEG", help="camera elevation (looking down)")
    g.add_argument("--roll", type=float, default=0.0, metavar="DEG")
    g.add_argument("--hfov", type=float, default=65.0, metavar="DEG", help="horizontal field of view")
    g.add_argument("--distance", type=float, metavar="M", help="camera distance (default: frame the body)")
    g.add_argument(
        "--height", type=float, metavar="M", help="lens height above the plinth top (overrides --tilt)"
    )
    g.add_argument("--portrait", action="store_true")
    g.add_argument("--size", type=positive_int, nargs=2, default=[1280, 720], metavar=("LONG", "SHORT"))
    g.add_argument("--fps", type=float, default=30.0)
    g.add_argument("--speed", type=float, default=1.0, help="movement speed factor")
    g.add_argument("--background", choices=["plain", "cluttered"], default="plain")
    g.add_argument("--lighting", choices=["studio", "dim", "window"], default="studio")
    g.add_argument("--noise", type=float, default=2.0, metavar="SD", help="sensor noise, grey levels")
    g.add_argument("--crf", type=int, default=23, help="H.264 quality (lower is better)")
    g.add_argument("--seed", type=int, default=0)
    sy.set_defaults(func=_cmd_synth)


def _knee_to_chest_arguments(sy) -> None:
    """The knee-to-chest group of ``hiprom synth``'s options."""
    g = sy.add_argument_group("knee-to-chest")
    g.add_argument(
        "--peak-lift", type=float, default=125.0, metavar="DEG", help="thigh lift from the table at the peak"
    )
    g.add_argument(
        "--hip-limit",
        type=float,
        metavar="DEG",
        help="stiff hip: hip flexion where the pelvis starts rolling",
    )
    g.add_argument(
        "--thomas", type=float, default=0.0, metavar="F", help="0..1: how much the other thigh lifts"
    )
    g.add_argument("--no-hands", action="store_true", help="arms stay by the sides")
    g.add_argument("--marker", action="store_true", help="a printed ArUco card over the tested iliac crest")
    g.add_argument(
        "--card-yaw", type=float, metavar="DEG",
        help="the card strapped DEG off the lateral plane (positive faces it forwards) and drawn in depth "
        "order with the body, so the raised thigh can hide it (default: the ideal card, painted last)",
    )  # fmt: skip
    g.add_argument(
        "--board", action="store_true", help="the card is the two-marker board (hiprom marker's default)"
    )
    g.add_argument(
        "--thigh-card", type=float, metavar="DEG",
        help="the thigh card too, on the tested thigh, turned DEG about the femur (with --marker)",
    )  # fmt: skip


def _cmd_synth(args: argparse.Namespace) -> int:
    from hiprom.synth import require_synth

    if args.thigh_card is not None and not args.marker:
        raise BadInputError("--thigh-card is worn with the pelvis card: add --marker")
    require_synth()
    from hiprom.synth.clips import run_synth_command

    for paths in run_synth_command(args):
        print(f"wrote {paths['clip']} (+ .truth.csv, .truth.json)")
    return 0
