"""Following one person among several (pure numpy, no mediapipe)."""

from __future__ import annotations

import numpy as np
import pytest

from hiprom.capture.tracking import (
    candidate_boxes,
    check_person_rule,
    link_tracks,
    select_person,
    track_stats,
)
from tests.factories import person_pose, two_people_candidates

SIZE = (640, 480)


def _identity_of_chosen(chosen, truth):
    rows = np.arange(chosen.size)
    return np.where(chosen >= 0, truth[rows, np.clip(chosen, 0, None)], -1)


def test_boxes_shape_and_nan():
    cand, vis, _ = two_people_candidates(n_frames=5, k=3)
    boxes = candidate_boxes(cand, vis)
    assert boxes.shape == (5, 3, 4)
    assert np.isnan(boxes[:, 2]).all()
    assert (boxes[:, :2, 2] > boxes[:, :2, 0]).all()


def test_low_visibility_landmarks_are_ignored_unless_all_low():
    pose = person_pose((100, 100), 100)[None, None]
    vis = np.full((1, 1, 33), 0.9)
    vis[..., 0] = 0.0
    pose = pose.copy()
    pose[0, 0, 0] = (5000, 5000)  # an outlier with no visibility
    assert candidate_boxes(pose, vis)[0, 0, 2] < 1000
    assert candidate_boxes(pose, np.zeros_like(vis))[0, 0, 2] == 5000


def test_tracks_survive_order_swaps():
    cand, vis, truth = two_people_candidates(n_frames=40, swap_every=3)
    track = link_tracks(candidate_boxes(cand, vis))
    for who in (0, 1):
        ids = np.unique(track[truth == who])
        assert ids.size == 1, f"person {who} split into tracks {ids}"
    assert (track[truth == -1] == -1).all()


@pytest.mark.parametrize("rule", ["auto", "largest", "central", "longest", "0.5,0.5"])
def test_the_big_central_person_is_chosen_every_frame(rule):
    cand, vis, truth = two_people_candidates()
    boxes = candidate_boxes(cand, vis)
    chosen, _ = select_person(link_tracks(boxes), boxes, SIZE, rule)
    assert (_identity_of_chosen(chosen, truth) == 0).all()


def test_a_point_picks_the_other_person():
    cand, vis, truth = two_people_candidates()
    boxes = candidate_boxes(cand, vis)
    chosen, _ = select_person(link_tracks(boxes), boxes, SIZE, "0.05,0.4")
    assert (_identity_of_chosen(chosen, truth) == 1).all()


def test_persistence_beats_a_brief_bigger_passer_by():
    n = 60
    cand = np.full((n, 2, 33, 2), np.nan)
    vis = np.full((n, 2, 33), np.nan)
    truth = np.full((n, 2), -1)
    for f in range(n):
        cand[f, 0], vis[f, 0], truth[f, 0] = person_pose((320, 200), 200), 0.9, 0
        if 20 <= f < 30:  # a bigger person walks through for 10 frames, listed first
            cand[f, 1], vis[f, 1], truth[f, 1] = cand[f, 0], 0.9, 0
            cand[f, 0], truth[f, 0] = person_pose((100 + 20 * (f - 20), 300), 300), 1
    boxes = candidate_boxes(cand, vis)
    chosen, _ = select_person(link_tracks(boxes), boxes, SIZE, "auto")
    assert (_identity_of_chosen(chosen, truth) == 0).all()


def test_gaps_keep_the_track_and_leave_frames_absent():
    cand, vis, truth = two_people_candidates(n_frames=30)
    cand[10:14] = np.nan  # nobody detected for four frames
    vis[10:14] = np.nan
    truth[10:14] = -1
    boxes = candidate_boxes(cand, vis)
    track = link_tracks(boxes, max_gap_frames=10)
    assert np.unique(track[truth == 0]).size == 1
    chosen, _ = select_person(track, boxes, SIZE, "auto")
    assert (chosen[10:14] == -1).all() and (chosen[14:] >= 0).all()


def test_long_gap_starts_a_new_track():
    cand, vis, truth = two_people_candidates(n_frames=30)
    cand[5:25], vis[5:25] = np.nan, np.nan
    track = link_tracks(candidate_boxes(cand, vis), max_gap_frames=10)
    assert np.unique(track[truth == 0][track[truth == 0] >= 0]).size == 2


def test_duplicate_detections_are_dropped():
    cand, vis, _ = two_people_candidates(n_frames=6, k=3)
    cand[:, 2], vis[:, 2] = cand[:, 0] + 1.0, 0.9  # the same person found twice
    track = link_tracks(candidate_boxes(cand, vis))
    assert (track[:, 2] == -1).all() or (track[:, 0] == -1).all()
    assert np.unique(track[track >= 0]).size == 2


def test_no_candidates_at_all():
    boxes = np.full((5, 2, 4), np.nan)
    track = link_tracks(boxes)
    assert (track == -1).all()
    chosen, t = select_person(track, boxes, SIZE)
    assert t == -1 and (chosen == -1).all()


def test_stats_values():
    cand, vis, truth = two_people_candidates(n_frames=10)
    boxes = candidate_boxes(cand, vis)
    track = link_tracks(boxes)
    stats = track_stats(track, boxes, SIZE)
    a = track[truth == 0][0]
    np.testing.assert_allclose(stats.persistence, [1.0, 1.0])
    assert stats.size[a] > stats.size[1 - a]
    assert stats.off_centre[a] < stats.off_centre[1 - a]


@pytest.mark.parametrize("rule", ["biggest", "0.5", "2,0.5", "a,b"])
def test_bad_rules(rule):
    with pytest.raises(ValueError):
        check_person_rule(rule)
