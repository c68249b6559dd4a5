"""Sign in and out."""

from __future__ import annotations

import secrets

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from hiprom.store.accounts import end_sessions, session_generation
from hiprom.web.auth import safe_next, verify

bp = Blueprint("auth", __name__)


@bp.get("/login")
def login():
    return render_template("login.html", error=None, next_url=safe_next(request.args.get("next")))


@bp.post("/login")
def login_post():  # rate-limited by hiprom.web.limits
    store = current_app.extensions["hiprom"]["store"]
    clinician = verify(store, request.form.get("username", ""), request.form.get("password", ""))
    if clinician is None:
        next_url = safe_next(request.args.get("next"))
        return render_template("login.html", error="wrong username or password", next_url=next_url), 401
    csrf = session.get("csrf")
    session.clear()  # a fresh session on sign-in
    session["clinician_id"], session["csrf"] = clinician, csrf or secrets.token_urlsafe(32)
    session["generation"] = session_generation(store, clinician)
    return redirect(safe_next(request.args.get("next")), 303)


@bp.post("/logout")
def logout():
    clinician = session.get("clinician_id")
    if clinician is not None:  # every copy of this session's cookie stops working, not just this one
        end_sessions(current_app.extensions["hiprom"]["store"], clinician)
    session.clear()
    return redirect(url_for("auth.login"), 303)
