"""``tf.summary.experimental``: the default step and the pieces for writing custom summaries."""

from engine.summary.tf2 import get_step, set_step, summary_scope, write_raw_pb

__all__ = ["get_step", "set_step", "summary_scope", "write_raw_pb"]
