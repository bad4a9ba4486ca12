"""Lists that grow while an app pages through them keep their pages: cursors are the sort key
of their row (time, id), not a position, so a new order or notification never shifts the page
after the one an app has read."""

from datetime import timedelta

import pytest
from django.utils import timezone

from delivery.models import Delivery, DeliveryStatus
from notifications.models import Notification
from tests.factories import (
    CustomerFactory,
    DriverFactory,
    OrderFactory,
    RestaurantStaffFactory,
)

pytestmark = pytest.mark.django_db

PAGE = (
    "edges { cursor node { number } }"
    " pageInfo { hasNextPage hasPreviousPage endCursor startCursor }"
)
LISTS = {
    "myOrders": "query($first: Int, $after: String, $last: Int, $before: String) {"
    " myOrders(first: $first, after: $after, last: $last, before: $before) { " + PAGE + " } }",
    "restaurantOrders": "query($r: ID!, $first: Int, $after: String, $last: Int,"
    " $before: String) { restaurantOrders(restaurantId: $r, first: $first, after: $after,"
    " last: $last, before: $before) { " + PAGE + " } }",
    "myDeliveries": "query($first: Int, $after: String, $last: Int, $before: String) {"
    " myDeliveries(first: $first, after: $after, last: $last, before: $before) { " + PAGE + " } }",
}
INBOX = (
    "query($first: Int, $after: String) { myNotifications(first: $first, after: $after) {"
    " edges { cursor node { title } } pageInfo { hasNextPage endCursor } } }"
)

START = timezone.now() - timedelta(hours=1)


class Rows:
    """Orders of one list, created oldest first a minute apart (the list is newest first)."""

    def __init__(self, name: str):
        self.name = name
        self.driver = DriverFactory()
        self.staff = RestaurantStaffFactory()
        self.customer = CustomerFactory()
        self.count = 0

    def add(self):
        self.count += 1
        at = START + timedelta(minutes=self.count)
        order = OrderFactory(
            customer=self.customer,
            restaurant=self.staff.restaurant,
            number=f"N{self.count:04d}",
            status="DELIVERED",
        )
        type(order).objects.filter(pk=order.pk).update(created_at=at)
        Delivery.objects.create(
            order=order, driver=self.driver, status=DeliveryStatus.DELIVERED, assigned_at=at
        )
        return order

    def viewer(self):
        return {
            "myOrders": self.customer,
            "restaurantOrders": self.staff.user,
            "myDeliveries": self.driver,
        }[self.name]


def _page(gql, rows, variables):
    from strawberry import relay

    extra = {"r": str(relay.GlobalID("Restaurant", str(rows.staff.restaurant_id)))}
    if rows.name != "restaurantOrders":
        extra = {}
    return gql.data(LISTS[rows.name], {**extra, **variables})[rows.name]


@pytest.mark.parametrize("name", list(LISTS))
def test_new_rows_do_not_shift_the_next_page(gql, name):
    rows = Rows(name)
    for _ in range(5):
        rows.add()
    gql.login_as(rows.viewer())

    first = _page(gql, rows, {"first": 2})
    rows.add()  # arrives while the app reads page one
    rows.add()
    second = _page(gql, rows, {"first": 2, "after": first["pageInfo"]["endCursor"]})
    third = _page(gql, rows, {"first": 2, "after": second["pageInfo"]["endCursor"]})

    numbers = [edge["node"]["number"] for page in (first, second, third) for edge in page["edges"]]
    assert numbers == ["N0005", "N0004", "N0003", "N0002", "N0001"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert third["pageInfo"]["hasNextPage"] is False
    assert second["pageInfo"]["hasPreviousPage"] is True


@pytest.mark.parametrize("name", list(LISTS))
def test_last_and_before_page_backwards(gql, name):
    rows = Rows(name)
    for _ in range(5):
        rows.add()
    gql.login_as(rows.viewer())
    everything = _page(gql, rows, {"first": 5})
    oldest_cursor = everything["edges"][-1]["cursor"]

    before_oldest = _page(gql, rows, {"last": 2, "before": oldest_cursor})
    tail = _page(gql, rows, {"last": 2})

    assert [e["node"]["number"] for e in before_oldest["edges"]] == ["N0003", "N0002"]
    assert before_oldest["pageInfo"]["hasPreviousPage"] is True
    assert [e["node"]["number"] for e in tail["edges"]] == ["N0002", "N0001"]


def test_orders_at_the_same_instant_are_neither_skipped_nor_repeated(gql):
    rows = Rows("myOrders")
    orders = [rows.add() for _ in range(6)]
    type(orders[0]).objects.filter(pk__in=[o.pk for o in orders]).update(created_at=START)
    gql.login_as(rows.customer)

    seen, after = [], None
    for _ in range(4):
        page = _page(gql, rows, {"first": 4, "after": after} if after else {"first": 4})
        seen += [edge["node"]["number"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert sorted(seen) == sorted(o.number for o in orders)
    assert len(seen) == 6


def test_the_inbox_keeps_its_pages_while_notifications_arrive(gql):
    user = CustomerFactory()

    def notify(index):
        notification = Notification.objects.create(
            recipient=user, kind="ORDER_READY", title=f"T{index}", body="b", source_key=f"s{index}"
        )
        Notification.objects.filter(pk=notification.pk).update(
            created_at=START + timedelta(minutes=index)
        )

    for index in range(1, 6):
        notify(index)
    gql.login_as(user)

    first = gql.data(INBOX, {"first": 2})["myNotifications"]
    notify(6)
    second = gql.data(INBOX, {"first": 2, "after": first["pageInfo"]["endCursor"]})[
        "myNotifications"
    ]

    titles = [e["node"]["title"] for page in (first, second) for e in page["edges"]]
    assert titles == ["T5", "T4", "T3", "T2"]
