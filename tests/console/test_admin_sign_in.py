"""Both admin consoles' sign-in pages are limited like the API's `login` (the same counters):
a burst of wrong passwords locks the account out, even when the right one comes next."""

import pytest
from django.urls import reverse

from restaurants.models import StaffRole
from tests.accounts.test_sign_in import login
from tests.factories import DEFAULT_PASSWORD, AdminFactory, RestaurantStaffFactory

pytestmark = pytest.mark.django_db


def _sign_in(client, site, email, password):
    return client.post(
        reverse(f"{site}:login"),
        {"username": email, "password": password, "next": reverse(f"{site}:index")},
    )


@pytest.mark.parametrize(
    ("site", "make_user"),
    [
        ("admin", lambda: AdminFactory()),
        ("managers", lambda: RestaurantStaffFactory(role=StaffRole.MANAGER).user),
    ],
)
def test_twenty_five_wrong_passwords_then_the_right_one_is_refused(client, site, make_user):
    user = make_user()
    for _ in range(25):
        page = _sign_in(client, site, user.email, "wrong-password")
        assert page.status_code == 200

    right = _sign_in(client, site, user.email.upper(), DEFAULT_PASSWORD)

    assert right.status_code == 200  # not signed in
    assert "Too many" in right.content.decode()
    assert client.get(reverse(f"{site}:index")).status_code == 302


def test_a_few_wrong_passwords_then_the_right_one_signs_in(client):
    user = AdminFactory()
    for _ in range(3):
        assert (
            "Please enter the correct"
            in _sign_in(client, "admin", user.email, "wrong").content.decode()
        )

    assert _sign_in(client, "admin", user.email, DEFAULT_PASSWORD).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_and_the_api_count_the_same_failures(client, gql):
    user = AdminFactory()
    for _ in range(10):
        _sign_in(client, "admin", user.email, "wrong")

    result = login(gql, user.email)

    assert result["errors"][0]["code"] == "RATE_LIMITED"


def test_one_address_trying_many_accounts_is_limited(client, settings):
    settings.RATE_LIMIT_SIGN_IN_PER_IP = 5
    for number in range(5):
        _sign_in(client, "admin", f"nobody{number}@example.test", "wrong")

    page = _sign_in(client, "admin", "another@example.test", "wrong").content.decode()

    assert "Too many attempts" in page
