"""Order mutations: checkout and the restaurant's and customer's moves. Thin: decode, call one
service, map the outcome."""

import strawberry
from django.conf import settings
from django.utils import timezone
from strawberry.types import Info

from graphql_api.core.context import require_user
from graphql_api.core.errors import UserError, mutation
from graphql_api.core.limits import rate_limit, user_within_limit
from graphql_api.core.relay_ids import decode_id, order_id_or_raise
from graphql_api.orders.inputs import (
    AcceptOrderInput,
    CancelOrderInput,
    MarkCollectedInput,
    MarkOrderReadyInput,
    PlaceOrderInput,
    RejectOrderInput,
    cart_lines,
    optional_id,
)
from graphql_api.orders.types import OrderType
from graphql_api.payments.types import CheckoutPayment, payment_payload
from orders.services.acceptance import order_accept
from orders.services.actions import (
    order_cancel,
    order_mark_collected,
    order_mark_ready,
    order_reject,
)
from orders.services.checkout import order_place


@strawberry.type
class PlaceOrderPayload:
    order: OrderType | None
    payment: CheckoutPayment | None
    errors: list[UserError]


@strawberry.type
class OrderPayload:
    order: OrderType | None
    errors: list[UserError]


@strawberry.type
class OrdersMutation:
    @mutation(description="Check out a cart: the order and its card authorisation.")
    def place_order(self, info: Info, input: PlaceOrderInput) -> PlaceOrderPayload:
        user = require_user(info)
        rate_limit(
            action="place_order",
            key=str(user.pk),
            limit=settings.RATE_LIMIT_PLACE_ORDER_PER_MINUTE,
        )
        result = order_place(
            customer=user,
            restaurant_id=decode_id(input.restaurant_id, "Restaurant"),
            delivery_address_id=optional_id(input.delivery_address_id, "Address"),
            items=cart_lines(input.items),
            tip=input.tip,
            payment_method_id=input.payment_method_id,
            idempotency_key=input.idempotency_key,
            now=timezone.now(),
            fulfilment=input.fulfilment.value,
            scheduled_for=input.scheduled_for,
            promo_code=input.promo_code,
        )
        payment, errors = payment_payload(result.payment_result)
        return PlaceOrderPayload(order=result.order, payment=payment, errors=errors)

    @mutation(
        description="Cancel an order: its customer, its staff or an admin until the restaurant "
        "accepts it; after that its owners and managers or an admin (until pickup; then admins "
        "only), and what was charged is refunded."
    )
    def cancel_order(self, info: Info, input: CancelOrderInput) -> OrderPayload:
        order = order_cancel(
            order_id=order_id_or_raise(input.order_id),
            actor=user_within_limit(info, "cancel_order"),
            reason=input.reason,
            now=timezone.now(),
        )
        return OrderPayload(order=order, errors=[])

    @mutation(
        description="The restaurant takes the order and the card is charged: ACCEPTED once "
        "Stripe confirms; ACCEPTING with PAYMENT_UNAVAILABLE while the charge is being confirmed."
    )
    def accept_order(self, info: Info, input: AcceptOrderInput) -> OrderPayload:
        acceptance = order_accept(
            order_id=order_id_or_raise(input.order_id),
            actor=user_within_limit(info, "accept_order"),
            preparation_minutes=input.preparation_minutes,
            now=timezone.now(),
        )
        return OrderPayload(
            order=acceptance.order,
            errors=[UserError.from_domain(notice) for notice in acceptance.notices],
        )

    @mutation(description="The restaurant declines the order; the card is released.")
    def reject_order(self, info: Info, input: RejectOrderInput) -> OrderPayload:
        order = order_reject(
            order_id=order_id_or_raise(input.order_id),
            actor=user_within_limit(info, "reject_order"),
            reason=input.reason,
            now=timezone.now(),
        )
        return OrderPayload(order=order, errors=[])

    @mutation(
        description="A pickup order's customer has collected it: staff check the pickup code "
        "the customer shows (a wrong code is VALIDATION on pickupCode and changes nothing)."
    )
    def mark_collected(self, info: Info, input: MarkCollectedInput) -> OrderPayload:
        order = order_mark_collected(
            order_id=order_id_or_raise(input.order_id),
            actor=require_user(info),
            pickup_code=input.pickup_code,
            now=timezone.now(),
        )
        return OrderPayload(order=order, errors=[])

    @mutation(description="The food is ready: for the driver, or at the counter (pickup).")
    def mark_order_ready(self, info: Info, input: MarkOrderReadyInput) -> OrderPayload:
        order = order_mark_ready(
            order_id=order_id_or_raise(input.order_id), actor=require_user(info), now=timezone.now()
        )
        return OrderPayload(order=order, errors=[])
