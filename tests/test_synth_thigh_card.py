"""The generator's thigh card (Scenario.thigh_card): rigid with the femur, painted in depth order, read by
the thigh card's own tracker with the femur's true lift (renders the body model: slow)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from hiprom.capture.markers import THIGH_CARDS, FrameMarkers, MarkerTracker
from hiprom.synth.generate import prepare
from hiprom.synth.realistic import _k2c

pytestmark = pytest.mark.slow


def test_the_rendered_thigh_card_turns_with_the_femur_and_each_card_is_read_by_its_own_tracker():
    scenario = _k2c("thigh_card_probe", "right", 95.0, card_yaw=10.0, arms="thighs", seed=640, board=True)
    prep = prepare(dataclasses.replace(scenario, thigh_card=True, thigh_card_yaw_deg=8.0))
    thigh = prep.truth()["thigh_vs_table_deg"]
    frames = [0, int(np.argmax(thigh > 45.0)), int(np.argmax(thigh > 90.0)), int(np.argmax(thigh))]
    pelvis, card = MarkerTracker(follow=False), MarkerTracker(follow=False, cards=THIGH_CARDS)
    for i in frames:
        image = prep.render(i)
        seen = FrameMarkers(image)
        pelvis.update(image, seen)
        card.update(image, seen)
    assert pelvis.card_ids == (10, 11) and card.card_ids == (20, 21)
    angle = card.angles()
    assert np.isfinite(angle).all()
    lift = np.abs(angle - angle[0])  # the card's turn from rest, against the femur's true lift
    np.testing.assert_allclose(lift, thigh[frames] - thigh[0], atol=3.0)


def test_the_pose_pass_reads_both_cards_into_the_series(tmp_path):
    """The real pose pass on an encoded clip of a rendered body wearing both cards (rest, then two steps of
    the raise, each held): the series carries the pelvis card's and the thigh card's angles, each card's
    ids in its meta, and the thigh card's turn matches the femur's."""
    from hiprom.capture.encode import VideoWriter
    from hiprom.capture.pose import extract_landmarks

    scenario = _k2c("thigh_card_pass", "left", 95.0, card_yaw=8.0, arms="thighs", seed=641, board=True)
    prep = prepare(dataclasses.replace(scenario, thigh_card=True, thigh_card_yaw_deg=6.0))
    thigh = prep.truth()["thigh_vs_table_deg"]
    held = [0, int(np.argmax(thigh > 60.0)), int(np.argmax(thigh))]
    clip = tmp_path / "both_cards.mp4"
    with VideoWriter(clip, 30.0) as writer:
        for k, frame in enumerate(held):
            image = prep.render(frame)
            for j in range(20):
                writer.write(image, (20 * k + j) / 30.0)
    series = extract_landmarks(clip, jobs=2)
    assert series.meta["marker_card_ids"] == [10, 11] and series.meta["thigh_card_ids"] == [20, 21]
    card = series.thigh_card_ccw_deg
    rest = np.nanmedian(card[:15])
    turn = [abs(np.nanmedian(card[25:40]) - rest), abs(np.nanmedian(card[45:60]) - rest)]
    np.testing.assert_allclose(turn, [thigh[held[1]] - thigh[0], thigh[held[2]] - thigh[0]], atol=3.0)
    assert series.marker_ccw_deg is not None and np.isfinite(series.marker_ccw_deg).mean() > 0.9
