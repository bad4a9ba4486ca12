"""Leaving a restaurant's team: who may remove whom, through the service and the admin."""

import pytest
from django.forms import MultiWidget

from accounts.revocation import user_access_changed_broadcast
from restaurants.errors import NotRestaurantStaff
from restaurants.models import RestaurantStaff, StaffRole
from restaurants.services import restaurant_staff_remove
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
    data = _change_form_data(page)
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


def _change_form_data(page) -> dict:
    """What the browser would post back unchanged: the main form and every inline formset."""
    data = {}
    form = page.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(field.widget, MultiWidget):  # the admin's split date and time
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{index}"] = str(part)
        elif isinstance(value, (list, tuple)) or hasattr(value, "all"):
            data[name] = [str(getattr(item, "pk", item)) for item in value]
        else:
            data[name] = getattr(value, "pk", value)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = management.initial.get(name, "")
        for child in formset.forms:
            for name, field in child.fields.items():
                value = child.initial.get(name, field.initial)
                if value is not None:
                    data[f"{child.prefix}-{name}"] = getattr(value, "pk", value)
    return data
