"""Staff screens for dispatch: lists with filters and the offers of a delivery, read-only."""

import pytest
from django.utils import timezone

from delivery.models import Delivery, DeliveryStatus
from delivery.services.dispatch import delivery_dispatch
from tests.delivery.dispatch_helpers import accepted_order, driver_at
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_logged_in(client):
    client.force_login(AdminFactory())
    return client


def test_deliveries_list_filters_by_status(admin_client_logged_in):
    driver = driver_at(1)
    offered = accepted_order()
    delivery_dispatch(order_id=offered.pk, now=timezone.now())
    waiting = accepted_order()
    delivery_dispatch(order_id=waiting.pk, now=timezone.now())

    response = admin_client_logged_in.get(
        "/admin/delivery/delivery/", {"status__exact": DeliveryStatus.WAITING_FOR_DRIVER}
    )

    assert response.status_code == 200
    assert waiting.number in response.text
    assert offered.number not in response.text
    detail = admin_client_logged_in.get(
        f"/admin/delivery/delivery/{Delivery.objects.get(order=offered).pk}/change/"
    )
    assert detail.status_code == 200
    assert str(driver) in detail.text


def test_driver_states_are_listed_and_cannot_be_edited(admin_client_logged_in):
    driver = driver_at(1)

    listing = admin_client_logged_in.get("/admin/delivery/driverstate/", {"is_available__exact": 1})
    change = admin_client_logged_in.post(
        f"/admin/delivery/driverstate/{driver.pk}/change/", {"is_available": ""}
    )

    assert listing.status_code == 200
    assert driver.email in listing.text
    assert change.status_code == 403
