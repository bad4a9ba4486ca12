"""GraphQL types of delivery dispatch: the driver's own status, offers, the driver's position."""

from datetime import datetime

import strawberry
from strawberry import relay

from delivery.models import DeliveryOffer, DriverState
from graphql_api.accounts.types import AddressType
from graphql_api.core.types import Money, money
from restaurants.geo import distance_km


@strawberry.type(description="The signed-in driver's shift status, as dispatch sees it.")
class DriverStatus:
    available: bool
    latitude: float | None
    longitude: float | None
    location_updated_at: datetime | None

    @classmethod
    def from_state(cls, state: DriverState) -> "DriverStatus":
        return cls(
            available=state.is_available,
            latitude=float(state.latitude) if state.latitude is not None else None,
            longitude=float(state.longitude) if state.longitude is not None else None,
            location_updated_at=state.location_updated_at,
        )


# Decimal places an offer's drop-off point keeps: 0.01 degree is about 1 km. Every driver offered
# the delivery (those who decline too) sees this; the exact point is on the order, which only the
# driver who accepted it can read.
DROPOFF_AREA_DECIMALS = 2


@strawberry.type(description="Where the food goes: enough to decide, not who lives there.")
class DropoffArea:
    city: str
    postal_code: str
    latitude: float = strawberry.field(description="Rounded to about 1 km.")
    longitude: float = strawberry.field(description="Rounded to about 1 km.")


@strawberry.type(name="DeliveryOffer", description="A delivery offered to the signed-in driver.")
class DeliveryOfferType:
    order_id: relay.GlobalID = strawberry.field(
        description="Answer with acceptDelivery / declineDelivery(input: {orderId})."
    )
    order_number: str
    restaurant_name: str
    pickup_address: AddressType
    dropoff: DropoffArea
    distance_km: float | None = strawberry.field(
        description="From the driver to the restaurant when the offer was made."
    )
    trip_km: float = strawberry.field(description="From the restaurant to the customer.")
    tip: Money
    offered_at: datetime
    expires_at: datetime

    @classmethod
    def from_offer(cls, offer: DeliveryOffer) -> "DeliveryOfferType":
        order = offer.delivery.order
        pickup = order.restaurant.address
        snapshot = order.delivery_address or {}
        return cls(
            order_id=relay.GlobalID("Order", str(order.pk)),
            order_number=order.number,
            restaurant_name=order.restaurant.name,
            pickup_address=pickup,
            dropoff=DropoffArea(
                city=snapshot.get("city", ""),
                postal_code=snapshot.get("postalCode", ""),
                latitude=round(float(order.delivery_latitude), DROPOFF_AREA_DECIMALS),
                longitude=round(float(order.delivery_longitude), DROPOFF_AREA_DECIMALS),
            ),
            distance_km=None if offer.distance_m is None else offer.distance_m / 1000,
            trip_km=round(
                distance_km(
                    pickup.latitude,
                    pickup.longitude,
                    order.delivery_latitude,
                    order.delivery_longitude,
                ),
                1,
            ),
            tip=money(order.tip, order.currency),
            offered_at=offer.offered_at,
            expires_at=offer.expires_at,
        )
