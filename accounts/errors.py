from core.errors import DomainError


class InvalidCredentials(DomainError):
    code = "INVALID_CREDENTIALS"
    default_message = "Wrong email or password."
