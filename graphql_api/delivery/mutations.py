"""The driver's mutations. Thin: decode, call one service, map the outcome."""

import strawberry
from django.utils import timezone
from strawberry.types import Info

from core.errors import DomainError
from delivery.services.dispatch import delivery_accept, delivery_decline
from delivery.services.drivers import driver_set_availability, driver_update_location
from delivery.services.steps import delivery_mark_delivered, delivery_mark_picked_up
from graphql_api.core.context import require_user
from graphql_api.core.errors import UserError
from graphql_api.core.relay_ids import decode_id
from graphql_api.delivery.types import DriverStatus
from graphql_api.orders.mutations import OrderPayload
from orders.errors import OrderNotFound


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


def _order_id(value: str):
    order_id = decode_id(value, "Order")
    if order_id is None:
        raise OrderNotFound(field="orderId")
    return order_id


def _order_step(info: Info, service, order_id: str) -> OrderPayload:
    try:
        result = service(
            order_id=_order_id(order_id), driver=require_user(info), now=timezone.now()
        )
    except DomainError as error:
        return OrderPayload(order=None, errors=[UserError.from_domain(error)])
    order = getattr(result, "order", result)
    return OrderPayload(order=order, errors=[])


@strawberry.type
class DispatchMutation:
    @strawberry.mutation(description="A driver goes on or off shift (with a position to go on).")
    def set_driver_availability(
        self, info: Info, input: SetDriverAvailabilityInput
    ) -> DriverStatusPayload:
        try:
            state = driver_set_availability(
                driver=require_user(info),
                available=input.available,
                latitude=input.latitude,
                longitude=input.longitude,
                now=timezone.now(),
            )
        except DomainError as error:
            return DriverStatusPayload(driver=None, errors=[UserError.from_domain(error)])
        return DriverStatusPayload(driver=DriverStatus.from_state(state), errors=[])

    @strawberry.mutation(description="The driver app's periodic position report.")
    def update_driver_location(
        self, info: Info, input: UpdateDriverLocationInput
    ) -> DriverStatusPayload:
        try:
            state = driver_update_location(
                driver=require_user(info),
                latitude=input.latitude,
                longitude=input.longitude,
                now=timezone.now(),
            )
        except DomainError as error:
            return DriverStatusPayload(driver=None, errors=[UserError.from_domain(error)])
        return DriverStatusPayload(driver=DriverStatus.from_state(state), errors=[])

    @strawberry.mutation(description="Take the delivery offered to you (before it expires).")
    def accept_delivery(self, info: Info, input: AcceptDeliveryInput) -> OrderPayload:
        return _order_step(info, delivery_accept, input.order_id)

    @strawberry.mutation(description="Turn the offered delivery down; the next driver is asked.")
    def decline_delivery(self, info: Info, input: DeclineDeliveryInput) -> DeclineDeliveryPayload:
        try:
            delivery_decline(
                order_id=_order_id(input.order_id), driver=require_user(info), now=timezone.now()
            )
        except DomainError as error:
            return DeclineDeliveryPayload(ok=False, errors=[UserError.from_domain(error)])
        return DeclineDeliveryPayload(ok=True, errors=[])

    @strawberry.mutation(description="You have the food (the order must be ready for pickup).")
    def mark_picked_up(self, info: Info, input: MarkPickedUpInput) -> OrderPayload:
        return _order_step(info, delivery_mark_picked_up, input.order_id)

    @strawberry.mutation(description="The customer has the food.")
    def mark_delivered(self, info: Info, input: MarkDeliveredInput) -> OrderPayload:
        return _order_step(info, delivery_mark_delivered, input.order_id)
