"""Hostile paths, query strings and forms against every web route: never a 500, never a traceback.

The real app on a real SQLite store, signed in through the real form (CSRF on,
rate limits on). Hypothesis draws path segments and form fields from text
that includes control characters, NUL, separators, traversal, huge numbers
and long strings; derandomized, so a failure reproduces.
"""

from __future__ import annotations

import io
import urllib.parse

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.webclient import csrf, sign_in

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])  # fmt: skip

HOSTILE = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),  # ids past the database's integers
    st.sampled_from(["..", "../..", "%2e%2e", "/", "\\", "\x00", "\r\n", "%0d%0a", "//evil.example", "\t",
                     "9" * 40, "-1", "0", "1e9", "NaN", "<script>", "' OR 1=1 --", "a" * 3000]),
)  # fmt: skip


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from hiprom.web.app import create_app
    from hiprom.web.auth import add_clinician

    app = create_app(tmp_path_factory.mktemp("web") / "data", max_upload_mb=1, max_duration_s=30.0)
    store = app.extensions["hiprom"]["store"]
    add_clinician(store, "ana", "ana-password-1")
    yield app
    app.extensions["hiprom"]["runner"].shutdown()
    store.close()


@pytest.fixture(scope="module")
def client(app):
    client = app.test_client()
    assert sign_in(client, "ana", "ana-password-1").status_code in (302, 303)
    return client


def _fine(response) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code < 500, (response.status_code, body[:300])
    assert "Traceback (most recent call last)" not in body


def _header(text: str) -> str:
    """What an HTTP header can carry: ASCII, no line breaks (the wire has no way to send those)."""
    return text[:200].encode("ascii", "replace").decode().replace("\r", " ").replace("\n", " ")


def _seg(text: str) -> str:
    return urllib.parse.quote(text, safe="") or "x"


@SETTINGS
@given(
    route=st.sampled_from(["/athletes/{}", "/athletes/{}/report.pdf", "/athletes/1/report.{}", "/jobs/{}",
                           "/api/jobs/{}", "/jobs/{}/files/result.json", "/jobs/x/files/{}", "/{}"]),
    value=HOSTILE,
    query=st.dictionaries(HOSTILE, HOSTILE, max_size=3),
)  # fmt: skip
@example(route="/athletes/{}", value=str(2**70), query={})  # an id beyond SQLite's integers (was a 500)
@example(route="/athletes/1/report.{}", value="../../etc/passwd", query={})
def test_hostile_paths_and_queries_get_a_4xx_or_a_page(client, route, value, query):
    path = route.format(_seg(value))
    _fine(client.get(path, query_string=query))


@settings(max_examples=25, deadline=None, derandomize=True)
@given(username=HOSTILE, password=HOSTILE, next_=HOSTILE)
def test_hostile_sign_in_forms_are_refused_cleanly(app, username, password, next_):
    fresh = app.test_client()
    token = csrf(fresh)
    response = fresh.post(f"/login?next={_seg(next_)}", data={"username": username, "password": password,
                                                              "csrf_token": token})  # fmt: skip
    _fine(response)
    location = response.headers.get("Location", "")
    assert not location.startswith(("//", "http:", "https:")) or "localhost" in location  # no open redirect


@SETTINGS
@given(
    fields=st.fixed_dictionaries(
        {"athlete": HOSTILE, "test": st.one_of(HOSTILE, st.sampled_from(["knee-to-chest", "hip-ir"])),
         "position": st.one_of(HOSTILE, st.sampled_from(["seated", "supine", "prone", ""])),
         "side": st.one_of(HOSTILE, st.sampled_from(["left", "right", ""])),
         "session_date": st.one_of(HOSTILE, st.sampled_from(["2026-02-30", "2026-13-01", "9999-12-31"])),
         "notes": HOSTILE},
    ),
    clip=st.one_of(st.none(), st.binary(max_size=2000), st.sampled_from([b"\x00" * 64, b"RIFF....AVI ",
                                                                       b"\x00\x00\x00\x18ftypmp42"])),
    name=HOSTILE,
    with_token=st.booleans(),
)  # fmt: skip
def test_hostile_upload_forms_get_a_4xx(client, fields, clip, name, with_token):
    data = dict(fields)
    if with_token:
        data["csrf_token"] = csrf(client, "/")
    if clip is not None:
        data["clip"] = (io.BytesIO(clip), name or "x")
    response = client.post("/upload", data=data, content_type="multipart/form-data")
    _fine(response)
    assert response.status_code >= 400  # none of these is a video: nothing is queued


@SETTINGS
@given(cookie=HOSTILE, forwarded=HOSTILE, accept=HOSTILE)
def test_hostile_cookies_and_headers_are_refused_or_ignored(app, cookie, forwarded, accept):
    fresh = app.test_client()
    fresh.set_cookie("session", cookie.encode("utf-8", "replace").decode("latin-1", "replace")[:4000])
    headers = {"X-Forwarded-For": _header(forwarded), "Accept": _header(accept)}
    for path in ("/", "/athletes/1", "/jobs/x"):
        response = fresh.get(path, headers=headers)
        _fine(response)
        assert response.status_code in (302, 303, 401, 403, 404)  # a forged session signs nobody in


def test_the_signed_in_home_page_still_works_after_the_fuzzing(client):
    response = client.get("/")
    assert response.status_code == 200 and "csrf_token" in response.get_data(as_text=True)
