"""Bearer tokens: expired, forged and tampered tokens make the caller anonymous, never a 500."""

from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from django.utils import timezone

from accounts.tokens import access_token_issue
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

ME = "{ me { email } }"
ADD_ADDRESS = """mutation { addAddress(input: {line1: "Rua A 1", city: "Lisbon", postalCode: "1100",
  country: "PT", latitude: 38.7, longitude: -9.1}) { address { id } errors { code } } }"""


def claims_for(user, **overrides):
    now = timezone.now()
    return {
        "sub": str(user.pk),
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=15)).timestamp()),
        "jti": "abc",
        "iss": settings.JWT_ISSUER,
        "typ": "access",
        "ver": user.token_version,
    } | overrides


def test_a_valid_token_identifies_the_user(gql):
    user = CustomerFactory()
    token, expires_at = access_token_issue(
        user_id=user.pk, version=user.token_version, now=timezone.now()
    )

    assert gql.execute(ME, token=token).data == {"me": {"email": user.email}}
    assert expires_at - timezone.now() <= timedelta(minutes=15)


def test_an_expired_token_is_anonymous(gql):
    user = CustomerFactory()
    token, _ = access_token_issue(
        user_id=user.pk, version=user.token_version, now=timezone.now() - timedelta(hours=1)
    )

    result = gql.execute(ME, token=token)

    assert result.status_code == 200
    assert result.data == {"me": None}


@pytest.mark.parametrize(
    "forge",
    [
        lambda claims: jwt.encode(claims, "another-key-of-sufficient-length-xx", algorithm="HS256"),
        lambda claims: jwt.encode(claims, None, algorithm="none"),
        lambda claims: jwt.encode(claims, settings.JWT_SIGNING_KEY * 2, algorithm="HS512"),
        lambda claims: jwt.encode(
            {k: v for k, v in claims.items() if k != "exp"},
            settings.JWT_SIGNING_KEY,
            algorithm="HS256",
        ),
    ],
    ids=["other-key", "alg-none", "other-algorithm", "no-expiry"],
)
def test_forged_tokens_are_anonymous(gql, forge):
    user = CustomerFactory()

    result = gql.execute(ME, token=forge(claims_for(user)))

    assert result.status_code == 200
    assert result.data == {"me": None}


def test_a_tampered_payload_breaks_the_signature(gql):
    victim, attacker = CustomerFactory(), CustomerFactory()
    token, _ = access_token_issue(
        user_id=attacker.pk, version=attacker.token_version, now=timezone.now()
    )
    header, _, signature = token.split(".")
    forged_payload = jwt.utils.base64url_encode(
        jwt.api_jws.json.dumps(claims_for(victim)).encode()
    ).decode()

    result = gql.execute(ME, token=f"{header}.{forged_payload}.{signature}")

    assert result.data == {"me": None}


def test_an_expired_token_is_told_apart_so_the_app_refreshes_instead_of_signing_out(gql):
    user = CustomerFactory()
    expired, _ = access_token_issue(
        user_id=user.pk, version=user.token_version, now=timezone.now() - timedelta(hours=1)
    )

    mutation = gql.execute(ADD_ADDRESS, token=expired).data["addAddress"]
    query = gql.execute("{ myOrders(first: 1) { totalCount } }", token=expired)

    assert mutation == {"address": None, "errors": [{"code": "TOKEN_EXPIRED"}]}
    assert query.errors[0]["extensions"]["code"] == "TOKEN_EXPIRED"


def test_a_token_of_an_older_version_is_refused_even_within_the_same_second(gql):
    """changePassword (or deactivation) bumps the version: a token issued in the very same
    wall-clock second, before the change, stops working at once."""
    user = CustomerFactory()
    now = timezone.now()
    before, _ = access_token_issue(user_id=user.pk, version=user.token_version, now=now)
    user.token_version += 1
    user.save(update_fields=["token_version"])
    after, _ = access_token_issue(user_id=user.pk, version=user.token_version, now=now)

    assert gql.execute(ME, token=before).data == {"me": None}
    assert gql.execute(ME, token=after).data == {"me": {"email": user.email}}


def test_protected_mutations_answer_not_authenticated_for_bad_tokens(gql):
    result = gql.execute(ADD_ADDRESS, token="garbage")

    assert result.status_code == 200
    assert result.data["addAddress"] == {"address": None, "errors": [{"code": "NOT_AUTHENTICATED"}]}


def test_a_deactivated_users_token_stops_working(gql):
    user = CustomerFactory()
    token, _ = access_token_issue(user_id=user.pk, version=user.token_version, now=timezone.now())
    user.is_active = False
    user.save()

    assert gql.execute(ME, token=token).data == {"me": None}
