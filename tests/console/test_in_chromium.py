"""The consoles in a real browser: Debian's chromium driven by Selenium through chromium-driver
against a live server (real PostgreSQL, Redis and localstripe). Staff sign in, find a placed
order, accept it and refund part of a delivered one; a manager marks an item unavailable and
the GraphQL menu shows it at once. Screenshots of the main pages go to docs/screenshots/
(written when missing or with UPDATE_SCREENSHOTS=1, so a test run leaves the tree clean).

`make test` installs chromium and chromium-driver with apt-get when they are missing; without
them (no root, no apt) these tests are skipped and say why."""

import base64
import json
import os
import shutil
import urllib.request
from pathlib import Path

import pytest
from django.utils import timezone

from orders.models import Order, OrderStatus
from orders.services.acceptance import order_accept
from payments.models import Refund
from restaurants.models import StaffRole
from tests.factories import DEFAULT_PASSWORD, AdminFactory, MenuItemFactory, RestaurantStaffFactory
from tests.orders.checkout_helpers import PLACE_ORDER, a_menu, checkout_input, line

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MENU = (
    """query($slug: String) { restaurant(slug: $slug) { menu { items { name isAvailable } } } }"""
)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        pytest.skip(
            "chromium and chromium-driver are not installed (make test installs them with "
            "apt-get on Debian when run as root or with passwordless sudo)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,900",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
    ):
        options.add_argument(argument)
    session = webdriver.Chrome(service=Service(driver), options=options)
    session.implicitly_wait(5)
    yield session
    session.quit()


@pytest.fixture
def page(browser, live_server):
    browser.delete_all_cookies()
    return Page(browser, live_server.url)


class Page:
    def __init__(self, browser, base_url: str):
        self.browser, self.base_url = browser, base_url

    def open(self, path: str):
        self.browser.get(self.base_url + path)

    def find(self, css: str):
        from selenium.webdriver.common.by import By

        return self.browser.find_element(By.CSS_SELECTOR, css)

    def type(self, css: str, text: str):
        field = self.find(css)
        field.clear()
        field.send_keys(text)

    def click(self, css: str):
        self.find(css).click()

    def text(self) -> str:
        return self.find("body").text

    def wait_for_text(self, wanted: str, timeout: float = 10) -> bool:
        """Whether the page shows `wanted` (any case) within `timeout`: after a submit the old
        page's elements go stale while the next one loads, so reading once can race it."""
        from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
        from selenium.webdriver.support.ui import WebDriverWait

        try:
            return WebDriverWait(
                self.browser, timeout, ignored_exceptions=(StaleElementReferenceException,)
            ).until(lambda _: wanted.lower() in self.text().lower())
        except TimeoutException:
            return False

    def sign_in(self, path: str, email: str):
        self.open(path)
        self.type("#id_username", email)
        self.type("#id_password", DEFAULT_PASSWORD)
        self.click("input[type=submit]")
        assert self.wait_for_text("Log out"), self.text()

    def screenshot(self, name: str) -> bytes:
        """A small JPEG of the window (Chromium encodes it), kept in docs/screenshots/."""
        shot = self.browser.execute_cdp_cmd(
            "Page.captureScreenshot", {"format": "jpeg", "quality": 55}
        )
        data = base64.b64decode(shot["data"])
        assert data[:2] == b"\xff\xd8" and len(data) < 300_000
        target = SCREENSHOTS / f"{name}.jpg"
        if os.environ.get("UPDATE_SCREENSHOTS") == "1" or not target.exists():
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return data


def _place_order(gql) -> Order:
    menu = a_menu(time_zone="Europe/Lisbon", name="Tasca da Esquina")
    gql.login_as(menu.customer)
    variables = {
        "input": checkout_input(
            menu,
            [line(menu.soup, 2), line(menu.pizza, 1, [menu.large, menu.olives])],
            payment_method_id="pm_card_visa",
        )
    }
    number = gql.data(PLACE_ORDER, variables)["placeOrder"]["order"]["number"]
    return Order.objects.get(number=number)


def test_staff_find_a_placed_order_accept_it_and_refund_part_of_a_delivered_one(
    page, gql, localstripe
):
    placed = _place_order(gql)
    delivered = _place_order(gql)
    order_accept(
        order_id=delivered.pk, actor=AdminFactory(), preparation_minutes=15, now=timezone.now()
    )
    Order.objects.filter(pk=delivered.pk).update(status=OrderStatus.DELIVERED)
    staff = AdminFactory(email="ops@example.test")

    page.sign_in("/admin/", staff.email)
    page.click("a[href='/admin/dashboard/']")
    assert "Orders today" in page.text()
    page.screenshot("platform-dashboard")

    page.open("/admin/orders/order/")
    page.type("#searchbar", placed.number)
    page.click("#changelist-search input[type=submit]")
    page.screenshot("platform-orders")
    page.click(f"a[href*='{placed.pk}']")
    assert "Size: Large (+3.00 EUR); Extras: Olives (+1.00 EUR)" in page.text()
    page.screenshot("platform-order")

    page.click("button[data-action=accept_orders]")
    page.type("input[name=preparation_minutes]", "20")
    page.screenshot("platform-accept-confirmation")
    page.click("input[value='Yes, do it']")
    assert "1 order(s) accepted." in page.text()
    placed.refresh_from_db()
    assert placed.status == OrderStatus.ACCEPTED

    page.open(f"/admin/orders/order/{delivered.pk}/change/")
    page.click("button[data-action=refund_order]")
    page.type("input[name=amount]", "5.00")
    page.type("textarea[name=reason]", "Soup arrived cold")
    page.screenshot("platform-refund-confirmation")
    page.click("input[value='Yes, do it']")
    assert "refund of 5.00 EUR succeeded" in page.text()
    refund = Refund.objects.get(payment__order=delivered)
    assert (refund.amount, refund.status) == (500, Refund.Status.SUCCEEDED)
    assert "Soup arrived cold" in page.text()  # back on the order page, the refund listed


def test_a_manager_marks_an_item_unavailable_and_the_menu_shows_it_at_once(page, live_server):
    item = MenuItemFactory(
        name="Bifana", category__restaurant__name="Cantina", category__restaurant__slug="cantina"
    )
    manager = RestaurantStaffFactory(restaurant=item.restaurant, role=StaffRole.MANAGER).user

    def served() -> dict:
        request = urllib.request.Request(  # noqa: S310 - the live server on loopback
            live_server.url + "/graphql/",
            data=json.dumps({"query": MENU, "variables": {"slug": "cantina"}}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return json.load(response)["data"]["restaurant"]["menu"][0]["items"][0]

    assert served() == {"name": "Bifana", "isAvailable": True}  # and now cached

    page.sign_in("/console/", manager.email)
    page.screenshot("managers-console")
    page.open("/console/restaurants/menuitem/")
    page.click(f"input[name=_selected_action][value='{item.pk}']")
    from selenium.webdriver.support.ui import Select

    Select(page.find("select[name=action]")).select_by_value("mark_unavailable")
    page.screenshot("managers-menu-items")
    page.click("button[name=index]")
    assert "1 item(s) marked unavailable." in page.text()

    assert served() == {"name": "Bifana", "isAvailable": False}
