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
PaymentStatusEnum = enum_from_choices(
    PaymentStatus, name="PaymentStatus", description="Where a card payment stands."
)


@strawberry.type(
    name="OrderPayment",
    description="The order's card payment (its latest attempt): what was authorised, captured "
    "and refunded.",
)
class OrderPayment:
    status: PaymentStatusEnum
    amount: Money = strawberry.field(description="The amount asked for (the order's total).")
    authorized: Money = strawberry.field(description="Held on the card.")
    captured: Money = strawberry.field(description="Taken, when the restaurant accepted.")
    refunded: Money = strawberry.field(description="Given back so far.")

    @classmethod
    def from_model(cls, payment) -> "OrderPayment":
        currency = payment.currency
        return cls(
            status=PaymentStatusEnum(payment.status),
            amount=Money(amount=payment.amount, currency=currency),
            authorized=Money(amount=payment.amount_authorized, currency=currency),
            captured=Money(amount=payment.amount_captured, currency=currency),
            refunded=Money(amount=payment.amount_refunded, currency=currency),
        )


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
