import pytest

from tests.factories import AddressFactory, AdminFactory, CustomerFactory, DriverFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(AdminFactory())
    return client


def test_admin_finds_users_by_email_and_name_and_filters_by_role(admin_client):
    cora = CustomerFactory(email="cora@example.test", full_name="Cora Lopes")
    DriverFactory(email="dan@example.test", full_name="Dan Silva")

    by_name = admin_client.get("/admin/accounts/user/", {"q": "Lopes"}).content.decode()
    by_role = admin_client.get("/admin/accounts/user/", {"role__exact": "DRIVER"}).content.decode()

    assert cora.email in by_name and "dan@example.test" not in by_name
    assert "dan@example.test" in by_role and cora.email not in by_role


def test_the_password_hash_is_shown_read_only(admin_client):
    user = CustomerFactory()
    AddressFactory(user=user, line1="Rua das Flores 7")

    page = admin_client.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()

    assert "Rua das Flores 7" in page
    assert 'name="password"' not in page
    assert "argon2" in page  # the summary names the algorithm, never an editable hash
