"""Frames per second of decoding, a bare MediaPipe loop, and ``hiprom landmarks``.

All three run on the same clip in one process, interleaved and repeated, so the
ratio (c)/(b) is judged against a baseline measured under the same load:

(a) decode only: hiprom's reader (PyAV/FFmpeg, rotation, RGB, contiguous);
(b) bare loop: the same decoder feeding ``PoseLandmarker.detect_for_video``
    with the same options, results discarded;
(c) hiprom landmarks: ``hiprom.cli.main(["landmarks", ...])`` without cache,
    i.e. model check, clip hash, decode, inference, the pelvis-card search (in
    the decode thread), tracking, atomic save;
(d) a card pass of its own (``hiprom.capture.markers.detect_marker_angles``): what
    marker mode cost on top of (c) before the card search moved into the pose
    pass. On a clip with a card, "before" = 1 / (1/(c) + 1/(d));
(e) the knee-to-chest landmark pass (``pipeline.get_landmarks`` with
    ``orientation="head-right"``, no cache): (c) plus the probe of the first
    frames and, for a body lying head-left, mirroring every frame for the model.

Usage: ``python bench/throughput.py [CLIP] [--repeats N] [--max-people K]``
(default clip: ../shared/sample_data/sports2d/demo.mp4). Target: (c) >= 0.9 x (b).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CLIP = ROOT.parent / "shared" / "sample_data" / "sports2d" / "demo.mp4"


def decode_only(clip: Path) -> int:
    from hiprom.capture.video import open_video

    n = 0
    with open_video(clip) as reader:
        for _ in reader.frames():
            n += 1
    return n


def bare_loop(clip: Path, max_people: int, model: str = "full") -> int:
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    from hiprom._fs import quiet_native_stderr
    from hiprom.capture.model import default_model_path
    from hiprom.capture.video import open_video

    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(default_model_path(model))),
        running_mode=vision.RunningMode.VIDEO,
        num_poses=max_people,
    )
    n = 0
    with quiet_native_stderr(), vision.PoseLandmarker.create_from_options(options) as landmarker:
        with open_video(clip) as reader:
            for time_s, rgb in reader.frames():
                image = mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
                landmarker.detect_for_video(image, int(time_s * 1000))
                n += 1
    return n


def hiprom_landmarks(clip: Path, max_people: int, out_dir: Path) -> int:
    from hiprom import cli

    code = cli.main(
        [
            "landmarks",
            str(clip),
            "-q",
            "--no-cache",
            "--max-people",
            str(max_people),
            "-o",
            str(out_dir / "bench.npz"),
        ]
    )
    if code != 0:
        raise SystemExit(f"hiprom landmarks failed with exit code {code}")
    from hiprom.landmarks import LandmarkSeries

    return LandmarkSeries.load(out_dir / "bench.npz").n_frames


def card_pass(clip: Path) -> int:
    import cv2

    from hiprom.capture.markers import detect_marker_angles

    angles, _ = detect_marker_angles(clip)
    if angles is not None:
        return int(angles.size)
    capture = cv2.VideoCapture(str(clip))  # markerless: the pass stopped after its probe frames
    n = min(60, int(capture.get(cv2.CAP_PROP_FRAME_COUNT)))
    capture.release()
    return n


def head_right_pass(clip: Path, max_people: int) -> int:
    from hiprom.pipeline import Capture, get_landmarks

    run = get_landmarks(clip, Capture(max_people=max_people, use_cache=False), orientation="head-right")
    head_right_pass.mirrored = run.series.meta["mirrored_for_model"]
    return run.series.n_frames


def timed(fn, *args) -> float:
    start = time.perf_counter()
    n = fn(*args)
    return n / (time.perf_counter() - start)


def compare_models(clip: Path, max_people: int, models: list[str], repeats: int) -> int:
    """The bare VIDEO loop per bundled model, interleaved in this process (median frames/s, and the
    ratio to *full*'s)."""
    rates: dict[str, list[float]] = {m: [] for m in models}
    for m in models:
        bare_loop(clip, max_people, m)  # warm-up
    for _ in range(repeats):
        for m in models:
            rates[m].append(timed(bare_loop, clip, max_people, m))
    med = {m: statistics.median(v) for m, v in rates.items()}
    print(f"clip: {clip.name}, max_people={max_people}, repeats={repeats} (bare loop, median frames/s)")
    print("| model | frames/s | vs full |")
    print("|---|---|---|")
    for m in models:
        print(f"| {m} | {med[m]:.1f} | {med[m] / med.get('full', med[m]):.2f} |")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", nargs="?", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-people", type=int, default=2)
    parser.add_argument("--models", help="compare bundled models' bare loops instead, e.g. lite,full,heavy")
    args = parser.parse_args(argv)
    if not args.clip.is_file():
        print(f"clip not found: {args.clip}", file=sys.stderr)
        return 2
    if args.models:
        return compare_models(args.clip, args.max_people, args.models.split(","), args.repeats)
    results: dict[str, list[float]] = {"a": [], "b": [], "c": [], "d": [], "e": []}
    with tempfile.TemporaryDirectory() as tmp:
        bare_loop(args.clip, args.max_people)  # warm-up: page cache, model load paths
        for _ in range(args.repeats):
            results["a"].append(timed(decode_only, args.clip))
            results["b"].append(timed(bare_loop, args.clip, args.max_people))
            results["c"].append(timed(hiprom_landmarks, args.clip, args.max_people, Path(tmp)))
            results["d"].append(timed(card_pass, args.clip))
            results["e"].append(timed(head_right_pass, args.clip, args.max_people))
            print("  run:", {k: round(v[-1], 1) for k, v in results.items()}, file=sys.stderr)
    med = {k: statistics.median(v) for k, v in results.items()}
    ratio = med["c"] / med["b"]
    print(f"clip: {args.clip.name}, max_people={args.max_people}, repeats={args.repeats} (median frames/s)")
    print("| stage | frames/s |")
    print("|---|---|")
    print(f"| (a) decode only | {med['a']:.1f} |")
    print(f"| (b) bare MediaPipe VIDEO loop | {med['b']:.1f} |")
    print(f"| (c) hiprom landmarks | {med['c']:.1f} |")
    print(f"| (d) a card pass of its own | {med['d']:.1f} |")
    mirrored = "mirrored for the model" if head_right_pass.mirrored else "not mirrored"
    print(f"| (e) knee-to-chest landmark pass, head-right ({mirrored}) | {med['e']:.1f} |")
    from hiprom.capture.markers import detect_marker_angles

    if detect_marker_angles(args.clip)[0] is None:
        print("no card in this clip: both searches stop after 60 frames ((d) is that probe's rate)")
    else:
        before = 1.0 / (1.0 / med["c"] + 1.0 / med["d"])
        print(f"marker mode: (c) with the card in the pose pass {med['c']:.1f} frames/s; as two passes it "
              f"was {before:.1f} frames/s (x{med['c'] / before:.2f})")  # fmt: skip
    print(f"head-right pass: (e)/(c) = {med['e'] / med['c']:.2f}")
    print(f"ratio (c)/(b) = {ratio:.2f} (target >= 0.90): {'PASS' if ratio >= 0.9 else 'FAIL'}")
    return 0 if ratio >= 0.9 else 1


if __name__ == "__main__":
    raise SystemExit(main())
