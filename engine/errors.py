"""``tf.errors``: the op errors TensorFlow raises, by the names users catch them by
(``except tf.errors.OutOfRangeError`` ends a ``get_next()`` loop)."""

from __future__ import annotations


class OpError(Exception):
    """An error an op raised while it ran; ``message`` says what went wrong."""

    def __init__(self, node_def=None, op=None, message="", *args):
        super().__init__(message)
        self.node_def, self.op, self.message = node_def, op, message

    def __str__(self) -> str:
        return self.message


class CancelledError(OpError):
    pass


class UnknownError(OpError):
    pass


class InvalidArgumentError(OpError):
    pass


class NotFoundError(OpError):
    pass


class AlreadyExistsError(OpError):
    pass


class FailedPreconditionError(OpError):
    pass


class OutOfRangeError(OpError):
    pass


class UnimplementedError(OpError):
    pass


class InternalError(OpError):
    pass


class ResourceExhaustedError(OpError):
    pass


__all__ = [
    "AlreadyExistsError",
    "CancelledError",
    "FailedPreconditionError",
    "InternalError",
    "InvalidArgumentError",
    "NotFoundError",
    "OpError",
    "OutOfRangeError",
    "ResourceExhaustedError",
    "UnimplementedError",
    "UnknownError",
]
