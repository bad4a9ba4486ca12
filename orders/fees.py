"""Which fees a restaurant's orders pay: its own configuration, else the platform's settings.

The arithmetic is `orders.pricing`'s; this module only says which numbers it uses.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from orders.pricing import FeeBand, FeeRules
from restaurants.models import Restaurant


def fee_bands_parse(text: str) -> tuple[FeeBand, ...]:
    """`DELIVERY_FEE_BANDS`: "2000:199,5000:299" (up to metres : fee), ascending."""
    bands = []
    for part in filter(None, (piece.strip() for piece in (text or "").split(","))):
        try:
            metres, fee = (int(value) for value in part.split(":"))
        except ValueError:
            raise ImproperlyConfigured(
                f"DELIVERY_FEE_BANDS: {part!r} is not 'upToMetres:fee'."
            ) from None
        bands.append(FeeBand(up_to_metres=metres, fee=fee))
    if [band.up_to_metres for band in bands] != sorted({band.up_to_metres for band in bands}):
        raise ImproperlyConfigured("DELIVERY_FEE_BANDS must be in ascending distance.")
    return tuple(bands)


def restaurant_fee_bands(restaurant: Restaurant) -> tuple[FeeBand, ...]:
    if restaurant.delivery_fee_bands:
        return tuple(
            FeeBand(up_to_metres=band["upToMetres"], fee=band["fee"])
            for band in restaurant.delivery_fee_bands
        )
    return fee_bands_parse(settings.DELIVERY_FEE_BANDS)


def restaurant_fee_rules(restaurant: Restaurant) -> FeeRules:
    return FeeRules(
        delivery_fee_bands=restaurant_fee_bands(restaurant),
        flat_delivery_fee=restaurant.delivery_fee,
        small_order_threshold=(
            settings.SMALL_ORDER_THRESHOLD
            if restaurant.small_order_threshold is None
            else restaurant.small_order_threshold
        ),
        small_order_fee=(
            settings.SMALL_ORDER_FEE
            if restaurant.small_order_fee is None
            else restaurant.small_order_fee
        ),
        service_fee_basis_points=settings.SERVICE_FEE_BASIS_POINTS,
        service_fee_min=settings.SERVICE_FEE_MIN,
        service_fee_max=settings.SERVICE_FEE_MAX,
    )
