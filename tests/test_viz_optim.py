"""Chapter 6: the learning-rate sweep figure."""

import numpy as np
import pytest

from nnlearn.viz import optim as vo
from nnlearn.viz.theme import SYMBOLS


def test_lr_sweep_marks_failed_runs_at_the_cap():
    lrs = np.array([1e-3, 1e-2, 1e-1, 1.0])
    fig = vo.lr_sweep(lrs, {"SGD": [0.9, 0.5, 0.3, np.inf], "Adam": [0.4, 0.2, 2.0, np.nan]},
                      title="s", y_title="loss", cap=0.8)
    # per optimizer: line, "diverged" markers, "no progress" markers; then two legend keys
    assert len(fig.data) == 8
    sgd_line, sgd_up, sgd_slow = fig.data[0], fig.data[1], fig.data[2]
    assert np.isnan(sgd_line.y[0]) and np.isnan(sgd_line.y[3]) and sgd_line.y[1] == 0.5
    np.testing.assert_allclose(sgd_up.x, [1.0])            # not finite: diverged
    np.testing.assert_allclose(sgd_slow.x, [1e-3])         # above the cap below the best rate
    np.testing.assert_allclose(sgd_slow.y, [0.8])
    np.testing.assert_allclose(fig.data[4].x, [1e-1, 1.0])  # Adam: 2.0 above its best rate, NaN
    assert len(fig.data[5].x) == 0
    assert [s.type for s in fig.layout.shapes] == ["line"]  # the dotted line at the cap
    assert fig.layout.shapes[0].y0 == fig.layout.shapes[0].y1 == 0.8
    assert fig.layout.xaxis.type == "log"
    assert fig.data[0].line.dash != fig.data[3].line.dash           # lines differ in greyscale
    with pytest.raises(ValueError, match="lrs"):
        vo.lr_sweep([0.0, 1.0], {"a": [1, 2]}, title="s", y_title="l", cap=1.0)
    with pytest.raises(ValueError, match="final_losses"):
        vo.lr_sweep(lrs, {}, title="s", y_title="l", cap=1.0)
    with pytest.raises(ValueError, match="final_losses"):
        vo.lr_sweep(lrs, {"a": [1, 2]}, title="s", y_title="l", cap=1.0)
    with pytest.raises(ValueError, match="cap"):
        vo.lr_sweep(lrs, {"a": lrs}, title="s", y_title="l", cap=0.0)


def test_lr_sweep_tells_the_two_failures_apart_without_colour():
    lrs = np.logspace(-3, 1, 5)
    fig = vo.lr_sweep(lrs, {"SGD": [0.9, 0.5, 0.3, 0.7, 3.0]}, title="s", y_title="l", cap=0.8)
    up, slow, key_up, key_slow = fig.data[1:]
    # too small and too large need opposite fixes: different shapes and names
    assert up.marker.symbol != slow.marker.symbol
    assert "diverged" in up.name and "no progress" in slow.name
    assert (key_up.name, key_slow.name) == tuple(vo.FAILURES)
    assert key_up.marker.color == key_slow.marker.color     # keys in one grey: shape only
    assert key_up.marker.symbol == up.marker.symbol and key_slow.marker.symbol == slow.marker.symbol
    assert not {up.marker.symbol, slow.marker.symbol} & set(SYMBOLS)   # no line's marker
    np.testing.assert_allclose(up.x, [10.0])
    np.testing.assert_allclose(slow.x, [1e-3])
    # no successful run: only the non-finite ones are known to have diverged
    fig = vo.lr_sweep(lrs[:2], {"a": [np.inf, 5.0]}, title="s", y_title="l", cap=0.8)
    np.testing.assert_allclose(fig.data[1].x, [1e-3])
    np.testing.assert_allclose(fig.data[2].x, [1e-2])
    with pytest.raises(TypeError, match="log_y must be True or False"):
        vo.lr_sweep(lrs, {"a": lrs}, title="s", y_title="l", cap=1.0, log_y="no")
