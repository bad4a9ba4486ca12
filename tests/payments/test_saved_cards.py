"""Saved cards against a real localstripe: a Stripe Customer per customer, SetupIntents
confirmed as Stripe.js would, listing, removing, paying with a saved card, and forgetting the
customer when the account is deleted."""

import urllib.error

import pytest

from payments import localstripe as server
from payments.models import SavedPaymentMethod, StripeCustomer
from tests.factories import CustomerFactory
from tests.orders.checkout_helpers import PLACE_ORDER, a_menu, checkout_input, line

pytestmark = pytest.mark.django_db

ADD = "mutation { addPaymentMethod { setupIntentId clientSecret errors { code } } }"
CONFIRM = """mutation($id: String!) { confirmPaymentMethod(input: {setupIntentId: $id})
  { paymentMethod { id brand last4 expMonth expYear stripePaymentMethodId }
    errors { code field } } }"""
LIST = """query($first: Int, $after: String) { myPaymentMethods(first: $first, after: $after)
  { totalCount pageInfo { endCursor } edges { node { id last4 } } } }"""
REMOVE = """mutation($id: ID!) { removePaymentMethod(input: {id: $id})
  { ok removedPaymentMethodId errors { code } } }"""


def confirm_in_the_app(base_url, setup, card_number="4242424242424242") -> None:
    """What Stripe.js does in the app: the card goes to Stripe, never to us."""
    payment_method = server.card_payment_method(base_url, card_number)
    server.request(
        "POST",
        base_url,
        f"/v1/setup_intents/{setup['setupIntentId']}/confirm",
        {"client_secret": setup["clientSecret"], "payment_method": payment_method},
    )


def save_card(gql, localstripe, card_number="4242424242424242") -> dict:
    setup = gql.data(ADD)["addPaymentMethod"]
    assert setup["errors"] == [], setup
    confirm_in_the_app(localstripe.base_url, setup, card_number)
    saved = gql.data(CONFIRM, {"id": setup["setupIntentId"]})["confirmPaymentMethod"]
    assert saved["errors"] == [], saved
    return saved["paymentMethod"]


def test_a_saved_card_is_listed_with_brand_last4_and_expiry(gql, localstripe):
    user = CustomerFactory()
    gql.login_as(user)
    card = save_card(gql, localstripe, "4000056655665556")
    assert card["brand"] == "visa" and card["last4"] == "5556"
    assert (card["expMonth"], card["expYear"]) == (12, 2034)
    customer_id = StripeCustomer.objects.get(user=user).customer_id
    at_stripe = localstripe.get(f"/v1/payment_methods/{card['stripePaymentMethodId']}")
    assert at_stripe["customer"] == customer_id
    # A second card reuses the customer; confirming again saves nothing twice.
    second = save_card(gql, localstripe)
    assert StripeCustomer.objects.count() == 1
    listed = gql.data(LIST)["myPaymentMethods"]
    assert listed["totalCount"] == 2
    assert [edge["node"]["id"] for edge in listed["edges"]] == [second["id"], card["id"]]


def test_confirming_a_setup_twice_saves_the_card_once(gql, localstripe):
    gql.login_as(CustomerFactory())
    setup = gql.data(ADD)["addPaymentMethod"]
    confirm_in_the_app(localstripe.base_url, setup)
    first = gql.data(CONFIRM, {"id": setup["setupIntentId"]})["confirmPaymentMethod"]
    again = gql.data(CONFIRM, {"id": setup["setupIntentId"]})["confirmPaymentMethod"]
    assert first["paymentMethod"]["id"] == again["paymentMethod"]["id"]
    assert SavedPaymentMethod.objects.count() == 1


def test_a_declined_card_is_not_saved(gql, localstripe):
    gql.login_as(CustomerFactory())
    setup = gql.data(ADD)["addPaymentMethod"]
    with pytest.raises(urllib.error.HTTPError):
        confirm_in_the_app(localstripe.base_url, setup, "4000000000000002")
    result = gql.data(CONFIRM, {"id": setup["setupIntentId"]})["confirmPaymentMethod"]
    assert result["errors"][0]["code"] == "PAYMENT_DECLINED"
    assert not SavedPaymentMethod.objects.exists()


def test_another_customers_setup_intent_is_not_found(gql, localstripe):
    gql.login_as(CustomerFactory())
    setup = gql.data(ADD)["addPaymentMethod"]
    confirm_in_the_app(localstripe.base_url, setup)
    gql.login_as(CustomerFactory())
    gql.data(ADD)  # this one has a customer too, just not that one
    stolen = gql.data(CONFIRM, {"id": setup["setupIntentId"]})["confirmPaymentMethod"]
    assert stolen["errors"] == [{"code": "NOT_FOUND", "field": "setupIntentId"}]
    assert not SavedPaymentMethod.objects.exists()


def test_removing_a_card_detaches_it_and_others_cannot(gql, localstripe):
    owner = CustomerFactory()
    gql.login_as(owner)
    card = save_card(gql, localstripe)
    gql.login_as(CustomerFactory())
    assert gql.data(REMOVE, {"id": card["id"]})["removePaymentMethod"]["errors"] == [
        {"code": "NOT_FOUND"}
    ]
    gql.login_as(owner)
    removed = gql.data(REMOVE, {"id": card["id"]})["removePaymentMethod"]
    assert removed == {"ok": True, "removedPaymentMethodId": card["id"], "errors": []}
    assert (
        localstripe.get(f"/v1/payment_methods/{card['stripePaymentMethodId']}")["customer"] is None
    )
    assert gql.data(LIST)["myPaymentMethods"]["totalCount"] == 0


def test_an_order_is_paid_with_a_saved_card_on_its_customer(gql, localstripe):
    menu = a_menu()
    gql.login_as(menu.customer)
    card = save_card(gql, localstripe)
    variables = {
        "input": checkout_input(
            menu,
            [line(menu.soup, 3)],
            key="saved-card-0001",
            payment_method_id=card["stripePaymentMethodId"],
        )
    }
    payload = gql.data(PLACE_ORDER, variables)["placeOrder"]
    assert payload["errors"] == [] and payload["order"]["status"] == "PLACED"
    from payments.models import Payment

    intent_id = Payment.objects.get().stripe_payment_intent_id
    intent = localstripe.get(f"/v1/payment_intents/{intent_id}")
    assert intent["customer"] == StripeCustomer.objects.get(user=menu.customer).customer_id
    assert intent["payment_method"] == card["stripePaymentMethodId"]


def test_a_card_saved_by_someone_else_pays_for_nothing(gql, localstripe):
    gql.login_as(CustomerFactory())
    card = save_card(gql, localstripe)
    menu = a_menu()
    gql.login_as(menu.customer)
    variables = {
        "input": checkout_input(
            menu,
            [line(menu.soup, 3)],
            key="borrowed-card-01",
            payment_method_id=card["stripePaymentMethodId"],
        )
    }
    payload = gql.data(PLACE_ORDER, variables)["placeOrder"]
    assert payload["errors"][0]["code"] == "PAYMENT_DECLINED"
    assert localstripe.get("/v1/payment_intents")["data"] == []


@pytest.mark.parametrize("count", [1, 4])
def test_the_list_costs_the_same_queries_at_any_size(gql, django_assert_num_queries, count):
    user = CustomerFactory()
    for number in range(count):
        SavedPaymentMethod.objects.create(
            user=user,
            stripe_payment_method_id=f"pm_listed_{user.pk.hex[:8]}_{number}",
            brand="visa",
            last4=f"{number:04d}",
            exp_month=1,
            exp_year=2030,
        )
    gql.login_as(user)
    with django_assert_num_queries(3):  # the caller, the page, the count
        page = gql.data(LIST, {"first": 2})["myPaymentMethods"]
    rest = gql.data(LIST, {"after": page["pageInfo"]["endCursor"]})["myPaymentMethods"]
    assert len(page["edges"]) + len(rest["edges"]) == count


def test_stripe_out_of_reach_is_payment_unavailable(gql, localstripe, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    gql.login_as(CustomerFactory())
    result = gql.data(ADD)["addPaymentMethod"]
    assert result["errors"] == [{"code": "PAYMENT_UNAVAILABLE"}]
    assert not StripeCustomer.objects.exists()


def test_deleting_the_account_deletes_the_stripe_customer_after_commit(
    gql, localstripe, django_capture_on_commit_callbacks
):
    from tests.factories import DEFAULT_PASSWORD

    user = CustomerFactory()
    gql.login_as(user)
    save_card(gql, localstripe)
    customer_id = StripeCustomer.objects.get(user=user).customer_id
    with django_capture_on_commit_callbacks(execute=True):
        deleted = gql.data(
            "mutation($p: String!) { requestAccountDeletion(input: {password: $p}) { ok } }",
            {"p": DEFAULT_PASSWORD},
        )
    assert deleted["requestAccountDeletion"]["ok"] is True
    assert not StripeCustomer.objects.exists() and not SavedPaymentMethod.objects.exists()
    with pytest.raises(urllib.error.HTTPError) as gone:
        localstripe.get(f"/v1/customers/{customer_id}")
    assert gone.value.code == 404
