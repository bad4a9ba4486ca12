from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from core.admin import confirmed_action
from core.errors import DomainError
from reviews.models import Review
from reviews.services import review_hide, review_show


class HideForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, objects, **kwargs):
        super().__init__(*args, **kwargs)
        self.objects = objects


class HiddenFilter(admin.SimpleListFilter):
    title = "visibility"
    parameter_name = "hidden"

    def lookups(self, request, model_admin):
        return [("yes", "Hidden"), ("no", "Shown")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(hidden_at__isnull=self.value() == "no")
        return queryset


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Ratings as customers left them; staff hide abusive ones (with a reason, logged), which
    takes them out of the restaurant's list and average."""

    list_display = ("order", "restaurant", "stars", "driver", "driver_stars", "created_at")
    list_filter = (HiddenFilter, "stars", "driver_stars", "created_at")
    list_select_related = ("order", "restaurant", "driver")
    search_fields = ("order__number", "restaurant__name", "customer__email", "comment")
    readonly_fields = [field.name for field in Review._meta.fields]
    actions = ["hide_reviews", "show_reviews"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # read-only: hiding goes through the actions (and the service)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_moderate_permission(self, request) -> bool:
        return request.user.has_perm("reviews.change_review")

    def _each(self, request, queryset, done: str, act) -> None:
        succeeded = 0
        for review in queryset:
            try:
                act(review)
            except DomainError as error:
                self.message_user(request, f"{review.order}: {error.message}", messages.ERROR)
            else:
                succeeded += 1
                self.log_change(request, review, done)
        if succeeded:
            self.message_user(request, f"{succeeded} review(s) {done}.", messages.SUCCESS)

    @confirmed_action(
        description="Hide the selected reviews (out of the list and the average)",
        permissions=["moderate"],
        form_class=HideForm,
    )
    def hide_reviews(self, request, queryset, data):
        self._each(
            request,
            queryset,
            f"hidden: {data['reason']}",
            lambda review: review_hide(
                actor=request.user, review_id=review.pk, reason=data["reason"], now=timezone.now()
            ),
        )

    @confirmed_action(description="Show the selected reviews again", permissions=["moderate"])
    def show_reviews(self, request, queryset, data):
        self._each(
            request,
            queryset,
            "shown again",
            lambda review: review_show(actor=request.user, review_id=review.pk, now=timezone.now()),
        )
