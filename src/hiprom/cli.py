"""``hiprom`` command line: parse, call the pipeline, print.

Every failure the user can fix is one line on stderr (``hiprom: error: ...``)
and a distinct exit code (see :mod:`hiprom.errors`); no tracebacks unless
``HIPROM_DEBUG=1``.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

from hiprom import __version__
from hiprom.errors import BadInputError, HipromError

EXIT_INTERRUPTED = 130


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hiprom", description="Hip range of motion from an ordinary phone video."
    )
    parser.add_argument("--version", action="version", version=f"hiprom {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    lm = sub.add_parser(
        "landmarks",
        help="extract the tested person's pose landmarks from a clip",
        description="Run the bundled MediaPipe pose model on every frame of CLIP and save the "
        "tested person's landmark series (.npz; see docs/landmarks-format.md).",
    )
    lm.add_argument("clip", type=Path, help="video file (phone MP4/MOV, anything FFmpeg decodes)")
    lm.add_argument("-o", "--out", type=Path, help="output .npz (default: ./<clip name>.landmarks.npz)")
    lm.add_argument(
        "--max-size",
        type=_positive_int,
        metavar="PX",
        help="downscale so the longer side is at most PX pixels",
    )
    _add_pose_options(lm)
    lm.set_defaults(func=_cmd_landmarks)
    _add_analyze_parser(sub)
    from hiprom.cli_store import add_store_parsers

    add_store_parsers(sub)
    from hiprom.cli_web import add_web_parsers

    add_web_parsers(sub)
    _add_synth_parser(sub)
    mk = sub.add_parser("marker", help="write the printable pelvis card (PNG at its true size on A4)")
    mk.add_argument("-o", "--out", type=Path, default=Path("hiprom-pelvis-card.png"))
    mk.add_argument("--id", type=int, default=7, help="ArUco 4x4_50 id (0-49)")
    mk.set_defaults(func=_cmd_marker)
    return parser


def _add_pose_options(parser: argparse.ArgumentParser) -> None:
    """Options of the landmark stage, shared by every command that runs it."""
    parser.add_argument(
        "--model", type=Path, help="a PoseLandmarker .task bundle (default: the bundled full model)"
    )
    parser.add_argument(
        "--person",
        default="auto",
        help="who to follow when several people are in view: auto (largest, most central, most "
        "persistent), largest, central, longest, or X,Y (the person nearest that point, "
        "fractions of the frame, e.g. 0.3,0.5)",
    )
    parser.add_argument(
        "--max-people",
        type=_positive_int,
        default=2,
        help="poses to look for per frame (default 2; 1 is fastest)",
    )
    parser.add_argument("--no-cache", action="store_true", help="ignore and do not fill the landmark cache")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        help="landmark cache directory (default: user cache dir or $HIPROM_CACHE_DIR)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def _add_analyze_parser(sub) -> None:
    an = sub.add_parser(
        "analyze",
        help="analyse a clinical test clip",
        description="Analyse a supine knee-to-chest clip filmed from the side (thigh and goniometer "
        "angles per rep, pelvic-tilt onset with the printed pelvis card, lumbar-borrowing finding) or a "
        "hip internal-rotation clip (--test hip-ir --position supine|seated|prone: peak IR and ER per "
        "side, limited IR, side-to-side difference).",
    )
    an.add_argument("clip", type=Path)
    an.add_argument("--test", choices=["knee-to-chest", "hip-ir"], default="knee-to-chest")
    an.add_argument(
        "--position",
        choices=["supine", "seated", "prone"],
        help="hip-ir: supine 90/90 filmed from overhead, seated filmed from the front, prone filmed "
        "from the foot end",
    )
    an.add_argument(
        "--side", choices=["left", "right"], help="analyse only this leg (default: every tested leg)"
    )
    an.add_argument("-o", "--out-dir", type=Path, help="output folder (default: ./<clip name>-hiprom)")
    an.add_argument("--marker", choices=["auto", "on", "off"], default="auto", help="use the pelvis card")
    an.add_argument("--no-video", action="store_true", help="skip the annotated video (faster)")
    an.add_argument("--blur-faces", action="store_true", help="blur faces in the annotated video")
    rec = an.add_argument_group("record the result in the athlete store")
    rec.add_argument("--athlete", metavar="NAME", help="record under this athlete")
    rec.add_argument("--session", metavar="DATE", help="the session's date, YYYY-MM-DD (default today)")
    rec.add_argument("--notes", default="", help="clinician's notes for the session")
    from hiprom.cli_store import add_db_option

    add_db_option(rec)
    _add_pose_options(an)
    an.set_defaults(func=_cmd_analyze)


def _cmd_analyze(args: argparse.Namespace) -> int:
    from hiprom.pipeline import analyze

    out_dir = args.out_dir or Path.cwd() / f"{args.clip.stem}-hiprom"
    progress, close_bar = _progress_bar(args.quiet, args.clip.name)
    try:
        run = analyze(
            args.clip,
            out_dir,
            test=args.test,
            position=args.position,
            side=args.side,
            marker=args.marker,
            model_path=args.model,
            max_people=args.max_people,
            person=args.person,
            use_cache=not args.no_cache,
            cache_dir=args.cache_dir,
            progress=progress,
            video=not args.no_video,
            blur_faces=args.blur_faces,
            athlete=args.athlete,
            session_date=args.session,
            notes=args.notes,
            db=args.db,
        )
    finally:
        close_bar()
    doc = run.document
    if doc["test"] == "hip-ir":
        _print_hip_ir(doc)
    else:
        _print_knee_to_chest(doc)
    for warning in doc["quality"]["warnings"]:
        print(f"! {warning}")
    print("-> " + ", ".join(str(p) for p in run.paths.values() if not p.name.startswith("key_")))
    if args.athlete:
        print(f"recorded for {' '.join(args.athlete.split())}, session {args.session or 'today'}")
    return 0


def _print_knee_to_chest(doc: dict) -> None:
    from hiprom.results import accuracy_line

    for r in doc["results"]:
        tilt = r["pelvic_tilt"]
        onset = tilt["onset"]
        line = (f"{r['side']} knee-to-chest: thigh {r['peak_thigh_angle_deg']} deg from the table, "
                f"goniometer {r['peak_trunk_thigh_angle_deg']} deg")  # fmt: skip
        if tilt["method"] == "marker":
            line += f", pelvis tilted {tilt['peak_deg']} deg"
            if onset["hip_flexion_deg"] is not None:
                line += f", onset at {onset['hip_flexion_deg']} deg hip flexion {onset['ci_deg']}"
        flag = r["lumbar_borrowing"]
        verdict = "LUMBAR BORROWING" if flag["flag"] else "no lumbar borrowing found"
        print(f"{line}; {verdict} ({flag['confidence']} confidence)")
        for reason in flag["reasons"]:
            print(f"  - {reason}")
        print(f"  - {accuracy_line(r)}")
        for warning in r["quality"]["warnings"]:
            print(f"  ! {warning}")


def _print_hip_ir(doc: dict) -> None:
    from hiprom.results import accuracy_line

    for r in doc["results"]:
        accuracy = f" ({accuracy_line(r)})"
        ir = "not found" if r["peak_ir_deg"] is None else f"{r['peak_ir_deg']} deg"
        er = "not found" if r["peak_er_deg"] is None else f"{r['peak_er_deg']} deg"
        verdict = {True: "LIMITED", False: "not limited", None: "IR not measured"}[r["limited"]]
        head = f"{r['side']} hip, {r['position']}: internal rotation {ir}, external rotation {er}"
        print(f"{head}{accuracy}; {verdict}")
        for warning in r["quality"]["warnings"]:
            print(f"  ! {warning}")
    for statement in doc["findings"]["statements"]:
        print(f"- {statement}")


def _cmd_marker(args: argparse.Namespace) -> int:
    from hiprom.markers import write_marker_sheet

    if not 0 <= args.id < 50:
        raise BadInputError("--id must be between 0 and 49")
    print(f"wrote {write_marker_sheet(args.out, args.id)} (print at 100 % scale; check the 50 mm line)")
    return 0


def _add_synth_parser(sub) -> None:
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
    sy.add_argument("--side", choices=["left", "right"], default="left")
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
    g = sy.add_argument_group("hip-ir")
    g.add_argument("--position", choices=["supine", "seated", "prone"], default="supine")
    g.add_argument("--peak-ir", type=float, default=35.0, metavar="DEG")
    g.add_argument("--peak-er", type=float, default=30.0, metavar="DEG")
    g.add_argument(
        "--pelvis-shift", type=float, default=0.0, metavar="DEG", help="compensatory pelvic roll at the peak"
    )
    g = sy.add_argument_group("camera, body and clip")
    g.add_argument("--reps", type=_positive_int, default=1)
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
    g.add_argument("--size", type=_positive_int, nargs=2, default=[1280, 720], metavar=("LONG", "SHORT"))
    g.add_argument("--fps", type=float, default=30.0)
    g.add_argument("--speed", type=float, default=1.0, help="movement speed factor")
    g.add_argument("--background", choices=["plain", "cluttered"], default="plain")
    g.add_argument("--lighting", choices=["studio", "dim", "window"], default="studio")
    g.add_argument("--noise", type=float, default=2.0, metavar="SD", help="sensor noise, grey levels")
    g.add_argument("--crf", type=int, default=23, help="H.264 quality (lower is better)")
    g.add_argument("--seed", type=int, default=0)
    sy.set_defaults(func=_cmd_synth)


def _cmd_synth(args: argparse.Namespace) -> int:
    from hiprom.synth import require_synth

    require_synth()
    from hiprom.synth.clips import run_synth_command

    for paths in run_synth_command(args):
        print(f"wrote {paths['clip']} (+ .truth.csv, .truth.json)")
    return 0


def _progress_bar(quiet: bool, label: str):
    """A tqdm progress callback on stderr (off when quiet or not a terminal)."""
    if quiet:
        return None, lambda: None
    from tqdm import tqdm

    # a private duplicate of stderr: the pose stage silences fd 2 to hide native logs
    try:
        stream = os.fdopen(os.dup(sys.stderr.fileno()), "w", buffering=1)
    except (OSError, io.UnsupportedOperation):  # stderr is not a real file (captured)
        stream = None
    bar = tqdm(
        desc=label, unit="frame", file=stream or sys.stderr, disable=None, leave=False, dynamic_ncols=True
    )

    def update(n_done: int, n_expected: int) -> None:
        if n_expected and bar.total != n_expected:
            bar.total = n_expected
        bar.update(n_done - bar.n)

    def close() -> None:
        bar.close()
        if stream is not None:
            stream.close()

    return update, close


def _cmd_landmarks(args: argparse.Namespace) -> int:
    from hiprom.pipeline import get_landmarks

    out = args.out or Path.cwd() / f"{args.clip.stem}.landmarks.npz"
    if out.suffix != ".npz":
        raise BadInputError(f"output must end in .npz, got {out.name}")
    progress, close_bar = _progress_bar(args.quiet, args.clip.name)
    try:
        run = get_landmarks(
            args.clip,
            model_path=args.model,
            max_people=args.max_people,
            person=args.person,
            max_size_px=args.max_size,
            use_cache=not args.no_cache,
            cache_dir=args.cache_dir,
            progress=progress,
        )
    finally:
        close_bar()
    series = run.series
    series.save(out)
    meta = series.meta
    fps = meta.get("fps_measured") or meta.get("fps_nominal") or 0.0
    rate = series.n_frames / run.elapsed_s if run.elapsed_s > 0 else float("inf")
    source = " (cached)" if run.from_cache else ""
    print(
        f"{args.clip.name}: {series.n_frames} frames, {fps:.1f} fps, "
        f"{meta['width_px']}x{meta['height_px']}, person detected in {100 * series.detection_rate:.1f}% "
        f"of frames, {run.elapsed_s:.1f} s{source}, {rate:.1f} frames/s -> {out}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except HipromError as exc:
        if os.environ.get("HIPROM_DEBUG"):
            raise
        print(f"hiprom: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("hiprom: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away (e.g. `| head`): nothing more to say
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:
        if os.environ.get("HIPROM_DEBUG"):
            raise
        print(
            f"hiprom: internal error: {type(exc).__name__}: {exc} (rerun with HIPROM_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return 1
