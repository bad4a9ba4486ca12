import uuid

from django.db import models
from django.utils import timezone


class FailedTask(models.Model):
    """A Celery task that exhausted its retries, kept for staff to inspect and retry in admin."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task_name = models.CharField(max_length=200)
    task_id = models.CharField(max_length=64, unique=True)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    exception = models.TextField()
    traceback = models.TextField(blank=True)
    failed_at = models.DateTimeField(default=timezone.now)
    retried_at = models.DateTimeField(null=True, blank=True)
    retried_task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        db_table = "orders_failedtask"
        ordering = ["-failed_at"]

    def __str__(self) -> str:
        return f"{self.task_name} {self.task_id}"


class OutboxMessage(models.Model):
    """Something that must happen after a transaction commits, written in that transaction.

    A service records the message beside the rows it changes; after commit it is relayed to its
    consumers (the list in `reactions`), and a periodic sweep relays whatever a broker or Redis
    outage at commit left behind. So a side effect can be late, never lost. Consumers are
    idempotent: a message may be relayed more than once.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    topic = models.CharField(max_length=100)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    # A relay holds a message until this moment: another relay leaves it alone meanwhile,
    # without a row lock held across the broker calls of its consumers.
    claimed_until = models.DateTimeField(null=True, blank=True)
    relayed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(relayed_at__isnull=True),
                name="outbox_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.payload}"
