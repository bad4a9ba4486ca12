"""Devices: the signed-in user's sessions, the current one marked, and ending one."""

import pytest
from django.utils import timezone

from accounts.models import RefreshToken
from accounts.services import refresh_token_rotate
from tests.factories import DEFAULT_PASSWORD, CustomerFactory

pytestmark = pytest.mark.django_db

LOGIN = """mutation($email: String!, $password: String!, $name: String) { login(input: {
  email: $email, password: $password, deviceName: $name}) {
  accessToken refreshToken errors { code } } }"""
SESSIONS = """query($first: Int, $after: String) { mySessions(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id deviceName userAgent ipPrefix createdAt lastUsedAt current } } } }"""
END = """mutation($id: ID!) { endSession(input: {id: $id})
  { ok endedSessionId errors { code } } }"""
ME = "{ me { id } }"


def sign_in(client, gql, email, name, agent="TestApp/1.0"):
    response = client.post(
        "/graphql/",
        {
            "query": LOGIN,
            "variables": {"email": email, "password": DEFAULT_PASSWORD, "name": name},
        },
        content_type="application/json",
        headers={"User-Agent": agent},
    )
    return response.json()["data"]["login"]


def test_the_list_shows_each_device_once_and_marks_the_current_one(client, gql):
    user = CustomerFactory()
    phone = sign_in(client, gql, user.email, "Ana's phone", "FoodApp/2.1 iOS")
    laptop = sign_in(client, gql, user.email, "Laptop")
    # Refreshing keeps the session (one entry, same id), and moves its last use.
    refresh_token_rotate(refresh_token=phone["refreshToken"], now=timezone.now())

    gql.authenticate(laptop["accessToken"])
    page = gql.data(SESSIONS)["mySessions"]
    assert page["totalCount"] == 2
    nodes = {edge["node"]["deviceName"]: edge["node"] for edge in page["edges"]}
    assert nodes["Laptop"]["current"] is True
    assert nodes["Ana's phone"]["current"] is False
    assert nodes["Ana's phone"]["userAgent"] == "FoodApp/2.1 iOS"
    assert nodes["Ana's phone"]["ipPrefix"] == "127.0.0.0/24"
    assert nodes["Ana's phone"]["lastUsedAt"] >= nodes["Ana's phone"]["createdAt"]


def test_ending_a_session_refuses_its_tokens_and_leaves_the_others(client, gql):
    user = CustomerFactory()
    phone = sign_in(client, gql, user.email, "Phone")
    laptop = sign_in(client, gql, user.email, "Laptop")
    gql.authenticate(laptop["accessToken"])
    phone_id = next(
        edge["node"]["id"]
        for edge in gql.data(SESSIONS)["mySessions"]["edges"]
        if edge["node"]["deviceName"] == "Phone"
    )
    ended = gql.data(END, {"id": phone_id})["endSession"]
    assert ended == {"ok": True, "endedSessionId": phone_id, "errors": []}
    assert gql.execute(ME, token=phone["accessToken"]).data == {"me": None}
    assert gql.data(ME)["me"] is not None
    assert [e["node"]["deviceName"] for e in gql.data(SESSIONS)["mySessions"]["edges"]] == [
        "Laptop"
    ]


def test_another_users_session_is_not_found_and_stays_open(client, gql):
    owner, other = CustomerFactory(), CustomerFactory()
    sign_in(client, gql, owner.email, "Owner's phone")
    family = RefreshToken.objects.get(user=owner).family
    from strawberry import relay

    gql.login_as(other)
    answer = gql.data(END, {"id": str(relay.GlobalID("Session", str(family)))})["endSession"]
    assert answer["errors"] == [{"code": "NOT_FOUND"}]
    assert RefreshToken.objects.get(user=owner).revoked_at is None


@pytest.mark.parametrize("count", [2, 7])
def test_the_list_pages_with_keyset_cursors_in_constant_queries(
    client, gql, django_assert_num_queries, count
):
    user = CustomerFactory()
    for number in range(count):
        sign_in(client, gql, user.email, f"device {number}")
    gql.login_as(user)
    # The user and session check, the page, the count.
    with django_assert_num_queries(3):
        first = gql.data(SESSIONS, {"first": 1})["mySessions"]
    second = gql.data(SESSIONS, {"first": 100, "after": first["pageInfo"]["endCursor"]})
    seen = [first["edges"][0]["node"]["id"]] + [
        edge["node"]["id"] for edge in second["mySessions"]["edges"]
    ]
    assert len(seen) == len(set(seen)) == count


def test_anonymous_callers_get_not_authenticated(gql):
    result = gql.execute(SESSIONS)
    assert result.data is None
    assert result.errors[0]["extensions"]["code"] == "NOT_AUTHENTICATED"
