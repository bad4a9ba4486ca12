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

    @property
    def errors(self) -> list["DomainError"]:
        """Every failure this error reports (one, except for `ValidationFailed.of` several)."""
        return [self]


class ValidationFailed(DomainError):
    code = "VALIDATION"
    default_message = "The input is not valid."

    _several: list[DomainError] | None = None

    @classmethod
    def of(cls, errors: list["ValidationFailed"]) -> "ValidationFailed":
        """One error reporting several invalid fields at once (a client fixes them together)."""
        combined = cls(errors[0].message, field=errors[0].field)
        combined._several = list(errors)
        return combined

    @property
    def errors(self) -> list[DomainError]:
        return self._several or [self]


class FieldErrors:
    """Collects the invalid fields of one input, so all of them are reported at once:

    invalid = FieldErrors()
    email = invalid.check(clean_email, value)   # None when it failed
    ...
    invalid.raise_any()
    """

    def __init__(self):
        self.failures: list[ValidationFailed] = []

    def check(self, clean, *args, **kwargs):
        try:
            return clean(*args, **kwargs)
        except ValidationFailed as error:
            self.failures.extend(error.errors)
            return None

    def add(self, error: ValidationFailed) -> None:
        self.failures.extend(error.errors)

    def raise_any(self) -> None:
        if len(self.failures) == 1:
            raise self.failures[0]
        if self.failures:
            raise ValidationFailed.of(self.failures)


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

    def __init__(self, message: str | None = None, *, retry_after: int, field: str | None = None):
        super().__init__(message, field=field)
        # Whole seconds until an attempt can succeed again (at least 1).
        self.retry_after = max(1, int(retry_after))
