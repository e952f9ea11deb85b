"""Tests for nnlearn.viz.regularization: traces, frames, data and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from nnlearn.diagnostics import layer_statistics
from nnlearn.network import MLP
from nnlearn.viz import regularization as vr


def test_weight_histograms_counts_every_weight_once():
    rng = np.random.default_rng(0)
    w = {"dense": [rng.normal(size=(10, 5)), rng.normal(size=7)],
         "sparse": np.r_[np.zeros(40), rng.normal(size=17)]}
    fig = vr.weight_histograms(w, bins=21, title="t")
    assert len(fig.data) == 2
    assert sum(fig.data[0].y) == 57 and sum(fig.data[1].y) == 57
    centre = int(np.argmin(np.abs(fig.data[1].x)))
    assert fig.data[1].y[centre] >= 40                  # the zeros land in the middle bin
    assert "57 weights" in fig.data[0].name
    log = vr.weight_histograms(w, bins=21, value_range=(-5, 5), log_y=True, title="t")
    y = np.asarray(log.data[1].y, dtype=float)
    assert log.layout.yaxis.type == "log" and np.all(y > 0)
    assert np.any(y == 0.01) and 10 ** log.layout.yaxis.range[0] > 0.01   # empty bins hidden


def test_weight_histograms_bad_input():
    with pytest.raises(ValueError, match="bins"):
        vr.weight_histograms({"a": np.ones(3)}, bins=1, title="t")
    with pytest.raises(ValueError, match="value_range"):
        vr.weight_histograms({"a": np.ones(3)}, value_range=(1, -1), title="t")
    with pytest.raises(ValueError, match="weights"):
        vr.weight_histograms({"a": np.ones(0)}, title="t")


def test_layer_statistics_figure():
    X = np.random.default_rng(0).normal(size=(20, 6))
    stats = {name: layer_statistics(MLP([6] * 5, activation="tanh", init=name, rng=1), X,
                                    rng=2) for name in ("xavier", "he")}
    fig = vr.layer_statistics_figure(stats, title="t")
    assert len(fig.data) == 4
    np.testing.assert_array_equal(fig.data[0].x, [1, 2, 3])        # hidden layers only
    np.testing.assert_array_equal(fig.data[2].x, [1, 2, 3, 4])     # deltas of all layers
    assert fig.data[0].line.color == fig.data[2].line.color != fig.data[1].line.color
    assert fig.data[0].line.dash != fig.data[1].line.dash           # runs differ in greyscale
    assert [t.showlegend for t in fig.data] == [True, True, False, False]
    np.testing.assert_allclose(fig.data[3].y, stats["he"]["delta_std"])
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis2.type == "log"
    zero = dict(stats["he"], delta_std=np.array([0.0, 1.0, 1.0, 1.0]))
    assert np.isnan(vr.layer_statistics_figure({"z": zero}, title="t").data[1].y[0])
    with pytest.raises(ValueError, match="stats"):
        vr.layer_statistics_figure({"bad": {"layer": [1]}}, title="t")


def test_activation_histograms_frames_and_fractions():
    rng = np.random.default_rng(0)
    acts = {"a": [rng.uniform(-1, 1, (10, 4)) for _ in range(3)],
            "b": [np.full((5, 2), 3.0), np.zeros((5, 2)), np.zeros((5, 2))]}
    fig = vr.activation_histograms(acts, bins=10, title="t")
    assert len(fig.data) == 2 and len(fig.frames) == 3
    assert [f.name for f in fig.frames] == ["1", "2", "3"]
    assert len(fig.layout.sliders[0].steps) == 3 and fig.layout.updatemenus
    assert sum(fig.frames[0].data[0].y) == pytest.approx(1.0)
    assert fig.data[1].y[-1] == 1.0                     # 3.0 is clipped into the last bin
    assert list(fig.frames[1].traces) == [0, 1]


def test_activation_histograms_bad_input():
    with pytest.raises(ValueError, match="activations"):
        vr.activation_histograms({"a": [np.ones(2)], "b": [np.ones(2)] * 2}, title="t")
    with pytest.raises(ValueError, match="value_range"):
        vr.activation_histograms({"a": [np.ones(2)]}, value_range=(0, 0), title="t")
    with pytest.raises(TypeError, match="activations"):
        vr.activation_histograms([np.ones(2)], title="t")
