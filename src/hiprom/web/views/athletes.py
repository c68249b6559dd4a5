"""An athlete's history and comparison, and the downloads (report, FHIR, CSV)."""

from __future__ import annotations

import io

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

from hiprom.store.records import athlete_name, athlete_rows, results_of
from hiprom.web.auth import login_required

bp = Blueprint("athletes", __name__)


def _own_athlete(athlete_id: int) -> str:
    if not 0 < athlete_id < 2**63:  # no such row, and beyond what the database's integers hold (a 500)
        abort(404)
    name = athlete_name(current_app.extensions["hiprom"]["store"], athlete_id, g.clinician_id)
    if name is None:
        abort(404)
    return name


@bp.get("/athletes/<int:athlete_id>")
@login_required
def athlete_page(athlete_id: int):
    from hiprom.store.compare import compare
    from hiprom.store.jobs import done_jobs_by_clip

    store = current_app.extensions["hiprom"]["store"]
    name = _own_athlete(athlete_id)
    results = results_of(store, name, owner=g.clinician_id)
    comparisons, asymmetry = compare(results)
    jobs = done_jobs_by_clip(store, g.clinician_id)  # each session's result page, when uploaded here
    others = [a for a in athlete_rows(store, g.clinician_id) if a["id"] != athlete_id]
    return render_template("athlete.html", athlete_id=athlete_id, name=name, results=results, others=others,
                           comparisons=comparisons, asymmetry=asymmetry, jobs=jobs)  # fmt: skip


@bp.get("/athletes/<int:athlete_id>/report.<fmt>")
@login_required
def athlete_report(athlete_id: int, fmt: str):
    from hiprom.report.athlete import write_report
    from hiprom.store.export import to_csv, to_fhir_bundle

    cfg = current_app.extensions["hiprom"]
    name = _own_athlete(athlete_id)
    results = results_of(cfg["store"], name, owner=g.clinician_id)
    stem = "-".join(name.split())
    if fmt == "fhir.json":
        data = jsonify(to_fhir_bundle(name, results)).get_data()
        return _download(data, f"{stem}.fhir.json", "application/fhir+json")
    if fmt == "csv":
        return _download(to_csv(results).encode(), f"{stem}.csv", "text/csv")
    if fmt not in ("html", "pdf"):
        abort(404)
    from hiprom.store.accounts import username_of

    folder = cfg["data_dir"] / "reports" / f"{g.clinician_id}-{athlete_id}"
    clinician = username_of(cfg["store"], g.clinician_id)
    paths = write_report(name, results, folder, clinic=cfg.get("clinic"), clinician=clinician)
    return send_file(paths[fmt], as_attachment=True, download_name=f"{stem}-report.{fmt}")


def _download(data: bytes, filename: str, mimetype: str):
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename)


def _confirm(title: str, what: list[str], action: str, fields: dict, button: str, back: str):
    """A page that says what a change will do and asks again (the change runs on its own POST)."""
    return render_template("confirm.html", title=title, what=what, action=action, fields=fields,
                           button=button, back=back)  # fmt: skip


@bp.post("/athletes/<int:athlete_id>/rename")
@login_required
def rename(athlete_id: int):
    from hiprom.store.manage import rename_athlete

    _own_athlete(athlete_id)
    store = current_app.extensions["hiprom"]["store"]
    return _change(lambda: rename_athlete(store, athlete_id, request.form.get("name", ""), g.clinician_id),
                   url_for("athletes.athlete_page", athlete_id=athlete_id))  # fmt: skip


def _change(do, then: str):
    """Run a change to the store; its refusal (a taken name, the same athlete twice) is a 400 page."""
    from hiprom.errors import HipromError

    try:
        do()
    except HipromError as exc:
        return render_template("error.html", code=400, message=str(exc)), 400
    return redirect(then, 303)


@bp.post("/athletes/<int:athlete_id>/merge")
@login_required
def merge(athlete_id: int):
    from hiprom.store.manage import merge_athletes

    name = _own_athlete(athlete_id)
    into = request.form.get("into", type=int) or 0
    target = _own_athlete(into)
    if request.form.get("confirm") != "yes":
        return _confirm(f"Merge {name} into {target}?",
                        [f"every session of {name} moves to {target}", f"{name} is then removed"],
                        url_for("athletes.merge", athlete_id=athlete_id), {"into": into}, "Merge",
                        url_for("athletes.athlete_page", athlete_id=athlete_id))  # fmt: skip
    store = current_app.extensions["hiprom"]["store"]
    return _change(lambda: merge_athletes(store, athlete_id, into, g.clinician_id),
                   url_for("athletes.athlete_page", athlete_id=into))  # fmt: skip


@bp.post("/athletes/<int:athlete_id>/delete")
@login_required
def delete(athlete_id: int):
    from hiprom.store.manage import delete_athlete

    cfg = current_app.extensions["hiprom"]
    name = _own_athlete(athlete_id)
    if request.form.get("confirm") != "yes":
        sessions = {r.session_id for r in results_of(cfg["store"], name, owner=g.clinician_id)}
        return _confirm(f"Delete {name}?", [f"{len(sessions)} session(s) and their results",
                                            "their annotated videos, key frames, plots and uploaded clips"],
                        url_for("athletes.delete", athlete_id=athlete_id), {}, "Delete",
                        url_for("athletes.athlete_page", athlete_id=athlete_id))  # fmt: skip
    delete_athlete(cfg["store"], athlete_id, g.clinician_id, data_dir=cfg["data_dir"])
    return redirect(url_for("clips.home"), 303)


@bp.post("/sessions/<int:session_id>/delete")
@login_required
def delete_session_page(session_id: int):
    from hiprom.store.manage import delete_session, session_owner

    cfg = current_app.extensions["hiprom"]
    owner = session_owner(cfg["store"], session_id) if 0 < session_id < 2**63 else None
    if owner is None or owner[0] != g.clinician_id:
        abort(404)
    if request.form.get("confirm") != "yes":
        return _confirm("Delete this session?", ["its results, annotated video, key frames, plots and clip"],
                        url_for("athletes.delete_session_page", session_id=session_id), {}, "Delete",
                        url_for("athletes.athlete_page", athlete_id=owner[1]))  # fmt: skip
    delete_session(cfg["store"], session_id, g.clinician_id, data_dir=cfg["data_dir"])
    return redirect(url_for("athletes.athlete_page", athlete_id=owner[1]), 303)
