"""The Flask app: sign in, upload, progress, results, athlete history and comparison, downloads.

Server-rendered pages (Jinja2, autoescaped) with one small script for the
upload drop zone and the progress bar. Every page and file is scoped to the
signed-in clinician; uploads and results live in ``data_dir``, outside the
web root, under names the server makes.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask, abort, g, jsonify, redirect, render_template, request, send_file, session, url_for
from sqlalchemy import select
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from hiprom.errors import BadInputError, HipromError
from hiprom.results import accuracy_line
from hiprom.store.db import Store, open_store
from hiprom.store.models import Athlete, Job
from hiprom.web.auth import check_csrf, csrf_token, login_required, verify
from hiprom.web.jobs import RQRunner, ThreadRunner, create_job, recover
from hiprom.web.uploads import store_upload

__all__ = ["create_app"]

_TESTS = {"knee-to-chest": None, "hip-ir": ("supine", "seated", "prone")}


def _secret_key(data_dir: Path) -> str:
    path = data_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def create_app(
    data_dir: str | Path,
    db_url: str | None = None,
    *,
    jobs: str = "thread",
    workers: int = 1,
    redis_url: str | None = None,
    max_upload_mb: int = 200,
    max_duration_s: float = 120.0,
    secure_cookies: bool = False,
) -> Flask:
    """Build the app. ``jobs``: ``"thread"`` (in-process pool) or ``"rq"`` (Redis at ``redis_url``)."""
    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    store = open_store(db_url or f"sqlite:///{data_dir / 'hiprom.sqlite3'}")
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=_secret_key(data_dir),
        MAX_CONTENT_LENGTH=max_upload_mb * (1 << 20) + (1 << 16),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies,
    )
    app.jinja_env.filters["accuracy_line"] = accuracy_line  # the same line the CLI prints
    if jobs == "rq":
        if not redis_url:
            raise BadInputError("--jobs rq needs --redis URL (e.g. redis://localhost:6379/0)")
        runner = RQRunner(store.url, redis_url)
    elif jobs == "thread":
        runner = ThreadRunner(store.url, workers)
    else:
        raise BadInputError(f"--jobs must be thread or rq, got {jobs!r}")
    # jobs left running by a previous server process (in-process pool) are orphans: re-queue them
    recover(store, runner, stale_after_s=60.0, orphan_running=runner.name == "thread")
    app.extensions["hiprom"] = {
        "store": store,
        "runner": runner,
        "data_dir": data_dir,
        "max_bytes": max_upload_mb * (1 << 20),
        "max_duration_s": max_duration_s,
    }
    _routes(app, store, runner, data_dir)
    return app


def _routes(app: Flask, store: Store, runner, data_dir: Path) -> None:
    cfg = app.extensions["hiprom"]

    @app.before_request
    def load_user():
        g.clinician_id = session.get("clinician_id")
        g.csrf_token = csrf_token()
        if (request.content_length or 0) > app.config["MAX_CONTENT_LENGTH"]:
            raise RequestEntityTooLarge()  # before the body is parsed (and spooled to disk)
        if request.method == "POST":
            check_csrf()

    @app.after_request
    def headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; "
            "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        if response.mimetype == "text/html":
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if request.path.startswith("/api/"):
            return jsonify(error=exc.description or exc.name), exc.code
        return render_template("error.html", code=exc.code, message=exc.description or exc.name), exc.code

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(exc):
        return render_template(
            "error.html", code=413, message=f"the clip is larger than {cfg['max_bytes'] >> 20} MB"
        ), 413

    @app.get("/login")
    def login():
        return render_template("login.html", error=None)

    @app.post("/login")
    def login_post():
        clinician = verify(store, request.form.get("username", ""), request.form.get("password", ""))
        if clinician is None:
            return render_template("login.html", error="wrong username or password"), 401
        csrf = session.get("csrf")
        session.clear()  # a fresh session on sign-in
        session["clinician_id"], session["csrf"] = clinician, csrf or secrets.token_urlsafe(32)
        target = request.args.get("next", "/")
        return redirect(target if target.startswith("/") and not target.startswith("//") else "/", 303)

    @app.post("/logout")
    def logout():
        session.clear()
        return redirect(url_for("login"), 303)

    def athletes_of(owner: int) -> list[dict]:
        from hiprom.store.records import athlete_rows

        return athlete_rows(store, owner)

    def home_page(error: str | None = None, status: int = 200):
        with store.transaction() as s:
            jobs = s.scalars(
                select(Job)
                .where(Job.clinician_id == g.clinician_id)
                .order_by(Job.created_at.desc())
                .limit(20)
            ).all()
        page = render_template("home.html", athletes=athletes_of(g.clinician_id), jobs=jobs, error=error)
        return page, status

    def own_job(job_id: str) -> Job:
        with store.transaction() as s:
            job = s.get(Job, job_id)
        if job is None or job.clinician_id != g.clinician_id:
            abort(404)
        return job

    def own_athlete(athlete_id: int) -> str:
        with store.transaction() as s:
            athlete = s.get(Athlete, athlete_id)
        if athlete is None or athlete.clinician_id != g.clinician_id:
            abort(404)
        return athlete.name

    @app.get("/")
    @login_required
    def home():
        return home_page()

    @app.post("/upload")
    @login_required
    def upload():
        form = request.form
        athlete = " ".join(form.get("athlete", "").split())
        test, position = form.get("test", ""), form.get("position") or None
        side = form.get("side") or None
        error = None
        if not athlete or len(athlete) > 200:
            error = "give the athlete's name (1-200 characters)"
        elif test not in _TESTS:
            error = "choose the test"
        elif test == "hip-ir" and position not in _TESTS["hip-ir"]:
            error = "choose the position of the hip-rotation test"
        elif side not in (None, "left", "right"):
            error = "side must be left, right or automatic"
        elif "clip" not in request.files or not request.files["clip"].filename:
            error = "choose a clip"
        if error is None:
            try:
                from hiprom.store.records import parse_date

                session_date = form.get("session_date") or None
                parse_date(session_date)
                path = store_upload(
                    request.files["clip"].stream,
                    data_dir / "uploads",
                    max_bytes=cfg["max_bytes"],
                    max_duration_s=cfg["max_duration_s"],
                )
            except HipromError as exc:
                error = str(exc)
        if error is not None:
            return home_page(error, 400)
        params = {
            "athlete": athlete,
            "test": test,
            "position": position if test == "hip-ir" else None,
            "side": side,
            "session_date": session_date,
            "notes": form.get("notes", "")[:2000],
        }
        job_id = create_job(store, g.clinician_id, path, data_dir / "results", params)
        runner.submit(job_id)
        return redirect(url_for("job_page", job_id=job_id), 303)

    @app.get("/api/jobs/<job_id>")
    @login_required
    def job_status(job_id: str):
        job = own_job(job_id)
        return jsonify(id=job.id, status=job.status, progress=round(job.progress, 3), message=job.message)

    @app.get("/jobs/<job_id>")
    @login_required
    def job_page(job_id: str):
        job = own_job(job_id)
        if job.status != "done":
            return render_template("job.html", job=job)
        files = sorted(p.name for p in Path(job.out_dir).glob("*") if p.is_file())
        with store.transaction() as s:
            athlete_id = s.scalar(
                select(Athlete.id).where(
                    Athlete.clinician_id == g.clinician_id, Athlete.name == job.params["athlete"]
                )
            )
        return render_template("result.html", job=job, doc=job.result, files=files, athlete_id=athlete_id)

    @app.get("/jobs/<job_id>/files/<name>")
    @login_required
    def job_file(job_id: str, name: str):
        job = own_job(job_id)
        folder = Path(job.out_dir)
        if name not in {p.name for p in folder.glob("*") if p.is_file()}:  # only names the analysis wrote
            abort(404)
        return send_file(folder / name, conditional=True)

    @app.get("/athletes/<int:athlete_id>")
    @login_required
    def athlete_page(athlete_id: int):
        from hiprom.store.compare import compare
        from hiprom.store.records import results_of

        name = own_athlete(athlete_id)
        results = results_of(store, name, owner=g.clinician_id)
        comparisons, asymmetry = compare(results)
        return render_template(
            "athlete.html",
            athlete_id=athlete_id,
            name=name,
            results=results,
            comparisons=comparisons,
            asymmetry=asymmetry,
        )

    @app.get("/athletes/<int:athlete_id>/report.<fmt>")
    @login_required
    def athlete_report(athlete_id: int, fmt: str):
        from hiprom.report.athlete import write_report
        from hiprom.store.export import to_csv, to_fhir_bundle
        from hiprom.store.records import results_of

        name = own_athlete(athlete_id)
        results = results_of(store, name, owner=g.clinician_id)
        stem = "-".join(name.split())
        if fmt == "fhir.json":
            return send_file_bytes(
                jsonify(to_fhir_bundle(name, results)).get_data(),
                f"{stem}.fhir.json",
                "application/fhir+json",
            )
        if fmt == "csv":
            return send_file_bytes(to_csv(results).encode(), f"{stem}.csv", "text/csv")
        if fmt not in ("html", "pdf"):
            abort(404)
        out = data_dir / "reports" / f"{g.clinician_id}-{athlete_id}"
        paths = write_report(name, results, out)
        return send_file(paths[fmt], as_attachment=True, download_name=f"{stem}-report.{fmt}")

    def send_file_bytes(data: bytes, filename: str, mimetype: str):
        import io

        return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename)
