"""Drawing on frames: skeletons, angle arcs and outlined labels, for the annotated video and key frames.

OpenCV on RGB ``uint8`` images, in place.
"""

from __future__ import annotations

import itertools

import cv2
import numpy as np

from hiprom.skeleton import LEG_CHAIN

__all__ = ["COLOUR", "DIM", "arc", "inset", "label", "leg_skeleton", "line", "pt", "timeline"]

#: each side's colour (RGB)
COLOUR = {"left": (255, 140, 0), "right": (0, 160, 255)}
#: a leg that is not measured (the far leg of a knee-to-chest clip): grey, whatever its side
DIM = (120, 120, 120)


def pt(p: np.ndarray) -> tuple[int, int] | None:
    """A landmark as integer pixel coordinates; ``None`` if not finite."""
    return None if not np.all(np.isfinite(p)) else (round(float(p[0])), round(float(p[1])))


def label(
    img: np.ndarray,
    text: str,
    org: tuple[int, int],
    scale: float,
    colour=(255, 255, 255),
    *,
    outline: int | None = None,
    stroke: int | None = None,
) -> None:
    """``text`` at ``org`` (its baseline's left end) on a dark translucent box, so it reads on any
    background at any size (the box and the strokes scale with ``scale``)."""
    stroke = max(1, round(1.6 * scale)) if stroke is None else stroke
    pad = max(2, round(5 * scale)) if outline is None else outline
    (w, h), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, stroke)
    x0, y0 = max(0, org[0] - pad), max(0, org[1] - h - pad)
    x1, y1 = min(img.shape[1], org[0] + w + pad), min(img.shape[0], org[1] + base + pad)
    if x1 > x0 and y1 > y0:
        box = img[y0:y1, x0:x1]
        box[:] = (box.astype(np.float32) * 0.35).astype(img.dtype)
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, colour, stroke, cv2.LINE_AA)


def line(img: np.ndarray, a, b, colour, width: int) -> None:
    """An anti-aliased line from ``a`` to ``b``."""
    cv2.line(img, a, b, colour, width, cv2.LINE_AA)


def timeline(img: np.ndarray, fraction: float, marks: list[tuple[float, tuple]], scale: float) -> None:
    """A bar along the bottom: the clip's time so far (``fraction`` of it) and events as ticks
    (``marks``: (fraction, colour))."""
    h, w = img.shape[:2]
    y, thick, margin = h - max(6, round(14 * scale)), max(3, round(6 * scale)), round(16 * scale)
    cv2.line(img, (margin, y), (w - margin, y), (90, 90, 90), thick)
    x = round(margin + (w - 2 * margin) * float(np.clip(fraction, 0.0, 1.0)))
    cv2.line(img, (margin, y), (x, y), (255, 255, 255), thick)
    for at, colour in marks:
        xm = round(margin + (w - 2 * margin) * float(np.clip(at, 0.0, 1.0)))
        cv2.line(img, (xm, y - 2 * thick), (xm, y + thick), colour, max(2, thick // 2))


def inset(img: np.ndarray, picture: np.ndarray, caption: str, scale: float, colour=(255, 60, 60)) -> None:
    """``picture`` (an earlier frame, already reduced) in the top right corner with a ``colour`` border
    and ``caption`` under it: a moment held on screen while the clip plays on."""
    h, w = picture.shape[:2]
    margin, border = round(16 * scale), max(2, round(3 * scale))
    x0, y0 = img.shape[1] - w - margin, margin
    if x0 < border or y0 + h + border > img.shape[0]:
        return
    img[y0 - border : y0 + h + border, x0 - border : x0 + w + border] = colour
    img[y0 : y0 + h, x0 : x0 + w] = picture
    label(img, caption, (x0, y0 + h + border + round(22 * scale)), 0.6 * scale, colour)


def arc(img, centre, start, end, colour, radius: int) -> None:
    """An arc at ``centre`` from the direction of ``start`` to that of ``end`` (the short way)."""
    a0 = np.degrees(np.arctan2(start[1] - centre[1], start[0] - centre[0]))
    a1 = np.degrees(np.arctan2(end[1] - centre[1], end[0] - centre[0]))
    sweep = (a1 - a0 + 180) % 360 - 180
    cv2.ellipse(img, centre, (radius, radius), 0, a0, a0 + sweep, colour, 2, cv2.LINE_AA)


def leg_skeleton(
    img: np.ndarray,
    pts: np.ndarray,
    widths: dict[str, int],
    *,
    joints: bool = True,
    dimmed: frozenset[str] | set[str] = frozenset(),
) -> dict[str, list]:
    """Both sides' shoulder-hip-knee-ankle chains, ``widths[side]`` px wide, joints as white dots; a side
    in ``dimmed`` (not measured) in grey with small grey joints, drawn first so the measured leg lies
    over it.

    Returns each side's joint positions (``None`` where not finite), shoulder first.
    """
    out = {}
    for side, chain in sorted(LEG_CHAIN.items(), key=lambda kv: kv[0] not in dimmed):
        width, faint = widths[side], side in dimmed
        points = [pt(pts[j]) for j in chain]
        for a, b in itertools.pairwise(points):
            if a and b:
                cv2.line(img, a, b, DIM if faint else COLOUR[side], width, cv2.LINE_AA)
        if joints:
            for p in points:
                if p:
                    dot = (width, DIM) if faint else (width + 2, (255, 255, 255))
                    cv2.circle(img, p, dot[0], dot[1], -1, cv2.LINE_AA)
        out[side] = points
    return {side: out[side] for side in LEG_CHAIN}
