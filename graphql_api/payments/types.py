"""How a payment stands, as the apps see it after checkout or confirmation."""

from datetime import datetime

import strawberry

from graphql_api.core.enums import enum_from_choices
from graphql_api.core.errors import ErrorCode, UserError
from graphql_api.core.types import Money
from payments.models import PaymentStatus
from payments.models import Refund as RefundModel
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


RefundStatus = enum_from_choices(RefundModel.Status, name="RefundStatus")


@strawberry.type(description="Money given back to the customer after capture.")
class Refund:
    id: strawberry.ID = strawberry.field(
        description="The refund's own id (a UUID; a refund is read through its order, it is not "
        "a Node)."
    )
    amount: Money
    reason: str
    status: RefundStatus
    created_at: datetime

    @classmethod
    def from_model(cls, refund: RefundModel, currency: str) -> "Refund":
        return cls(
            id=strawberry.ID(str(refund.pk)),
            amount=Money(amount=refund.amount, currency=currency),
            reason=refund.reason,
            status=RefundStatus(refund.status),
            created_at=refund.created_at,
        )
