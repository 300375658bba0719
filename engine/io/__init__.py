"""``tf.io``: ``tf.io.gfile``, and reading and writing whole files."""

from engine.io import gfile


def read_file(filename, name=None):
    """``tf.io.read_file``: the file's bytes as a string tensor."""
    from engine.ops.array_ops import constant

    with gfile.GFile(filename, "rb") as f:
        return constant(f.read(), name=name or "ReadFile")


def write_file(filename, contents, name=None):
    """``tf.io.write_file``: write ``contents`` (bytes, str or a string tensor) to ``filename``."""
    value = contents.numpy() if hasattr(contents, "numpy") else contents
    with gfile.GFile(filename, "wb") as f:
        f.write(value if isinstance(value, bytes) else str(value).encode())


__all__ = ["gfile", "read_file", "write_file"]
