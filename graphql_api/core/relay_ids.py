"""Global ids in, database ids out."""

import uuid

from strawberry import relay

from orders.errors import OrderNotFound


def decode_id(value: str | None, type_name: str) -> uuid.UUID | None:
    """The UUID a global id of `type_name` names, or None for anything else (malformed, another
    type's id): callers report None as "not found", never as a server error."""
    if not value:
        return None
    try:
        global_id = relay.GlobalID.from_id(value)
        if global_id.type_name != type_name:
            return None
        return uuid.UUID(global_id.node_id)
    except (ValueError, TypeError):
        return None


def order_id_or_raise(value: str | None, *, field: str = "orderId") -> uuid.UUID:
    """The order a global id names; anything else is an order that does not exist."""
    order_id = decode_id(value, "Order")
    if order_id is None:
        raise OrderNotFound(field=field)
    return order_id
