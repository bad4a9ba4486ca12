"""Leaving a restaurant's team: who may remove whom, through the service and the admin."""

import pytest

from accounts.revocation import USER_ACCESS_CHANGED_TOPIC
from core.models import OutboxMessage
from restaurants.errors import NotRestaurantStaff
from restaurants.models import RestaurantStaff, StaffRole
from restaurants.services import restaurant_staff_remove
from tests.admin_forms import change_form_data
from tests.factories import AdminFactory, RestaurantFactory, RestaurantStaffFactory

pytestmark = pytest.mark.django_db


def test_an_owner_removes_a_team_member():
    restaurant = RestaurantFactory()
    owner = RestaurantStaffFactory(restaurant=restaurant, role=StaffRole.OWNER).user
    cook = RestaurantStaffFactory(restaurant=restaurant, role=StaffRole.STAFF).user

    restaurant_staff_remove(actor=owner, restaurant_id=restaurant.pk, user_id=cook.pk)

    assert not RestaurantStaff.objects.filter(user=cook).exists()


def test_plain_staff_cannot_remove_anyone():
    restaurant = RestaurantFactory()
    cook = RestaurantStaffFactory(restaurant=restaurant, role=StaffRole.STAFF).user
    other = RestaurantStaffFactory(restaurant=restaurant, role=StaffRole.STAFF).user

    with pytest.raises(NotRestaurantStaff):
        restaurant_staff_remove(actor=cook, restaurant_id=restaurant.pk, user_id=other.pk)

    assert RestaurantStaff.objects.filter(user=other).exists()


def test_deleting_a_membership_in_the_admin_goes_through_the_service(client):
    restaurant = RestaurantFactory()
    membership = RestaurantStaffFactory(restaurant=restaurant, role=StaffRole.STAFF)
    client.force_login(AdminFactory())
    url = f"/admin/restaurants/restaurant/{restaurant.pk}/change/"
    page = client.get(url)
    data = change_form_data(page)
    data["memberships-0-DELETE"] = "on"

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not RestaurantStaff.objects.filter(pk=membership.pk).exists()
    # The service's mark: the removed user's open sockets are to be told (the outbox).
    assert list(
        OutboxMessage.objects.filter(topic=USER_ACCESS_CHANGED_TOPIC).values_list(
            "payload", flat=True
        )
    ) == [{"user_id": str(membership.user_id)}]
