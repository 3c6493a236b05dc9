"""Themes: Textual's own, plus "projector", high contrast for the back of a room.

    --theme NAME / the palette's "Change theme" ──▶ App.theme ──watch──▶ screen class
        "-projector" (shop.tcss: bold stopwatch and speed-ups, brighter borders)

Projectors wash out dark greys and thin colour differences; this theme is pure
black and white with saturated, bright accents, so every figure differs from
its background in brightness, not only in hue.  Under ``NO_COLOR`` (which
Textual honours by drawing in greys) the shop starts in this theme for the same
reason: its contrast survives the loss of colour.
"""

from __future__ import annotations

import os

from textual.theme import Theme

PROJECTOR = "projector"
DEFAULT = "textual-dark"
# The names --theme accepts (the palette offers every Textual theme too).
CLI_THEMES = {"default": DEFAULT, "projector": PROJECTOR, "light": "textual-light"}

PROJECTOR_THEME = Theme(
    name=PROJECTOR,
    primary="#4FC3F7",  # light blue borders: bright on black
    secondary="#FFFFFF",
    accent="#FFD60A",  # yellow titles and captions
    warning="#FFB000",
    error="#FF5252",
    success="#50FA7B",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#202020",
    boost="#303030",
    dark=True,
    luminosity_spread=0.25,  # darken/lighten shades further apart
    text_alpha=1.0,  # text at full white, never blended towards the background
)


def starting_theme(requested: str | None) -> str:
    """The theme the shop opens with: asked for, else projector under NO_COLOR."""
    if requested:
        return CLI_THEMES.get(requested, requested)
    return PROJECTOR if "NO_COLOR" in os.environ else DEFAULT
