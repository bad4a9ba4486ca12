"""Staff screens shared by every app: the read-only base, and tasks that gave up."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils import timezone

from core.errors import DomainError
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


def form_error(form, error: DomainError, fields: dict[str, str] | None = None) -> None:
    """Show a service's refusal on the form: on the field it names when the form has it (API
    names such as `priceDelta` are mapped by `fields`), otherwise above the form."""
    field = (fields or {}).get(error.field, error.field) if error.field else None
    form.add_error(field if field in form.fields else None, error.message)


def check_form(form, check, fields: dict[str, str] | None = None) -> bool:
    """Run a service's check on a form's cleaned data; its refusal becomes a form error."""
    try:
        check()
    except DomainError as error:
        form_error(form, error, fields)
        return False
    return True


class ServiceFormsetsAdmin(admin.ModelAdmin):
    """A change page whose main form and inlines are saved by services, not by the ORM.

    The forms check what they can before anything is saved (their errors show beside the
    fields); a refusal that only the service can see (a race, a right taken away meanwhile)
    rolls the whole page back (Django runs it in one transaction) and says why.
    `inline_savers` maps an inline's model to a function `(request, parent, child_form, action)`
    with action "create", "update" or "delete".
    """

    inline_savers: dict = {}

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:
            self.message_user(request, f"Nothing was saved: {error.message}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_formset(self, request, form, formset, change):
        saver = self.inline_savers.get(formset.model)
        if saver is None:
            return super().save_formset(request, form, formset, change)
        self.save_inline_forms(request, form.instance, formset, saver)

    def save_inline_forms(self, request, parent, formset, saver, actions=None) -> None:
        wanted = actions or ("create", "update", "delete")
        for child in formset.forms:
            deleting = formset.can_delete and formset._should_delete_form(child)
            if deleting:
                action = "delete" if child.instance.pk and child in formset.initial_forms else None
            elif child in formset.extra_forms:
                action = "create" if child.has_changed() else None
            else:
                action = "update" if child.has_changed() else None
            if action in wanted:
                saver(request, parent, child, action)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
