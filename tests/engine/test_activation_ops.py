"""The one activation table keeps each form's precision where its users rely on it."""
import numpy as np

import engine as tf
from engine.ops import activation_ops


def test_sigmoid_keeps_its_tails_so_its_log_stays_finite():
    x = np.array([-800.0, -40.0, -5.0, 0.0, 5.0, 40.0, 800.0])
    exact = np.array([0.0, 4.248354255291589e-18, 1 / (1 + np.exp(5.0)), 0.5,
                      1 / (1 + np.exp(-5.0)), 1.0, 1.0])
    got = tf.nn.sigmoid(tf.constant(x)).numpy()
    np.testing.assert_allclose(got, exact, rtol=1e-14, atol=0)
    assert np.isfinite(np.log(tf.nn.sigmoid(tf.constant(np.float32(-40.0))).numpy()))


def test_sigmoid_keeps_dtype_and_writes_into_out():
    x = np.linspace(-9, 9, 13, dtype=np.float32)
    assert activation_ops.sigmoid(x).dtype == np.float32
    out = np.empty_like(x)
    assert activation_ops.sigmoid(x, out=out) is out
    np.testing.assert_allclose(out, activation_ops.gate_sigmoid(x), atol=1e-6)
