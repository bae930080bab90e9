"""AWS JSON 1.1 error representation."""

from __future__ import annotations

# Codes AWS sends with a 5xx status; everything else is a client (400) error.
SERVER_ERROR_CODES = frozenset({"InternalServerError", "ServiceUnavailableException"})


class AwsError(Exception):
    """An error answered as `{"__type": code, "message": ...}` with header x-amzn-ErrorType."""

    def __init__(self, code: str, message: str, status: int | None = None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status if status is not None else default_status(code)


def default_status(code: str) -> int:
    return 500 if code in SERVER_ERROR_CODES else 400


def invalid_parameter(message: str) -> AwsError:
    return AwsError("InvalidParameterException", message)


class ControlError(Exception):
    """A control-API (/_emulator/...) failure, answered as `{"error": message, **details}` with `status`."""

    def __init__(self, status: int, message: str, details: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details or {}

    def body(self) -> dict:
        return {"error": self.message, **self.details}
