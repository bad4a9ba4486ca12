"""NUL characters (which PostgreSQL cannot store) are refused at the edge, for every input."""

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
