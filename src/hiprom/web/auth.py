"""Clinician accounts (hashed passwords), the signed session, CSRF tokens."""

from __future__ import annotations

import functools
import secrets

from flask import abort, g, redirect, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

from hiprom.errors import BadInputError
from hiprom.store.accounts import add_account, password_hash_of
from hiprom.store.db import Store

__all__ = ["add_clinician", "check_csrf", "csrf_token", "login_required", "verify"]

_DUMMY_HASH = generate_password_hash("not a password")


def add_clinician(store: Store, username: str, password: str) -> int:
    """Create an account (scrypt-hashed password); one-line errors for a taken name or weak password."""
    username = username.strip()
    if not (1 <= len(username) <= 100) or any(c.isspace() for c in username):
        raise BadInputError("a username is 1-100 characters without spaces")
    if len(password) < 10:
        raise BadInputError("a password needs at least 10 characters")
    return add_account(store, username, generate_password_hash(password))


def verify(store: Store, username: str, password: str) -> int | None:
    """The clinician's id if the password matches (constant work whether or not the user exists)."""
    account = password_hash_of(store, username.strip())
    if account is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return account[0] if check_password_hash(account[1], password) else None


def safe_next(target: str | None) -> str:
    """Where to go after sign-in: a path on this site, or ``/``.

    Refused: anything with a control character or backslash (browsers and Werkzeug drop tabs and
    newlines, so ``/\t/evil.example`` would become ``//evil.example``), a scheme or a host, and
    protocol-relative ``//`` paths.
    """
    from urllib.parse import urlsplit

    if not target or any(ord(c) < 32 or ord(c) == 127 for c in target) or "\\" in target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def check_csrf() -> None:
    """Abort with 400 unless the form (or X-CSRF-Token header) carries this session's token."""
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    if not session.get("csrf") or not secrets.compare_digest(sent, session["csrf"]):
        abort(400, "missing or wrong CSRF token; reload the page")


def login_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("clinician_id") is None:
            if request.path.startswith("/api/"):
                abort(401)
            return redirect(url_for("auth.login", next=request.path))
        return view(*args, **kwargs)

    return wrapped
