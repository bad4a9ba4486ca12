from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("kind", "recipient", "order", "created_at", "read_at")
    list_filter = ("kind", "created_at")
    search_fields = ("recipient__email", "order__number", "title")
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # a read-only page: no SAVE button
