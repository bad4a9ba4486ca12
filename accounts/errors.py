"""Domain errors. `DomainError` is the base of every app's error hierarchy (it lives here because
every app already depends on accounts); graphql_api turns its `code` into a typed UserError."""


class DomainError(Exception):
    code = "VALIDATION"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code


class ValidationFailed(DomainError):
    code = "VALIDATION"


class InvalidCredentials(DomainError):
    code = "INVALID_CREDENTIALS"


class NotAuthenticated(DomainError):
    code = "NOT_AUTHENTICATED"


class Forbidden(DomainError):
    code = "FORBIDDEN"


class NotFound(DomainError):
    code = "NOT_FOUND"


class RateLimited(DomainError):
    code = "RATE_LIMITED"
