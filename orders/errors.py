from core.errors import DomainError


class OrdersError(DomainError):
    """Base of the orders app's expected failures."""


class OrderNotFound(OrdersError):
    code = "NOT_FOUND"
    default_message = "No such order."


class InvalidTransition(OrdersError):
    code = "INVALID_TRANSITION"


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


class AddressNotFound(OrdersError):
    code = "NOT_FOUND"
    default_message = "No such delivery address."
