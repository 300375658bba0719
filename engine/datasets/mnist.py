"""MNIST from files already on disk: Keras's ``mnist.npz`` or the four original IDX files
(optionally gzipped). Nothing is downloaded; a missing file says what to put where."""

from __future__ import annotations

import gzip
import os
import pathlib

import numpy as np

IDX_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}


def load_data(path="mnist.npz"):
    """``(x_train, y_train), (x_test, y_test)`` as uint8 arrays ((n, 28, 28) images, (n,) labels).

    ``path`` is a Keras ``mnist.npz`` file, or a directory holding either that file or the IDX
    files ``train-images-idx3-ubyte`` etc. (each may end in ``.gz``)."""
    path = pathlib.Path(os.path.expanduser(str(path)))
    if path.is_dir() and (path / "mnist.npz").is_file():
        path = path / "mnist.npz"
    if path.is_file():
        with np.load(path) as data:
            return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])
    if path.is_dir():
        arrays = {key: _read_idx(_find(path, name)) for key, name in IDX_FILES.items()}
        return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
    raise FileNotFoundError(
        f"no MNIST data at {str(path)!r}: this engine never downloads. Put Keras's mnist.npz there, or "
        f"point path= at a directory with {', '.join(IDX_FILES.values())} (optionally .gz). For a dataset "
        f"that ships with the package, use engine.datasets.digits.load_data()."
    )


def _find(directory: pathlib.Path, name: str) -> pathlib.Path:
    for candidate in (directory / name, directory / (name + ".gz"), directory / name.replace("-idx", ".idx")):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"MNIST file {name!r} (or {name}.gz) is missing from {str(directory)!r}")


def _read_idx(path: pathlib.Path) -> np.ndarray:
    """An IDX file: magic (0, 0, type 0x08 = uint8, ndim), big-endian uint32 sizes, then data."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f"{str(path)!r} is not an IDX file of unsigned bytes")
    ndim = raw[3]
    dims = np.frombuffer(raw, dtype=">u4", count=ndim, offset=4).astype(int)
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise ValueError(f"{str(path)!r} holds {data.size} bytes, its header says {tuple(dims)}")
    return data.reshape(tuple(dims))
