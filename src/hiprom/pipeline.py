"""The one place that wires hiprom's stages together.

``clip -> landmarks`` (cached) ``-> analysis -> result files``; the CLI and
the web app call only these functions.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path

from hiprom.cache import LandmarkCache
from hiprom.errors import BadInputError, NoPersonError, TooFewDetectionsError
from hiprom.landmarks import LandmarkSeries
from hiprom.pose import ProgressFn, extract_landmarks, resolve_model
from hiprom.tracking import check_person_rule
from hiprom.video import open_video, sha256_file

__all__ = ["LANDMARK_ORIENTATION", "AnalysisRun", "LandmarkRun", "analyze", "get_landmarks"]


#: what the pose model is shown for each test (see hiprom.pose.extract_landmarks): a lying body side-on
#: is mirrored to put its head on the right, where the model's peak hip angles erred 2-3x less
LANDMARK_ORIENTATION = {"knee-to-chest": "head-right", "hip-ir": "as-filmed"}


@dataclass(frozen=True)
class LandmarkRun:
    """A landmark series and how it was obtained."""

    series: LandmarkSeries
    from_cache: bool
    elapsed_s: float


def get_landmarks(
    clip: str | Path,
    *,
    model_path: str | Path | None = None,
    max_people: int = 2,
    person: str = "auto",
    max_size_px: int | None = None,
    orientation: str = "as-filmed",
    use_cache: bool = True,
    cache_dir: str | Path | None = None,
    progress: ProgressFn | None = None,
) -> LandmarkRun:
    """Landmarks of the tested person in ``clip``, from the cache when possible.

    ``orientation``: see :func:`hiprom.pose.extract_landmarks` (the
    knee-to-chest analysis uses ``"head-right"``). Raises the
    :mod:`hiprom.errors` kinds for bad input (see
    :func:`hiprom.pose.extract_landmarks`).
    """
    start = time.perf_counter()
    check_person_rule(person)
    with open_video(clip):  # fail fast, with the video's own error, before hashing
        pass
    _, model_sha = resolve_model(model_path)
    clip_sha = sha256_file(clip)
    # "markers": the series carries the pelvis card's angles, found in the same pass
    settings = {"max_people": max_people, "person": person, "max_size_px": max_size_px, "markers": 1}
    if orientation != "as-filmed":  # (keys made before the option existed stay valid)
        settings["orientation"] = orientation
    cache = LandmarkCache(cache_dir) if use_cache else None
    key = LandmarkCache.key(clip_sha, model_sha, settings)
    if cache is not None and (hit := cache.get(key)) is not None:
        return LandmarkRun(hit, True, time.perf_counter() - start)
    series = extract_landmarks(
        clip,
        model_path=model_path,
        max_people=max_people,
        person=person,
        max_size_px=max_size_px,
        orientation=orientation,
        progress=progress,
    )
    series = dataclasses.replace(series, meta={**series.meta, "clip_sha256": clip_sha})
    if cache is not None:
        cache.put(key, series)
    return LandmarkRun(series, False, time.perf_counter() - start)


@dataclass(frozen=True)
class AnalysisRun:
    """What ``analyze`` produced: the result document and the files written."""

    document: dict
    paths: dict[str, Path]
    landmarks: LandmarkRun


def analyze(
    clip: str | Path,
    out_dir: str | Path,
    *,
    test: str = "knee-to-chest",
    position: str | None = None,
    side: str | None = None,
    marker: str = "auto",
    model_path: str | Path | None = None,
    max_people: int = 2,
    person: str = "auto",
    use_cache: bool = True,
    cache_dir: str | Path | None = None,
    progress: ProgressFn | None = None,
    video: bool = True,
    blur_faces: bool = False,
    athlete: str | None = None,
    session_date: str | None = None,
    notes: str = "",
    db: str | None = None,
) -> AnalysisRun:
    """Analyse a clip end to end; write ``frames.csv``, a plot and ``result.json`` into ``out_dir``.

    ``test``: ``"knee-to-chest"`` or ``"hip-ir"`` (which needs ``position``:
    supine, seated or prone; ``side`` restricts it to one leg). ``marker``
    (knee-to-chest): ``"auto"`` (use the printed card when it is in view),
    ``"on"`` (require it) or ``"off"`` (markerless). ``video``: also write
    ``annotated.mp4`` (faces blurred with ``blur_faces``); key frames
    (``key_*.jpg``, faces always blurred) are written for reports.
    ``result.json`` is written last: its presence means the whole set is
    complete. With ``athlete``, the result is then recorded in the store
    (``db`` URL, default :func:`hiprom.store.db.default_url`) under the
    session of ``session_date`` (YYYY-MM-DD, default today), in one
    transaction.
    """
    from hiprom.store.records import parse_date

    date = parse_date(session_date)  # refuse a bad date before the slow part

    if test not in ("knee-to-chest", "hip-ir"):
        raise BadInputError(f"unknown test {test!r}: use knee-to-chest or hip-ir")
    if test == "hip-ir" and position is None:
        raise BadInputError("the hip-ir test needs --position supine, seated or prone")
    if test == "knee-to-chest" and position not in (None, "supine"):
        raise BadInputError("the knee-to-chest test is done supine; --position does not apply")
    if side not in (None, "left", "right"):
        raise BadInputError(f"--side must be left or right, got {side!r}")
    if marker not in ("auto", "on", "off"):
        raise BadInputError(f"--marker must be auto, on or off, got {marker!r}")
    if test == "hip-ir":
        from hiprom.analysis.hip_ir import POSITIONS

        if position not in POSITIONS:  # before the slow landmark pass
            raise BadInputError(f"--position must be one of {', '.join(POSITIONS)}, got {position!r}")
    try:
        run = get_landmarks(clip, model_path=model_path, max_people=max_people, person=person,
                            orientation=LANDMARK_ORIENTATION[test],
                            use_cache=use_cache, cache_dir=cache_dir, progress=progress)  # fmt: skip
    except (NoPersonError, TooFewDetectionsError) as exc:
        raise _with_prone_hint(exc, test, position) from None
    warnings: list[str] = []
    if run.series.detection_rate < 0.9:
        warnings.append(f"the person was detected in only {100 * run.series.detection_rate:.0f}% of frames")
    out_dir = Path(out_dir)
    if athlete is not None:
        from hiprom.store.db import open_store

        open_store(db).close()  # a store that cannot be opened fails now, not after the analysis
    if test == "hip-ir":
        try:
            document, paths = _hip_ir(clip, run.series, out_dir, position, side, warnings, video, blur_faces)
        except BadInputError as exc:
            raise _with_prone_hint(exc, test, position) from None
    else:
        document, paths = _knee_to_chest(clip, run.series, out_dir, marker, side, warnings, video, blur_faces)
    if athlete is not None:
        from hiprom.store.db import open_store
        from hiprom.store.records import record_analysis

        store = open_store(db)
        try:
            record_analysis(store, athlete, document, paths, date=date, notes=notes)
        finally:
            store.close()
    return AnalysisRun(document, paths, run)


PRONE_HINT = (
    " (prone hip rotation filmed from the foot end could not be measured with the bundled pose "
    "model on any benchmark clip: the face is hidden and the legs get lost; use the seated or supine test)"
)


def _with_prone_hint(exc: BadInputError, test: str, position: str | None) -> BadInputError:
    """The same refusal, saying for a prone test that the view itself is the problem."""
    if test != "hip-ir" or position != "prone":
        return exc
    return type(exc)(str(exc) + PRONE_HINT)


def _frame_at(series: LandmarkSeries, time_s: float) -> int:
    import numpy as np

    return int(min(np.searchsorted(series.time_s, time_s), series.n_frames - 1))


def _meta(series: LandmarkSeries) -> dict:
    return {k: series.meta.get(k) for k in ("clip_name", "clip_sha256", "width_px", "height_px",
                                            "fps_measured", "n_frames", "model_sha256")}  # fmt: skip


def _knee_to_chest(
    clip, series: LandmarkSeries, out_dir: Path, marker: str, side, warnings, video: bool, blur_faces: bool
):
    import numpy as np

    from hiprom.analysis.knee_to_chest import (
        POSE_MODEL_THIGH_OFFSET_DEG,
        KneeToChestConfig,
        analyze_knee_to_chest,
    )
    from hiprom.report.keyframes import write_key_frames
    from hiprom.report.plots import plot_knee_to_chest
    from hiprom.results import knee_to_chest_document, write_frames_csv, write_json

    tilt = None
    if marker != "off":
        angle = series.marker_ccw_deg  # found in the pose pass (get_landmarks always looks)
        if angle is None and marker == "on":
            raise BadInputError("no pelvis card found in the first 2 s of the clip (--marker on)")
        if angle is not None:
            found = np.isfinite(angle).mean()
            if found < 0.8:
                warnings.append(f"the pelvis card was found in only {100 * found:.0f}% of frames")
            tilt = angle  # on-screen angle; the analysis orients it with the thigh's lift
    result = analyze_knee_to_chest(
        series.time_s,
        series.image_px,
        series.visibility,
        tilt_ccw_deg=tilt,
        world_m=series.world_m,
        image_size_px=series.image_size_px,
        config=KneeToChestConfig(thigh_offset_deg=POSE_MODEL_THIGH_OFFSET_DEG),  # the pose model's bias
    )
    reps = [r for r in result.reps if side is None or r.side == side]
    if not reps:
        raise BadInputError(f"no knee-to-chest rep of the {side} leg found (found: "
                            f"{', '.join(sorted({r.side for r in result.reps}))})")  # fmt: skip
    document = knee_to_chest_document(reps, _meta(series), warnings)
    paths = {
        "csv": write_frames_csv(out_dir / "frames.csv", series.time_s, result.angles, result.tilt_deg),
        "plot": plot_knee_to_chest(
            out_dir / "angles.png", series.time_s, result.angles, reps, result.tilt_deg
        ),
    }
    if video:
        from hiprom.report.overlay import write_knee_to_chest_video

        paths["video"] = write_knee_to_chest_video(
            clip, series, result, out_dir / "annotated.mp4", blur_faces=blur_faces
        )
    frames = {}
    for j, r in enumerate(reps, 1):
        frames[f"key_{r.side}_peak_{j}"] = (r.rep.peak_frame, f"{r.side} rep {j}: peak, thigh "
                                            f"{r.peak_thigh_angle_deg:.0f} deg")  # fmt: skip
        if r.onset_time_s is not None:
            caption = f"{r.side} rep {j}: pelvis starts tilting at {r.onset_hip_flexion_deg:.0f} deg"
            frames[f"key_{r.side}_onset_{j}"] = (_frame_at(series, r.onset_time_s), caption)
    paths.update(write_key_frames(clip, series, frames, out_dir))
    paths["json"] = write_json(out_dir / "result.json", document)
    return document, paths


def _hip_ir(
    clip, series: LandmarkSeries, out_dir: Path, position: str, side, warnings, video: bool, blur_faces: bool
):
    from hiprom.analysis.hip_ir import BENCH_PEAK_IR_ERROR_DEG, analyze_hip_ir
    from hiprom.report.keyframes import write_key_frames
    from hiprom.report.plots import plot_hip_ir
    from hiprom.results import hip_ir_document, write_ir_frames_csv, write_json

    result = analyze_hip_ir(series.time_s, series.image_px, series.visibility, position, side=side,
                            world_m=series.world_m, image_size_px=series.image_size_px)  # fmt: skip
    document = hip_ir_document(result, _meta(series), warnings, BENCH_PEAK_IR_ERROR_DEG.get(position))
    paths = {
        "csv": write_ir_frames_csv(out_dir / "frames.csv", series.time_s, result.rotation_deg),
        "plot": plot_hip_ir(out_dir / "rotation.png", series.time_s, result),
    }
    if video:
        from hiprom.report.overlay import write_hip_ir_video

        paths["video"] = write_hip_ir_video(
            clip, series, result, out_dir / "annotated.mp4", blur_faces=blur_faces
        )
    frames = {}
    for s in result.sides:
        for j, h in enumerate(s.holds, 1):
            frames[f"key_{s.side}_{h.kind}_{j}"] = (h.rep.peak_frame, f"{s.side} {h.kind.upper()} hold: "
                                                    f"{h.value_deg:.0f} deg")  # fmt: skip
    paths.update(write_key_frames(clip, series, frames, out_dir))
    paths["json"] = write_json(out_dir / "result.json", document)
    return document, paths
