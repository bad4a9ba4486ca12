"""Password reset through GraphQL: the same answer for every email, a single-use, short-lived,
hashed token sent by email after commit, and every session ended when it is used."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import AccountToken, RefreshToken, TokenPurpose
from accounts.revocation import USER_ACCESS_CHANGED_TOPIC
from accounts.services import session_start, user_change_password
from core.models import OutboxMessage
from tests.accounts.account_helpers import emails_to, token_from_last_email
from tests.factories import DEFAULT_PASSWORD, CustomerFactory

pytestmark = pytest.mark.django_db

REQUEST = """mutation($email: String!) { requestPasswordReset(input: {email: $email})
  { ok errors { code field message } } }"""
RESET = """mutation($token: String!, $password: String!) {
  resetPassword(input: {token: $token, newPassword: $password}) { ok errors { code field } } }"""
LOGIN = """mutation($email: String!, $password: String!) {
  login(input: {email: $email, password: $password}) { accessToken errors { code } } }"""
ME = "{ me { email emailVerified } }"
NEW_PASSWORD = "a-brand-new-passphrase"


def request_reset(gql, email, capture):
    with capture(execute=True):
        return gql.data(REQUEST, {"email": email})["requestPasswordReset"]


def test_known_and_unknown_emails_get_the_same_answer_and_only_the_account_gets_mail(
    gql, django_capture_on_commit_callbacks
):
    user = CustomerFactory(email="ana@example.test")
    known = request_reset(gql, " Ana@Example.test ", django_capture_on_commit_callbacks)
    unknown = request_reset(gql, "nobody@example.test", django_capture_on_commit_callbacks)
    assert known == unknown == {"ok": True, "errors": []}
    assert [message.to for message in mail.outbox] == [[user.email]]
    assert "reset-password?token=" in mail.outbox[0].body


def test_the_token_is_stored_only_as_a_hash_and_not_in_the_outbox(
    gql, django_capture_on_commit_callbacks
):
    user = CustomerFactory()
    request_reset(gql, user.email, django_capture_on_commit_callbacks)
    token = token_from_last_email(user.email)
    row = AccountToken.objects.get(user=user, purpose=TokenPurpose.PASSWORD_RESET)
    assert token not in row.token_hash and len(row.token_hash) == 64
    assert all(token not in str(message.payload) for message in OutboxMessage.objects.all())


def test_resetting_sets_the_password_ends_every_session_and_spends_the_token(
    gql, django_capture_on_commit_callbacks
):
    user = CustomerFactory(email_verified_at=None)
    session = session_start(email=user.email, password=DEFAULT_PASSWORD, now=timezone.now())
    request_reset(gql, user.email, django_capture_on_commit_callbacks)
    token = token_from_last_email(user.email)

    with django_capture_on_commit_callbacks(execute=True):
        result = gql.data(RESET, {"token": token, "password": NEW_PASSWORD})["resetPassword"]
    assert result == {"ok": True, "errors": []}
    assert not RefreshToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    # Open sockets of the user re-check their token (and close) once this is relayed.
    assert OutboxMessage.objects.filter(
        topic=USER_ACCESS_CHANGED_TOPIC, payload={"user_id": str(user.pk)}
    ).exists()
    old = gql.execute(ME, token=session.access_token)
    assert old.data == {"me": None}
    assert gql.data(LOGIN, {"email": user.email, "password": DEFAULT_PASSWORD})["login"][
        "errors"
    ] == [{"code": "INVALID_CREDENTIALS"}]
    signed_in = gql.data(LOGIN, {"email": user.email, "password": NEW_PASSWORD})["login"]
    assert signed_in["errors"] == []
    # The link proved the address.
    assert gql.execute(ME, token=signed_in["accessToken"]).data["me"]["emailVerified"] is True
    again = gql.data(RESET, {"token": token, "password": "yet-another-passphrase"})
    assert again["resetPassword"]["errors"] == [{"code": "INVALID_TOKEN", "field": "token"}]


def test_an_expired_or_superseded_token_is_refused(gql, django_capture_on_commit_callbacks):
    user = CustomerFactory()
    request_reset(gql, user.email, django_capture_on_commit_callbacks)
    first = token_from_last_email(user.email)
    request_reset(gql, user.email, django_capture_on_commit_callbacks)
    second = token_from_last_email(user.email)
    assert first != second
    refused = gql.data(RESET, {"token": first, "password": NEW_PASSWORD})["resetPassword"]
    assert refused["errors"] == [{"code": "INVALID_TOKEN", "field": "token"}]

    AccountToken.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = gql.data(RESET, {"token": second, "password": NEW_PASSWORD})["resetPassword"]
    assert expired["errors"] == [{"code": "INVALID_TOKEN", "field": "token"}]
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_changing_the_password_another_way_ends_open_reset_tokens(
    gql, django_capture_on_commit_callbacks
):
    user = CustomerFactory()
    request_reset(gql, user.email, django_capture_on_commit_callbacks)
    token = token_from_last_email(user.email)
    user_change_password(
        user=user,
        current_password=DEFAULT_PASSWORD,
        new_password="changed-in-the-app-1",
        now=timezone.now(),
    )
    refused = gql.data(RESET, {"token": token, "password": NEW_PASSWORD})["resetPassword"]
    assert refused["errors"] == [{"code": "INVALID_TOKEN", "field": "token"}]


def test_a_weak_new_password_is_refused_and_the_token_stays_usable(
    gql, django_capture_on_commit_callbacks
):
    user = CustomerFactory()
    request_reset(gql, user.email, django_capture_on_commit_callbacks)
    token = token_from_last_email(user.email)
    weak = gql.data(RESET, {"token": token, "password": "short"})["resetPassword"]
    assert weak["errors"][0] == {"code": "VALIDATION", "field": "newPassword"}
    assert gql.data(RESET, {"token": token, "password": NEW_PASSWORD})["resetPassword"]["ok"]


def test_requests_are_limited_per_email_alike_for_unknown_ones(gql, settings):
    settings.RATE_LIMIT_ACCOUNT_MESSAGES_PER_MINUTE = 2
    for email in ("ghost@example.test", CustomerFactory().email):
        answers = [gql.data(REQUEST, {"email": email})["requestPasswordReset"] for _ in range(3)]
        assert [a["ok"] for a in answers] == [True, True, False]
        assert answers[2]["errors"][0]["code"] == "RATE_LIMITED"


def test_no_mail_is_sent_for_a_token_spent_before_its_message_went_out(
    gql, django_capture_on_commit_callbacks
):
    user = CustomerFactory()
    with django_capture_on_commit_callbacks(execute=False):
        gql.data(REQUEST, {"email": user.email})
    AccountToken.objects.filter(user=user).update(used_at=timezone.now())
    from notifications.tasks import notify_account_token_task

    notify_account_token_task(token_id=str(AccountToken.objects.get(user=user).pk))
    assert emails_to(user.email) == []


def test_expired_tokens_are_purged_by_the_daily_task(gql, django_capture_on_commit_callbacks):
    from accounts.tasks import purge_refresh_tokens_task

    user = CustomerFactory()
    request_reset(gql, user.email, django_capture_on_commit_callbacks)
    request_reset(gql, CustomerFactory().email, django_capture_on_commit_callbacks)
    AccountToken.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(seconds=1))
    purge_refresh_tokens_task()
    assert not AccountToken.objects.filter(user=user).exists()
    assert AccountToken.objects.count() == 1
