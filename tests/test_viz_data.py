"""Figure builders of nnlearn.viz.data: traces, titles and bad input."""

import numpy as np
import pytest

from nnlearn.viz import data as vizdata


def _titled(fig):
    assert fig.layout.title.text
    for axis in ("xaxis", "yaxis"):
        assert fig.layout[axis].title.text, f"{axis} has no title"


def test_sampled_waveform_traces_and_slider():
    t = np.linspace(0, 1, 50)
    x = np.sin(2 * np.pi * t)
    t_n = np.linspace(0, 1, 8, endpoint=False)
    stored = {1: np.sign(np.sin(2 * np.pi * t_n)), 3: np.round(np.sin(2 * np.pi * t_n), 1)}
    fig = vizdata.sampled_waveform(t, x, t_n, stored, title="t", shown_bits=3)
    assert [tr.type for tr in fig.data] == ["scatter"] * 3
    assert fig.data[2].line.shape == "hv"
    # the step trace holds the last sample one more period
    assert len(fig.data[2].x) == len(t_n) + 1
    np.testing.assert_allclose(fig.data[2].y[:-1], stored[3])
    assert [f.name for f in fig.frames] == ["1", "3"]
    assert all(list(f.traces) == [2] for f in fig.frames)
    assert fig.layout.sliders[0].active == 1
    assert fig.layout.title.text == "t"
    single = vizdata.sampled_waveform(t, x, t_n, {2: stored[3]}, title="t")
    assert len(single.frames) == 0 and not single.layout.sliders


def test_sampled_waveform_bad_input():
    t, t_n = np.linspace(0, 1, 5), np.linspace(0, 1, 3)
    with pytest.raises(ValueError, match=r"quantized\[2\] must have 3 entries"):
        vizdata.sampled_waveform(t, t, t_n, {2: np.zeros(4)}, title="t")
    with pytest.raises(ValueError, match="shown_bits must be one of"):
        vizdata.sampled_waveform(t, t, t_n, {2: np.zeros(3)}, title="t", shown_bits=5)
    with pytest.raises(ValueError, match="x must have 5 entries"):
        vizdata.sampled_waveform(t, t[:4], t_n, {2: np.zeros(3)}, title="t")


def test_strip_rows_one_box_per_strip():
    rows = {"a": {"s1": np.arange(5.0), "s2": np.ones(4)}, "b": {"s1": np.zeros(3)}}
    fig = vizdata.strip_rows(rows, title="t", x_title="value (unitless)", x_range=(-1, 5))
    assert [tr.type for tr in fig.data] == ["box"] * 3
    assert [tr.name for tr in fig.data] == ["s1", "s2", "s1"]
    assert fig.data[2].xaxis == "x2"                       # second row
    assert fig.layout.xaxis2.title.text == "value (unitless)"
    assert list(fig.layout.xaxis.range) == [-1, 5]
    with pytest.raises(ValueError, match="rows must hold at least one entry"):
        vizdata.strip_rows({}, title="t", x_title="x")


def test_histograms_plain_and_grouped():
    rng = np.random.default_rng(0)
    columns = {"raw": rng.normal(size=50), "log": rng.normal(size=50)}
    fig = vizdata.histograms(columns, title="t", x_titles=["a (m)", "b (m)"])
    assert [tr.type for tr in fig.data] == ["histogram"] * 2
    assert fig.layout.xaxis.title.text == "a (m)" and fig.layout.xaxis2.title.text == "b (m)"
    assert fig.layout.yaxis.title.text == "count (samples)"
    groups = np.repeat([0, 1], 25)
    fig = vizdata.histograms(columns, title="t", x_titles=["a", "b"], groups=groups,
                             group_names={0: "no", 1: "yes"})
    assert len(fig.data) == 4
    assert [tr.name for tr in fig.data] == ["no", "yes", "no", "yes"]
    assert [tr.showlegend for tr in fig.data] == [True, True, False, False]
    np.testing.assert_array_equal(fig.data[1].x, columns["raw"][25:])
    assert fig.layout.barmode == "group"
    with pytest.raises(ValueError, match=r"x_titles must have 2 entries"):
        vizdata.histograms(columns, title="t", x_titles=["a"])
    with pytest.raises(ValueError, match="groups must have 50 entries"):
        vizdata.histograms(columns, title="t", x_titles=["a", "b"], groups=[0, 1])


def test_distance_ratio_figure():
    dims = np.array([1, 10, 100])
    ratios = np.array([[100.0, 300.0, 200.0], [3.0, 4.0, 5.0], [1.2, 1.1, 1.3]])
    fig = vizdata.distance_ratio_figure(dims, ratios, title="t")
    band, median = fig.data
    np.testing.assert_allclose(median.y, [200.0, 4.0, 1.2])
    np.testing.assert_allclose(band.y, [300.0, 5.0, 1.3, 1.1, 3.0, 100.0])
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"
    _titled(fig)
    with pytest.raises(ValueError, match=r"ratios must have one row per dimension \(3\)"):
        vizdata.distance_ratio_figure(dims, ratios[:2], title="t")


def test_explained_variance():
    ratio = np.array([0.5, 0.3, 0.15, 0.05])
    fig = vizdata.explained_variance(ratio, title="t")
    bars, total = fig.data
    assert bars.type == "bar" and total.type == "scatter"
    np.testing.assert_allclose(total.y, [0.5, 0.8, 0.95, 1.0])
    np.testing.assert_array_equal(bars.x, [1, 2, 3, 4])
    assert len(fig.layout.shapes) == 1 and fig.layout.shapes[0].y0 == 0.9
    _titled(fig)
    assert len(vizdata.explained_variance(ratio, title="t", threshold=None).layout.shapes) == 0
    with pytest.raises(ValueError, match="ratio must hold at least one"):
        vizdata.explained_variance([], title="t")


def test_scatter_by_label():
    Z = np.arange(20.0).reshape(10, 2)
    labels = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 9])
    fig = vizdata.scatter_by_label(Z, labels, title="t", x_title="z1 (unitless)",
                                   y_title="z2 (unitless)")
    assert [tr.name for tr in fig.data] == ["0", "1", "2", "9"]
    np.testing.assert_array_equal(fig.data[0].x, Z[[0, 3, 6], 0])
    assert len({tr.marker.color for tr in fig.data}) == 4
    _titled(fig)
    with pytest.raises(ValueError, match="Z must have shape"):
        vizdata.scatter_by_label(Z, labels[:3], title="t", x_title="x", y_title="y")
