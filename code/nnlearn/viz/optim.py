"""Chapter 6 figure: the final loss against the learning rate, one line per optimizer.

Optimizer paths on contour maps and 3-D surfaces are drawn by
:func:`nnlearn.viz.contour.contour_paths` and :func:`nnlearn.viz.surface.surface_3d`,
losses per step by :func:`nnlearn.viz.lines.curves`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from nnlearn._checks import as_float_array, check_scalar
from nnlearn.viz.layout import as_mapping, axis_format, header
from nnlearn.viz.lines import add_curves
from nnlearn.viz.theme import color

__all__ = ["lr_sweep"]


def lr_sweep(lrs, final_losses: Mapping[str, np.ndarray], *, title: str | None,
             y_title: str, cap: float, log_y: bool = True) -> go.Figure:
    """Final loss against the learning rate, one line per optimizer.

    Runs whose loss is not finite or above ``cap`` (diverged, or no better
    than where they started) are drawn as crosses at ``cap`` on a dotted
    line, so that the eye sees which range of learning rates each optimizer
    forgives.

    Parameters
    ----------
    lrs : array_like of shape (K,)
        Learning rates, positive; the x axis is logarithmic.
    final_losses : mapping of str to array_like of shape (K,)
        Final loss of each run, by optimizer name.
    title, y_title : str
    cap : float
        Values above it (or not finite) are drawn at ``cap`` as crosses.
    log_y : bool, default True

    Returns
    -------
    plotly.graph_objects.Figure
        Per optimizer a line (finite values up to ``cap``) and a ``Scatter``
        of crosses (the capped runs, possibly empty); then the dotted cap line.
    """
    lrs = as_float_array(lrs, "lrs", ndim=1)
    if np.any(lrs <= 0):
        raise ValueError(f"lrs must be positive, got {lrs.tolist()}")
    cap = check_scalar(cap, "cap", low=0.0, low_inclusive=False)
    fig = go.Figure()
    for i, (name, loss) in enumerate(as_mapping(final_losses, "final_losses").items()):
        loss = as_float_array(loss, f"final_losses[{name!r}]", ndim=1, allow_nonfinite=True)
        if loss.shape != lrs.shape:
            raise ValueError(f"final_losses[{name!r}] must have the shape of lrs "
                             f"{lrs.shape}, got {loss.shape}")
        bad = ~np.isfinite(loss) | (loss > cap)
        add_curves(fig, {name: np.where(bad, np.nan, loss)}, lrs, first=i, log_x=True,
                   markers=True, max_points=None)
        fig.add_trace(go.Scatter(x=lrs[bad], y=np.full(int(bad.sum()), cap), mode="markers",
                                 name=f"{name}: failed", legendgroup=str(name), showlegend=False,
                                 marker=dict(symbol="x", size=11, color=color(i)),
                                 hovertemplate=f"{name}<br>lr %{{x:.3g}}<br>diverged or "
                                               "no progress<extra></extra>"))
    fig.add_trace(go.Scatter(x=[lrs.min(), lrs.max()], y=[cap, cap], mode="lines",
                             name="diverged / no progress (×)", hoverinfo="skip",
                             line=dict(color=color(7), dash="dot", width=1.5)))
    fig.update_xaxes(title_text="learning rate η (log scale)", **axis_format(lrs, True))
    fig.update_yaxes(title_text=y_title, type="log" if log_y else "linear")
    return header(fig, title, 440)
