"""The order's status machine: which moves exist and who may make each. The one place that
knows; every status change goes through `orders.services.lifecycle.order_transition`."""

from orders.errors import InvalidTransition
from orders.models import ActorRole, Fulfilment, Order, OrderStatus

S = OrderStatus
R = ActorRole
F = Fulfilment

# (from, to) -> roles allowed to make that move. SYSTEM is the payment webhook, time-outs and
# other automatic work; ADMIN may do anything a person may.
ALLOWED: dict[tuple[str, str], frozenset[str]] = {
    (S.PENDING_PAYMENT, S.PLACED): frozenset({R.SYSTEM}),
    (S.PENDING_PAYMENT, S.PAYMENT_FAILED): frozenset({R.SYSTEM}),
    (S.PENDING_PAYMENT, S.CANCELLED): frozenset({R.CUSTOMER, R.ADMIN, R.SYSTEM}),
    # Acceptance charges the card outside any lock: ACCEPTING while Stripe is asked, then
    # ACCEPTED once it confirms the capture, or PLACED again when it refuses. Nobody rejects or
    # cancels an order whose charge is in flight.
    (S.PLACED, S.ACCEPTING): frozenset({R.RESTAURANT_STAFF, R.ADMIN}),
    (S.ACCEPTING, S.ACCEPTED): frozenset({R.RESTAURANT_STAFF, R.ADMIN, R.SYSTEM}),
    (S.ACCEPTING, S.PLACED): frozenset({R.RESTAURANT_STAFF, R.ADMIN, R.SYSTEM}),
    (S.ACCEPTING, S.CANCELLED): frozenset({R.SYSTEM}),
    (S.PLACED, S.REJECTED): frozenset({R.RESTAURANT_STAFF, R.ADMIN}),
    (S.PLACED, S.CANCELLED): frozenset({R.CUSTOMER, R.RESTAURANT_STAFF, R.ADMIN, R.SYSTEM}),
    (S.ACCEPTED, S.READY_FOR_PICKUP): frozenset({R.RESTAURANT_STAFF, R.ADMIN}),
    # Cancelling once the card is captured refunds it all: the same people as refundOrder.
    (S.ACCEPTED, S.CANCELLED): frozenset({R.RESTAURANT_MANAGER, R.ADMIN}),
    (S.READY_FOR_PICKUP, S.PICKED_UP): frozenset({R.DRIVER, R.ADMIN}),
    (S.READY_FOR_PICKUP, S.CANCELLED): frozenset({R.RESTAURANT_MANAGER, R.ADMIN}),
    (S.PICKED_UP, S.DELIVERED): frozenset({R.DRIVER, R.ADMIN}),
    (S.PICKED_UP, S.CANCELLED): frozenset({R.ADMIN}),
    # A pickup order: ready at the counter, then handed to its customer by the staff, who check
    # the pickup code; one nobody collects is cancelled (and refunded) by its managers.
    (S.ACCEPTED, S.READY_FOR_COLLECTION): frozenset({R.RESTAURANT_STAFF, R.ADMIN}),
    (S.READY_FOR_COLLECTION, S.COLLECTED): frozenset({R.RESTAURANT_STAFF, R.ADMIN}),
    (S.READY_FOR_COLLECTION, S.CANCELLED): frozenset({R.RESTAURANT_MANAGER, R.ADMIN}),
}

# Moves that exist for one fulfilment only; every other move exists for both.
ONLY_FOR: dict[tuple[str, str], str] = {
    (S.ACCEPTED, S.READY_FOR_PICKUP): F.DELIVERY,
    (S.READY_FOR_PICKUP, S.PICKED_UP): F.DELIVERY,
    (S.READY_FOR_PICKUP, S.CANCELLED): F.DELIVERY,
    (S.PICKED_UP, S.DELIVERED): F.DELIVERY,
    (S.PICKED_UP, S.CANCELLED): F.DELIVERY,
    (S.ACCEPTED, S.READY_FOR_COLLECTION): F.PICKUP,
    (S.READY_FOR_COLLECTION, S.COLLECTED): F.PICKUP,
    (S.READY_FOR_COLLECTION, S.CANCELLED): F.PICKUP,
}

# When the food is ready: a driver's pickup, or the customer's collection at the counter.
READY_STATUS = {F.DELIVERY: S.READY_FOR_PICKUP, F.PICKUP: S.READY_FOR_COLLECTION}

TERMINAL = frozenset({S.DELIVERED, S.COLLECTED, S.CANCELLED, S.REJECTED, S.PAYMENT_FAILED})
# Statuses in which the card has been captured (acceptance captures it): cancelling from one
# refunds, from any earlier one releases the hold; the restaurant's revenue counts them.
CARD_CAPTURED_STATUSES = frozenset(
    {
        S.ACCEPTED,
        S.READY_FOR_PICKUP,
        S.PICKED_UP,
        S.DELIVERED,
        S.READY_FOR_COLLECTION,
        S.COLLECTED,
    }
)

# The timestamp each status stamps on the order when entered.
TIMESTAMP_FIELD = {
    S.PLACED: "placed_at",
    S.ACCEPTED: "accepted_at",
    S.READY_FOR_PICKUP: "ready_at",
    S.READY_FOR_COLLECTION: "ready_at",
    S.COLLECTED: "collected_at",
    S.PICKED_UP: "picked_up_at",
    S.DELIVERED: "delivered_at",
    S.CANCELLED: "closed_at",
    S.REJECTED: "closed_at",
    S.PAYMENT_FAILED: "closed_at",
}


def allowed_roles(fulfilment: str, from_status: str, to_status: str) -> frozenset[str] | None:
    """Who may make this move for an order of this fulfilment; None: no such move."""
    only = ONLY_FOR.get((from_status, to_status))
    if only is not None and only != fulfilment:
        return None
    return ALLOWED.get((from_status, to_status))


def is_allowed(
    from_status: str, to_status: str, roles: set[str], fulfilment: str = F.DELIVERY
) -> bool:
    return bool((allowed_roles(fulfilment, from_status, to_status) or frozenset()) & roles)


def ensure_allowed(order: Order, *, to: str, roles: set[str]) -> None:
    roles_allowed = allowed_roles(order.fulfilment, order.status, to)
    if roles_allowed is None:
        raise InvalidTransition(
            f"An order that is {OrderStatus(order.status).label.lower()} cannot become "
            f"{OrderStatus(to).label.lower()}."
        )
    if not roles_allowed & roles:
        raise InvalidTransition(
            f"You cannot move this order from {OrderStatus(order.status).label.lower()} to "
            f"{OrderStatus(to).label.lower()}."
        )
