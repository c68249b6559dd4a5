"""The one place that wires hiprom's stages together.

``clip -> landmarks`` (cached) ``-> protocol (analysis -> result folder)``;
recording a result in the athlete store is a separate step
(:func:`record`). The CLI and the web app call only these functions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

from hiprom import protocols
from hiprom._fs import atomic_folder
from hiprom.capture.cache import LandmarkCache
from hiprom.capture.markers import MIN_PROBE_FRAMES, card_probe_frames
from hiprom.capture.model import resolve_model
from hiprom.capture.pose import ProgressFn, extract_landmarks
from hiprom.capture.segments import available_cores
from hiprom.capture.tracking import check_person_rule
from hiprom.capture.video import open_video, sha256_file
from hiprom.errors import BadInputError, NoPersonError, TooFewDetectionsError
from hiprom.landmarks import LandmarkSeries
from hiprom.protocols import Options, Outputs

__all__ = ["AnalysisRun", "Capture", "LandmarkRun", "analyze", "get_landmarks", "record"]


@dataclass(frozen=True)
class Capture:
    """How the landmarks are obtained: the pose model, who to follow, the cache.

    The defaults are what the CLI and the web app run (one clip, one answer).
    """

    model_path: str | Path | None = None
    max_people: int = 2
    person: str = "auto"
    max_size_px: int | None = None
    use_cache: bool = True
    cache_dir: str | Path | None = None
    max_duration_s: float | None = None  # refuse clips whose decoded frames run longer (the web's limit)
    # processes for the pose pass (hiprom.capture.segments); None: every core this process may use.
    # A segmented pass gives the single pass's landmarks (tests/test_pose_e2e.py), so the cache serves both
    jobs: int | None = None


@dataclass(frozen=True)
class LandmarkRun:
    """A landmark series and how it was obtained."""

    series: LandmarkSeries
    from_cache: bool
    elapsed_s: float


def get_landmarks(
    clip: str | Path,
    capture: Capture | None = None,
    *,
    protocol: protocols.Protocol | None = None,
    progress: ProgressFn | None = None,
) -> LandmarkRun:
    """Landmarks of the tested person in ``clip``, from the cache when possible.

    ``protocol``: the test's protocol, whose choices shape the pose pass (what ``hiprom analyze``
    and the benches pass, so that they run it one way): its ``orientation`` (see
    :func:`hiprom.capture.pose.extract_landmarks`; the knee-to-chest protocol asks for
    ``"head-right"``), its ``person_rule`` (who to follow when the capture settings leave it to
    ``"auto"``, e.g. ``"lying"``) and its ``outline`` (also keep the person's lower outline).
    None (``hiprom landmarks``): the clip as filmed, the automatic person rule, no outline.
    Raises the :mod:`hiprom.errors` kinds for bad input (see
    :func:`hiprom.capture.pose.extract_landmarks`).
    """
    orientation, person_rule, outline = (
        ("as-filmed", "auto", False)
        if protocol is None
        else (protocol.orientation, protocol.person_rule, protocol.outline)
    )
    cap = capture or Capture()
    if cap.person == "auto":
        cap = dataclasses.replace(cap, person=person_rule)
    start = time.perf_counter()
    check_person_rule(cap.person)
    with open_video(clip) as video:  # fail fast, with the video's own error, before hashing
        card_probe = card_probe_frames(video.info.fps_nominal)
    _, model_sha = resolve_model(cap.model_path)
    clip_sha = sha256_file(clip)
    settings = {
        "max_people": cap.max_people,
        "person": cap.person,
        "max_size_px": cap.max_size_px,
        "markers": 4,  # the card's angles come in the same pass (2: a mirrored card marks the clip; 3: the
        # card is followed by image alignment between detections; 4: the thigh card is read too)
    }
    if orientation != "as-filmed":  # (keys made before the option existed stay valid)
        settings["orientation"] = orientation
    if outline:
        settings["outline"] = 1
    if card_probe != MIN_PROBE_FRAMES:  # above 30 fps (keys of clips at 30 fps or less stay valid)
        settings["card_probe_frames"] = card_probe
    cache = LandmarkCache(cap.cache_dir) if cap.use_cache else None
    key = LandmarkCache.key(clip_sha, model_sha, settings)
    if cache is not None and (hit := cache.get(key)) is not None:
        if cap.max_duration_s is not None and hit.n_frames and hit.time_s[-1] > cap.max_duration_s:
            raise BadInputError(
                f"{Path(clip).name} runs {hit.time_s[-1]:.0f} s of frames; "
                f"the limit is {cap.max_duration_s:.0f} s"
            )
        # the cache is keyed by content: the same clip under another name (a second upload) is this one
        hit = dataclasses.replace(hit, meta={**hit.meta, "clip_name": Path(clip).name})
        return LandmarkRun(hit, True, time.perf_counter() - start)
    series = extract_landmarks(
        clip,
        model_path=cap.model_path,
        max_people=cap.max_people,
        person=cap.person,
        max_size_px=cap.max_size_px,
        max_duration_s=cap.max_duration_s,
        jobs=available_cores() if cap.jobs is None else cap.jobs,
        orientation=orientation,
        progress=progress,
        outline=outline,
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
    options: Options,
    *,
    capture: Capture | None = None,
    outputs: Outputs | None = None,
    progress: ProgressFn | None = None,
) -> AnalysisRun:
    """Analyse a clip with the test ``options.test`` and write its result folder ``out_dir``.

    ``options`` come from the protocol (``protocols.get(name).options(...)``,
    which validates them before anything slow runs). The folder holds
    ``frames.csv``, a plot, key frames (``key_*.jpg``, faces blurred), the
    annotated video unless ``outputs.video`` is off, and ``result.json``,
    written last: its presence means the whole set is complete.
    """
    protocol = protocols.get(options.test)
    hint = protocol.refusal_hint(options)
    try:
        run = get_landmarks(clip, capture, protocol=protocol, progress=progress)
    except (NoPersonError, TooFewDetectionsError) as exc:
        raise _with_hint(exc, hint) from None
    warnings: list[str] = []
    expected = int(run.series.meta.get("n_frames_expected") or 0)
    if expected and run.series.n_frames < expected - 1:  # within 10 %: decoded, but the end may be lost
        warnings.append(
            f"the clip decoded {run.series.n_frames} of the {expected} frames its header announces "
            "(cut short, e.g. an interrupted recording or copy): its end may be missing"
        )
    if run.series.detection_rate < 0.9:
        warnings.append(f"the person was detected in only {100 * run.series.detection_rate:.0f}% of frames")
    out_dir = Path(out_dir)
    try:
        with atomic_folder(out_dir) as staging:  # the whole set replaces the folder, or nothing does
            result = protocol.run(Path(clip), run.series, staging, options, outputs or Outputs(), warnings)
            paths = {k: out_dir / Path(p).relative_to(staging) for k, p in result.paths.items()}
    except BadInputError as exc:  # the view or the movement cannot be analysed
        raise _with_hint(exc, hint) from None
    return AnalysisRun(result.document, paths, run)


def _with_hint(exc: BadInputError, hint: str) -> BadInputError:
    """The same refusal, with the protocol's words on what to do instead (none: unchanged)."""
    if not hint:
        return exc
    return type(exc)(str(exc) + hint, option=exc.option)


def record(
    run: AnalysisRun,
    athlete: str,
    *,
    db: str | None = None,
    store=None,
    date: dt.date | None = None,
    notes: str = "",
    owner: int | None = None,
) -> list[int]:
    """Record a run's result under ``athlete`` (one transaction), in ``store`` or the store at ``db``.

    ``owner``: the clinician the athlete belongs to (the web app); ``None``
    for the command line's athletes. Returns the new result ids.
    """
    from hiprom.store.db import open_store
    from hiprom.store.records import record_analysis

    target = store if store is not None else open_store(db)
    try:
        return record_analysis(target, athlete, run.document, run.paths, date=date, notes=notes, owner=owner)
    finally:
        if store is None:
            target.close()
