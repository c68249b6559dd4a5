"""The athlete report: self-contained HTML and a PDF (trends, left/right, key frames, warnings, method).

Built from stored results (:mod:`hiprom.store`); figures with matplotlib
(headless), the PDF with matplotlib's PDF backend, images embedded in the HTML
as base64 so the file travels alone. Key frames are the face-blurred JPEGs the
analysis saved.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import textwrap
from pathlib import Path

import numpy as np

from hiprom import protocols
from hiprom._fs import atomic_output
from hiprom.calibration import (
    BENCH_PEAK_ERROR_DEG,
    BENCH_PEAK_IR_CLOTHED_ERROR_DEG,
    BENCH_PEAK_IR_ERROR_DEG,
    THIGH_CARD_ERROR_DEG,
)
from hiprom.norms import BORROWING_HIP_FLEXION_DEG, FLEXION_MDC_DEG, IR_MDC_DEG
from hiprom.report.plots import pyplot
from hiprom.store.compare import Comparison, compare
from hiprom.store.records import StoredResult

__all__ = ["METHOD_NOTE", "write_report"]


def _method_note() -> str:
    """How hiprom measures and how well, from the calibration and norms modules (never typed here)."""
    sq, anycam = BENCH_PEAK_ERROR_DEG["square-on"], BENCH_PEAK_ERROR_DEG["any camera"]
    ir = {p: e for p, e in BENCH_PEAK_IR_ERROR_DEG.items() if e is not None}
    ir_text = ", ".join(f"{e[0]:.1f} deg {p} (worst {e[1]:.1f})" for p, e in ir.items())
    clothed = BENCH_PEAK_IR_CLOTHED_ERROR_DEG
    return (
        "Method: hiprom finds 33 body landmarks per video frame with Google's MediaPipe pose model and "
        "measures angles between them. Knee-to-chest (supine, filmed from the side): the thigh against the "
        "table line and the goniometer-style trunk-thigh angle; with the printed pelvis card, pelvic tilt "
        "and the hip flexion at which the pelvis starts to tilt (lumbar borrowing when below "
        f"{BORROWING_HIP_FLEXION_DEG:.0f} deg). Hip rotation: the shank's swing from its rest position, seen "
        "along the femur. Accuracy on the synthetic benchmark (README): knee-to-chest thigh angle "
        f"{sq['thigh'][0]:.1f} deg MAE (worst {sq['thigh'][1]:.1f}) with the phone square to the body, "
        f"{anycam['thigh'][0]:.1f} deg (worst {anycam['thigh'][1]:.1f}) over every camera set-up tried (each "
        f"result says how far off square the phone was); hip IR {ir_text} on bare legs, "
        f"{clothed[0]:.1f} deg (worst {clothed[1]:.1f}) on clothed legs with the knee placed from the body's "
        "proportions; prone not measurable (refused). "
        f"{_thigh_card_note()}"
        f"A change smaller than the minimal detectable change (flexion {FLEXION_MDC_DEG:.1f} deg, IR "
        f"{min(IR_MDC_DEG.values()):.1f}-{max(IR_MDC_DEG.values()):.0f} deg) is within measurement error. "
        "Faces are blurred in every image."
    )


def _thigh_card_note() -> str:
    """The thigh card's sentence of the method note (its errors once benchmarked out of sample)."""
    err = THIGH_CARD_ERROR_DEG
    if err["onset"] is None or err["hip_flexion"] is None:
        return (
            "With the thigh card as well, the thigh's lift is read from it (its errors not yet benchmarked). "
        )
    return (
        "With the thigh card as well, the thigh's lift is read from it, not from the pose model's knee: hip "
        f"flexion on the pelvis {err['hip_flexion'][0]:.1f} deg MAE (worst {err['hip_flexion'][1]:.1f}), the "
        f"onset {err['onset'][0]:.1f} deg (worst {err['onset'][1]:.1f}). "
    )


METHOD_NOTE = _method_note()
A4 = (8.27, 11.69)  # inches, portrait: every page of the PDF


def _definitions() -> list[tuple[str, str]]:
    """Every protocol's angle definitions (the result page shows the same)."""
    return [d for p in protocols.all_protocols() for d in p.definitions]


def _figure_image(fig) -> np.ndarray:
    import matplotlib.image as mpimg

    return mpimg.imread(io.BytesIO(_figure_bytes(fig)), format="png")


def _image_pages(pdf, images: list[tuple[str, np.ndarray]], title: str, cols: int, per_page: int) -> None:
    """Images with captions laid out on A4 pages, ``per_page`` to a page in ``cols`` columns."""
    plt = pyplot()
    for start in range(0, len(images), per_page):
        chunk = images[start : start + per_page]
        rows = (per_page + cols - 1) // cols
        fig, axes = plt.subplots(rows, cols, figsize=A4, squeeze=False)
        for ax, (caption, image) in zip(axes.flat, chunk, strict=False):
            ax.imshow(image)
            ax.set_title(caption, fontsize=8)
        for ax in axes.flat:
            ax.axis("off")
        fig.suptitle(title, fontsize=11)
        pdf.savefig(fig)
        plt.close(fig)


def _figure_bytes(fig, fmt: str = "png") -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=110)
    return buf.getvalue()


def _trend_figure(comparisons: list[Comparison]):
    plt = pyplot()
    import matplotlib.dates as mdates

    groups: dict[tuple, list[Comparison]] = {}
    for c in comparisons:
        groups.setdefault((c.measure.test, c.measure.position, c.measure.label), []).append(c)
    n = max(1, len(groups))
    cols = 2 if n > 1 else 1
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(10, 3.2 * rows), squeeze=False)
    for ax, ((test, position, label), items) in zip(axes.flat, sorted(groups.items()), strict=False):
        for c in items:
            colour = "tab:blue" if c.measure.side == "left" else "tab:orange"
            ax.plot(c.dates, c.values_deg, "o-", color=colour, label=c.measure.side)
            ax.axhspan(c.values_deg[0] - c.measure.mdc_deg, c.values_deg[0] + c.measure.mdc_deg, color=colour,
                       alpha=0.08)  # fmt: skip
        ax.set_title(f"{test} ({position}): {label}", fontsize=9)
        days = sorted({d for c in items for d in c.dates})
        if days[0] == days[-1]:  # one session: a week around it (a zero-width date axis has no ticks)
            ax.set_xlim(days[0] - dt.timedelta(days=3), days[0] + dt.timedelta(days=3))
        locator = mdates.AutoDateLocator(maxticks=6)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.set_ylabel("deg")
        ax.tick_params(axis="x", labelsize=7)
        ax.legend(fontsize=7)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.suptitle("Trend over sessions (band: first session +/- minimal detectable change)", fontsize=10)
    fig.tight_layout()
    return fig


def _sides_figure(comparisons: list[Comparison]):
    plt = pyplot()
    latest: dict[str, dict[str, float]] = {}
    for c in comparisons:
        name = f"{c.measure.test}\n{c.measure.position}: {c.measure.label}"
        latest.setdefault(name, {})[c.measure.side] = c.values_deg[-1]
    fig, ax = plt.subplots(figsize=(10, 0.6 * max(3, len(latest)) + 1.2))
    names = sorted(latest)
    for k, (side, colour) in enumerate((("left", "tab:blue"), ("right", "tab:orange"))):
        values = [latest[n].get(side, 0.0) for n in names]
        ax.barh(
            [i + (k - 0.5) * 0.38 for i in range(len(names))], values, height=0.36, color=colour, label=side
        )
    ax.set_yticks(range(len(names)), names, fontsize=7)
    ax.set_xlabel("deg (latest session)")
    ax.set_title("Left vs right, latest session", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def _key_frames(results: list[StoredResult]) -> list[tuple[str, Path]]:
    """The first and the latest session's key frames (peak, onset, holds) that exist on disk, the same
    moment of the two sessions side by side (first, then latest); one session: its own."""
    dates = sorted({r.date for r in results})
    if not dates:
        return []
    wanted = dates[:1] if len(dates) == 1 else [dates[0], dates[-1]]
    found: dict = {d: {} for d in wanted}
    for r in results:
        if r.date not in found:
            continue
        for name, path in sorted(r.artefacts.items()):
            if name.startswith("key_") and Path(path).is_file():
                found[r.date].setdefault((r.test, name[4:].replace("_", " ")), Path(path))
    moments = sorted(set().union(*found.values()), key=lambda k: (not all(k in found[d] for d in wanted), k))
    frames = [(f"{d} {test}: {what}", found[d][(test, what)])
              for test, what in moments for d in wanted if (test, what) in found[d]]  # fmt: skip
    return frames[:8]


def _warnings(results: list[StoredResult]) -> list[str]:
    out = []
    for r in results:
        for w in (r.result.get("quality") or {}).get("warnings", []) + (r.document.get("quality") or {}).get(
            "warnings", []
        ):
            line = f"{r.date} {r.test} {r.side}: {w}"
            if line not in out:
                out.append(line)
    return out


def _summary_rows(comparisons: list[Comparison]) -> list[list[str]]:
    rows = []
    for c in comparisons:
        first, last = c.values_deg[0], c.values_deg[-1]
        change = "" if c.change_deg is None else f"{c.change_deg:+.1f}"
        slope = "" if c.slope_deg_per_month is None else f"{c.slope_deg_per_month:+.1f}/month"
        test = f"{c.measure.test} ({c.measure.position})"
        mdc = f"{c.measure.mdc_deg:.1f}"
        rows.append(
            [
                test,
                c.measure.label,
                c.measure.side,
                f"{first:.1f}",
                f"{last:.1f}",
                change,
                mdc,
                c.verdict + "".join(f" (! {caveat})" for caveat in c.caveats),
                slope,
            ]
        )
    return rows


_HEAD = ["test", "measure", "side", "first", "last", "change", "MDC", "judgement", "trend"]


def write_report(
    athlete: str,
    results: list[StoredResult],
    out_dir: str | Path,
    *,
    clinic: str | None = None,
    clinician: str | None = None,
) -> dict[str, Path]:
    """Write ``report.html`` and ``report.pdf`` for ``athlete`` into ``out_dir``; returns their paths.

    The header names the athlete and, when given, the clinic and the clinician."""
    out_dir = Path(out_dir)
    comparisons, asymmetry = compare(results)
    dates = sorted({r.date for r in results})
    span = f"{dates[0]} to {dates[-1]}" if dates else "no sessions"
    title = f"hiprom report: {athlete}"
    who = "; ".join(f"{k}: {v}" for k, v in (("clinic", clinic), ("clinician", clinician)) if v)
    subtitle = (f"{who}; " if who else "") + f"{len(dates)} session(s), {span}; generated {dt.date.today()}"
    plt = pyplot()
    trend, sides = _trend_figure(comparisons), _sides_figure(comparisons)
    frames = _key_frames(results)
    warnings = _warnings(results)
    findings = [_finding_line(r) for r in results]
    asym_lines = [
        f"{a['date']} {a['test']} ({a['position']}) {a['measure']}: left {a['left_deg']:.1f}, right "
        f"{a['right_deg']:.1f}, difference {a['left_minus_right_deg']:+.1f} deg"
        + (f" - FLAGGED (>= {a['threshold_deg']:.1f} deg)" if a["flagged"] else "")
        for a in asymmetry
    ]
    paths = {"html": out_dir / "report.html", "pdf": out_dir / "report.pdf"}
    with atomic_output(paths["html"]) as tmp:
        Path(tmp).write_text(
            _html(title, subtitle, comparisons, asym_lines, trend, sides, frames, warnings, findings),
            encoding="utf-8",
        )
    with atomic_output(paths["pdf"]) as tmp:
        _pdf(tmp, title, subtitle, comparisons, asym_lines, trend, sides, frames, warnings, findings)
    plt.close(trend)
    plt.close(sides)
    return paths


def _finding_line(r: StoredResult) -> str:
    """One stored result in words, as the CLI and the web page word it."""
    view = protocols.get(r.test).view(r.result)
    return f"{r.date} {view.title}: {view.numbers}; {view.verdict}"


def _img(data: bytes, mime: str, alt: str) -> str:
    return f'<img alt="{html.escape(alt)}" src="data:{mime};base64,{base64.b64encode(data).decode()}">'


def _html(title, subtitle, comparisons, asym_lines, trend, sides, frames, warnings, findings) -> str:
    e = html.escape
    rows = "".join(
        "<tr>" + "".join(f"<td>{e(v)}</td>" for v in row) + "</tr>" for row in _summary_rows(comparisons)
    )
    head = "".join(f"<th>{e(h)}</th>" for h in _HEAD)
    figs = "".join(
        f"<figure>{_img(Path(p).read_bytes(), 'image/jpeg', cap)}<figcaption>{e(cap)}</figcaption></figure>"
        for cap, p in frames
    )
    items = lambda lines: "".join(f"<li>{e(x)}</li>" for x in lines) or "<li>none</li>"  # noqa: E731
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{e(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}}
table{{border-collapse:collapse;font-size:.9em}}
td,th{{border:1px solid #ccc;padding:.3em .5em;text-align:left}}
img{{max-width:100%}}figure{{display:inline-block;width:48%;margin:.5%}}figcaption{{font-size:.8em}}
@page{{size:A4;margin:14mm}}
@media print{{body{{max-width:none;margin:0;padding:0;font-size:10pt}}h2{{break-after:avoid}}
table,figure,img,li{{break-inside:avoid}}a{{color:inherit;text-decoration:none}}}}</style>
</head><body>
<h1>{e(title)}</h1><p>{e(subtitle)}</p>
<h2>Results</h2><ul>{items(findings)}</ul>
<h2>Change between sessions</h2><table><tr>{head}</tr>{rows}</table>
<h2>Left and right</h2><ul>{items(asym_lines)}</ul>
{_img(_figure_bytes(trend), "image/png", "trend over sessions")}
{_img(_figure_bytes(sides), "image/png", "left vs right")}
<h2>Key frames (first and latest session side by side; faces blurred)</h2>{figs or "<p>none saved</p>"}
<h2>Setup warnings</h2><ul>{items(warnings)}</ul>
<h2>Method and accuracy</h2><p>{e(METHOD_NOTE)}</p>
<h2>Definitions</h2><dl>{"".join(f"<dt>{e(t)}</dt><dd>{e(m)}</dd>" for t, m in _definitions())}</dl>
</body></html>
"""


def _pdf(path, title, subtitle, comparisons, asym_lines, trend, sides, frames, warnings, findings) -> None:
    from matplotlib.backends.backend_pdf import PdfPages

    plt = pyplot()
    with PdfPages(path) as pdf:
        fig = plt.figure(figsize=A4)
        fig.text(0.06, 0.96, title, fontsize=16, weight="bold", va="top")
        fig.text(0.06, 0.93, subtitle, fontsize=9, va="top")
        rows = _summary_rows(comparisons) or [["-"] * len(_HEAD)]
        height = min(0.8, 0.016 * (len(rows) + 1))
        ax = fig.add_axes((0.04, 0.9 - height, 0.92, height))
        ax.axis("off")
        table = ax.table(cellText=rows, colLabels=_HEAD, cellLoc="left", bbox=(0, 0, 1, 1))
        table.auto_set_font_size(False)
        table.set_fontsize(6.5)
        table.auto_set_column_width(list(range(len(_HEAD))))
        text = "Results, session by session:\n" + "\n".join(
            textwrap.fill("- " + x, 100) for x in (findings or ["none"])
        )
        text += "\n\nLeft and right:\n" + "\n".join(textwrap.fill(x, 110) for x in (asym_lines or ["none"]))
        fig.text(0.06, 0.87 - height, text, fontsize=7.5, va="top", family="monospace")
        pdf.savefig(fig)
        plt.close(fig)
        charts = [("trend over sessions", _figure_image(trend)), ("left vs right", _figure_image(sides))]
        _image_pages(pdf, charts, "Trend and sides", cols=1, per_page=2)
        if frames:
            import matplotlib.image as mpimg

            shots = [(cap, mpimg.imread(p)) for cap, p in frames]
            _image_pages(
                pdf,
                shots,
                "Key frames, first and latest session side by side (faces blurred)",
                cols=2,
                per_page=6,
            )
        fig = plt.figure(figsize=A4)
        body = "Setup warnings:\n" + "\n".join(textwrap.fill("- " + w, 100) for w in (warnings or ["none"]))
        body += "\n\n" + textwrap.fill(METHOD_NOTE, 100)
        body += "\n\nDefinitions:\n" + "\n".join(
            textwrap.fill(f"- {term}: {meaning}", 100) for term, meaning in _definitions()
        )
        fig.text(0.06, 0.95, body, fontsize=7.5, va="top", family="monospace")
        pdf.savefig(fig)
        plt.close(fig)
