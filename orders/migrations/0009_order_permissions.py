from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0008_restaurant_manager_role"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="order",
            options={
                "ordering": ["-created_at"],
                "permissions": [
                    ("manage_order", "Can accept, reject and mark orders ready"),
                    ("cancel_order", "Can cancel orders"),
                    ("refund_order", "Can refund orders up to the support limit"),
                    ("refund_order_any_amount", "Can refund any amount of an order"),
                    ("redispatch_order", "Can ask for a driver again"),
                ],
            },
        ),
    ]
