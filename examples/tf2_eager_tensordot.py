"""The seed's TF2 eager example: values exist as soon as an op runs, no Session needed.

    python examples/tf2_eager_tensordot.py [--logdir runs/tf2_eager_tensordot]

Prints 32.0 (1*4 + 2*5 + 3*6) and logs it as a scalar.
"""

from __future__ import annotations

import argparse

import numpy as np

import engine as tf


def main(logdir: str) -> float:
    # --- the seed's program ------------------------------------------------------------------------
    a = tf.constant(np.array([1., 2., 3.]))
    type(a)  # = engine.Tensor, holding a value (eager)

    b = tf.constant(np.array([4., 5., 6.]))
    type(b)

    c = tf.tensordot(a, b, 1)

    print(c.numpy())  # works!
    # ----------------------------------------------------------------------------------------------

    writer = tf.summary.create_file_writer(logdir)
    with writer.as_default():
        tf.summary.scalar("tensordot", float(c.numpy()), step=0)
    writer.close()
    return float(c.numpy())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logdir", default="runs/tf2_eager_tensordot")
    main(parser.parse_args().logdir)
