from core.errors import DomainError, NotAuthenticated


class InvalidCredentials(DomainError):
    code = "INVALID_CREDENTIALS"
    default_message = "Wrong email or password."


class TokenExpired(NotAuthenticated):
    """A genuine access token past its lifetime: the app refreshes it instead of signing out."""

    code = "TOKEN_EXPIRED"
    default_message = "The access token expired: refresh it and try again."
