from accounts.errors import DomainError


class OrdersError(DomainError):
    """Base of the orders app's expected failures."""


class OrderNotFound(OrdersError):
    code = "NOT_FOUND"

    def __init__(self, message: str = "No such order.", **kwargs):
        super().__init__(message, **kwargs)


class InvalidTransition(OrdersError):
    code = "INVALID_TRANSITION"


class NotADriver(OrdersError):
    code = "FORBIDDEN"

    def __init__(self, message: str = "Only drivers can do this.", **kwargs):
        super().__init__(message, **kwargs)


class InvalidLocation(OrdersError):
    code = "VALIDATION"


class OfferNotOpen(OrdersError):
    """The offer was answered, withdrawn or timed out, or someone else holds the delivery."""

    code = "CONFLICT"

    def __init__(self, message: str = "This delivery is no longer on offer to you.", **kwargs):
        super().__init__(message, **kwargs)


class DriverBusy(OrdersError):
    code = "CONFLICT"

    def __init__(self, message: str = "Finish your current delivery first.", **kwargs):
        super().__init__(message, **kwargs)


class ValidationFailed(OrdersError):
    code = "VALIDATION"


class RestaurantClosed(OrdersError):
    code = "RESTAURANT_CLOSED"


class OutOfDeliveryRange(OrdersError):
    code = "OUT_OF_DELIVERY_RANGE"


class ItemUnavailable(OrdersError):
    """An item or option that is not on this restaurant's menu or not available now; the
    message names it and `field` points at the offending input (`items[2].menuItemId`)."""

    code = "ITEM_UNAVAILABLE"


class BelowMinimumOrder(OrdersError):
    code = "BELOW_MINIMUM_ORDER"


class RestaurantNotFound(OrdersError):
    code = "NOT_FOUND"

    def __init__(self, message: str = "No such restaurant.", **kwargs):
        super().__init__(message, **kwargs)


class AddressNotFound(OrdersError):
    code = "NOT_FOUND"

    def __init__(self, message: str = "No such delivery address.", **kwargs):
        super().__init__(message, **kwargs)
