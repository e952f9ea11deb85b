"""Waveforms, sampling and quantization of nnlearn.signals."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlearn.signals import quantize, sample_times, sine_mixture


def test_sine_mixture_known_values():
    t = np.array([0.0, 1 / 8, 1 / 4, 1 / 2])
    # 3 sin(2 pi t) + 0.5 sin(2 pi 4 t): at t = 1/8 the second term is sin(pi) = 0
    x = sine_mixture(t, [1.0, 4.0], [3.0, 0.5])
    np.testing.assert_allclose(x, [0.0, 3 * math.sqrt(0.5), 3.0, 0.0], atol=1e-12)
    x = sine_mixture(t, [2.0], [1.0])
    np.testing.assert_allclose(x, [0.0, 1.0, 0.0, 0.0], atol=1e-12)


def test_sine_mixture_is_a_sum_and_keeps_shape_and_dtype():
    t = np.linspace(0, 1, 12, dtype=np.float32).reshape(3, 4)
    both = sine_mixture(t, [2.0, 5.0], [1.0, -0.3])
    assert both.shape == (3, 4) and both.dtype == np.float32
    parts = sine_mixture(t, [2.0], [1.0]) + sine_mixture(t, [5.0], [-0.3])
    np.testing.assert_allclose(both, parts, atol=1e-6)
    assert sine_mixture(np.arange(3), [1.0], [1.0]).dtype == np.float64


def test_sine_mixture_bad_input():
    with pytest.raises(ValueError, match="frequencies and amplitudes must be non-empty and "
                                         r"of the same length, got shapes \(2,\) and \(1,\)"):
        sine_mixture([0.0], [1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="frequencies must be >= 0"):
        sine_mixture([0.0], [-1.0], [1.0])
    with pytest.raises(ValueError, match="t contains NaN"):
        sine_mixture([np.nan], [1.0], [1.0])
    with pytest.raises(ValueError, match="frequencies must be 1-dimensional"):
        sine_mixture([0.0], 1.0, [1.0])


def test_sample_times():
    np.testing.assert_allclose(sample_times(0.5, 8), [0, 0.125, 0.25, 0.375])
    assert sample_times(0.2, 60).shape == (12,)          # 0.2 * 60 = 12.000000000000002
    assert sample_times(0.7, 10).shape == (7,)           # 0.7 * 10 = 7.000000000000001
    assert sample_times(0.25, 10).shape == (3,)          # t = 0, 0.1, 0.2 < 0.25
    t = sample_times(1.0, 44_100)
    assert t.shape == (44_100,) and t[-1] < 1.0
    np.testing.assert_allclose(np.diff(t), 1 / 44_100)


def test_sample_times_bad_input():
    with pytest.raises(ValueError, match="duration must be > 0"):
        sample_times(0.0, 10)
    with pytest.raises(ValueError, match="sample_rate must be > 0"):
        sample_times(1.0, -5)
    with pytest.raises(ValueError, match="at least one sample"):
        sample_times(1e-12, 10)


def test_quantize_known_levels():
    codes, values = quantize([-1.0, 1.0, 0.2], n_bits=1)
    np.testing.assert_array_equal(codes, [0, 1, 1])
    np.testing.assert_array_equal(values, [-1.0, 1.0, 1.0])
    # 3 bits on [0, 7]: the levels are the integers, so codes = rounded values
    x = np.array([0.0, 0.4, 0.6, 2.5, 3.5, 6.9, 7.0])
    codes, values = quantize(x, n_bits=3, low=0.0, high=7.0)
    np.testing.assert_array_equal(codes, [0, 0, 1, 2, 4, 7, 7])   # halves to even
    np.testing.assert_array_equal(values, codes.astype(float))
    assert codes.dtype == np.int64


def test_quantize_clips_out_of_range():
    codes, values = quantize([-3.0, 5.0], n_bits=4, low=-1.0, high=2.0)
    np.testing.assert_array_equal(codes, [0, 15])
    np.testing.assert_array_equal(values, [-1.0, 2.0])


def test_quantize_keeps_float32_and_shape():
    x = np.linspace(-1, 1, 10, dtype=np.float32).reshape(2, 5)
    codes, values = quantize(x, 8)
    assert values.dtype == np.float32 and values.shape == (2, 5) and codes.shape == (2, 5)


@settings(max_examples=60, deadline=None)
@given(x=arrays(np.float64, st.integers(1, 30), elements=st.floats(-1, 1)),
       n_bits=st.integers(1, 16))
def test_quantize_error_at_most_half_a_step(x, n_bits):
    codes, values = quantize(x, n_bits)
    step = 2.0 / (2 ** n_bits - 1)
    assert np.all(np.abs(values - x) <= step / 2 * (1 + 1e-9))
    assert codes.min() >= 0 and codes.max() < 2 ** n_bits
    # quantizing twice changes nothing, and larger inputs never get smaller codes
    again, _ = quantize(values, n_bits)
    np.testing.assert_array_equal(again, codes)
    order = np.argsort(x, kind="stable")
    assert np.all(np.diff(codes[order]) >= 0)


def test_quantize_bad_input():
    with pytest.raises(ValueError, match="n_bits must be >= 1"):
        quantize([0.0], 0)
    with pytest.raises(ValueError, match="n_bits must be <= 24"):
        quantize([0.0], 40)
    with pytest.raises(TypeError, match="n_bits must be an integer"):
        quantize([0.0], 2.5)
    with pytest.raises(ValueError, match="low must be < high, got low=1.0 and high=1.0"):
        quantize([0.0], 2, low=1.0, high=1.0)
    with pytest.raises(ValueError, match="x contains NaN"):
        quantize([np.nan], 2)
