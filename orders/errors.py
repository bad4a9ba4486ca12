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


class SlotUnavailable(OrdersError):
    """A scheduled time that is not one of the restaurant's slots, or a full slot."""

    code = "SLOT_UNAVAILABLE"


class PickupCodeWrong(OrdersError):
    code = "VALIDATION"
    default_message = "This is not the order's pickup code."


class CheckoutProblems(OrdersError):
    """Several things wrong with one cart at once (a quote reports all of them)."""

    _several: list[DomainError]

    @classmethod
    def of(cls, problems: list[DomainError]) -> DomainError:
        if len(problems) == 1:
            return problems[0]
        combined = cls(problems[0].message, field=problems[0].field, code=problems[0].code)
        combined._several = list(problems)
        return combined

    @property
    def errors(self) -> list[DomainError]:
        return [error for problem in self._several for error in problem.errors]
