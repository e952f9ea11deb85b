"""Line charts: one style rule (colour, dash, symbol), train/validation convention, headers."""

import numpy as np
import pytest

from nnlearn.viz import layout, theme
from nnlearn.viz.lines import ROLE_DASH, curve_panels, curves, line_style, train_val_curves


def test_compared_lines_differ_by_dash_or_marker_not_only_by_colour():
    styles = [line_style(i) for i in range(6)]
    assert len({s["line"]["dash"] for s in styles}) == 6
    assert [s["line"]["color"] for s in styles] == [theme.color(i) for i in range(6)]
    runs = [line_style(i, "training") for i in range(4)]
    assert {s["line"]["dash"] for s in runs} == {"solid"}
    assert len({s["marker"]["symbol"] for s in runs}) == 4
    assert ROLE_DASH == {"training": "solid", "validation": "dash"}
    assert line_style(0, "validation")["line"]["dash"] == "dash"
    with pytest.raises(ValueError, match="role"):
        line_style(0, "test")


def test_curves_gaps_log_axes_and_thinning():
    t = np.arange(1, 2001, dtype=float)
    fig = curves({"gap": (t, 1 / t ** 2), "bound": (t, 1 / t), "loss": np.r_[0.0, 1 / t]},
                 log_x=True, log_y=True, max_points=100, title="t", x_title="step",
                 y_title="loss")
    assert [tr.name for tr in fig.data] == ["gap", "bound", "loss"]
    assert [tr.line.dash for tr in fig.data] == ["solid", "dash", "dot"]
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"
    gap = fig.data[0]
    assert len(gap.x) <= 102 and gap.x[0] == 1.0 and gap.x[-1] == 2000.0
    np.testing.assert_allclose(gap.y, 1 / np.asarray(gap.x) ** 2)
    assert np.isnan(fig.data[2].y[0])                  # step 0 cannot sit on a log axis
    x = np.arange(1, 101)
    lin = curves({"a": 1.0 / x, "b": np.where(x > 50, np.inf, 2.0 / x)}, x, title="c",
                 x_title="s", y_title="l", line_dash={"b": "dot"}, line_shape="hv")
    assert lin.data[1].line.dash == "dot" and np.isnan(lin.data[1].y[-1])
    assert lin.data[0].line.shape == "hv" and lin.layout.yaxis.type == "linear"
    assert lin.layout.title.text == "c" and lin.layout.xaxis.title.text == "s"


def test_curves_bad_input():
    with pytest.raises(TypeError, match="ys must be a mapping"):
        curves([1.0, 2.0], title="t", x_title="x", y_title="y")
    with pytest.raises(ValueError, match="line_dash names curves that do not exist"):
        curves({"a": [1.0, 2.0]}, line_dash={"b": "dot"}, title="t", x_title="x", y_title="y")
    with pytest.raises(ValueError, match="curve 'a' x must have 1 entries, got 2"):
        curves({"a": ([1.0, 2.0], [1.0])}, title="t", x_title="x", y_title="y")
    with pytest.raises(ValueError, match="line_shape"):
        curves({"a": [1.0]}, line_shape="x", title="t", x_title="x", y_title="y")


def test_train_val_curves_training_solid_validation_dashed_and_best_marker():
    train, val = np.linspace(1, 0, 5), np.array([1.0, 0.8, 0.7, 0.9, 1.1])
    fig = train_val_curves({"plain": (train, val), "short": ([1.0, 0.5], None)},
                           title="t", y_title="loss", best={"plain": 3})
    assert [t.name for t in fig.data] == ["plain: training", "plain: validation",
                                          "short: training", "plain: epoch 3"]
    np.testing.assert_array_equal(fig.data[1].x, [1, 2, 3, 4, 5])
    assert fig.data[3].y[0] == 0.7                      # marker sits on the val curve
    assert fig.data[0].line.dash == "solid" and fig.data[1].line.dash == "dash"
    assert fig.data[1].line.color == fig.data[0].line.color != fig.data[2].line.color
    assert fig.data[0].marker.symbol != fig.data[2].marker.symbol   # runs differ in greyscale
    assert train_val_curves({"a": ([1.0, 2.0], [1.0, 2.0])}, title="t", y_title="l",
                            log_y=True).layout.yaxis.type == "log"
    with pytest.raises(ValueError, match="runs must hold at least one entry"):
        train_val_curves({}, title="t", y_title="l")
    with pytest.raises(ValueError, match="runs"):
        train_val_curves({"a": [1.0, 2.0, 3.0]}, title="t", y_title="l")
    with pytest.raises(ValueError, match="best"):
        train_val_curves({"a": ([1.0], None)}, title="t", y_title="l", best={"a": 1})
    with pytest.raises(ValueError, match="best"):
        train_val_curves({"a": ([1.0], [1.0])}, title="t", y_title="l", best={"a": 2})


def test_title_and_legend_rows_do_not_overlap():
    short = curves({"a": [1.0, 2.0], "b": [2.0, 1.0]}, title="t", x_title="x", y_title="y")
    many = curves({f"a rather long curve name {i}": [1.0, 2.0] for i in range(6)},
                  title="t", x_title="x", y_title="y")
    assert layout._legend_rows(["a", "b"]) == 1
    assert layout._legend_rows([f"a rather long curve name {i}" for i in range(6)]) >= 3
    assert many.layout.margin.t > short.layout.margin.t
    for fig in (short, many):
        assert fig.layout.title.yref == "container" and fig.layout.legend.yref == "container"
        legend_top_px = (1 - fig.layout.legend.y) * fig.layout.height
        assert 30 <= legend_top_px < fig.layout.margin.t


def test_subsample_and_sizes_are_bounded():
    kept = layout.subsample(1000, 50)
    assert len(kept) <= 52 and kept[0] == 0 and kept[-1] == 999 and np.all(np.diff(kept) > 0)
    early = layout.subsample(1000, 50, log=True)
    assert list(early[:5]) == [0, 1, 2, 3, 4]
    assert list(layout.subsample(10, 50)) == list(range(10))
    with pytest.raises(ValueError, match="max_points must be >= 2"):
        layout.subsample(1000, 1)
    with pytest.raises(ValueError, match="k must be <= "):
        layout.check_figure_size(10**30, "k")
    assert theme.color(10) == theme.color(0) != theme.color(8) and theme.dash(0) == "solid"


def test_curve_panels_keep_a_name_s_style_in_every_panel():
    r = np.linspace(-2, 2, 41)
    fig = curve_panels({"loss": {"MSE": r ** 2, "MAE": np.abs(r)},
                        "derivative": {"MSE": 2 * r, "MAE": np.sign(r)}}, r, title="t",
                       x_title="r", y_titles=["loss", "dℓ/dŷ"])
    assert [t.name for t in fig.data] == ["MSE", "MAE", "MSE", "MAE"]
    assert [t.showlegend for t in fig.data] == [True, True, False, False]
    assert fig.data[0].line.color == fig.data[2].line.color != fig.data[1].line.color
    assert fig.data[0].line.dash == fig.data[2].line.dash != fig.data[1].line.dash
    assert [t.xaxis for t in fig.data] == ["x", "x", "x2", "x2"]
    assert fig.layout.yaxis2.title.text == "dℓ/dŷ" and fig.layout.xaxis.title.text == "r"
    log = curve_panels({"a": {"p": (r, r ** 2)}}, title="t", x_title="r", y_titles=["y"],
                       log_y=["a"])
    assert log.layout.yaxis.type == "log" and np.isnan(log.data[0].y[20])   # 0 on a log axis
    with pytest.raises(ValueError, match="y_titles must have 1 entries, got 0"):
        curve_panels({"a": {"p": r}}, title="t", x_title="r", y_titles=[])
    with pytest.raises(ValueError, match="curve 'p'"):
        curve_panels({"a": {"p": r}, "b": {"p": r[:3]}}, r, title="t", x_title="r",
                     y_titles=["", ""])
