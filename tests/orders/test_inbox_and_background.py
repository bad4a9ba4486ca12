"""The in-app inbox through GraphQL; unpaid-order expiry; tasks that give up."""

from datetime import timedelta

import pytest
from celery import shared_task
from django.utils import timezone
from strawberry import relay

from core.failed_tasks import failed_task_retry
from core.models import FailedTask
from notifications.models import Notification
from orders.models import OrderStatus
from orders.services.maintenance import orders_expire_unpaid
from payments.models import Payment, PaymentStatus
from tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db

INBOX = """query($unread: Boolean) { myNotifications(first: 50, unreadOnly: $unread) {
  totalCount edges { node { id kind title readAt order { number } } } } }"""
MARK = """mutation($input: MarkNotificationsReadInput!) { markNotificationsRead(input: $input) {
  count errors { code } } }"""
PREFS = """mutation($input: UpdateNotificationPreferencesInput!) {
  updateNotificationPreferences(input: $input) {
    preferences { emailEnabled smsEnabled pushEnabled } errors { code } } }"""


def inbox_of(user, size):
    order = OrderFactory(customer=user)
    return [
        Notification.objects.create(
            recipient=user,
            kind="ORDER_READY",
            title=f"N{i}",
            body="b",
            order=order,
            source_key=f"s{i}",
        )
        for i in range(size)
    ]


@pytest.mark.parametrize("size", [2, 20])
def test_the_inbox_costs_the_same_queries_at_any_size(gql, django_assert_num_queries, size):
    user = CustomerFactory()
    inbox_of(user, size)
    gql.login_as(user)

    # the caller, the page, its orders (visible to the caller), the count
    with django_assert_num_queries(4):
        data = gql.data(INBOX)

    assert data["myNotifications"]["totalCount"] == size


def test_marking_read_touches_only_the_callers_own(gql):
    user, stranger = CustomerFactory(), CustomerFactory()
    mine = inbox_of(user, 2)
    theirs = inbox_of(stranger, 1)
    gql.login_as(user)
    ids = [str(relay.GlobalID("Notification", str(n.pk))) for n in (*mine, *theirs)]

    result = gql.data(MARK, {"input": {"ids": ids}})

    assert result["markNotificationsRead"] == {"count": 2, "errors": []}
    assert gql.data(INBOX, {"unread": True})["myNotifications"]["totalCount"] == 0
    assert Notification.objects.get(pk=theirs[0].pk).read_at is None


def test_nobody_reads_another_users_inbox_by_node_id(gql):
    theirs = inbox_of(CustomerFactory(), 1)[0]
    gql.login_as(CustomerFactory())

    result = gql.execute(
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": str(relay.GlobalID("Notification", str(theirs.pk)))},
    )

    assert result.data == {"node": None}
    assert result.errors[0]["extensions"]["code"] == "NOT_FOUND"


def test_the_inbox_needs_a_signed_in_user(gql):
    result = gql.execute(INBOX)

    assert result.errors[0]["extensions"]["code"] == "NOT_AUTHENTICATED"


def test_users_turn_channels_off(gql):
    gql.login_as(CustomerFactory())

    result = gql.data(PREFS, {"input": {"sms": False}})

    assert result["updateNotificationPreferences"]["preferences"] == {
        "emailEnabled": True,
        "smsEnabled": False,
        "pushEnabled": True,
    }


def test_unpaid_orders_expire_after_the_timeout_and_release_the_card(
    settings, django_capture_on_commit_callbacks
):
    settings.ORDER_PAYMENT_TIMEOUT_MINUTES = 30
    now = timezone.now()
    stale = OrderFactory(status=OrderStatus.PENDING_PAYMENT, created_at=now - timedelta(minutes=31))
    fresh = OrderFactory(status=OrderStatus.PENDING_PAYMENT, created_at=now - timedelta(minutes=5))
    # A payment that never reached Stripe: releasing it needs no network.
    held = Payment.objects.create(
        order=stale, currency="EUR", amount=stale.total, payment_method_id="pm", idempotency_key="k"
    )

    with django_capture_on_commit_callbacks(execute=True):
        expired = orders_expire_unpaid(now=now)

    stale.refresh_from_db()
    fresh.refresh_from_db()
    held.refresh_from_db()
    assert expired == 1
    assert (stale.status, fresh.status) == (OrderStatus.CANCELLED, OrderStatus.PENDING_PAYMENT)
    assert held.status == PaymentStatus.CANCELED


@shared_task(name="tests.always_fails", max_retries=0)
def always_fails_task(*, note):
    raise ValueError(f"broken: {note}")


def test_a_task_that_gives_up_is_recorded_and_can_run_again():
    always_fails_task.apply(kwargs={"note": "first"}, task_id="task-1")

    failed = FailedTask.objects.get(task_id="task-1")
    assert failed.task_name == "tests.always_fails"
    assert failed.kwargs == {"note": "first"}
    assert "broken: first" in failed.exception

    failed_task_retry(failed_task_id=failed.pk, now=timezone.now())

    failed.refresh_from_db()
    assert failed.retried_at is not None
    assert FailedTask.objects.count() == 2  # the retry failed again and was recorded too
