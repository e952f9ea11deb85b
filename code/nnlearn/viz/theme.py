"""The one figure theme of the book.

Backgrounds are transparent so a figure sits on the page like text does. The
colours below are the light-mode values stored in every figure; the book's
``nnlearn-figures.js`` swaps in :data:`DARK` and :data:`DARK_COLORWAY` when the
reader picks the dark theme.

The first six trace colours stay at least 9 apart (CIEDE2000) under normal
vision and under simulated protanopia, deuteranopia and tritanopia, and every
trace colour has at least 3:1 contrast with its page (white for
:data:`COLORWAY`, the dark theme's #121212 for :data:`DARK_COLORWAY`);
``tests/test_viz_colors.py`` checks both. Lines that are compared should still
differ by dash or marker too, so that a figure also reads in greyscale.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

#: Trace colours, in the order plotly uses them (light page): blue, orange, green,
#: rose, violet, amber, cyan, slate.
COLORWAY = ["#3f64a3", "#d6771a", "#19a086", "#d33066", "#895bf6", "#936306", "#0e9fb8",
            "#6b7785"]

#: The same trace colours for the dark page, entry for entry.
DARK_COLORWAY = ["#809cec", "#e18233", "#13a081", "#e33e68", "#8c5cfa", "#f2be2a", "#2bb8d0",
                 "#9aa5b1"]

#: Colours of values flowing forward and of gradients flowing back in graph figures.
VALUE_COLOR = COLORWAY[2]   # green
GRAD_COLOR = COLORWAY[3]    # rose

#: Text, grid and axis-line colours of the light page theme.
LIGHT = {"font": "#1f2328", "grid": "#d8dee4", "zeroline": "#8c959f", "line": "#57606a"}
#: Text, grid and axis-line colours of the dark page theme.
DARK = {"font": "#e6edf3", "grid": "#3a424c", "zeroline": "#768390", "line": "#adbac7"}

#: Sequential and diverging colour scales that work in both modes.
SEQUENTIAL = "Viridis"
DIVERGING = "RdBu_r"

#: Line dashes and marker symbols in the order compared lines get them, so
#: that lines differ in greyscale too, not only by colour.
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star", "cross", "pentagon")


#: Two more hues after :data:`COLORWAY`, for figures with up to ten groups (digits).
EXTRA_COLORS = ("#7a5c3e", "#3f8f3a")


def color(i: int) -> str:
    """The ``i``-th colour of the book's one colour order: COLORWAY, then EXTRA_COLORS."""
    order = COLORWAY + list(EXTRA_COLORS)
    return order[int(i) % len(order)]


def dash(i: int) -> str:
    """The ``i``-th line dash (``"solid"`` first)."""
    return DASHES[int(i) % len(DASHES)]


def symbol(i: int) -> str:
    """The ``i``-th marker symbol (``"circle"`` first)."""
    return SYMBOLS[int(i) % len(SYMBOLS)]


def tint(hex_color: str, alpha: float) -> str:
    """``"#rrggbb"`` as an ``rgba(...)`` string with opacity ``alpha``."""
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha:g})"


def class_colorscale(n_classes: int, alpha: float) -> list:
    """A stepped colour scale for a heat map of labels 0..n_classes-1.

    For a heat map with ``zmin=-0.5`` and ``zmax=n_classes-0.5``: class k gets
    ``tint(color(k), alpha)``.
    """
    return [[(k + j) / n_classes, tint(color(k), alpha)] for k in range(n_classes)
            for j in (0, 1)]


FONT_FAMILY = ("-apple-system, BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial, "
               "sans-serif")


def _axis(colors: dict, **kw) -> dict:
    return dict(gridcolor=colors["grid"], zerolinecolor=colors["zeroline"],
                linecolor=colors["line"], **kw)


def make_template(colors: dict = LIGHT) -> go.layout.Template:
    """Build the plotly template of the book for one set of colours."""
    axis = _axis(colors, showline=True, ticks="outside", tickcolor=colors["line"],
                 automargin=True, title=dict(standoff=8))
    scene_axis = _axis(colors, backgroundcolor="rgba(0,0,0,0)", showbackground=False,
                       color=colors["font"])
    return go.layout.Template(layout=dict(
        colorway=COLORWAY, font=dict(family=FONT_FAMILY, size=14, color=colors["font"]),
        title=dict(x=0.0, xanchor="left", font=dict(size=17)),
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
        xaxis=axis, yaxis=axis, scene=dict(xaxis=scene_axis, yaxis=scene_axis, zaxis=scene_axis),
        legend=dict(bgcolor="rgba(0,0,0,0)"),
        colorscale=dict(sequential=SEQUENTIAL, diverging=DIVERGING),
        hoverlabel=dict(font=dict(family=FONT_FAMILY)),
        margin=dict(l=60, r=20, t=60, b=55), height=420))


def register_template() -> None:
    """Register the template as ``"nnlearn"`` and make it plotly's default."""
    pio.templates["nnlearn"] = make_template(LIGHT)
    pio.templates.default = "nnlearn"
