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
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from accounts.models import Address, User
from accounts.services import user_require_verified_email
from core.errors import ValidationFailed
from orders import pricing
from orders.errors import (
    AddressNotFound,
    BelowMinimumOrder,
    ItemUnavailable,
    OutOfDeliveryRange,
    RestaurantClosed,
)
from orders.models import Order, OrderLine, OrderStatus
from orders.services.lifecycle import order_initial_event
from orders.services.payments import order_payment_authorize
from payments.models import Payment, PaymentStatus
from payments.services import PaymentResult, payment_create, payment_method_check
from restaurants.errors import RestaurantNotFound
from restaurants.models import MenuItem, OptionGroup, Restaurant
from restaurants.selectors import restaurant_accepts_orders_at, restaurant_delivers_to

logger = logging.getLogger(__name__)

QUANTITY_MIN, QUANTITY_MAX = 1, 50
LINES_MAX = 50
NOTE_MAX_LENGTH = 200
IDEMPOTENCY_KEY_MIN_LENGTH, IDEMPOTENCY_KEY_MAX_LENGTH = 8, 100
PAYMENT_METHOD_ID_MAX_LENGTH = 255

# Crockford's base32 without I, L, O and U: no letter is mistaken for a digit when read aloud.
ORDER_NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ORDER_NUMBER_LENGTH = 8
ORDER_NUMBER_ATTEMPTS = 5


@dataclass(frozen=True)
class CartLine:
    menu_item_id: Any
    quantity: int
    option_ids: Sequence[Any] = ()
    note: str = ""


@dataclass(frozen=True)
class PlaceOrderResult:
    order: Order
    # The outcome of the authorisation (for a replay, of the latest attempt). Stripe unreachable
    # is a result too (status UNKNOWN, PAYMENT_UNAVAILABLE); None when the order has no payment.
    payment_result: PaymentResult | None
    replayed: bool = False


@dataclass
class _PricedLine:
    item: MenuItem
    price: pricing.LinePrice
    options: list[dict] = field(default_factory=list)
    note: str = ""


def order_number_generate() -> str:
    return "".join(secrets.choice(ORDER_NUMBER_ALPHABET) for _ in range(ORDER_NUMBER_LENGTH))


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
):
    payment_method_id = (payment_method_id or "").strip()
    if not payment_method_id or len(payment_method_id) > PAYMENT_METHOD_ID_MAX_LENGTH:
        raise ValidationFailed("Choose a payment method.", field="paymentMethodId")
    restaurant = _open_restaurant(restaurant_id, now=now)
    address = _delivery_address(customer, delivery_address_id, restaurant)
    lines = _priced_lines(restaurant, items)
    totals = pricing.order_totals(
        currency=restaurant.currency,
        lines=[line.price for line in lines],
        delivery_fee=restaurant.delivery_fee,
        tip=tip,
    )
    _check_totals(restaurant, totals)
    # Last, as the only check that asks Stripe; never inside the transaction.
    payment_method_check(payment_method_id=payment_method_id)

    with transaction.atomic():
        order = Order.objects.create(
            number=order_number_generate(),
            customer=customer,
            restaurant=restaurant,
            status=OrderStatus.PENDING_PAYMENT,
            idempotency_key=idempotency_key,
            currency=totals.currency,
            subtotal=totals.subtotal,
            delivery_fee=totals.delivery_fee,
            tip=totals.tip,
            total=totals.total,
            delivery_address=_address_snapshot(address),
            delivery_latitude=address.latitude,
            delivery_longitude=address.longitude,
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
            for position, line in enumerate(lines)
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


def _open_restaurant(restaurant_id, *, now: datetime) -> Restaurant:
    restaurant = Restaurant.objects.filter(pk=_as_uuid(restaurant_id)).first()
    if restaurant is None:
        raise RestaurantNotFound(field="restaurantId")
    if not restaurant.is_active or not restaurant_accepts_orders_at(restaurant, now):
        raise RestaurantClosed(
            f"{restaurant.name} is not taking orders right now.", field="restaurantId"
        )
    return restaurant


def _delivery_address(customer: User, address_id, restaurant: Restaurant) -> Address:
    address = Address.objects.filter(pk=_as_uuid(address_id), user=customer).first()
    if address is None:
        # Someone else's address does not exist for this customer.
        raise AddressNotFound(field="deliveryAddressId")
    if not restaurant_delivers_to(restaurant, address.latitude, address.longitude):
        raise OutOfDeliveryRange(
            f"{restaurant.name} does not deliver to {address.line1}, {address.city}.",
            field="deliveryAddressId",
        )
    return address


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


def _priced_lines(restaurant: Restaurant, items: Sequence[CartLine]) -> list[_PricedLine]:
    """Check every line against the menu and price it; three queries whatever the cart."""
    if not items:
        raise ValidationFailed("The order has no items.", field="items")
    if len(items) > LINES_MAX:
        raise ValidationFailed(f"An order has at most {LINES_MAX} lines.", field="items")
    item_ids = []
    for index, line in enumerate(items):
        item_ids.append(_as_uuid(line.menu_item_id))
        if not QUANTITY_MIN <= line.quantity <= QUANTITY_MAX:
            raise ValidationFailed(
                f"The quantity must be {QUANTITY_MIN} to {QUANTITY_MAX}.",
                field=f"items[{index}].quantity",
            )
        if len(line.note or "") > NOTE_MAX_LENGTH:
            raise ValidationFailed(
                f"A note has at most {NOTE_MAX_LENGTH} characters.", field=f"items[{index}].note"
            )

    menu = {
        item.pk: item
        for item in MenuItem.objects.filter(
            restaurant=restaurant, pk__in=[i for i in item_ids if i is not None]
        ).prefetch_related("option_groups__options")
    }
    priced = []
    for index, (line, item_id) in enumerate(zip(items, item_ids, strict=True)):
        item = menu.get(item_id)
        if item is None:
            raise ItemUnavailable(
                "This item is not on the menu.", field=f"items[{index}].menuItemId"
            )
        if not item.is_available:
            raise ItemUnavailable(
                f"{item.name} is not available right now.", field=f"items[{index}].menuItemId"
            )
        options = _chosen_options(item, line.option_ids, index=index)
        priced.append(
            _PricedLine(
                item=item,
                price=pricing.line_price(
                    item_price=item.price,
                    option_deltas=[option.price_delta for option in options],
                    quantity=line.quantity,
                ),
                options=[
                    {
                        "id": str(option.pk),
                        "group": option.group.name,
                        "name": option.name,
                        "priceDelta": option.price_delta,
                    }
                    for option in options
                ],
                note=(line.note or "").strip(),
            )
        )
    return priced


def _chosen_options(item: MenuItem, option_ids: Sequence[Any], *, index: int) -> list:
    groups = list(item.option_groups.all())
    by_id = {option.pk: option for group in groups for option in group.options.all()}
    chosen = []
    seen = set()
    for position, raw_id in enumerate(option_ids or ()):
        field_name = f"items[{index}].optionIds[{position}]"
        option_id = _as_uuid(raw_id)
        if option_id in seen:
            raise ValidationFailed(f"An option of {item.name} is chosen twice.", field=field_name)
        seen.add(option_id)
        option = by_id.get(option_id)
        if option is None:
            raise ItemUnavailable(f"This option is not offered for {item.name}.", field=field_name)
        if not option.is_available:
            raise ItemUnavailable(
                f"{option.name} for {item.name} is not available right now.", field=field_name
            )
        chosen.append(option)
    for group in groups:
        count = sum(1 for option in chosen if option.group_id == group.pk)
        if not group.min_selected <= count <= group.max_selected:
            raise ValidationFailed(_group_rule(item, group), field=f"items[{index}].optionIds")
    # Snapshots and prices follow the menu's order of groups and options, not the client's.
    order = {option.pk: n for n, option in enumerate(by_id.values())}
    return sorted(chosen, key=lambda option: order[option.pk])


def _group_rule(item: MenuItem, group: OptionGroup) -> str:
    if group.min_selected == group.max_selected:
        return f"Choose exactly {group.min_selected} of {group.name} for {item.name}."
    return f"Choose {group.min_selected} to {group.max_selected} of {group.name} for {item.name}."


def _check_totals(restaurant: Restaurant, totals: pricing.OrderTotals) -> None:
    if totals.subtotal < restaurant.minimum_order:
        raise BelowMinimumOrder(
            f"The minimum order at {restaurant.name} is {restaurant.minimum_order} "
            f"(minor units of {restaurant.currency}); this order comes to {totals.subtotal}.",
            field="items",
        )
    if not 0 <= totals.tip <= pricing.tip_cap(totals.subtotal):
        raise ValidationFailed(
            f"The tip must be between 0 and {pricing.tip_cap(totals.subtotal)}.", field="tip"
        )
    if totals.total > pricing.ORDER_TOTAL_MAX:
        raise ValidationFailed("This order is too large to place online.", field="items")


def _as_uuid(value) -> uuid.UUID | None:
    """A malformed id cannot name anything: None (callers then report it as missing)."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


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
