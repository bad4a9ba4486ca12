"""Checkout: `order_place` turns a cart into an order and starts its payment.

The order, its lines, its first event and its Payment row are written in one transaction, or
nothing is. Prices come from the database, never from the client. The card is authorised only
after that transaction commits, so Stripe never hears of an order that does not exist.

Idempotency: the key is unique per customer (a database constraint). A repeated key returns the
order the key first created, whatever the repeated request carries (a replay with a different
cart is the client's bug, and charging twice would be ours); if that order's payment never
reached Stripe or its outcome is unknown, the same Payment is authorised again, which
`payment_authorize` makes safe. Two requests with one key at the same instant both try to insert;
the unique index makes the second wait for the first and fail, and it then returns the first's
order.
"""

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction

from accounts.models import Address, User
from accounts.services import user_require_verified_email
from core.errors import ValidationFailed
from orders.models import Fulfilment, Order, OrderLine, OrderStatus
from orders.scheduling import scheduled_accept_by, slot_place_take
from orders.services.cart import CartLine, PricedCart, cart_price
from orders.services.lifecycle import order_initial_event
from orders.services.payments import order_payment_authorize
from payments.models import Payment, PaymentStatus
from payments.services import PaymentResult, payment_create, payment_method_check
from promotions.services import promo_redeem
from restaurants.models import Restaurant

logger = logging.getLogger(__name__)

__all__ = ["CartLine", "PlaceOrderResult", "order_place"]

IDEMPOTENCY_KEY_MIN_LENGTH, IDEMPOTENCY_KEY_MAX_LENGTH = 8, 100
PAYMENT_METHOD_ID_MAX_LENGTH = 255

# Crockford's base32 without I, L, O and U: no letter is mistaken for a digit when read aloud.
ORDER_NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ORDER_NUMBER_LENGTH = 8
ORDER_NUMBER_ATTEMPTS = 5
# Pickup codes: 4 digits, read out at the counter; they only need to tell one restaurant's
# orders of the moment apart, and staff check them against the order they hand over.
PICKUP_CODE_LENGTH = 4


@dataclass(frozen=True)
class PlaceOrderResult:
    order: Order
    # The outcome of the authorisation (for a replay, of the latest attempt). Stripe unreachable
    # is a result too (status UNKNOWN, PAYMENT_UNAVAILABLE); None when the order has no payment.
    payment_result: PaymentResult | None
    replayed: bool = False


def order_number_generate() -> str:
    return "".join(secrets.choice(ORDER_NUMBER_ALPHABET) for _ in range(ORDER_NUMBER_LENGTH))


def pickup_code_generate() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(PICKUP_CODE_LENGTH))


def order_place(
    *,
    customer: User,
    restaurant_id,
    delivery_address_id,
    items: Sequence[CartLine],
    tip: int = 0,
    payment_method_id: str,
    idempotency_key: str,
    now: datetime,
    fulfilment: str = Fulfilment.DELIVERY,
    scheduled_for: datetime | None = None,
    promo_code: str | None = None,
) -> PlaceOrderResult:
    idempotency_key = (idempotency_key or "").strip()
    if not IDEMPOTENCY_KEY_MIN_LENGTH <= len(idempotency_key) <= IDEMPOTENCY_KEY_MAX_LENGTH:
        raise ValidationFailed(
            f"The idempotency key must be {IDEMPOTENCY_KEY_MIN_LENGTH} to "
            f"{IDEMPOTENCY_KEY_MAX_LENGTH} characters.",
            field="idempotencyKey",
        )
    existing = _order_for_key(customer, idempotency_key)
    if existing is not None:
        return _replay(existing, now=now)
    user_require_verified_email(customer)

    for _attempt in range(ORDER_NUMBER_ATTEMPTS):
        try:
            order, payment = _create_order(
                customer=customer,
                restaurant_id=restaurant_id,
                delivery_address_id=delivery_address_id,
                items=items,
                tip=tip,
                payment_method_id=payment_method_id,
                idempotency_key=idempotency_key,
                now=now,
                fulfilment=fulfilment,
                scheduled_for=scheduled_for,
                promo_code=promo_code,
            )
        except IntegrityError:
            # Either a concurrent request with the same key won (return its order), or the
            # random order number collided (draw another).
            existing = _order_for_key(customer, idempotency_key)
            if existing is not None:
                logger.info("concurrent checkout with one key; returning order %s", existing.pk)
                return _replay(existing, now=now)
            continue
        payment_result = order_payment_authorize(order_id=order.pk, payment_id=payment.pk, now=now)
        order.refresh_from_db()  # the authorisation has moved it on
        return PlaceOrderResult(order=order, payment_result=payment_result)
    raise RuntimeError("Could not draw a free order number.")


def _order_for_key(customer: User, idempotency_key: str) -> Order | None:
    return Order.objects.filter(customer=customer, idempotency_key=idempotency_key).first()


def _create_order(
    *,
    customer: User,
    restaurant_id,
    delivery_address_id,
    items: Sequence[CartLine],
    tip: int,
    payment_method_id: str,
    idempotency_key: str,
    now: datetime,
    fulfilment: str,
    scheduled_for: datetime | None,
    promo_code: str | None,
):
    payment_method_id = (payment_method_id or "").strip()
    if not payment_method_id or len(payment_method_id) > PAYMENT_METHOD_ID_MAX_LENGTH:
        raise ValidationFailed("Choose a payment method.", field="paymentMethodId")
    cart = cart_price(
        customer=customer,
        restaurant_id=restaurant_id,
        fulfilment=fulfilment,
        delivery_address_id=delivery_address_id,
        items=items,
        tip=tip,
        scheduled_for=scheduled_for,
        now=now,
        promo_code=promo_code,
    )
    # Last, as the only check that asks Stripe; never inside the transaction.
    payment_method_check(payment_method_id=payment_method_id)

    with transaction.atomic():
        if cart.scheduled_for is not None:
            # The slot's places are counted under the restaurant's lock: of two checkouts for
            # the last place, the second counts the first's order. No network call inside.
            restaurant = Restaurant.objects.select_for_update().get(pk=cart.restaurant.pk)
            slot_place_take(restaurant=restaurant, scheduled_for=cart.scheduled_for)
        order = Order.objects.create(
            number=order_number_generate(),
            customer=customer,
            restaurant=cart.restaurant,
            status=OrderStatus.PENDING_PAYMENT,
            idempotency_key=idempotency_key,
            **_order_fields(cart, now=now),
            created_at=now,
            status_changed_at=now,
        )
        OrderLine.objects.bulk_create(
            OrderLine(
                order=order,
                menu_item=line.item,
                name=line.item.name,
                unit_price=line.price.unit_price,
                quantity=line.price.quantity,
                options=line.options,
                note=line.note,
                line_total=line.price.line_total,
                position=position,
            )
            for position, line in enumerate(cart.lines)
        )
        if cart.promo is not None:
            # Counted here, once: the order's row is new, so a replay of this checkout finds
            # the order by its key and never reaches this line again.
            promo_redeem(
                promo_id=cart.promo.promo_id,
                customer=customer,
                order_id=order.pk,
                restaurant_id=cart.restaurant.pk,
                currency=cart.totals.currency,
                subtotal=cart.totals.subtotal,
                has_earlier_orders=cart.has_earlier_orders,
                discount=cart.totals.discount,
                now=now,
            )
        order_initial_event(order=order, actor=customer, now=now)
        payment = payment_create(
            order_id=order.pk,
            currency=order.currency,
            amount=order.total,
            payment_method_id=payment_method_id,
            now=now,
        )
    return order, payment


def _order_fields(cart: PricedCart, *, now: datetime) -> dict:
    totals = cart.totals
    fields = {
        "fulfilment": cart.fulfilment,
        "currency": totals.currency,
        "subtotal": totals.subtotal,
        "delivery_fee": totals.delivery_fee,
        "small_order_fee": totals.small_order_fee,
        "service_fee": totals.service_fee,
        "discount": totals.discount,
        "tip": totals.tip,
        "total": totals.total,
        "scheduled_for": cart.scheduled_for,
    }
    if cart.scheduled_for is not None:
        fields["accept_by"] = scheduled_accept_by(
            restaurant=cart.restaurant,
            scheduled_for=cart.scheduled_for,
            fulfilment=cart.fulfilment,
            now=now,
        )
    if cart.fulfilment == Fulfilment.PICKUP:
        fields["pickup_code"] = pickup_code_generate()
    else:
        fields.update(
            delivery_address=_address_snapshot(cart.address),
            delivery_latitude=cart.address.latitude,
            delivery_longitude=cart.address.longitude,
            delivery_distance_m=cart.distance_m,
        )
    return fields


def _address_snapshot(address: Address) -> dict:
    return {
        "label": address.label,
        "line1": address.line1,
        "line2": address.line2,
        "city": address.city,
        "postalCode": address.postal_code,
        "country": address.country,
        "latitude": str(address.latitude),
        "longitude": str(address.longitude),
    }


# --- Payment ------------------------------------------------------------------------------------


def _replay(order: Order, *, now: datetime) -> PlaceOrderResult:
    payment = Payment.objects.filter(order=order).order_by("-created_at").first()
    if payment is None:
        result = None
    elif payment.status in (PaymentStatus.CREATED, PaymentStatus.UNKNOWN):
        result = order_payment_authorize(order_id=order.pk, payment_id=payment.pk, now=now)
    else:
        result = PaymentResult.of(payment)
    order.refresh_from_db()
    return PlaceOrderResult(order=order, payment_result=result, replayed=True)
