from accounts.errors import DomainError


class RestaurantsError(DomainError):
    """Base of the catalogue's expected failures."""


class RestaurantNotFound(RestaurantsError):
    code = "NOT_FOUND"


class NotRestaurantStaff(RestaurantsError):
    code = "FORBIDDEN"


class CatalogueValidation(RestaurantsError):
    code = "VALIDATION"
