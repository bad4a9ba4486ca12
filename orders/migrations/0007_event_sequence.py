"""Events get a sequence number per order (1, 2, 3...), the order keeps the last one.

Existing events are numbered by (created_at, id), the best order they had. The append-only
trigger refuses row updates, so it is switched off for the backfill only, inside this
migration's transaction."""

from django.db import migrations, models

BACKFILL = """
ALTER TABLE orders_orderevent DISABLE TRIGGER orders_orderevent_append_only;
UPDATE orders_orderevent AS event SET sequence = numbered.n
  FROM (SELECT id, row_number() OVER (PARTITION BY order_id ORDER BY created_at, id) AS n
          FROM orders_orderevent) AS numbered
 WHERE event.id = numbered.id;
ALTER TABLE orders_orderevent ENABLE TRIGGER orders_orderevent_append_only;
UPDATE orders_order AS o SET last_event_sequence = counted.n
  FROM (SELECT order_id, count(*) AS n FROM orders_orderevent GROUP BY order_id) AS counted
 WHERE o.id = counted.order_id;
"""


def backfill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKFILL)
        return
    OrderEvent = apps.get_model("orders", "OrderEvent")
    Order = apps.get_model("orders", "Order")
    for order in Order.objects.all():
        events = OrderEvent.objects.filter(order=order).order_by("created_at", "id")
        for number, event in enumerate(events, start=1):
            OrderEvent.objects.filter(pk=event.pk).update(sequence=number)
        Order.objects.filter(pk=order.pk).update(last_event_sequence=events.count())


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0006_order_accepting"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="last_event_sequence",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="orderevent",
            name="sequence",
            field=models.PositiveIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="orderevent",
            options={"ordering": ["order", "sequence"]},
        ),
        migrations.AddConstraint(
            model_name="orderevent",
            constraint=models.UniqueConstraint(
                fields=("order", "sequence"), name="event_sequence_per_order"
            ),
        ),
    ]
