"""``TextLineDataset``: the lines of text files as bytes scalars, read a line at a time."""

from __future__ import annotations

import numpy as np

from engine.data import structure
from engine.data.base import Dataset
from engine.errors import NotFoundError
from engine.framework import dtypes
from engine.framework.function import TensorSpec


class TextLineDataset(Dataset):
    """Each line of ``filenames`` (one or a list), without its line ending; ``skip(1)`` drops a
    CSV header as in TensorFlow's guides."""

    _tf_name = "_TextLineDataset"

    def __init__(
        self, filenames, compression_type=None, buffer_size=None, num_parallel_reads=None, name=None
    ):
        if isinstance(filenames, Dataset):
            self._files = filenames
        else:
            names = structure.as_array(filenames).reshape(-1)
            self._files = [n.decode() if isinstance(n, bytes) else str(n) for n in names]

    def _spec(self):
        return TensorSpec([], dtypes.string)

    def _filenames(self):
        if isinstance(self._files, Dataset):
            for name in self._files._elements():
                yield name[()].decode()
        else:
            yield from self._files

    def _elements(self):
        for name in self._filenames():
            try:
                f = open(name, "rb")  # noqa: SIM115 - closed below, the generator may stop early
            except FileNotFoundError:
                raise NotFoundError(None, None, f"{name}; No such file or directory") from None
            with f:
                for line in f:
                    yield np.asarray(line.rstrip(b"\r\n"), dtype=object)
