"""The platform's two staff groups. Support looks everything up, cancels orders and refunds up
to SUPPORT_REFUND_LIMIT; operations may do everything in the project's apps. Put a person in a
group (and give them the Admin role and the staff flag) in the admin's user page."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PROJECT_APPS = (
    "accounts",
    "restaurants",
    "payments",
    "orders",
    "delivery",
    "notifications",
    "core",
)
SUPPORT_EXTRA = (("orders", "cancel_order"), ("orders", "refund_order"))


def _ensure_permissions(apps):
    # Permissions are normally made after all migrations; these groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def create_groups(apps, schema_editor):
    _ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    project = Permission.objects.filter(content_type__app_label__in=PROJECT_APPS)

    support, _ = Group.objects.get_or_create(name="support")
    support.permissions.set(
        list(project.filter(codename__startswith="view_"))
        + [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in SUPPORT_EXTRA
        ]
    )
    operations, _ = Group.objects.get_or_create(name="operations")
    operations.permissions.set(list(project))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["support", "operations"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0002_token_version"),
        ("restaurants", "0003_nearest_neighbour_index"),
        ("payments", "0003_refund_key_per_payment"),
        ("orders", "0009_order_permissions"),
        ("delivery", "0001_initial"),
        ("notifications", "0001_initial"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
