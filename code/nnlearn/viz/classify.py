"""Classifiers in the plane: decision regions, samples by class, the perceptron rule animated.

Every grid cell is tinted with the colour of the class predicted there and
the samples are drawn on top in the colour and symbol of their true class,
so a misclassified sample sits on another class's tint.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from nnlearn._checks import as_float_array, check_bounds, check_scalar
from nnlearn.viz.animation import animate
from nnlearn.viz.layout import as_labels, check_figure_size, header, legend_group
from nnlearn.viz.theme import class_colorscale, color, symbol, tint

__all__ = ["boundary_segment", "decision_boundary_figure", "decision_boundary_traces",
           "decision_grid", "halfplane_polygon", "perceptron_animation", "sample_traces"]


# ----------------------------------------------------------------------------
# Decision boundaries
# ----------------------------------------------------------------------------



def decision_grid(X, n: int = 80, pad: float = 0.1) -> tuple[np.ndarray, np.ndarray,
                                                              np.ndarray]:
    """A regular ``n`` x ``n`` grid over the box around the 2-D points ``X``.

    The box is the range of each column widened by ``pad`` times its length
    on both sides.

    Parameters
    ----------
    X : array_like, shape (N, 2)
    n : int, default 80
        Grid points per axis (>= 2).
    pad : float, default 0.1
        Relative margin (>= 0).

    Returns
    -------
    xs : ndarray, shape (n,)
    ys : ndarray, shape (n,)
    points : ndarray, shape (n * n, 2)
        All grid points, ``x`` varying fastest (row ``i * n + k`` is
        ``(xs[k], ys[i])``), ready for ``model.predict(points)``.
    """
    X = as_float_array(X, "X", ndim=2)
    if X.shape[1] != 2 or X.shape[0] == 0:
        raise ValueError(f"X must have shape (N, 2) with N >= 1, got {X.shape}")
    n = check_figure_size(n, "n", low=2, high=2000)
    pad = check_scalar(pad, "pad", low=0.0)
    low, high = X.min(axis=0), X.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    low, high = low - pad * span, high + pad * span
    xs, ys = np.linspace(low[0], high[0], n), np.linspace(low[1], high[1], n)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([gx.ravel(), gy.ravel()])


def _check_labels(y, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``y`` as a 1-D array of length n, and its sorted distinct values."""
    y = np.asarray(y)
    if y.ndim != 1 or len(y) != n:
        raise ValueError(f"y must have shape ({n},) to match X, got {y.shape}")
    if not (np.issubdtype(y.dtype, np.integer) or np.issubdtype(y.dtype, np.bool_)):
        raise TypeError(f"y must hold integer class labels, got dtype {y.dtype}")
    return y, np.unique(y)


def sample_traces(X, y, class_names: Sequence[str] | None = None,
                  showlegend: bool = True, size: float = 7.0) -> list[go.Scatter]:
    """One marker trace per class: colour ``COLORWAY[k]`` and a symbol per class."""
    X = as_float_array(X, "X", ndim=2)
    y, classes = _check_labels(y, X.shape[0])
    names = as_labels(class_names, len(classes), "class_names", [f"class {c}" for c in classes])
    return [go.Scatter(x=X[y == c, 0], y=X[y == c, 1], mode="markers",
                       **legend_group(name, showlegend),
                       marker=dict(color=color(k), size=size, symbol=symbol(k),
                                   line=dict(color=color(k), width=1)))
            for k, (c, name) in enumerate(zip(classes, names, strict=True))]


def decision_boundary_traces(predict: Callable[[np.ndarray], np.ndarray], X, y,
                             n: int = 80, pad: float = 0.1,
                             class_names: Sequence[str] | None = None,
                             showlegend: bool = True) -> list[go.BaseTraceType]:
    """Traces for a classifier's decision regions and the labelled samples.

    ``predict`` is evaluated once on an ``n`` x ``n`` grid (see
    :func:`decision_grid`); every grid cell is tinted with the colour of the
    class predicted there, and the samples are drawn on top in the full
    colour of their true class, so a misclassified sample sits on another
    class's tint.

    Parameters
    ----------
    predict : callable
        Maps points of shape ``(m, 2)`` to labels of shape ``(m,)`` with the
        same values as ``y`` (e.g. ``model.predict``).
    X : array_like, shape (N, 2)
    y : array_like of int, shape (N,)
    n : int, default 80
        Grid points per axis (the page grows with ``n ** 2``).
    pad : float, default 0.1
    class_names : sequence of str, optional
        Legend names, one per distinct label in sorted order.
    showlegend : bool, default True

    Returns
    -------
    list
        ``[heatmap, class 0 samples, class 1 samples, ...]``.
    """
    if not callable(predict):
        raise TypeError(f"predict must be callable, got {type(predict).__name__}")
    xs, ys, points = decision_grid(X, n, pad)         # checks X: shape (N, 2)
    y, classes = _check_labels(y, np.shape(X)[0])
    labels = np.asarray(predict(points))
    if labels.shape != (len(points),):
        raise ValueError(f"predict must return shape ({len(points)},) for {len(points)} "
                         f"points, got {labels.shape}")
    if not np.isin(labels, classes).all():
        raise ValueError(f"predict returned labels {np.unique(labels).tolist()} that are "
                         f"not all among the labels of y {classes.tolist()}")
    index = np.searchsorted(classes, labels)
    k = len(classes)
    heat = go.Heatmap(x=xs, y=ys, z=index.reshape(len(ys), len(xs)).astype(np.int8),
                      colorscale=class_colorscale(k, 0.3), zmin=-0.5, zmax=k - 0.5,
                      showscale=False, hoverinfo="skip", name="predicted class")
    return [heat] + sample_traces(X, y, class_names, showlegend)


def decision_boundary_figure(predict, X, y, *, title: str | None, n: int = 80,
                             subplot_titles: Sequence[str] | None = None,
                             class_names: Sequence[str] | None = None,
                             height: int | None = None) -> go.Figure:
    """Decision regions of one classifier, or of several side by side.

    Parameters
    ----------
    predict : callable or sequence of callables
        See :func:`decision_boundary_traces`; a sequence draws one panel per
        classifier, all on the same data ``X, y``.
    X, y : the samples and their integer labels
    title : str
    n : grid points per axis (see :func:`decision_grid`)
    subplot_titles : sequence of str, optional
        One per panel.
    class_names : sequence of str, optional
    height : int, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Per panel: a heatmap, then one scatter per class (legend shown once).
    """
    predicts = list(predict) if isinstance(predict, Sequence) else [predict]
    if not predicts:
        raise ValueError("predict must be a callable or a non-empty list of callables")
    cols = len(predicts)
    subplot_titles = as_labels(subplot_titles, cols, "subplot_titles", [""] * cols)
    fig = make_subplots(rows=1, cols=cols, subplot_titles=subplot_titles,
                        horizontal_spacing=0.08 if cols > 1 else 0.0)
    for col, fn in enumerate(predicts, start=1):
        fig.add_traces(decision_boundary_traces(fn, X, y, n, class_names=class_names,
                                                showlegend=col == 1), rows=1, cols=col)
        fig.update_xaxes(title_text="x₁ (unitless)", row=1, col=col, constrain="domain")
        fig.update_yaxes(title_text="x₂ (unitless)" if col == 1 else None, row=1, col=col,
                         scaleanchor=f"x{col if col > 1 else ''}", scaleratio=1,
                         constrain="domain")
    return header(fig, title, height or (480 if cols == 1 else 450),
                  extra=26 if any(subplot_titles) else 0)


# ----------------------------------------------------------------------------
# The perceptron, update by update
# ----------------------------------------------------------------------------

def _clip(w, b: float, box) -> tuple[np.ndarray, np.ndarray]:
    """Clip the box by ``w . x + b > 0``: (polygon corners, points where the line crosses)."""
    w = as_float_array(w, "w", ndim=1)
    if w.shape != (2,):
        raise ValueError(f"w must have shape (2,), got {w.shape}")
    b = check_scalar(b, "b")
    box = as_float_array(box, "box")
    if box.shape != (4,):
        raise ValueError(f"box must be (x_min, x_max, y_min, y_max), got shape {box.shape}")
    (x0, x1), (y0, y1) = check_bounds(box.reshape(2, 2), "box")
    corners = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    values = corners @ w + b
    polygon, crossings = [], []
    for i in range(4):
        p, q = corners[i], corners[(i + 1) % 4]
        vp, vq = values[i], values[(i + 1) % 4]
        if vp > 0:
            polygon.append(p)
        if (vp > 0) != (vq > 0):                      # the edge crosses the line
            point = p + vp / (vp - vq) * (q - p)
            polygon.append(point)
            crossings.append(point)
    return np.array(polygon).reshape(-1, 2), np.array(crossings).reshape(-1, 2)


def halfplane_polygon(w, b: float, box) -> np.ndarray:
    r"""Corners of the part of the box where :math:`w \cdot x + b > 0`.

    The rectangle ``box = (x_min, x_max, y_min, y_max)`` is clipped by the
    half-plane (one step of Sutherland-Hodgman clipping).

    Returns
    -------
    ndarray, shape (m, 2)
        The polygon's corners in order (``m = 0`` if the half-plane misses
        the box).
    """
    return _clip(w, b, box)[0]


def boundary_segment(w, b: float, box) -> np.ndarray:
    r"""The piece of the line :math:`w \cdot x + b = 0` inside the box.

    Returns
    -------
    ndarray, shape (2, 2) or (0, 2)
        Its two end points, or nothing if the line misses the box (or ``w = 0``).
    """
    crossings = np.unique(_clip(w, b, box)[1], axis=0)
    return crossings if len(crossings) == 2 else np.empty((0, 2))


def _xy(points: np.ndarray) -> dict:
    """``x``/``y`` of a trace; ``[None]`` when there are no points.

    plotly.js hides the *other* traces of a plot during a ``redraw=False``
    animation if an animated trace is an empty array; a single missing point
    draws nothing and avoids that.
    """
    if len(points) == 0:
        return dict(x=[None], y=[None])
    return dict(x=points[:, 0], y=points[:, 1])


def _perceptron_frame(w, b, box, sample) -> list[go.Scatter]:
    sample = np.empty((0, 2)) if sample is None else np.asarray(sample).reshape(1, 2)
    return [go.Scatter(**_xy(halfplane_polygon(w, b, box))),
            go.Scatter(**_xy(boundary_segment(w, b, box))),
            go.Scatter(**_xy(sample))]


def perceptron_animation(X, y, history, *, title: str | None) -> go.Figure:
    r"""Animate the perceptron rule: one frame per update.

    Frame 0 is the start (:math:`w = 0`: no boundary). Frame :math:`t` shows
    the boundary :math:`w_t \cdot x + b_t = 0` after update :math:`t`, the
    region it assigns to :math:`+1` (tinted), and the misclassified sample
    that caused the update (ringed).

    Parameters
    ----------
    X : array_like, shape (N, 2)
    y : array_like of int, shape (N,)
        Labels in {-1, +1} (or {0, 1}).
    history : sequence of nnlearn.perceptron.PerceptronUpdate
        ``Perceptron.history`` after ``fit``.
    title : str

    Returns
    -------
    plotly.graph_objects.Figure
        Traces 0-2 (region, boundary, ringed sample) change from frame to
        frame; the samples (one trace per class) do not. Play/pause buttons
        and a slider with one step per update.
    """
    X = as_float_array(X, "X", ndim=2)
    history = list(history)
    if not all(hasattr(h, a) for h in history for a in ("w", "b", "index", "step", "epoch")):
        raise TypeError("history must hold PerceptronUpdate records (use Perceptron.history)")
    xs, ys, _ = decision_grid(X, 2)                  # checks that X is (N, 2)
    box = (xs[0], xs[-1], ys[0], ys[-1])
    region, line, ring = _perceptron_frame(np.zeros(2), 0.0, box, None)
    region.update(fill="toself", fillcolor=tint(color(1), 0.14), mode="none",
                  name="predicted +1", hoverinfo="skip")
    line.update(mode="lines", line=dict(color=color(3), width=3),
                name="boundary w·x + b = 0", hoverinfo="skip")
    ring.update(mode="markers", name="sample that caused the update", hoverinfo="skip",
                marker=dict(size=20, symbol="circle-open", color=color(3),
                            line=dict(width=3)))
    fig = go.Figure([region, line, ring] + sample_traces(X, y, ("y = −1", "y = +1")))
    fig.update_layout(xaxis=dict(title="x₁ (unitless)", range=[box[0], box[1]], constrain="domain"),
                      yaxis=dict(title="x₂ (unitless)", range=[box[2], box[3]], scaleanchor="x",
                                 constrain="domain"))
    frames = {"0": _perceptron_frame(np.zeros(2), 0.0, box, None)}
    frames.update({str(h.step): _perceptron_frame(h.w, h.b, box, X[h.index]) for h in history})
    animate(fig, frames, traces=[0, 1, 2], active=0, prefix="updates made: ", y=-0.12,
            bottom=150)
    return header(fig, title, 660)


