"""Dispatch queries: the driver's deliveries and offers, and the deliveries still waiting."""

from collections.abc import Iterable

import strawberry
from django.utils import timezone
from strawberry.types import Info

from core.errors import DomainError
from delivery.selectors import (
    deliveries_of_driver,
    deliveries_waiting_for,
    open_offers_for_driver,
)
from graphql_api.core.context import require_user
from graphql_api.core.errors import graphql_error
from graphql_api.core.pagination import page_field
from graphql_api.core.relay_ids import decode_id
from graphql_api.delivery.types import DeliveryOfferType
from graphql_api.orders.types import OrderConnection
from orders.models import Order
from restaurants.errors import RestaurantNotFound


@strawberry.type
class DeliveryQuery:
    @page_field(
        OrderConnection,
        description="The signed-in driver's deliveries, the latest taken first.",
    )
    def my_deliveries(self, info: Info) -> Iterable[Order]:
        try:
            return deliveries_of_driver(driver=require_user(info))
        except DomainError as error:
            raise graphql_error(error) from None

    @strawberry.field(description="Deliveries offered to the signed-in driver, still open.")
    def my_delivery_offers(self, info: Info) -> list[DeliveryOfferType]:
        try:
            offers = open_offers_for_driver(driver=require_user(info), now=timezone.now())
        except DomainError as error:
            raise graphql_error(error) from None
        return [DeliveryOfferType.from_offer(offer) for offer in offers[:100]]

    @page_field(
        OrderConnection,
        description="Accepted orders still waiting for a driver, longest waiting first "
        "(restaurant staff: their restaurants; admins: all).",
    )
    def deliveries_waiting(
        self, info: Info, restaurant_id: strawberry.ID | None = None
    ) -> Iterable[Order]:
        try:
            restaurant_pk = None
            if restaurant_id is not None:
                restaurant_pk = decode_id(restaurant_id, "Restaurant")
                if restaurant_pk is None:
                    raise RestaurantNotFound(field="restaurantId")
            return deliveries_waiting_for(user=require_user(info), restaurant_id=restaurant_pk)
        except DomainError as error:
            raise graphql_error(error) from None
