from orders.models.background import FailedTask
from orders.models.delivery import Delivery, DeliveryOffer, DeliveryStatus, DriverState, OfferStatus
from orders.models.notification import (
    Notification,
    NotificationChannel,
    NotificationDelivery,
    NotificationPreference,
)
from orders.models.order import ActorRole, Order, OrderEvent, OrderLine, OrderStatus

__all__ = [
    "ActorRole",
    "Delivery",
    "DeliveryOffer",
    "DeliveryStatus",
    "DriverState",
    "FailedTask",
    "Notification",
    "NotificationChannel",
    "NotificationDelivery",
    "NotificationPreference",
    "OfferStatus",
    "Order",
    "OrderEvent",
    "OrderLine",
    "OrderStatus",
]
