"""Text descriptions that nnlearn.viz.render computes from a figure's data."""

from __future__ import annotations

import json
import re

import numpy as np
import plotly.graph_objects as go
import pytest

from nnlearn.viz import render


def _loss_figure(**layout):
    epochs = np.arange(1, 31)
    loss = 2.3 * np.exp(-0.11 * (epochs - 1)) + 0.06
    fig = go.Figure(go.Scatter(x=epochs, y=loss, name="training loss", mode="lines"))
    fig.update_layout(xaxis_title="epoch", yaxis_title="loss (nats)", **layout)
    return fig


def test_a_falling_curve_is_described_with_its_numbers():
    text = render.data_description(_loss_figure().to_dict())
    assert text == "training loss: falls from 2.36 to 0.155 as epoch goes from 1 to 30."


def test_the_description_reads_the_same_from_the_json_the_page_holds():
    fig = _loss_figure()
    from_json = json.loads(render.figure_json(fig))  # float32 arrays as base64 "bdata"
    assert "bdata" in json.dumps(from_json["data"][0]["x"])
    assert render.data_description(from_json) == render.data_description(fig.to_dict())


def test_a_dip_in_the_middle_names_the_lowest_point_and_where_it_is():
    x = np.linspace(-3, 3, 61)
    fig = go.Figure(go.Scatter(x=x, y=(x - 1) ** 2, name="f"))
    fig.update_layout(xaxis_title="θ (unitless)")
    assert render.data_description(fig.to_dict()) == (
        "f: falls from 16 to 4 as θ goes from -3 to 3, lowest 0 at θ = 1.")


def test_a_path_in_a_plane_is_described_by_its_ends():
    fig = go.Figure(go.Scatter(x=[0, 1, 0.5, 2], y=[0, 1, 2, 3], name="descent path"))
    fig.update_layout(xaxis_title="w₁", yaxis_title="w₂")
    assert render.data_description(fig.to_dict()) == (
        "descent path: a path of 4 points from (w₁ = 0, w₂ = 0) to (w₁ = 2, w₂ = 3).")


@pytest.mark.parametrize("trace, layout", [
    (dict(x=[0, 1, None, 2, 3], y=[0, 1, None, 1, 0]), {}),         # segments of a drawing
    (dict(x=[0, 1, 2], y=[0, 1, 4]), {"xaxis": {"visible": False}}),  # a diagram
    (dict(x=[0, 1, 2], y=[0, 1, 4], mode="markers"), {}),             # a point cloud
    (dict(x=[0, 1], y=[0, 1]), {}),                                   # a reference segment
])
def test_no_sentence_for_what_is_not_a_line_chart(trace, layout):
    fig = go.Figure(go.Scatter(**trace))
    fig.update_layout(**layout)
    assert render.data_description(fig.to_dict()) == ""


def test_large_and_tiny_numbers_are_written_for_reading_aloud():
    assert render._num(17700.0, 1) == "1.77 × 10^4"
    assert render._num(0.00513, 1) == "0.00513"
    assert render._num(6.54e-11, 0.0344) == "6.54 × 10^-11"
    assert render._num(-7e-16, 1.0) == "0"  # noise far below the curve's scale


def test_the_page_links_the_description_to_the_figure():
    fig = render.describe(_loss_figure(), "The loss falls fast, then slowly.")
    html = render.figure_html(fig)
    div_id = re.search(r'id="(nnfig-[^"]+)"', html).group(1)
    assert f'aria-describedby="{div_id}-desc"' in html
    described = re.search(rf'<p id="{div_id}-desc">([^<]*)</p>', html).group(1)
    assert described == ("The loss falls fast, then slowly. training loss: falls from 2.36 "
                         "to 0.155 as epoch goes from 1 to 30.")


def test_the_notebook_gets_the_compact_figure():
    fig = _loss_figure()
    bundle = render.BookRenderer().to_mimebundle(fig.to_dict())
    x = bundle[render.PLOTLY_MIME]["data"][0]["y"]
    assert x["dtype"] == "f4"  # float64 data stored as float32, as on the page
    assert bundle[render.PLOTLY_MIME]["config"] == render.CONFIG
