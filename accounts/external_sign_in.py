"""Sign in with Google or Apple: the app gets an ID token from the platform's SDK and sends it
here. The one module that reads providers' tokens.

A token is believed only when its RS256 signature verifies with a key of the provider's JWKS
(fetched over HTTPS and cached per process; an unknown `kid` refetches once, so key rotation
works), its issuer is the provider's, its audience one of our client ids (from the
environment), it has not expired, and its nonce is the one the app generated for this sign-in
(used once: a replayed token is refused).

Then: the account already linked to that provider identity is signed in; else an account
whose email is verified (here, and by the provider) is linked and signed in; else a new
account is made with the provider's verified email. An account whose email nobody has proven
is not linked: someone may have registered the victim's address to wait for them.
"""

import hashlib
import hmac
import threading
from dataclasses import dataclass
from datetime import datetime

import jwt
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction

from accounts.errors import InvalidAccountToken, VerificationRequired
from accounts.models import ExternalIdentity, IdentityProvider, Role, User, normalize_email
from core.cache import cache_or
from core.errors import DomainError, ValidationFailed


class ProviderUnavailable(DomainError):
    code = "PROVIDER_UNAVAILABLE"
    default_message = "Google or Apple could not be reached. Try again in a moment."


@dataclass(frozen=True)
class ProviderConfig:
    jwks_url: str
    issuers: tuple[str, ...]
    audiences: tuple[str, ...]


@dataclass(frozen=True)
class ProviderIdentity:
    provider: str
    subject: str
    email: str
    email_verified: bool
    name: str


def _config(provider: str) -> ProviderConfig:
    if provider == IdentityProvider.GOOGLE:
        return ProviderConfig(
            settings.OAUTH_GOOGLE_JWKS_URL,
            ("https://accounts.google.com", "accounts.google.com"),
            tuple(settings.OAUTH_GOOGLE_CLIENT_IDS),
        )
    return ProviderConfig(
        settings.OAUTH_APPLE_JWKS_URL,
        ("https://appleid.apple.com",),
        tuple(settings.OAUTH_APPLE_CLIENT_IDS),
    )


_clients: dict[str, jwt.PyJWKClient] = {}
_clients_lock = threading.Lock()


def _jwks_client(url: str) -> jwt.PyJWKClient:
    with _clients_lock:
        client = _clients.get(url)
        if client is None:
            client = jwt.PyJWKClient(
                url,
                cache_keys=True,
                lifespan=settings.OAUTH_JWKS_CACHE_SECONDS,
                timeout=settings.OAUTH_JWKS_TIMEOUT_SECONDS,
            )
            _clients[url] = client
        return client


def _nonce_matches(claimed, nonce: str) -> bool:
    # Google carries the nonce as the app gave it; Apple's SDKs are given its SHA-256 (hex).
    if not isinstance(claimed, str) or not nonce:
        return False
    hashed = hashlib.sha256(nonce.encode()).hexdigest()
    return hmac.compare_digest(claimed, nonce) or hmac.compare_digest(claimed, hashed)


def provider_token_verify(*, provider: str, id_token: str, nonce: str) -> ProviderIdentity:
    """The identity an ID token proves, or InvalidAccountToken (ProviderUnavailable when the
    provider's keys cannot be fetched)."""
    if provider not in IdentityProvider.values:
        raise ValidationFailed("Unknown provider.", field="provider")
    config = _config(provider)
    refused = InvalidAccountToken("This sign-in could not be verified.", field="idToken")
    if not config.audiences:
        raise ProviderUnavailable(f"Sign-in with {provider.title()} is not set up.")
    try:
        key = _jwks_client(config.jwks_url).get_signing_key_from_jwt(id_token)
    except jwt.PyJWKClientConnectionError as error:
        raise ProviderUnavailable() from error
    except jwt.PyJWTError as error:  # malformed, no kid, or a kid the provider never had
        raise refused from error
    try:
        claims = jwt.decode(
            id_token,
            key.key,
            algorithms=["RS256"],
            audience=list(config.audiences),
            issuer=list(config.issuers),
            options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            leeway=30,
        )
    except jwt.PyJWTError as error:
        raise refused from error
    if not _nonce_matches(claims.get("nonce"), nonce or ""):
        raise refused
    # A nonce is good for one sign-in: a token caught in flight cannot be played again.
    nonce_key = f"oauth_nonce:{hashlib.sha256(f'{provider}:{nonce}'.encode()).hexdigest()}"
    if not cache_or(True, lambda: cache.add(nonce_key, 1, timeout=3600), what="oauth_nonce"):
        raise refused
    verified = claims.get("email_verified") in (True, "true")
    return ProviderIdentity(
        provider=provider,
        subject=str(claims["sub"])[:255],
        email=normalize_email(claims.get("email") or ""),
        email_verified=verified,
        name=str(claims.get("name") or "")[:150],
    )


def user_for_provider_identity(
    *, identity: ProviderIdentity, full_name: str | None, now: datetime
) -> tuple[User, bool]:
    """The user this identity signs in as, linking or creating one; (user, created)."""
    inactive = InvalidAccountToken("This account cannot sign in.", field="idToken")
    with transaction.atomic():
        linked = (
            ExternalIdentity.objects.select_related("user")
            .filter(provider=identity.provider, subject=identity.subject)
            .first()
        )
        if linked is not None:
            if not linked.user.is_active or linked.user.deleted_at is not None:
                raise inactive
            return linked.user, False
        if not identity.email or not identity.email_verified:
            raise InvalidAccountToken(
                "Your provider did not confirm an email address for this account.",
                field="idToken",
            )
        user = User.objects.select_for_update().filter(email=identity.email).first()
        created = False
        if user is not None:
            if not user.is_active or user.deleted_at is not None:
                raise inactive
            if user.email_verified_at is None:
                raise VerificationRequired(
                    "An account with this email exists but its email is not verified. Sign in "
                    "with your password and verify your email first.",
                    field="email",
                )
        else:
            name = (identity.name or full_name or "").strip()[:150] or identity.email.split("@")[0]
            user = User(
                email=identity.email,
                full_name=name,
                role=Role.CUSTOMER,
                date_joined=now,
                email_verified_at=now,
            )
            user.set_unusable_password()
            try:
                with transaction.atomic():
                    user.save()
            except IntegrityError as error:  # registered meanwhile: let the app try again
                raise ProviderUnavailable("Please try again.") from error
            created = True
        ExternalIdentity.objects.create(
            user=user, provider=identity.provider, subject=identity.subject, created_at=now
        )
    return user, created
