"""Choose the tested person when several people are in view.

Pure numpy/scipy over per-frame pose candidates, no video or mediapipe.
MediaPipe returns up to ``k`` poses per frame in no stable order; these
functions link them into tracks (frame-to-frame assignment of bounding-box
centres) and pick one track by a rule, so the same person is followed through
the whole clip. The frame loop in :func:`link_tracks` is inherently
sequential (each frame's assignment depends on the previous one); everything
else is vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from hiprom.errors import BadInputError

__all__ = [
    "PERSON_RULES",
    "TrackStats",
    "candidate_boxes",
    "check_person_rule",
    "link_tracks",
    "select_person",
    "track_stats",
]

PERSON_RULES = ("auto", "lying", "largest", "central", "longest")


def candidate_boxes(cand_px: np.ndarray, cand_vis: np.ndarray, min_visibility: float = 0.3) -> np.ndarray:
    """Bounding boxes of pose candidates.

    Parameters
    ----------
    cand_px : (n_frames, k, 33, 2) array
        Landmarks in pixels; NaN where no candidate.
    cand_vis : (n_frames, k, 33) array
        Landmark visibility; landmarks below ``min_visibility`` are ignored
        unless none pass, then all are used.

    Returns
    -------
    boxes : (n_frames, k, 4) array
        ``x0, y0, x1, y1`` in pixels; NaN where no candidate.
    """
    cand_px = np.asarray(cand_px, dtype=float)
    vis_ok = np.asarray(cand_vis) >= min_visibility
    none_ok = ~vis_ok.any(axis=-1, keepdims=True)
    use = (vis_ok | none_ok)[..., None]
    pts = np.where(use, cand_px, np.nan)
    with np.errstate(invalid="ignore"), _quiet_nan():
        lo = np.nanmin(pts, axis=-2)
        hi = np.nanmax(pts, axis=-2)
    return np.concatenate([lo, hi], axis=-1)


class _quiet_nan:
    """Silence numpy's all-NaN-slice warnings inside a block."""

    def __enter__(self):
        import warnings

        self._ctx = warnings.catch_warnings()
        self._ctx.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc):
        self._ctx.__exit__(*exc)


def _centres_scales(boxes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    centres = (boxes[..., :2] + boxes[..., 2:]) / 2
    diag = np.hypot(boxes[..., 2] - boxes[..., 0], boxes[..., 3] - boxes[..., 1])
    return centres, diag


def _iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairwise IoU of boxes ``a (m, 4)`` and ``b (n, 4)`` -> ``(m, n)``."""
    lo = np.maximum(a[:, None, :2], b[None, :, :2])
    hi = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.prod(np.clip(hi - lo, 0, None), axis=-1)
    area_a = np.prod(a[:, 2:] - a[:, :2], axis=-1)
    area_b = np.prod(b[:, 2:] - b[:, :2], axis=-1)
    union = area_a[:, None] + area_b[None, :] - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def link_tracks(
    boxes: np.ndarray,
    max_gap_frames: int = 30,
    max_jump: float = 0.6,
    duplicate_iou: float = 0.7,
) -> np.ndarray:
    """Link per-frame candidates into tracks.

    Parameters
    ----------
    boxes : (n_frames, k, 4) array
        From :func:`candidate_boxes`; NaN rows are absent candidates.
    max_gap_frames : int
        A track not seen for longer than this ends.
    max_jump : float
        Largest centre displacement per association, as a fraction of the
        track's box diagonal.
    duplicate_iou : float
        Two candidates in one frame overlapping more than this are the same
        person detected twice; the later one is dropped.

    Returns
    -------
    track_id : (n_frames, k) int array
        Track of each candidate, ``-1`` for absent or duplicate candidates.
    """
    boxes = np.asarray(boxes, dtype=float)
    n_frames, k = boxes.shape[:2]
    present = np.isfinite(boxes).all(axis=-1)
    centres, diag = _centres_scales(boxes)
    track_id = np.full((n_frames, k), -1, dtype=int)
    last_centre: list[np.ndarray] = []
    last_diag: list[float] = []
    last_seen: list[int] = []
    for f in range(n_frames):
        idx = np.flatnonzero(present[f])
        if idx.size > 1:  # drop duplicate detections of one person
            iou = np.triu(_iou(boxes[f, idx], boxes[f, idx]), 1)
            idx = idx[~(iou > duplicate_iou).any(axis=0)]
        alive = [t for t in range(len(last_seen)) if f - last_seen[t] <= max_gap_frames]
        assigned: set[int] = set()
        if idx.size and alive:
            tc = np.array([last_centre[t] for t in alive])
            td = np.array([last_diag[t] for t in alive])
            dist = np.linalg.norm(tc[:, None, :] - centres[f, idx][None, :, :], axis=-1)
            cost = dist / np.maximum(td[:, None], 1e-6)
            rows, cols = linear_sum_assignment(cost)
            for r, c in zip(rows, cols, strict=True):
                if cost[r, c] <= max_jump:
                    t = alive[r]
                    track_id[f, idx[c]] = t
                    assigned.add(int(idx[c]))
        for c in idx:
            if int(c) not in assigned:
                track_id[f, c] = len(last_seen)
                last_centre.append(centres[f, c])
                last_diag.append(float(diag[f, c]))
                last_seen.append(f)
        for c in idx:
            t = track_id[f, c]
            last_centre[t], last_diag[t], last_seen[t] = centres[f, c], float(diag[f, c]), f
    return track_id


@dataclass(frozen=True)
class TrackStats:
    """Summary of each track; arrays are indexed by track id."""

    persistence: np.ndarray  # fraction of all frames the track is present
    size: np.ndarray  # median sqrt(box area / image area)
    off_centre: np.ndarray  # median centre distance from image centre / half diagonal
    mean_centre_px: np.ndarray  # (n_tracks, 2)
    aspect: np.ndarray  # median box width / height (a body lying across the frame: 2-5; standing: < 1)


def track_stats(track_id: np.ndarray, boxes: np.ndarray, image_size_px: tuple[int, int]) -> TrackStats:
    """Persistence, size and centrality of every track."""
    width, height = image_size_px
    n_frames = track_id.shape[0]
    n_tracks = int(track_id.max()) + 1 if track_id.size else 0
    onehot = track_id[..., None] == np.arange(n_tracks)  # (n_frames, k, n_tracks)
    centres, _ = _centres_scales(boxes)
    area = np.prod(boxes[..., 2:] - boxes[..., :2], axis=-1)
    size = np.sqrt(np.clip(area, 0, None) / (width * height))
    off = np.linalg.norm(centres - np.array([width, height]) / 2, axis=-1) / (np.hypot(width, height) / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        aspect = (boxes[..., 2] - boxes[..., 0]) / (boxes[..., 3] - boxes[..., 1])
    with _quiet_nan():
        sel = lambda v: np.where(onehot, v[..., None], np.nan)  # noqa: E731
        med_aspect = np.nanmedian(sel(aspect), axis=(0, 1))
        med_size = np.nanmedian(sel(size), axis=(0, 1))
        med_off = np.nanmedian(sel(off), axis=(0, 1))
        mean_c = np.stack([np.nanmean(sel(centres[..., i]), axis=(0, 1)) for i in range(2)], axis=-1)
    persistence = onehot.any(axis=1).sum(axis=0) / max(n_frames, 1)
    return TrackStats(persistence, med_size, med_off, mean_c.reshape(n_tracks, 2), med_aspect)


def select_person(
    track_id: np.ndarray,
    boxes: np.ndarray,
    image_size_px: tuple[int, int],
    rule: str = "auto",
) -> tuple[np.ndarray, int]:
    """Pick one track and return its candidate index in each frame.

    Parameters
    ----------
    track_id : (n_frames, k) int array
    boxes : (n_frames, k, 4) array
    image_size_px : (width, height)
    rule : str
        ``"auto"`` (largest x most persistent x most central), ``"lying"`` (the
        same among bodies lying across the frame: a supine patient filmed side-on, not a
        clinician standing or leaning in; ``"auto"`` if nobody lies), ``"largest"``,
        ``"central"``, ``"longest"``, or ``"X,Y"``: the track whose mean
        centre is nearest that point, in fractions of the frame (0..1).

    Returns
    -------
    chosen : (n_frames,) int array
        Candidate index of the chosen person per frame, ``-1`` where absent.
    track : int
        The chosen track id, ``-1`` if there are no tracks.
    """
    stats = track_stats(track_id, boxes, image_size_px)
    n_tracks = stats.persistence.shape[0]
    if n_tracks == 0:
        return np.full(track_id.shape[0], -1, dtype=int), -1
    auto = stats.persistence * stats.size * (1 - 0.5 * stats.off_centre)
    if rule == "auto":
        score = auto
    elif rule == "lying":  # a supine test: the patient lies across the frame; a standing clinician does not
        lying = np.clip(np.nan_to_num(stats.aspect) - 1.0, 0.0, 1.0)
        score = auto * lying if np.nanmax(auto * lying) > 0 else auto
    elif rule == "largest":
        score = stats.size * np.sqrt(stats.persistence)
    elif rule == "central":
        score = -stats.off_centre + 1e-3 * stats.persistence
    elif rule == "longest":
        score = stats.persistence + 1e-3 * stats.size
    else:
        point = parse_point(rule) * np.array(image_size_px, dtype=float)
        score = -np.linalg.norm(stats.mean_centre_px - point, axis=-1)
    track = int(np.nanargmax(np.nan_to_num(score, nan=-np.inf)))
    hit = track_id == track
    chosen = np.where(hit.any(axis=1), hit.argmax(axis=1), -1)
    return chosen, track


def check_person_rule(rule: str) -> None:
    """Raise ``ValueError`` unless ``rule`` is a known rule or an ``X,Y`` point."""
    if rule not in PERSON_RULES:
        parse_point(rule)


def parse_point(rule: str) -> np.ndarray:
    """Parse ``"X,Y"`` (fractions of the frame, 0..1) into a (2,) array."""
    try:
        x, y = (float(v) for v in rule.split(","))
    except ValueError:
        raise BadInputError(
            f"person rule {rule!r} is not one of {PERSON_RULES} nor 'X,Y' fractions of the frame"
        ) from None
    if not (0 <= x <= 1 and 0 <= y <= 1):
        raise BadInputError(f"person point {rule!r} must have X and Y between 0 and 1")
    return np.array([x, y])
