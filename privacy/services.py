"""The person's rights over their data: a copy of all of it, and deletion of the account.

These span every app that holds something about a person (accounts, orders, notifications,
payments), so they live above them all. Deletion anonymises rather than removes: orders,
payments and the event log stay for accounting, with the person's name, addresses, notes and
exact drop-off points replaced; reviews keep their stars (the restaurants' ratings) but lose
their words; the email is freed for a new account.
"""

import json
import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Prefetch

from accounts.errors import InvalidCredentials
from accounts.models import (
    AccountToken,
    Address,
    DataExport,
    ExternalIdentity,
    RefreshToken,
    Role,
    User,
)
from accounts.services import sessions_end_all, token_version_bump
from core.errors import Conflict, Forbidden
from core.outbox import outbox_publish
from favourites.models import Favourite
from notifications.models import AccountMessage, Notification, NotificationPreference
from orders.models import Order, OrderEvent
from orders.transitions import TERMINAL
from payments.models import SavedPaymentMethod
from reviews.models import Review

DATA_EXPORT_REQUESTED_TOPIC = "privacy.data_export_requested"
DATA_EXPORT_READY_TOPIC = "privacy.data_export_ready"
# After a deletion commits: the Stripe Customer (and the cards saved on it) is deleted at Stripe.
ACCOUNT_DELETED_TOPIC = "privacy.account_deleted"
DELETED_NAME = "Deleted user"
# Drop-off points of a deleted person's orders keep two decimals (about 1 km): enough for
# statistics, not a home.
_COARSE = Decimal("0.01")


def data_export_request(*, user: User, now: datetime) -> DataExport:
    """Start a copy of everything held about the user; it is built by a task and a signed link
    to it is emailed to them."""
    with transaction.atomic():
        export = DataExport.objects.create(
            user=user,
            created_at=now,
            expires_at=now + timedelta(seconds=settings.DATA_EXPORT_LINK_SECONDS),
        )
        outbox_publish(topic=DATA_EXPORT_REQUESTED_TOPIC, payload={"export_id": str(export.pk)})
    return export


def data_export_build(*, export_id, now: datetime) -> DataExport | None:
    """Fill an export with the user's data and record that its link must be emailed. Safe to
    run twice: a ready export is left as it is."""
    with transaction.atomic():
        export = DataExport.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.ready_at is not None:
            return export
        export.content = json.loads(json.dumps(user_data(export.user_id), cls=DjangoJSONEncoder))
        export.ready_at = now
        export.save(update_fields=["content", "ready_at"])
        outbox_publish(topic=DATA_EXPORT_READY_TOPIC, payload={"export_id": str(export.pk)})
    return export


def user_data(user_id) -> dict:
    """Everything held about a person, as plain data (a constant number of queries)."""
    user = User.objects.get(pk=user_id)
    orders = (
        Order.objects.filter(customer_id=user_id)
        .select_related("restaurant")
        .prefetch_related(
            "lines", Prefetch("events", queryset=OrderEvent.objects.order_by("sequence"))
        )
        .order_by("created_at")
    )
    return {
        "profile": {
            "id": str(user.pk),
            "email": user.email,
            "emailVerifiedAt": user.email_verified_at,
            "fullName": user.full_name,
            "phone": user.phone,
            "phoneVerifiedAt": user.phone_verified_at,
            "role": user.role,
            "dateJoined": user.date_joined,
            "lastLogin": user.last_login,
        },
        "addresses": list(
            Address.objects.filter(user_id=user_id).values(
                "label",
                "line1",
                "line2",
                "city",
                "postal_code",
                "country",
                "latitude",
                "longitude",
                "created_at",
            )
        ),
        "orders": [
            {
                "number": order.number,
                "restaurant": order.restaurant.name,
                "status": order.status,
                "createdAt": order.created_at,
                "currency": order.currency,
                "subtotal": order.subtotal,
                "deliveryFee": order.delivery_fee,
                "tip": order.tip,
                "total": order.total,
                "deliveryAddress": order.delivery_address,
                "customerNote": order.customer_note,
                "lines": [
                    {
                        "name": line.name,
                        "quantity": line.quantity,
                        "unitPrice": line.unit_price,
                        "options": line.options,
                        "note": line.note,
                    }
                    for line in order.lines.all()
                ],
                "events": [
                    {"from": event.from_status, "to": event.to_status, "at": event.created_at}
                    for event in order.events.all()
                ],
            }
            for order in orders
        ],
        "notifications": list(
            Notification.objects.filter(recipient_id=user_id)
            .order_by("created_at")
            .values("kind", "title", "body", "created_at", "read_at")
        ),
        "notificationPreferences": NotificationPreference.objects.filter(user_id=user_id)
        .values("email_enabled", "sms_enabled", "push_enabled")
        .first(),
        "sessions": list(
            RefreshToken.objects.filter(user_id=user_id, revoked_at__isnull=True)
            .order_by("created_at")
            .values("device_name", "user_agent", "ip_prefix", "session_started_at", "created_at")
        ),
        "reviews": list(
            Review.objects.filter(customer_id=user_id)
            .order_by("created_at")
            .values("order__number", "stars", "comment", "driver_stars", "reply", "created_at")
        ),
        "favourites": list(
            Favourite.objects.filter(user_id=user_id)
            .order_by("created_at")
            .values("restaurant__name", "created_at")
        ),
        "savedCards": list(
            SavedPaymentMethod.objects.filter(user_id=user_id).values(
                "brand", "last4", "exp_month", "exp_year", "created_at"
            )
        ),
        "linkedSignIns": list(
            ExternalIdentity.objects.filter(user_id=user_id).values("provider", "created_at")
        ),
    }


def account_delete(*, user: User, password: str, now: datetime) -> None:
    """Delete a customer's account: confirmed with the password, refused while an order is
    under way. Personal data is replaced or removed; orders, payments and their event log stay;
    every session ends and open sockets close; the email is free for a new account."""
    if user.role != Role.CUSTOMER or user.is_staff or user.is_superuser:
        raise Forbidden("Staff, driver and admin accounts are closed by an admin.")
    if not user.check_password(password or ""):
        raise InvalidCredentials("The password is wrong.", field="password")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.deleted_at is not None:
            return
        if Order.objects.filter(customer=user).exclude(status__in=TERMINAL).exists():
            raise Conflict(
                "An order of yours is still under way: wait until it is delivered or cancel it."
            )
        for order in Order.objects.select_for_update().filter(customer=user):
            order.delivery_address = _anonymous_address(order.delivery_address)
            order.delivery_latitude = order.delivery_latitude.quantize(_COARSE)
            order.delivery_longitude = order.delivery_longitude.quantize(_COARSE)
            order.customer_note = ""
            order.save(
                update_fields=[
                    "delivery_address",
                    "delivery_latitude",
                    "delivery_longitude",
                    "customer_note",
                ]
            )
        Address.objects.filter(user=user).delete()
        Notification.objects.filter(recipient=user).delete()
        NotificationPreference.objects.filter(user=user).delete()
        AccountMessage.objects.filter(recipient=user).delete()
        AccountToken.objects.filter(user=user).delete()
        ExternalIdentity.objects.filter(user=user).delete()
        DataExport.objects.filter(user=user).delete()
        SavedPaymentMethod.objects.filter(user=user).delete()
        Favourite.objects.filter(user=user).delete()
        # Reviews stay (they make the restaurants' ratings), without the words, which may
        # name the person; their author is shown as the deleted user.
        Review.objects.filter(customer=user).update(comment="")
        outbox_publish(topic=ACCOUNT_DELETED_TOPIC, payload={"user_id": str(user.pk)})
        user.email = f"deleted-{uuid.uuid4().hex}@deleted.invalid"
        user.full_name = DELETED_NAME
        user.phone = ""
        user.email_verified_at = None
        user.phone_verified_at = None
        user.is_active = False
        user.deleted_at = now
        user.set_unusable_password()
        user.save()
        token_version_bump(user)
        sessions_end_all(user_id=user.pk, now=now)
        RefreshToken.objects.filter(user=user).update(device_name="", user_agent="", ip_prefix="")


def _anonymous_address(snapshot) -> dict:
    snapshot = snapshot if isinstance(snapshot, dict) else {}
    # The city and country stay (tax and statistics); the rest named a home.
    return {
        "label": "",
        "line1": "(deleted)",
        "line2": "",
        "city": snapshot.get("city", ""),
        "postal_code": "",
        "country": snapshot.get("country", ""),
    }
