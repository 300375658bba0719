"""``tf.compat.v1.train.summary_iterator(path)``: the Event protos of one event file, in order."""

from __future__ import annotations

import os

from tfevents.reader import read_events


def summary_iterator(path):
    """Yield each ``Event`` of the file at ``path`` (``event.summary.value[0].simple_value``...)."""
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}; No such file or directory")
    yield from read_events(path)
