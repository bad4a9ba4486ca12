"""The base of every app's expected failures, and the few meanings every app shares.

graphql_api turns an error's `code` into a typed error the apps switch on. An app's own errors
(`orders.errors.InvalidTransition`, ...) live beside the code that raises them; the classes
here are for meanings that are the same everywhere: one class per meaning.
"""


class DomainError(Exception):
    code = "VALIDATION"
    default_message = "The request cannot be done."

    def __init__(self, message: str | None = None, *, field: str | None = None, code=None):
        self.message = message or self.default_message
        super().__init__(self.message)
        self.field = field
        if code is not None:
            self.code = code


class ValidationFailed(DomainError):
    code = "VALIDATION"
    default_message = "The input is not valid."


class NotAuthenticated(DomainError):
    code = "NOT_AUTHENTICATED"
    default_message = "Sign in to do this."


class Forbidden(DomainError):
    code = "FORBIDDEN"
    default_message = "You may not do this."


class NotFound(DomainError):
    code = "NOT_FOUND"
    default_message = "Not found."


class Conflict(DomainError):
    code = "CONFLICT"
    default_message = "Someone else changed this first."


class RateLimited(DomainError):
    code = "RATE_LIMITED"
    default_message = "Too many attempts; wait a minute and try again."
