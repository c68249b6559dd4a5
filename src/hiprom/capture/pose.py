"""Video -> landmark series, with MediaPipe's Tasks ``PoseLandmarker``.

The only module that imports mediapipe. It runs the landmarker in VIDEO mode
on every decoded frame (decoding overlaps inference in a helper thread), keeps
up to ``max_people`` candidates per frame, and hands them to
:mod:`hiprom.capture.tracking` to follow one person.

The model bundle is resolved and checked by :mod:`hiprom.capture.model`.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, closing
from pathlib import Path

import cv2
import numpy as np

from hiprom._fs import quiet_native_stderr
from hiprom.capture.markers import THIGH_CARDS, MarkerTracker, card_probe_frames
from hiprom.capture.model import resolve_model
from hiprom.capture.outline import OUTLINE_COLUMNS, lower_edge
from hiprom.capture.segments import Helper, join_segments, plan_segments
from hiprom.capture.tracking import candidate_boxes, link_tracks, select_person
from hiprom.capture.video import VideoReader, open_video, prefetch
from hiprom.errors import ModelError, NoPersonError, TooFewDetectionsError
from hiprom.landmarks import LandmarkSeries
from hiprom.skeleton import MIRROR_INDEX, N_LANDMARKS, pair

__all__ = ["ORIENTATIONS", "PoseEstimator", "ProgressFn", "extract_landmarks", "mirror_candidates"]

ProgressFn = Callable[[int, int], None]


class PoseEstimator:
    """MediaPipe ``PoseLandmarker`` in VIDEO mode (IMAGE mode with ``video=False``); a context manager.

    :meth:`detect` returns, for up to ``max_people`` people,
    ``image (k, 33, 5)`` = normalised x, y, z, visibility, presence,
    ``world (k, 33, 3)`` in metres and ``outline (k, OUTLINE_COLUMNS)``, the
    lower edge of each person's mask in pixels (:mod:`hiprom.capture.outline`;
    NaN without ``outline``).
    """

    def __init__(self, model_path: Path, max_people: int = 2, min_confidence: float = 0.5,
                 video: bool = True, outline: bool = False):  # fmt: skip
        import mediapipe as mp
        from mediapipe.tasks.python import BaseOptions, vision

        self._mp = mp
        self._video = video
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(model_path)),
            running_mode=vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE,
            num_poses=max_people,
            min_pose_detection_confidence=min_confidence,
            min_pose_presence_confidence=min_confidence,
            min_tracking_confidence=min_confidence,
            output_segmentation_masks=outline,
        )
        try:
            self._landmarker = vision.PoseLandmarker.create_from_options(options)
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"MediaPipe could not load {model_path}: {exc}") from exc
        self._last_ms = -1

    def detect(self, rgb: np.ndarray, time_s: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        mp = self._mp
        ms = max(round(time_s * 1000), self._last_ms + 1)  # VIDEO mode needs increasing ms
        self._last_ms = ms
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
        result = (
            self._landmarker.detect_for_video(image, ms) if self._video else self._landmarker.detect(image)
        )
        image_lm = np.array(
            [[(p.x, p.y, p.z, p.visibility, p.presence) for p in pose] for pose in result.pose_landmarks],
            dtype=np.float32,
        ).reshape(-1, N_LANDMARKS, 5)
        world_lm = np.array(
            [[(p.x, p.y, p.z) for p in pose] for pose in result.pose_world_landmarks], dtype=np.float32
        ).reshape(-1, N_LANDMARKS, 3)
        outline = np.full((len(image_lm), OUTLINE_COLUMNS), np.nan, np.float32)
        for k, mask in enumerate((result.segmentation_masks or [])[: len(image_lm)]):
            outline[k] = lower_edge(mask.numpy_view())
        return image_lm, world_lm, outline

    def close(self) -> None:
        self._landmarker.close()

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


#: what the model is shown: the frames as filmed, or mirrored when that puts a lying person's head on
#: the right (the pose model reads a lying body's hip and knee less well with the head on the left)
ORIENTATIONS = ("as-filmed", "head-right")
_PROBE_FRAMES = 12  # frames buffered at the start to find which way the head points (every 3rd probed)


def _head_on_left(model: Path, frames: list[np.ndarray]) -> bool:
    """True when a lying person's shoulders are left of their hips in most probed frames."""
    votes = []
    with PoseEstimator(model, 1, video=False) as probe:
        for rgb in frames:
            image_lm, _, _ = probe.detect(rgb, 0.0)
            if len(image_lm):
                trunk = image_lm[0, pair("shoulder"), :2].mean(axis=0) - image_lm[0, pair("hip"), :2].mean(
                    axis=0
                )
                if abs(trunk[0]) > abs(trunk[1]):  # lying across the frame
                    votes.append(trunk[0] < 0)
    return bool(votes) and bool(2 * sum(votes) > len(votes))


def mirror_candidates(
    cand: np.ndarray, cand_world: np.ndarray, width_px: int
) -> tuple[np.ndarray, np.ndarray]:
    """Landmarks found on horizontally mirrored frames, mapped back to the frames as filmed.

    Parameters
    ----------
    cand : (..., 33, 5) array
        Pixel x, y, depth, visibility, presence on the mirrored frames.
    cand_world : (..., 33, 3) array
        Metric landmarks (x right) on the mirrored frames.
    width_px : int

    Returns
    -------
    (cand, cand_world) with x reflected and left and right landmarks swapped.
    """
    cand = cand[..., list(MIRROR_INDEX), :].copy()
    cand[..., 0] = width_px - cand[..., 0]
    cand_world = cand_world[..., list(MIRROR_INDEX), :].copy()
    cand_world[..., 0] = -cand_world[..., 0]
    return cand, cand_world


def _run_model(
    reader: VideoReader,
    estimator: PoseEstimator,
    model: Path,
    max_people: int,
    progress: ProgressFn | None,
    orientation: str,
    helpers: list[Helper] = (),
    own_stop: int | None = None,
):
    """Candidates of every frame as padded arrays (in the frames' own orientation), and the flip made.

    With ``helpers`` (:mod:`hiprom.capture.segments`) this process detects on the frames before
    ``own_stop`` only (it decodes every frame, for the card's tracker) and the helpers on the rest."""
    width, height = reader.info.width_px, reader.info.height_px
    times, images, worlds, outlines = [], [], [], []
    expected = reader.info.n_frames_expected
    probe = card_probe_frames(reader.info.fps_nominal)
    tracker, thigh = MarkerTracker(probe), MarkerTracker(probe, cards=THIGH_CARDS)

    mirror = threading.Event()  # set once the probe has decided; frames decoded after it come mirrored

    def decoded() -> Iterator:
        for i, (time_s, rgb) in enumerate(reader.frames()):
            # in the decode thread, while the model works on the previous frame; one detection for both cards
            frame = tracker.frame(rgb) if tracker.looking or thigh.looking else None
            tracker.update(rgb, frame)
            thigh.update(rgb, frame)
            mine = own_stop is None or i < own_stop  # a helper's frames are not shown to this model
            yield time_s, (cv2.flip(rgb, 1) if mirror.is_set() and mine else None), rgb

    frames = prefetch(decoded())
    first = list(itertools.islice(frames, _PROBE_FRAMES))
    mirrored = orientation == "head-right" and _head_on_left(model, [f[2] for f in first[::3]])
    if mirrored:
        mirror.set()
    for helper in helpers:
        helper.go(mirrored)
    share = expected / own_stop if own_stop else 1.0  # the helpers progress alongside
    for time_s, flipped, rgb in itertools.chain(first, frames):
        times.append(time_s)
        if own_stop is not None and len(times) > own_stop:
            continue  # a helper's frame: decoded here for the card's tracker only
        if mirrored and flipped is None:  # decoded before the decision
            flipped = cv2.flip(rgb, 1)
        image_lm, world_lm, outline = estimator.detect(flipped if mirrored else rgb, time_s)
        images.append(image_lm)
        worlds.append(world_lm)
        outlines.append(outline)
        if progress:
            progress(min(round(len(times) * share), max(expected - 1, len(times))), expected)
    join_segments(times, images, worlds, outlines, helpers)
    if progress and helpers:
        progress(len(times), expected)
    n_frames = len(times)
    cand = np.full((n_frames, max_people, N_LANDMARKS, 5), np.nan, dtype=np.float32)
    cand_world = np.full((n_frames, max_people, N_LANDMARKS, 3), np.nan, dtype=np.float32)
    cand_outline = np.full((n_frames, max_people, OUTLINE_COLUMNS), np.nan, dtype=np.float32)
    for f, (im, wo, ou) in enumerate(zip(images, worlds, outlines, strict=True)):
        cand[f, : len(im)] = im
        cand_world[f, : len(wo)] = wo
        cand_outline[f, : len(ou)] = ou
    cand[..., 0] *= width
    cand[..., 1] *= height
    cand[..., 2] *= width
    if mirrored:
        cand, cand_world = mirror_candidates(cand, cand_world, width)
        cand_outline = cand_outline[..., ::-1]  # the columns are symmetric about the image's centre
    time_s = np.asarray(times, dtype=np.float64)
    return time_s, cand, cand_world, cand_outline, (tracker, thigh), mirrored


def _every_frame(clip, model: Path, max_people: int, opened: dict, jobs: int, progress, orientation: str,
                 outline: bool = False):  # fmt: skip
    """The model on every frame, in ``jobs`` processes where it can (:mod:`hiprom.capture.segments`):
    ``_run_model``'s results, the video's info and the segments run."""
    with ExitStack() as stack:
        reader = stack.enter_context(open_video(clip, **opened))
        # one process when looking for one person: its tracking makes frames depend on the ones before
        segments = plan_segments(reader.info.n_frames_expected, jobs if max_people >= 2 else 1)
        helpers = [  # started first: they load the model while this process probes the orientation
            stack.enter_context(
                closing(Helper.spawn(Path(clip), model, max_people, opened["max_size_px"], a, b, outline))
            )
            for a, b in segments[1:]
        ]
        stack.enter_context(quiet_native_stderr())
        est = stack.enter_context(PoseEstimator(model, max_people, outline=outline))
        found = _run_model(reader, est, model, max_people, progress, orientation, helpers, segments[0][1])
        return (*found, reader.info, segments)


def extract_landmarks(
    clip: str | Path,
    *,
    model_path: str | Path | None = None,
    max_people: int = 2,
    person: str = "auto",
    max_size_px: int | None = None,
    max_duration_s: float | None = None,
    orientation: str = "as-filmed",
    min_detected_fraction: float = 0.25,
    min_detected_frames: int = 5,
    progress: ProgressFn | None = None,
    jobs: int = 1,
    outline: bool = False,
) -> LandmarkSeries:
    """Run pose estimation on a clip and return the tested person's series.

    Parameters
    ----------
    clip : path
        A video file (phone MP4/MOV or anything FFmpeg decodes).
    model_path : path, optional
        A PoseLandmarker ``.task`` bundle; default the bundled full model.
    max_people : int
        Poses per frame MediaPipe looks for (1 is fastest; 2+ lets hiprom
        choose the tested person when others are in view).
    person : str
        How to choose among people: see :func:`hiprom.capture.tracking.select_person`.
    max_size_px : int, optional
        Downscale frames so their longer side is at most this (for speed).
    max_duration_s : float, optional
        Refuse a clip whose decoded frames run longer (the web app's limit).
    orientation : {"as-filmed", "head-right"}
        ``"head-right"``: a person lying across the frame head-left (found on
        a few frames at the start) is shown to the model mirrored, the
        landmarks mapped back (peak angles 2-3x less wrong on the benchmark,
        ``docs/knee-to-chest.md``); ``meta["mirrored_for_model"]`` says so.
    min_detected_fraction, min_detected_frames : float, int
        Refuse when the chosen person is detected in fewer frames.
    progress : callable(n_done, n_expected), optional
    jobs : int
        Processes for the pose pass (:mod:`hiprom.capture.segments`): the clip's later segments
        run in processes of their own; a short clip runs in one.
    outline : bool
        Also keep the lower edge of the person's segmentation mask (``outline_px``,
        :mod:`hiprom.capture.outline`), from the same pass.

    Raises
    ------
    NoPersonError, TooFewDetectionsError, ModelError
        and the video errors of :func:`hiprom.capture.video.open_video`.
    """
    if max_people < 1 or orientation not in ORIENTATIONS:
        raise ValueError(f"max_people must be at least 1 and orientation one of {ORIENTATIONS}")
    model, model_sha = resolve_model(model_path)
    opened = {"max_size_px": max_size_px, "max_duration_s": max_duration_s}
    time_s, cand, cand_world, cand_outline, (tracker, thigh), mirrored, info, segments = _every_frame(
        clip, model, max_people, opened, jobs, progress, orientation, outline
    )
    start_s, name = float(time_s[0]), Path(clip).name
    time_s = _strictly_increasing(time_s - start_s)
    least = max(min_detected_frames, min_detected_fraction * time_s.shape[0])
    lm, world, track, track_id, chosen = _pick_person(cand, cand_world, time_s, info, person, name, least)
    if tracker.mirrored:  # a mirrored clip (the card reads only mirrored): the body's sides swap
        lm, world = lm[:, MIRROR_INDEX], world[:, MIRROR_INDEX]
    meta = _series_meta(name, info, time_s, start_s, max_size_px, model, model_sha, max_people, person,
                        track, track_id, (tracker, thigh), orientation, mirrored)  # fmt: skip
    meta["pose_processes"] = len(segments)  # the pass's segments, each in its own process
    return LandmarkSeries(
        time_s=time_s,
        image_px=lm[..., :2],
        depth_px=lm[..., 2],
        visibility=lm[..., 3],
        presence=lm[..., 4],
        world_m=world,
        meta=meta,
        marker_ccw_deg=tracker.angles(),
        thigh_card_ccw_deg=thigh.angles(),
        outline_px=_chosen(cand_outline, chosen) if outline else None,
    )


def _chosen(cand: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """(n_frames, ...) the chosen candidate's row of ``cand (n_frames, k, ...)``, NaN where none was."""
    rows = cand[np.arange(chosen.shape[0]), np.maximum(chosen, 0)]
    return np.where((chosen >= 0).reshape(-1, *[1] * (rows.ndim - 1)), rows, np.nan)


def _pick_person(cand, cand_world, time_s, info, person: str, name: str, min_frames: float):
    """The tested person's landmarks among each frame's candidates: (image, world, track, track ids)."""
    n_frames = time_s.shape[0]
    boxes = candidate_boxes(cand[..., :2], cand[..., 3])
    fps_guess = info.fps_nominal or (n_frames / max(time_s[-1], 1e-9))
    track_id = link_tracks(boxes, max_gap_frames=max(1, round(fps_guess)))
    size = (info.width_px, info.height_px)
    chosen, track = select_person(track_id, boxes, size, person)
    if track < 0:
        raise NoPersonError(f"no person found in {name} ({n_frames} frames)")
    lm, world = _chosen(cand, chosen), _chosen(cand_world, chosen)
    n_detected = int((chosen >= 0).sum())
    if n_detected < min_frames:
        raise TooFewDetectionsError(
            f"the person in {name} was detected in only {n_detected} of {n_frames} frames; "
            "keep the whole body, head included, in frame and well lit"
        )
    return lm, world, track, track_id, chosen


def _series_meta(name, info, time_s, start_s, max_size_px, model, model_sha, max_people, person, track,
                 track_id, trackers, orientation, mirrored) -> dict:  # fmt: skip
    """The facts a landmark series carries about its clip and how it was made (``trackers``: the pelvis
    card's and the thigh card's)."""
    import mediapipe

    from hiprom import __version__

    tracker, thigh = trackers
    n_frames = time_s.shape[0]
    duration = float(time_s[-1]) if n_frames > 1 else 0.0
    return {
        "clip_name": name,
        "width_px": info.width_px,
        "height_px": info.height_px,
        "source_width_px": info.source_width_px,
        "source_height_px": info.source_height_px,
        "rotation_deg": info.rotation_deg,
        "codec": info.codec,
        "fps_nominal": info.fps_nominal,
        "fps_measured": (n_frames - 1) / duration if duration > 0 else None,
        "start_time_s": start_s,
        "n_frames": n_frames,
        "n_frames_expected": info.n_frames_expected,  # what the header announced (0: unknown)
        "max_size_px": max_size_px,
        "model_name": model.name,
        "model_sha256": model_sha,
        "mediapipe_version": mediapipe.__version__,
        "hiprom_version": __version__,
        "max_people": max_people,
        "person_rule": person,
        "person_track": track,
        "n_tracks": int(track_id.max()) + 1,
        "frames_with_other_people": int(((track_id >= 0) & (track_id != track)).any(axis=1).sum()),
        "marker_id": tracker.marker_id,
        "marker_card_ids": list(tracker.card_ids) if tracker.card_ids is not None else None,  # CARDS
        "marker_tracked_frames": tracker.tracked_runs() if tracker.marker_id is not None else [],
        # the clip itself mirrored (front camera), from the card; None: no card to tell (sides assume not)
        "mirrored_clip": tracker.mirrored,
        "orientation": orientation,
        "mirrored_for_model": mirrored,
        "thigh_card_ids": list(thigh.card_ids) if thigh.card_ids is not None else None,
        "thigh_card_tracked_frames": thigh.tracked_runs() if thigh.marker_id is not None else [],
        "thigh_card_mirrored": thigh.mirrored,  # read in the mirror image (None: no thigh card)
    }


def _strictly_increasing(time_s: np.ndarray) -> np.ndarray:
    """Nudge repeated timestamps (rare in VFR phone clips) forward by 1 microsecond."""
    if time_s.size < 2 or np.all(np.diff(time_s) > 0):
        return time_s
    out = time_s.copy()
    for i in range(1, out.size):
        if out[i] <= out[i - 1]:
            out[i] = out[i - 1] + 1e-6
    return out
