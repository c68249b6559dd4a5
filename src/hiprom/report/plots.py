"""Plots of the analyses (matplotlib, headless)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hiprom._fs import atomic_output
from hiprom.analysis.hip_ir import HipIRAnalysis
from hiprom.analysis.knee_to_chest import KneeToChestRep, LegAngles
from hiprom.kinematics.pelvis import normal_posterior_tilt_deg
from hiprom.norms import HEALTHY_IR_DEG, LIMITED_IR_DEG

__all__ = ["label_boxes", "plot_hip_ir", "plot_knee_to_chest", "pyplot"]


def pyplot():
    """matplotlib.pyplot on the headless Agg backend."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def _overlaps(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def label_boxes(fig) -> tuple[list, list]:
    """The drawn figure's annotation boxes and what they must not cover (legends, horizontal lines,
    the axes' titles), in display pixels."""
    from matplotlib.lines import Line2D
    from matplotlib.transforms import Bbox

    renderer = fig.canvas.get_renderer()
    texts, obstacles = [], []
    for ax in fig.axes:
        texts += [t.get_window_extent(renderer) for t in ax.texts if t.get_visible() and t.get_text()]
        if ax.get_legend() is not None:
            obstacles.append(ax.get_legend().get_window_extent(renderer))
        obstacles.append(ax.title.get_window_extent(renderer))
        for line in ax.lines:
            if isinstance(line, Line2D) and len(set(np.ravel(line.get_ydata()))) == 1:  # axhline
                y = ax.transData.transform((0, float(np.ravel(line.get_ydata())[0])))[1]
                x0, x1 = ax.get_window_extent(renderer).x0, ax.get_window_extent(renderer).x1
                obstacles.append(Bbox([[x0, y - 1.5], [x1, y + 1.5]]))
    return texts, obstacles


def _declutter(fig, step_pt: float = 7.0, tries: int = 12) -> None:
    """Move each annotation (along its offset's direction) until it covers no other label, legend,
    title or horizontal line; the figure must be drawn at its saving size first."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    placed = []
    _, obstacles = label_boxes(fig)
    for ax in fig.axes:
        for text in [t for t in ax.texts if t.get_visible() and t.get_text()]:
            direction = -1.0 if getattr(text, "xyann", (0, 1))[1] < 0 else 1.0
            for _ in range(tries):
                box = text.get_window_extent(renderer)
                if not any(_overlaps(box, o) for o in obstacles + placed):
                    break
                x, y = text.xyann
                text.xyann = (x, y + direction * step_pt)
            placed.append(text.get_window_extent(renderer))


def _save(fig, path: Path) -> Path:
    with atomic_output(path) as tmp, open(tmp, "wb") as fh:
        fig.savefig(fh, format="png", dpi=110)
    fig.clf()
    pyplot().close(fig)
    return path


def plot_knee_to_chest(
    path: Path,
    time_s: np.ndarray,
    angles: dict[str, LegAngles],
    reps: list[KneeToChestRep],
    tilt_deg: np.ndarray | None,
) -> Path:
    """Angles against time (reps shaded, onsets marked) and, with the card, tilt against hip flexion."""
    plt = pyplot()
    n_panels = 2 if tilt_deg is not None else 1
    fig, axes = plt.subplots(n_panels, 1, figsize=(9, 4.2 * n_panels), squeeze=False)
    ax = axes[0, 0]
    for side, colour in (("left", "tab:blue"), ("right", "tab:orange")):
        leg = angles[side]
        ax.plot(time_s, leg.thigh_vs_table_deg, color=colour, label=f"{side} thigh vs table")
        ax.plot(
            time_s, leg.trunk_thigh_deg, color=colour, ls="--", lw=1, label=f"{side} trunk-thigh (goniometer)"
        )
    for rep in reps:
        ax.axvspan(rep.rep.start_s, rep.rep.end_s, color="0.92", zorder=0)
        if rep.onset_time_s is not None:
            ax.axvline(rep.onset_time_s, color="red", lw=1)
            ax.annotate(f"onset {rep.onset_hip_flexion_deg:.0f} deg", (rep.onset_time_s, 5), color="red",
                        fontsize=8, textcoords="offset points", xytext=(3, 0))  # fmt: skip
    ax.set_xlabel("time (s)")
    ax.set_ylabel("angle (deg)")
    ax.legend(fontsize=8, loc="upper left")
    not_assessed = "; lumbar borrowing NOT ASSESSED (no pelvis card)" if tilt_deg is None else ""
    ax.set_title(f"knee-to-chest: angles over time (shaded: reps){not_assessed}")
    if tilt_deg is not None:
        ax2 = axes[1, 0]
        grid = np.linspace(0, 140, 141)
        normal = normal_posterior_tilt_deg(grid)
        ax2.fill_between(grid, normal, normal + 3, color="0.85", label="normal gradual tilt (+3 deg band)")
        ax2.plot(grid, normal, "k--", lw=1)
        for rep in reps:
            window = slice(rep.rep.start_frame, rep.rep.peak_frame + 1)
            thigh = angles[rep.side].thigh_vs_table_deg
            base = rep.baseline.value if rep.baseline else thigh[rep.rep.start_frame]
            t = tilt_deg[window] - np.nanmedian(
                tilt_deg[max(0, rep.rep.start_frame - 5) : rep.rep.start_frame + 1]
            )
            ax2.plot((thigh[window] - base) - t, t, label=f"{rep.side} rep at {rep.rep.start_s:.1f} s")
            if rep.onset_hip_flexion_deg is not None:
                ax2.axvline(rep.onset_hip_flexion_deg, color="red", lw=1)
        ax2.set_xlabel("hip flexion, femur on pelvis (deg)")
        ax2.set_ylabel("posterior pelvic tilt (deg)")
        ax2.legend(fontsize=8)
    fig.tight_layout()
    _declutter(fig)
    return _save(fig, path)


def plot_hip_ir(
    path: Path, time_s: np.ndarray, analysis: HipIRAnalysis, limited_ir_deg: float = LIMITED_IR_DEG
) -> Path:
    """Hip rotation against time per tested side: holds marked, the limited line and the healthy band."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(9, 4.2))
    lo, hi = HEALTHY_IR_DEG
    ax.axhspan(lo, hi, color="tab:green", alpha=0.12, label=f"healthy IR {lo:.0f}-{hi:.0f} deg")
    ax.axhline(limited_ir_deg, color="red", lw=1, ls="--", label=f"limited IR <= {limited_ir_deg:.0f} deg")
    ax.axhline(0, color="0.5", lw=0.8)
    colours = {"left": "tab:blue", "right": "tab:orange"}
    for side in analysis.sides:
        ax.plot(time_s, analysis.rotation_deg[side.side], color=colours[side.side], label=f"{side.side} hip")
        for hold in side.holds:
            sign = 1 if hold.kind == "ir" else -1
            ax.axvspan(
                time_s[hold.rep.hold_start_frame], time_s[hold.rep.hold_stop_frame], color="0.9", zorder=0
            )
            ax.annotate(f"{hold.kind.upper()} {hold.value_deg:.0f}", (hold.rep.peak_s, sign * hold.value_deg),
                        textcoords="offset points", xytext=(0, 6 * sign), ha="center", fontsize=8,
                        color=colours[side.side])  # fmt: skip
    ax.set_xlabel("time (s)")
    ax.set_ylabel("hip rotation (deg): + internal, - external")
    ax.set_title(f"hip rotation, {analysis.position} (shaded: holds)")
    ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    _declutter(fig)
    return _save(fig, path)
