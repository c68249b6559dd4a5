"""Frames per second of decoding, a bare MediaPipe loop, ``hiprom landmarks`` and ``hiprom analyze``.

The stages run on the same clip in one command, interleaved and repeated, so each ratio is judged
against a baseline measured under the same load (issue #20):

(a) decode only: hiprom's reader (PyAV/FFmpeg, rotation, RGB, contiguous);
(b1) the bare loop: the same decoder feeding ``PoseLandmarker.detect_for_video``, one pose, results
     discarded (one core); (b2) the same looking for two poses, as hiprom does by default;
(c1) ``hiprom landmarks --jobs 1``: one process (model check, clip hash, decode, inference, the
     pelvis-card search in the decode thread, tracking, atomic save);
(c) ``hiprom landmarks`` with its defaults: the pose pass in as many processes as there are cores
    (``hiprom.capture.segments``);
(e) the knee-to-chest landmark pass (``pipeline.get_landmarks`` with the protocol's choices: the
    picture turned head-right for the model, the lying-person rule, the body's outline kept);
(f) ``hiprom analyze`` end to end with its defaults: landmarks, analysis, the annotated video and
    key frames (one decode after the pose pass), plots, ``result.json``; no cache.

Peak memory (``--memory``): ``hiprom analyze`` in a fresh process on the clip and on a copy of it
looped to 120 s; the largest resident set of the process and, separately, of its pose helpers.

Usage: ``python bench/throughput.py [CLIP] [--repeats N] [--memory]`` (default clip:
``sample_videos/k2c_right_healthy.mp4``). Targets: (c) >= 1.8 x (b1), (f) >= 1.5 x (b1).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CLIP = ROOT / "sample_videos" / "k2c_right_healthy.mp4"


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


def hiprom_landmarks(clip: Path, out_dir: Path, extra: list[str]) -> int:
    from hiprom import cli

    code = cli.main(["landmarks", str(clip), "-q", "--no-cache", "-o", str(out_dir / "bench.npz"), *extra])
    if code != 0:
        raise SystemExit(f"hiprom landmarks failed with exit code {code}")
    from hiprom.landmarks import LandmarkSeries

    return LandmarkSeries.load(out_dir / "bench.npz").n_frames


def head_right_pass(clip: Path) -> int:
    from hiprom import protocols
    from hiprom.pipeline import Capture, get_landmarks

    run = get_landmarks(clip, Capture(use_cache=False), protocol=protocols.get("knee-to-chest"))
    head_right_pass.mirrored = run.series.meta["mirrored_for_model"]
    head_right_pass.processes = run.series.meta.get("pose_processes", 1)
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


def hiprom_analyze(clip: Path, out_dir: Path) -> int:
    from hiprom import cli

    if cli.main(["analyze", str(clip), "-q", "--no-cache", "-o", str(out_dir / "analysis")]) != 0:
        raise SystemExit("hiprom analyze failed")
    import json

    return int(json.loads((out_dir / "analysis" / "result.json").read_text())["clip"]["n_frames"])


STAGES = {
    "a": ("(a) decode only", lambda clip, tmp: decode_only(clip)),
    "b1": ("(b1) bare MediaPipe VIDEO loop, one pose", lambda clip, tmp: bare_loop(clip, 1)),
    "b2": ("(b2) bare MediaPipe VIDEO loop, two poses", lambda clip, tmp: bare_loop(clip, 2)),
    "c1": ("(c1) hiprom landmarks --jobs 1", lambda clip, tmp: hiprom_landmarks(clip, tmp, ["--jobs", "1"])),
    "c": ("(c) hiprom landmarks (defaults: every core)", lambda clip, tmp: hiprom_landmarks(clip, tmp, [])),
    "e": ("(e) knee-to-chest landmark pass, head-right", lambda clip, tmp: head_right_pass(clip)),
    "f": ("(f) hiprom analyze end to end, annotated video", lambda clip, tmp: hiprom_analyze(clip, tmp)),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", nargs="?", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-people", type=int, default=2, help="(--models only)")
    parser.add_argument("--models", help="compare bundled models' bare loops instead, e.g. lite,full,heavy")
    parser.add_argument("--memory", action="store_true", help="also peak memory at 10 s and 120 s")
    args = parser.parse_args(argv)
    if not args.clip.is_file():
        print(f"clip not found: {args.clip}", file=sys.stderr)
        return 2
    if args.models:
        return compare_models(args.clip, args.max_people, args.models.split(","), args.repeats)
    from hiprom.capture.segments import available_cores

    results: dict[str, list[float]] = {k: [] for k in STAGES}
    with tempfile.TemporaryDirectory() as tmp:
        bare_loop(args.clip, 1)  # warm-up: page cache, model load paths
        for _ in range(args.repeats):
            for key, (_, run) in STAGES.items():
                results[key].append(timed(run, args.clip, Path(tmp)))
            print("  run:", {k: round(v[-1], 1) for k, v in results.items()}, file=sys.stderr)
    med = {k: statistics.median(v) for k, v in results.items()}
    print(f"clip: {args.clip.name}, repeats={args.repeats}, cores={available_cores()} "
          "(median frames/s; ratios to (b1), the bare one-pose loop)")  # fmt: skip
    print("| stage | frames/s | vs (b1) |")
    print("|---|---|---|")
    for key, (label, _) in STAGES.items():
        print(f"| {label} | {med[key]:.1f} | {med[key] / med['b1']:.2f} |")
    print(
        f"processes: the pose pass of (c), (e) and (f) ran in {head_right_pass.processes} "
        f"({'mirrored' if head_right_pass.mirrored else 'not mirrored'} for the model in (e))"
    )
    verdicts = [("(c)/(b1)", med["c"] / med["b1"], 1.8), ("(f)/(b1)", med["f"] / med["b1"], 1.5)]
    for name, ratio, target in verdicts:
        print(f"ratio {name} = {ratio:.2f} (target >= {target}): {'PASS' if ratio >= target else 'FAIL'}")
    print(
        f"ratio (c)/(c1) = {med['c'] / med['c1']:.2f} (every core against one process); "
        f"(c)/(b2) = {med['c'] / med['b2']:.2f} (against the bare loop looking for two poses)"
    )
    if args.memory:
        print_memory(args.clip)
    return 0


def print_memory(clip: Path) -> None:
    """Peak resident memory of ``hiprom analyze`` (fresh process) on ``clip`` and on it looped to 120 s."""
    with tempfile.TemporaryDirectory() as tmp:
        long_clip = looped(clip, Path(tmp) / "long.mp4", 120.0)
        print("| clip | frames | peak RSS, analysis process (MB) | peak RSS, a pose helper (MB) |")
        print("|---|---|---|---|")
        rows = [(clip, "this clip"), (long_clip, "looped to 120 s")]
        peaks = []
        for path, label in rows:
            frames, main_mb, helper_mb = peak_rss(path, Path(tmp) / label.replace(" ", "_"))
            peaks.append(main_mb)
            print(f"| {label} | {frames} | {main_mb:.0f} | {helper_mb:.0f} |")
        print(f"growth from {rows[0][1]} to 120 s: {peaks[1] - peaks[0]:+.0f} MB (target < 100 MB)")


def looped(clip: Path, out: Path, seconds: float) -> Path:
    """``clip`` repeated until it runs ``seconds`` (re-encoded by hiprom, timestamps running on)."""
    from hiprom.capture.encode import VideoWriter
    from hiprom.capture.video import open_video

    with open_video(clip) as reader:
        times = [t for t, _ in reader.frames()]
    step = times[-1] + (times[-1] - times[0]) / max(1, len(times) - 1)
    fps = (len(times) - 1) / max(times[-1] - times[0], 1e-6)
    with VideoWriter(out, fps, crf=23) as writer:
        k = 0
        while k * step < seconds:
            with open_video(clip) as reader:  # streamed, never the whole clip in memory
                for t, rgb in reader.frames():
                    writer.write(rgb, k * step + t)
            k += 1
    return out


#: run in a fresh process: hiprom analyze with its defaults, the resident memory of the process and of
#: its children sampled from /proc every 0.2 s (ru_maxrss would count the forking parent's pages)
_MEASURE = """
import glob, json, os, sys, threading, time
from hiprom import cli

def rss_mb(status):
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return int(fields.get("VmRSS", "0 kB").split()[0]) / 1024, fields.get("PPid", "").strip()

peak, done = {"self": 0.0, "child": 0.0}, threading.Event()

def sample():
    me = str(os.getpid())
    while not done.wait(0.2):
        for path in glob.glob("/proc/[0-9]*/status"):
            try:
                mb, ppid = rss_mb(open(path).read())
            except OSError:
                continue
            key = "self" if path == f"/proc/{me}/status" else "child" if ppid == me else None
            if key:
                peak[key] = max(peak[key], mb)

threading.Thread(target=sample, daemon=True).start()
rc = cli.main(["analyze", sys.argv[1], "-q", "--no-cache", "-o", sys.argv[2]])
done.set()
print(json.dumps([rc, peak["self"], peak["child"]]))
"""


def peak_rss(clip: Path, out_dir: Path) -> tuple[int, float, float]:
    """``(frames, peak RSS of the analysing process, of its largest child)`` in MB, from a fresh process."""
    import json
    import subprocess

    done = subprocess.run([sys.executable, "-c", _MEASURE, str(clip), str(out_dir)], capture_output=True,
                          text=True, check=True)  # fmt: skip
    rc, main_mb, child_mb = json.loads(done.stdout.strip().splitlines()[-1])
    if rc != 0:
        raise SystemExit(f"hiprom analyze failed on {clip.name}: {done.stderr[-500:]}")
    frames = json.loads((out_dir / "result.json").read_text())["clip"]["n_frames"]
    return int(frames), float(main_mb), float(child_mb)


if __name__ == "__main__":
    raise SystemExit(main())
