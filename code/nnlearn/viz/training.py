"""Figures for chapter 8: learning curves, confusion matrices, digit galleries, fits, grids.

The builders only draw. The chapter trains with :func:`nnlearn.training.fit`
and passes the :class:`~nnlearn.training.History` or the computed arrays in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from nnlearn.viz.animation import play_controls
from nnlearn.viz.theme import COLORWAY, SEQUENTIAL

__all__ = [
    "compare_runs",
    "confusion_heatmap",
    "fit_animation",
    "fit_snapshots",
    "grid_heatmap",
    "image_gallery",
    "learning_curves",
]

EPOCH_TITLE = "epoch (passes over the training data)"

_LABELS = {"loss": "training", "val_loss": "validation", "accuracy": "training",
           "val_accuracy": "validation", "lr": "learning rate"}


def _color(i: int) -> str:
    return COLORWAY[i % len(COLORWAY)]


def _series(history, key: str) -> np.ndarray:
    """``history.<key>`` as a float array (empty if missing)."""
    values = getattr(history, key, None)
    if values is None:
        raise TypeError(f"history must have an attribute {key!r} (a training.History), "
                        f"got {type(history).__name__}")
    return np.asarray(values, dtype=np.float64)


def _epochs(history) -> np.ndarray:
    epochs = _series(history, "epoch")
    if epochs.size == 0:
        raise ValueError("history must hold at least one epoch, got an empty history")
    return epochs


def _matrix(values, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 2-D array, got shape {arr.shape}")
    return arr


def _vector(values, name: str, length: int | None = None) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim == 2 and arr.shape[1] == 1:          # a column (n, 1) counts as a vector
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-dimensional, got shape {arr.shape}")
    if length is not None and arr.size != length:
        raise ValueError(f"{name} must have {length} entries, got {arr.size}")
    return arr


def _legend_on_top(fig: go.Figure, title: str, height: int, top: int = 110) -> None:
    """Title at the very top, a horizontal legend between it and the plot."""
    fig.update_layout(title=dict(text=title, y=1.0, yref="container", yanchor="top",
                                 pad=dict(t=12)),
                      height=height, margin=dict(t=top),
                      legend=dict(orientation="h", x=0.0, xanchor="left", y=1.0,
                                  yref="container", yanchor="top"))
    fig.update_layout(legend_y=1.0 - 42 / height)


def learning_curves(history, title: str = "Learning curves",
                    loss_title: str = "loss (nats per sample)", show_lr: bool = False) -> go.Figure:
    """Training and validation loss (left) and accuracy (right) against the epoch.

    Parameters
    ----------
    history : nnlearn.training.History
    title : str
    loss_title : str
        Title of the loss axis, with its unit (cross-entropy is in nats).
    show_lr : bool, default False
        Add a panel below with the learning rate of every epoch (log scale).

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per recorded series (training solid, validation dashed) and a
        dotted vertical line at ``history.best_epoch`` if it is set.
    """
    epochs = _epochs(history)
    panels = [("loss", loss_title, ("loss", "val_loss"))]
    if _series(history, "accuracy").size or _series(history, "val_accuracy").size:
        panels.append(("accuracy", "accuracy (fraction correct)", ("accuracy", "val_accuracy")))
    cols = len(panels)
    places = [(1, col) for col in range(1, cols + 1)]
    if show_lr:                          # a full-width row below the others
        panels.append(("learning rate", "η (unitless)", ("lr",)))
        places.append((2, 1))
        fig = make_subplots(rows=2, cols=cols, row_heights=[0.62, 0.38],
                            specs=[[{}] * cols, [{"colspan": cols}] + [None] * (cols - 1)],
                            subplot_titles=[p[0] for p in panels], vertical_spacing=0.2,
                            horizontal_spacing=0.12)
    else:
        fig = make_subplots(rows=1, cols=cols, subplot_titles=[p[0] for p in panels],
                            horizontal_spacing=0.12)
    shown = set()
    for (row, col), (_, y_title, keys) in zip(places, panels, strict=True):
        for key in keys:
            values = _series(history, key)
            if values.size == 0:
                continue
            if values.size != epochs.size:
                raise ValueError(f"history.{key} must have one entry per epoch "
                                 f"({epochs.size}), got {values.size}")
            label = _LABELS[key]
            color = _color(2) if key == "lr" else _color(0 if label == "training" else 1)
            fig.add_trace(go.Scatter(
                x=epochs, y=values, name=label, legendgroup=label, mode="lines+markers",
                showlegend=label not in shown, marker=dict(size=4),
                line=dict(color=color, width=2.5, dash="dash" if key.startswith("val") else None)),
                row=row, col=col)
            shown.add(label)
        fig.update_yaxes(title_text=y_title, row=row, col=col)
        if keys == ("lr",):
            rates = np.unique(_series(history, "lr"))
            fig.update_yaxes(type="log", tickvals=rates, ticktext=[f"{r:.2g}" for r in rates],
                             row=row, col=col)
    best = getattr(history, "best_epoch", None)
    if best is not None:
        for row, col in places:
            fig.add_vline(x=best, line=dict(color=_color(7), dash="dot", width=1.5),
                          row=row, col=col)
        fig.add_annotation(x=best, y=1.0, yref="y domain", xref="x", text=f"best epoch {best}",
                           showarrow=False, xanchor="right", yanchor="top", xshift=-4,
                           font=dict(size=12))
    fig.update_xaxes(title_text=EPOCH_TITLE if cols == 1 else "epoch",
                     range=[epochs.min() - 0.5, epochs.max() + 0.5])
    _legend_on_top(fig, title, 640 if show_lr else 440)
    return fig


def compare_runs(histories: Mapping, keys: Sequence[str] = ("loss",),
                 title: str = "Runs compared", y_title: str = "loss (nats per sample)",
                 log_y: bool = False) -> go.Figure:
    """One curve per run and key against the epoch (a run keeps its colour).

    Parameters
    ----------
    histories : mapping name -> History
        The runs, e.g. ``{"lr = 0.1": h1, "lr = 0.001": h2}``.
    keys : sequence of str, default ("loss",)
        History attributes to draw; ``val_*`` keys are dashed.
    title, y_title : str
    log_y : bool, default False
        Logarithmic vertical axis (losses that span decades).

    Returns
    -------
    plotly.graph_objects.Figure
        ``len(histories) * len(keys)`` traces (fewer if a series is empty).
    """
    if not isinstance(histories, Mapping) or not histories:
        raise ValueError(f"histories must be a non-empty mapping name -> History, "
                         f"got {histories!r}")
    fig = go.Figure()
    for i, (name, history) in enumerate(histories.items()):
        epochs = _epochs(history)
        for key in keys:
            values = _series(history, key)
            if values.size == 0:
                continue
            suffix = f" ({_LABELS.get(key, key)})" if len(keys) > 1 else ""
            fig.add_trace(go.Scatter(
                x=epochs[:values.size], y=values, name=f"{name}{suffix}", mode="lines",
                line=dict(color=_color(i), width=2.5,
                          dash="dash" if key.startswith("val") else None)))
    fig.update_layout(xaxis_title=EPOCH_TITLE, yaxis_title=y_title)
    if log_y:
        fig.update_yaxes(type="log")
    _legend_on_top(fig, title, 440)
    return fig


def confusion_heatmap(cm, class_names: Sequence[str] | None = None,
                      title: str = "Confusion matrix") -> go.Figure:
    """Heatmap of a confusion matrix, counts written in the cells.

    Parameters
    ----------
    cm : array_like of int, shape (C, C)
        ``cm[j, k]``: samples of true class ``j`` predicted as ``k``
        (:func:`nnlearn.training.confusion_matrix`).
    class_names : sequence of str, optional
        Names of the classes (default ``"0"``, ``"1"``, ...).
    title : str

    Returns
    -------
    plotly.graph_objects.Figure
        One heatmap trace; true classes run down the rows, predictions across.
    """
    cm = _matrix(cm, "cm")
    if cm.shape[0] != cm.shape[1]:
        raise ValueError(f"cm must be square, got shape {cm.shape}")
    names = [str(i) for i in range(cm.shape[0])] if class_names is None else \
        [str(c) for c in class_names]
    if len(names) != cm.shape[0]:
        raise ValueError(f"class_names must have {cm.shape[0]} entries, got {len(names)}")
    counts = cm.astype(np.int64)
    fig = go.Figure(go.Heatmap(
        z=np.log1p(cm), x=names, y=names, text=counts, texttemplate="%{text}",
        customdata=counts, colorscale=SEQUENTIAL, showscale=True,
        colorbar=dict(title="samples", tickvals=np.log1p([0, 1, 3, 10, 30, 100]),
                      ticktext=["0", "1", "3", "10", "30", "100"]),
        hovertemplate="true %{y}, predicted %{x}: %{customdata} samples<extra></extra>"))
    fig.update_layout(title=title, xaxis_title="predicted class", yaxis_title="true class",
                      height=520, width=None)
    fig.update_yaxes(autorange="reversed", scaleanchor="x", constrain="domain", type="category")
    fig.update_xaxes(constrain="domain", type="category", side="bottom")
    return fig


def image_gallery(images, captions: Sequence[str], n_cols: int = 8,
                  title: str = "Images",
                  colorbar_title: str = "pixel intensity (0 to 16)") -> go.Figure:
    """Small images in a grid, each with a caption above it.

    Parameters
    ----------
    images : array_like, shape (n, h, w)
        Grey-level images (e.g. the 8x8 digits), drawn with one shared colour scale.
    captions : sequence of str, length n
        One caption per image, e.g. ``"true 3, predicted 8"``.
    n_cols : int, default 8
        Images per row.
    title, colorbar_title : str

    Returns
    -------
    plotly.graph_objects.Figure
        One heatmap trace per image.
    """
    images = np.asarray(images, dtype=np.float64)
    if images.ndim != 3 or images.shape[0] == 0:
        raise ValueError(f"images must have shape (n, h, w) with n >= 1, got {images.shape}")
    captions = [str(c) for c in captions]
    if len(captions) != images.shape[0]:
        raise ValueError(f"captions must have {images.shape[0]} entries, got {len(captions)}")
    if not isinstance(n_cols, (int, np.integer)) or n_cols < 1:
        raise ValueError(f"n_cols must be a positive integer, got {n_cols!r}")
    n = images.shape[0]
    cols = min(int(n_cols), n)
    rows = -(-n // cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=captions,
                        horizontal_spacing=0.03, vertical_spacing=0.25 / rows)
    low, high = float(images.min()), float(images.max())
    for i, img in enumerate(images):
        fig.add_trace(go.Heatmap(z=img, coloraxis="coloraxis",
                                 hovertemplate="row %{y}, column %{x}: %{z}<extra></extra>"),
                      row=i // cols + 1, col=i % cols + 1)
    fig.update_xaxes(showticklabels=False, showline=False, ticks="", showgrid=False,
                     zeroline=False)
    fig.update_yaxes(showticklabels=False, showline=False, ticks="", showgrid=False,
                     zeroline=False, autorange="reversed", scaleanchor="x")
    for i in range(1, n + 1):          # square pixels in every panel
        fig.update_yaxes(scaleanchor=f"x{'' if i == 1 else i}", row=(i - 1) // cols + 1,
                         col=(i - 1) % cols + 1)
    fig.update_annotations(font_size=12)
    fig.update_layout(title=title, height=max(300, 100 + 135 * rows),
                      margin=dict(t=100, l=20, r=20, b=20),
                      coloraxis=dict(colorscale=SEQUENTIAL, cmin=low, cmax=high,
                                     colorbar=dict(title=dict(text=colorbar_title,
                                                              side="right"), len=1.0)))
    return fig


def _fit_base(x, y, x_grid, truth, title: str, x_title: str,
              y_title: str) -> tuple[go.Figure, np.ndarray]:
    x = _vector(x, "x")
    y = _vector(y, "y", x.size)
    x_grid = _vector(x_grid, "x_grid")
    truth = _vector(truth, "truth", x_grid.size)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=x, y=y, mode="markers", name="training data",
                             marker=dict(color=_color(7), size=7, opacity=0.8)))
    fig.add_trace(go.Scatter(x=x_grid, y=truth, mode="lines", name="truth",
                             line=dict(color=_color(7), width=2, dash="dash")))
    fig.update_layout(xaxis_title=x_title, yaxis_title=y_title)
    _legend_on_top(fig, title, 460)
    return fig, x_grid


def fit_snapshots(x, y, x_grid, truth, predictions: Mapping[str, Sequence[float]],
                  title: str = "The network's fit at several epochs",
                  x_title: str = "x (unitless)", y_title: str = "y (unitless)") -> go.Figure:
    """Data, the true function and the network's prediction at several moments.

    Parameters
    ----------
    x, y : array_like, shape (n,) or (n, 1)
        Training data.
    x_grid : array_like, shape (m,) or (m, 1)
        Where the curves are drawn.
    truth : array_like, shape (m,)
        The noise-free function on ``x_grid``.
    predictions : mapping label -> array_like of shape (m,)
        E.g. ``{"epoch 10": ..., "epoch 300": ...}``, drawn in this order.
    title, x_title, y_title : str

    Returns
    -------
    plotly.graph_objects.Figure
        Data, truth and one line per prediction.
    """
    fig, x_grid = _fit_base(x, y, x_grid, truth, title, x_title, y_title)
    if not isinstance(predictions, Mapping) or not predictions:
        raise ValueError("predictions must be a non-empty mapping label -> values")
    for i, (label, pred) in enumerate(predictions.items()):
        fig.add_trace(go.Scatter(x=x_grid, y=_vector(pred, f"predictions[{label!r}]",
                                                     x_grid.size),
                                 mode="lines", name=str(label),
                                 line=dict(color=_color(i), width=2.5)))
    return fig


def fit_animation(x, y, x_grid, truth, frames: Mapping[str, Sequence[float]],
                  title: str = "The fit as training goes on",
                  x_title: str = "x (unitless)", y_title: str = "y (unitless)",
                  prefix: str = "") -> go.Figure:
    """Animation: the network's prediction on ``x_grid`` after each recorded epoch.

    Parameters
    ----------
    x, y, x_grid, truth, title, x_title, y_title
        As in :func:`fit_snapshots`.
    frames : mapping label -> array_like of shape (m,)
        One prediction per frame, in playing order (e.g. label ``"20"`` for epoch 20).
    prefix : str
        Text before the slider's current label, e.g. ``"epoch "``.

    Returns
    -------
    plotly.graph_objects.Figure
        Data, truth and the fit line; one frame per entry (only the fit line
        changes), a play button and a slider. The last frame is shown first.
    """
    fig, x_grid = _fit_base(x, y, x_grid, truth, title, x_title, y_title)
    if not isinstance(frames, Mapping) or not frames:
        raise ValueError("frames must be a non-empty mapping label -> values")
    labels = [str(k) for k in frames]
    preds = [_vector(v, f"frames[{k!r}]", x_grid.size) for k, v in frames.items()]
    fig.add_trace(go.Scatter(x=x_grid, y=preds[-1], mode="lines", name="network",
                             line=dict(color=_color(0), width=3)))
    fig.frames = [go.Frame(name=lab, data=[go.Scatter(y=p)], traces=[2])
                  for lab, p in zip(labels, preds, strict=True)]
    y_all = np.concatenate([_vector(y, "y"), _vector(truth, "truth"), *preds])
    pad = 0.08 * (y_all.max() - y_all.min() + 1e-12)
    fig.update_layout(yaxis_range=[y_all.min() - pad, y_all.max() + pad], height=540)
    play_controls(fig, labels, active=len(labels) - 1, prefix=prefix, redraw=False,
                  frame_ms=250)
    return fig


def grid_heatmap(values, x_values: Sequence, y_values: Sequence,
                 title: str = "Validation accuracy over a hyperparameter grid",
                 x_title: str = "x", y_title: str = "y",
                 colorbar_title: str = "validation accuracy", fmt: str = ".3f") -> go.Figure:
    """Heatmap of one number per grid point, the numbers written in the cells.

    Parameters
    ----------
    values : array_like, shape (len(y_values), len(x_values))
        ``values[i, j]`` belongs to ``y_values[i]`` and ``x_values[j]``.
    x_values, y_values : sequence
        Grid coordinates, shown as categories (e.g. learning rates and widths).
    title, x_title, y_title, colorbar_title : str
    fmt : str, default ".3f"
        Format of the numbers in the cells.

    Returns
    -------
    plotly.graph_objects.Figure
        One heatmap trace; the best cell is outlined.
    """
    values = _matrix(values, "values")
    xs = [str(v) for v in x_values]
    ys = [str(v) for v in y_values]
    if values.shape != (len(ys), len(xs)):
        raise ValueError(f"values must have shape {(len(ys), len(xs))} "
                         f"(len(y_values), len(x_values)), got {values.shape}")
    fig = go.Figure(go.Heatmap(
        z=values, x=xs, y=ys, colorscale=SEQUENTIAL, texttemplate=f"%{{z:{fmt}}}",
        colorbar=dict(title=colorbar_title),
        hovertemplate=f"{x_title} %{{x}}, {y_title} %{{y}}: %{{z:{fmt}}}<extra></extra>"))
    i, j = np.unravel_index(np.nanargmax(values), values.shape)
    fig.add_shape(type="rect", x0=j - 0.5, x1=j + 0.5, y0=i - 0.5, y1=i + 0.5,
                  line=dict(color=_color(3), width=3))
    fig.update_layout(title=title, xaxis_title=x_title, yaxis_title=y_title, height=440)
    fig.update_xaxes(type="category")
    fig.update_yaxes(type="category")
    return fig
