"""The Flask app: sign in, upload, progress, results, athlete history and comparison, downloads.

Server-rendered pages (Jinja2, autoescaped) with one small script for the
upload drop zone and the progress bar. Every page and file is scoped to the
signed-in clinician; uploads and results live in ``data_dir``, outside the
web root, under names the server makes.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask, g, jsonify, render_template, request, session
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from hiprom.capture.segments import available_cores
from hiprom.errors import BadInputError
from hiprom.store.accounts import session_generation
from hiprom.store.db import open_store
from hiprom.web.auth import check_csrf, csrf_token
from hiprom.web.jobs import JOB_MEMORY_MB, RQRunner, ThreadRunner, recover
from hiprom.web.limits import limit_sign_in
from hiprom.web.views import athletes as views_athletes
from hiprom.web.views import auth as views_auth
from hiprom.web.views import clips as views_clips

__all__ = ["create_app"]


def _secret_key(data_dir: Path) -> str:
    path = data_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _private_database(db_url: str) -> None:
    """A SQLite store's file (and its journal files) readable by their owner only: athletes' health data."""
    import os

    from hiprom.store.db import sqlite_file

    if (db_file := sqlite_file(db_url)) is None:
        return
    for path in db_file.parent.glob(db_file.name + "*"):
        if path.is_file() and path.stat().st_uid == os.getuid():
            path.chmod(0o600)


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
    job_memory_mb: int = JOB_MEMORY_MB,
    clinic: str | None = None,
) -> Flask:
    """Build the app. ``jobs``: ``"thread"`` (worker processes beside the server, each under
    ``job_memory_mb`` of address space) or ``"rq"`` (Redis at ``redis_url``; limit its workers with
    the OS)."""
    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    data_dir.chmod(0o700)  # clips, results and the database are the athletes' health data: owner only
    db_url = db_url or f"sqlite:///{data_dir / 'hiprom.sqlite3'}"
    store = open_store(db_url)
    _private_database(db_url)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=_secret_key(data_dir),
        MAX_CONTENT_LENGTH=max_upload_mb * (1 << 20) + (1 << 16),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies,
    )
    if jobs == "rq":
        if not redis_url:
            raise BadInputError("--jobs rq needs --redis URL (e.g. redis://localhost:6379/0)")
        runner = RQRunner(store.url, redis_url)
    elif jobs == "thread":
        runner = ThreadRunner(store.url, workers, memory_mb=job_memory_mb)
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
        "clinic": clinic,  # for the reports' header
        # each job's pose pass shares the cores with the other workers' (RQ workers: one core each)
        "pose_jobs": max(1, available_cores() // max(1, workers)) if jobs == "thread" else 1,
    }
    _hooks(app)
    for blueprint in (views_auth.bp, views_clips.bp, views_athletes.bp):
        app.register_blueprint(blueprint)
    limit_sign_in(app, redis_url if jobs == "rq" and redis_url else "memory://", str(data_dir))
    return app


def _hooks(app: Flask) -> None:
    """Sign-in state, CSRF and size checks before each request; security headers after; error pages."""
    cfg = app.extensions["hiprom"]

    @app.before_request
    def load_user():
        g.clinician_id = session.get("clinician_id")
        if g.clinician_id is not None:  # signed out since (anywhere), or the account is gone
            current = session_generation(cfg["store"], g.clinician_id)
            if current is None or current != session.get("generation", 0):
                session.clear()
                g.clinician_id = None
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

    @app.errorhandler(429)
    def too_many(exc):
        message = "too many sign-in attempts; wait a minute and try again"
        response = render_template("error.html", code=429, message=message), 429
        return response

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(exc):
        return render_template(
            "error.html", code=413, message=f"the clip is larger than {cfg['max_bytes'] >> 20} MB"
        ), 413
