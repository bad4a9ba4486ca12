import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


def normalize_email(email: str) -> str:
    """The one spelling of an email we store and compare: trimmed and lower-cased."""
    return (email or "").strip().lower()


class Role(models.TextChoices):
    CUSTOMER = "CUSTOMER", "Customer"
    RESTAURANT_STAFF = "RESTAURANT_STAFF", "Restaurant staff"
    DRIVER = "DRIVER", "Driver"
    ADMIN = "ADMIN", "Admin"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        user = self.model(email=normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True, role=Role.ADMIN)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str) -> "User":
        return self.get(email=normalize_email(username))


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(max_length=254, unique=True)
    full_name = models.CharField(max_length=150)
    phone = models.CharField(max_length=32, blank=True)
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.CUSTOMER)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May sign in to the Django admin.")
    date_joined = models.DateTimeField(default=timezone.now)
    # Carried by every access token; bumping it (password change, deactivation) refuses every
    # token issued before, at once, even one issued in the same second.
    token_version = models.PositiveIntegerField(default=0)
    # Set once the person proved they read mail at `email` (a link) or texts at `phone` (a code);
    # cleared when the address or number changes.
    email_verified_at = models.DateTimeField(null=True, blank=True)
    phone_verified_at = models.DateTimeField(null=True, blank=True)
    # Account deletion anonymises the row (orders and payments keep pointing at it) and sets this.
    deleted_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def phone_verified(self) -> bool:
        return bool(self.phone) and self.phone_verified_at is not None


class Address(models.Model):
    """A place on the map: a customer's delivery address or a restaurant's location."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="addresses"
    )
    label = models.CharField(max_length=64, blank=True)
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code.")
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "addresses"
        ordering = ["created_at"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="address_lat_lng_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90),
                name="address_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__gte=-180, longitude__lte=180),
                name="address_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line1}, {self.city}"


class RefreshToken(models.Model):
    """One refresh token of a session family; only its SHA-256 hash is stored.

    Rotation creates a new row in the same family and marks this one used. Presenting a used
    token again means it was stolen, and the whole family is revoked.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="refresh_tokens")
    family = models.UUIDField(db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # What the person sees in their list of devices, copied from token to token of a family.
    session_started_at = models.DateTimeField(null=True, blank=True)
    device_name = models.CharField(max_length=100, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    # The network the session was started from (IPv4 /24, IPv6 /48), never the full address.
    ip_prefix = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "revoked_at"], name="refresh_user_revoked_idx")]

    def __str__(self) -> str:
        return f"refresh token {self.id} of {self.user_id}"


class TokenPurpose(models.TextChoices):
    PASSWORD_RESET = "PASSWORD_RESET", "Password reset"
    EMAIL_VERIFICATION = "EMAIL_VERIFICATION", "Email verification"
    PHONE_VERIFICATION = "PHONE_VERIFICATION", "Phone verification"


class AccountToken(models.Model):
    """A single-use secret sent to a person: a password-reset link, an email-verification link or
    a phone code. Only a hash is stored; the secret itself is derived from the row's random id
    and SECRET_KEY (accounts.account_tokens), so a message can be sent again after a crash
    without the secret ever being written down."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_tokens")
    purpose = models.CharField(max_length=32, choices=TokenPurpose.choices)
    # The address or number being verified (the new one on a change), or the email a reset
    # link was sent to.
    target = models.CharField(max_length=254)
    token_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["user", "purpose", "used_at"], name="account_token_open_idx")
        ]

    def __str__(self) -> str:
        return f"{self.purpose} token of {self.user_id}"


class IdentityProvider(models.TextChoices):
    GOOGLE = "GOOGLE", "Google"
    APPLE = "APPLE", "Apple"


class ExternalIdentity(models.Model):
    """A Google or Apple account linked to a user: signing in with it signs in as the user."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="external_identities")
    provider = models.CharField(max_length=16, choices=IdentityProvider.choices)
    subject = models.CharField(max_length=255, help_text="The provider's stable user id (sub).")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "external identities"
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="identity_once_per_sub")
        ]

    def __str__(self) -> str:
        return f"{self.provider} identity of {self.user_id}"


class DataExport(models.Model):
    """Everything held about a user, as one JSON document, downloadable by a signed link."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="data_exports")
    created_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    content = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return f"data export {self.id} of {self.user_id}"
