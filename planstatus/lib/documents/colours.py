"""Theme colours of Office files: a cell filled with «Accent 6, lighter 60 %» names the
theme's accent colour and a tint; the theme part (theme1.xml) gives the colour."""

from __future__ import annotations

import colorsys
from typing import Any

_DRAWING = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
# The names Word uses in w:themeFill, mapped to the theme's own names.
_WORD_NAMES = {
    "dark1": "dk1", "text1": "dk1", "light1": "lt1", "background1": "lt1",
    "dark2": "dk2", "text2": "dk2", "light2": "lt2", "background2": "lt2",
    "accent1": "accent1", "accent2": "accent2", "accent3": "accent3", "accent4": "accent4",
    "accent5": "accent5", "accent6": "accent6", "hyperlink": "hlink",
    "followedHyperlink": "folHlink",
}  # fmt: skip
# Excel's theme indices: light 1 and dark 1 swap places with the XML order.
EXCEL_THEME_ORDER = ("lt1", "dk1", "lt2", "dk2", *(f"accent{i}" for i in range(1, 7)))


def theme_colours(root: Any | None) -> dict[str, str]:
    """{name: hex} from a parsed theme part: «accent1» → «4472C4»."""
    if root is None:
        return {}
    scheme = root.find(f".//{_DRAWING}clrScheme")
    if scheme is None:
        return {}
    found: dict[str, str] = {}
    for child in scheme:
        if not isinstance(child.tag, str):
            continue
        name = child.tag.removeprefix(_DRAWING)
        for value in child:
            # <a:srgbClr val="4472C4"/>, or <a:sysClr val="windowText" lastClr="000000"/>
            attribute = "val" if str(value.tag).endswith("srgbClr") else "lastClr"
            found[name] = (value.get(attribute) or "").upper()
    return found


def word_theme_colour(
    theme: dict[str, str], name: str, tint: str | None, shade: str | None
) -> str | None:
    """Word's w:themeFill with w:themeFillTint / w:themeFillShade (hex bytes: the share of
    the colour kept, the rest white for a tint, black for a shade)."""
    colour = theme.get(_WORD_NAMES.get(name, name))
    if not colour or len(colour) != 6:
        return None
    channels = [int(colour[i : i + 2], 16) for i in (0, 2, 4)]
    try:
        if tint:
            keep = int(tint, 16) / 255
            channels = [round(c * keep + 255 * (1 - keep)) for c in channels]
        if shade:
            keep = int(shade, 16) / 255
            channels = [round(c * keep) for c in channels]
    except ValueError:
        return colour
    return "".join(f"{c:02X}" for c in channels)


def excel_tinted(hex_colour: str, tint: float) -> str:
    """Excel's tint: lighten towards white (tint > 0) or darken towards black (tint < 0),
    in HLS as Excel does."""
    if len(hex_colour) != 6 or not tint:
        return hex_colour
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, light, saturation = colorsys.rgb_to_hls(r, g, b)
    light = light * (1 + tint) if tint < 0 else light * (1 - tint) + tint
    return "".join(f"{round(v * 255):02X}" for v in colorsys.hls_to_rgb(hue, light, saturation))
