"""Which files are event files: TensorBoard's naming rule, kept apart from reading them so that
finding runs (the board's discovery, its command line) costs no numpy or protobuf import."""

from __future__ import annotations

import os

EVENT_FILE_INFIX = "tfevents"


def is_event_file(name: str) -> bool:
    """TensorBoard's rule: a file whose base name contains ``tfevents``."""
    return EVENT_FILE_INFIX in os.path.basename(name)


def event_files(run_dir: str | os.PathLike) -> list[str]:
    """The event files directly in ``run_dir``, in name (= creation time) order."""
    try:
        names = os.listdir(run_dir)
    except OSError:
        return []
    return [os.path.join(run_dir, n) for n in sorted(names)
            if is_event_file(n) and os.path.isfile(os.path.join(run_dir, n))]
