"""Heat maps and image galleries."""

import numpy as np
import pytest

from nnlearn.viz.heatmap import heatmap, image_gallery


def test_heatmap_values_labels_text_and_outline():
    values = np.arange(6.0).reshape(2, 3)
    fig = heatmap(values, title="t", x_title="columns (index)", y_title="rows (index)",
                  x_labels=["a", "b", "c"], y_labels=["r1", "r2"], text=".1f", square=True,
                  outline=[(1, 2)], outline_name="framed")
    trace = fig.data[0]
    assert trace.type == "heatmap" and trace.texttemplate == "%{z:.1f}"
    np.testing.assert_array_equal(trace.z, values)
    assert list(trace.x) == ["a", "b", "c"] and list(trace.y) == ["r1", "r2"]
    assert fig.layout.yaxis.autorange == "reversed"        # row 0 on top
    assert fig.layout.yaxis.scaleanchor == "x"
    rect = fig.layout.shapes[0]
    assert (rect.x0 + rect.x1) / 2 == 2 and (rect.y0 + rect.y1) / 2 == 1
    assert fig.data[1].name == "framed"
    assert fig.layout.title.text == "t" and fig.layout.xaxis.title.text == "columns (index)"
    cells = heatmap(values, title="t", x_title="x", y_title="y", text=[["p"] * 3] * 2)
    assert cells.data[0].texttemplate == "%{text}" and cells.data[0].text[1][2] == "p"
    assert heatmap(values, title="t", x_title="x", y_title="y").data[0].texttemplate is None


def test_heatmap_bad_input():
    with pytest.raises(ValueError, match="values must be a non-empty 2-D array"):
        heatmap(np.ones(3), title="t", x_title="x", y_title="y")
    with pytest.raises(ValueError, match="x_labels must have 3 entries, got 2"):
        heatmap(np.ones((2, 3)), title="t", x_title="x", y_title="y", x_labels=["a", "b"])


def test_image_gallery():
    images = np.arange(5 * 8 * 8, dtype=float).reshape(5, 8, 8)
    fig = image_gallery(images, [f"img {i}" for i in range(5)], n_cols=3, title="t")
    assert len(fig.data) == 5 and all(t.type == "heatmap" for t in fig.data)
    assert [a.text for a in fig.layout.annotations] == [f"img {i}" for i in range(5)]
    assert fig.layout.coloraxis.cmin == 0 and fig.layout.coloraxis.cmax == images.max()
    np.testing.assert_array_equal(fig.data[4].z, images[4])
    assert fig.layout.yaxis5.scaleanchor == "x5"             # square pixels
    with pytest.raises(ValueError, match="captions"):
        image_gallery(images, ["x"], title="t")
    with pytest.raises(ValueError, match="images"):
        image_gallery(np.ones((8, 8)), ["x"], title="t")
    with pytest.raises(ValueError, match="n_cols"):
        image_gallery(images, list("abcde"), n_cols=0, title="t")
