"""An ended session's access token is refused at once, not only its refresh token.

Access tokens name their session (`sid`, the refresh-token family); logout, a refresh token
presented twice, a password change and deactivation end it, and the token check (HTTP and
WebSocket alike) looks the session up in the same single query that loads the user.
"""

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.revocation import USER_ACCESS_CHANGED_TOPIC
from accounts.services import user_deactivate
from accounts.tokens import access_token_decode
from core.models import OutboxMessage
from tests.accounts.test_sign_in import LOGIN, LOGOUT, ME, REFRESH
from tests.admin_forms import change_form_data
from tests.factories import DEFAULT_PASSWORD, AdminFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def sign_in(gql, user) -> dict:
    payload = gql.data(LOGIN, {"input": {"email": user.email, "password": DEFAULT_PASSWORD}})
    return payload["login"]


def me(gql, token):
    return gql.execute(ME, token=token).data["me"]


def test_access_tokens_name_their_session(gql):
    user = CustomerFactory()
    first, second = sign_in(gql, user), sign_in(gql, user)
    first_session = access_token_decode(first["accessToken"]).session_id
    assert first_session is not None
    assert first_session != access_token_decode(second["accessToken"]).session_id


def test_logout_refuses_that_sessions_access_token_and_no_other(gql):
    user = CustomerFactory()
    phone, laptop = sign_in(gql, user), sign_in(gql, user)

    gql.data(LOGOUT, {"input": {"refreshToken": phone["refreshToken"]}})

    assert me(gql, phone["accessToken"]) is None
    assert me(gql, laptop["accessToken"]) == {"email": user.email, "role": "CUSTOMER"}


def test_a_reused_refresh_token_refuses_every_access_token_of_its_session(gql):
    user = CustomerFactory()
    session = sign_in(gql, user)
    rotated = gql.data(REFRESH, {"input": {"refreshToken": session["refreshToken"]}})
    rotated = rotated["refreshToken"]
    assert me(gql, rotated["accessToken"]) is not None

    gql.data(REFRESH, {"input": {"refreshToken": session["refreshToken"]}})

    assert me(gql, session["accessToken"]) is None
    assert me(gql, rotated["accessToken"]) is None


def test_deactivation_ends_every_session(gql):
    user = CustomerFactory()
    session = sign_in(gql, user)

    user_deactivate(user_id=user.pk, now=timezone.now())

    assert me(gql, session["accessToken"]) is None
    refreshed = gql.data(REFRESH, {"input": {"refreshToken": session["refreshToken"]}})
    assert refreshed["refreshToken"]["errors"] == [{"code": "INVALID_TOKEN", "field": None}]


def test_the_session_check_costs_no_extra_query(gql, django_assert_num_queries):
    user = CustomerFactory()
    session = sign_in(gql, user)
    with django_assert_num_queries(1):
        assert me(gql, session["accessToken"]) is not None


def nudged_users() -> list[str]:
    messages = OutboxMessage.objects.filter(topic=USER_ACCESS_CHANGED_TOPIC)
    return [payload["user_id"] for payload in messages.values_list("payload", flat=True)]


@pytest.mark.parametrize(
    ("change", "ends_sessions"), [({"is_active": False}, True), ({"role": Role.DRIVER}, False)]
)
def test_saving_a_user_in_the_admin_tells_their_open_sockets(gql, client, change, ends_sessions):
    user = AdminFactory(email="ops@example.test")
    session = sign_in(gql, user)
    client.force_login(AdminFactory())
    url = f"/admin/accounts/user/{user.pk}/change/"
    data = change_form_data(client.get(url))
    data.pop("is_active", None)  # an unticked box is simply absent
    data.update({key: value for key, value in change.items() if value is not False})
    if change.get("is_active", True):
        data["is_active"] = "on"

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert str(user.pk) in nudged_users()
    assert (me(gql, session["accessToken"]) is None) is ends_sessions
