"""Reading what the log provider and the email backend recorded in account flows."""

import json
import re

from django.core import mail

TOKEN_IN_LINK = re.compile(r"token=([A-Za-z0-9_-]+)")
CODE_IN_TEXT = re.compile(r"code is (\d{6})")


def emails_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def token_from_last_email(address: str) -> str:
    sent = emails_to(address)
    assert sent, f"no email to {address}"
    return TOKEN_IN_LINK.search(sent[-1].body).group(1)


def sms_sent(outbox_path) -> list[dict]:
    if not outbox_path.exists():
        return []
    return [json.loads(line) for line in outbox_path.read_text().splitlines() if line.strip()]


def code_from_last_sms(outbox_path, to: str) -> str:
    texts = [message for message in sms_sent(outbox_path) if message["to"] == to]
    assert texts, f"no SMS to {to}"
    return CODE_IN_TEXT.search(texts[-1]["body"]).group(1)
