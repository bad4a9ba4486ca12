from core.errors import DomainError


class DeliveryError(DomainError):
    """Base of driver dispatch's expected failures."""


class NotADriver(DeliveryError):
    code = "FORBIDDEN"
    default_message = "Only drivers can do this."


class InvalidLocation(DeliveryError):
    code = "VALIDATION"


class OfferNotOpen(DeliveryError):
    """The offer was answered, withdrawn or timed out, or someone else holds the delivery."""

    code = "CONFLICT"
    default_message = "This delivery is no longer on offer to you."


class DriverBusy(DeliveryError):
    code = "CONFLICT"
    default_message = "Finish your current delivery first."


class DeliveryNotWaiting(DeliveryError):
    code = "CONFLICT"
    default_message = "This delivery is not waiting for a driver."
