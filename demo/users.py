"""The demo's people: the fixed accounts of the README, created or reset on every seed."""

from datetime import datetime
from decimal import Decimal

from accounts.models import Address, Role, User

DEMO_PASSWORD = "demo-pass-2026"
DEMO_USERS = {
    "customer@demo.test": ("Cora Customer", Role.CUSTOMER),
    "staff@demo.test": ("Sam Staff", Role.RESTAURANT_STAFF),
    "driver@demo.test": ("Dina Driver", Role.DRIVER),
    "admin@demo.test": ("Ada Admin", Role.ADMIN),
}
# The customer's delivery address: Praça do Comércio, Lisbon, the demo city.
DEMO_ADDRESS = {
    "label": "Home",
    "line1": "Praça do Comércio 1",
    "city": "Lisbon",
    "postal_code": "1100-148",
    "country": "PT",
    "latitude": Decimal("38.722300"),
    "longitude": Decimal("-9.139300"),
}


def demo_users_ensure(*, now: datetime) -> dict[str, User]:
    """The fixed demo accounts of api.md, created or reset to their documented state."""
    users = {}
    for email, (full_name, role) in DEMO_USERS.items():
        is_admin = role == Role.ADMIN
        user, _ = User.objects.update_or_create(
            email=email,
            defaults={
                "full_name": full_name,
                "role": role,
                "is_active": True,
                "is_staff": is_admin,
                "is_superuser": is_admin,
                # The demo's addresses are ours: verified, so the demo customer can order.
                "email_verified_at": now,
            },
        )
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        users[email] = user
    customer = users["customer@demo.test"]
    if not customer.addresses.exists():
        Address.objects.create(user=customer, created_at=now, **DEMO_ADDRESS)
    return users
