"""The one pricing path: a cart checked against the menu, the restaurant's hours or slots and
the address, and priced line by line with every fee. `checkoutQuote` shows what it returns;
`placeOrder` writes exactly that. Reads only: nothing is written or locked here.

Checks, in this order (the first failure stops a checkout; a quote reports them all): the
restaurant exists (`NOT_FOUND`); the fulfilment and the address agree (`VALIDATION`); the
restaurant takes orders now, or at the chosen slot (`RESTAURANT_CLOSED`, `SLOT_UNAVAILABLE`);
the address is the caller's (`NOT_FOUND`) and within range (`OUT_OF_DELIVERY_RANGE`); every line
(`VALIDATION`, `ITEM_UNAVAILABLE`); the minimum order (`BELOW_MINIMUM_ORDER`); the tip.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from accounts.models import Address, User
from core.dates import datetime_in_window
from core.errors import DomainError, ValidationFailed
from orders import pricing
from orders.errors import (
    AddressNotFound,
    BelowMinimumOrder,
    CheckoutProblems,
    ItemUnavailable,
    OutOfDeliveryRange,
    RestaurantClosed,
)
from orders.fees import restaurant_fee_rules
from orders.models import Fulfilment, Order, OrderStatus
from orders.scheduling import slot_check
from promotions.errors import PromoCodeNotApplicable
from promotions.services import PromoDiscount, promo_code_normalize, promo_discount
from restaurants.errors import RestaurantNotFound
from restaurants.models import MenuItem, OptionGroup, Restaurant
from restaurants.selectors import (
    delivery_eta_minutes,
    restaurant_accepts_orders_at,
    restaurant_distance_km,
    restaurant_public,
)

QUANTITY_MIN, QUANTITY_MAX = 1, 50
# Orders that never went ahead: their promo use is given back, and they are no "first order".
NOT_GONE_AHEAD = (
    OrderStatus.PENDING_PAYMENT,
    OrderStatus.PAYMENT_FAILED,
    OrderStatus.CANCELLED,
    OrderStatus.REJECTED,
)
LINES_MAX = 50
NOTE_MAX_LENGTH = 200


@dataclass(frozen=True)
class CartLine:
    menu_item_id: Any
    quantity: int
    option_ids: Sequence[Any] = ()
    note: str = ""


@dataclass
class PricedLine:
    item: MenuItem
    price: pricing.LinePrice
    options: list[dict] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True)
class PricedCart:
    restaurant: Restaurant
    fulfilment: str
    address: Address | None
    distance_m: int | None
    lines: list[PricedLine]
    totals: pricing.OrderTotals
    scheduled_for: datetime | None
    # When the food should arrive (delivery) or be ready at the counter (pickup).
    estimated_at: datetime
    promo: PromoDiscount | None = None
    has_earlier_orders: bool = False


class _Problems:
    """A checkout stops at the first problem; a quote collects every one it can find."""

    def __init__(self, collect: bool):
        self.collect = collect
        self.found: list[DomainError] = []

    def add(self, error: DomainError) -> None:
        if not self.collect:
            raise error
        self.found.append(error)

    def raise_any(self) -> None:
        if self.found:
            raise CheckoutProblems.of(self.found)


def cart_price(
    *,
    customer: User,
    restaurant_id,
    fulfilment: str,
    delivery_address_id,
    items: Sequence[CartLine],
    tip: int,
    scheduled_for: datetime | None,
    now: datetime,
    every_problem: bool = False,
    promo_code: str | None = None,
) -> PricedCart:
    problems = _Problems(collect=every_problem)
    restaurant = (
        Restaurant.objects.select_related("address").filter(pk=as_uuid(restaurant_id)).first()
    )
    if restaurant is None:
        raise RestaurantNotFound(field="restaurantId")
    if fulfilment not in Fulfilment.values:
        raise ValidationFailed("Choose DELIVERY or PICKUP.", field="fulfilment")
    if fulfilment == Fulfilment.PICKUP and delivery_address_id is not None:
        raise ValidationFailed("A pickup order has no delivery address.", field="deliveryAddressId")
    if fulfilment == Fulfilment.DELIVERY and delivery_address_id is None:
        raise ValidationFailed("Choose a delivery address.", field="deliveryAddressId")
    if scheduled_for is not None:
        if scheduled_for.tzinfo is None:
            raise ValidationFailed(
                "Give the time with its offset, as availableSlots does.", field="scheduledFor"
            )
        datetime_in_window(scheduled_for, field="scheduledFor")

    _check_time(restaurant, scheduled_for, fulfilment, now, problems)

    address, distance_m = None, None
    if fulfilment == Fulfilment.DELIVERY:
        address = Address.objects.filter(pk=as_uuid(delivery_address_id), user=customer).first()
        if address is None:
            # Someone else's address does not exist for this customer.
            problems.add(AddressNotFound(field="deliveryAddressId"))
        else:
            distance_m = _distance_in_range(restaurant, address, problems)

    lines = _priced_lines(restaurant, items, problems)
    rules = restaurant_fee_rules(restaurant)
    promo, has_earlier_orders = None, False
    if promo_code_normalize(promo_code):
        has_earlier_orders = customer_has_earlier_orders(customer)
        try:
            promo = promo_discount(
                code=promo_code,
                customer=customer,
                restaurant_id=restaurant.pk,
                currency=restaurant.currency,
                subtotal=sum(line.price.line_total for line in lines),
                has_earlier_orders=has_earlier_orders,
                now=now,
            )
        except PromoCodeNotApplicable as error:
            problems.add(error)
    try:
        totals = pricing.order_totals(
            currency=restaurant.currency,
            lines=[line.price for line in lines],
            rules=rules,
            distance_m=distance_m,
            tip=tip,
            discount=promo.discount if promo is not None else 0,
        )
    except pricing.BeyondFeeBands:  # the range check above has reported it
        totals = None
    if totals is not None:
        _check_totals(restaurant, totals, problems)
    problems.raise_any()
    return PricedCart(
        restaurant=restaurant,
        fulfilment=fulfilment,
        address=address,
        distance_m=distance_m,
        lines=lines,
        totals=totals,
        scheduled_for=scheduled_for,
        estimated_at=_estimated_at(restaurant, distance_m, scheduled_for, now),
        promo=promo,
        has_earlier_orders=has_earlier_orders,
    )


def customer_has_earlier_orders(customer: User) -> bool:
    """Whether a first-order code is still open to the customer: any order that went ahead
    counts; one that was cancelled, rejected or never paid does not."""
    return Order.objects.filter(customer_id=customer.pk).exclude(status__in=NOT_GONE_AHEAD).exists()


def _check_time(restaurant, scheduled_for, fulfilment, now, problems: _Problems) -> None:
    if not restaurant.is_active or not restaurant.accepting_orders:
        problems.add(
            RestaurantClosed(
                f"{restaurant.name} is not taking orders right now.", field="restaurantId"
            )
        )
        return
    if scheduled_for is None:
        if not restaurant_accepts_orders_at(restaurant, now):
            problems.add(
                RestaurantClosed(
                    f"{restaurant.name} is not taking orders right now.", field="restaurantId"
                )
            )
        return
    try:
        slot_check(
            restaurant=restaurant, scheduled_for=scheduled_for, fulfilment=fulfilment, now=now
        )
    except DomainError as error:
        problems.add(error)


def _distance_in_range(restaurant: Restaurant, address: Address, problems: _Problems):
    distance_m = round(
        restaurant_distance_km(restaurant, address.latitude, address.longitude) * 1000
    )
    rules = restaurant_fee_rules(restaurant)
    beyond_bands = bool(rules.delivery_fee_bands) and (
        distance_m > rules.delivery_fee_bands[-1].up_to_metres
    )
    if distance_m > restaurant.delivery_radius_m or beyond_bands:
        problems.add(
            OutOfDeliveryRange(
                f"{restaurant.name} does not deliver to {address.line1}, {address.city}.",
                field="deliveryAddressId",
            )
        )
        return None
    return distance_m


def _estimated_at(restaurant, distance_m, scheduled_for, now) -> datetime:
    if scheduled_for is not None:
        return scheduled_for
    if distance_m is None:  # pickup: ready at the counter
        return now + timedelta(minutes=restaurant.preparation_minutes)
    minutes = delivery_eta_minutes(
        preparation_minutes=restaurant.preparation_minutes, distance_km=distance_m / 1000
    )
    return now + timedelta(minutes=minutes)


def _priced_lines(
    restaurant: Restaurant, items: Sequence[CartLine], problems: _Problems
) -> list[PricedLine]:
    """Check every line against the menu and price it; three queries whatever the cart. A
    malformed line is refused at once; an unavailable one is a problem (a quote goes on)."""
    if not items:
        raise ValidationFailed("The order has no items.", field="items")
    if len(items) > LINES_MAX:
        raise ValidationFailed(f"An order has at most {LINES_MAX} lines.", field="items")
    item_ids = []
    for index, line in enumerate(items):
        item_ids.append(as_uuid(line.menu_item_id))
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
            problems.add(
                ItemUnavailable("This item is not on the menu.", field=f"items[{index}].menuItemId")
            )
            continue
        if not item.is_available:
            problems.add(
                ItemUnavailable(
                    f"{item.name} is not available right now.",
                    field=f"items[{index}].menuItemId",
                )
            )
            continue
        try:
            options = _chosen_options(item, line.option_ids, index=index)
        except ItemUnavailable as error:
            problems.add(error)
            continue
        priced.append(
            PricedLine(
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
        option_id = as_uuid(raw_id)
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


def _check_totals(restaurant: Restaurant, totals: pricing.OrderTotals, problems: _Problems) -> None:
    if totals.subtotal < restaurant.minimum_order:
        problems.add(
            BelowMinimumOrder(
                f"The minimum order at {restaurant.name} is {restaurant.minimum_order} "
                f"(minor units of {restaurant.currency}); this order comes to {totals.subtotal}.",
                field="items",
            )
        )
    if not 0 <= totals.tip <= pricing.tip_cap(totals.subtotal):
        problems.add(
            ValidationFailed(
                f"The tip must be between 0 and {pricing.tip_cap(totals.subtotal)}.", field="tip"
            )
        )
    if totals.total > pricing.ORDER_TOTAL_MAX:
        problems.add(ValidationFailed("This order is too large to place online.", field="items"))


def as_uuid(value) -> uuid.UUID | None:
    """A malformed id cannot name anything: None (callers then report it as missing)."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def checkout_quote(
    *,
    customer: User,
    restaurant_id,
    fulfilment: str,
    delivery_address_id,
    items: Sequence[CartLine],
    tip: int,
    scheduled_for: datetime | None,
    now: datetime,
    promo_code: str | None = None,
) -> PricedCart:
    """`checkoutQuote`: the cart exactly as `placeOrder` would price and charge it now, or every
    problem found with it. Writes nothing."""
    return cart_price(
        customer=customer,
        restaurant_id=restaurant_id,
        fulfilment=fulfilment,
        delivery_address_id=delivery_address_id,
        items=items,
        tip=tip,
        scheduled_for=scheduled_for,
        now=now,
        every_problem=True,
        promo_code=promo_code,
    )


def promo_code_check(
    *, customer: User, code: str, restaurant_id, subtotal: int, now: datetime
) -> PromoDiscount:
    """`checkPromoCode`: what the code would take off this much food at this restaurant for
    this customer now, or PromoCodeNotApplicable with the reason. Writes nothing."""
    if not 0 <= subtotal <= pricing.ORDER_TOTAL_MAX:
        raise ValidationFailed(f"From 0 to {pricing.ORDER_TOTAL_MAX}.", field="subtotal")
    restaurant = restaurant_public(restaurant_id=restaurant_id).first() if restaurant_id else None
    if restaurant is None:
        raise RestaurantNotFound(field="restaurantId")
    return promo_discount(
        code=code,
        customer=customer,
        restaurant_id=restaurant.pk,
        currency=restaurant.currency,
        subtotal=subtotal,
        has_earlier_orders=customer_has_earlier_orders(customer),
        now=now,
    )
