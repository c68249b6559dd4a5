"""``hiprom analyze``, ``hiprom landmarks`` and ``hiprom marker``: a clip in, a result folder out."""

from __future__ import annotations

import argparse
from pathlib import Path

from hiprom import protocols
from hiprom.cli.common import add_pose_options, capture_from, positive_int, progress_bar
from hiprom.errors import BadInputError
from hiprom.norms import SIDES

__all__ = ["add_analyze_parsers"]


def add_analyze_parsers(sub) -> None:
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
        type=positive_int,
        metavar="PX",
        help="downscale so the longer side is at most PX pixels",
    )
    add_pose_options(lm)
    lm.set_defaults(func=_cmd_landmarks)

    an = sub.add_parser(
        "analyze",
        help="analyse a clinical test clip",
        description="Analyse a supine knee-to-chest clip filmed from the side (thigh and goniometer "
        "angles per rep, pelvic-tilt onset with the printed pelvis card, lumbar-borrowing finding) or a "
        "hip internal-rotation clip (--test hip-ir --position supine|seated|prone: peak IR and ER per "
        "side, limited IR, side-to-side difference).",
    )
    an.add_argument("clip", type=Path)
    an.add_argument("--test", choices=protocols.names(), default=protocols.names()[0])
    an.add_argument(
        "--position",
        choices=sorted({p for protocol in protocols.all_protocols() for p in protocol.positions}),
        help="hip-ir: supine 90/90 filmed from overhead, seated filmed from the front, prone filmed "
        "from the foot end",
    )
    an.add_argument("--side", choices=SIDES, help="analyse only this leg (default: every tested leg)")
    an.add_argument("-o", "--out-dir", type=Path, help="output folder (default: ./<clip name>-hiprom)")
    an.add_argument("--marker", choices=["auto", "on", "off"], default="auto", help="use the pelvis card")
    an.add_argument("--no-video", action="store_true", help="skip the annotated video (faster)")
    an.add_argument("--blur-faces", action="store_true", help="blur faces in the annotated video")
    rec = an.add_argument_group("record the result in the athlete store")
    rec.add_argument("--athlete", metavar="NAME", help="record under this athlete")
    rec.add_argument("--session", metavar="DATE", help="the session's date, YYYY-MM-DD (default today)")
    rec.add_argument("--notes", default="", help="clinician's notes for the session")
    from hiprom.cli.store import add_db_option

    add_db_option(rec, clinician=False)
    add_pose_options(an)
    an.set_defaults(func=_cmd_analyze)

    mk = sub.add_parser("marker", help="write a printable card (PNG at its true size on A4)")
    mk.add_argument(
        "-o", "--out", type=Path, default=None, help="default hiprom-pelvis-card.png (hiprom-thigh-card.png)"
    )
    mk.add_argument(
        "--card",
        choices=("single", "board", "thigh"),
        default=None,
        help="board (the default): the pelvis card with two markers, 150 x 80 mm, read while a thigh or "
        "hand hides one end (README, Accuracy: the board against the single card); single: one marker, "
        "80 mm (the default with --id); thigh: the thigh card, worn with a pelvis card, which measures "
        "the thigh's lift itself",
    )
    mk.add_argument(
        "--id", type=int, default=None, help="ArUco 4x4_50 id of the single card (0-49; default 7)"
    )
    mk.set_defaults(func=_cmd_marker)


def _cmd_analyze(args: argparse.Namespace) -> int:
    from hiprom._fs import check_writable_folder
    from hiprom.dates import parse_date
    from hiprom.pipeline import analyze, record

    protocol = protocols.get(args.test)
    options = protocol.options(args.position, args.side, args.marker)  # before anything slow
    date = parse_date(args.session)
    if args.athlete is not None:
        from hiprom.store.db import open_store
        from hiprom.store.records import clean_name

        clean_name(args.athlete)  # a blank name fails now, not after the analysis and its folder
        open_store(args.db).close()  # a store that cannot be opened fails now, not after the analysis
    out_dir = args.out_dir or Path.cwd() / f"{args.clip.stem}-hiprom"
    check_writable_folder(out_dir)  # an output folder that cannot be written fails now too
    progress, close_bar = progress_bar(args.quiet, args.clip.name)
    try:
        run = analyze(
            args.clip,
            out_dir,
            options,
            capture=capture_from(args),
            progress=progress,
            outputs=protocols.Outputs(video=not args.no_video, blur_faces=args.blur_faces),
        )
    finally:
        close_bar()
    if args.athlete is not None:
        record(run, args.athlete, db=args.db, date=date, notes=args.notes)
    doc = run.document
    for line in protocol.summary_lines(doc):
        print(line)
    for warning in doc["quality"]["warnings"]:
        print(f"! {warning}")
    files = [p for p in run.paths.values() if not p.name.startswith("key_")]
    keys = [p.name for p in run.paths.values() if p.name.startswith("key_")]  # face-blurred stills
    print("-> " + ", ".join(map(str, files)) + (f"; key frames: {', '.join(keys)}" if keys else ""))
    if args.athlete:
        print(f"recorded for {' '.join(args.athlete.split())}, session {args.session or 'today'}")
    return 0


def _cmd_landmarks(args: argparse.Namespace) -> int:
    from hiprom.pipeline import get_landmarks

    out = args.out or Path.cwd() / f"{args.clip.stem}.landmarks.npz"
    if out.suffix != ".npz":
        raise BadInputError(f"output must end in .npz, got {out.name}")
    progress, close_bar = progress_bar(args.quiet, args.clip.name)
    try:
        run = get_landmarks(args.clip, capture_from(args), progress=progress)
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


def _cmd_marker(args: argparse.Namespace) -> int:
    from hiprom.capture.marker_sheet import write_marker_sheet
    from hiprom.capture.markers import CARDS

    if args.id is not None and not 0 <= args.id < 50:
        raise BadInputError("--id must be between 0 and 49")
    card = args.card or ("single" if args.id is not None else "board")
    if args.id is not None and card != "single":
        raise BadInputError(f"--id sets the single card's marker; the {card} card's ids are fixed")
    if args.id is not None and args.id in CARDS["thigh"]:
        raise BadInputError(f"--id {args.id} is the thigh card's: choose another id for the pelvis card")
    out = args.out or Path(f"hiprom-{'thigh' if card == 'thigh' else 'pelvis'}-card.png")
    sheet = write_marker_sheet(out, card, args.id)
    print(f"wrote {sheet} (print at 100 % scale; check the 50 mm line)")
    return 0
