"""What the annotated video draws: labels that read at every size, the goniometer's arc, the onset."""

from __future__ import annotations

import numpy as np
import pytest

from hiprom.report.draw import arc, label, timeline


@pytest.mark.parametrize(("width", "height"), [(960, 540), (1280, 720), (3840, 2160), (1080, 1920)])
def test_a_label_scales_with_the_frame_and_stays_on_it(width, height):
    """The text and its dark box grow with the frame (the overlay's scale is the long side / 1280)."""
    img = np.full((height, width, 3), 200, np.uint8)
    scale = max(width, height) / 1280
    text = "left: thigh 126.7  goniometer 124.2 deg"
    label(img, text, (round(16 * scale), round(70 * scale)), 0.75 * scale, (255, 140, 0))
    rows, cols = np.nonzero((img < 100).all(axis=2))  # the darkened box behind the text
    box_h, box_w = rows.max() - rows.min(), cols.max() - cols.min()
    assert 0.012 < box_h / max(width, height) < 0.03  # the same share of the frame at every size
    assert cols.max() < width  # on the frame, portrait included
    orange = (img[..., 0] > 200) & (img[..., 2] < 80)
    assert orange.sum() > 0.01 * box_h * box_w  # the letters are there, not hidden by an outline


def test_the_goniometer_arc_spans_the_angle_the_number_reports():
    """Shoulder-hip-knee at 60 deg: the goniometer reads 120 deg, and the arc sweeps 120, from the
    trunk's line continued past the hip to the thigh (not the 60 deg between trunk and thigh)."""
    img = np.zeros((400, 400, 3), np.uint8)
    hip, shoulder = (200, 200), (50, 200)  # the trunk runs to the left of the hip
    a = np.radians(-60.0)
    knee = (round(200 - 100 * np.cos(a)), round(200 + 100 * np.sin(a)))  # 60 deg from the trunk's direction
    beyond = (2 * hip[0] - shoulder[0], 2 * hip[1] - shoulder[1])
    arc(img, hip, beyond, knee, (255, 255, 0), 80)
    ys, xs = np.nonzero(img[..., 0] > 0)
    angles = np.degrees(np.arctan2(ys - hip[1], xs - hip[0]))
    assert np.ptp(angles) == pytest.approx(120.0, abs=4.0)


def test_the_onset_is_a_tick_on_the_timeline():
    img = np.zeros((540, 960, 3), np.uint8)
    timeline(img, 0.5, [(0.25, (255, 60, 60))], 0.75)
    bottom = img[-30:]
    red = np.nonzero((bottom[..., 0] > 200) & (bottom[..., 1] < 100))[1]
    white = np.nonzero((bottom > 200).all(axis=2))[1]
    assert red.size and abs(np.median(red) - (12 + 0.25 * (960 - 24))) < 4  # the onset's moment
    assert white.max() == pytest.approx(12 + 0.5 * (960 - 24), abs=4)  # the clip so far


def test_the_onset_frame_is_held_in_a_corner_with_its_caption():
    from hiprom.report.draw import inset

    img = np.zeros((720, 1280, 3), np.uint8)
    picture = np.full((180, 320, 3), 77, np.uint8)
    inset(img, picture, "onset left: 94 deg", 1.0)
    held = (img == 77).all(axis=2)
    rows, cols = np.nonzero(held)
    assert held.sum() == 180 * 320 and cols.max() == 1280 - 16 - 1 and rows.min() == 16  # top right
    assert tuple(img[14, 1000]) == (255, 60, 60)  # its border, in the onset's red
    assert ((img[200:240, 940:1270, 0] > 200) & (img[200:240, 940:1270, 1] < 100)).any()  # the caption


def test_the_far_leg_is_grey_and_under_the_measured_one():
    """The leg that is not measured is drawn grey (not its side's colour) with small grey joints, and
    beneath the measured leg where they cross."""
    from hiprom.report.draw import COLOUR, DIM, leg_skeleton
    from hiprom.skeleton import LEG_CHAIN

    img = np.zeros((300, 300, 3), np.uint8)
    pts = np.full((33, 2), np.nan)
    for k, j in enumerate(LEG_CHAIN["left"]):
        pts[j] = (40 + 70 * k, 100)  # a horizontal chain at y = 100
    for k, j in enumerate(LEG_CHAIN["right"]):
        pts[j] = (100, 40 + 70 * k)  # a vertical one at x = 100, crossing it
    leg_skeleton(img, pts, {"left": 4, "right": 4}, dimmed={"right"})
    assert tuple(img[145, 100]) == DIM  # the far (right) leg: grey
    assert tuple(img[100, 145]) == COLOUR["left"]  # the measured leg in its colour
    assert tuple(img[100, 100]) == COLOUR["left"]  # on top where the two cross
    assert not ((img[..., 2] > 200) & (img[..., 0] < 50)).any()  # no blue (the right side's colour) drawn


def _boxes_clear(monkeypatch, draw) -> None:
    """Render a plot; no annotation may cover another, a legend, a title or a horizontal line."""
    from hiprom.report import plots

    seen = []
    original = plots._save

    def keep(fig, path):
        fig.canvas.draw()
        seen.append(plots.label_boxes(fig))
        return original(fig, path)

    monkeypatch.setattr(plots, "_save", keep)
    draw()
    texts, obstacles = seen[0]
    assert texts, "nothing was labelled"
    for i, box in enumerate(texts):
        assert not any(plots._overlaps(box, o) for o in obstacles), f"label {i} covers a line or legend"
        assert not any(plots._overlaps(box, other) for other in texts[i + 1 :]), f"label {i} covers another"


@pytest.mark.parametrize("ir_deg", [16.0, 19.0, 21.0, 45.0])
def test_hip_rotation_plot_labels_never_collide(monkeypatch, tmp_path, ir_deg):
    """Hold values just under and over the limited line (20 deg) and inside the healthy band's edge."""
    from hiprom.analysis.hip_ir import analyze_hip_ir
    from hiprom.report.plots import plot_hip_ir
    from tests.factories import ir_pose, rotation_profile

    time_s, left = rotation_profile(ir_deg=ir_deg, er_deg=30.0)
    _, right = rotation_profile(ir_deg=ir_deg + 1.0, er_deg=31.0)
    pts = ir_pose("seated", {"left": left, "right": right}, time_s.size)
    analysis = analyze_hip_ir(time_s, pts, np.ones(pts.shape[:2]), "seated")
    _boxes_clear(monkeypatch, lambda: plot_hip_ir(tmp_path / "r.png", time_s, analysis))


def test_knee_to_chest_plot_labels_never_collide(monkeypatch, tmp_path, samples_dir):
    from hiprom.analysis.knee_to_chest import analyze_knee_to_chest
    from hiprom.report.plots import plot_knee_to_chest
    from hiprom.synth.truthfile import load_truth
    from tests.factories import truth_landmarks

    truth = load_truth(samples_dir / "k2c_left_early_tilt.truth.csv")
    pts, vis = truth_landmarks(truth)
    result = analyze_knee_to_chest(truth["time_s"], pts, vis, tilt_ccw_deg=-(truth["pelvic_tilt_deg"] + 5.0))
    assert any(r.onset_time_s is not None for r in result.reps)
    _boxes_clear(monkeypatch, lambda: plot_knee_to_chest(tmp_path / "a.png", truth["time_s"], result.angles,
                                                         result.reps, result.tilt_deg))  # fmt: skip
