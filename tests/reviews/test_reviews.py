"""Ratings and reviews: a customer rates a delivered order once (and may change it within the
window), restaurants show a running average, reviews are listed newest first under first names,
the restaurant replies once, and staff hide abusive ones in the admin."""

import threading
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from strawberry import relay

from graphql_api.schema import schema
from orders.models import OrderStatus
from restaurants.models import StaffRole
from reviews.models import Review
from reviews.services import review_submit
from tests.factories import (
    AdminFactory,
    CustomerFactory,
    DeliveryFactory,
    DriverFactory,
    OrderFactory,
    RestaurantFactory,
    RestaurantStaffFactory,
)

pytestmark = pytest.mark.django_db

RATE = """mutation($input: RateOrderInput!) {
  rateOrder(input: $input) {
    review { id stars comment driverStars driverTags }
    errors { code field message }
  }
}"""
REVIEWS = """query($id: ID!, $first: Int, $after: String) {
  restaurantReviews(restaurantId: $id, first: $first, after: $after) {
    totalCount
    edges { cursor node { id stars comment reviewerName reply } }
  }
}"""
RATING = "query($id: ID!) { restaurant(id: $id) { rating { average count } } }"
REPLY = """mutation($id: ID!, $text: String!) {
  replyToReview(input: {reviewId: $id, text: $text}) { review { reply } errors { code } }
}"""


def gid(type_name: str, pk) -> str:
    return str(relay.GlobalID(type_name, str(pk)))


def delivered(restaurant=None, customer=None, *, days_ago: float = 0, **extra):
    when = timezone.now() - timedelta(days=days_ago)
    return OrderFactory(
        status=OrderStatus.DELIVERED,
        delivered_at=when,
        restaurant=restaurant or RestaurantFactory(),
        customer=customer or CustomerFactory(),
        **extra,
    )


def rate(gql, order, **fields):
    gql.login_as(order.customer)
    return gql.data(RATE, {"input": {"orderId": gid("Order", order.pk), **fields}})["rateOrder"]


def rating_of(gql, restaurant) -> dict:
    return gql.data(RATING, {"id": gid("Restaurant", restaurant.pk)})["restaurant"]["rating"]


def test_customers_rate_delivered_orders_and_the_average_follows_every_change(gql):
    restaurant = RestaurantFactory()
    first, second = delivered(restaurant), delivered(restaurant)

    assert rating_of(gql, restaurant) == {"average": None, "count": 0}
    assert rate(gql, first, stars=5, comment=" Still hot. ")["review"]["comment"] == "Still hot."
    rate(gql, second, stars=2)
    assert rating_of(gql, restaurant) == {"average": 3.5, "count": 2}

    changed = rate(gql, second, stars=4)  # a second rating of the same order changes it

    assert changed["errors"] == [] and changed["review"]["stars"] == 4
    assert Review.objects.filter(order=second).count() == 1
    assert rating_of(gql, restaurant) == {"average": 4.5, "count": 2}


@pytest.mark.parametrize(
    ("status", "days_ago"),
    [(OrderStatus.PLACED, 0), (OrderStatus.CANCELLED, 0), (OrderStatus.DELIVERED, 14.01)],
    ids=["placed", "cancelled", "after-the-window"],
)
def test_only_delivered_orders_within_the_window_are_rated(gql, status, days_ago):
    order = delivered(days_ago=days_ago)
    order.status = status
    order.save(update_fields=["status"])

    payload = rate(gql, order, stars=5)

    assert payload["review"] is None
    assert payload["errors"][0]["code"] == "REVIEW_NOT_ALLOWED"
    assert not Review.objects.exists()


def test_a_rating_after_the_window_cannot_change_the_one_given_in_time(gql):
    order = delivered(days_ago=13)
    rate(gql, order, stars=5)

    payload = review_submit_late(order)

    assert payload.code == "REVIEW_NOT_ALLOWED"
    assert Review.objects.get(order=order).stars == 5


def review_submit_late(order):
    from reviews.errors import ReviewNotAllowed

    with pytest.raises(ReviewNotAllowed) as refused:
        review_submit(
            customer=order.customer,
            order_id=order.pk,
            stars=1,
            now=order.delivered_at + timedelta(days=14, seconds=1),
        )
    return refused.value


def test_another_customers_order_is_not_found_and_nothing_is_stored(gql):
    order = delivered()
    gql.login_as(CustomerFactory())

    payload = gql.data(RATE, {"input": {"orderId": gid("Order", order.pk), "stars": 1}})

    assert payload["rateOrder"]["errors"][0]["code"] == "NOT_FOUND"
    assert not Review.objects.exists()


def test_bad_input_is_refused_field_by_field_and_nothing_is_stored(gql):
    order = delivered()

    payload = rate(gql, order, stars=6, driverStars=0, comment="x" * 1001)

    assert {(e["code"], e["field"]) for e in payload["errors"]} == {
        ("VALIDATION", "stars"),
        ("VALIDATION", "driverStars"),
        ("VALIDATION", "comment"),
    }
    assert not Review.objects.exists()


def test_the_driver_is_rated_privately_and_only_when_a_driver_brought_the_order(gql):
    without_driver = delivered()
    with_driver = delivered()
    driver = DriverFactory()
    DeliveryFactory(order=with_driver, driver=driver)

    refused = rate(gql, without_driver, stars=4, driverStars=5)
    rated = rate(gql, with_driver, stars=4, driverStars=2, driverTags=["LATE", "LATE", "RUDE"])

    assert refused["errors"] == [
        {"code": "VALIDATION", "field": "driverStars", "message": "No driver brought this order."}
    ]
    assert rated["review"]["driverStars"] == 2
    assert rated["review"]["driverTags"] == ["LATE", "RUDE"]
    assert Review.objects.get(order=with_driver).driver == driver
    public_fields = set(schema._schema.get_type("Review").fields)
    assert not public_fields & {"driverStars", "driverTags", "driver"}


@pytest.mark.parametrize("count", [3, 12])
def test_reviews_are_listed_newest_first_under_first_names_in_constant_queries(
    gql, django_assert_num_queries, count
):
    restaurant = RestaurantFactory()
    for index in range(count):
        order = delivered(restaurant, CustomerFactory(full_name=f"Ana{index} Costa Silva"))
        review_submit(
            customer=order.customer,
            order_id=order.pk,
            stars=4,
            comment=f"number {index}",
            now=timezone.now() + timedelta(minutes=index),
        )
    variables = {"id": gid("Restaurant", restaurant.pk), "first": 2}

    with django_assert_num_queries(3):  # the restaurant's check, the page, the count
        page = gql.data(REVIEWS, variables)["restaurantReviews"]
    after = gql.data(REVIEWS, {**variables, "after": page["edges"][-1]["cursor"]})

    names = [edge["node"]["reviewerName"] for edge in page["edges"]]
    assert names == [f"Ana{count - 1}", f"Ana{count - 2}"]
    assert page["totalCount"] == count
    assert after["restaurantReviews"]["edges"][0]["node"]["comment"] == f"number {count - 3}"


def test_the_restaurant_replies_once_by_its_owners_or_managers(gql):
    order = delivered()
    rate(gql, order, stars=2, comment="Cold")
    review = Review.objects.get(order=order)
    variables = {"id": gid("Review", review.pk), "text": "Sorry, we fixed the oven."}
    kitchen = RestaurantStaffFactory(restaurant=order.restaurant, role=StaffRole.STAFF).user
    other_owner = RestaurantStaffFactory(role=StaffRole.OWNER).user
    owner = RestaurantStaffFactory(restaurant=order.restaurant, role=StaffRole.OWNER).user

    refused = [gql.login_as(user).data(REPLY, variables) for user in (kitchen, other_owner)]
    replied = gql.login_as(owner).data(REPLY, variables)["replyToReview"]
    again = gql.login_as(owner).data(REPLY, {**variables, "text": "Again"})["replyToReview"]

    assert [each["replyToReview"]["errors"][0]["code"] for each in refused] == ["FORBIDDEN"] * 2
    assert replied == {"review": {"reply": "Sorry, we fixed the oven."}, "errors": []}
    assert again["errors"] == [{"code": "REVIEW_NOT_ALLOWED"}]
    public = gql.data(REVIEWS, {"id": gid("Restaurant", order.restaurant.pk)})
    assert public["restaurantReviews"]["edges"][0]["node"]["reply"] == "Sorry, we fixed the oven."


def test_staff_hide_a_review_with_a_reason_in_the_admin(client, gql):
    restaurant = RestaurantFactory()
    kept, abusive = delivered(restaurant), delivered(restaurant)
    rate(gql, kept, stars=5)
    rate(gql, abusive, stars=1, comment="abuse")
    review = Review.objects.get(order=abusive)
    client.force_login(AdminFactory())
    url = reverse("admin:reviews_review_changelist")
    chosen = {"action": "hide_reviews", "_selected_action": [str(review.pk)], "confirmed": "yes"}

    without_reason = client.post(url, chosen)
    assert without_reason.status_code == 200  # the confirmation page again, with the error
    assert Review.objects.get(pk=review.pk).hidden_at is None

    client.post(url, {**chosen, "reason": "Insults the staff"}, follow=True)

    review.refresh_from_db()
    assert review.hidden_reason == "Insults the staff" and review.hidden_by is not None
    assert LogEntry.objects.filter(object_id=str(review.pk)).exists()
    assert rating_of(gql, restaurant) == {"average": 5.0, "count": 1}
    listed = gql.data(REVIEWS, {"id": gid("Restaurant", restaurant.pk)})["restaurantReviews"]
    assert listed["totalCount"] == 1


def test_restaurants_are_filtered_and_sorted_by_rating(gql):
    top, middle, unrated = (RestaurantFactory(name=name) for name in ("Zeta", "Alfa", "Beta"))
    for restaurant, stars in ((top, 5), (top, 4), (middle, 3)):
        order = delivered(restaurant)
        review_submit(customer=order.customer, order_id=order.pk, stars=stars, now=timezone.now())
    query = "query($f: RestaurantFilter) { restaurants(first: 10, filter: $f) { edges { node { name rating { average } } } } }"  # noqa: E501

    def names(filter):
        edges = gql.data(query, {"f": filter})["restaurants"]["edges"]
        return [edge["node"]["name"] for edge in edges]

    assert names({"minRating": 4}) == ["Zeta"]
    assert names({"bestRatedFirst": True}) == ["Zeta", "Alfa", "Beta"]
    assert names({}) == ["Alfa", "Beta", "Zeta"]
    refused = gql.execute(query, {"f": {"minRating": 6}})
    assert refused.errors[0]["extensions"] == {"code": "VALIDATION", "field": "minRating"}


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_ratings_of_one_restaurant_are_all_counted():
    restaurant = RestaurantFactory()
    orders = [delivered(restaurant) for _ in range(4)]
    barrier = threading.Barrier(len(orders))
    failures = []

    def rate_in_thread(order, stars):
        try:
            barrier.wait(timeout=10)
            review_submit(
                customer=order.customer, order_id=order.pk, stars=stars, now=timezone.now()
            )
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=rate_in_thread, args=(order, stars))
        for order, stars in zip(orders, (5, 4, 3, 2), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert failures == []
    restaurant.rating.refresh_from_db()
    assert (restaurant.rating.count, restaurant.rating.stars_total) == (4, 14)
