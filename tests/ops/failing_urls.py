"""A URLconf with one view that fails the way a bug does, holding secrets and personal data;
used by the error-reporting probe and the log tests."""

from django.urls import path

CUSTOMER_EMAIL = "ana.customer@example.com"
PASSWORD = "probe-password-do-not-leak"
CARD = "4000002760003184"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwcm9iZSJ9.cHJvYmUtc2lnbmF0dXJl"


def failing_view(request):
    customer = {"email": CUSTOMER_EMAIL, "password": PASSWORD, "card_number": CARD}
    raise RuntimeError(f"could not charge {customer['email']} with card {customer['card_number']}")


urlpatterns = [path("fail/", failing_view)]
