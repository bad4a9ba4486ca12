"""Reads of the orders app shaped for callers."""

from accounts.models import User
from orders.models import ActorRole, Delivery, Order
from restaurants.models import RestaurantStaff

# When a user holds several roles on an order, the event records the most specific one.
ROLE_PRECEDENCE = (
    ActorRole.CUSTOMER,
    ActorRole.RESTAURANT_STAFF,
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
    if RestaurantStaff.objects.filter(restaurant_id=order.restaurant_id, user_id=user.pk).exists():
        roles.add(ActorRole.RESTAURANT_STAFF)
    if Delivery.objects.filter(order_id=order.pk, driver_id=user.pk).exists():
        roles.add(ActorRole.DRIVER)
    return roles
