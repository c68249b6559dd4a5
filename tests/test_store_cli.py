"""The store from the command line, end to end: two sessions, compare, export, report (real model)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from hiprom import cli
from hiprom.errors import StoreError

pytestmark = pytest.mark.slow


def _run(args, capsys):
    code = cli.main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_two_sessions_compared_and_reported(samples_dir, tmp_path, capsys):
    """The README's store walk-through: the seated IR sample, then its follow-up three weeks later."""
    db = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    for clip, date in (("ir_seated_left.mp4", "2026-10-01"), ("ir_seated_left_followup.mp4", "2026-10-22")):
        args = [
            "analyze",
            samples_dir / clip,
            "--test",
            "hip-ir",
            "--position",
            "seated",
            "--athlete",
            "Sam Runner",
            "--session",
            date,
            "--notes",
            "IR focus",
            "--db",
            db,
            "-o",
            tmp_path / date,
        ]
        code, out, err = _run([*args, "-q", "--no-video"], capsys)
        assert code == 0, err
        assert "recorded for Sam Runner" in out
        keys = sorted(p.name for p in (tmp_path / date).glob("key_*.jpg"))
        assert keys == ["key_left_er_2.jpg", "key_left_ir_1.jpg"]
        listed = next(line for line in out.splitlines() if line.startswith("-> "))
        assert "; key frames: " in listed and all(k in listed for k in keys)  # the stills are listed too
    code, out, _ = _run(["athletes", "--db", db], capsys)
    assert code == 0 and "Sam Runner: 2 session(s), last 2026-10-22" in out
    code, out, _ = _run(["history", "Sam Runner", "--db", db], capsys)
    assert code == 0 and "2026-10-01 - IR focus" in out and "LIMITED" in out
    code, out, _ = _run(["compare", "Sam Runner", "--db", db], capsys)
    assert code == 0
    ir_line = next(line for line in out.splitlines() if "left internal rotation" in line)
    assert "improved beyond measurement error" in ir_line  # truth 18 -> 32 deg
    assert "(MDC 9.0, manual goniometry)" in ir_line
    code, out, _ = _run(["compare", "Sam Runner", "--db", db, "--to", "2026-10-01"], capsys)
    assert "one session only" in out
    code, _, _ = _run(
        ["export", "Sam Runner", "--format", "fhir", "--db", db, "-o", tmp_path / "b.json"], capsys
    )
    from fhir.resources.R4B.bundle import Bundle

    bundle = Bundle.model_validate(json.loads((tmp_path / "b.json").read_text()))
    assert len(bundle.entry) == 1 + 4  # patient + IR and ER of two sessions
    code, out, _ = _run(["report", "Sam Runner", "--db", db, "-o", tmp_path / "report", "--clinic",
                         "Riverside Physio"], capsys)  # fmt: skip
    assert code == 0
    html = (tmp_path / "report" / "report.html").read_text()
    assert "clinic: Riverside Physio" in html and "hiprom report: Sam Runner" in html  # the header
    import re

    captions = re.findall(r"<figcaption>([^<]+)</figcaption>", html)  # the same moments, first then latest
    assert captions == ["2026-10-01 hip-ir: left er 2", "2026-10-22 hip-ir: left er 2",
                        "2026-10-01 hip-ir: left ir 1", "2026-10-22 hip-ir: left ir 1"], captions  # fmt: skip
    assert "improved beyond measurement error" in html and html.count("data:image/") >= 3
    _check_pdf(tmp_path / "report" / "report.pdf")
    code, out, _ = _run(["backup", "--db", db, "-o", tmp_path / "backup.sqlite3"], capsys)
    assert code == 0 and (tmp_path / "backup.sqlite3").stat().st_size > 0


def _check_pdf(path) -> None:
    """Render every page to pixels: several A4 pages, none blank, the finding and the definitions in it."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        assert len(pdf) >= 4  # summary, trends and sides, key frames, results + warnings + method
        text = ""
        for i in range(len(pdf)):
            width, height = pdf[i].get_size()  # points
            assert (round(width), round(height)) == (595, 842), f"page {i + 1} is not A4: {width} x {height}"
            text += pdf[i].get_textpage().get_text_range()
            image = np.asarray(pdf[i].render(scale=1.0).to_pil().convert("L"), float)
            assert image.std() > 5.0, f"page {i + 1} is blank"
            assert (image < 128).mean() > 0.002, f"page {i + 1} has almost no ink"
        flat = " ".join(text.split())
        assert "LIMITED" in flat and "Definitions:" in flat and "internal rotation" in flat
        assert "clinic: Riverside Physio" in flat
    finally:
        pdf.close()


def test_store_errors_are_one_line(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    code, _, err = _run(["history", "Nobody", "--db", db], capsys)
    assert code == 3 and "no athlete called 'Nobody'" in err and err.count("\n") == 1
    code, _, err = _run(["compare", "Nobody", "--db", db, "--from", "01/10/2026"], capsys)
    assert code == 3 and "YYYY-MM-DD" in err
    code, _, err = _run(["athletes", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none"], capsys)
    assert (
        code == StoreError.exit_code
        and err.startswith("hiprom: error: cannot open the store")
        and err.count("\n") == 1
    )


def test_a_bad_session_date_is_refused_before_the_analysis(samples_dir, tmp_path, capsys):
    out = tmp_path / "out"
    args = ["analyze", samples_dir / "ir_seated_left.mp4", "--test", "hip-ir", "--position", "seated"]
    code, _, err = _run([*args, "--athlete", "Sam", "--session", "yesterday", "-o", out], capsys)
    assert code == 3 and "YYYY-MM-DD" in err
    assert not out.exists()


def test_annotated_video_faces_can_be_blurred(samples_dir, tmp_path, capsys):
    import av

    clip = samples_dir / "ir_seated_left.mp4"
    frames = {}
    for blur in (False, True):
        out = tmp_path / f"blur{blur}"
        args = ["analyze", clip, "--test", "hip-ir", "--position", "seated", "-o", out, "-q"]
        code, _, _ = _run([*args, "--blur-faces"] if blur else args, capsys)
        assert code == 0
        with av.open(str(out / "annotated.mp4")) as video:
            frames[blur] = next(iter(video.decode(video=0))).to_ndarray(format="rgb24").astype(float)
    from hiprom.pipeline import get_landmarks
    from hiprom.skeleton import FACE

    face = get_landmarks(clip).series.image_px[0, FACE]
    (x0, y0), (x1, y1) = np.nanmin(face, axis=0).astype(int), np.nanmax(face, axis=0).astype(int)
    sharp, blurred = frames[False][y0:y1, x0:x1], frames[True][y0:y1, x0:x1]
    detail = lambda a: np.abs(np.diff(a, axis=1)).mean()  # noqa: E731
    assert detail(blurred) < 0.5 * detail(sharp)
    assert np.abs(frames[True][-50:] - frames[False][-50:]).mean() < 2.0  # the feet: unchanged


def test_the_command_line_and_the_web_app_share_one_store_by_default(tmp_path, monkeypatch, capsys):
    """One store unless told otherwise (#19): ``hiprom serve`` opens the command line's store, whose
    athletes belong to the local clinician; ``hiprom adduser local`` lets the web app show them, and
    nobody can sign in as ``local`` before. Other clinicians still see only their own."""
    import argparse
    import io

    from hiprom.cli.web import _db, default_data_dir
    from hiprom.store.db import default_url, open_store
    from hiprom.store.records import record_analysis
    from hiprom.web.app import create_app
    from hiprom.web.auth import verify
    from tests.store_docs import ir_document
    from tests.webclient import sign_in

    monkeypatch.delenv("HIPROM_DB")
    monkeypatch.delenv("HIPROM_WEB_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    store = open_store()  # the command line's default store, as `hiprom analyze --athlete` records
    record_analysis(store, "Sam", ir_document(14.0), {})
    assert verify(store, "local", "") is None and verify(store, "local", "!") is None  # no password yet
    store.close()
    for name in ("local", "ana"):
        monkeypatch.setattr("sys.stdin", io.StringIO(f"{name}-password-1\n"))
        assert cli.main(["adduser", name]) == 0
    assert "the web shows the command line's athletes" in capsys.readouterr().out
    url = _db(argparse.Namespace(db=None, data_dir=None))
    assert url == default_url() and str(tmp_path / "xdg") in url
    app = create_app(default_data_dir(), url)
    try:
        local, ana = app.test_client(), app.test_client()
        sign_in(local, "local", "local-password-1")
        sign_in(ana, "ana", "ana-password-1")
        assert "Sam" in local.get("/").get_data(as_text=True)
        assert "Sam" not in ana.get("/").get_data(as_text=True)
    finally:
        app.extensions["hiprom"]["runner"].shutdown()
        app.extensions["hiprom"]["store"].close()
    assert cli.main(["athletes"]) == 0
    out = capsys.readouterr().out
    assert "Sam: 1 session(s)" in out and "local (" not in out  # the local clinician's are the command line's
    legacy = tmp_path / "old-web"
    legacy.mkdir()
    (legacy / "hiprom.sqlite3").touch()  # an older release's web database in its data folder is kept
    assert _db(argparse.Namespace(db=None, data_dir=legacy)) == f"sqlite:///{legacy / 'hiprom.sqlite3'}"
