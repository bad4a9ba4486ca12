from core.errors import DomainError


class RestaurantsError(DomainError):
    """Base of the catalogue's expected failures."""


class RestaurantNotFound(RestaurantsError):
    code = "NOT_FOUND"
    default_message = "No such restaurant."


class NotRestaurantStaff(RestaurantsError):
    code = "FORBIDDEN"
    default_message = "Only the restaurant's staff can do this."
