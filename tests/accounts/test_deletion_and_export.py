"""GDPR-style rights: a JSON copy of everything held about a person, emailed as a signed link,
and deleting the account (anonymised; orders, payments and the event log kept)."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Address, RefreshToken, User
from accounts.services import session_start
from notifications.models import Notification
from orders.models import Order, OrderEvent, OrderStatus
from privacy.services import user_data
from tests.factories import (
    DEFAULT_PASSWORD,
    AddressFactory,
    CustomerFactory,
    DriverFactory,
    OrderFactory,
    OrderLineFactory,
)

pytestmark = pytest.mark.django_db

EXPORT = "mutation { exportMyData { ok errors { code } } }"
DELETE = """mutation($password: String!) { requestAccountDeletion(input: {password: $password})
  { ok errors { code field } } }"""
REGISTER = """mutation($email: String!) { register(input: {email: $email,
  password: "a-long-passphrase", fullName: "Again"}) { errors { code field } } }"""
LINK = re.compile(r"(http://\S+/account/export/\S+/)")


def a_customer_with_history():
    user = CustomerFactory(full_name="Ana Silva")
    AddressFactory(user=user, line1="Rua Secreta 7")
    order = OrderFactory(
        customer=user,
        status=OrderStatus.DELIVERED,
        customer_note="Ring twice, Ana",
        delivery_address={"line1": "Rua Secreta 7", "city": "Lisbon", "country": "PT"},
    )
    OrderLineFactory(order=order, name="Caldo verde")
    OrderEvent.objects.create(
        order=order, from_status="", to_status=OrderStatus.PLACED, actor_role="SYSTEM", sequence=1
    )
    Notification.objects.create(
        recipient=user, kind="ORDER_DELIVERED", title="Delivered", body="Enjoy", source_key="e1"
    )
    return user, order


def test_the_export_is_emailed_as_a_signed_link_to_a_json_of_everything(
    client, gql, django_capture_on_commit_callbacks
):
    user, order = a_customer_with_history()
    gql.login_as(user)
    with django_capture_on_commit_callbacks(execute=True):
        assert gql.data(EXPORT)["exportMyData"] == {"ok": True, "errors": []}
    assert [message.to for message in mail.outbox] == [[user.email]]
    link = LINK.search(mail.outbox[0].body).group(1)

    response = client.get(link.removeprefix("http://127.0.0.1:8000"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = response.json()
    assert data["profile"]["email"] == user.email
    assert data["addresses"][0]["line1"] == "Rua Secreta 7"
    assert data["orders"][0]["number"] == order.number
    assert data["orders"][0]["lines"][0]["name"] == "Caldo verde"
    assert data["notifications"][0]["title"] == "Delivered"

    forged = link.removeprefix("http://127.0.0.1:8000").replace("/export/", "/export/x")
    assert client.get(forged).status_code == 404


@pytest.mark.parametrize("orders", [1, 4])
def test_the_export_reads_a_constant_number_of_queries(django_assert_num_queries, orders):
    user, _ = a_customer_with_history()
    for _ in range(orders):
        OrderLineFactory(order=OrderFactory(customer=user, status=OrderStatus.DELIVERED))
    # user, addresses, orders with restaurants, lines, events, notifications, preferences,
    # sessions, reviews, favourites, saved cards, linked sign-ins
    with django_assert_num_queries(12):
        user_data(user.pk)


def test_deleting_anonymises_the_person_and_keeps_orders_for_accounting(gql):
    user, order = a_customer_with_history()
    session = session_start(email=user.email, password=DEFAULT_PASSWORD, now=timezone.now())
    email = user.email
    gql.login_as(user)
    assert gql.data(DELETE, {"password": DEFAULT_PASSWORD})["requestAccountDeletion"] == {
        "ok": True,
        "errors": [],
    }
    user.refresh_from_db()
    assert user.deleted_at is not None and not user.is_active
    assert user.full_name == "Deleted user" and user.phone == "" and user.email != email
    assert not user.has_usable_password()
    assert not Address.objects.filter(user=user).exists()
    assert not Notification.objects.filter(recipient=user).exists()
    assert not RefreshToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    order.refresh_from_db()
    assert order.total == 2750 and order.events.count() == 1 and order.lines.count() == 1
    assert "Secreta" not in str(order.delivery_address) and order.customer_note == ""
    assert order.delivery_latitude == Decimal("38.72")
    assert gql.execute("{ me { id } }", token=session.access_token).data == {"me": None}
    # The address is free for a new account.
    assert gql.authenticate(None).data(REGISTER, {"email": email})["register"]["errors"] == []


def test_deletion_needs_the_password_and_changes_nothing_without_it(gql):
    user, _ = a_customer_with_history()
    gql.login_as(user)
    answer = gql.data(DELETE, {"password": "not-my-password"})["requestAccountDeletion"]
    assert answer["errors"] == [{"code": "INVALID_CREDENTIALS", "field": "password"}]
    user.refresh_from_db()
    assert user.deleted_at is None and user.full_name == "Ana Silva"


def test_deletion_waits_for_orders_under_way(gql):
    user, _ = a_customer_with_history()
    OrderFactory(customer=user, status=OrderStatus.PLACED)
    gql.login_as(user)
    answer = gql.data(DELETE, {"password": DEFAULT_PASSWORD})["requestAccountDeletion"]
    assert answer["errors"] == [{"code": "CONFLICT", "field": None}]
    assert User.objects.get(pk=user.pk).deleted_at is None


def test_drivers_and_staff_are_closed_by_an_admin(gql):
    gql.login_as(DriverFactory())
    answer = gql.data(DELETE, {"password": DEFAULT_PASSWORD})["requestAccountDeletion"]
    assert answer["errors"] == [{"code": "FORBIDDEN", "field": None}]


def test_staff_see_deletions_in_the_admin(client, gql):
    from tests.factories import AdminFactory

    user, _ = a_customer_with_history()
    gql.login_as(user)
    gql.data(DELETE, {"password": DEFAULT_PASSWORD})
    client.force_login(AdminFactory(is_superuser=True))
    page = client.get("/admin/accounts/user/?deleted=yes")
    assert page.status_code == 200
    assert "Deleted user" in page.content.decode()
    assert Order.objects.filter(customer=user).count() == 1
