"""How a payment stands, as the apps see it after checkout or confirmation."""

from enum import Enum

import strawberry

from graphql_api.core.errors import ErrorCode, UserError
from graphql_api.core.types import Money


@strawberry.enum(name="CheckoutPaymentStatus")
class CheckoutPaymentStatus(Enum):
    CREATED = "CREATED"
    REQUIRES_ACTION = "REQUIRES_ACTION"
    AUTHORIZED = "AUTHORIZED"
    CAPTURED = "CAPTURED"
    CANCELED = "CANCELED"
    FAILED = "FAILED"
    UNKNOWN = "UNKNOWN"


@strawberry.type(description="Where the order's card payment stands after checkout.")
class CheckoutPayment:
    status: CheckoutPaymentStatus
    client_secret: str | None = strawberry.field(
        description="For the card's own authentication step (3-D Secure) when REQUIRES_ACTION."
    )


# What the customer must hear about a payment that is not (yet) authorised.
PAYMENT_ERRORS = {
    "REQUIRES_ACTION": (ErrorCode.PAYMENT_ACTION_REQUIRED, "Confirm the payment with your bank."),
    "FAILED": (ErrorCode.PAYMENT_DECLINED, "The card was declined."),
    "CANCELED": (ErrorCode.PAYMENT_DECLINED, "The payment was cancelled."),
    "UNKNOWN": (
        ErrorCode.PAYMENT_UNAVAILABLE,
        "The payment service is unreachable; the order is kept, try again with the same key.",
    ),
    "CREATED": (
        ErrorCode.PAYMENT_UNAVAILABLE,
        "The payment could not be started; try again with the same key.",
    ),
}


def payment_payload(result) -> tuple[CheckoutPayment | None, list[UserError]]:
    if result is None:
        return None, []
    status = str(getattr(result.status, "value", result.status))
    payment = CheckoutPayment(
        status=CheckoutPaymentStatus(status), client_secret=result.client_secret or None
    )
    if status not in PAYMENT_ERRORS:
        return payment, []
    code, default_message = PAYMENT_ERRORS[status]
    message = result.message if status in ("FAILED", "CANCELED") and result.message else None
    return payment, [
        UserError(code=code, field="paymentMethodId", message=message or default_message)
    ]


@strawberry.type(description="Money given back to the customer after capture.")
class Refund:
    id: strawberry.ID
    amount: Money
    reason: str
    status: str
