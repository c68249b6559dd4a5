"""Write small test videos with PyAV (no mediapipe needed)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import av
import numpy as np

from hiprom.capture.encode import VideoWriter


def write_video(
    path: Path,
    frames: Iterable[np.ndarray],
    fps: int = 30,
    *,
    rotation_ccw_deg: int = 0,
    times_s: Sequence[float] | None = None,
    crf: int = 18,
    faststart: bool = True,
) -> Path:
    """Encode RGB frames to H.264 MP4 with hiprom's own writer.

    ``rotation_ccw_deg`` tags the stream with a display rotation (the angle a
    player rotates the stored frames counter-clockwise to show them).
    ``times_s`` gives each frame's own timestamp (variable frame rate).
    """
    with VideoWriter(path, fps, crf=crf, rotation_ccw_deg=rotation_ccw_deg, faststart=faststart) as writer:
        for i, rgb in enumerate(frames):
            writer.write(rgb, None if times_s is None else float(times_s[i]))
    return path


def read_frames(path: Path, limit: int | None = None) -> list[np.ndarray]:
    """Decode a clip's coded frames (no rotation applied)."""
    out = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            out.append(frame.to_ndarray(format="rgb24"))
            if limit and len(out) >= limit:
                break
    return out


def pattern_frame(width: int, height: int, index: int = 0) -> np.ndarray:
    """An asymmetric test image: a red block top-left, a moving blue bar."""
    img = np.full((height, width, 3), 200, dtype=np.uint8)
    img[: height // 4, : width // 4] = (220, 30, 30)
    x = (index * 7) % max(width - 8, 1)
    img[:, x : x + 8] = (30, 30, 220)
    return img
