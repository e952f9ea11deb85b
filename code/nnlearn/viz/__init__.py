"""Figures for the book, with one shared theme (needs plotly).

Importing this package registers the book's plotly template and renderer as
plotly's defaults (see :mod:`nnlearn.viz.theme` and :mod:`nnlearn.viz.render`).
Figure builders live in submodules named for what they draw.
"""

from nnlearn.viz import render, theme
from nnlearn.viz.render import figure_html, figure_json
from nnlearn.viz.theme import COLORWAY, DARK, DIVERGING, LIGHT, SEQUENTIAL

theme.register_template()
render.register()

__all__ = ["COLORWAY", "DARK", "DIVERGING", "LIGHT", "SEQUENTIAL", "figure_html",
           "figure_json"]
