"""The pose pass on several cores: the clip's later segments in processes of their own.

MediaPipe's CPU inference keeps one core busy. With ``jobs`` > 1 the calling process runs the
model on the clip's first segment (and still decodes every frame, for the pelvis card's tracker),
while each later segment runs in a spawned process with its own landmarker: it decodes the clip
from the start, skips to its first frame and detects afresh there (VIDEO-mode tracking starts
over). The first segment is longer by what a process takes to start, so that all end together.
Only when looking for two or more people: then MediaPipe detects on every frame and a segment's
landmarks are the single pass's (``tests/test_pose_e2e.py``); its one-person tracking makes each
frame depend on the ones before (a segment started mid-clip differed by up to 4 % of the image's
size for the rest of the clip, 30 or 90 frames of warm-up did not settle it), so one person is
looked for in one process.
Each segment's per-frame candidates are joined in frame order; choosing the person
(:mod:`hiprom.capture.tracking`) runs on the whole clip afterwards, as for one pass.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hiprom.errors import ModelError

__all__ = [
    "MIN_SEGMENT_FRAMES",
    "STARTUP_FRAMES",
    "Helper",
    "available_cores",
    "join_segments",
    "plan_segments",
]

#: frames the first segment runs while a helper process starts (imports, model load: about 1.2 s)
STARTUP_FRAMES = 36
#: no segment shorter than this (a short clip runs in one process)
MIN_SEGMENT_FRAMES = 60


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def plan_segments(
    n_frames: int, jobs: int, startup_frames: int = STARTUP_FRAMES
) -> list[tuple[int, int | None]]:
    """``[(start, stop)]`` frame ranges, the calling process's first; the last runs to the clip's end
    (``stop`` None), whatever the header's frame count ``n_frames`` said. One segment when ``jobs``
    is 1, the count is unknown (0) or the clip too short for every segment to have
    :data:`MIN_SEGMENT_FRAMES`."""
    k = max(1, int(jobs))
    while k > 1 and (n_frames - startup_frames) / k < MIN_SEGMENT_FRAMES:
        k -= 1
    if k == 1 or n_frames <= 0:
        return [(0, None)]
    share = (n_frames - startup_frames) / k  # each helper's; the first runs startup_frames more
    bounds = [0] + [round(startup_frames + share * j) for j in range(1, k)]
    return [*itertools.pairwise(bounds), (bounds[-1], None)]


@dataclass
class Helper:
    """A spawned process that runs the model over one segment (:func:`_run_segment`)."""

    process: multiprocessing.process.BaseProcess
    conn: object
    start: int

    @classmethod
    def spawn(cls, clip: Path, model: Path, max_people: int, max_size_px: int | None, start: int, stop,
              outline: bool = False):  # fmt: skip
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe()
        args = (child, str(clip), str(model), max_people, max_size_px, start, stop, outline)
        process = ctx.Process(target=_run_segment, args=args, daemon=True, name=f"hiprom-pose-{start}")
        process.start()
        child.close()
        return cls(process, parent, start)

    def go(self, mirrored: bool) -> None:
        """Start on the frames (mirrored for the model or not, as the first segment's probe decided)."""
        self.conn.send(bool(mirrored))

    def result(self) -> tuple[np.ndarray, list, list, list]:
        """``(times, images, worlds, outlines)`` of the segment's frames; :class:`ModelError` if the
        process failed."""
        try:
            kind, payload = self.conn.recv()
        except (EOFError, OSError):
            kind, payload = "error", f"it stopped (exit code {self.process.exitcode})"
        finally:
            self.close()
        if kind != "done":
            raise ModelError(f"the pose pass's process for the frames from {self.start} on failed: "
                             f"{payload}; run it in one process (jobs 1)")  # fmt: skip
        return payload

    def close(self) -> None:
        self.conn.close()
        self.process.join(2.0)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(2.0)


def join_segments(times: list, images: list, worlds: list, outlines: list, helpers: list[Helper]) -> None:
    """Append each helper's candidates to this process's, in frame order; its frames must be the ones
    this process decoded after its own (same count and times), or :class:`ModelError`."""
    for helper in helpers:
        seg_times, seg_images, seg_worlds, seg_outlines = helper.result()
        start = len(images)
        mine = np.asarray(times[start : start + len(seg_images)], float)
        if (
            helper.start != start
            or mine.shape != seg_times.shape
            or not np.allclose(mine, seg_times, atol=1e-6)
        ):
            raise ModelError(f"the pose pass's segment from frame {helper.start} did not line up with the "
                             "clip's frames (a clip whose frames decode differently each time?); run it in "
                             "one process (jobs 1)")  # fmt: skip
        images.extend(seg_images)
        worlds.extend(seg_worlds)
        outlines.extend(seg_outlines)
    if len(images) != len(times):
        raise ModelError(f"the pose pass covered {len(images)} of the clip's {len(times)} frames; run it in "
                         "one process (jobs 1)")  # fmt: skip


def _run_segment(conn, clip: str, model: str, max_people: int, max_size_px, start: int, stop,
                 outline: bool = False) -> None:  # fmt: skip
    """In the helper process: load the model, wait for the orientation, detect on frames ``start``
    to ``stop`` (exclusive; None: the end) and send back their times and candidates."""
    try:
        import cv2

        from hiprom._fs import quiet_native_stderr
        from hiprom.capture.pose import PoseEstimator
        from hiprom.capture.video import open_video, prefetch

        with quiet_native_stderr(), PoseEstimator(Path(model), max_people, outline=outline) as estimator:
            mirrored = conn.recv()
            times, images, worlds, outlines = [], [], [], []
            with open_video(clip, max_size_px=max_size_px) as reader:
                # decoded in a thread of its own, as in the calling process: besides overlapping the two,
                # it keeps the frames' buffers out of the arena that holds the kept landmarks (decoded in
                # this thread, the freed frames fragmented it: +1.2 MB per frame, 3.4 GB at 120 s)
                for i, (time_s, rgb) in enumerate(prefetch(reader.frames())):
                    if stop is not None and i >= stop:
                        break
                    if i < start:
                        continue
                    image_lm, world_lm, edge = estimator.detect(cv2.flip(rgb, 1) if mirrored else rgb, time_s)
                    times.append(time_s)
                    images.append(image_lm)
                    worlds.append(world_lm)
                    outlines.append(edge)
        conn.send(("done", (np.asarray(times, float), images, worlds, outlines)))
    except BaseException as exc:  # reported to the calling process, which says what failed
        try:
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
        except OSError:
            pass
