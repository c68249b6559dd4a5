"""Helpers for the web tests: sign in through the real form, read the CSRF token from pages."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path


def csrf(client, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client, username: str, password: str):
    token = csrf(client)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def upload(client, clip_path, **fields):
    token = csrf(client, "/")
    data = {"athlete": "Sam Runner", "test": "hip-ir", "position": "seated", "csrf_token": token, **fields}
    if clip_path is not None:
        data["clip"] = (io.BytesIO(Path(clip_path).read_bytes()), "anything.mp4")
    return client.post("/upload", data=data, content_type="multipart/form-data")


def wait_for_job(client, job_id: str, timeout_s: float = 240) -> dict:
    """Poll a job's status until it is done or failed (its last state), or fail the test."""
    deadline = time.monotonic() + timeout_s
    state: dict = {}
    while time.monotonic() < deadline:
        state = client.get(f"/api/jobs/{job_id}").get_json()
        if state["status"] in ("done", "failed"):
            return state
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} did not finish: {state}")
