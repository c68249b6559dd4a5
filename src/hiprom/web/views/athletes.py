"""An athlete's history and comparison, and the downloads (report, FHIR, CSV)."""

from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, g, jsonify, render_template, send_file

from hiprom.store.records import athlete_name, results_of
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
    return render_template("athlete.html", athlete_id=athlete_id, name=name, results=results,
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
    paths = write_report(name, results, cfg["data_dir"] / "reports" / f"{g.clinician_id}-{athlete_id}")
    return send_file(paths[fmt], as_attachment=True, download_name=f"{stem}-report.{fmt}")


def _download(data: bytes, filename: str, mimetype: str):
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename)
