"""GraphQL types of orders. Every Order (and its lines) is read through `orders_visible_to`, so
`node(id:)`, lists and nested fields never show an order to someone who may not see it."""

from datetime import datetime

import strawberry
import strawberry_django
from django.db.models import Prefetch
from strawberry import relay
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from accounts.models import User
from delivery import models as delivery_models
from delivery.models import DeliveryStatus
from delivery.selectors import driver_position_during_delivery
from graphql_api.core.context import current_user
from graphql_api.core.enums import enum_from_choices
from graphql_api.core.pagination import KeysetPages, total_of
from graphql_api.core.types import Money, money
from graphql_api.orders.inputs import FulfilmentEnum
from graphql_api.payments.types import OrderPayment, Refund
from graphql_api.restaurants.types import RestaurantType
from orders import models
from orders.models import ActorRole, OrderStatus
from orders.selectors import order_money_viewer, order_visibility, orders_visible_to
from payments.models import Payment
from payments.models import Refund as RefundModel

OrderStatusEnum = enum_from_choices(OrderStatus, name="OrderStatus")


ActorRoleEnum = enum_from_choices(
    ActorRole, name="ActorRole", description="In which capacity someone moved an order."
)


DeliveryStatusEnum = enum_from_choices(DeliveryStatus, name="DeliveryStatus")


@strawberry_django.type(User, name="OrderPerson", description="A person as an order shows them.")
class OrderPersonType:
    full_name: str


@strawberry.type(description="Where an order goes, as it was when the order was placed.")
class OrderAddress:
    label: str
    line1: str
    line2: str
    city: str
    postal_code: str
    country: str
    latitude: float
    longitude: float

    @classmethod
    def from_snapshot(cls, snapshot: dict, latitude, longitude) -> "OrderAddress":
        return cls(
            label=snapshot.get("label", ""),
            line1=snapshot.get("line1", ""),
            line2=snapshot.get("line2", ""),
            city=snapshot.get("city", ""),
            postal_code=snapshot.get("postalCode", ""),
            country=snapshot.get("country", ""),
            latitude=float(latitude),
            longitude=float(longitude),
        )


@strawberry.type(description="An option chosen on an order line, as priced then.")
class OrderLineOption:
    group: str
    name: str
    price_delta: Money


@strawberry_django.type(models.OrderLine, name="OrderLine")
class OrderLineType(relay.Node):
    name: str
    quantity: int
    note: str

    @strawberry_django.field(only=["unit_price", "order__currency"], select_related=["order"])
    def unit_price(self, root: models.OrderLine) -> Money:
        return money(root.unit_price, root.order.currency)

    @strawberry_django.field(only=["line_total", "order__currency"], select_related=["order"])
    def line_total(self, root: models.OrderLine) -> Money:
        return money(root.line_total, root.order.currency)

    @strawberry_django.field(only=["options", "order__currency"], select_related=["order"])
    def options(self, root: models.OrderLine) -> list[OrderLineOption]:
        currency = root.order.currency
        return [
            OrderLineOption(
                group=option.get("group", ""),
                name=option.get("name", ""),
                price_delta=money(option.get("priceDelta", 0), currency),
            )
            for option in root.options
        ]

    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        user = current_user(info)
        if user.is_authenticated and user.is_admin:
            return queryset
        return queryset.filter(order__in=orders_visible_to(user).values("pk"))


@strawberry_django.type(models.OrderEvent, name="OrderEvent")
class OrderEventType:
    reason: str
    created_at: datetime

    @strawberry_django.field(only=["from_status"])
    def from_status(self, root: models.OrderEvent) -> OrderStatusEnum | None:
        return OrderStatusEnum(root.from_status) if root.from_status else None

    @strawberry_django.field(only=["to_status"])
    def to_status(self, root: models.OrderEvent) -> OrderStatusEnum:
        return OrderStatusEnum(root.to_status)

    @strawberry_django.field(only=["actor_role"])
    def actor_role(self, root: models.OrderEvent) -> ActorRoleEnum:
        return ActorRoleEnum(root.actor_role)


@strawberry.type(description="Where the driver carrying the order last was.")
class DriverLocation:
    latitude: float
    longitude: float
    updated_at: datetime | None


@strawberry_django.type(delivery_models.Delivery, name="Delivery")
class DeliveryType:
    """The order's side of its delivery; the dispatch API adds to it."""

    driver: OrderPersonType | None

    dispatch_attempts: int = strawberry_django.field(
        description="Rounds that found no free driver."
    )
    next_dispatch_at: datetime | None = strawberry_django.field(
        description="When dispatch looks for a driver again, while waiting for one."
    )

    @strawberry_django.field(only=["status"])
    def status(self, root: delivery_models.Delivery) -> DeliveryStatusEnum:
        return DeliveryStatusEnum(root.status)

    @strawberry_django.field(
        only=[
            "status",
            "driver_id",
            "driver__driver_state__latitude",
            "driver__driver_state__longitude",
            "driver__driver_state__location_updated_at",
        ],
        select_related=["driver__driver_state"],
        description="Where the driver is, only while the food is on its way (PICKED_UP).",
    )
    def driver_location(self, root: delivery_models.Delivery) -> DriverLocation | None:
        state = driver_position_during_delivery(root)
        if state is None:
            return None
        return DriverLocation(
            latitude=float(state.latitude),
            longitude=float(state.longitude),
            updated_at=state.location_updated_at,
        )


@strawberry_django.type(models.Order, name="Order")
class OrderType(relay.Node):
    number: str
    restaurant: RestaurantType
    customer: OrderPersonType
    items: list[OrderLineType] = strawberry_django.field(field_name="lines")
    events: list[OrderEventType]
    delivery: DeliveryType | None
    placed_at: datetime | None
    created_at: datetime
    accepted_at: datetime | None
    ready_at: datetime | None
    picked_up_at: datetime | None
    delivered_at: datetime | None
    closed_at: datetime | None
    collected_at: datetime | None = strawberry_django.field(
        description="When its customer collected a pickup order."
    )
    preparation_minutes: int | None
    estimated_delivery_at: datetime | None = strawberry_django.field(
        description="When it should arrive (a pickup order: be ready at the counter)."
    )
    scheduled_for: datetime | None = strawberry_django.field(
        description="The slot chosen at checkout; null: as soon as possible."
    )
    accept_by: datetime | None = strawberry_django.field(
        description="A scheduled order not accepted by then is cancelled and its card released."
    )
    status_changed_at: datetime = strawberry_django.field(
        description="When the status last changed: the resume point of restaurantOrders."
    )

    @strawberry_django.field(only=["status"])
    def status(self, root: models.Order) -> OrderStatusEnum:
        return OrderStatusEnum(root.status)

    @strawberry_django.field(only=["fulfilment"])
    def fulfilment(self, root: models.Order) -> FulfilmentEnum:
        return FulfilmentEnum(root.fulfilment)

    @strawberry_django.field(
        only=["pickup_code", "customer_id"],
        description="A pickup order's code, shown to its customer only: staff ask for it.",
    )
    def pickup_code(self, root: models.Order, info: Info) -> str | None:
        user = current_user(info)
        if not root.pickup_code or not user.is_authenticated or user.pk != root.customer_id:
            return None
        return root.pickup_code

    @strawberry_django.field(only=["subtotal", "currency"])
    def subtotal(self, root: models.Order) -> Money:
        return money(root.subtotal, root.currency)

    @strawberry_django.field(only=["delivery_fee", "currency"])
    def delivery_fee(self, root: models.Order) -> Money:
        return money(root.delivery_fee, root.currency)

    @strawberry_django.field(only=["small_order_fee", "currency"])
    def small_order_fee(self, root: models.Order) -> Money:
        return money(root.small_order_fee, root.currency)

    @strawberry_django.field(only=["service_fee", "currency"])
    def service_fee(self, root: models.Order) -> Money:
        return money(root.service_fee, root.currency)

    @strawberry_django.field(
        only=["discount", "currency"], description="Taken off the total (0 until promo codes)."
    )
    def discount(self, root: models.Order) -> Money:
        return money(root.discount, root.currency)

    @strawberry_django.field(only=["tip", "currency"])
    def tip(self, root: models.Order) -> Money:
        return money(root.tip, root.currency)

    @strawberry_django.field(only=["total", "currency"])
    def total(self, root: models.Order) -> Money:
        return money(root.total, root.currency)

    @strawberry_django.field(
        only=["delivery_address", "delivery_latitude", "delivery_longitude"],
        description="Where a delivery goes; null for a pickup order.",
    )
    def delivery_address(self, root: models.Order) -> OrderAddress | None:
        if root.delivery_latitude is None:
            return None
        return OrderAddress.from_snapshot(
            root.delivery_address, root.delivery_latitude, root.delivery_longitude
        )

    @strawberry_django.field(
        description="The card payment: its customer, its restaurant's staff and admins only "
        "(null for anyone else, such as its driver, and before a payment exists).",
        only=["customer_id", "restaurant_id"],
        prefetch_related=[lambda info: _payments_prefetch()],
    )
    def payment(self, root: models.Order, info: Info) -> OrderPayment | None:
        if not _may_see_money(info, root):
            return None
        payments = list(root.payments.all())
        return OrderPayment.from_model(payments[0]) if payments else None

    @strawberry_django.field(
        description="Money given back, oldest first: its customer, its restaurant's staff and "
        "admins only (empty for anyone else).",
        only=["customer_id", "restaurant_id"],
        prefetch_related=[lambda info: _payments_prefetch()],
    )
    def refunds(self, root: models.Order, info: Info) -> list[Refund]:
        if not _may_see_money(info, root):
            return []
        refunds = [
            (refund, payment.currency)
            for payment in root.payments.all()
            for refund in payment.refunds.all()
        ]
        refunds.sort(key=lambda pair: (pair[0].created_at, str(pair[0].pk)))
        return [Refund.from_model(refund, currency) for refund, currency in refunds]

    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        return queryset.filter(order_visibility(current_user(info)))


def _payments_prefetch() -> Prefetch:
    # Newest attempt first; refunds with them: two queries for a whole page of orders.
    return Prefetch(
        "payments",
        queryset=Payment.objects.order_by("-created_at", "-pk").prefetch_related(
            Prefetch("refunds", queryset=RefundModel.objects.order_by("created_at", "pk"))
        ),
    )


def _may_see_money(info: Info, order: models.Order) -> bool:
    # One test per operation (it reads the caller's restaurants once), kept in its context.
    context = info.context
    if isinstance(context, dict):
        viewer = context.get("order_money_viewer")
        if viewer is None:
            viewer = context["order_money_viewer"] = order_money_viewer(current_user(info))
        return viewer(order)
    viewer = getattr(context, "order_money_viewer", None)
    if viewer is None:
        viewer = order_money_viewer(current_user(info))
        context.order_money_viewer = viewer
    return viewer(order)


@strawberry.type(name="OrderConnection", description="A page of orders.")
class OrderConnection(KeysetPages, DjangoListConnection[OrderType]):
    @strawberry.field(description="How many orders the whole list holds.")
    def total_count(self) -> int:
        return total_of(self)
