"""Leaving a restaurant's team: who may remove whom, through the service and the admin."""

import pytest

from accounts.revocation import user_access_changed_broadcast
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


def test_deleting_a_membership_in_the_admin_goes_through_the_service(
    client, django_capture_on_commit_callbacks
):
    restaurant = RestaurantFactory()
    membership = RestaurantStaffFactory(restaurant=restaurant, role=StaffRole.STAFF)
    client.force_login(AdminFactory())
    url = f"/admin/restaurants/restaurant/{restaurant.pk}/change/"
    page = client.get(url)
    data = change_form_data(page)
    data["memberships-0-DELETE"] = "on"

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not RestaurantStaff.objects.filter(pk=membership.pk).exists()
    # The service's mark: the removed user's open sockets are told after the commit.
    assert [
        callback.keywords
        for callback in callbacks
        if getattr(callback, "func", None) is user_access_changed_broadcast
    ] == [{"user_id": membership.user_id}]
