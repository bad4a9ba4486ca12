from django.contrib import admin

from favourites.models import Favourite


@admin.register(Favourite)
class FavouriteAdmin(admin.ModelAdmin):
    list_display = ("user", "restaurant", "created_at")
    list_select_related = ("user", "restaurant")
    search_fields = ("user__email", "restaurant__name")
    readonly_fields = [field.name for field in Favourite._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
