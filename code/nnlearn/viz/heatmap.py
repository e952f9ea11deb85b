"""Heat maps (a matrix as coloured cells, numbers written in them) and image galleries."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from nnlearn._checks import check_bool
from nnlearn.viz.layout import as_labels, as_matrix, check_figure_size, header, legend_entry
from nnlearn.viz.theme import SEQUENTIAL, color


def heatmap(values, *, title: str | None, x_title: str, y_title: str, x_labels=None,
            y_labels=None, colorbar_title: str = "", text=None, colorscale: str = SEQUENTIAL,
            zmin: float | None = None, zmax: float | None = None, square: bool = False,
            outline=(), outline_name: str | None = None,
            height: int | None = None) -> go.Figure:
    """A matrix as a grid of coloured cells, row 0 at the top (like an image).

    Parameters
    ----------
    values : array_like, shape (n_rows, n_cols)
        The colour of each cell.
    title, x_title, y_title : str
        Figure and axis titles (give units).
    x_labels, y_labels : sequence, optional
        Column and row labels (default: the indices); labels are categories.
    colorbar_title : str
    text : str or array_like of str, optional
        A d3 format such as ``".2f"`` to write each value in its cell, or the
        text of every cell, shape (n_rows, n_cols).
    colorscale : str, default "Viridis"
    zmin, zmax : float, optional
        Ends of the colour scale.
    square : bool, default False
        Square cells (for images).
    outline : sequence of (row, col)
        Cells framed in rose (e.g. the best one, or failures).
    outline_name : str, optional
        Legend entry explaining the frames.
    height : int, optional

    Returns
    -------
    plotly.graph_objects.Figure
        One ``Heatmap`` trace (and a legend entry with ``outline_name``).
    """
    z = as_matrix(values, "values")
    n_rows, n_cols = z.shape
    x = as_labels(x_labels, n_cols, "x_labels")
    y = as_labels(y_labels, n_rows, "y_labels")
    cell = "%{text}" if text is not None and not isinstance(text, str) else "%{z:.4g}"
    trace = go.Heatmap(z=z, x=x, y=y, colorscale=colorscale, zmin=zmin, zmax=zmax,
                       colorbar=dict(title=dict(text=colorbar_title, side="right"),
                                     thickness=14), textfont=dict(size=11),
                       hovertemplate=f"{y_title} %{{y}}, {x_title} %{{x}}: {cell}<extra></extra>")
    if isinstance(text, str):
        trace.update(texttemplate=f"%{{z:{text}}}")
    elif text is not None:
        trace.update(text=np.asarray(text, dtype=str), texttemplate="%{text}")
    fig = go.Figure(trace)
    for r, c in outline:
        fig.add_shape(type="rect", x0=c - 0.46, x1=c + 0.46, y0=r - 0.44, y1=r + 0.44,
                      line=dict(color=color(3), width=3))
    if outline_name:
        fig.add_trace(legend_entry(outline_name, "lines", line=dict(color=color(3), width=3)))
        fig.update_layout(showlegend=True)
    kind = dict(type="category") if x_labels is not None or y_labels is not None else {}
    square = dict(constrain="domain") if check_bool(square, "square") else {}
    fig.update_xaxes(title_text=x_title, showgrid=False, side="bottom", **kind, **square,
                     tickangle=-45 if x_labels is not None and len(x) > 6 else None)
    fig.update_yaxes(title_text=y_title, showgrid=False, autorange="reversed", **kind, **square,
                     scaleanchor="x" if square else None, scaleratio=1 if square else None)
    return header(fig, title, height or int(np.clip(160 + 46 * n_rows, 300, 560)))


def image_gallery(images, captions, *, title: str | None, n_cols: int = 8,
                  colorbar_title: str = "pixel intensity") -> go.Figure:
    """Small grey-level images in a grid, one shared colour scale, a caption above each.

    Parameters
    ----------
    images : array_like, shape (n, h, w)
        E.g. the 8x8 digits.
    captions : sequence of str, length n
    title : str or None
    n_cols : int, default 8
        Images per row.
    colorbar_title : str

    Returns
    -------
    plotly.graph_objects.Figure
        One heatmap trace per image.
    """
    images = np.asarray(images, dtype=np.float64)
    if images.ndim != 3 or not 1 <= images.shape[0] <= 400:
        raise ValueError(f"images must have shape (n, h, w) with 1 <= n <= 400, "
                         f"got {images.shape}")
    captions = as_labels(captions, len(images), "captions")
    cols = min(check_figure_size(n_cols, "n_cols", high=40), len(images))
    rows = -(-len(images) // cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=captions,
                        horizontal_spacing=0.03, vertical_spacing=0.25 / rows)
    for i, img in enumerate(images):
        r, c = divmod(i, cols)
        fig.add_trace(go.Heatmap(z=img, coloraxis="coloraxis",
                                 hovertemplate="row %{y}, column %{x}: %{z}<extra></extra>"),
                      row=r + 1, col=c + 1)
        fig.update_yaxes(scaleanchor=f"x{i + 1 if i else ''}", row=r + 1, col=c + 1)  # square
    hidden = dict(showticklabels=False, showline=False, ticks="", showgrid=False, zeroline=False)
    fig.update_xaxes(**hidden)
    fig.update_yaxes(autorange="reversed", **hidden)
    fig.update_annotations(font_size=12)
    fig.update_layout(margin=dict(l=20, r=20, b=20), coloraxis=dict(
        colorscale=SEQUENTIAL, cmin=float(images.min()), cmax=float(images.max()),
        colorbar=dict(title=dict(text=colorbar_title, side="right"))))
    return header(fig, title, max(300, 100 + 135 * rows), extra=40)
