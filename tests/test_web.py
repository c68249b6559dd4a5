"""The web app through its HTTP interface (Flask test client): security, uploads, jobs, results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.webclient import csrf, sign_in, upload, wait_for_job


@pytest.fixture
def client(web_app):
    return web_app.test_client()


def test_pages_need_a_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/api/jobs/x").status_code == 401
    assert client.get("/athletes/1").status_code == 302


def test_wrong_password_and_missing_csrf(client):
    assert sign_in(client, "ana", "wrong").status_code == 401
    assert client.post("/login", data={"username": "ana", "password": "ana-password-1"}).status_code == 400
    response = sign_in(client, "ana", "ana-password-1")
    assert response.status_code == 303 and response.headers["Location"] == "/"


@pytest.mark.parametrize(
    "target",
    ["//evil.example/", "/%09/evil.example", "/%0d%0a/evil.example", "https://evil.example/",
     "/\\evil.example", "javascript:alert(1)", "%2F%2Fevil.example"],
)  # fmt: skip
def test_open_redirect_after_sign_in_is_refused(client, target):
    """Werkzeug drops a tab or a CR/LF from Location, so /<tab>/evil.example became //evil.example."""
    token = csrf(client)
    form = {"username": "ana", "password": "ana-password-1", "csrf_token": token}
    response = client.post(f"/login?next={target}", data=form)
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_a_path_on_this_site_is_where_sign_in_goes():
    from hiprom.web.auth import safe_next

    assert safe_next("/athletes/3?x=1") == "/athletes/3?x=1"
    assert safe_next(None) == safe_next("") == "/"


@pytest.mark.parametrize("path", ["/athletes/999999999999999999999", "/athletes/0",
                                  "/athletes/99999999999999999999999/report.csv"])  # fmt: skip
def test_an_athlete_id_beyond_the_databases_integers_is_a_404_not_a_500(client, path):
    sign_in(client, "ana", "ana-password-1")
    assert client.get(path).status_code == 404


def test_the_login_form_posts_to_an_explicit_action(client):
    page = client.get("/login?next=/athletes/1").get_data(as_text=True)
    assert 'action="/login?next=/athletes/1"' in page
    assert 'action="/login"' in client.get("/login?next=//evil.example").get_data(as_text=True)


def test_password_guessing_is_limited_by_account_and_by_address(web_app):
    """40 wrong passwords and then the right one signed in; now the account locks after 10 a minute,
    whoever guesses, and one address after 20 whatever the accounts, with a 429 page."""
    guesser = web_app.test_client()
    codes = [sign_in(guesser, "ana", f"guess-{i}").status_code for i in range(12)]
    assert codes[:10] == [401] * 10 and codes[10:] == [429, 429]
    page = sign_in(guesser, "ana", "ana-password-1")
    assert page.status_code == 429 and "too many sign-in attempts" in page.get_data(as_text=True)
    other = web_app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.9"  # another address, the same account
    assert sign_in(other, "ana", "ana-password-1").status_code == 429
    assert sign_in(other, "ben", "ben-password-1").status_code == 303  # other accounts still work
    spray = web_app.test_client()
    spray.environ_base["REMOTE_ADDR"] = "10.0.0.7"
    codes = [sign_in(spray, f"user{i}", "x").status_code for i in range(21)]
    assert codes[:20] == [401] * 20 and codes[20] == 429  # the address's own limit


def test_signing_out_ends_every_copy_of_the_session(web_app):
    """A cookie copied before sign-out must not open the app after it (it did: the session was only
    cleared in the browser that signed out)."""
    browser, thief = web_app.test_client(), web_app.test_client()
    sign_in(browser, "ana", "ana-password-1")
    cookie = browser.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    assert thief.get("/").status_code == 200
    browser.post("/logout", data={"csrf_token": csrf(browser, "/")})
    assert thief.get("/").status_code == 302  # back to the sign-in page
    assert sign_in(browser, "ana", "ana-password-1").status_code == 303  # a new sign-in works
    assert browser.get("/").status_code == 200


def test_security_headers_and_cookie(client):
    response = sign_in(client, "ana", "ana-password-1")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY" and page.headers["X-Content-Type-Options"] == "nosniff"


def test_upload_is_checked_by_content_not_name(client, web_app, tmp_path):
    sign_in(client, "ana", "ana-password-1")
    fake = tmp_path / "clip.mp4"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 1000)
    response = upload(client, fake)
    assert response.status_code == 400 and "not a video" in response.get_data(as_text=True)
    assert not list((web_app.extensions["hiprom"]["data_dir"] / "uploads").glob("*"))


def test_a_refused_upload_keeps_the_form_and_the_choices_travel_with_the_job(client, web_app, tmp_path):
    from hiprom.store.jobs import get_job

    sign_in(client, "ana", "ana-password-1")
    fake = tmp_path / "clip.mp4"
    fake.write_bytes(b"not a video at all" * 10)
    page = upload(client, fake, athlete="Kim Lee", notes="left knee sore", session_date="2026-10-01",
                  marker="off", blur_faces_shown="1").get_data(as_text=True)  # fmt: skip
    assert 'value="Kim Lee"' in page and "left knee sore" in page and 'value="2026-10-01"' in page
    assert '<option value="off" selected>' in page and 'value="seated" selected' in page
    assert 'id="blur-faces" checked' not in page  # cleared by the clinician, still cleared
    fresh = client.get("/").get_data(as_text=True)
    assert 'id="blur-faces" checked' in fresh  # on by default
    bad = upload(client, fake, marker="sometimes")
    assert bad.status_code == 400 and "pelvis card" in bad.get_data(as_text=True)
    clip = Path(__file__).resolve().parents[1] / "sample_videos" / "ir_seated_left.mp4"
    response = upload(client, clip, test="knee-to-chest", position="", marker="on", blur_faces_shown="1")
    job = get_job(web_app.extensions["hiprom"]["store"], response.headers["Location"].rsplit("/", 1)[1])
    assert job.params["marker"] == "on" and job.params["blur_faces"] is False


# werkzeug's test client spools a large request body to a temporary file of its own and leaves it to
# the garbage collector when the server answers without reading it; collect it here, on the client side
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_upload_size_limit(client, web_app, tmp_path):
    sign_in(client, "ana", "ana-password-1")
    big = tmp_path / "big.mp4"
    big.write_bytes(b"\x00\x00\x00\x18ftypisom" + b"0" * (6 << 20))
    response = upload(client, big)
    assert response.status_code == 413 and "larger than 5 MB" in response.get_data(as_text=True)
    assert not list((web_app.extensions["hiprom"]["data_dir"] / "uploads").glob("*"))
    import gc

    del response
    gc.collect()


def test_upload_duration_limit(client, web_app, samples_dir):
    sign_in(client, "ana", "ana-password-1")
    web_app.extensions["hiprom"]["max_duration_s"] = 5.0
    response = upload(client, samples_dir / "ir_seated_left.mp4")
    assert response.status_code == 400 and "the limit is 5 s" in response.get_data(as_text=True)
    assert not list((web_app.extensions["hiprom"]["data_dir"] / "uploads").glob("*"))


def test_form_errors(client, samples_dir):
    sign_in(client, "ana", "ana-password-1")
    assert "choose the position" in upload(client, samples_dir / "ir_seated_left.mp4", position="").get_data(
        as_text=True
    )
    assert "athlete" in upload(client, samples_dir / "ir_seated_left.mp4", athlete=" ").get_data(as_text=True)
    assert "choose a clip" in upload(client, None).get_data(as_text=True)


def test_the_data_folder_database_and_uploads_are_private(web_app, tmp_path, samples_dir):
    """They were 0755 and 0644: anyone on the machine could read the athletes' clips and results."""
    import os
    import stat

    from hiprom.web.uploads import store_upload

    data = web_app.extensions["hiprom"]["data_dir"]
    assert stat.S_IMODE(os.stat(data).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(data / "hiprom.sqlite3").st_mode) == 0o600
    with open(samples_dir / "ir_seated_left.mp4", "rb") as fh:
        saved = store_upload(fh, data / "uploads", max_bytes=50 << 20, max_duration_s=60.0)
    assert stat.S_IMODE(os.stat(saved).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(data / "uploads").st_mode) == 0o700
    (data).chmod(0o755)  # an existing, open folder is closed again when the app starts
    from hiprom.web.app import create_app

    again = create_app(data).extensions["hiprom"]
    again["runner"].shutdown()
    again["store"].close()
    assert stat.S_IMODE(os.stat(data).st_mode) == 0o700


@pytest.mark.slow
def test_upload_analyse_review_compare_download(client, web_app, samples_dir):
    sign_in(client, "ana", "ana-password-1")
    response = upload(client, samples_dir / "ir_seated_left.mp4", session_date="2026-10-01")
    assert response.status_code == 303
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    assert client.get(f"/jobs/{job_id}").status_code == 200  # the progress page
    assert wait_for_job(client, job_id)["status"] == "done"
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert 'data-measure="peak_ir_deg"' in page and "LIMITED" in page and "annotated.mp4" in page
    from hiprom.calibration import BENCH_PEAK_IR_ERROR_DEG

    mae, worst = BENCH_PEAK_IR_ERROR_DEG["seated"]  # tied to bench/last_accuracy_run.txt (test_calibration)
    assert f"benchmark error in this view: mean {mae} deg, worst {worst} deg" in page
    assert "less than 9.0 deg between sessions" in page
    video = client.get(f"/jobs/{job_id}/files/annotated.mp4")
    assert video.status_code == 200 and video.mimetype == "video/mp4"
    video.close()  # file responses stream from disk
    # isolation: the other clinician sees none of it
    other = web_app.test_client()
    sign_in(other, "ben", "ben-password-1")
    assert other.get(f"/jobs/{job_id}").status_code == 404
    assert other.get(f"/jobs/{job_id}/files/annotated.mp4").status_code == 404
    assert other.get("/athletes/1").status_code == 404
    assert "Sam Runner" not in other.get("/").get_data(as_text=True)
    # no way out of the job's folder
    for name in ("..%2f..%2fhiprom.sqlite3", "../secret_key", "%2e%2e"):
        assert client.get(f"/jobs/{job_id}/files/{name}").status_code == 404
    # a second session, then the athlete's page and downloads
    second = upload(client, samples_dir / "ir_seated_left_followup.mp4", session_date="2026-10-22")
    assert wait_for_job(client, second.headers["Location"].rsplit("/", 1)[1])["status"] == "done"
    athlete = client.get("/athletes/1").get_data(as_text=True)
    assert "improved beyond measurement error" in athlete
    pdf = client.get("/athletes/1/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    pdf.close()
    report = client.get("/athletes/1/report.html")
    assert "clinician: ana" in report.get_data(as_text=True)  # the header names who measured
    report.close()
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(json.loads(client.get("/athletes/1/report.fhir.json").data))
    assert client.get("/athletes/1/report.exe").status_code == 404


@pytest.mark.slow
def test_a_clip_without_a_person_fails_with_a_reason(client, tmp_path):
    from tests.videos import pattern_frame, write_video

    clip = write_video(tmp_path / "empty.mp4", [pattern_frame(160, 120, i) for i in range(40)])
    sign_in(client, "ana", "ana-password-1")
    response = upload(client, clip)
    state = wait_for_job(client, response.headers["Location"].rsplit("/", 1)[1])
    assert state["status"] == "failed" and "person" in state["message"]


def test_knee_to_chest_page_states_where_the_phone_was_and_the_error(web_app, samples_dir):
    from types import SimpleNamespace

    from flask import render_template

    from hiprom import protocols
    from hiprom.analysis.knee_to_chest import analyze_knee_to_chest
    from hiprom.calibration import BENCH_PEAK_ERROR_DEG
    from hiprom.protocols.knee_to_chest import rep_entry
    from hiprom.results import document
    from hiprom.synth.truthfile import load_truth
    from tests.factories import truth_landmarks
    from tests.test_camera_view import world_landmarks

    truth = load_truth(samples_dir / "k2c_left_early_tilt.truth.csv")
    pts, vis = truth_landmarks(truth)
    world, _ = world_landmarks(pan_deg=-20.0, n=pts.shape[0])
    reps = analyze_knee_to_chest(truth["time_s"], pts, vis, world_m=world).reps
    doc = document("knee-to-chest", {}, [], [rep_entry(r) for r in reps])
    views = [protocols.get("knee-to-chest").view(e) for e in doc["results"]]
    job = SimpleNamespace(id="j1", params={"athlete": "Ada"})
    with web_app.test_request_context():
        definitions = protocols.get("knee-to-chest").definitions
        page = render_template("result.html", job=job, doc=doc, views=views, files=[], athlete_id=1,
                               definitions=definitions, correct=set(), corrected=set())  # fmt: skip
    for term in ("thigh angle", "goniometer angle", "pelvic tilt", "hip flexion on the pelvis", "onset"):
        assert f"<dt>{term}</dt>" in page  # every angle shown is defined beside it, with a diagram
    assert 'aria-label="the knee-to-chest angles"' in page
    pan = reps[0].camera.pan_deg
    assert f"phone about {abs(pan):.0f} deg towards the feet" in page
    thigh = BENCH_PEAK_ERROR_DEG["any camera"]["thigh"]
    assert f"benchmark error (any camera): thigh {thigh[0]} deg (worst {thigh[1]})" in page
    assert "off square to the body&#39;s side" in page  # the warning, escaped


def test_athletes_are_renamed_merged_and_deleted_with_a_confirmation_files_and_all(client, web_app):
    """Rename (a taken name is refused: merge instead), merge two athletes' sessions after a confirmation
    page, delete a session and an athlete (after one) with the files the app stored; another
    clinician reaches none of it."""
    import datetime as dt

    from hiprom.store.accounts import clinician_id
    from hiprom.store.models import Job
    from hiprom.store.records import athlete_id, athlete_rows, record_analysis, results_of
    from tests.store_docs import ir_document
    from tests.webclient import csrf

    cfg = web_app.extensions["hiprom"]
    store, data = cfg["store"], cfg["data_dir"]
    sign_in(client, "ana", "ana-password-1")
    ana = clinician_id(store, "ana")
    job_dir, upload_path = data / "results" / "job1", data / "uploads" / "u1.mp4"
    job_dir.mkdir(parents=True)
    upload_path.parent.mkdir(parents=True, exist_ok=True)
    upload_path.write_bytes(b"clip")
    (job_dir / "annotated.mp4").write_bytes(b"video")
    doc = ir_document(30.0, sha="c" * 64)
    doc["clip"]["clip_name"] = "u1.mp4"
    record_analysis(store, "Sam Runner", doc, {"annotated.mp4": job_dir / "annotated.mp4"},
                    date=dt.date(2026, 10, 1), owner=ana)  # fmt: skip
    record_analysis(store, "sam runner jr", ir_document(25.0, sha="d" * 64), {}, date=dt.date(2026, 10, 8),
                    owner=ana)  # fmt: skip
    with store.transaction() as s:
        s.add(Job(id="job1", clinician_id=ana, status="done", params={}, upload_path=str(upload_path),
                  out_dir=str(job_dir)))  # fmt: skip
    sam, junior = athlete_id(store, "Sam Runner", ana), athlete_id(store, "sam runner jr", ana)
    post = lambda path, **form: client.post(path, data={"csrf_token": csrf(client, "/"), **form})  # noqa: E731
    assert post(f"/athletes/{junior}/rename", name="Sam Runner").status_code == 400  # taken: merge instead
    assert post(f"/athletes/{junior}/rename", name="Sam  Runner Jr").status_code == 303
    assert [a["name"] for a in athlete_rows(store, ana)] == ["Sam Runner", "Sam Runner Jr"]
    ask = post(f"/athletes/{junior}/merge", into=str(sam))
    assert ask.status_code == 200 and "Merge Sam Runner Jr into Sam Runner?" in ask.get_data(as_text=True)
    assert len(athlete_rows(store, ana)) == 2  # nothing happened yet
    assert post(f"/athletes/{junior}/merge", into=str(sam), confirm="yes").status_code == 303
    assert [a["name"] for a in athlete_rows(store, ana)] == ["Sam Runner"]
    sessions = sorted({r.session_id for r in results_of(store, "Sam Runner", owner=ana)})
    assert len(sessions) == 2
    other = web_app.test_client()
    sign_in(other, "ben", "ben-password-1")
    token = csrf(other, "/")
    for path in (f"/sessions/{sessions[0]}/delete", f"/athletes/{sam}/delete", f"/athletes/{sam}/rename"):
        assert other.post(path, data={"csrf_token": token, "confirm": "yes", "name": "x"}).status_code == 404
    assert "Delete this session?" in post(f"/sessions/{sessions[1]}/delete").get_data(as_text=True)
    assert post(f"/sessions/{sessions[1]}/delete", confirm="yes").status_code == 303
    assert len({r.session_id for r in results_of(store, "Sam Runner", owner=ana)}) == 1
    assert "1 session(s)" in post(f"/athletes/{sam}/delete").get_data(as_text=True)
    assert upload_path.exists() and job_dir.exists()
    assert post(f"/athletes/{sam}/delete", confirm="yes").status_code == 303
    assert athlete_rows(store, ana) == [] and not upload_path.exists() and not job_dir.exists()
    with store.transaction() as s:
        assert s.get(Job, "job1") is None


@pytest.mark.slow
def test_the_clinician_moves_the_onset_and_sees_it_recomputed(client, web_app, samples_dir):
    """A knee-to-chest clip with the card (the real model): the result page offers the onset correction,
    a new onset recomputes the hip flexion from frames.csv and the finding names who set it; the
    measured value comes back on request; the report says which was used (#19)."""
    import csv
    import re

    sign_in(client, "ana", "ana-password-1")
    response = upload(client, samples_dir / "k2c_left_early_tilt.mp4", athlete="Ada", test="knee-to-chest",
                      position="", session_date="2026-11-02")  # fmt: skip
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    assert wait_for_job(client, job_id)["status"] == "done"
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert 'class="correction"' in page and "onset (set by the clinician)" not in page
    action = f"/jobs/{job_id}/results/0/onset"
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    refused = client.post(action, data={"csrf_token": token, "onset_s": "99"})
    assert refused.status_code == 400 and "within the rep" in refused.get_data(as_text=True)
    assert client.post(action, data={"csrf_token": token, "onset_s": "soon"}).status_code == 400
    out = web_app.extensions["hiprom"]["data_dir"] / "results"
    (folder,) = [p for p in out.iterdir() if (p / "frames.csv").is_file()]
    lines = (folder / "frames.csv").read_text().splitlines()
    rows = list(csv.DictReader(x for x in lines if not x.startswith("#")))
    inside = [r for r in rows if r["left_hip_flexion_on_pelvis_deg"]]
    chosen = inside[len(inside) * 3 // 4]  # later in the raise than the measured onset
    moved = client.post(action, data={"csrf_token": token, "onset_s": chosen["time_s"]})
    assert moved.status_code == 303
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    hip = float(chosen["left_hip_flexion_on_pelvis_deg"])
    assert "onset (set by the clinician) at <span" in page
    shown = float(
        re.search(r'data-measure="pelvic_tilt.onset.hip_flexion_deg"[^>]*>([\d.]+)<', page).group(1)
    )
    assert shown == pytest.approx(hip, abs=0.06)
    assert "onset set by ana; hiprom measured: LUMBAR BORROWING" in page
    report = client.get("/athletes/1/report.html")
    assert "onset set by ana" in report.get_data(as_text=True)
    report.close()
    other = web_app.test_client()
    sign_in(other, "ben", "ben-password-1")
    assert other.post(action, data={"csrf_token": csrf(other, "/"), "onset_s": "3"}).status_code == 404
    client.post(action, data={"csrf_token": token, "clear": "1"})
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "onset (set by the clinician)" not in page and "onset set by" not in page
