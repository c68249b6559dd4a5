"""Sign in and out."""

from __future__ import annotations

import secrets

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from hiprom.web.auth import verify

bp = Blueprint("auth", __name__)


@bp.get("/login")
def login():
    return render_template("login.html", error=None)


@bp.post("/login")
def login_post():
    store = current_app.extensions["hiprom"]["store"]
    clinician = verify(store, request.form.get("username", ""), request.form.get("password", ""))
    if clinician is None:
        return render_template("login.html", error="wrong username or password"), 401
    csrf = session.get("csrf")
    session.clear()  # a fresh session on sign-in
    session["clinician_id"], session["csrf"] = clinician, csrf or secrets.token_urlsafe(32)
    target = request.args.get("next", "/")
    return redirect(target if target.startswith("/") and not target.startswith("//") else "/", 303)


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("auth.login"), 303)
