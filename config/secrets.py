"""Production refuses to start on secrets anyone could know (the demo's, which are public in
the settings) or too weak to trust. Checked when DEBUG is off, before anything serves."""

from django.core.exceptions import ImproperlyConfigured

# HS256 keys shorter than the hash's own output are brute-forceable offline from one token.
JWT_SIGNING_KEY_MIN_BYTES = 32
# Placeholders people copy from examples (docker-compose.yml's, for one).
PLACEHOLDER_MARKERS = ("replace_me", "changeme", "change_me")


def refuse_unsafe_secrets(
    *,
    stripe_secret_key: str,
    stripe_webhook_secret: str,
    jwt_signing_key: str,
    demo_values: set[str],
) -> None:
    problems = [
        f"set {name} to your own Stripe value (the demo's is public)"
        for name, value in (
            ("STRIPE_SECRET_KEY", stripe_secret_key),
            ("STRIPE_WEBHOOK_SECRET", stripe_webhook_secret),
        )
        if _unsafe(value, demo_values)
    ]
    if len(jwt_signing_key.encode()) < JWT_SIGNING_KEY_MIN_BYTES:
        problems.append(f"set JWT_SIGNING_KEY to at least {JWT_SIGNING_KEY_MIN_BYTES} random bytes")
    if problems:
        raise ImproperlyConfigured("DEBUG is off: " + "; ".join(problems) + ".")


def _unsafe(value: str, demo_values: set[str]) -> bool:
    value = value.strip()
    return not value or value in demo_values or any(m in value for m in PLACEHOLDER_MARKERS)
