"""Chapter 8 figures: learning curves of a History, confusion matrices, a fit over epochs.

The builders only draw. The chapter trains with :func:`nnlearn.training.fit`
and passes the :class:`~nnlearn.training.History` or the computed arrays in.
Runs compared by epoch: :func:`nnlearn.viz.lines.train_val_curves`; digit
images: :func:`nnlearn.viz.heatmap.image_gallery`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from nnlearn._checks import check_bool
from nnlearn.viz.animation import animate
from nnlearn.viz.heatmap import heatmap
from nnlearn.viz.layout import as_labels, as_matrix, as_vector, as_vectors, header, padded_range
from nnlearn.viz.lines import add_train_val, line_style
from nnlearn.viz.theme import color

__all__ = ["confusion_heatmap", "fit_snapshots", "grid_heatmap",
           "learning_curves"]


def _series(history, key: str, n: int | None = None) -> np.ndarray:
    """``history.<key>`` as a float array: empty if not recorded, else of ``n`` entries if given."""
    values = getattr(history, key, None)
    if values is None:
        raise TypeError(f"history must have an attribute {key!r} (a training.History), "
                        f"got {type(history).__name__}")
    values = np.asarray(values, dtype=np.float64)
    if n is not None and values.size not in (0, n):
        raise ValueError(f"history.{key} must have one entry per epoch ({n}), got {values.size}")
    return values


def learning_curves(history, *, title: str | None, loss_title: str = "loss (nats per sample)",
                    show_lr: bool = False) -> go.Figure:
    """Training (solid) and validation (dashed) loss, and accuracy, against the epoch.

    Parameters
    ----------
    history : nnlearn.training.History
    title : str or None
    loss_title : str
        Title of the loss axis, with its unit (cross-entropy is in nats).
    show_lr : bool, default False
        Add a panel below with the learning rate of every epoch (log scale).

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per recorded series and a dotted vertical line at
        ``history.best_epoch`` if it is set.
    """
    show_lr = check_bool(show_lr, "show_lr")
    epochs = _series(history, "epoch")
    if epochs.size == 0:
        raise ValueError("history must hold at least one epoch, got an empty history")
    panels = [("loss", loss_title, "loss")]
    if _series(history, "accuracy").size or _series(history, "val_accuracy").size:
        panels.append(("accuracy", "accuracy (fraction correct)", "accuracy"))
    cols = len(panels)
    specs = [[{}] * cols] + ([[{"colspan": cols}] + [None] * (cols - 1)] if show_lr else [])
    fig = make_subplots(rows=len(specs), cols=cols, specs=specs, vertical_spacing=0.2,
                        subplot_titles=[p[0] for p in panels] + ["learning rate"] * show_lr,
                        horizontal_spacing=0.12, row_heights=[0.62, 0.38] if show_lr else None)
    for col, (_, y_title, key) in enumerate(panels, 1):
        pair = (_series(history, key, epochs.size), _series(history, "val_" + key, epochs.size))
        add_train_val(fig, {"": pair}, row=1, col=col, showlegend=col == 1)
        fig.update_yaxes(title_text=y_title, row=1, col=col)
    if show_lr:
        rates = _series(history, "lr")
        fig.add_trace(go.Scatter(x=epochs, y=rates, name="learning rate", showlegend=False,
                                 line_shape="hv", **line_style(2)), row=2, col=1)
        fig.update_yaxes(title_text="η (unitless)", type="log", tickvals=np.unique(rates),
                         ticktext=[f"{r:.2g}" for r in np.unique(rates)], row=2, col=1)
    fig.for_each_trace(lambda trace: trace.update(x=epochs[:len(trace.y)]))
    best = getattr(history, "best_epoch", None)
    if best is not None:
        fig.add_vline(x=best, line=dict(color=color(7), dash="dot", width=1.5))
        side = "left" if 2 * best < epochs.min() + epochs.max() else "right"  # the roomier side
        fig.add_annotation(x=best, y=1.0, yref="y domain", xref="x", text=f"best epoch {best}",
                           showarrow=False, xanchor=side, yanchor="top", borderpad=4)
    fig.update_xaxes(title_text="epoch", range=[epochs.min() - 0.5, epochs.max() + 0.5])
    return header(fig, title, 640 if show_lr else 440, extra=26)


def confusion_heatmap(cm, *, title: str | None,
                      class_names: Sequence[str] | None = None) -> go.Figure:
    """Heat map of a confusion matrix, counts written in the cells (colour: log of the count).

    Parameters
    ----------
    cm : array_like of int, shape (C, C)
        ``cm[j, k]``: samples of true class ``j`` predicted as ``k``
        (:func:`nnlearn.metrics.confusion_matrix`).
    title : str or None
    class_names : sequence of str, optional
        Names of the classes (default ``"0"``, ``"1"``, ...).

    Returns
    -------
    plotly.graph_objects.Figure
        One heatmap trace; true classes run down the rows, predictions across.
    """
    cm = as_matrix(cm, "cm")
    if cm.shape[0] != cm.shape[1]:
        raise ValueError(f"cm must be square, got shape {cm.shape}")
    names = as_labels(class_names, len(cm), "class_names", map(str, range(len(cm))))
    fig = heatmap(np.log1p(cm), title=title, x_title="predicted class", y_title="true class",
                  x_labels=names, y_labels=names, text=cm.astype(np.int64),
                  colorbar_title="samples", square=True, height=540)
    fig.update_traces(colorbar=dict(tickvals=np.log1p([0, 1, 3, 10, 30, 100]),
                                    ticktext=["0", "1", "3", "10", "30", "100"]))
    return fig


def fit_snapshots(x, y, x_grid, truth, predictions: Mapping[str, Sequence[float]], *,
                  title: str | None, x_title: str = "x (unitless)",
                  y_title: str = "y (unitless)", frames: bool = False,
                  prefix: str = "") -> go.Figure:
    """Training data, the true function and the network's prediction at several epochs.

    Parameters
    ----------
    x, y : array_like, shape (n,) or (n, 1)
        Training data.
    x_grid : array_like, shape (m,) or (m, 1)
        Where the curves are drawn.
    truth : array_like, shape (m,)
        The noise-free function on ``x_grid`` (dashed).
    predictions : mapping label -> array_like of shape (m,)
        E.g. ``{"epoch 10": ..., "epoch 300": ...}``, in this order.
    title, x_title, y_title : str
    frames : bool, default False
        Animate: one prediction line, one frame per entry of ``predictions``
        (the last shown first), with play/pause and a slider.
    prefix : str
        With ``frames``: text before the slider's label, e.g. ``"epoch "``.

    Returns
    -------
    plotly.graph_objects.Figure
        Data, truth, then one line per prediction (or the animated line).
    """
    frames = check_bool(frames, "frames")
    x, x_grid = as_vector(x, "x"), as_vector(x_grid, "x_grid")
    y, truth = as_vector(y, "y", x.size), as_vector(truth, "truth", x_grid.size)
    preds = as_vectors(predictions, "predictions", x_grid.size)
    fig = go.Figure(go.Scatter(x=x, y=y, mode="markers", name="training data",
                               marker=dict(color=color(7), size=7, opacity=0.8)))
    fig.add_trace(go.Scatter(x=x_grid, y=truth, name="truth", mode="lines",
                             line=dict(color=color(7), width=2, dash="dash")))
    shown = {"network": list(preds.values())[-1]} if frames else preds
    for i, (label, pred) in enumerate(shown.items()):
        fig.add_trace(go.Scatter(x=x_grid, y=pred, name=label, **line_style(i, line_dash=(
            "solid", "dot", "dashdot", "longdash")[i % 4], width=2.6)))
    fig.update_layout(xaxis_title=x_title, yaxis_title=y_title)
    if frames:
        fig.update_yaxes(range=padded_range(np.concatenate([y, truth, *preds.values()])))
        animate(fig, {k: [go.Scatter(y=v)] for k, v in preds.items()}, traces=[2],
                prefix=prefix, frame_ms=250)
    return header(fig, title, 560 if frames else 460)


def grid_heatmap(values, x_values: Sequence, y_values: Sequence, *, title: str | None,
                 x_title: str, y_title: str,
                 colorbar_title: str = "validation accuracy") -> go.Figure:
    """One number per point of a hyperparameter grid, written in the cells; the best framed.

    Parameters
    ----------
    values : array_like, shape (len(y_values), len(x_values))
        ``values[i, j]`` belongs to ``y_values[i]`` and ``x_values[j]``.
    x_values, y_values : sequence
        Grid coordinates, shown as categories (e.g. learning rates and widths).
    title, x_title, y_title, colorbar_title : str

    Returns
    -------
    plotly.graph_objects.Figure
        One heatmap trace; the best (largest) cell is outlined.
    """
    values = as_matrix(values, "values")
    if values.shape != (len(y_values), len(x_values)):
        raise ValueError(f"values must have shape (len(y_values), len(x_values)) = "
                         f"{(len(y_values), len(x_values))}, got {values.shape}")
    best = np.unravel_index(np.nanargmax(values), values.shape)
    return heatmap(values, title=title, x_title=x_title, y_title=y_title,
                   x_labels=x_values, y_labels=y_values, colorbar_title=colorbar_title,
                   text=".3f", outline=[best], outline_name="best", height=460)
