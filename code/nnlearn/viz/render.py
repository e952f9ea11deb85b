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

Every figure is readable without seeing it: the ``<div>`` is ``role="img"``
with an ``aria-label`` built from the figure's title, axis titles and trace
names (:func:`figure_label`), and takes the keyboard focus (Space or Enter
plays and pauses an animation). A builder or a chapter that knows what the
figure shows adds a longer description with :func:`describe`, e.g.
``describe(fig, "The loss falls from 2.3 to 0.1 over 30 epochs.")``; it is
stored in ``fig.layout.meta["description"]`` (so it also travels with the
figure in a notebook), linked with ``aria-describedby`` and shown under the
figure in a collapsed "Describe this figure" box. Every line chart also gets
sentences computed from its data (:func:`data_description`: "loss falls from
2.3 to 0.1 as epoch goes from 1 to 30"), so no builder has to write them.
"""

from __future__ import annotations

import base64
import hashlib
import html
import itertools
import json
import re

import numpy as np
import plotly.io as pio
from plotly.io.base_renderers import MimetypeRenderer

PLOTLY_MIME = "application/vnd.plotly.v1+json"

#: Config passed to plotly.js for every figure.
CONFIG = {"responsive": True, "displaylogo": False,
          "modeBarButtonsToRemove": ["sendDataToCloud", "lasso2d", "select2d"]}

_counter = itertools.count(1)


def _compact(obj, digits: int):
    """Round floats to ``digits`` significant digits, float64 arrays to float32.

    The arrays are NumPy arrays and the ``{"dtype": "f8", "bdata": ...}`` of
    plotly's ``to_dict``.

    This keeps pages small without losing anything a reader can see.
    """
    if isinstance(obj, dict) and obj.get("dtype") == "f8" and "bdata" in obj:
        data = np.frombuffer(base64.b64decode(obj["bdata"]), dtype="f8").astype("f4")
        return {**obj, "dtype": "f4", "bdata": base64.b64encode(data.tobytes()).decode()}
    if isinstance(obj, dict):
        return {k: _compact(v, digits) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_compact(v, digits) for v in obj]
    if isinstance(obj, np.ndarray):
        return obj.astype(np.float32) if obj.dtype == np.float64 else obj
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


#: Most trace names an ``aria-label`` lists before it says "and N more".
MAX_NAMES = 8


def _plain(title) -> str:
    """The text of a plotly title (a str or ``{"text": ...}``) without HTML tags."""
    if isinstance(title, dict):
        title = title.get("text")
    if not isinstance(title, str):
        return ""
    text = html.unescape(re.sub(r"<[^>]+>", " ", title))
    return " ".join(text.split())


def describe(fig, description: str):
    """Attach a text description of what ``fig`` shows, for readers who cannot see it.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure or dict
        The figure; changed in place.
    description : str
        One or a few sentences with what the figure shows, with numbers where
        they matter ("The loss falls from 2.3 to 0.1 over 30 epochs.").

    Returns
    -------
    The same ``fig``, whose ``layout.meta["description"]`` is ``description``.
    """
    if not isinstance(description, str) or not description.strip():
        raise ValueError("description must be a non-empty str")
    layout = fig.setdefault("layout", {}) if isinstance(fig, dict) else fig.layout
    meta = layout["meta"] if "meta" in layout else None     # a plotly Layout has every key
    layout["meta"] = {**(meta if isinstance(meta, dict) else {}),
                      "description": description.strip()}
    return fig


def figure_description(fig_dict: dict) -> str:
    """The description set by :func:`describe` (or a str ``layout.meta``), else ``""``."""
    meta = fig_dict.get("layout", {}).get("meta")
    if isinstance(meta, dict):
        meta = meta.get("description")
    return " ".join(meta.split()) if isinstance(meta, str) else ""


def _numbers(values) -> np.ndarray | None:
    """A 1-D float array of plotly data (list, array or ``{"dtype", "bdata"}``), else None."""
    if isinstance(values, dict) and "bdata" in values and "shape" not in values:
        values = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    array = np.asarray(values)
    return array.astype(float) if array.ndim == 1 and array.dtype.kind in "iuf" else None


def _axis_title(layout: dict, ref, letter: str) -> str | None:
    """Title of the axis a trace refers to ("x2" -> ``layout["xaxis2"]``); None if hidden."""
    axis = layout.get(f"{letter}axis{str(ref or letter)[1:]}") or {}
    if not isinstance(axis, dict) or axis.get("visible", True) is False:
        return None
    return re.sub(r"\s*\((unitless|log scale|unitless, log scale)\)", "",
                  _plain(axis.get("title"))) or letter


def _num(value: float, scale: float) -> str:
    """``value`` with 3 significant digits, rounding noise far below ``scale`` to 0."""
    text = f"{0.0 if abs(value) < 1e-9 * scale else value:.3g}"
    return re.sub(r"e([+-]\d+)$", lambda m: f" × 10^{int(m.group(1))}", text)


def _line_sentence(trace: dict, layout: dict) -> str:
    """How one line runs: "loss falls from 2.3 to 0.1 as epoch goes from 1 to 30"."""
    y, x = _numbers(trace.get("y")), _numbers(trace.get("x"))
    xn, yn = (_axis_title(layout, trace.get(f"{c}axis"), c) for c in "xy")
    # Fewer than 3 points, gaps (a drawing of segments) or hidden axes (a diagram): no line.
    if y is None or len(y) < 3 or not np.isfinite(y).all() or None in (xn, yn):
        return ""
    if x is None or len(x) != len(y) or not np.isfinite(x).all():
        x = np.arange(len(y), dtype=float)
    xs, ys = np.abs(x).max() or 1.0, np.abs(y).max() or 1.0
    name = _plain(trace.get("name")) or yn
    if not (np.all(np.diff(x) >= 0) or np.all(np.diff(x) <= 0)):  # a path in a plane
        return (f"{name}: a path of {len(x)} points from ({xn} = {_num(x[0], xs)}, {yn} = "
                f"{_num(y[0], ys)}) to ({xn} = {_num(x[-1], xs)}, {yn} = {_num(y[-1], ys)}).")
    low, high = int(np.argmin(y)), int(np.argmax(y))
    first, last = _num(y[0], ys), _num(y[-1], ys)
    if abs(y[-1] - y[0]) <= 0.01 * (y[high] - y[low]) or first == last:
        trend = f"starts and ends at {first}"
    else:
        trend = f"{'rises' if y[-1] > y[0] else 'falls'} from {first} to {last}"
    text = f"{name}: {trend} as {xn} goes from {_num(x[0], xs)} to {_num(x[-1], xs)}"
    for word, i in (("lowest", low), ("highest", high)):
        if 0 < i < len(y) - 1 and _num(y[i], ys) not in (first, last):
            text += f", {word} {_num(y[i], ys)} at {xn} = {_num(x[i], xs)}"
    return text + "."


def data_description(fig_dict: dict) -> str:
    """Sentences on how every line of a figure runs, computed from its data.

    >>> data_description({"data": [{"type": "scatter", "name": "loss",
    ...                             "x": [1, 2, 3], "y": [2.3, 0.5, 0.1]}],
    ...                   "layout": {"xaxis": {"title": {"text": "epoch"}}}})
    'loss: falls from 2.3 to 0.1 as epoch goes from 1 to 3.'
    """
    layout = fig_dict.get("layout", {}) or {}
    lines = [t for t in fig_dict.get("data") or [] if isinstance(t, dict)
             and t.get("type", "scatter") in ("scatter", "scattergl")
             and "lines" in (t.get("mode") or "lines") and t.get("visible", True) is True]
    sentences = [s for s in (_line_sentence(t, layout) for t in lines) if s]
    if len(sentences) > MAX_NAMES:
        sentences = sentences[:MAX_NAMES] + [f"And {len(sentences) - MAX_NAMES} more lines."]
    animated = sentences and fig_dict.get("frames")
    return ("Before the animation plays: " if animated else "") + " ".join(sentences)


def figure_label(fig_dict: dict) -> str:
    """A short text alternative: title, axis titles, trace names, animation keys.

    >>> figure_label({"data": [{"type": "scatter", "name": "loss"}],
    ...               "layout": {"title": {"text": "Training"},
    ...                          "xaxis": {"title": {"text": "epoch"}}}})
    'Figure: Training. x axis: epoch. Traces: loss.'
    """
    layout = fig_dict.get("layout", {}) or {}
    title = _plain(layout.get("title"))
    parts = [f"Figure: {title}" if title else "Figure"]
    axes: list[str] = []

    def add_axis(name: str, axis) -> None:
        text = _plain((axis or {}).get("title")) if isinstance(axis, dict) else ""
        if text and f"{name}: {text}" not in axes:
            axes.append(f"{name}: {text}")

    for key in sorted(layout, key=lambda k: (k.rstrip("0123456789"), len(k), k)):
        if re.fullmatch(r"[xy]axis\d*", key):
            add_axis(f"{key[0]} axis", layout[key])
        elif re.fullmatch(r"scene\d*", key) and isinstance(layout[key], dict):
            for ax in ("xaxis", "yaxis", "zaxis"):
                add_axis(f"{ax[0]} axis", layout[key].get(ax))
    parts.extend(axes)
    panels = [_plain(a.get("text")) for a in layout.get("annotations") or []
              if isinstance(a, dict) and a.get("xref") == "paper" and a.get("yref") == "paper"]
    panels = [p for p in panels if p]
    if len(panels) > 1:
        parts.append("Panels: " + "; ".join(dict.fromkeys(panels)))
    traces = fig_dict.get("data") or []
    names = list(dict.fromkeys(_plain(t.get("name")) for t in traces if _plain(t.get("name"))))
    if names:
        more = len(names) - MAX_NAMES
        listed = ", ".join(names[:MAX_NAMES]) + (f", and {more} more" if more > 0 else "")
        parts.append(f"Traces: {listed}")
    elif traces:
        kinds = list(dict.fromkeys(str(t.get("type", "scatter")) for t in traces))
        parts.append("Shows: " + ", ".join(kinds))
    frames = fig_dict.get("frames") or []
    if frames:
        parts.append(f"Animated, {len(frames)} frames: press Space or Enter to play or "
                     "pause, the arrow keys to step")
    return ". ".join(parts) + "."


def figure_html(fig, digits: int = 6, text: str | None = None) -> str:
    """The HTML that the book puts in a page for one figure.

    A ``<div class="nnlearn-figure">`` (``role="img"``, labelled by
    :func:`~nnlearn.viz.render.figure_label`, focusable, its height reserved so
    that the page does not move when it is drawn), the description of
    :func:`~nnlearn.viz.render.describe` and
    :func:`~nnlearn.viz.render.data_description` if any, and the figure's JSON
    (``text``, default :func:`figure_json`) in a ``<script type="application/json">``.
    """
    fig_dict = fig if isinstance(fig, dict) else fig.to_dict()
    text = text or figure_json(fig_dict, digits)
    digest = hashlib.sha1(text.encode()).hexdigest()[:10]
    div_id = f"nnfig-{next(_counter)}-{digest}"
    layout = fig_dict.get("layout", {}) or {}
    height = layout.get("height") or (
        (layout.get("template") or {}).get("layout", {}).get("height"))
    style = f' style="min-height:{int(height)}px"' if height else ""
    label = html.escape(figure_label(fig_dict), quote=True)
    description = " ".join(filter(None, (figure_description(fig_dict),
                                         data_description(fig_dict))))
    described = f' aria-describedby="{div_id}-desc"' if description else ""
    details = (f'<details class="nnlearn-figure-text"><summary>Describe this figure</summary>'
               f'<p id="{div_id}-desc">{html.escape(description)}</p></details>\n'
               if description else "")
    return (f'<div class="nnlearn-figure" id="{div_id}" role="img" tabindex="0" '
            f'aria-label="{label}"{described}{style}></div>\n'
            f'{details}'
            f'<script type="application/json" class="nnlearn-figure-data" '
            f'data-target="{div_id}">{text}</script>')


class BookRenderer(MimetypeRenderer):
    """plotly renderer emitting the plotly mimetype and the book's HTML."""

    def to_mimebundle(self, fig_dict):
        """Return ``{plotly mimetype: figure JSON, "text/html": book HTML}``, both compact."""
        text = figure_json(fig_dict)
        return {PLOTLY_MIME: {**json.loads(text), "config": CONFIG},
                "text/html": figure_html(fig_dict, text=text)}


def register() -> None:
    """Register :class:`BookRenderer` as ``"nnlearn"`` and make it the default."""
    pio.renderers["nnlearn"] = BookRenderer()
    pio.renderers.default = "nnlearn"
