"""Write H.264 MP4 clips that browsers play (PyAV's FFmpeg with libx264).

Written to a temporary file beside the target and renamed when complete, so a
crash never leaves a half-written clip under the final name.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from hiprom._fs import atomic_output
from hiprom.errors import OutputError

__all__ = ["VideoWriter"]


class VideoWriter:
    """Encode RGB frames; use as a context manager.

    Parameters
    ----------
    path : path of the ``.mp4`` to create.
    fps : nominal frame rate.
    crf : x264 constant rate factor (lower = better; 18 visually lossless, 23 default).
    rotation_ccw_deg : display-rotation tag (players turn the frames counter-clockwise).
    faststart : put the index first (web playback); ``False`` leaves it at the end,
        as a phone does (tests use it to mimic an interrupted recording).
    """

    def __init__(
        self,
        path: str | Path,
        fps: float,
        crf: int = 20,
        rotation_ccw_deg: int = 0,
        preset: str = "veryfast",
        faststart: bool = True,
    ):
        self.path = Path(path)
        self.fps = fps
        self._time_base = Fraction(1, 90000)
        self._options = {"crf": str(crf), "preset": preset}
        self._rotation = rotation_ccw_deg
        self._stream = None
        self._atomic = atomic_output(self.path)
        self._tmp = self._atomic.__enter__()
        try:
            options = {"movflags": "+faststart"} if faststart else {}
            self._container = av.open(str(self._tmp), mode="w", format="mp4", options=options)
        except av.error.FFmpegError as exc:
            self._atomic.__exit__(type(exc), exc, None)
            raise OutputError(f"cannot write {self.path}: {exc}") from exc
        self.n_frames = 0

    def write(self, rgb: np.ndarray, time_s: float | None = None) -> None:
        """Append one ``(height, width, 3)`` uint8 frame (even sizes for yuv420p)."""
        if self._stream is None:
            stream = self._container.add_stream("libx264", rate=Fraction(self.fps).limit_denominator(1000))
            stream.width, stream.height = rgb.shape[1], rgb.shape[0]
            stream.pix_fmt = "yuv420p"
            stream.time_base = self._time_base
            stream.codec_context.time_base = self._time_base
            stream.options = dict(self._options)
            if self._rotation:
                stream.set_display_rotation(self._rotation)
            self._stream = stream
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
        t = time_s if time_s is not None else self.n_frames / self.fps
        frame.pts = round(t / self._time_base)
        frame.time_base = self._time_base
        for packet in self._stream.encode(frame):
            self._container.mux(packet)
        self.n_frames += 1

    def close(self, commit: bool = True) -> None:
        """Finish the file; with ``commit`` (and frames written) it takes its final name."""
        error: BaseException | None = None
        try:
            if self._stream is not None and commit:
                for packet in self._stream.encode():
                    self._container.mux(packet)
            self._container.close()
        except BaseException as exc:  # re-raised below, after the temp file is gone
            error = exc
        ok = commit and self.n_frames > 0 and error is None
        failure = error or RuntimeError("discarded")
        self._atomic.__exit__(None if ok else type(failure), None if ok else failure, None)
        if error is not None:
            raise error

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(self, exc_type, *rest) -> None:
        self.close(commit=exc_type is None)
