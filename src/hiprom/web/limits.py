"""Sign-in rate limits (Flask-Limiter): by address and by account, so guessing a password is slow.

Storage: Redis when the app runs with it (``--jobs rq --redis URL``: every server process shares
the counts), otherwise the process's memory (the default single-process server). A limited
request gets a 429 page that says to wait.
"""

from __future__ import annotations

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

__all__ = ["PER_ACCOUNT", "PER_ADDRESS", "limit_sign_in"]

PER_ADDRESS = "20 per minute; 100 per hour"  # sign-in attempts from one address
PER_ACCOUNT = "10 per minute; 50 per hour"  # sign-in attempts at one username, from anywhere


def _account() -> str:
    return "account:" + " ".join(request.form.get("username", "").split()).lower()


def limit_sign_in(app: Flask, storage_uri: str, deployment: str) -> Limiter:
    """A limiter on the sign-in form's POST; ``deployment`` (the data folder) names its counts, so the
    processes of one deployment share them in Redis and two deployments never do."""
    import hashlib

    prefix = "hiprom-" + hashlib.sha256(deployment.encode()).hexdigest()[:12]
    limiter = Limiter(get_remote_address, app=app, storage_uri=storage_uri, default_limits=[],
                      headers_enabled=True, key_prefix=prefix)  # fmt: skip
    view = app.view_functions["auth.login_post"]
    view = limiter.limit(PER_ACCOUNT, key_func=_account)(view)
    app.view_functions["auth.login_post"] = limiter.limit(PER_ADDRESS)(view)
    return limiter
