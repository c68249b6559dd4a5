"""Open a phone clip: display rotation, real timestamps, RGB frames.

Phones record variable frame rate and often store portrait clips as landscape
pixels with a display-rotation tag. This module is the only place that decodes
video (through PyAV's FFmpeg) and it hands out upright RGB frames with each
frame's own presentation time in seconds, never ``index / fps``.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from hiprom.errors import (
    BadInputError,
    CorruptVideoError,
    EmptyVideoError,
    InputNotFoundError,
    NotAVideoError,
)

__all__ = ["VideoInfo", "VideoReader", "open_video", "prefetch", "sha256_file"]


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about a clip, in display orientation.

    Attributes
    ----------
    path : str
    width_px, height_px : int
        Size of the frames handed out (upright, after any downscale).
    source_width_px, source_height_px : int
        Coded size in the file, before rotation and downscale.
    rotation_deg : int
        Counter-clockwise display rotation applied to the coded frames
        (0, 90, 180 or 270).
    fps_nominal : float
        The stream's average rate; only a description, timestamps come
        from each frame.
    n_frames_expected : int
        Frame count from the container index (0 when unknown).
    duration_s : float
        Container duration (NaN when unknown).
    codec : str
    """

    path: str
    width_px: int
    height_px: int
    source_width_px: int
    source_height_px: int
    rotation_deg: int
    fps_nominal: float
    n_frames_expected: int
    duration_s: float
    codec: str


def sha256_file(path: str | Path, chunk_bytes: int = 1 << 20) -> str:
    """SHA-256 hex digest of a file's bytes (:class:`BadInputError` when it may not be read)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(chunk_bytes):
                digest.update(chunk)
    except PermissionError:
        raise BadInputError(f"cannot read {Path(path).name}: permission denied") from None
    return digest.hexdigest()


#: The largest frame hiprom decodes: 4096 x 4096 (16.8 megapixels; a 4K phone films 3840 x 2160). A
#: small file can declare frames of 16000 x 16000 (768 MB each as RGB): refused before decoding one.
MAX_FRAME_PIXELS = 4096 * 4096


def _check_frame_size(name: str, width: int, height: int) -> None:
    if width * height > MAX_FRAME_PIXELS:
        raise BadInputError(
            f"{name} has frames of {width} x {height} pixels, more than hiprom decodes "
            f"({MAX_FRAME_PIXELS / 1e6:.1f} megapixels, e.g. 4096 x 4096); film at 4K or less"
        )


def _has_video_signature(path: Path) -> bool:
    """True if the file starts like an MP4/MOV (ISO-BMFF), Matroska/WebM, or AVI."""
    with open(path, "rb") as fh:
        head = fh.read(16)
    return (
        head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free")
        or head.startswith(b"\x1a\x45\xdf\xa3")
        or (head.startswith(b"RIFF") and head[8:12] == b"AVI ")
    )


def _scaled_size(width: int, height: int, max_size_px: int | None) -> tuple[int, int]:
    """Size after fitting the longer side into ``max_size_px`` (even numbers)."""
    if not max_size_px or max(width, height) <= max_size_px:
        return width, height
    scale = max_size_px / max(width, height)
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


def _normalise_rotation(rotation_ccw_deg: float) -> int:
    """Snap FFmpeg's display rotation (-180..180, counter-clockwise) to 0/90/180/270."""
    return round(rotation_ccw_deg / 90.0) % 4 * 90


class VideoReader:
    """Iterate a clip's frames as ``(time_s, rgb)`` pairs, upright.

    Use :func:`open_video`; close it (or use it as a context manager).
    ``rgb`` is a C-contiguous ``(height_px, width_px, 3)`` uint8 array.
    """

    def __init__(self, path: Path, max_size_px: int | None = None, max_duration_s: float | None = None):
        self.path = path
        self._max_size_px = max_size_px
        self._max_duration_s = max_duration_s
        try:
            self._container = av.open(str(path), mode="r")
        except av.error.FileNotFoundError as exc:
            raise InputNotFoundError(f"no such file: {path}") from exc
        except (av.error.FFmpegError, UnicodeDecodeError) as exc:
            if _has_video_signature(path):
                raise CorruptVideoError(
                    f"{path.name} looks like a video but cannot be opened (truncated or corrupt; "
                    "an interrupted phone recording lacks its index)"
                ) from exc
            raise NotAVideoError(f"{path.name} is not a video FFmpeg can read") from exc
        if not self._container.streams.video:
            streams = len(self._container.streams)
            self._container.close()
            if streams == 0 and _has_video_signature(path):  # a video's container with no track left
                raise CorruptVideoError(
                    f"{path.name} looks like a video but its index lists no tracks (corrupt or truncated)"
                )
            raise NotAVideoError(f"{path.name} has no video stream")
        if self._container.format.name.endswith("_pipe") or self._container.format.name == "image2":
            self._container.close()
            raise NotAVideoError(f"{path.name} is a still image, not a video")
        self._stream = self._container.streams.video[0]
        self._stream.thread_type = "AUTO"
        try:
            self.info = self._probe()
        except BaseException:
            self._container.close()
            raise

    def _probe(self) -> VideoInfo:
        stream = self._stream
        width, height = stream.codec_context.width, stream.codec_context.height
        if width <= 0 or height <= 0:
            raise NotAVideoError(f"{self.path.name}: video stream has no frame size")
        _check_frame_size(self.path.name, width, height)  # before the first frame is decoded
        rotation = self._probe_rotation()
        self._coded_out = _scaled_size(width, height, self._max_size_px)
        out_w, out_h = self._coded_out
        if rotation in (90, 270):
            out_w, out_h = out_h, out_w
        rate = stream.average_rate or stream.guessed_rate or Fraction(0)
        duration = math.nan
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif self._container.duration is not None:
            duration = self._container.duration / av.time_base
        return VideoInfo(
            path=str(self.path),
            width_px=out_w,
            height_px=out_h,
            source_width_px=width,
            source_height_px=height,
            rotation_deg=rotation,
            fps_nominal=float(rate),
            n_frames_expected=int(stream.frames or 0),
            duration_s=duration,
            codec=stream.codec_context.name,
        )

    def _probe_rotation(self) -> int:
        """Display rotation from the first frame's side data (the container's matrix)."""
        self._decoder = self._container.decode(self._stream)
        try:
            first = next(self._decoder)
        except StopIteration:
            raise EmptyVideoError(f"{self.path.name} holds no video frames") from None
        except av.error.FFmpegError as exc:
            raise CorruptVideoError(
                f"{self.path.name} is corrupt or truncated: its first frame does not decode"
            ) from exc
        self._first_frame = first  # handed out first by frames(); no seek back
        return _normalise_rotation(first.rotation)

    def frames(self) -> Iterator[tuple[float, np.ndarray]]:
        """Yield ``(time_s, rgb)`` for every frame, in presentation order."""
        n_out, start_s = 0, 0.0
        width, height = self._coded_out
        k_ccw = self.info.rotation_deg // 90
        if self._first_frame is None:
            raise RuntimeError("VideoReader.frames() can be iterated only once")
        decoded = itertools.chain([self._first_frame], self._decoder)
        self._first_frame = None
        try:
            for frame in decoded:
                if frame.pts is None:
                    continue
                _check_frame_size(self.path.name, frame.width, frame.height)  # a stream may change size
                time_s = float(frame.pts * frame.time_base)
                if n_out == 0:
                    start_s = time_s
                if self._max_duration_s is not None:
                    if time_s - start_s > self._max_duration_s:  # the frames' own times, not the header's
                        raise BadInputError(
                            f"{self.path.name} runs past {self._max_duration_s:.0f} s of decoded frames; "
                            f"the limit is {self._max_duration_s:.0f} s"
                        )
                rgb = frame.to_ndarray(format="rgb24", width=width, height=height)
                if k_ccw:
                    rgb = np.rot90(rgb, k=k_ccw)
                # FFmpeg pads rows to an aligned stride; consumers (MediaPipe) need packed rows
                rgb = np.ascontiguousarray(rgb)
                n_out += 1
                yield time_s, rgb
        except av.error.FFmpegError as exc:
            raise CorruptVideoError(
                f"{self.path.name} is corrupt or truncated: decoding failed after "
                f"{n_out} of {self.info.n_frames_expected or '?'} frames"
            ) from exc
        if n_out == 0:
            raise EmptyVideoError(f"{self.path.name} holds no decodable video frames")
        expected = self.info.n_frames_expected
        if expected and n_out < 0.9 * expected - 1:
            raise CorruptVideoError(f"{self.path.name} is truncated: {n_out} of {expected} frames decoded")

    def close(self) -> None:
        self._container.close()

    def __enter__(self) -> VideoReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_video(
    path: str | Path, max_size_px: int | None = None, max_duration_s: float | None = None
) -> VideoReader:
    """Open a clip for reading.

    Parameters
    ----------
    path : str or Path
        Any container/codec FFmpeg decodes (phone MP4/MOV, H.264/HEVC).
    max_size_px : int, optional
        Downscale so the longer side is at most this many pixels (for speed).
    max_duration_s : float, optional
        Refuse (:class:`BadInputError`, while decoding) a clip whose frames run longer,
        whatever its header claims.

    Raises
    ------
    InputNotFoundError, NotAVideoError, CorruptVideoError, EmptyVideoError
    """
    path = Path(path)
    if not path.exists():
        raise InputNotFoundError(f"no such file: {path}")
    if not path.is_file():
        raise NotAVideoError(f"{path} is not a file")
    if path.stat().st_size == 0:
        raise EmptyVideoError(f"{path.name} is empty (0 bytes)")
    try:
        with open(path, "rb"):
            pass
    except PermissionError:
        raise BadInputError(f"cannot read {path.name}: permission denied") from None
    return VideoReader(path, max_size_px=max_size_px, max_duration_s=max_duration_s)


def prefetch(frames: Iterator, depth: int = 4) -> Iterator:
    """Decode in a helper thread so decoding overlaps inference."""
    q: queue.Queue = queue.Queue(maxsize=depth)
    done = object()
    stop = threading.Event()

    def work() -> None:
        try:
            for item in frames:
                if stop.is_set():
                    return
                q.put(item)
            q.put(done)
        except BaseException as exc:  # re-raised in the consumer
            q.put(exc)

    thread = threading.Thread(target=work, name="hiprom-decode", daemon=True)
    thread.start()
    try:
        while (item := q.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            try:
                q.get_nowait()
            except queue.Empty:
                thread.join(0.05)
