from core.errors import DomainError, NotAuthenticated


class InvalidCredentials(DomainError):
    code = "INVALID_CREDENTIALS"
    default_message = "Wrong email or password."


class TokenExpired(NotAuthenticated):
    """A genuine access token past its lifetime: the app refreshes it instead of signing out."""

    code = "TOKEN_EXPIRED"
    default_message = "The access token expired: refresh it and try again."


class InvalidAccountToken(DomainError):
    """A reset link or verification link/code that is unknown, expired, used or superseded."""

    code = "INVALID_TOKEN"
    default_message = "This link or code has expired or was already used. Ask for a new one."


class VerificationRequired(DomainError):
    """The action needs a verified email (field `email`) or phone (field `phone`)."""

    code = "VERIFICATION_REQUIRED"
    default_message = "Verify your email address first."
