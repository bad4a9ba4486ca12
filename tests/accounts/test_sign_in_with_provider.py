"""Sign in with Google or Apple against a real JWKS endpoint on loopback, with keys the tests
generate: signature, issuer, audience, expiry and nonce checked; linking and creating accounts."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from accounts.models import ExternalIdentity, User
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

GOOGLE_ISSUER = "https://accounts.google.com"
APPLE_ISSUER = "https://appleid.apple.com"
CLIENT_ID = "food-app.apps.googleusercontent.com"
SIGN_IN = """mutation($input: SignInWithProviderInput!) { signInWithProvider(input: $input)
  { accessToken refreshToken user { email emailVerified fullName } errors { code field } } }"""


class Keys:
    def __init__(self):
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = f"kid-{id(self)}"
        self.fetches = 0

    def jwks(self) -> dict:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        return {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def sign(self, *, key=None, kid=None, **overrides) -> str:
        now = int(time.time())
        claims = {
            "iss": GOOGLE_ISSUER,
            "aud": CLIENT_ID,
            "sub": "google-sub-1",
            "iat": now,
            "exp": now + 600,
            "nonce": "nonce-1",
            "email": "ana@example.test",
            "email_verified": True,
            "name": "Ana From Google",
        }
        claims.update(overrides)
        claims = {name: value for name, value in claims.items() if value is not None}
        return jwt.encode(
            claims, key or self.private, algorithm="RS256", headers={"kid": kid or self.kid}
        )


@pytest.fixture
def provider_keys(settings):
    """A real JWKS endpoint on a free loopback port serving a key generated here."""
    keys = Keys()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            keys.fetches += 1
            body = json.dumps(keys.jwks()).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/keys"
    settings.OAUTH_GOOGLE_JWKS_URL = url
    settings.OAUTH_APPLE_JWKS_URL = url
    settings.OAUTH_GOOGLE_CLIENT_IDS = [CLIENT_ID]
    settings.OAUTH_APPLE_CLIENT_IDS = ["com.example.food"]
    yield keys
    server.shutdown()
    server.server_close()


def sign_in(gql, token, nonce="nonce-1", provider="GOOGLE", **extra):
    variables = {"input": {"provider": provider, "idToken": token, "nonce": nonce, **extra}}
    return gql.data(SIGN_IN, variables)["signInWithProvider"]


def test_a_new_person_gets_an_account_with_the_verified_email(gql, provider_keys):
    payload = sign_in(gql, provider_keys.sign())
    assert payload["errors"] == []
    assert payload["user"] == {
        "email": "ana@example.test",
        "emailVerified": True,
        "fullName": "Ana From Google",
    }
    assert payload["accessToken"] and payload["refreshToken"]
    user = User.objects.get(email="ana@example.test")
    assert not user.has_usable_password()
    assert ExternalIdentity.objects.filter(user=user, provider="GOOGLE").exists()


def test_the_linked_account_signs_in_again_and_keys_are_cached(gql, provider_keys):
    sign_in(gql, provider_keys.sign())
    again = sign_in(gql, provider_keys.sign(nonce="nonce-2", email="other@example.test"), "nonce-2")
    assert again["errors"] == [] and again["user"]["email"] == "ana@example.test"
    assert User.objects.count() == 1
    assert provider_keys.fetches == 1


def test_an_account_with_a_verified_email_is_linked(gql, provider_keys):
    existing = CustomerFactory(email="ana@example.test")
    payload = sign_in(gql, provider_keys.sign())
    assert payload["errors"] == []
    assert ExternalIdentity.objects.get(provider="GOOGLE").user == existing


def test_an_account_whose_email_nobody_proved_is_not_linked(gql, provider_keys):
    CustomerFactory(email="ana@example.test", email_verified_at=None)
    payload = sign_in(gql, provider_keys.sign())
    assert payload["errors"] == [{"code": "VERIFICATION_REQUIRED", "field": "email"}]
    assert payload["accessToken"] is None
    assert not ExternalIdentity.objects.exists()


@pytest.mark.parametrize(
    "claims",
    [
        {"iss": "https://accounts.evil.example"},
        {"aud": "someone-elses-app"},
        {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200},
        {"nonce": "another-nonce"},
        {"nonce": None},
        {"email_verified": False},
    ],
    ids=["issuer", "audience", "expired", "nonce", "no-nonce", "unverified-email"],
)
def test_a_token_failing_any_check_signs_nobody_in(gql, provider_keys, claims):
    payload = sign_in(gql, provider_keys.sign(**claims))
    assert payload["errors"] == [{"code": "INVALID_TOKEN", "field": "idToken"}]
    assert payload["accessToken"] is None
    assert not User.objects.exists()


def test_a_token_signed_with_another_key_is_refused(gql, provider_keys):
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = provider_keys.sign(key=stranger)
    assert sign_in(gql, forged)["errors"] == [{"code": "INVALID_TOKEN", "field": "idToken"}]
    unknown_kid = provider_keys.sign(key=stranger, kid="not-a-key-of-theirs")
    assert sign_in(gql, unknown_kid)["errors"] == [{"code": "INVALID_TOKEN", "field": "idToken"}]


def test_a_nonce_is_good_for_one_sign_in(gql, provider_keys):
    token = provider_keys.sign()
    assert sign_in(gql, token)["errors"] == []
    assert sign_in(gql, token)["errors"] == [{"code": "INVALID_TOKEN", "field": "idToken"}]


def test_apple_tokens_carry_the_hashed_nonce_and_the_name_comes_from_the_app(gql, provider_keys):
    import hashlib

    token = provider_keys.sign(
        iss=APPLE_ISSUER,
        aud="com.example.food",
        sub="apple-sub-1",
        nonce=hashlib.sha256(b"raw-nonce").hexdigest(),
        email="ana@privaterelay.appleid.com",
        email_verified="true",
        name=None,
    )
    payload = sign_in(gql, token, nonce="raw-nonce", provider="APPLE", fullName="Ana Apple")
    assert payload["errors"] == []
    assert payload["user"]["fullName"] == "Ana Apple"


def test_a_provider_without_client_ids_is_unavailable(gql, provider_keys, settings):
    settings.OAUTH_APPLE_CLIENT_IDS = []
    payload = sign_in(gql, provider_keys.sign(iss=APPLE_ISSUER), provider="APPLE")
    assert payload["errors"][0]["code"] == "PROVIDER_UNAVAILABLE"


def test_keys_out_of_reach_are_unavailable_not_invalid(gql, provider_keys, settings):
    settings.OAUTH_GOOGLE_JWKS_URL = "http://127.0.0.1:9/keys"  # the discard port: refused
    payload = sign_in(gql, provider_keys.sign())
    assert payload["errors"][0]["code"] == "PROVIDER_UNAVAILABLE"
