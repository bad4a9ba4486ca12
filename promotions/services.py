"""Whether a promo code applies, what it takes off, and counting its uses exactly once.

A use is taken inside checkout's transaction with the code's row locked (no network call is
made while it is held): of two checkouts racing for the last use, the second waits, then sees
the first's use and is refused. The order's unique key on the redemption makes an idempotent
replay of the same checkout count nothing more. A use is given back, in the same transaction as
the move, when the order is cancelled, rejected or its payment fails.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F

from accounts.models import User
from promotions.errors import PromoCodeNotApplicable
from promotions.models import DiscountKind, PromoCode, PromoRedemption

CODE_MAX_LENGTH = 32
BASIS_POINTS = 10_000


@dataclass(frozen=True)
class PromoDiscount:
    promo_id: object
    code: str
    discount: int
    currency: str
    funded_by: str


def promo_code_normalize(code: str | None) -> str:
    return (code or "").strip().upper()[:CODE_MAX_LENGTH]


def promo_discount_amount(promo: PromoCode, *, subtotal: int) -> int:
    """What the code takes off this food: a share rounded half up, or a fixed amount; never
    more than its cap, nor than the food itself."""
    if promo.kind == DiscountKind.PERCENT:
        discount = (subtotal * promo.percent_basis_points + BASIS_POINTS // 2) // BASIS_POINTS
    else:
        discount = promo.amount
    if promo.maximum_discount:
        discount = min(discount, promo.maximum_discount)
    return min(discount, subtotal)


def promo_discount(
    *,
    code: str,
    customer: User,
    restaurant_id,
    currency: str,
    subtotal: int,
    has_earlier_orders: bool,
    now: datetime,
) -> PromoDiscount:
    """The discount `code` gives this cart now, or PromoCodeNotApplicable with the reason.
    Reads only (a quote, `checkPromoCode`); checkout takes the use with `promo_redeem`."""
    promo = PromoCode.objects.filter(code=promo_code_normalize(code), is_active=True).first()
    return _applicable(
        promo,
        customer=customer,
        restaurant_id=restaurant_id,
        currency=currency,
        subtotal=subtotal,
        has_earlier_orders=has_earlier_orders,
        now=now,
    )


def promo_redeem(
    *,
    promo_id,
    customer: User,
    order_id,
    restaurant_id,
    currency: str,
    subtotal: int,
    has_earlier_orders: bool,
    discount: int,
    now: datetime,
) -> PromoRedemption:
    """Take one use for the order, inside the caller's transaction. Every rule is checked again
    on the locked row: the code may have been used up or changed since the cart was priced."""
    promo = PromoCode.objects.select_for_update().filter(pk=promo_id, is_active=True).first()
    applied = _applicable(
        promo,
        customer=customer,
        restaurant_id=restaurant_id,
        currency=currency,
        subtotal=subtotal,
        has_earlier_orders=has_earlier_orders,
        now=now,
    )
    if applied.discount != discount:
        raise PromoCodeNotApplicable(
            "USED_UP", "This code changed while you were ordering; check your order again."
        )
    PromoCode.objects.filter(pk=promo.pk).update(uses=F("uses") + 1)
    return PromoRedemption.objects.create(
        promo=promo,
        order_id=order_id,
        customer=customer,
        discount=discount,
        currency=currency,
        funded_by=promo.funded_by,
        created_at=now,
    )


def promo_release(*, order_id, now: datetime) -> bool:
    """Give the order's use back (inside the caller's transaction); again: no change."""
    redemption = (
        PromoRedemption.objects.select_for_update()
        .filter(order_id=order_id, released_at__isnull=True)
        .first()
    )
    if redemption is None:
        return False
    redemption.released_at = now
    redemption.save(update_fields=["released_at"])
    PromoCode.objects.filter(pk=redemption.promo_id).update(uses=F("uses") - 1)
    return True


def _applicable(
    promo: PromoCode | None,
    *,
    customer: User,
    restaurant_id,
    currency: str,
    subtotal: int,
    has_earlier_orders: bool,
    now: datetime,
) -> PromoDiscount:
    if promo is None:
        raise PromoCodeNotApplicable("UNKNOWN_CODE", "There is no such code.")
    if now < promo.starts_at:
        raise PromoCodeNotApplicable("NOT_STARTED", f"{promo.code} cannot be used yet.")
    if promo.ends_at is not None and now >= promo.ends_at:
        raise PromoCodeNotApplicable("EXPIRED", f"{promo.code} has expired.")
    allowed = set(promo.restaurants.values_list("pk", flat=True))
    if allowed and restaurant_id not in allowed:
        raise PromoCodeNotApplicable(
            "WRONG_RESTAURANT", f"{promo.code} cannot be used at this restaurant."
        )
    if currency != promo.currency:
        raise PromoCodeNotApplicable(
            "WRONG_CURRENCY", f"{promo.code} applies to orders in {promo.currency} only."
        )
    if subtotal < promo.minimum_subtotal:
        raise PromoCodeNotApplicable(
            "BELOW_MINIMUM_SUBTOTAL",
            f"{promo.code} needs food worth at least {promo.minimum_subtotal} "
            f"(minor units of {promo.currency}).",
        )
    if promo.max_uses is not None and promo.uses >= promo.max_uses:
        raise PromoCodeNotApplicable("USED_UP", f"{promo.code} has been used up.")
    if promo.max_uses_per_customer is not None:
        used = PromoRedemption.objects.filter(
            promo=promo, customer_id=customer.pk, released_at__isnull=True
        ).count()
        if used >= promo.max_uses_per_customer:
            raise PromoCodeNotApplicable("ALREADY_USED", f"You have already used {promo.code}.")
    if promo.first_order_only and has_earlier_orders:
        raise PromoCodeNotApplicable("FIRST_ORDER_ONLY", f"{promo.code} is for a first order only.")
    return PromoDiscount(
        promo_id=promo.pk,
        code=promo.code,
        discount=promo_discount_amount(promo, subtotal=subtotal),
        currency=promo.currency,
        funded_by=promo.funded_by,
    )
