"""Staff screens shared by every app: the read-only base, and tasks that gave up."""

from django.contrib import admin
from django.utils import timezone

from core.failed_tasks import failed_task_retry
from core.models import FailedTask, OutboxMessage


class ReadOnlyAdmin(admin.ModelAdmin):
    """Staff look, services change: rows that move only through an app's services."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FailedTask)
class FailedTaskAdmin(admin.ModelAdmin):
    """Tasks that exhausted their retries; staff send them again once the cause is fixed."""

    list_display = ("task_name", "task_id", "failed_at", "retried_at")
    list_filter = ("task_name",)
    search_fields = ("task_name", "task_id", "exception")
    readonly_fields = [field.name for field in FailedTask._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Run the selected tasks again")
    def retry(self, request, queryset):
        for failed in queryset:
            failed_task_retry(failed_task_id=failed.pk, now=timezone.now())
        self.message_user(request, f"Enqueued {queryset.count()} task(s) again.")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """Side effects waiting to be relayed (pending ones have no relayed time)."""

    list_display = ("topic", "created_at", "relayed_at", "attempts", "last_error")
    list_filter = ("topic", ("relayed_at", admin.EmptyFieldListFilter))
    date_hierarchy = "created_at"
