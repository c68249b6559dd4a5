"""Never confidently wrong (#14), end to end with the real pose model: another test, an upside-down
clip, a mirrored clip with the card, and one clip giving one answer from the CLI and the web app."""

from __future__ import annotations

import json

import pytest

from hiprom import cli
from tests.conftest import shared_clip
from tests.videos import read_frames, write_video

pytestmark = pytest.mark.slow


def _analyze(args, capsys):
    code = cli.main(["analyze", *map(str, args), "-q", "--no-video"])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_real_glute_bridge_is_not_a_knee_to_chest(tmp_path, capsys):
    """#14.4: the real bridging clip was reported as 'right knee-to-chest: thigh 54.5 deg'."""
    clip = shared_clip("physioplus/bridging.mp4")
    code, out, err = _analyze([clip, "-o", tmp_path / "out"], capsys)
    assert code == 3 and out == "" and err.count("\n") == 1
    assert err.startswith("hiprom: error: not a knee-to-chest test:") and "Traceback" not in err
    assert not (tmp_path / "out" / "result.json").exists()


@pytest.fixture(scope="module")
def turned_clips(samples_dir, tmp_path_factory):
    """The stiff sample (card on, left leg) upside down and mirrored, as a phone could store it."""
    folder = tmp_path_factory.mktemp("turned")
    frames = read_frames(samples_dir / "k2c_left_early_tilt.mp4")
    return {
        "upside_down": write_video(folder / "upside_down.mp4", [f[::-1, ::-1] for f in frames], crf=12),
        "mirrored": write_video(folder / "mirrored.mp4", [f[:, ::-1] for f in frames], crf=12),
    }


def test_an_upside_down_clip_is_refused_not_given_the_wrong_side(turned_clips, tmp_path, capsys):
    """#14.5: an upside-down clip (no rotation tag) gave 'right hip' for a left hip."""
    code, out, err = _analyze([turned_clips["upside_down"], "-o", tmp_path / "out"], capsys)
    assert code == 3 and "upside down" in err and err.count("\n") == 1 and out == ""


def test_a_mirrored_clip_with_the_card_is_read_the_right_way_round(turned_clips, tmp_path, capsys):
    """#14.5: a front camera's mirror swaps left and right; the card, read only mirrored, tells."""
    code, out, _ = _analyze([turned_clips["mirrored"], "-o", tmp_path / "out"], capsys)
    assert code == 0 and out.startswith("left knee-to-chest") and "LUMBAR BORROWING" in out
    doc = json.loads((tmp_path / "out" / "result.json").read_text())
    assert [r["side"] for r in doc["results"]] == ["left"]
    assert doc["results"][0]["pelvic_tilt"]["method"] == "marker"
    assert abs(doc["results"][0]["pelvic_tilt"]["peak_deg"] - 29.2) < 3.0  # the truth: 29.2 deg


def test_one_clip_one_answer_from_the_cli_and_the_web_app(web_app, samples_dir, tmp_path, capsys):
    """#14.7: the web job followed one person, the CLI two, and printed other numbers."""
    from tests.webclient import sign_in, upload, wait_for_job

    clip = samples_dir / "k2c_left_early_tilt.mp4"
    code, _, _ = _analyze([clip, "-o", tmp_path / "cli"], capsys)
    assert code == 0
    by_cli = json.loads((tmp_path / "cli" / "result.json").read_text())["results"]
    client = web_app.test_client()
    sign_in(client, "ana", "ana-password-1")
    response = upload(client, clip, test="knee-to-chest", position="")
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    state = wait_for_job(client, job_id)
    assert state["status"] == "done", state
    by_web = web_app.extensions["hiprom"]["store"]
    from hiprom.store.jobs import get_job

    web_results = get_job(by_web, job_id).result["results"]
    keys = ("peak_thigh_angle_deg", "peak_trunk_thigh_angle_deg")
    assert [[r[k] for k in keys] for r in web_results] == [[r[k] for k in keys] for r in by_cli]
    assert [r["pelvic_tilt"]["onset"] for r in web_results] == [r["pelvic_tilt"]["onset"] for r in by_cli]
