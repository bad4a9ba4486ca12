"""Staff screens shared by every app: the read-only base, and tasks that gave up."""

from zoneinfo import ZoneInfo

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

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


# --- Showing money and time to people --------------------------------------------------------

ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW", "CLP", "VND", "ISK", "UGX", "XAF", "XOF"})


def money(amount: int | None, currency: str) -> str:
    """Minor units as people read them: (1099, "EUR") -> "10.99 EUR"."""
    if amount is None:
        return "-"
    if currency in ZERO_DECIMAL_CURRENCIES:
        return f"{amount} {currency}"
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount) // 100}.{abs(amount) % 100:02d} {currency}"


def minor_units(text: str, currency: str) -> int:
    """ "12.50" in EUR -> 1250; ValueError on anything else (a form shows it)."""
    text = (text or "").strip().replace(",", ".")
    if currency in ZERO_DECIMAL_CURRENCIES:
        if not text.isdigit():
            raise ValueError(f"Whole {currency} only.")
        return int(text)
    whole, _, cents = text.partition(".")
    if not whole.isdigit() or not (cents == "" or (cents.isdigit() and len(cents) <= 2)):
        raise ValueError(f"An amount such as 12.50 ({currency}).")
    return int(whole) * 100 + int(cents.ljust(2, "0") or 0)


def local_and_utc(moment, time_zone: str) -> str:
    """A timestamp in the restaurant's time zone beside UTC: "2026-11-25 21:30 WET (20:30 UTC)"."""
    if moment is None:
        return "-"
    local = moment.astimezone(ZoneInfo(time_zone or "UTC"))
    utc = moment.astimezone(ZoneInfo("UTC"))
    if time_zone in ("UTC", "", None):
        return utc.strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"{local:%Y-%m-%d %H:%M:%S} {local.tzname()} ({utc:%H:%M:%S} UTC)"


# --- Actions that ask first ------------------------------------------------------------------


def confirmed_action(*, description: str, permissions=None, form_class=None, single=False):
    """A list action that first shows a confirmation page (with `form_class` for what it needs,
    such as a reason or an amount) and runs `run(modeladmin, request, queryset, data)` only once
    confirmed. A posted `_next` (a path inside this admin) is where staff return afterwards."""

    def decorator(run):
        def action(modeladmin, request, queryset):
            objects = list(queryset)
            if single and len(objects) != 1:
                modeladmin.message_user(
                    request, "Choose exactly one row for this action.", messages.WARNING
                )
                return None
            confirming = request.POST.get("confirmed") == "yes"
            form = None
            if form_class is not None:
                form = form_class(request.POST if confirming else None, objects=objects)
            if confirming and (form is None or form.is_valid()):
                run(modeladmin, request, queryset, form.cleaned_data if form else {})
                return _back(modeladmin, request)
            context = {
                **modeladmin.admin_site.each_context(request),
                "title": description,
                "opts": modeladmin.model._meta,
                "objects": objects,
                "form": form,
                "action": run.__name__,
                "selected": [str(obj.pk) for obj in objects],
                "next": request.POST.get("_next", ""),
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            request.current_app = modeladmin.admin_site.name
            return TemplateResponse(request, "admin/confirm_action.html", context)

        action.__name__ = run.__name__
        return admin.action(description=description, permissions=permissions)(action)

    return decorator


def _back(modeladmin, request):
    target = request.POST.get("_next", "")
    root = reverse(f"{modeladmin.admin_site.name}:index")
    if target.startswith(root) and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return HttpResponseRedirect(target)
    return None


@admin.register(FailedTask)
class FailedTaskAdmin(admin.ModelAdmin):
    """Tasks that exhausted their retries; staff send them again once the cause is fixed."""

    list_display = ("task_name", "task_id", "failed_at", "retried_at")
    list_filter = ("task_name",)
    search_fields = ("task_name", "task_id", "exception")
    readonly_fields = [field.name for field in FailedTask._meta.fields]
    actions = ["retry"]

    @confirmed_action(description="Run the selected tasks again", permissions=["change"])
    def retry(self, request, queryset, data):
        now = timezone.now()
        for failed in queryset:
            failed_task_retry(failed_task_id=failed.pk, now=now)
        self.message_user(request, f"Enqueued {len(queryset)} task(s) again.", messages.SUCCESS)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Nothing here is edited; "change" is the right to send a task again.
        return obj is None and super().has_change_permission(request, obj)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """Side effects waiting to be relayed (pending ones have no relayed time)."""

    list_display = ("topic", "created_at", "relayed_at", "attempts", "last_error")
    list_filter = ("topic", ("relayed_at", admin.EmptyFieldListFilter))
    date_hierarchy = "created_at"
