"""The driver's mutations. Thin: decode, call one service, map the outcome."""

import strawberry
from django.utils import timezone
from strawberry.types import Info

from delivery.services.dispatch import delivery_accept, delivery_decline
from delivery.services.drivers import driver_set_availability, driver_update_location
from delivery.services.steps import delivery_mark_delivered, delivery_mark_picked_up
from graphql_api.core.context import require_user
from graphql_api.core.errors import UserError, mutation
from graphql_api.core.relay_ids import order_id_or_raise
from graphql_api.delivery.types import DriverStatus
from graphql_api.orders.mutations import OrderPayload


@strawberry.input
class SetDriverAvailabilityInput:
    available: bool
    latitude: float | None = strawberry.field(
        default=None, description="Required when going available."
    )
    longitude: float | None = None


@strawberry.input
class UpdateDriverLocationInput:
    latitude: float
    longitude: float


@strawberry.input
class AcceptDeliveryInput:
    order_id: strawberry.ID


@strawberry.input
class DeclineDeliveryInput:
    order_id: strawberry.ID


@strawberry.input
class MarkPickedUpInput:
    order_id: strawberry.ID


@strawberry.input
class MarkDeliveredInput:
    order_id: strawberry.ID


@strawberry.type
class DriverStatusPayload:
    driver: DriverStatus | None
    errors: list[UserError]


@strawberry.type
class DeclineDeliveryPayload:
    ok: bool
    errors: list[UserError]


def _order_step(info: Info, service, order_id: str) -> OrderPayload:
    result = service(
        order_id=order_id_or_raise(order_id), driver=require_user(info), now=timezone.now()
    )
    order = getattr(result, "order", result)
    return OrderPayload(order=order, errors=[])


@strawberry.type
class DeliveryMutation:
    @mutation(description="A driver goes on or off shift (with a position to go on).")
    def set_driver_availability(
        self, info: Info, input: SetDriverAvailabilityInput
    ) -> DriverStatusPayload:
        state = driver_set_availability(
            driver=require_user(info),
            available=input.available,
            latitude=input.latitude,
            longitude=input.longitude,
            now=timezone.now(),
        )
        return DriverStatusPayload(driver=DriverStatus.from_state(state), errors=[])

    @mutation(description="The driver app's periodic position report.")
    def update_driver_location(
        self, info: Info, input: UpdateDriverLocationInput
    ) -> DriverStatusPayload:
        state = driver_update_location(
            driver=require_user(info),
            latitude=input.latitude,
            longitude=input.longitude,
            now=timezone.now(),
        )
        return DriverStatusPayload(driver=DriverStatus.from_state(state), errors=[])

    @mutation(description="Take the delivery offered to you (before it expires).")
    def accept_delivery(self, info: Info, input: AcceptDeliveryInput) -> OrderPayload:
        return _order_step(info, delivery_accept, input.order_id)

    @mutation(description="Turn the offered delivery down; the next driver is asked.")
    def decline_delivery(self, info: Info, input: DeclineDeliveryInput) -> DeclineDeliveryPayload:
        delivery_decline(
            order_id=order_id_or_raise(input.order_id),
            driver=require_user(info),
            now=timezone.now(),
        )
        return DeclineDeliveryPayload(ok=True, errors=[])

    @mutation(description="You have the food (the order must be ready for pickup).")
    def mark_picked_up(self, info: Info, input: MarkPickedUpInput) -> OrderPayload:
        return _order_step(info, delivery_mark_picked_up, input.order_id)

    @mutation(description="The customer has the food.")
    def mark_delivered(self, info: Info, input: MarkDeliveredInput) -> OrderPayload:
        return _order_step(info, delivery_mark_delivered, input.order_id)
