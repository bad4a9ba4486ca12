from accounts.errors import DomainError


class OrdersError(DomainError):
    """Base of the orders app's expected failures."""


class OrderNotFound(OrdersError):
    code = "NOT_FOUND"

    def __init__(self, message: str = "No such order.", **kwargs):
        super().__init__(message, **kwargs)


class InvalidTransition(OrdersError):
    code = "INVALID_TRANSITION"
