from django.apps import AppConfig


class FavouritesConfig(AppConfig):
    name = "favourites"
    verbose_name = "Favourites"
