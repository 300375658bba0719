"""``tf.errors``: the exception classes TensorFlow raises and users catch, with TensorFlow's
constructor ``(node_def, op, message)`` and its ``message`` attribute."""

from __future__ import annotations


class OpError(Exception):
    """The base of every TensorFlow runtime error."""

    error_code = 2

    def __init__(self, node_def=None, op=None, message="", *args):
        super().__init__(message)
        self.node_def, self.op, self.message = node_def, op, message

    def __str__(self):
        return self.message


def _error(name: str, code: int, doc: str) -> type[OpError]:
    return type(name, (OpError,), {"error_code": code, "__doc__": doc, "__module__": __name__})


CancelledError = _error("CancelledError", 1, "An operation was cancelled.")
UnknownError = _error("UnknownError", 2, "An error of no other kind.")
InvalidArgumentError = _error("InvalidArgumentError", 3, "An op got an invalid argument.")
DeadlineExceededError = _error("DeadlineExceededError", 4, "A deadline passed first.")
NotFoundError = _error("NotFoundError", 5, "A requested entity (a file, a directory) was not found.")
AlreadyExistsError = _error("AlreadyExistsError", 6, "The entity to create already exists.")
PermissionDeniedError = _error("PermissionDeniedError", 7, "The caller may not do this.")
ResourceExhaustedError = _error("ResourceExhaustedError", 8, "A resource (memory, disk) ran out.")
FailedPreconditionError = _error("FailedPreconditionError", 9, "The system is not in a state for it.")
AbortedError = _error("AbortedError", 10, "The operation was aborted.")
OutOfRangeError = _error("OutOfRangeError", 11, "Iteration or a read went past the end.")
UnimplementedError = _error("UnimplementedError", 12, "The operation is not implemented.")
InternalError = _error("InternalError", 13, "An internal invariant broke.")
UnavailableError = _error("UnavailableError", 14, "The service is unavailable.")
DataLossError = _error("DataLossError", 15, "Unrecoverable data loss or corruption.")
UnauthenticatedError = _error("UnauthenticatedError", 16, "The request has no valid credentials.")

__all__ = ["OpError", "CancelledError", "UnknownError", "InvalidArgumentError", "DeadlineExceededError",
           "NotFoundError", "AlreadyExistsError", "PermissionDeniedError", "ResourceExhaustedError",
           "FailedPreconditionError", "AbortedError", "OutOfRangeError", "UnimplementedError",
           "InternalError", "UnavailableError", "DataLossError", "UnauthenticatedError"]
