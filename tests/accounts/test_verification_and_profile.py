"""Verifying email and phone, changing the profile and the email, and what needs a verified
email (placing an order)."""

import pytest
from django.core import mail

from accounts.models import User
from tests.accounts.account_helpers import code_from_last_sms, sms_sent, token_from_last_email
from tests.factories import DEFAULT_PASSWORD, CustomerFactory

pytestmark = pytest.mark.django_db

REGISTER = """mutation($email: String!) { register(input: {email: $email,
  password: "a-long-passphrase", fullName: "Ana"}) { accessToken errors { code field } } }"""
VERIFY_EMAIL = """mutation($token: String!) { verifyEmail(input: {token: $token})
  { user { email emailVerified } errors { code field } } }"""
CHANGE_EMAIL = """mutation($email: String!, $password: String!) {
  changeEmail(input: {newEmail: $email, password: $password}) { ok errors { code field } } }"""
UPDATE_PROFILE = """mutation($input: UpdateProfileInput!) { updateProfile(input: $input)
  { user { fullName phone phoneVerified } errors { code field } } }"""
SEND_CODE = "mutation { sendPhoneVerification { ok errors { code field } } }"
VERIFY_PHONE = """mutation($code: String!) { verifyPhone(input: {code: $code})
  { user { phone phoneVerified } errors { code field } } }"""
ME = "{ me { email emailVerified phone phoneVerified } }"


@pytest.fixture
def sms_outbox(tmp_path, settings):
    settings.NOTIFY_LOG_OUTBOX = str(tmp_path / "outbox.jsonl")
    return tmp_path / "outbox.jsonl"


def test_sign_up_sends_a_verification_link_that_verifies_the_email(
    gql, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        token = gql.data(REGISTER, {"email": "new@example.test"})["register"]["accessToken"]
    gql.authenticate(token)
    assert gql.data(ME)["me"]["emailVerified"] is False
    link_token = token_from_last_email("new@example.test")
    # The link works on any device, signed in or not.
    verified = gql.authenticate(None).data(VERIFY_EMAIL, {"token": link_token})["verifyEmail"]
    assert verified == {"user": {"email": "new@example.test", "emailVerified": True}, "errors": []}
    again = gql.data(VERIFY_EMAIL, {"token": link_token})["verifyEmail"]
    assert again["errors"] == [{"code": "INVALID_TOKEN", "field": "token"}]


def test_a_new_email_is_adopted_only_once_its_link_is_followed(
    gql, django_capture_on_commit_callbacks
):
    user = CustomerFactory(email="old@example.test")
    gql.login_as(user)
    with django_capture_on_commit_callbacks(execute=True):
        asked = gql.data(CHANGE_EMAIL, {"email": "New@Example.test", "password": DEFAULT_PASSWORD})
    assert asked["changeEmail"] == {"ok": True, "errors": []}
    assert gql.data(ME)["me"]["email"] == "old@example.test"
    assert [message.to for message in mail.outbox] == [["new@example.test"]]

    token = token_from_last_email("new@example.test")
    changed = gql.data(VERIFY_EMAIL, {"token": token})["verifyEmail"]
    assert changed["user"] == {"email": "new@example.test", "emailVerified": True}
    assert User.objects.filter(email="old@example.test").count() == 0


def test_changing_email_needs_the_password_and_a_valid_address(gql):
    user = CustomerFactory()
    gql.login_as(user)
    wrong = gql.data(CHANGE_EMAIL, {"email": "x@example.test", "password": "not-it-at-all"})
    assert wrong["changeEmail"]["errors"] == [{"code": "INVALID_CREDENTIALS", "field": "password"}]
    bad = gql.data(CHANGE_EMAIL, {"email": "not an email", "password": DEFAULT_PASSWORD})
    assert bad["changeEmail"]["errors"] == [{"code": "VALIDATION", "field": "email"}]
    assert len(mail.outbox) == 0


def test_an_address_taken_by_another_account_gets_the_same_answer_and_no_mail(
    gql, django_capture_on_commit_callbacks
):
    taken = CustomerFactory().email
    gql.login_as(CustomerFactory())
    with django_capture_on_commit_callbacks(execute=True):
        answer = gql.data(CHANGE_EMAIL, {"email": taken, "password": DEFAULT_PASSWORD})
    assert answer["changeEmail"] == {"ok": True, "errors": []}
    assert len(mail.outbox) == 0


def test_updating_the_phone_unverifies_it_and_texts_a_code_that_verifies_it(
    gql, django_capture_on_commit_callbacks, sms_outbox
):
    user = CustomerFactory(full_name="Ana")
    gql.login_as(user)
    with django_capture_on_commit_callbacks(execute=True):
        updated = gql.data(
            UPDATE_PROFILE, {"input": {"fullName": "Ana Silva", "phone": "+351 912 345 678"}}
        )["updateProfile"]
    assert updated == {
        "user": {"fullName": "Ana Silva", "phone": "+351 912 345 678", "phoneVerified": False},
        "errors": [],
    }
    code = code_from_last_sms(sms_outbox, "+351 912 345 678")
    wrong = "000000" if code != "000000" else "111111"
    refused = gql.data(VERIFY_PHONE, {"code": wrong})["verifyPhone"]
    assert refused["errors"] == [{"code": "INVALID_TOKEN", "field": "code"}]
    verified = gql.data(VERIFY_PHONE, {"code": code})["verifyPhone"]
    assert verified["user"] == {"phone": "+351 912 345 678", "phoneVerified": True}


def test_phone_codes_die_after_too_many_wrong_tries(
    gql, django_capture_on_commit_callbacks, sms_outbox, settings
):
    settings.PHONE_VERIFICATION_MAX_ATTEMPTS = 3
    user = CustomerFactory(phone="+351 913 000 111", phone_verified_at=None)
    gql.login_as(user)
    with django_capture_on_commit_callbacks(execute=True):
        assert gql.data(SEND_CODE)["sendPhoneVerification"]["ok"] is True
    code = code_from_last_sms(sms_outbox, user.phone)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(3):
        gql.data(VERIFY_PHONE, {"code": wrong})
    late = gql.data(VERIFY_PHONE, {"code": code})["verifyPhone"]
    assert late["errors"] == [{"code": "INVALID_TOKEN", "field": "code"}]
    assert gql.data(ME)["me"]["phoneVerified"] is False
    assert [message["channel"] for message in sms_sent(sms_outbox)] == ["SMS"]


def test_bad_profile_input_changes_nothing_and_reports_every_field(gql):
    user = CustomerFactory(full_name="Ana")
    gql.login_as(user)
    result = gql.data(UPDATE_PROFILE, {"input": {"fullName": " ", "phone": "call me"}})
    assert {e["field"] for e in result["updateProfile"]["errors"]} == {"fullName", "phone"}
    user.refresh_from_db()
    assert user.full_name == "Ana" and user.phone_verified_at is not None


def test_placing_an_order_needs_a_verified_email(gql, localstripe):
    from tests.orders.checkout_helpers import PLACE_ORDER, a_menu, checkout_input, line

    menu = a_menu()
    User.objects.filter(pk=menu.customer.pk).update(email_verified_at=None)
    menu.customer.refresh_from_db()
    gql.login_as(menu.customer)
    variables = {"input": checkout_input(menu, [line(menu.soup, 1)], key="unverified-0001")}
    payload = gql.data(PLACE_ORDER, variables)["placeOrder"]
    assert payload["order"] is None
    assert payload["errors"][0]["code"] == "VERIFICATION_REQUIRED"
    assert payload["errors"][0]["field"] == "email"
    assert not menu.customer.orders.exists()
