"""Put plotly figures into notebooks and into the book's HTML, offline.

A figure's output carries two representations:

* ``application/vnd.plotly.v1+json``: the figure itself. JupyterLab draws it
  with the plotly extension that comes with the ``plotly`` package, so a
  chapter downloaded as ``.ipynb`` shows its figures.
* ``text/html``: a ``<div>`` and the figure's data in a
  ``<script type="application/json">``. The book's ``nnlearn-figures.js``
  draws it with the plotly.js the site serves from its own ``_static``. No
  script is loaded from another host and plotly.js is not inlined per figure.

Importing :mod:`nnlearn.viz` makes this renderer plotly's default, so a cell
that ends in ``fig`` (or calls ``fig.show()``) produces both.
"""

from __future__ import annotations

import hashlib
import itertools
import json

import numpy as np
import plotly.io as pio
from plotly.io.base_renderers import MimetypeRenderer

PLOTLY_MIME = "application/vnd.plotly.v1+json"

#: Config passed to plotly.js for every figure.
CONFIG = {"responsive": True, "displaylogo": False,
          "modeBarButtonsToRemove": ["sendDataToCloud", "lasso2d", "select2d"]}

_counter = itertools.count(1)


def _compact(obj, digits: int):
    """Round floats to ``digits`` significant digits and float64 arrays to float32.

    This keeps pages small without losing anything a reader can see.
    """
    if isinstance(obj, dict):
        return {k: _compact(v, digits) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_compact(v, digits) for v in obj]
    if isinstance(obj, np.ndarray):
        if obj.dtype == np.float64:
            return obj.astype(np.float32)
        return obj
    if isinstance(obj, float) and np.isfinite(obj):
        return float(f"{obj:.{digits}g}")
    return obj


def figure_json(fig, digits: int = 6) -> str:
    """The figure as compact JSON (data, layout, frames), safe inside ``<script>``."""
    fig_dict = fig if isinstance(fig, dict) else fig.to_dict()
    fig_dict = _compact(fig_dict, digits)
    text = pio.to_json(fig_dict, validate=False, remove_uids=True)
    # "</" would end the enclosing <script> element early.
    return text.replace("</", "<\\/")


def figure_html(fig, digits: int = 6) -> str:
    """The HTML that the book puts in a page for one figure."""
    text = figure_json(fig, digits)
    digest = hashlib.sha1(text.encode()).hexdigest()[:10]
    div_id = f"nnfig-{next(_counter)}-{digest}"
    height = (fig if isinstance(fig, dict) else fig.to_dict()).get("layout", {}).get("height")
    style = f' style="min-height:{int(height)}px"' if height else ""
    return (f'<div class="nnlearn-figure" id="{div_id}"{style}></div>\n'
            f'<script type="application/json" class="nnlearn-figure-data" '
            f'data-target="{div_id}">{text}</script>')


class BookRenderer(MimetypeRenderer):
    """plotly renderer emitting the plotly mimetype and the book's HTML."""

    def to_mimebundle(self, fig_dict):
        """Return ``{plotly mimetype: figure JSON, "text/html": book HTML}``."""
        plotly_json = json.loads(pio.to_json(fig_dict, validate=False, remove_uids=True))
        plotly_json["config"] = CONFIG
        return {PLOTLY_MIME: plotly_json, "text/html": figure_html(fig_dict)}


def register() -> None:
    """Register :class:`BookRenderer` as ``"nnlearn"`` and make it the default."""
    pio.renderers["nnlearn"] = BookRenderer()
    pio.renderers.default = "nnlearn"
