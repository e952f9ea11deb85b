"""Chapter 6: the learning-rate sweep figure."""

import numpy as np
import pytest

from nnlearn.viz import optim as vo


def test_lr_sweep_marks_failed_runs_at_the_cap():
    lrs = np.array([1e-3, 1e-2, 1e-1, 1.0])
    fig = vo.lr_sweep(lrs, {"SGD": [0.9, 0.5, 0.3, np.inf], "Adam": [0.4, 0.2, 2.0, np.nan]},
                      title="s", y_title="loss", cap=0.8)
    assert len(fig.data) == 5                            # line + crosses per optimizer, cap
    sgd_line, sgd_fail = fig.data[0], fig.data[1]
    assert np.isnan(sgd_line.y[0]) and np.isnan(sgd_line.y[3]) and sgd_line.y[1] == 0.5
    np.testing.assert_allclose(sgd_fail.x, [1e-3, 1.0])
    np.testing.assert_allclose(sgd_fail.y, [0.8, 0.8])
    np.testing.assert_allclose(fig.data[3].x, [1e-1, 1.0])
    assert fig.layout.xaxis.type == "log"
    assert fig.data[0].line.dash != fig.data[2].line.dash           # lines differ in greyscale
    with pytest.raises(ValueError, match="lrs"):
        vo.lr_sweep([0.0, 1.0], {"a": [1, 2]}, title="s", y_title="l", cap=1.0)
    with pytest.raises(ValueError, match="final_losses"):
        vo.lr_sweep(lrs, {}, title="s", y_title="l", cap=1.0)
    with pytest.raises(ValueError, match="final_losses"):
        vo.lr_sweep(lrs, {"a": [1, 2]}, title="s", y_title="l", cap=1.0)
    with pytest.raises(ValueError, match="cap"):
        vo.lr_sweep(lrs, {"a": lrs}, title="s", y_title="l", cap=0.0)
