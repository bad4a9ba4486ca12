"""The support and operations groups (made by a migration) and what each may do; the
dashboard's figures."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from core.models import FailedTask
from delivery.models import Delivery, DeliveryStatus
from orders.models import Order, OrderStatus
from payments.models import Payment, PaymentStatus
from tests.factories import AdminFactory, CustomerFactory, OrderFactory, UserFactory

pytestmark = pytest.mark.django_db


def platform_user(group: str):
    user = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=False)
    user.groups.add(Group.objects.get(name=group))
    return user


def _act(client, order, action, **fields):
    return client.post(
        reverse("admin:orders_order_changelist"),
        {"action": action, "_selected_action": [str(order.pk)], **fields},
        follow=True,
    )


def test_the_migration_made_both_groups():
    support = set(Group.objects.get(name="support").permissions.values_list("codename", flat=True))
    operations = set(
        Group.objects.get(name="operations").permissions.values_list("codename", flat=True)
    )

    assert {"view_order", "view_payment", "view_refund", "view_delivery", "view_restaurant"} <= (
        support
    )
    assert {"cancel_order", "refund_order"} <= support
    assert not {"manage_order", "refund_order_any_amount", "change_restaurant", "change_user"} & (
        support
    )
    assert {
        "manage_order",
        "refund_order_any_amount",
        "redispatch_order",
        "change_restaurant",
        "change_menuitem",
        "change_failedtask",
        "change_stripeevent",
    } <= operations


def test_support_looks_up_cancels_and_may_not_accept(client):
    client.force_login(platform_user("support"))
    order = OrderFactory(status=OrderStatus.PLACED)

    page = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert 'data-action="cancel_orders"' in page
    assert 'data-action="accept_orders"' not in page

    _act(client, order, "accept_orders", confirmed="yes", preparation_minutes="10")
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED  # the action is not theirs: nothing ran

    _act(client, order, "cancel_orders", confirmed="yes", reason="Customer asked")
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


def test_support_refunds_only_up_to_the_limit(client, settings):
    settings.SUPPORT_REFUND_LIMIT = 1000
    client.force_login(platform_user("support"))
    order = OrderFactory(status=OrderStatus.DELIVERED)
    Payment.objects.create(
        order=order,
        currency="EUR",
        amount=order.total,
        amount_authorized=order.total,
        amount_captured=order.total,
        status=PaymentStatus.CAPTURED,
        payment_method_id="pm",
        idempotency_key="k-limit",
        stripe_payment_intent_id="pi_limit",
    )

    page = _act(
        client,
        order,
        "refund_order",
        confirmed="yes",
        amount="10.01",
        reason="x",
        idempotency_key="admin-limit-1",
    ).content.decode()

    assert "you may refund up to 10.00 EUR; ask operations for more." in page
    assert not order.payments.get().refunds.exists()


def test_support_cannot_edit_the_catalogue(client):
    client.force_login(platform_user("support"))
    order = OrderFactory()
    url = reverse("admin:restaurants_restaurant_change", args=[order.restaurant_id])

    page = client.get(url).content.decode()
    refused = client.post(url, {"name": "Renamed"})

    assert 'name="_save"' not in page
    assert refused.status_code == 403


def test_operations_may_accept(client):
    client.force_login(platform_user("operations"))
    order = OrderFactory(status=OrderStatus.PLACED)

    page = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()

    assert 'data-action="accept_orders"' in page
    assert 'data-action="redispatch"' not in page  # placed orders have no delivery yet


def test_only_platform_staff_with_the_admin_role_sign_in(client):
    client.force_login(UserFactory(role=Role.CUSTOMER, is_staff=True))
    assert client.get(reverse("admin:index")).status_code == 302  # to the sign-in page
    client.force_login(CustomerFactory())
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_dashboard_counts_today_waiting_failed_and_payments(client):
    client.force_login(AdminFactory())
    now = timezone.now()
    OrderFactory.create_batch(2, status=OrderStatus.PLACED, created_at=now)
    yesterday = OrderFactory(status=OrderStatus.PLACED)
    Order.objects.filter(pk=yesterday.pk).update(created_at=now - timezone.timedelta(days=2))
    waiting = OrderFactory(status=OrderStatus.ACCEPTED, number="WAIT0001", created_at=now)
    Delivery.objects.create(order=waiting, status=DeliveryStatus.WAITING_FOR_DRIVER)
    FailedTask.objects.create(
        task_name="orders.tasks.stuck_thing", task_id="t-1", args=[], kwargs={}, exception="boom"
    )
    unknown = OrderFactory(number="UNKN0001", created_at=now)
    Payment.objects.create(
        order=unknown,
        currency="EUR",
        amount=1,
        status=PaymentStatus.UNKNOWN,
        payment_method_id="pm",
        idempotency_key="k-unknown",
    )

    page = client.get(reverse("admin:dashboard")).content.decode()

    assert "Orders today" in page and ": 4</h2>" in page
    assert "Waiting for a driver: 1" in page and "WAIT0001" in page
    assert "orders.tasks.stuck_thing" in page
    assert "UNKN0001" in page
    assert reverse("admin:dashboard") in client.get(reverse("admin:index")).content.decode()
