from core.errors import DomainError, NotFound


class ReviewNotAllowed(DomainError):
    code = "REVIEW_NOT_ALLOWED"
    default_message = "This order cannot be reviewed."


class ReviewNotFound(NotFound):
    default_message = "No such review."
