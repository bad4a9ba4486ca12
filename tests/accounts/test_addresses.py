import pytest

from accounts.models import Address
from tests.factories import AddressFactory, CustomerFactory

pytestmark = pytest.mark.django_db

ADD = """mutation($input: AddressInput!) { addAddress(input: $input) {
  address { id label line1 city postalCode country latitude longitude }
  errors { code field } } }"""
UPDATE = """mutation($input: UpdateAddressInput!) { updateAddress(input: $input) {
  address { id line1 } errors { code field } } }"""
DELETE = (
    "mutation($input: DeleteAddressInput!) { deleteAddress(input: $input) { ok errors { code } } }"
)
MY_ADDRESSES = "{ me { addresses { line1 latitude } } }"

VALID = {
    "label": "Work",
    "line1": "Rua Augusta 100",
    "city": "Lisbon",
    "postalCode": "1100-053",
    "country": "pt",
    "latitude": 38.7101,
    "longitude": -9.1366,
}


def test_add_address_saves_it_for_the_caller(gql):
    user = CustomerFactory()
    gql.login_as(user)

    result = gql.data(ADD, {"input": VALID})["addAddress"]

    assert result["errors"] == []
    assert result["address"]["country"] == "PT"
    assert result["address"]["latitude"] == pytest.approx(38.7101)
    assert gql.data(MY_ADDRESSES)["me"]["addresses"] == [
        {"line1": "Rua Augusta 100", "latitude": pytest.approx(38.7101)}
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"latitude": 91.0}, "latitude"),
        ({"latitude": -90.5}, "latitude"),
        ({"longitude": 180.01}, "longitude"),
        ({"line1": "   "}, "line1"),
        ({"city": ""}, "city"),
        ({"postalCode": ""}, "postalCode"),
        ({"country": "Portugal"}, "country"),
    ],
)
def test_invalid_addresses_are_refused_on_their_field_and_nothing_is_saved(gql, change, field):
    gql.login_as(CustomerFactory())

    result = gql.data(ADD, {"input": VALID | change})["addAddress"]

    assert result == {"address": None, "errors": [{"code": "VALIDATION", "field": field}]}
    assert not Address.objects.exists()


def test_a_missing_required_field_is_a_graphql_validation_error(gql):
    gql.login_as(CustomerFactory())
    incomplete = {k: v for k, v in VALID.items() if k != "city"}

    result = gql.execute(ADD, {"input": incomplete})

    assert result.errors and "city" in result.errors[0]["message"]
    assert not Address.objects.exists()


def test_anonymous_callers_cannot_add_addresses(gql):
    result = gql.data(ADD, {"input": VALID})["addAddress"]

    assert result["errors"] == [{"code": "NOT_AUTHENTICATED", "field": None}]


def test_nobody_can_change_or_delete_another_customers_address(gql):
    address = AddressFactory()
    gql.login_as(CustomerFactory())
    address_id = gql_id(address)

    updated = gql.data(UPDATE, {"input": VALID | {"id": address_id}})["updateAddress"]
    deleted = gql.data(DELETE, {"input": {"id": address_id}})["deleteAddress"]

    assert updated["errors"][0]["code"] == "NOT_FOUND"
    assert deleted == {"ok": False, "errors": [{"code": "NOT_FOUND"}]}
    address.refresh_from_db()
    assert address.line1 != VALID["line1"]


def test_the_owner_updates_and_deletes_their_address(gql):
    address = AddressFactory()
    gql.login_as(address.user)

    updated = gql.data(UPDATE, {"input": VALID | {"id": gql_id(address)}})["updateAddress"]
    assert updated["address"]["line1"] == "Rua Augusta 100"

    assert gql.data(DELETE, {"input": {"id": gql_id(address)}})["deleteAddress"]["ok"] is True
    assert not Address.objects.exists()


def gql_id(address) -> str:
    from strawberry import relay

    return str(relay.GlobalID("Address", str(address.pk)))
