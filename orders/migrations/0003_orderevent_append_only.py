"""The order event log is append-only, enforced by PostgreSQL itself: an UPDATE or DELETE of an
orders_orderevent row raises (SQLSTATE 23001, an IntegrityError in Django). The one update let
through is the ON DELETE SET NULL of `actor` when a user account is deleted: the history keeps
what happened and forgets who. TRUNCATE (test database flushes) is not a row event and passes.
Other databases (the newcomer's SQLite) get no trigger."""

from django.db import migrations

CREATE = [
    """
CREATE OR REPLACE FUNCTION orders_orderevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL
       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'orders_orderevent is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql
""",
    "DROP TRIGGER IF EXISTS orders_orderevent_append_only ON orders_orderevent",
    """
CREATE TRIGGER orders_orderevent_append_only
    BEFORE UPDATE OR DELETE ON orders_orderevent
    FOR EACH ROW EXECUTE FUNCTION orders_orderevent_append_only()
""",
]

DROP = [
    "DROP TRIGGER IF EXISTS orders_orderevent_append_only ON orders_orderevent",
    "DROP FUNCTION IF EXISTS orders_orderevent_append_only()",
]


def _run(schema_editor, statements):
    # Plain cursor.execute without parameters: the SQL's own % signs are not placeholders.
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def create_trigger(apps, schema_editor):
    _run(schema_editor, CREATE)


def drop_trigger(apps, schema_editor):
    _run(schema_editor, DROP)


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_delivery_waiting_alert")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
