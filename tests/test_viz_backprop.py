"""Tests for nnlearn.viz.backprop: the figures of the backpropagation chapter."""

from __future__ import annotations

import numpy as np
import pytest

from nnlearn import backprop, datasets, gradcheck, optimizers, training
from nnlearn.network import MLP
from nnlearn.viz import backprop as vb
from nnlearn.viz import figure_json
from nnlearn.viz.network import NEGATIVE_COLOR, POSITIVE_COLOR, n_edge_traces, network_layout


def test_circuit_figure_draws_every_edge_with_value_and_gradient():
    values, grads, edge_grads = backprop.neuron_circuit(0.8, 1.5, -0.3, 0.5, 0.1)
    fig = vb.circuit_figure(values, grads, edge_grads, title="t")
    n_edges = len(backprop.CIRCUIT_EDGES)
    edges, forward, _, backward, _, nodes = fig.data
    assert len(edges.x) == 4 * n_edges - 1                 # tail, middle, tip, gap per edge
    assert [t.name for t in fig.data if t.showlegend is not False] == [
        "forward value", "gradient ∂L̃/∂(edge input)"]
    i = list(backprop.CIRCUIT_EDGES).index(("w", "w2"))
    assert backward.text[i] == f"{edge_grads[('w', 'w2')]:.3g}"
    assert forward.text[i] == f"{values['w']:.3g}"
    midpoint = np.add(vb.CIRCUIT_POSITIONS["w"], vb.CIRCUIT_POSITIONS["w2"]) / 2
    np.testing.assert_allclose([forward.x[i], forward.y[i] - 0.17], midpoint)
    assert backward.y[i] < midpoint[1] < forward.y[i]      # value above, gradient below
    names = [a.text for a in fig.layout.annotations]               # inner node names
    inner = ("wx", "z", "a", "r", "ℓ", "w²", "R", "L̃")
    assert sorted(names) == sorted(f"<i>{n}</i>" for n in inner)
    assert "α" in nodes.text and any("∂L̃/∂w² = " in h for h in nodes.hovertext)
    assert len(nodes.x) == len(vb.CIRCUIT_POSITIONS) == 13
    assert fig.layout.title.text


def test_circuit_figure_rejects_missing_entries():
    values, grads, edge_grads = backprop.neuron_circuit(0.8, 1.5, -0.3, 0.5, 0.1)
    del values["w2"]
    with pytest.raises(ValueError, match="values"):
        vb.circuit_figure(values, grads, edge_grads, title="t")
    values["w2"] = grads["w2"]
    with pytest.raises(TypeError, match="grads"):
        vb.circuit_figure(values, [], edge_grads, title="t")


def test_gradcheck_figure_marks_cells_above_threshold():
    results = {"correct": {"W1": 1e-10, "b1": 2e-11},
               "broken": {"W1": 0.5, "b1": 1e-9}}
    fig = vb.gradcheck_figure(results, threshold=1e-6, title="t")
    heat, legend = fig.data
    np.testing.assert_allclose(heat.z, np.log10([[1e-10, 2e-11], [0.5, 1e-9]]))
    np.testing.assert_array_equal(heat.text, [["1e-10", "2e-11"], ["0.50", "1e-09"]])
    frames = fig.layout.shapes
    assert len(frames) == 1                                  # only (broken, W1) is framed
    assert (frames[0].x0 + frames[0].x1) / 2 == 0 and (frames[0].y0 + frames[0].y1) / 2 == 1
    assert legend.name == "relative error > 1e-6: flagged"
    strict = vb.gradcheck_figure(results, threshold=gradcheck.RIGHT_BELOW, title="t")
    assert strict.data[1].name == "relative error > 1e-7: not clearly right"
    default = vb.gradcheck_figure(results, title="t")       # chapter 5's bug threshold
    assert default.data[1].name == "relative error > 1e-4: a bug"
    assert len(default.layout.shapes) == 1
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    with pytest.raises(ValueError, match="results"):
        vb.gradcheck_figure({"a": {"W1": 1.0}, "b": {"b1": 1.0}}, title="t")
    with pytest.raises(ValueError, match="threshold"):
        vb.gradcheck_figure(results, threshold=0.0, title="t")


@pytest.fixture(scope="module")
def trained():
    X, y = datasets.xor(n_per_cluster=5, rng=0)
    model = MLP([2, 3, 2], activation="tanh", output="softmax", rng=0)
    rec = backprop.WeightRecorder(every=2)
    rec.record(0, model, 0.7)
    hist = training.fit(model, "cross_entropy", optimizers.SGD(model.params, 0.5), X, y,
                        epochs=6, batch_size=20, rng=0, verbose=False, callback=rec)
    return rec, hist


def test_training_animation_frames_change_only_edges_and_marker(trained):
    rec, hist = trained
    fig = vb.training_animation(rec, [2, 3, 2], loss_curve=hist.loss, title="t")
    n_edges = n_edge_traces(network_layout([2, 3, 2]), per_edge=True)
    assert n_edges == 3 * 3 + 2 * 4
    assert len(fig.frames) == len(rec) == 4
    marker = len(fig.data) - 1
    for frame, epoch, loss, Ws, bs in zip(fig.frames, rec.epochs, rec.losses, rec.weights,
                                          rec.biases, strict=True):
        assert frame.name == str(epoch)
        assert list(frame.traces) == list(range(n_edges)) + [marker]
        edges = frame.data[:n_edges]
        assert all(e.x is None and e.y is None for e in edges)    # geometry never resent
        values = np.concatenate([np.concatenate([W.ravel(), b]) for W, b in zip(Ws, bs,
                                                                                strict=True)])
        colors = [POSITIVE_COLOR if v >= 0 else NEGATIVE_COLOR for v in values]
        assert [e.line.color for e in edges] == colors
        widths = np.array([e.line.width for e in edges])
        order = np.argsort(np.abs(values))
        assert np.all(np.diff(widths[order]) >= -0.011)           # width grows with |w|
        assert frame.data[-1].x == (epoch,) and frame.data[-1].y[0] == pytest.approx(loss)
    assert fig.layout.updatemenus[0].buttons[0].method == "animate"
    assert len(fig.layout.sliders[0].steps) == 4
    assert fig.layout.xaxis2.title.text == "epoch" and fig.layout.yaxis2.title.text
    low, high = fig.layout.xaxis2.range
    assert low < 0 and high > 6                                   # markers not clipped
    figure_json(fig)                                              # serializable


def test_training_animation_rejects_bad_input(trained):
    rec, _ = trained
    with pytest.raises(TypeError, match="recorder"):
        vb.training_animation([], [2, 3, 2], title="t")
    with pytest.raises(ValueError, match="recorder"):
        vb.training_animation(backprop.WeightRecorder(), [2, 3, 2], title="t")
    with pytest.raises(ValueError, match="weights"):
        vb.training_animation(rec, [2, 4, 2], title="t")
