"""Write small test videos with PyAV (no mediapipe needed)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np


def write_video(
    path: Path,
    frames: Iterable[np.ndarray],
    fps: int = 30,
    *,
    rotation_ccw_deg: int = 0,
    times_s: Sequence[float] | None = None,
    crf: int = 18,
) -> Path:
    """Encode RGB frames to H.264 MP4.

    ``rotation_ccw_deg`` tags the stream with a display rotation (the angle a
    player rotates the stored frames counter-clockwise to show them).
    ``times_s`` gives each frame's own timestamp (variable frame rate).
    """
    time_base = Fraction(1, 90000)
    with av.open(str(path), mode="w") as container:
        stream = None
        for i, rgb in enumerate(frames):
            if stream is None:
                stream = container.add_stream("libx264", rate=fps)
                stream.width, stream.height = rgb.shape[1], rgb.shape[0]
                stream.pix_fmt = "yuv420p"
                stream.time_base = time_base
                stream.codec_context.time_base = time_base
                stream.options = {"crf": str(crf), "preset": "veryfast"}
                if rotation_ccw_deg:
                    stream.set_display_rotation(rotation_ccw_deg)
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
            t = times_s[i] if times_s is not None else i / fps
            frame.pts = round(t / time_base)
            frame.time_base = time_base
            for packet in stream.encode(frame):
                container.mux(packet)
        if stream is not None:
            for packet in stream.encode():
                container.mux(packet)
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
