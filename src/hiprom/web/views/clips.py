"""Upload a clip, follow its analysis, read its result and fetch its files."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from hiprom import protocols
from hiprom.dates import parse_date
from hiprom.errors import HipromError
from hiprom.norms import SIDES
from hiprom.store.jobs import create_job, get_job, recent_jobs
from hiprom.store.models import Job
from hiprom.store.records import athlete_id, athlete_rows
from hiprom.web.auth import login_required
from hiprom.web.uploads import store_upload

bp = Blueprint("clips", __name__)

MARKER_MODES = ("auto", "on", "off")
#: the core's option names -> what the upload form calls them
FIELDS = {"position": "the position", "side": "the side", "test": "the test", "date": "the session date"}


def _cfg() -> dict:
    return current_app.extensions["hiprom"]


def home_page(error: str | None = None, status: int = 200, form=None):
    """The upload page; after a refused upload its fields keep what was entered (``form``)."""
    store = _cfg()["store"]
    jobs = recent_jobs(store, g.clinician_id)
    page = render_template("home.html", athletes=athlete_rows(store, g.clinician_id), jobs=jobs, error=error,
                           protocols=protocols.all_protocols(), form=form or {})  # fmt: skip
    return page, status


def own_job(job_id: str) -> Job:
    job = get_job(_cfg()["store"], job_id, owner=g.clinician_id)
    if job is None:
        abort(404)
    return job


@bp.get("/")
@login_required
def home():
    return home_page()


def _form_problem(form, files) -> str | None:
    """What is wrong with the upload form, in the form's words (None: nothing)."""
    athlete = " ".join(form.get("athlete", "").split())
    test, position, side = form.get("test", ""), form.get("position") or None, form.get("side") or None
    if not athlete or len(athlete) > 200:
        return "give the athlete's name (1-200 characters)"
    if test not in protocols.names():
        return "choose the test"
    protocol = protocols.get(test)
    if len(protocol.positions) > 1 and position not in protocol.positions:
        return "choose the position of the hip-rotation test"
    if side not in (None, *SIDES):
        return "side must be left, right or automatic"
    if form.get("marker", "auto") not in MARKER_MODES:
        return "the pelvis card must be automatic, on or off"
    if "clip" not in files or not files["clip"].filename:
        return "choose a clip"
    return None


@bp.post("/upload")
@login_required
def upload():
    cfg, form = _cfg(), request.form
    error = _form_problem(form, request.files)
    if error is None:
        try:
            protocol = protocols.get(form["test"])
            position = form.get("position") or None if len(protocol.positions) > 1 else None
            options = protocol.options(position, form.get("side") or None, form.get("marker", "auto"))
            session_date = form.get("session_date") or None
            parse_date(session_date)
            path = store_upload(request.files["clip"].stream, cfg["data_dir"] / "uploads",
                                max_bytes=cfg["max_bytes"], max_duration_s=cfg["max_duration_s"])  # fmt: skip
        except HipromError as exc:
            error = str(exc) if exc.option not in FIELDS else f"{exc} (check {FIELDS[exc.option]})"
    if error is not None:
        return home_page(error, 400, form)
    params = {
        "athlete": " ".join(form.get("athlete", "").split()),
        "test": options.test,
        "position": options.position if len(protocol.positions) > 1 else None,
        "side": options.side,
        "session_date": session_date,
        "notes": form.get("notes", "")[:2000],
        "marker": options.marker,
        # a checkbox sends nothing when cleared: the form's hidden "blur_faces_shown" says it was offered
        "blur_faces": form.get("blur_faces") == "on" or "blur_faces_shown" not in form,
        "max_duration_s": cfg["max_duration_s"],  # enforced again on the decoded frames
        "pose_jobs": cfg.get("pose_jobs", 1),  # processes for the pose pass (the app's cores / its workers)
    }
    job_id = create_job(cfg["store"], g.clinician_id, path, cfg["data_dir"] / "results", params)
    cfg["runner"].submit(job_id)
    return redirect(url_for("clips.job_page", job_id=job_id), 303)


@bp.get("/api/jobs/<job_id>")
@login_required
def job_status(job_id: str):
    job = own_job(job_id)
    return jsonify(id=job.id, status=job.status, progress=round(job.progress, 3), message=job.message)


def _written(job: Job) -> list[str]:
    """The names of the files the job's analysis wrote (the only ones served)."""
    return sorted(p.name for p in Path(job.out_dir).glob("*") if p.is_file())


def _views(doc: dict) -> list:
    return [protocols.get(doc["test"]).view(entry) for entry in doc["results"]]


def _stored(job: Job) -> dict:
    """The store's rows of this job's clip, by rep index: ``{index: (result id, entry as read,
    correction)}`` (a clinician's correction applied; none before the result is recorded)."""
    from hiprom.store.corrections import applied, clip_results

    doc = job.result
    sha = (doc.get("clip") or {}).get("clip_sha256") or ""
    rows = clip_results(_cfg()["store"], job.params["athlete"], sha, doc["test"], g.clinician_id)
    return {index: (rid, applied(entry, fix), fix) for rid, index, entry, fix, _ in rows}


def _as_read(job: Job, stored: dict) -> dict:
    """The job's result document with a clinician's corrections applied where there are any."""
    results = job.result["results"]
    return dict(job.result, results=[stored[k][1] if k in stored else e for k, e in enumerate(results)])


def _correctable(entry: dict) -> bool:
    return (entry.get("pelvic_tilt") or {}).get("method") == "marker" and entry.get("rep") is not None


@bp.get("/jobs/<job_id>")
@login_required
def job_page(job_id: str):
    job = own_job(job_id)
    if job.status != "done":
        return render_template("job.html", job=job)
    files = _written(job)
    stored = _stored(job)
    doc = _as_read(job, stored)
    views = _views(doc)
    owner_athlete = athlete_id(_cfg()["store"], job.params["athlete"], g.clinician_id)
    definitions = protocols.get(doc["test"]).definitions
    per_frame = "frames.csv" in files  # the correction recomputes from it
    correct = {k for k, (_, entry, _) in stored.items() if per_frame and _correctable(entry)}
    return render_template("result.html", job=job, doc=doc, views=views, files=files,
                           athlete_id=owner_athlete, definitions=definitions, correct=correct,
                           corrected={k for k, row in stored.items() if row[2]})  # fmt: skip


@bp.post("/jobs/<job_id>/results/<int:index>/onset")
@login_required
def correct_onset(job_id: str, index: int):
    """Set (or, with ``clear``, remove) a clinician's onset for one rep; the page shows it recomputed."""
    from hiprom.protocols.k2c_frames import onset_correction
    from hiprom.store.accounts import username_of
    from hiprom.store.corrections import set_correction

    job = own_job(job_id)
    row = _stored(job).get(index) if job.status == "done" else None
    if row is None or not _correctable(row[1]) or "frames.csv" not in _written(job):
        abort(404)
    result_id = row[0]
    store = _cfg()["store"]
    if request.form.get("clear"):
        set_correction(store, result_id, None, g.clinician_id)
        return redirect(url_for("clips.job_page", job_id=job_id, _anchor=f"rep-{index}"), 303)
    measured = job.result["results"][index]
    try:
        when = float(request.form.get("onset_s", "nan"))
        fix = onset_correction(measured, Path(job.out_dir) / "frames.csv", when,
                               by=username_of(store, g.clinician_id) or "the clinician")  # fmt: skip
    except (HipromError, ValueError) as exc:
        message = str(exc) if isinstance(exc, HipromError) else "give the onset as a time in seconds"
        return render_template("error.html", code=400, message=message), 400
    set_correction(store, result_id, fix, g.clinician_id)
    return redirect(url_for("clips.job_page", job_id=job_id, _anchor=f"rep-{index}"), 303)


@bp.get("/jobs/<job_id>/files/<name>")
@login_required
def job_file(job_id: str, name: str):
    job = own_job(job_id)
    if name not in _written(job):  # only names the analysis wrote
        abort(404)
    return send_file(Path(job.out_dir) / name, conditional=True)


@bp.get("/compare")
@login_required
def compare_videos():
    """Two sessions' annotated videos side by side, played in step, with their numbers (``?a=&b=``)."""
    jobs = [own_job(request.args.get(k, "")) for k in ("a", "b")]
    panes = []
    for job in jobs:
        if job.status != "done":
            abort(404)
        doc = _as_read(job, _stored(job))
        panes.append({"job": job, "doc": doc, "views": _views(doc),
                      "video": "annotated.mp4" in _written(job)})  # fmt: skip
    return render_template("compare.html", panes=panes)
