"""Orders in the admin: searchable, read-only history, actions through the services; and the
event log refuses edits in PostgreSQL itself."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from orders.models import OrderEvent, OrderStatus
from orders.services.lifecycle import order_transition
from tests.factories import AdminFactory, CustomerFactory, OrderFactory, RestaurantStaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_browser(client):
    client.force_login(AdminFactory())
    return client


def test_orders_are_found_by_number_customer_email_and_restaurant(admin_browser):
    wanted = OrderFactory(
        number="WANTED01",
        customer=CustomerFactory(email="hungry@example.test"),
        restaurant__name="Tasca do Zé",
    )
    other = OrderFactory(number="OTHER002", restaurant__name="Cantina")
    url = reverse("admin:orders_order_changelist")

    for term in (wanted.number, "hungry@example", wanted.restaurant.name):
        page = admin_browser.get(url, {"q": term}).content.decode()
        assert wanted.number in page
        assert other.number not in page


def test_orders_filter_by_status(admin_browser):
    placed = OrderFactory(status=OrderStatus.PLACED)
    delivered = OrderFactory(status=OrderStatus.DELIVERED)

    page = admin_browser.get(
        reverse("admin:orders_order_changelist"), {"status__exact": "DELIVERED"}
    ).content.decode()

    assert delivered.number in page
    assert placed.number not in page


def test_the_order_page_shows_its_history_read_only(admin_browser):
    order = OrderFactory(status=OrderStatus.PLACED)
    order_transition(
        order_id=order.pk,
        to_status=OrderStatus.REJECTED,
        actor=RestaurantStaffFactory(restaurant=order.restaurant).user,
        now=timezone.now(),
        reason="Kitchen on fire",
    )

    page = admin_browser.get(reverse("admin:orders_order_change", args=[order.pk]))

    assert page.status_code == 200
    content = page.content.decode()
    assert "Kitchen on fire" in content
    assert 'name="events-0-reason"' not in content  # no editable inline field


def test_the_cancel_action_goes_through_the_status_machine(admin_browser):
    cancellable = OrderFactory(status=OrderStatus.PLACED)
    finished = OrderFactory(status=OrderStatus.DELIVERED)

    response = admin_browser.post(
        reverse("admin:orders_order_changelist"),
        {"action": "cancel_orders", "_selected_action": [cancellable.pk, finished.pk]},
        follow=True,
    )

    cancellable.refresh_from_db()
    finished.refresh_from_db()
    assert cancellable.status == OrderStatus.CANCELLED
    assert OrderEvent.objects.get(order=cancellable).actor_role == "ADMIN"
    assert finished.status == OrderStatus.DELIVERED
    assert "cannot become cancelled" in response.content.decode()


def test_the_event_log_refuses_updates_and_deletes():
    order = OrderFactory(status=OrderStatus.PLACED)
    event = OrderEvent.objects.create(
        order=order, to_status="PLACED", actor_role="SYSTEM", sequence=1
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        OrderEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderEvent.objects.filter(pk=event.pk).delete()
    assert OrderEvent.objects.get(pk=event.pk).reason == ""


def test_deleting_an_actors_account_keeps_the_event_without_the_actor():
    staff = RestaurantStaffFactory()
    order = OrderFactory(status=OrderStatus.ACCEPTING, restaurant=staff.restaurant)
    order_transition(
        order_id=order.pk, to_status=OrderStatus.ACCEPTED, actor=staff.user, now=timezone.now()
    )

    staff.user.delete()

    event = OrderEvent.objects.get(order=order)
    assert event.actor is None
    assert event.actor_role == "RESTAURANT_STAFF"
