"""The printable card sheets of ``hiprom marker``: each card at true size on an A4 page, its DPI in the
PNG, with a 50 mm check line and where to strap it."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from hiprom.capture.markers import LAYOUTS, THIGH_CARDS, CardLayout

__all__ = ["BOARD_PLACEMENT", "PLACEMENT", "THIGH_PLACEMENT", "placement", "write_marker_sheet"]


def write_marker_sheet(path: str | Path, card: str = "single", marker_id: int | None = None,
                       dpi: int = 300) -> Path:  # fmt: skip
    """A printable PNG of a card (:data:`LAYOUTS`) at its true size on an A4 page, its DPI in the file.

    ``marker_id`` replaces the single card's id. A 50 mm ruler lets the user check that the printer
    kept the scale; the placement instructions are printed under it.
    """
    from hiprom._fs import atomic_output

    layout = LAYOUTS[card]
    if marker_id is not None:
        layout = CardLayout(layout.width_mm, layout.height_mm, ((marker_id, *layout.markers[0][1:]),))
    px_per_mm = dpi / 25.4
    page = np.full((round(297 * px_per_mm), round(210 * px_per_mm)), 255, np.uint8)
    raster = layout.raster(px_per_mm)
    x0, y0 = (page.shape[1] - raster.shape[1]) // 2, round(30 * px_per_mm)
    page[y0 : y0 + raster.shape[0], x0 : x0 + raster.shape[1]] = raster
    cv2.rectangle(page, (x0, y0), (x0 + raster.shape[1], y0 + raster.shape[0]), 0, 2)  # cut line
    ruler_y = y0 + raster.shape[0] + round(15 * px_per_mm)
    cv2.line(page, (x0, ruler_y), (x0 + round(50 * px_per_mm), ruler_y), 0, 3)
    ids = ", ".join(str(m[0]) for m in layout.markers)
    size = f"{layout.width_mm:g} x {layout.height_mm:g} mm"
    bone = "thigh" if card in THIGH_CARDS else "pelvis"
    text = f"hiprom {bone} card ({card}): ArUco 4x4_50 id {ids}, {size}; the line is 50 mm"
    left = round(15 * px_per_mm)
    cv2.putText(page, text, (left, ruler_y + round(12 * px_per_mm)), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 2)
    for i, line in enumerate(placement(card)):
        cv2.putText(page, line, (left, ruler_y + round((26 + 7 * i) * px_per_mm)),
                    cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)  # fmt: skip
    path = Path(path)
    with atomic_output(path) as tmp:
        _, data = cv2.imencode(".png", page, [cv2.IMWRITE_PNG_COMPRESSION, 9])
        tmp.write_bytes(_with_dpi(data.tobytes(), dpi))
    return path


def placement(card: str) -> tuple[str, ...]:
    """The lines printed under ``card`` on its sheet."""
    if card in THIGH_CARDS:
        return THIGH_PLACEMENT
    return PLACEMENT + (BOARD_PLACEMENT if card == "board" else ()) + KIT_NOTE


#: Printed under the card (what the realistic benchmark showed loses it: bench/last_realism_run.txt).
PLACEMENT = (
    "Print at 100 % (no fit-to-page); check the 50 mm line. Glue the card to stiff board.",
    "Strap it flat over the iliac crest of the leg nearest the phone, facing the phone.",
    "Keep the white border clear: a hand or the arm resting on the hip hides it -",
    "rest the hands on the thighs before the raise. In deep flexion the buttock's",
    "edge or the raised thigh can touch the border; hiprom then follows the card's",
    "pattern for up to 1.5 s, and says 'not assessed' where it could not read it.",
)
#: under every pelvis card: the knee-to-chest kit is both cards (README, Accuracy, Release 7)
KIT_NOTE = ("For the knee-to-chest test wear hiprom's thigh card too: the onset is then timed from it.",)
THIGH_PLACEMENT = (
    "Print at 100 % (no fit-to-page); check the 50 mm line. Glue the card to stiff board.",
    "Strap it on the outside of the thigh nearest the phone, halfway from the hip's bony point",
    "(greater trochanter) to the knee, long side along the thigh, flat and facing the phone.",
    "Wear it with the pelvis card: it measures the thigh's lift itself, so the hip angle at the",
    "onset does not rest on the pose model's knee. Hug the knee below the card (at the shin);",
    "one of its two markers seen is enough.",
)
BOARD_PLACEMENT = (
    "Two markers: strap the card with its long side along the body (head to foot), centred",
    "on the crest. When the raised thigh or a hand covers one end, the other is still read.",
)


def _with_dpi(png: bytes, dpi: int) -> bytes:
    """The PNG with a pHYs chunk, so that viewers and printers know its true size."""
    import struct
    import zlib

    ppm = round(dpi / 0.0254)
    body = b"pHYs" + struct.pack(">IIB", ppm, ppm, 1)
    chunk = struct.pack(">I", 9) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    end_of_ihdr = 8 + 4 + 4 + 13 + 4  # signature, then IHDR's length, type, data and CRC
    return png[:end_of_ihdr] + chunk + png[end_of_ihdr:]
