"""Reads of the orders app shaped for callers."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce, TruncDate

from accounts.models import User
from core.dates import date_in_window
from core.errors import Forbidden, ValidationFailed
from orders.models import ActorRole, Fulfilment, Order, OrderStatus
from orders.transitions import CARD_CAPTURED_STATUSES
from restaurants.errors import RestaurantNotFound
from restaurants.models import Restaurant, StaffRole
from restaurants.selectors import restaurant_ids_staffed_by, user_is_restaurant_staff

# When a user holds several roles on an order, the event records the most specific one.
ROLE_PRECEDENCE = (
    ActorRole.CUSTOMER,
    ActorRole.RESTAURANT_STAFF,
    ActorRole.RESTAURANT_MANAGER,
    ActorRole.DRIVER,
    ActorRole.ADMIN,
    ActorRole.SYSTEM,
)


def actor_roles_for_order(order: Order, user: User | None) -> set[str]:
    """The roles `user` holds on this order; `None` is the system itself."""
    if user is None:
        return {ActorRole.SYSTEM}
    roles: set[str] = set()
    if not user.is_active:
        return roles
    if user.is_admin:
        roles.add(ActorRole.ADMIN)
    if order.customer_id == user.pk:
        roles.add(ActorRole.CUSTOMER)
    staff_roles = set(
        restaurant_ids_staffed_by(user)
        .filter(restaurant_id=order.restaurant_id)
        .values_list("role", flat=True)
    )
    if staff_roles:
        roles.add(ActorRole.RESTAURANT_STAFF)
    if staff_roles & {StaffRole.OWNER, StaffRole.MANAGER}:
        roles.add(ActorRole.RESTAURANT_MANAGER)
    # The delivery app (above this one) owns the Delivery rows; the relation is enough here.
    if Order.objects.filter(pk=order.pk, delivery__driver_id=user.pk).exists():
        roles.add(ActorRole.DRIVER)
    return roles


def order_visibility(user) -> Q:
    """The condition on Order rows that `user` may see: their own, their restaurants', the
    ones they deliver, and all of them for admins. Anyone else's order does not exist for them."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_admin:
        return Q()
    # Subqueries rather than joins: no duplicate rows, and the planner uses the FK indexes.
    return (
        Q(customer_id=user.pk)
        | Q(restaurant_id__in=restaurant_ids_staffed_by(user))
        | Q(pk__in=Order.objects.filter(delivery__driver_id=user.pk).values("pk"))
    )


def order_money_viewer(user):
    """Who may see an order's payment and refunds: its customer, its restaurant's staff and
    admins; not its driver, who sees the order to deliver it. Returns a test for one order,
    asking the database once (the caller's restaurants) however many orders it is put to."""
    if user is None or not user.is_authenticated or not user.is_active:
        return lambda order: False
    if user.is_admin:
        return lambda order: True
    staffed = {row["restaurant_id"] for row in restaurant_ids_staffed_by(user)}
    return lambda order: order.customer_id == user.pk or order.restaurant_id in staffed


def order_by_id(order_id) -> Order | None:
    return Order.objects.filter(pk=order_id).first()


def orders_visible_to(user) -> QuerySet[Order]:
    return Order.objects.filter(order_visibility(user))


def orders_for_customer(user: User) -> QuerySet[Order]:
    """The customer's own orders, newest first."""
    return Order.objects.filter(customer_id=user.pk).order_by("-created_at", "-pk")


def orders_for_restaurant(restaurant_id, status: str | None = None) -> QuerySet[Order]:
    """A restaurant's orders, newest first; orders still waiting for the card are not the
    kitchen's business until it is authorised, unless asked for by status."""
    orders = Order.objects.filter(restaurant_id=restaurant_id)
    if status is not None:
        orders = orders.filter(status=status)
    else:
        orders = orders.exclude(status=OrderStatus.PENDING_PAYMENT)
    return orders.order_by("-created_at", "-pk")


def user_may_see_restaurant_orders(user, restaurant_id) -> bool:
    """Staff of that restaurant and admins see its order list."""
    return user_is_restaurant_staff(user, restaurant_id)


def restaurant_orders_for(*, user, restaurant_id, status: str | None = None) -> QuerySet[Order]:
    """`orders_for_restaurant` for someone who may see it: its staff or an admin."""
    if not restaurant_id or not Restaurant.objects.filter(pk=restaurant_id).exists():
        raise RestaurantNotFound(field="restaurantId")
    if not user_may_see_restaurant_orders(user, restaurant_id):
        raise Forbidden("Only the restaurant's staff see its orders.", field="restaurantId")
    return orders_for_restaurant(restaurant_id, status=status)


# --- Analytics --------------------------------------------------------------------------------

STATS_MAX_DAYS = 366


@dataclass(frozen=True)
class DailyStats:
    day: date
    orders: int
    delivered: int
    cancelled: int
    revenue: int
    pickup_orders: int
    collected: int
    average_preparation_minutes: float | None
    average_delivery_minutes: float | None


def restaurant_daily_stats(*, restaurant_id, start: date, end: date, tz: str) -> list[DailyStats]:
    """One row per local day in [start, end] (both inclusive) of the restaurant's orders, by
    the day they were placed, aggregated in one SQL query. Days without orders are zeros."""
    zone = ZoneInfo(tz)
    rows = (
        Order.objects.filter(
            restaurant_id=restaurant_id,
            placed_at__gte=datetime.combine(start, time.min, zone),
            placed_at__lt=datetime.combine(end + timedelta(days=1), time.min, zone),
        )
        .annotate(day=TruncDate("placed_at", tzinfo=zone))
        .values("day")
        .annotate(
            orders=Count("pk"),
            delivered=Count("pk", filter=Q(status=OrderStatus.DELIVERED)),
            pickup_orders=Count("pk", filter=Q(fulfilment=Fulfilment.PICKUP)),
            collected=Count("pk", filter=Q(status=OrderStatus.COLLECTED)),
            cancelled=Count(
                "pk", filter=Q(status__in=(OrderStatus.CANCELLED, OrderStatus.REJECTED))
            ),
            revenue=Coalesce(Sum("total", filter=Q(status__in=CARD_CAPTURED_STATUSES)), 0),
            preparation=Avg(
                ExpressionWrapper(F("ready_at") - F("accepted_at"), output_field=DurationField())
            ),
            delivery=Avg(
                ExpressionWrapper(
                    F("delivered_at") - F("picked_up_at"), output_field=DurationField()
                )
            ),
        )
        .order_by("day")
    )
    by_day = {row["day"]: row for row in rows}
    days = []
    day = start
    while day <= end:
        row = by_day.get(day)
        days.append(
            DailyStats(
                day=day,
                orders=row["orders"] if row else 0,
                delivered=row["delivered"] if row else 0,
                cancelled=row["cancelled"] if row else 0,
                revenue=row["revenue"] if row else 0,
                pickup_orders=row["pickup_orders"] if row else 0,
                collected=row["collected"] if row else 0,
                average_preparation_minutes=_minutes(row["preparation"]) if row else None,
                average_delivery_minutes=_minutes(row["delivery"]) if row else None,
            )
        )
        day += timedelta(days=1)
    return days


def _minutes(duration: timedelta | None) -> float | None:
    return None if duration is None else round(duration.total_seconds() / 60, 1)


@dataclass(frozen=True)
class RestaurantStats:
    restaurant: Restaurant
    days: list[DailyStats]


def restaurant_stats_for(*, user, restaurant_id, start: date, end: date) -> RestaurantStats:
    """A restaurant's daily figures in its own time zone, for its staff and admins."""
    restaurant = Restaurant.objects.filter(pk=restaurant_id).first() if restaurant_id else None
    if restaurant is None:
        raise RestaurantNotFound(field="restaurantId")
    if not user_may_see_restaurant_orders(user, restaurant.pk):
        raise Forbidden("Only the restaurant's staff see its figures.", field="restaurantId")
    date_in_window(start, field="from")
    date_in_window(end, field="to")
    if end < start:
        raise ValidationFailed("The period ends before it starts.", field="to")
    if (end - start).days >= STATS_MAX_DAYS:
        raise ValidationFailed(f"Ask for at most {STATS_MAX_DAYS} days.", field="to")
    return RestaurantStats(
        restaurant=restaurant,
        days=restaurant_daily_stats(
            restaurant_id=restaurant.pk, start=start, end=end, tz=restaurant.time_zone
        ),
    )
