"""Structured logging: every log line, ours or a library's, goes through structlog's processors.

LOG_FORMAT=json writes one JSON object per line (for the log shipper); anything else writes
coloured, aligned lines for a person at a terminal. Both pass through `redact`, so a secret that
reaches a log call by mistake is masked before it is written anywhere.
"""

import logging
import re
from collections.abc import Mapping

import structlog
from django.core.exceptions import ImproperlyConfigured

REDACTED = "[redacted]"

# Keys whose value is a secret whatever it looks like (matched anywhere in the key, any case).
SENSITIVE_KEY = re.compile(
    r"pass(word|wd)?|secret|token|authori[sz]ation|cookie|signature|api[_-]?key|"
    r"card|cvc|cvv|iban|session",
    re.IGNORECASE,
)
# Names under which a secret travels inside text (reprs, JSON, query strings, headers).
_SECRET_NAME = (
    r"[\w-]*(?:pass(?:word|wd)?|secret|token|authori[sz]ation|signature|card|cvc|cvv)[\w-]*"
)
# Secrets inside text, each with what replaces it.
SENSITIVE_TEXT = [
    # Bearer credentials in any header-like text (before the name rules below eat "Bearer").
    (re.compile(r"(?i)bearer\s+\S+"), REDACTED),
    # JWTs (our access tokens).
    (re.compile(r"eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}"), REDACTED),
    # Stripe secret and restricted keys, webhook secrets, PaymentIntent client secrets.
    (re.compile(r"\b(sk|rk)_(test|live)_\w+"), REDACTED),
    (re.compile(r"\bwhsec_\w+"), REDACTED),
    (re.compile(r"\bpi_\w+_secret_\w+"), REDACTED),
    # A Stripe-Signature header: t=<timestamp>,v1=<hex>.
    (re.compile(r"\bv[01]=[0-9a-f]{16,}"), REDACTED),
    # Card numbers: 13 to 19 digits, optionally grouped by spaces or dashes.
    (re.compile(r"\b(?:\d[ -]?){12,18}\d\b"), REDACTED),
    # `'password': 'x'` or `"refreshToken": "x"`: a value echoed in an error message, such as
    # GraphQL's "invalid value {'password': ...}" that Strawberry logs.
    (
        re.compile(rf"(?i)(['\"]?{_SECRET_NAME}['\"]?\s*:\s*)(['\"])(?:\\.|(?!\2).)*\2"),
        rf"\1\2{REDACTED}\2",
    ),
    # `password: x` and `token=x` (headers, query strings, form bodies).
    (re.compile(rf"(?i)\b({_SECRET_NAME}\s*[:=]\s*)(?!['\"\s])[^\s&,;{{}}]+"), rf"\1{REDACTED}"),
]


def _scrub_text(text: str) -> str:
    for pattern, replacement in SENSITIVE_TEXT:
        text = pattern.sub(replacement, text)
    return text


def scrub(value, *, depth: int = 0):
    """`value` with secrets masked: by key in mappings, by shape in strings."""
    # Deeper than any log event or error report we send: cut off rather than recurse forever.
    if depth > 16:
        return REDACTED
    if isinstance(value, str):
        return _scrub_text(value)
    if isinstance(value, Mapping):
        return {
            key: REDACTED
            if isinstance(key, str) and SENSITIVE_KEY.search(key)
            else scrub(item, depth=depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple | set):
        return [scrub(item, depth=depth + 1) for item in value]
    return value


def redact(logger, method_name, event_dict):
    """structlog processor: the last step before rendering, so nothing escapes it."""
    return scrub(event_dict)


SHARED_PROCESSORS = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def _renderer(log_format: str):
    if log_format == "json":
        return structlog.processors.JSONRenderer()
    return structlog.dev.ConsoleRenderer(colors=False)


def formatter(log_format: str) -> structlog.stdlib.ProcessorFormatter:
    """The formatter of every handler: stdlib records and structlog events alike."""
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=SHARED_PROCESSORS,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            redact,
            _renderer(log_format),
        ],
    )


def logging_config(*, log_format: str, level: str) -> dict:
    """Django's LOGGING: one console handler on the root logger, rendered by structlog."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {"()": formatter, "log_format": log_format},
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # The stripe client logs every request at INFO; failures still reach us as exceptions.
            "stripe": {"level": "WARNING"},
            # Our request log line replaces the servers' access logs (it has the request id).
            "uvicorn.access": {"level": "WARNING"},
            "gunicorn.access": {"level": "WARNING"},
        },
    }


def structlog_configure() -> None:
    """structlog loggers hand their events to the stdlib, where the handlers above render them."""
    structlog.configure(
        processors=[
            *SHARED_PROCESSORS,
            structlog.stdlib.filter_by_level,
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def level_name(value: str) -> str:
    """A valid level name from the environment, so a typo fails at start, not silently."""
    name = value.upper()
    if not isinstance(logging.getLevelName(name), int):
        raise ImproperlyConfigured(f"LOG_LEVEL {value!r} is not a logging level")
    return name
