"""confirmPayment (after 3-D Secure) and refundOrder. Thin: each calls one payments service."""

import strawberry
from django.utils import timezone
from strawberry import relay
from strawberry.types import Info

from graphql_api.core.errors import UserError, mutation
from graphql_api.core.limits import user_within_limit
from graphql_api.core.relay_ids import order_id_or_raise
from graphql_api.core.types import Money
from graphql_api.orders.types import OrderType
from graphql_api.payments.types import CheckoutPayment, Refund, payment_payload
from orders.selectors import order_by_id
from orders.services.payments import order_payment_confirm, order_refund


@strawberry.input
class ConfirmPaymentInput:
    order_id: strawberry.ID


@strawberry.input
class RefundOrderInput:
    order_id: strawberry.ID
    idempotency_key: str = strawberry.field(
        description="Chosen by the client, 8 to 100 characters: a retry with the same key "
        "returns the first refund instead of refunding again."
    )
    amount: int | None = strawberry.field(
        default=None, description="Minor units; empty refunds everything not yet refunded."
    )
    reason: str = ""


@strawberry.type
class ConfirmPaymentPayload:
    order: OrderType | None
    payment: CheckoutPayment | None
    errors: list[UserError]


@strawberry.type
class RefundOrderPayload:
    order: OrderType | None
    refund: Refund | None
    errors: list[UserError]


@strawberry.type
class PaymentsMutation:
    @mutation(description="After the card's own authentication: settle the payment.")
    def confirm_payment(self, info: Info, input: ConfirmPaymentInput) -> ConfirmPaymentPayload:
        order_id = order_id_or_raise(input.order_id)
        actor = user_within_limit(info, "confirm_payment")
        result = order_payment_confirm(order_id=order_id, actor=actor, now=timezone.now())
        payment, errors = payment_payload(result)
        return ConfirmPaymentPayload(order=order_by_id(order_id), payment=payment, errors=errors)

    @mutation(description="Refund all or part of a captured order (owners, admins).")
    def refund_order(self, info: Info, input: RefundOrderInput) -> RefundOrderPayload:
        order_id = order_id_or_raise(input.order_id)
        refund = order_refund(
            order_id=order_id,
            actor=user_within_limit(info, "refund_order"),
            amount=input.amount,
            reason=input.reason,
            idempotency_key=input.idempotency_key,
            now=timezone.now(),
        )
        return RefundOrderPayload(
            order=order_by_id(order_id),
            refund=Refund(
                id=relay.to_base64("Refund", refund.pk),
                amount=Money(amount=refund.amount, currency=refund.payment.currency),
                reason=refund.reason,
                status=refund.status,
            ),
            errors=[],
        )
