"""Input refused at the edge before it is read: NUL characters (which PostgreSQL cannot store)
in any string, and lists longer than any argument needs."""

import pytest

from accounts.models import User
from tests.factories import CustomerFactory, RestaurantFactory

pytestmark = pytest.mark.django_db

REGISTER = """mutation($input: RegisterInput!) { register(input: $input) {
  accessToken errors { code } } }"""
LOGIN = """mutation($input: LoginInput!) { login(input: $input) { accessToken errors { code } } }"""
SEARCH = "query($q: String) { restaurants(first: 5, filter: {search: $q}) { totalCount } }"
ADD_ADDRESS = """mutation($input: AddressInput!) { addAddress(input: $input) {
  address { id } errors { code } } }"""


def refused(result) -> bool:
    """Refused as a whole, before execution, naming the NUL character."""
    return (
        result.data is None
        and len(result.errors) == 1
        and result.errors[0]["extensions"]["code"] == "VALIDATION"
        and "NUL" in result.errors[0]["message"]
    )


def test_register_with_a_nul_in_any_field_is_refused_and_creates_nothing(gql):
    for field in ("email", "password", "fullName", "phone"):
        values = {
            "email": "nul@example.test",
            "password": "a-long-unusual-passphrase",
            "fullName": "Nul Person",
            "phone": "+351 912 345 678",
        }
        values[field] = values[field][:3] + "\x00" + values[field][3:]

        assert refused(gql.execute(REGISTER, {"input": values})), field
    assert not User.objects.filter(email__startswith="nul").exists()


def test_login_and_search_with_nul_bytes_are_validation_errors(gql):
    RestaurantFactory(name="Casa")

    assert refused(gql.execute(LOGIN, {"input": {"email": "a\x00@b.c", "password": "x"}}))
    assert refused(gql.execute(SEARCH, {"q": "Ca\x00sa"}))


def test_a_nul_escaped_inside_the_document_itself_is_refused(gql):
    assert refused(
        gql.execute('{ restaurants(first: 5, filter: {search: "Ca\\u0000sa"}) { totalCount } }')
    )


def test_nested_input_objects_are_checked_too(gql):
    gql.login_as(CustomerFactory())
    address = {
        "line1": "Rua A 1",
        "city": "Lis\x00bon",
        "postalCode": "1100",
        "country": "PT",
        "latitude": 38.7,
        "longitude": -9.1,
    }

    assert refused(gql.execute(ADD_ADDRESS, {"input": address}))


def test_a_huge_list_is_refused_before_it_is_read(gql):
    """30,000 opening-hour spans took 3.4 s to coerce before the 28-span rule could say no."""
    restaurant = RestaurantFactory()
    gql.login_as(CustomerFactory())
    hours = [{"weekday": 0, "opensAt": "10:00", "closesAt": "11:00"}] * 30_000

    result = gql.execute(
        """mutation($input: SetOpeningHoursInput!) { setOpeningHours(input: $input) {
          errors { code } } }""",
        {"input": {"restaurantId": "UmVzdGF1cmFudDox", "hours": hours}},
    )

    assert result.data is None
    assert result.errors[0]["extensions"]["code"] == "VALIDATION"
    assert "at most 200" in result.errors[0]["message"]
    assert restaurant.opening_hours.count() == 0
