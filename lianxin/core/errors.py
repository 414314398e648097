"""Errors that the actions raise and that pages and the API turn into messages."""

from __future__ import annotations


class LianxinError(Exception):
    """A refusal the user can understand: a code for machines, a Chinese message for people."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        self.field = field


class ValidationFailed(LianxinError):
    status = 422
    code = "invalid"


class NotFound(LianxinError):
    status = 404
    code = "not_found"


class Forbidden(LianxinError):
    """Used only where the object is visible but the action is not the caller's."""

    status = 403
    code = "forbidden"


class Conflict(LianxinError):
    status = 409
    code = "conflict"


class RateLimited(LianxinError):
    """Too many requests of one kind from one address or for one phone number in a while."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after
