"""The real peers for tests/keras_api: tf_keras (Keras 2) and keras (Keras 3), imported plainly
(CI installs them; a parity test never skips)."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
