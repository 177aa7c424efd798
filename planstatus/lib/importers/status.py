"""Reading a measure's status from a colour (the words are vocabulary.status_from_words).

Plans mark status like a traffic light: raud = not started, gul = started, grøn = done.
Colours are recognised by hue, not by exact value, because every office suite, colour
picker and PDF renderer gives slightly different shades of "the same" red, yellow or green.

Orange counts as *started*. Word's standard colour called «Orange» is FFC000, which is
Office's «Gold» accent; its pale tint FFF2CC is the pale yellow most people pick for «gul»,
and Excel's «Neutral» style is FFEB9C. All three sit at 45–50° hue, so there is no line
between «orange» and «yellow» that users keep to. On a traffic light the middle lamp is
amber anyway: anything from orange (20°) to yellow (72°) means «in progress». Only
reds (from 20° down through pink at 330°) mean not started.
"""

from __future__ import annotations

import colorsys
import re
from collections.abc import Sequence

# Hue bands in degrees. Between 170° and 330° (cyan, blue, purple, magenta) a colour says
# nothing about status.
_STARTED_FROM = 20.0
_DONE_FROM = 72.0
_DONE_UNTIL = 170.0
_RED_FROM = 330.0

# Below this chroma (max − min of the 0–1 channels) a colour is white, grey or black.
# The palest status shade in common use, Google Sheets' «light green 3» D9EAD3, has
# 0.090; Word's «Tan, background 2» EEECE1 (0.051) must stay neutral.
_MIN_CHROMA = 0.065
# Darker than this, a «colour» is black text or a dark border, not a status fill.
_MIN_VALUE = 0.25

# Word's named highlight colours (w:highlight) and a few CSS names.
_NAMED = {
    "red": "FF0000",
    "darkred": "800000",
    "yellow": "FFFF00",
    "darkyellow": "808000",
    "green": "00FF00",  # Word's highlight «green» is bright green
    "brightgreen": "00FF00",
    "darkgreen": "008000",
    "orange": "FFA500",
    "lightgreen": "90EE90",
    "gold": "FFD700",
}

_HEX = re.compile(r"[0-9a-f]+")


def status_from_colour(colour: str | Sequence[float] | None) -> str | None:
    """The status a fill colour stands for, or None for white, grey, black and other hues.

    Accepts «FF0000», «#ff0000», «#f00», ARGB «FF00B050» (openpyxl), Word highlight names,
    RGB tuples on 0–255 or 0–1 scales, grey (1-tuples) and CMYK (4-tuples, as pdfplumber
    reports DeviceCMYK fills).
    """
    rgb = _to_rgb(colour)
    if rgb is None:
        return None
    return _status_from_rgb(*rgb)


def _status_from_rgb(r: float, g: float, b: float) -> str | None:
    if max(r, g, b) - min(r, g, b) < _MIN_CHROMA or max(r, g, b) < _MIN_VALUE:
        return None
    hue = colorsys.rgb_to_hsv(r, g, b)[0] * 360
    if hue >= _RED_FROM or hue < _STARTED_FROM:
        return "not_started"
    if hue < _DONE_FROM:
        return "started"
    if hue < _DONE_UNTIL:
        return "done"
    return None


def _to_rgb(colour: object) -> tuple[float, float, float] | None:
    """Any accepted colour as RGB on a 0–1 scale, or None if it is not one."""
    if colour is None:
        return None
    if isinstance(colour, str):
        return _rgb_from_text(colour)
    if isinstance(colour, Sequence) and all(
        isinstance(c, int | float) and not isinstance(c, bool) for c in colour
    ):
        return _rgb_from_numbers([float(c) for c in colour])
    return None


def _rgb_from_text(text: str) -> tuple[float, float, float] | None:
    text = text.strip().lstrip("#").lower()
    text = _NAMED.get(text.replace(" ", "").replace("_", ""), text).lower()
    if not _HEX.fullmatch(text):
        return None  # "auto", "none", theme names and the like
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    elif len(text) == 8:
        text = text[2:]  # ARGB: the alpha comes first
    if len(text) != 6:
        return None
    r, g, b = (int(text[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return r, g, b


def _rgb_from_numbers(values: list[float]) -> tuple[float, float, float] | None:
    if not values or any(v < 0 for v in values):
        return None
    if len(values) == 1:
        return None  # grey level: never a status
    if len(values) == 4:
        c, m, y, k = (min(v, 1.0) for v in values)
        return (1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)
    if len(values) != 3:
        return None
    # PDF colours are on 0–1, Office and CSS colours on 0–255. A 0–255 colour whose
    # channels are all ≤ 1 would be black, so reading such a tuple as 0–1 loses nothing.
    if max(values) > 1:
        return values[0] / 255, values[1] / 255, values[2] / 255
    return values[0], values[1], values[2]
