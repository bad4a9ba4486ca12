"""confirmPayment (after 3-D Secure) and refundOrder. Thin: each calls one payments service."""

import strawberry
from django.utils import timezone
from strawberry import relay
from strawberry.types import Info

from core.errors import DomainError
from graphql_api.core.context import require_user
from graphql_api.core.errors import UserError
from graphql_api.core.relay_ids import decode_id
from graphql_api.core.types import Money
from graphql_api.orders.types import OrderType
from graphql_api.payments.types import CheckoutPayment, Refund, payment_payload
from orders.errors import OrderNotFound
from orders.models import Order
from orders.services.payments import order_payment_confirm, order_refund


@strawberry.input
class ConfirmPaymentInput:
    order_id: strawberry.ID


@strawberry.input
class RefundOrderInput:
    order_id: strawberry.ID
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


def _order_id(raw: str):
    order_id = decode_id(raw, "Order")
    if order_id is None:
        raise OrderNotFound(field="orderId")
    return order_id


@strawberry.type
class PaymentsMutation:
    @strawberry.mutation(description="After the card's own authentication: settle the payment.")
    def confirm_payment(self, info: Info, input: ConfirmPaymentInput) -> ConfirmPaymentPayload:
        try:
            order_id = _order_id(input.order_id)
            result = order_payment_confirm(
                order_id=order_id, actor=require_user(info), now=timezone.now()
            )
        except DomainError as error:
            return ConfirmPaymentPayload(
                order=None, payment=None, errors=[UserError.from_domain(error)]
            )
        payment, errors = payment_payload(result)
        order = Order.objects.filter(pk=order_id).first()
        return ConfirmPaymentPayload(order=order, payment=payment, errors=errors)

    @strawberry.mutation(description="Refund all or part of a captured order (owners, admins).")
    def refund_order(self, info: Info, input: RefundOrderInput) -> RefundOrderPayload:
        try:
            order_id = _order_id(input.order_id)
            refund = order_refund(
                order_id=order_id,
                actor=require_user(info),
                amount=input.amount,
                reason=input.reason,
                now=timezone.now(),
            )
        except DomainError as error:
            return RefundOrderPayload(
                order=None, refund=None, errors=[UserError.from_domain(error)]
            )
        return RefundOrderPayload(
            order=Order.objects.filter(pk=order_id).first(),
            refund=Refund(
                id=relay.to_base64("Refund", refund.pk),
                amount=Money(amount=refund.amount, currency=refund.payment.currency),
                reason=refund.reason,
                status=refund.status,
            ),
            errors=[],
        )
