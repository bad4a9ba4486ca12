"""The restaurant managers' console (/console/): owners and managers sign in with their own
account and reach their restaurants only — not by URL, search, autocomplete or crafted post."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from orders.models import OrderStatus
from restaurants.models import MenuCategory, MenuItem, RestaurantStaff, StaffRole
from tests.factories import (
    CustomerFactory,
    MenuItemFactory,
    OptionGroupFactory,
    OrderFactory,
    RestaurantStaffFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db

MENU = (
    """query($slug: String) { restaurant(slug: $slug) { menu { items { name isAvailable } } } }"""
)


@pytest.fixture
def two_kitchens():
    mine = MenuItemFactory(
        name="Bifana", category__restaurant__name="Mine", category__restaurant__slug="mine"
    )
    theirs = MenuItemFactory(name="Secret sauce", category__restaurant__name="Theirs")
    manager = RestaurantStaffFactory(restaurant=mine.restaurant, role=StaffRole.MANAGER).user
    return mine, theirs, manager


@pytest.fixture
def console(client, two_kitchens):
    client.force_login(two_kitchens[2])
    return client


def url(name, *args):
    return reverse(f"managers:{name}", args=args)


def test_the_demo_staff_account_signs_in(client):
    call_command("seed_demo")

    response = client.post(
        url("login"),
        {"username": "staff@demo.test", "password": "demo-pass-2026", "next": url("index")},
    )

    assert response.status_code == 302
    assert "Your restaurants" in client.get(url("index")).content.decode()


@pytest.mark.parametrize("who", ["kitchen staff", "customer"])
def test_only_owners_and_managers_sign_in(client, who):
    if who == "kitchen staff":
        user = RestaurantStaffFactory(role=StaffRole.STAFF).user
    else:
        user = CustomerFactory()

    page = client.post(url("login"), {"username": user.email, "password": "password-123"})

    assert client.get(url("index")).status_code == 302  # still asked to sign in
    assert page.status_code == 200


def test_lists_and_search_show_only_their_restaurants(console, two_kitchens):
    mine, theirs, _ = two_kitchens
    for name in ("restaurants_restaurant", "restaurants_menucategory", "restaurants_menuitem"):
        page = console.get(url(f"{name}_changelist")).content.decode()
        assert theirs.restaurant.name not in page and "Secret sauce" not in page
    found = console.get(url("restaurants_menuitem_changelist"), {"q": "Secret"}).content.decode()
    assert "Secret sauce" not in found and "0 menu items" in found
    assert "Bifana" in console.get(url("restaurants_menuitem_changelist")).content.decode()


def test_another_restaurants_pages_are_not_reachable_by_url(console, two_kitchens):
    _, theirs, _ = two_kitchens
    group = OptionGroupFactory(item=theirs)
    order = OrderFactory(restaurant=theirs.restaurant)
    for name, obj in [
        ("restaurants_restaurant", theirs.restaurant),
        ("restaurants_menucategory", theirs.category),
        ("restaurants_menuitem", theirs),
        ("restaurants_optiongroup", group),
        ("orders_order", order),
    ]:
        response = console.get(url(f"{name}_change", obj.pk))
        assert response.status_code == 302, name  # "doesn't exist", back to the index
        assert response.url == url("index")


def test_autocompletes_offer_only_their_rows(console, two_kitchens):
    def found(model_name, field_name, term):
        return [
            row["text"]
            for row in console.get(
                url("autocomplete"),
                {
                    "term": term,
                    "app_label": "restaurants",
                    "model_name": model_name,
                    "field_name": field_name,
                },
            ).json()["results"]
        ]

    assert found("menucategory", "restaurant", "") == ["Mine"]
    assert found("optiongroup", "item", "") == ["Bifana"]
    assert found("optiongroup", "item", "Secret") == []


def test_crafted_posts_about_another_restaurant_change_nothing(console, two_kitchens):
    mine, theirs, _ = two_kitchens
    order = OrderFactory(restaurant=theirs.restaurant, status=OrderStatus.ACCEPTED)

    category = console.post(
        url("restaurants_menucategory_add"),
        {
            "restaurant": str(theirs.restaurant_id),
            "name": "Injected",
            "position": "0",
            "items-TOTAL_FORMS": "0",
            "items-INITIAL_FORMS": "0",
        },
    )
    item = console.post(
        url("restaurants_menuitem_add"),
        {"category": str(theirs.category_id), "name": "Injected", "price": "100", "position": "0"},
    )
    console.post(
        url("restaurants_menuitem_changelist"),
        {"action": "mark_unavailable", "_selected_action": [str(theirs.pk)], "index": "0"},
    )
    console.post(
        url("orders_order_changelist"),
        {"action": "mark_ready", "_selected_action": [str(order.pk)], "confirmed": "yes"},
    )
    console.post(url("restaurants_restaurant_change", theirs.restaurant_id), {"phone": "1"})

    assert "Select a valid choice" in category.content.decode()
    assert "Select a valid choice" in item.content.decode()
    assert not MenuCategory.objects.filter(name="Injected").exists()
    assert not MenuItem.objects.filter(name="Injected").exists()
    theirs.refresh_from_db()
    order.refresh_from_db()
    theirs.restaurant.refresh_from_db()
    assert theirs.is_available is True
    assert order.status == OrderStatus.ACCEPTED
    assert theirs.restaurant.phone != "1"


def test_a_manager_marks_an_item_unavailable_and_the_menu_shows_it_at_once(
    console, two_kitchens, gql
):
    mine, _, _ = two_kitchens
    assert gql.data(MENU, {"slug": "mine"})["restaurant"]["menu"][0]["items"][0]["isAvailable"]

    console.post(
        url("restaurants_menuitem_changelist"),
        {"action": "mark_unavailable", "_selected_action": [str(mine.pk)], "index": "0"},
    )

    served = gql.data(MENU, {"slug": "mine"})["restaurant"]["menu"][0]["items"][0]
    assert served == {"name": "Bifana", "isAvailable": False}


def test_a_manager_moves_their_orders_and_cannot_refund(console, two_kitchens):
    mine, _, _ = two_kitchens
    order = OrderFactory(restaurant=mine.restaurant, status=OrderStatus.ACCEPTED)

    page = console.get(url("orders_order_change", order.pk)).content.decode()
    assert 'data-action="mark_ready"' in page and 'data-action="refund_order"' not in page
    console.post(
        url("orders_order_changelist"),
        {"action": "mark_ready", "_selected_action": [str(order.pk)], "confirmed": "yes"},
    )

    order.refresh_from_db()
    assert order.status == OrderStatus.READY_FOR_PICKUP


def test_a_manager_adds_a_team_member_by_email(console, two_kitchens):
    mine, _, _ = two_kitchens
    cook = StaffUserFactory(email="cook@example.test")
    page = console.get(url("restaurants_restaurant_change", mine.restaurant_id))
    assert "all users" not in page.content.decode()
    from tests.admin_forms import change_form_data

    data = change_form_data(page)
    data.update(
        {
            "memberships-TOTAL_FORMS": str(int(data["memberships-TOTAL_FORMS"]) + 1),
            f"memberships-{data['memberships-TOTAL_FORMS']}-email": "cook@example.test",
            f"memberships-{data['memberships-TOTAL_FORMS']}-role": "STAFF",
        }
    )

    response = console.post(url("restaurants_restaurant_change", mine.restaurant_id), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert RestaurantStaff.objects.get(user=cook).role == StaffRole.STAFF
