"""Messages about the account itself: reset links, verification links and codes, data exports.

Sent at most once per (source, channel) like notifications (claim, send with the message id as
idempotency key, mark SENT), always (the person asked for them), to the address being proven.
Their text carries a secret and is rebuilt from the token at each send, never stored.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.account_tokens import account_token_secret
from accounts.exports import data_export_link
from accounts.models import AccountToken, DataExport, TokenPurpose
from notifications.models import AccountMessage, AccountMessageKind, NotificationChannel
from notifications.providers import OutgoingMessage, ProviderError, provider_for
from notifications.services import NOTIFICATIONS, Status

logger = logging.getLogger(__name__)


def _text(kind: str, secret: str) -> tuple[str, str]:
    base = settings.ACCOUNT_LINK_BASE_URL.rstrip("/")
    minutes = {
        TokenPurpose.PASSWORD_RESET: settings.PASSWORD_RESET_TOKEN_SECONDS // 60,
        TokenPurpose.PHONE_VERIFICATION: settings.PHONE_VERIFICATION_CODE_SECONDS // 60,
    }
    if kind == AccountMessageKind.PASSWORD_RESET:
        return (
            "Reset your password",
            f"Someone asked to reset the password of your account. To choose a new one, open "
            f"{base}/reset-password?token={secret} within {minutes[kind]} minutes. If it was not "
            "you, ignore this message: your password stays as it is.",
        )
    if kind == AccountMessageKind.EMAIL_VERIFICATION:
        return (
            "Confirm your email address",
            f"Confirm that this is your email address: open {base}/verify-email?token={secret}",
        )
    if kind == AccountMessageKind.PHONE_VERIFICATION:
        return (
            "Your code",
            f"Your Food Delivery code is {secret}. It expires in {minutes[kind]} minutes.",
        )
    return (
        "Your data is ready",
        f"The copy of everything we hold about you is ready to download until the link "
        f"expires: {secret}",
    )


def account_token_message_send(*, token_id, now: datetime) -> AccountMessage | None:
    """Send the message of an account token (once); nothing if it was spent or ended first."""
    token = AccountToken.objects.select_related("user").filter(pk=token_id).first()
    if token is None or token.used_at is not None or token.expires_at <= now:
        return None
    channel = (
        NotificationChannel.SMS
        if token.purpose == TokenPurpose.PHONE_VERIFICATION
        else NotificationChannel.EMAIL
    )
    message, _ = AccountMessage.objects.get_or_create(
        source_key=f"account-token:{token.pk}",
        channel=channel,
        defaults={"recipient": token.user, "kind": token.purpose, "to": token.target},
    )
    _send(message, lambda: account_token_secret(token))
    return message


def data_export_message_send(*, export_id) -> AccountMessage | None:
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.ready_at is None or not export.user.email:
        return None
    message, _ = AccountMessage.objects.get_or_create(
        source_key=f"data-export:{export.pk}",
        channel=NotificationChannel.EMAIL,
        defaults={
            "recipient": export.user,
            "kind": AccountMessageKind.DATA_EXPORT_READY,
            "to": export.user.email,
        },
    )
    _send(message, lambda: data_export_link(export))
    return message


def _send(message: AccountMessage, secret) -> None:
    claimed = AccountMessage.objects.filter(
        pk=message.pk, status__in=(Status.PENDING, Status.SENDING)
    ).update(status=Status.SENDING, attempts=message.attempts + 1)
    if not claimed:
        return
    title, body = _text(message.kind, secret())
    try:
        if message.channel == NotificationChannel.EMAIL:
            email = EmailMultiAlternatives(
                subject=title,
                body=render_to_string(
                    "notifications/email.txt", {"title": title, "body": body, "order_number": ""}
                ),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[message.to],
                headers={"Message-ID": f"<{message.pk}@accounts.food-delivery>"},
            )
            email.send()
        else:
            provider_for(message.channel).send(
                OutgoingMessage(
                    idempotency_key=str(message.pk),
                    channel=message.channel,
                    to=message.to,
                    title=title,
                    body=body,
                )
            )
    except (ProviderError, OSError) as error:
        AccountMessage.objects.filter(pk=message.pk).update(
            status=Status.PENDING, last_error=str(error)[:2000]
        )
        NOTIFICATIONS.labels(message.channel, "failed").inc()
        raise ConnectionError(f"{message.channel} provider failed: {error}") from error
    AccountMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(
        status=Status.SENT, sent_at=timezone.now(), last_error=""
    )
    NOTIFICATIONS.labels(message.channel, "sent").inc()
