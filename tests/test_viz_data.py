"""Figure builders of nnlearn.viz.data: traces, titles and bad input."""

import numpy as np
import plotly.graph_objects as go
import pytest

from nnlearn.viz import data as vizdata


def _titled(fig):
    assert fig.layout.title.text
    for axis in ("xaxis", "yaxis"):
        assert fig.layout[axis].title.text, f"{axis} has no title"


def test_heatmap_with_values_and_labels():
    values = np.arange(6.0).reshape(2, 3)
    fig = vizdata.heatmap(values, "t", "columns (index)", "rows (index)",
                          x_labels=["a", "b", "c"], y_labels=["r1", "r2"],
                          text_format=".1f", square=True)
    assert isinstance(fig, go.Figure) and len(fig.data) == 1
    trace = fig.data[0]
    assert trace.type == "heatmap" and trace.texttemplate == "%{z:.1f}"
    np.testing.assert_array_equal(trace.z, values)
    assert list(trace.x) == ["a", "b", "c"] and list(trace.y) == ["r1", "r2"]
    assert fig.layout.yaxis.autorange == "reversed"        # row 0 on top
    assert fig.layout.yaxis.scaleanchor == "x"
    _titled(fig)
    assert vizdata.heatmap(values, "t", "x", "y").data[0].texttemplate is None


def test_heatmap_bad_input():
    with pytest.raises(ValueError, match="values must be a non-empty 2-D array"):
        vizdata.heatmap(np.ones(3), "t", "x", "y")
    with pytest.raises(ValueError, match="x_labels must have 3 entries, got 2"):
        vizdata.heatmap(np.ones((2, 3)), "t", "x", "y", x_labels=["a", "b"])


def test_sampled_waveform_traces_and_slider():
    t = np.linspace(0, 1, 50)
    x = np.sin(2 * np.pi * t)
    t_n = np.linspace(0, 1, 8, endpoint=False)
    stored = {1: np.sign(np.sin(2 * np.pi * t_n)), 3: np.round(np.sin(2 * np.pi * t_n), 1)}
    fig = vizdata.sampled_waveform(t, x, t_n, stored, "t", shown_bits=3)
    assert [tr.type for tr in fig.data] == ["scatter"] * 3
    assert fig.data[2].line.shape == "hv"
    # the step trace holds the last sample one more period
    assert len(fig.data[2].x) == len(t_n) + 1
    np.testing.assert_allclose(fig.data[2].y[:-1], stored[3])
    assert [f.name for f in fig.frames] == ["1", "3"]
    assert all(list(f.traces) == [2] for f in fig.frames)
    assert fig.layout.sliders[0].active == 1
    assert fig.layout.title.text == "t"
    single = vizdata.sampled_waveform(t, x, t_n, {2: stored[3]}, "t")
    assert len(single.frames) == 0 and not single.layout.sliders


def test_sampled_waveform_bad_input():
    t, t_n = np.linspace(0, 1, 5), np.linspace(0, 1, 3)
    with pytest.raises(ValueError, match=r"quantized\[2\] must have the shape of t_samples"):
        vizdata.sampled_waveform(t, t, t_n, {2: np.zeros(4)}, "t")
    with pytest.raises(ValueError, match="shown_bits must be one of"):
        vizdata.sampled_waveform(t, t, t_n, {2: np.zeros(3)}, "t", shown_bits=5)
    with pytest.raises(ValueError, match="t and x must be 1-D of the same shape"):
        vizdata.sampled_waveform(t, t[:4], t_n, {2: np.zeros(3)}, "t")


def test_strip_rows_one_box_per_strip():
    rows = {"a": {"s1": np.arange(5.0), "s2": np.ones(4)}, "b": {"s1": np.zeros(3)}}
    fig = vizdata.strip_rows(rows, "t", "value (unitless)", x_range=(-1, 5))
    assert [tr.type for tr in fig.data] == ["box"] * 3
    assert [tr.name for tr in fig.data] == ["s1", "s2", "s1"]
    assert fig.data[2].xaxis == "x2"                       # second row
    assert fig.layout.xaxis2.title.text == "value (unitless)"
    assert list(fig.layout.xaxis.range) == [-1, 5]
    with pytest.raises(ValueError, match="rows must hold at least one row"):
        vizdata.strip_rows({}, "t", "x")


def test_histograms_plain_and_grouped():
    rng = np.random.default_rng(0)
    columns = {"raw": rng.normal(size=50), "log": rng.normal(size=50)}
    fig = vizdata.histograms(columns, "t", ["a (m)", "b (m)"])
    assert [tr.type for tr in fig.data] == ["histogram"] * 2
    assert fig.layout.xaxis.title.text == "a (m)" and fig.layout.xaxis2.title.text == "b (m)"
    assert fig.layout.yaxis.title.text == "count (samples)"
    groups = np.repeat([0, 1], 25)
    fig = vizdata.histograms(columns, "t", ["a", "b"], groups=groups,
                             group_names={0: "no", 1: "yes"})
    assert len(fig.data) == 4
    assert [tr.name for tr in fig.data] == ["no", "yes", "no", "yes"]
    assert [tr.showlegend for tr in fig.data] == [True, True, False, False]
    np.testing.assert_array_equal(fig.data[1].x, columns["raw"][25:])
    assert fig.layout.barmode == "group"
    with pytest.raises(ValueError, match=r"x_titles must have one entry per column \(2\)"):
        vizdata.histograms(columns, "t", ["a"])
    with pytest.raises(ValueError, match="groups must have the shape of every column"):
        vizdata.histograms(columns, "t", ["a", "b"], groups=[0, 1])


def _panel(path, minimum=(0.0, 0.0)):
    x, y = np.linspace(-1, 1, 5), np.linspace(-2, 2, 7)
    z = x[None, :] ** 2 + y[:, None] ** 2
    return vizdata.ContourPanel(x, y, z, path, "p", "w1 (unitless)", "w2 (unitless)",
                                minimum)


def test_contour_paths_panels_share_levels():
    path = np.column_stack([np.linspace(1, 0, 1000), np.linspace(2, 0, 1000)])
    panels = [_panel(path), _panel(path[:10], minimum=None)]
    fig = vizdata.contour_paths(panels, "t", colorbar_title="loss")
    types = [tr.type for tr in fig.data]
    assert types == ["contour", "scatter", "scatter", "scatter", "contour", "scatter",
                     "scatter"]
    contours = [tr for tr in fig.data if tr.type == "contour"]
    assert all(c.coloraxis == "coloraxis" for c in contours)
    assert contours[0].contours.start == contours[1].contours.start == 0.0
    assert contours[0].contours.end == pytest.approx(5.0)
    # the long path is thinned but keeps its first and last point
    long_path = fig.data[1]
    assert len(long_path.x) <= 400
    assert (long_path.x[0], long_path.x[-1]) == (1.0, 0.0)
    assert len(fig.data[5].x) == 10
    assert fig.layout.xaxis.title.text == "w1 (unitless)"
    assert fig.layout.coloraxis.colorbar.title.text == "loss"


def test_contour_paths_equal_aspect_and_step_frames():
    long_path = np.column_stack([np.linspace(1, 0, 900), np.linspace(2, 0, 900)])
    short_path = long_path[::300]                          # 3 points: 2 steps
    fig = vizdata.contour_paths([_panel(long_path), _panel(short_path)], "t",
                                equal_aspect=True, frame_steps=[0, 1, 5, 899],
                                max_points=100)
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis2.scaleanchor == "x2"
    assert [f.name for f in fig.frames] == ["0", "1", "5", "899"]
    path_traces = [i for i, tr in enumerate(fig.data) if tr.name == "descent path"]
    assert all(list(f.traces) == path_traces for f in fig.frames)
    # after t steps a path shows t + 1 points (all of a shorter path)
    assert [len(f.data[0].x) for f in fig.frames[:3]] == [1, 2, 6]
    assert [len(f.data[1].x) for f in fig.frames[:3]] == [1, 2, 3]
    assert len(fig.frames[-1].data[0].x) <= 100            # thinned
    assert fig.layout.sliders[0].active == 3
    assert fig.layout.updatemenus[0].buttons[0].method == "animate"
    with pytest.raises(ValueError, match="frame_steps must be increasing"):
        vizdata.contour_paths([_panel(long_path)], "t", frame_steps=[5, 3])


def test_contour_paths_bad_input():
    with pytest.raises(ValueError, match="panels must hold at least one"):
        vizdata.contour_paths([], "t")
    with pytest.raises(ValueError, match=r"path must have shape \(steps, 2\)"):
        vizdata.contour_paths([_panel(np.zeros((4, 3)))], "t")


def test_distance_ratio_figure():
    dims = np.array([1, 10, 100])
    ratios = np.array([[100.0, 300.0, 200.0], [3.0, 4.0, 5.0], [1.2, 1.1, 1.3]])
    fig = vizdata.distance_ratio_figure(dims, ratios, "t")
    band, median = fig.data
    np.testing.assert_allclose(median.y, [200.0, 4.0, 1.2])
    np.testing.assert_allclose(band.y, [300.0, 5.0, 1.3, 1.1, 3.0, 100.0])
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"
    _titled(fig)
    with pytest.raises(ValueError, match=r"ratios must have one row per dimension \(3\)"):
        vizdata.distance_ratio_figure(dims, ratios[:2], "t")


def test_explained_variance():
    ratio = np.array([0.5, 0.3, 0.15, 0.05])
    fig = vizdata.explained_variance(ratio, "t")
    bars, total = fig.data
    assert bars.type == "bar" and total.type == "scatter"
    np.testing.assert_allclose(total.y, [0.5, 0.8, 0.95, 1.0])
    np.testing.assert_array_equal(bars.x, [1, 2, 3, 4])
    assert len(fig.layout.shapes) == 1 and fig.layout.shapes[0].y0 == 0.9
    _titled(fig)
    assert len(vizdata.explained_variance(ratio, "t", threshold=None).layout.shapes) == 0
    with pytest.raises(ValueError, match="ratio must be a non-empty 1-D array"):
        vizdata.explained_variance([], "t")


def test_scatter_by_label():
    Z = np.arange(20.0).reshape(10, 2)
    labels = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 9])
    fig = vizdata.scatter_by_label(Z, labels, "t", "z1 (unitless)", "z2 (unitless)")
    assert [tr.name for tr in fig.data] == ["0", "1", "2", "9"]
    np.testing.assert_array_equal(fig.data[0].x, Z[[0, 3, 6], 0])
    assert len({tr.marker.color for tr in fig.data}) == 4
    _titled(fig)
    with pytest.raises(ValueError, match="Z must have shape"):
        vizdata.scatter_by_label(Z, labels[:3], "t", "x", "y")
