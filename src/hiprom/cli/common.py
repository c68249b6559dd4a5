"""What the commands share: positive integers, the pose-stage options, the progress bar."""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

__all__ = ["add_pose_options", "capture_from", "positive_int", "progress_bar"]


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def add_pose_options(parser: argparse.ArgumentParser) -> None:
    """Options of the landmark stage, shared by every command that runs it."""
    parser.add_argument(
        "--model",
        help="the bundled pose model (lite, full, heavy; default full) or a PoseLandmarker .task file",
    )
    parser.add_argument(
        "--person",
        default="auto",
        help="who to follow when several people are in view: auto (largest, most central, most "
        "persistent; for the knee-to-chest test the same among bodies lying across the frame), lying, "
        "largest, central, longest, or X,Y (the person nearest that point, fractions of the frame, e.g. "
        "0.3,0.5)",
    )
    parser.add_argument(
        "--max-people",
        type=positive_int,
        default=2,
        help="poses to look for per frame (default 2; 1 is fastest)",
    )
    parser.add_argument(
        "--jobs",
        type=positive_int,
        help="processes for the pose pass (default: every core; the clip's later segments run in their own)",
    )
    parser.add_argument("--no-cache", action="store_true", help="ignore and do not fill the landmark cache")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        help="landmark cache directory (default: user cache dir or $HIPROM_CACHE_DIR)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def capture_from(args: argparse.Namespace):
    """The pipeline's capture settings from the pose-stage options."""
    from hiprom.pipeline import Capture

    return Capture(
        model_path=args.model,
        max_people=args.max_people,
        person=args.person,
        max_size_px=getattr(args, "max_size", None),
        use_cache=not args.no_cache,
        cache_dir=args.cache_dir,
        jobs=args.jobs,
    )


def progress_bar(quiet: bool, label: str):
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
