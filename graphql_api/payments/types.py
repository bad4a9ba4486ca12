"""How a payment stands, as the apps see it after checkout or confirmation."""

import strawberry

from graphql_api.core.enums import enum_from_choices
from graphql_api.core.errors import ErrorCode, UserError
from graphql_api.core.types import Money
from payments.models import PaymentStatus
from payments.services import PaymentResult

CheckoutPaymentStatus = enum_from_choices(PaymentStatus, name="CheckoutPaymentStatus")


@strawberry.type(description="Where the order's card payment stands after checkout.")
class CheckoutPayment:
    status: CheckoutPaymentStatus
    client_secret: str | None = strawberry.field(
        description="For the card's own authentication step (3-D Secure) when REQUIRES_ACTION."
    )


def payment_payload(result: PaymentResult | None) -> tuple[CheckoutPayment | None, list[UserError]]:
    if result is None:
        return None, []
    payment = CheckoutPayment(
        status=CheckoutPaymentStatus(str(result.status)), client_secret=result.client_secret
    )
    if result.error_code is None:
        return payment, []
    return payment, [
        UserError(
            code=ErrorCode(result.error_code), field="paymentMethodId", message=result.message
        )
    ]


@strawberry.type(description="Money given back to the customer after capture.")
class Refund:
    id: strawberry.ID
    amount: Money
    reason: str
    status: str
